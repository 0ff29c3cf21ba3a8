import { DateTime } from "luxon";
import { owedClocks, type IncidentSnapshot } from "../incidents/model.js";
import type { RulePack } from "../rules/pack.js";
import { levelById } from "../rules/classify.js";
import { formatCst, formatInZone } from "../report/format.js";
import { itemNumbers } from "../report/card.js";
import { urgentWithin } from "../countdown/planner.js";
import { html, type SafeHtml } from "./html.js";

/** A link to an incident's channel on its platform, where one can be made. */
export type ChannelLinks = (platform: string, channelId: string) => string | undefined;

/** What every board view is rendered with. */
export interface BoardView {
  pack: RulePack;
  /** The viewer's zone, shown beside CST. */
  zone: string;
  now: number;
  base: string;
  channelLink: ChannelLinks;
}

export function levelCell(pack: RulePack, snap: IncidentSnapshot): SafeHtml {
  const level = levelById(pack, snap.classification.level);
  return html`<span class="level level-${level.id}">${level.en} ${level.zh}</span>${snap.incident.provisional ? html` <em class="provisional">provisional</em>` : ""}`;
}

/** CST always; the viewer's zone beside it when it differs. */
export function timeCell(iso: string, v: BoardView): SafeHtml {
  const at = DateTime.fromISO(iso, { zone: "utc" });
  const sameOffset = at.setZone(v.zone).offset === at.setZone(v.pack.authority_zone).offset;
  return html`<time datetime="${at.toISO()}">${formatCst(iso, v.pack.authority_zone)}</time>${sameOffset ? "" : html`<br><small>${formatInZone(iso, v.zone)}</small>`}`;
}

export function channelCell(snap: IncidentSnapshot, v: BoardView): SafeHtml {
  const i = snap.incident;
  const name = i.channelName ? `#${i.channelName}` : "no channel";
  const url = i.channelId ? v.channelLink(i.platform, i.channelId) : undefined;
  return html`${i.platform} · ${url ? html`<a href="${url}" rel="noopener noreferrer">${name}</a>` : name}`;
}

/** The reports still owed, in words; the clocks are the core's (owedClocks), not re-derived. */
export function reportsOwed(pack: RulePack, snap: IncidentSnapshot): string[] {
  const owedNow = owedClocks(snap);
  const owed: string[] = [];
  if (owedNow.report) owed.push("initial report");
  if (snap.supplementaryOwed.length) owed.push(`supplementary (items ${itemNumbers(pack, snap.supplementaryOwed)})`);
  if (snap.updateOwed) owed.push("update report");
  if (owedNow.final) owed.push(summaryName(pack));
  return owed;
}

function summaryName(pack: RulePack): string {
  return `${pack.countdown.post_incident.days}-day post-incident report`;
}

export interface NextDue {
  at: string;
  what: string;
  /** Within this of `at` the deadline is urgent (the rule pack's window for its clock). */
  soonMs: number;
}

/** The next deadline the incident's people must meet, if any. */
export function nextDue(pack: RulePack, snap: IncidentSnapshot): NextDue | undefined {
  const owed = owedClocks(snap);
  if (owed.report && snap.clock) {
    return { at: snap.clock.deadlineAt, what: snap.clock.provisional ? "initial report (provisional deadline)" : "initial report", soonMs: urgentWithin(pack.countdown, "report") };
  }
  if (owed.final && snap.incident.finalDueAt) return { at: snap.incident.finalDueAt, what: summaryName(pack), soonMs: urgentWithin(pack.countdown, "post_incident") };
  return undefined;
}
