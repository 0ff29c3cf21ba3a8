import { leftText } from "../report/format.js";
import { html, type SafeHtml } from "./html.js";

/** Within this of a deadline the board shows it as due soon (amber). */
export const SOON_MS = 30 * 60_000;

export type Urgency = "overdue" | "soon" | "ok";

export function urgencyOf(dueAt: number, now: number): Urgency {
  if (dueAt < now) return "overdue";
  return dueAt - now <= SOON_MS ? "soon" : "ok";
}

/** Beside the time left ("OVERDUE by …"), the words that say what the colour says: colour is never the only signal. */
export const URGENCY_WORDS: Record<Urgency, string> = { overdue: "⚠", soon: "⏰ Due soon", ok: "" };

/**
 * The countdown as the server sees it; the page's script keeps counting from data-due
 * (epoch ms) with the same words and thresholds (data-soon).
 */
export function countdown(dueIso: string, now: number): SafeHtml {
  const due = Date.parse(dueIso);
  const u = urgencyOf(due, now);
  return html`<span class="due due-${u}" data-due="${due}" data-soon="${SOON_MS}"><strong class="due-flag">${URGENCY_WORDS[u]}</strong> <span class="due-left">${leftText(due - now)}</span></span>`;
}
