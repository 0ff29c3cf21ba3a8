import { leftText } from "../report/format.js";
import { html, type SafeHtml } from "./html.js";

export type Urgency = "overdue" | "soon" | "ok";

/** `soonMs`: the clock's urgent window from the rule pack (urgentWithin), when warnings start pinging people. */
export function urgencyOf(dueAt: number, now: number, soonMs: number): Urgency {
  if (dueAt < now) return "overdue";
  return dueAt - now <= soonMs ? "soon" : "ok";
}

/** Beside the time left ("OVERDUE by …"), the words that say what the colour says: colour is never the only signal. */
export const URGENCY_WORDS: Record<Urgency, string> = { overdue: "⚠", soon: "⏰ Due soon", ok: "" };

/**
 * The countdown as the server sees it; the page's script keeps counting from data-due
 * (epoch ms) with the same words and thresholds (data-soon).
 */
export function countdown(dueIso: string, now: number, soonMs: number): SafeHtml {
  const due = Date.parse(dueIso);
  const u = urgencyOf(due, now, soonMs);
  return html`<span class="due due-${u}" data-due="${due}" data-soon="${soonMs}"><strong class="due-flag">${URGENCY_WORDS[u]}</strong> <span class="due-left">${leftText(due - now)}</span></span>`;
}
