import type { Message } from "../bot/message.js";
import type { RulesChange } from "../incidents/service.js";
import { owedClocks } from "../incidents/model.js";
import { describeRules } from "../rules/identity.js";
import { formatCst, formatDuration } from "./format.js";
import { fill, label, loadTemplates, type Bi } from "./templates.js";

/**
 * What the war room is told when an incident is judged again under changed rules: nothing when
 * the verdict stands; loudly, pinging the people who must act, when a report is now owed or its
 * deadline has already passed.
 */
export function rulesNotice(change: RulesChange, now: number): Message | undefined {
  const { before, after, snapshot } = change;
  const same = JSON.stringify(before) === JSON.stringify(after);
  if (same) return undefined;
  const t = loadTemplates();
  const pack = snapshot.rules.pack;
  const zone = pack.authority_zone;
  // The old level is named in the new pack's words; an id the new pack lacks is shown as it is.
  const levelName = (id: string): Bi => {
    const l = pack.levels.find((x) => x.id === id);
    return l ? { en: l.en, zh: l.zh } : { en: id, zh: id };
  };
  const lines: Bi[] = [fill(label(t, "rules_rejudged"), { id: change.incidentId, from: describeRules(change.from), to: describeRules(change.to) })];
  if (before.level !== after.level) lines.push(fill(label(t, "rules_level_changed"), { from: levelName(before.level), to: levelName(after.level) }));
  const nowOwed = after.reportability === "reportable" && before.reportability !== "reportable";
  const deadline = after.deadline_at ? formatCst(after.deadline_at, zone) : "—";
  if (nowOwed) lines.push(fill(label(t, "rules_now_reportable"), { deadline }));
  else if (after.deadline_at && before.deadline_at && after.deadline_at !== before.deadline_at) {
    lines.push(fill(label(t, "rules_deadline_moved"), { from: formatCst(before.deadline_at, zone), to: deadline }));
  }
  if (before.reportability === "reportable" && (after.reportability === "not_reportable" || after.reportability === "assessed_not_reportable")) lines.push(label(t, "rules_no_longer_reportable"));
  const reportOwed = owedClocks(snapshot).report && after.deadline_at !== null;
  const passed = reportOwed && Date.parse(after.deadline_at as string) < now;
  if (passed) lines.push(fill(label(t, "deadline_already_past"), { overdue: formatDuration(now - Date.parse(after.deadline_at as string)) }));
  if (change.levelChangedAfterFiling) lines.push(fill(label(t, "level_changed_after_filing"), { from: levelName(before.level).en, to: levelName(after.level).en }));
  const loud = nowOwed || passed;
  const mentions = loud ? [...new Set([snapshot.roles.commander, snapshot.roles.compliance].filter((x): x is string => Boolean(x)))] : [];
  const title = loud ? `🚨 Incident #${change.incidentId} re-judged under updated rules` : `⚖️ Incident #${change.incidentId} re-judged under updated rules`;
  const body = [...lines.map((l) => l.en), "", ...lines.map((l) => l.zh)].join("\n");
  const ping = mentions.length ? `${mentions.map((m) => `<@${m}>`).join(" ")} ` : "";
  return { title, text: `${ping}${title}\n${body}`, body, mentions, tone: loud ? "danger" : "warning" };
}
