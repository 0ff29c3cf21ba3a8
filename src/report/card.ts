import type { RulePack } from "../rules/pack.js";
import { filedLate, type IncidentSnapshot } from "../incidents/model.js";
import type { Button, Field, Message, Tone } from "../bot/message.js";
import { applicableDeadlines, levelById, possibleDeadlines } from "../rules/classify.js";
import { formatBoth, timeLeft } from "./format.js";
import { label, loadTemplates } from "./templates.js";
import { assessmentNote, classificationNotes, clockReasons } from "./reasons.js";
import { describeRules } from "../rules/identity.js";

export interface PresentOptions {
  pack: RulePack;
  displayZone: string;
  now: number;
}

export function mention(userId: string | undefined): string {
  return userId ? `<@${userId}>` : "unassigned";
}

function levelText(pack: RulePack, snap: IncidentSnapshot): string {
  const level = levelById(pack, snap.classification.level);
  const name = `${level.en.toUpperCase()} ${level.zh}`;
  return snap.incident.provisional ? `${name} so far (provisional)` : name;
}

function factLabel(pack: RulePack, name: string): string {
  return pack.facts.find((f) => f.name === name)?.en ?? name;
}

/** One line on where the report stands, for cards and warnings alike. */
export function reportState(o: PresentOptions, snap: IncidentSnapshot): string {
  const i = snap.incident;
  if (i.status === "closed") return "Closed.";
  if (snap.initialFiled) {
    const owed = [
      snap.supplementaryOwed.length ? `supplementary report of items ${itemNumbers(o.pack, snap.supplementaryOwed)}` : "",
      snap.updateOwed ? "update report of new developments" : "",
    ].filter(Boolean);
    const initial = snap.submissions.find((s) => s.kind === "initial");
    const late = initial && filedLate(snap, initial) && snap.clock ? ` after the deadline (${formatBoth(snap.clock.deadlineAt, o.pack.authority_zone, o.displayZone)}): late` : "";
    return `Initial report filed${late}.${owed.length ? ` Still owed: ${owed.join("; ")}.` : ""}`;
  }
  if (!snap.clock) {
    return snap.assessment ? assessmentNote(o.pack, snap.assessment).en : label(loadTemplates(), "not_reportable").en;
  }
  const left = timeLeft(snap.clock.deadlineAt, o.now);
  return `${snap.clock.provisional ? "Provisional deadline" : "Report due"} ${formatBoth(snap.clock.deadlineAt, o.pack.authority_zone, o.displayZone)} — ${left}`;
}

/** Report items by their numbers in the Measures, "1, 2, 5". */
export function itemNumbers(pack: RulePack, ids: string[]): string {
  return ids.map((id) => String(pack.report_items.find((r) => r.id === id)?.number ?? id)).join(", ");
}

export function missingItemsText(pack: RulePack, snap: IncidentSnapshot): string {
  if (!snap.missingItems.length) return `none: all ${pack.report_items.filter((i) => !i.optional).length} required items written`;
  return itemNumbers(pack, snap.missingItems);
}

/** The channel topic: level and deadline only, so it changes when they do, not every minute. */
export function topicLine(o: PresentOptions, snap: IncidentSnapshot): string {
  const level = levelText(o.pack, snap);
  const i = snap.incident;
  if (i.status === "closed") return `${level} · closed`;
  if (i.status === "resolved") return i.finalDueAt && !snap.finalFiled ? `${level} · resolved · summary report due ${formatBoth(i.finalDueAt, o.pack.authority_zone, o.displayZone)}` : `${level} · resolved`;
  if (snap.initialFiled) return `${level} · initial report filed`;
  if (!snap.clock) return `${level} · ${snap.assessment ? "assessed not reportable" : "no CAC report required"}`;
  return `${level} · ${snap.clock.provisional ? "provisional deadline" : "report due"} ${formatBoth(snap.clock.deadlineAt, o.pack.authority_zone, o.displayZone)}`;
}

function tone(snap: IncidentSnapshot, now: number): Tone {
  if (snap.incident.status !== "open") return "success";
  if (snap.clock && !snap.initialFiled && Date.parse(snap.clock.deadlineAt) < now) return "danger";
  if (snap.clock && !snap.initialFiled) return "warning";
  return "info";
}

/** The pinned status card, edited in place as the incident changes. */
export function renderCard(o: PresentOptions, snap: IncidentSnapshot): Message {
  const { pack } = o;
  const i = snap.incident;
  const title = `Incident #${i.id}: ${i.title}`;
  const fields: Field[] = [
    { label: "Level", value: levelText(pack, snap), short: true },
    { label: "Status", value: i.status, short: true },
    { label: "Aware at", value: formatBoth(i.awareAt, pack.authority_zone, o.displayZone), short: true },
    { label: "Report", value: reportState(o, snap) },
  ];
  const reasons = i.status === "open" && !snap.initialFiled ? clockReasons(snap) : [];
  if (reasons.length) fields.push({ label: label(loadTemplates(), "why_provisional").en, value: reasons.map((r) => r.en).join("\n") });
  if (snap.classification.criteria.length) {
    fields.push({
      label: "Criteria met",
      value: snap.classification.criteria
        .map((c) => `${c.text_en}${c.confirmed ? "" : " (threshold unconfirmed: verify)"}${c.interpretation ? ` [${label(loadTemplates(), "stricter_reading").en}: ${c.interpretation.en}]` : ""}`)
        .join("\n"),
    });
  }
  if (snap.clock) {
    const provisional = snap.clock.provisional;
    fields.push({
      label: provisional ? "Report to (every recipient that could apply)" : "Report to",
      value: snap.classification.recipients.map((r) => `${r.text_en} ${r.text_zh}`).join("; "),
    });
    // While the route is open, every route's onward duty could apply.
    const routes = provisional ? possibleDeadlines(pack, snap.facts) : applicableDeadlines(pack, snap.facts);
    const onward = routes.filter((d) => levelById(pack, snap.classification.level).rank >= levelById(pack, d.onward_from_level).rank).map((d) => d.onward.en);
    if (onward.length) fields.push({ label: "Receiver's onward duty", value: onward.join("\n") });
  }
  const unknown = snap.classification.missing;
  if (unknown.length && i.status === "open") {
    fields.push({
      label: "Unknown facts that could raise the level or decide the deadline",
      value: unknown.slice(0, 6).map((f) => factLabel(pack, f)).join("; ") + (unknown.length > 6 ? ` (+${unknown.length - 6} more)` : ""),
    });
  }
  fields.push({ label: "Report items missing", value: missingItemsText(pack, snap), short: true });
  fields.push({
    label: "Roles",
    value: `commander ${mention(snap.roles.commander)} · compliance ${mention(snap.roles.compliance)} · scribe ${mention(snap.roles.scribe)}`,
  });
  if (i.finalDueAt && !snap.finalFiled) {
    fields.push({ label: "Post-incident report due", value: `${formatBoth(i.finalDueAt, pack.authority_zone, o.displayZone)} — ${timeLeft(i.finalDueAt, o.now)}` });
  }
  fields.push({ label: label(loadTemplates(), "rules").en, value: describeRules(snap.rules.identity), short: true });
  const t = loadTemplates();
  const reminders: string[] = classificationNotes(snap.facts).map((n) => n.en);
  if (snap.facts.suspected_crime === true && !i.policeReportedAt) reminders.push(label(t, "police_pending").en);
  if (!i.disclosureClearedAt) reminders.push(label(t, "disclosure_pending").en);
  if (i.provisional && i.status === "open") reminders.push(label(t, "enter_facts").en);
  const value = String(i.id);
  const buttons: Button[] =
    i.status === "closed"
      ? []
      : [
          { action: "facts", label: "Enter facts", style: "primary", value },
          { action: "report_edit", label: "Edit report", value },
          { action: "report", label: "Draft", value },
          { action: "submitted", label: "Mark submitted", value },
          ...(i.reportability === "undetermined" ? [{ action: "assess_not-reportable", label: "Assess: not reportable", value } satisfies Button] : []),
          { action: "resolve", label: "Resolve", style: "danger", value },
        ];
  const text = [title, ...fields.map((f) => `${f.label}: ${f.value}`), ...reminders].join("\n");
  return { title, text, fields, body: reminders.join("\n") || undefined, buttons, tone: tone(snap, o.now) };
}
