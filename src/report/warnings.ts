import type { IncidentSnapshot } from "../incidents/model.js";
import type { Message } from "../bot/message.js";
import type { WarningRow } from "../countdown/schedule.js";
import type { WarningRenderer } from "../countdown/sweeper.js";
import { levelById } from "../rules/classify.js";
import { urgentWithin } from "../countdown/planner.js";
import { formatBoth, formatDuration } from "./format.js";
import { label, loadTemplates } from "./templates.js";
import { missingItemsText, type PresentOptions } from "./card.js";
import { classificationNotes, clockReasons } from "./reasons.js";

function headline(w: WarningRow, snap: IncidentSnapshot, now: number): string {
  const final = w.clock === "post_incident";
  const due = final ? snap.incident.finalDueAt : snap.clock?.deadlineAt;
  const left = due ? Date.parse(due) - now : 0;
  const what = final ? "Post-incident report" : snap.clock?.provisional ? "Report (provisional deadline)" : "CAC report";
  if (left < 0) return `🚨 ${what} OVERDUE by ${formatDuration(left)}`;
  if (w.kind === "deadline") return `🚨 ${what} due NOW`;
  if (w.kind === "half") return `⏳ Half the reporting time is gone: ${formatDuration(left)} left`;
  return `⏳ ${what}: ${formatDuration(left)} left`;
}

function mentionsFor(o: PresentOptions, snap: IncidentSnapshot, w: WarningRow, now: number): string[] {
  const due = w.clock === "post_incident" ? snap.incident.finalDueAt : snap.clock?.deadlineAt;
  if (!due) return [];
  // Close to the deadline (policy), the people who must act are pinged.
  if (Date.parse(due) - now > urgentWithin(o.pack.countdown, w.clock)) return [];
  return [...new Set([snap.roles.commander, snap.roles.compliance].filter((x): x is string => Boolean(x)))];
}

function details(o: PresentOptions, snap: IncidentSnapshot, w: WarningRow, now: number): string[] {
  const level = levelById(o.pack, snap.classification.level);
  const lines = [`Incident #${snap.incident.id}: ${snap.incident.title}`, `Level: ${level.en} ${level.zh}${snap.incident.provisional ? " so far (provisional)" : ""}`];
  for (const n of classificationNotes(snap.facts)) lines.push(n.en);
  if (w.clock === "report" && snap.clock) {
    lines.push(`Deadline: ${formatBoth(snap.clock.deadlineAt, o.pack.authority_zone, o.displayZone)}`);
    const left = Date.parse(snap.clock.deadlineAt) - now;
    lines.push(left >= 0 ? `Time left: ${formatDuration(left)}` : `Overdue by: ${formatDuration(left)}`);
    lines.push(`Missing from the draft: items ${missingItemsText(o.pack, snap)}`);
    for (const r of clockReasons(snap)) lines.push(r.en);
    if (snap.incident.provisional) lines.push(label(loadTemplates(), "enter_facts").en);
  } else if (snap.incident.finalDueAt) {
    lines.push(`Post-incident report due: ${formatBoth(snap.incident.finalDueAt, o.pack.authority_zone, o.displayZone)}`);
    const missing = o.pack.post_incident_items.filter((d) => !snap.postItems[d.id]?.trim()).map((d) => d.number);
    lines.push(`Missing from the summary: ${missing.length ? `items ${missing.join(", ")}` : "nothing"}`);
  }
  return lines;
}

export function warningRenderer(options: () => PresentOptions): WarningRenderer {
  return {
    warning(snap, w, now) {
      const o = { ...options(), now };
      const title = headline(w, snap, now);
      const mentions = mentionsFor(o, snap, w, now);
      const lines = details(o, snap, w, now);
      const ping = mentions.length ? `${mentions.map((m) => `<@${m}>`).join(" ")} ` : "";
      const tone = title.startsWith("🚨") ? "danger" : "warning";
      return { title, text: `${ping}${title}\n${lines.join("\n")}`, body: lines.join("\n"), mentions, tone } satisfies Message;
    },
    catchUp(snap, warnings, now) {
      const o = { ...options(), now };
      const last = warnings[warnings.length - 1] as WarningRow;
      const title = `⏱ Catch-up: ${warnings.length} warning${warnings.length > 1 ? "s" : ""} fell due while warroom was offline`;
      const when = warnings.map((w) => `- ${w.kind === "before" ? "before deadline" : w.kind} (${formatBoth(new Date(w.due_at).toISOString(), o.pack.authority_zone, o.displayZone)})`);
      const lines = [headline(last, snap, now), ...details(o, snap, last, now), "Missed:", ...when];
      const mentions = mentionsFor(o, snap, last, now);
      const ping = mentions.length ? `${mentions.map((m) => `<@${m}>`).join(" ")} ` : "";
      return { title, text: `${ping}${title}\n${lines.join("\n")}`, body: lines.join("\n"), mentions, tone: "danger" } satisfies Message;
    },
  };
}
