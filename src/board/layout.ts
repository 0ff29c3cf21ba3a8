import { html, type SafeHtml } from "./html.js";
import type { BoardViewer } from "./auth.js";

export interface PageOptions {
  title: string;
  /** Where the board is mounted as the browser sees it, e.g. "/board". */
  base: string;
  now: number;
  body: SafeHtml;
  viewer?: BoardViewer;
  /** Subscribe to changes and refresh <main> without a reload. */
  live?: boolean;
}

/**
 * Every board page: one stylesheet and one script, both served by the board itself (no
 * inline script or style, so the Content-Security-Policy can forbid them outright).
 */
export function page(o: PageOptions): string {
  const who = o.viewer ? (o.viewer.name ?? o.viewer.userId) : undefined;
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title} · warroom board</title>
<link rel="stylesheet" href="${o.base}/assets/board.css">
<script src="${o.base}/assets/board.js" defer></script>
</head>
<body data-base="${o.base}" data-now="${o.now}"${o.live ? html` data-live="1"` : ""}>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<nav aria-label="Board"><a href="${o.base}">Open incidents</a></nav>
${
  who
    ? html`<p class="who">Signed in as ${who} (${o.viewer?.platform}) <span id="live" role="status" aria-live="polite"></span></p>
<form method="post" action="${o.base}/signout"><button type="submit">Sign out</button></form>`
    : ""
}
</header>
<main id="main" tabindex="-1">
${o.body}
</main>
</body>
</html>`.text}\n`;
}
