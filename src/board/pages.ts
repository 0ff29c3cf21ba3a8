import { html, type SafeHtml } from "./html.js";

/** How to get in, said wherever someone is turned away: the one explanation of sign-in. */
export const HOW_TO_SIGN_IN = html`<p>To get a sign-in link, type <code>/incident board</code> in any chat where warroom runs: the link is shown to you only.
Without chat, an administrator of the server can run <code>warroom board --link &lt;user id&gt; --platform &lt;platform&gt;</code>.</p>
<p>A link works once, within 10 minutes, and signs you in for 12 hours.</p>`;

export function notice(title: string, text: SafeHtml, more: SafeHtml | string = HOW_TO_SIGN_IN): SafeHtml {
  return html`<div class="notice"><h1>${title}</h1>${text}${more}</div>`;
}
