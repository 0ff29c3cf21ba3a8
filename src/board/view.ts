import { DateTime } from "luxon";
import type { IncidentSnapshot } from "../incidents/model.js";
import type { RulePack } from "../rules/pack.js";
import { levelById } from "../rules/classify.js";
import { formatCst, formatInZone } from "../report/format.js";
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

/** The reports still owed, in words. */
export function reportsOwed(pack: RulePack, snap: IncidentSnapshot): string[] {
  const i = snap.incident;
  const owed: string[] = [];
  if (snap.clock && !snap.initialFiled && i.status === "open") owed.push("initial report");
  if (snap.supplementaryOwed.length) {
    owed.push(`supplementary (items ${snap.supplementaryOwed.map((id) => pack.report_items.find((r) => r.id === id)?.number ?? id).join(", ")})`);
  }
  if (snap.updateOwed) owed.push("update report");
  if (i.status === "resolved" && i.finalDueAt && !snap.finalFiled) owed.push("30-day post-incident report");
  return owed;
}

/** The next deadline the incident's people must meet, if any. */
export function nextDue(snap: IncidentSnapshot): { at: string; what: string } | undefined {
  const i = snap.incident;
  if (snap.clock && !snap.initialFiled && i.status === "open") return { at: snap.clock.deadlineAt, what: snap.clock.provisional ? "initial report (provisional deadline)" : "initial report" };
  if (i.status === "resolved" && i.finalDueAt && !snap.finalFiled) return { at: i.finalDueAt, what: "30-day post-incident report" };
  return undefined;
}
