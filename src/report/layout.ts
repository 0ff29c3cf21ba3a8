import { DateTime } from "luxon";
import { criteriaText, rulesLine, type Draft, type Lang } from "./draft.js";
import { fill, label, type Templates } from "./templates.js";

/**
 * The official-form layout of a draft, one section per language: what the DOCX and PDF
 * renderers both draw, so the two files can never say different things.
 */

export interface FormRow {
  label: string;
  value: string;
  missing: boolean;
}

export interface FormItem {
  heading: string;
  note?: string;
  text: string;
  missing: boolean;
  details: FormRow[];
}

export interface FormBlock {
  heading: string;
  lines: string[];
}

export interface FormSection {
  lang: "zh" | "en";
  title: string;
  header: FormRow[];
  items: FormItem[];
  /** Developments, the filing channels and the notes, after the items. */
  blocks: FormBlock[];
  footer: string[];
}

/** What the document says beyond the draft: who reports, and the audit trail it matches. */
export interface DocumentContext {
  /** The reporter (the incident's compliance lead or commander), as the platform names them. */
  reporter?: string;
  /** How the authority reaches the reporter back (the sender address of an e-mail filing). */
  contact?: string;
  /** The incident's latest timeline event: its position in the chain and its hash. */
  integrity?: { events: number; hash: string };
}

const when = (iso: string | null) => (iso ? `${DateTime.fromISO(iso, { setZone: true }).toFormat("yyyy-MM-dd HH:mm")} CST` : null);

function section(d: Draft, t: Templates, lang: "zh" | "en", ctx: DocumentContext): FormSection {
  const L = (key: string) => label(t, key)[lang];
  const missing = t.missing[lang];
  const row = (key: string, value: string | null): FormRow => ({ label: L(key), value: value ?? missing, missing: value === null });
  const sep = lang === "zh" ? "；" : "; ";
  const level = d.provisional ? `${d.level[lang]} (${L("provisional")})` : d.level[lang];
  const criteria = criteriaText(d, t, lang);
  const header: FormRow[] = [
    row("reporting_unit", d.reporting_unit),
    row("incident", `#${d.incident.id} ${d.incident.title}`),
    row("level", criteria ? `${level}${sep}${L("criteria")}${lang === "zh" ? "：" : ": "}${criteria}` : level),
    row("aware_at", when(d.aware_at)),
  ];
  if (d.kind === "final") {
    header.push(row("resolved_at", when(d.resolved_at)), row("final_due", when(d.final_due_at)));
  } else if (d.deadline) {
    header.push(row("deadline", `${when(d.deadline)} (${d.deadline_hours} h)`));
  }
  header.push(row("recipients", d.recipients.length ? d.recipients.map((r) => r[lang]).join(lang === "zh" ? "、" : ", ") : null));
  const reporter = [ctx.reporter, ctx.contact].filter(Boolean).join(lang === "zh" ? "，" : ", ");
  header.push(row("reporter", reporter || null));
  if (d.provisional_reasons.length) header.push(row("why_provisional", d.provisional_reasons.map((r) => r[lang]).join(" ")));

  const items: FormItem[] = d.items.map((i) => ({
    heading: `${i.number}. ${lang === "zh" ? i.label_zh : i.label_en}`,
    ...((lang === "zh" ? i.note_zh : i.note_en) ? { note: (lang === "zh" ? i.note_zh : i.note_en) as string } : {}),
    text: i.value ?? (i.missing ? missing : L("no_other_matters")),
    missing: i.missing,
    details: (i.details ?? []).map((x) => ({ label: lang === "zh" ? x.label_zh : x.label_en, value: x.value ?? missing, missing: x.value === null })),
  }));

  const blocks: FormBlock[] = [];
  if (d.developments.length) blocks.push({ heading: L("developments"), lines: d.developments.map((x) => `${when(x.at)} ${x.text}`) });
  blocks.push({
    heading: L("file_through"),
    lines: d.channels.map((c) => {
      const contact = lang === "zh" ? c.contact_zh : c.contact_en;
      return `${c[lang]}${contact ? `: ${contact}` : ""}${c.verify ? ` (${L("verify_notice")})` : ""}`;
    }),
  });
  if (d.notes.length) blocks.push({ heading: "", lines: d.notes.map((n) => n[lang]) });

  const footer = [`${L("rules")}: ${rulesLine(d)}`, `${L("generated")}: ${when(d.generated_at)}`];
  if (ctx.integrity) footer.push(`${L("integrity")}: ${ctx.integrity.events}:${ctx.integrity.hash}`);
  return { lang, title: t.titles[d.kind][lang], header, items, blocks, footer };
}

/** Chinese first: the authority reads the Chinese text; the English copy is for the team. */
export function formLayout(d: Draft, t: Templates, lang: Lang, ctx: DocumentContext = {}): FormSection[] {
  const langs: ("zh" | "en")[] = lang === "both" ? ["zh", "en"] : [lang];
  return langs.map((l) => section(d, t, l, ctx));
}

/** "第2页" / "Page 2", from the templates. */
export function pageLabel(t: Templates, lang: "zh" | "en", page: number): string {
  return fill(label(t, "page"), { page })[lang];
}
