import { DateTime } from "luxon";
import type { RulePack } from "../rules/pack.js";
import type { IncidentSnapshot, Reportability, SubmissionKind } from "../incidents/model.js";
import { assessmentNote, clockReasons } from "./reasons.js";
import { levelById } from "../rules/classify.js";
import { label, type Templates } from "./templates.js";
import { rulesIdentity, type RulesIdentity } from "../rules/identity.js";
import { classificationNotes } from "./reasons.js";

export interface DraftDetail {
  id: string;
  label_zh: string;
  label_en: string;
  value: string | null;
}

export interface DraftItem {
  number: number;
  id: string;
  label_zh: string;
  label_en: string;
  value: string | null;
  missing: boolean;
  note_zh?: string;
  note_en?: string;
  /** Fields the item must carry in this case (ransomware: amount, payment method, date). */
  details?: DraftDetail[];
}

export interface Draft {
  kind: SubmissionKind;
  incident: { id: number; title: string };
  level: { id: string; zh: string; en: string };
  /** true, false, or null while undetermined (assessed-not-reportable counts as false). */
  reportable: boolean | null;
  reportability: Reportability;
  provisional: boolean;
  /** Why the clock is provisional, when it is. */
  provisional_reasons: { zh: string; en: string }[];
  /** Each with the reading applied where the Guide can be read two ways. */
  criteria: { id: string; zh: string; en: string; confirmed: boolean; interpretation?: { zh: string; en: string } }[];
  /** The rule pack that judged the incident: an auditor can ask for exactly these rules (warroom rules show). */
  rules: RulesIdentity;
  aware_at: string;
  deadline: string | null;
  deadline_hours: number | null;
  recipients: { id: string; zh: string; en: string }[];
  /** How the report can be filed; contacts marked verify come from secondary sources. */
  channels: { id: string; zh: string; en: string; contact_zh: string | null; contact_en: string | null; verify: boolean }[];
  resolved_at: string | null;
  final_due_at: string | null;
  /**
   * Who reports: the first line of the incident report's item 1, which names the operator
   * first. The same for every report kind (the summary's items and a supplementary report's
   * owed items need not include item 1).
   */
  reporting_unit: string | null;
  items: DraftItem[];
  missing_items: string[];
  developments: { at: string; text: string }[];
  notes: { id: string; zh: string; en: string }[];
  generated_at: string;
}

const cst = (pack: RulePack, iso: string | null): string | null =>
  iso ? DateTime.fromISO(iso, { zone: "utc" }).setZone(pack.authority_zone).toISO({ suppressMilliseconds: true }) : null;

/** The first line of item 1 of the incident report, at most 200 characters. */
function reportingUnit(pack: RulePack, snap: IncidentSnapshot): string | null {
  const first = pack.report_items.find((i) => i.number === 1);
  const line = first ? snap.items[first.id]?.split("\n")[0]?.trim() : undefined;
  return line ? [...line].slice(0, 200).join("") : null;
}

/** Which report is owed next: what `/incident report` and `submitted` default to. */
export function nextReportKind(snap: IncidentSnapshot): SubmissionKind {
  if (!snap.initialFiled) return "initial";
  if (snap.incident.status === "resolved" || snap.incident.status === "closed") return "final";
  if (snap.updateOwed) return "update";
  if (snap.supplementaryOwed.length) return "supplementary";
  return "update";
}

/**
 * The ready-to-submit draft: the items of Article 7 (or the post-incident headings of Article 8
 * for the final report) with what is known, every gap marked, in a form both renderers read.
 */
export function buildDraft(pack: RulePack, t: Templates, snap: IncidentSnapshot, kind: SubmissionKind, now: DateTime): Draft {
  const level = levelById(pack, snap.classification.level);
  const final = kind === "final";
  const defs = final ? pack.post_incident_items : pack.report_items;
  const values = final ? snap.postItems : snap.items;
  const only = kind === "supplementary" ? new Set(snap.supplementaryOwed) : undefined;
  const items: DraftItem[] = defs
    .filter((d) => !only || only.has(d.id))
    .map((d) => {
      const value = values[d.id]?.trim() || null;
      // An optional item (Article 7(8), anything else to report) left empty is "none", not a gap.
      const optional = "optional" in d && d.optional === true;
      const item: DraftItem = { number: d.number, id: d.id, label_zh: d.zh, label_en: d.en, value, missing: value === null && !optional };
      if (d.ransomware_en && snap.facts.ransomware === true) {
        item.note_en = d.ransomware_en;
        item.note_zh = d.ransomware_zh;
      }
      if (d.ransomware_details && snap.facts.ransomware === true) {
        item.details = d.ransomware_details.map((x) => ({ id: x.id, label_zh: x.zh, label_en: x.en, value: values[x.id]?.trim() || null }));
      }
      return item;
    });
  const notes: Draft["notes"] = [...classificationNotes(snap.facts)];
  const note = (id: string) => notes.push({ id, ...label(t, id) });
  if (snap.incident.reportability === "not_reportable") note("not_reportable");
  if (snap.assessment) notes.push({ id: "assessed_not_reportable", ...assessmentNote(pack, snap.assessment) });
  if (kind === "initial" && items.some((i) => i.missing && i.number > 2)) note("partial_initial");
  if (snap.facts.ransomware === true) note("ransomware");
  if (snap.facts.suspected_crime === true && !snap.incident.policeReportedAt) note("police");
  note("disclaimer");
  const recipients = snap.clock ? snap.classification.recipients.map((r) => ({ id: r.id, zh: r.text_zh, en: r.text_en })) : [];
  const reportable = { reportable: true, not_reportable: false, assessed_not_reportable: false, undetermined: null }[snap.incident.reportability];
  return {
    kind,
    incident: { id: snap.incident.id, title: snap.incident.title },
    level: { id: level.id, zh: level.zh, en: level.en },
    reportable,
    reportability: snap.incident.reportability,
    provisional: snap.incident.provisional,
    provisional_reasons: final || snap.initialFiled ? [] : clockReasons(snap),
    criteria: snap.classification.criteria.map((c) => ({
      id: c.id,
      zh: c.text_zh,
      en: c.text_en,
      confirmed: c.confirmed,
      ...(c.interpretation ? { interpretation: { zh: c.interpretation.zh, en: c.interpretation.en } } : {}),
    })),
    rules: rulesIdentity(snap.rules.pack),
    aware_at: cst(pack, snap.incident.awareAt) as string,
    deadline: cst(pack, snap.clock?.deadlineAt ?? null),
    deadline_hours: snap.clock?.hours ?? null,
    recipients,
    channels: pack.channels.map((c) => ({ id: c.id, zh: c.zh, en: c.en, contact_zh: c.contact?.zh ?? null, contact_en: c.contact?.en ?? null, verify: c.verify === true })),
    resolved_at: cst(pack, snap.incident.resolvedAt),
    final_due_at: cst(pack, snap.incident.finalDueAt),
    reporting_unit: reportingUnit(pack, snap),
    items,
    missing_items: [...items.filter((i) => i.missing).map((i) => i.id), ...items.flatMap((i) => (i.details ?? []).filter((x) => x.value === null).map((x) => x.id))],
    developments:
      kind === "update" ? snap.developments.filter((d) => d.submissionId === null).map((d) => ({ at: cst(pack, d.at) as string, text: d.text })) : [],
    notes,
    generated_at: cst(pack, now.toUTC().toISO()) as string,
  };
}

export type Lang = "zh" | "en" | "both";
export type DraftFormat = "md" | "text" | "json";

const when = (iso: string | null) => (iso ? `${DateTime.fromISO(iso, { setZone: true }).toFormat("yyyy-MM-dd HH:mm")} CST` : "—");

function renderOne(d: Draft, t: Templates, lang: "zh" | "en", md: boolean): string {
  const L = (key: string) => label(t, key)[lang];
  const h1 = (s: string) => (md ? `# ${s}` : `${s}\n${"=".repeat(Math.min(60, s.length * (lang === "zh" ? 2 : 1)))}`);
  const h2 = (s: string) => (md ? `## ${s}` : `${s}`);
  const bullet = (k: string, v: string) => (md ? `- **${k}**: ${v}` : `${k}: ${v}`);
  const missing = t.missing[lang];
  const lines: string[] = [h1(t.titles[d.kind][lang]), ""];
  const level = d.provisional ? `${d.level[lang]} (${L("provisional")})` : d.level[lang];
  lines.push(bullet(L("incident"), `#${d.incident.id} ${d.incident.title}`));
  lines.push(bullet(L("level"), level));
  if (d.criteria.length) lines.push(bullet(L("criteria"), criteriaText(d, t, lang)));
  lines.push(bullet(L("aware_at"), when(d.aware_at)));
  if (d.kind !== "final" && d.deadline) lines.push(bullet(L("deadline"), `${when(d.deadline)} (${d.deadline_hours} h)`));
  if (d.recipients.length) lines.push(bullet(L("recipients"), d.recipients.map((r) => r[lang]).join(lang === "zh" ? "、" : ", ")));
  if (d.provisional_reasons.length) lines.push(bullet(L("why_provisional"), d.provisional_reasons.map((r) => r[lang]).join(" ")));
  if (d.kind === "final") {
    lines.push(bullet(L("resolved_at"), when(d.resolved_at)));
    lines.push(bullet(L("final_due"), when(d.final_due_at)));
  }
  lines.push("");
  for (const item of d.items) {
    lines.push(h2(`${item.number}. ${lang === "zh" ? item.label_zh : item.label_en}`));
    const note = lang === "zh" ? item.note_zh : item.note_en;
    if (note) lines.push(md ? `> ${note}` : `(${note})`);
    lines.push(item.value ?? (item.missing ? missing : L("no_other_matters")));
    if (item.details) {
      for (const x of item.details) lines.push(bullet(lang === "zh" ? x.label_zh : x.label_en, x.value ?? missing));
    }
    lines.push("");
  }
  if (d.developments.length) {
    lines.push(h2(L("developments")));
    for (const dev of d.developments) lines.push(`${md ? "- " : "* "}${when(dev.at)} ${dev.text}`);
    lines.push("");
  }
  lines.push(h2(L("file_through")));
  for (const c of d.channels) {
    const contact = lang === "zh" ? c.contact_zh : c.contact_en;
    lines.push(`${md ? "- " : "* "}${c[lang]}${contact ? `: ${contact}` : ""}${c.verify ? ` (${L("verify_notice")})` : ""}`);
  }
  lines.push("");
  for (const n of d.notes) lines.push(md ? `> ${n[lang]}` : `NOTE: ${n[lang]}`);
  if (d.notes.length) lines.push("");
  lines.push(`${L("rules")}: ${rulesLine(d)}`);
  lines.push(`${L("generated")}: ${when(d.generated_at)}`);
  return lines.join("\n");
}

/** The criteria that fired, each with its flag and, where the Guide reads two ways, the reading applied. */
export function criteriaText(d: Draft, t: Templates, lang: "zh" | "en"): string {
  const L = (key: string) => label(t, key)[lang];
  const zh = lang === "zh";
  const parts = d.criteria.map((c) => {
    const notes = [...(c.confirmed ? [] : [L("unconfirmed")]), ...(c.interpretation ? [`${L("stricter_reading")}${zh ? "：" : ": "}${c.interpretation[lang]}`] : [])];
    if (!notes.length) return c[lang];
    return zh ? `${c[lang]}（${notes.join("；")}）` : `${c[lang]} (${notes.join("; ")})`;
  });
  return parts.join(lang === "zh" ? "；" : "; ");
}

/** "cac-2025 2.0.0, sha256 <hash>": the whole hash, which warroom rules show takes. */
export function rulesLine(d: Draft): string {
  return `${d.rules.id} ${d.rules.version}, sha256 ${d.rules.sha256}`;
}

export function renderDraft(d: Draft, t: Templates, options: { lang: Lang; format: DraftFormat }): string {
  if (options.format === "json") return JSON.stringify(d, null, 2);
  const md = options.format === "md";
  if (options.lang !== "both") return renderOne(d, t, options.lang, md);
  return [renderOne(d, t, "zh", md), md ? "\n---\n" : `\n${"-".repeat(60)}\n`, renderOne(d, t, "en", md)].join("\n");
}
