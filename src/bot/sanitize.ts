import type { Actor } from "./adapter.js";
import type { FormValues } from "./forms.js";
import { echo, TEXT_LIMITS } from "../limits.js";

/**
 * User text as it enters the core. Adapters hand the router raw platform text; the router
 * cleans it here once (command text, form values, button values, display names), so no
 * command, store row or reply ever carries a terminal escape or a bidi override.
 */

// Whole escape sequences first, so that no "[31m" or "]0;title" is left behind as text.
const CSI = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]/g;
const OSC = /(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)/g;
const STRING_SEQUENCE = /(?:\u001b[P^_X]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)/g;
const SHORT_ESCAPE = /\u001b[\u0020-\u002f]*[\u0030-\u007e]/g;

/** C0 controls but tab and line feed, DEL, C1 controls. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Bidi marks (ALM, LRM, RLM), embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LINE_BREAKS = /\r\n?|[\u2028\u2029\u0085]/g;

export interface CleanOptions {
  /** Keep line feeds and tabs (report items, descriptions); otherwise they become spaces. */
  multiline?: boolean;
}

export function cleanText(text: string, options: CleanOptions = {}): string {
  let out = text
    .replace(OSC, "")
    .replace(STRING_SEQUENCE, "")
    .replace(CSI, "")
    .replace(SHORT_ESCAPE, "")
    .replace(LINE_BREAKS, "\n")
    .replace(CONTROLS, "")
    .replace(BIDI, "")
    .replace(LONE_SURROGATE, "\ufffd");
  if (!options.multiline) out = out.replace(/[\n\t]/g, " ");
  return out;
}

/**
 * Chat markup that pings or links: `<@U1>`, `<@&role>`, `<!channel>`, `<!subteam^S1>`, `<#C1>`.
 * A zero-width space after the `<` keeps the text as typed but no platform parses it, so
 * a title or note can never notify anyone; mentions the core writes itself stay live.
 */
const CHAT_MARKUP = /<([@!#])/g;
export const ZERO_WIDTH_SPACE = "\u200b";

export function inertMarkup(text: string): string {
  return text.replace(CHAT_MARKUP, `<${ZERO_WIDTH_SPACE}$1`);
}

/** Everything a user typed, as the router passes it on: clean and inert. */
export function userText(text: string, options: CleanOptions = {}): string {
  return inertMarkup(cleanText(text, options));
}

/** One-line text (titles, names, references): line breaks and tabs become spaces. */
export function singleLine(text: string): string {
  return cleanText(text);
}

/** Display names come from the platform profile, which its user controls: cleaned as text. */
export function cleanActor(actor: Actor): Actor {
  return actor.name === undefined ? actor : { ...actor, name: echo(userText(actor.name.slice(0, 4 * TEXT_LIMITS.displayName)).trim(), TEXT_LIMITS.displayName) };
}

/** Form values may be multi-line (textareas); single-line fields are folded by their handler. */
export function cleanValues(values: FormValues): FormValues {
  const out: FormValues = {};
  for (const [k, v] of Object.entries(values)) out[k] = v === undefined ? undefined : userText(v, { multiline: true });
  return out;
}
