import type { TimelineEvent } from "../incidents/timeline.js";

/** One timeline event in a few words: the chat's `/incident timeline` and the board's table. */
export function eventSummary(e: TimelineEvent): string {
  if (e.broken) return `⚠️ BROKEN ROW: ${e.broken}`;
  const p = e.payload;
  switch (e.type) {
    case "fact_set":
      return `${String(p.fact)}: ${JSON.stringify(p.from)} → ${JSON.stringify(p.to)}`;
    case "level_changed":
      return `${String(p.from)} → ${String(p.to)}`;
    case "report_item_set":
      return `${String(p.report)} item ${String(p.item)}`;
    case "report_submitted":
      return `${String(p.kind)} via ${String(p.channel)}${p.reference ? ` (ref ${String(p.reference)})` : ""}`;
    case "role_assigned":
      return `${String(p.role)} = ${String(p.user)}`;
    default: {
      const text = p.title ?? p.text ?? p.note ?? p.reason ?? p.channel ?? "";
      return typeof text === "string" ? text : "";
    }
  }
}
