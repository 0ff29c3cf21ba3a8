import type { FormDef, FormField, FieldErrors, FormValues } from "../src/bot/forms.js";
import type { RulePack } from "../src/rules/pack.js";
import type { IncidentSnapshot } from "../src/incidents/model.js";
import { coerceTextValue, factsSchema, type FactValue } from "../src/rules/facts.js";
import { DateTime } from "luxon";
import { echo, TEXT_LIMITS, tooLong } from "../src/limits.js";

/**
 * Form definitions, written once from the rule pack. Adapters render them; submissions
 * come back as strings and are validated here, field by field.
 */

export const FORM_IDS = {
  open: "incident_open",
  facts: "incident_facts",
  report: "incident_report_items",
  final: "incident_final_items",
  submission: "incident_submission",
  assess: "incident_assess",
} as const;

const CLEARABLE_HINT = { en: "Leave empty if unknown", zh: "未知可留空" };

export function factsForm(pack: RulePack): FormDef {
  const groups = new Map(pack.fact_groups.map((g) => [g.id, g]));
  const fields: FormField[] = pack.facts.map((f): FormField => {
    const group = groups.get(f.group);
    // What the fact stands for in the law comes after how to leave it unknown: narrow forms cut hints short.
    const hint = f.help ? { en: `${CLEARABLE_HINT.en}. ${f.help.en}`, zh: `${CLEARABLE_HINT.zh}。${f.help.zh}` } : CLEARABLE_HINT;
    const base = { name: f.name, label: { en: f.en, zh: f.zh }, hint, group: group ? { en: group.en, zh: group.zh } : undefined };
    switch (f.type) {
      case "number":
        return { ...base, type: "number" };
      case "boolean":
        return { ...base, type: "boolean" };
      case "datetime":
        return { ...base, type: "datetime", hint: { en: "e.g. 2026-03-02T09:00+08:00 (no offset: China Standard Time)", zh: "例如 2026-03-02T09:00+08:00（无时区即北京时间）" } };
      case "enum":
        return { ...base, type: "select", options: (f.values ?? []).map((v) => ({ value: v.value, label: { en: v.en, zh: v.zh } })) };
    }
  });
  return { id: FORM_IDS.facts, title: { en: "Classification facts", zh: "定级事实" }, submitLabel: { en: "Classify", zh: "定级" }, fields };
}

/** Current facts as form strings (aware_at in CST, so people read their own clock). */
export function factsFormValues(pack: RulePack, snap: IncidentSnapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(snap.facts)) {
    out[k] = k === "aware_at" ? (DateTime.fromISO(String(v), { zone: "utc" }).setZone(pack.authority_zone).toISO({ suppressMilliseconds: true, suppressSeconds: true }) as string) : String(v);
  }
  return out;
}

export type ParsedForm<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Validate each fact field on its own so every bad field gets its own error. */
export function parseFactsForm(pack: RulePack, values: FormValues): ParsedForm<Record<string, FactValue | null>> {
  const errors: FieldErrors = {};
  const out: Record<string, FactValue | null> = {};
  const schema = factsSchema(pack);
  for (const def of pack.facts) {
    if (!(def.name in values)) continue;
    const raw = values[def.name] ?? "";
    const candidate = { [def.name]: coerceTextValue(def, raw) };
    const parsed = schema.safeParse(candidate);
    if (!parsed.success) {
      errors[def.name] = parsed.error.issues.map((i) => i.message).join("; ");
      continue;
    }
    const v = parsed.data[def.name];
    if (v !== undefined) out[def.name] = v;
  }
  // aware_at cannot be cleared: an empty field keeps the current value.
  if (out.aware_at === null) delete out.aware_at;
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: out };
}

/** Item fields, with the ransomware details after their item when the incident is ransomware (Article 7, item 2). */
export function itemsForm(pack: RulePack, report: "incident" | "post_incident", ransomware = false): FormDef {
  const defs = report === "incident" ? pack.report_items : pack.post_incident_items;
  return {
    id: report === "incident" ? FORM_IDS.report : FORM_IDS.final,
    title: report === "incident" ? { en: "Report items", zh: "报告事项" } : { en: "Post-incident report", zh: "事件总结报告" },
    submitLabel: { en: "Save", zh: "保存" },
    fields: defs.flatMap((d): FormField[] => [
      {
        name: d.id,
        type: "textarea",
        label: { en: `${d.number}. ${d.en}`, zh: `${d.number}. ${d.zh}` },
        hint: d.ransomware_en ? { en: d.ransomware_en, zh: d.ransomware_zh ?? d.ransomware_en } : undefined,
        maxLength: TEXT_LIMITS.reportItem,
      },
      ...(ransomware ? (d.ransomware_details ?? []) : []).map(
        (x): FormField => ({ name: x.id, type: "text", label: { en: `${d.number}. ${x.en}`, zh: `${d.number}. ${x.zh}` }, maxLength: DETAIL_MAX }),
      ),
    ]),
  };
}

/** A ransomware detail is a short value (an amount, a method, a date). */
const DETAIL_MAX = TEXT_LIMITS.reference;

export function parseItemsForm(pack: RulePack, report: "incident" | "post_incident", values: FormValues): ParsedForm<Record<string, string>> {
  const defs = report === "incident" ? pack.report_items : pack.post_incident_items;
  const limits = new Map<string, number>(defs.flatMap((d) => [[d.id, TEXT_LIMITS.reportItem] as const, ...(d.ransomware_details ?? []).map((x) => [x.id, DETAIL_MAX] as const)]));
  const errors: FieldErrors = {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    const max = limits.get(k);
    if (max === undefined) errors[k] = `unknown item "${echo(k)}"`;
    else if (tooLong("", v, max)) errors[k] = `Too long: at most ${max.toLocaleString("en-US")} characters.`;
    else out[k] = v;
  }
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, value: out };
}

export function openForm(pack: RulePack): FormDef {
  const operator = pack.facts.find((f) => f.name === "operator_type");
  return {
    id: FORM_IDS.open,
    title: { en: "Open an incident", zh: "创建事件" },
    submitLabel: { en: "Open war room", zh: "创建" },
    fields: [
      { name: "title", type: "text", label: { en: "Title", zh: "标题" }, required: true, maxLength: TEXT_LIMITS.title },
      { name: "aware_at", type: "datetime", label: { en: "Time of awareness", zh: "发现或获知时间" }, hint: { en: "Empty = now. No offset = China Standard Time.", zh: "留空即现在；无时区即北京时间" } },
      {
        name: "operator_type",
        type: "select",
        label: { en: "Reporting operator", zh: "报告主体" },
        options: (operator?.values ?? []).map((v) => ({ value: v.value, label: { en: v.en, zh: v.zh } })),
      },
      { name: "cii_affected", type: "boolean", label: { en: "Critical information infrastructure affected?", zh: "是否涉及关键信息基础设施" } },
      { name: "description", type: "textarea", label: { en: "Short description", zh: "简要描述" }, maxLength: TEXT_LIMITS.description },
    ],
  };
}

export function submissionForm(pack: RulePack): FormDef {
  return {
    id: FORM_IDS.submission,
    title: { en: "Record a filed report", zh: "记录已报送" },
    submitLabel: { en: "Record", zh: "记录" },
    fields: [
      { name: "channel", type: "select", required: true, label: { en: "Channel", zh: "报送渠道" }, options: pack.channels.map((c) => ({ value: c.id, label: { en: c.en, zh: c.zh } })) },
      { name: "reference", type: "text", label: { en: "Reference (ticket, call or mail id)", zh: "回执编号" }, maxLength: TEXT_LIMITS.reference },
      { name: "submitted_at", type: "datetime", label: { en: "Filed at", zh: "报送时间" }, hint: { en: "Empty = now", zh: "留空即现在" } },
      {
        name: "incomplete_reason",
        type: "textarea",
        label: { en: "Only if items 1-2 are empty: why the initial report went without them", zh: "仅当第1、2项为空时填写：初次报告缺少该两项的原因" },
        maxLength: TEXT_LIMITS.reason,
      },
      {
        name: "kind",
        type: "select",
        label: { en: "Report", zh: "报告类型" },
        options: [
          { value: "initial", label: { en: "Initial", zh: "初报" } },
          { value: "supplementary", label: { en: "Supplementary", zh: "补报" } },
          { value: "update", label: { en: "Update", zh: "续报" } },
          { value: "final", label: { en: "Post-incident summary", zh: "总结报告" } },
        ],
      },
    ],
  };
}

export function assessForm(): FormDef {
  return {
    id: FORM_IDS.assess,
    title: { en: "Assess: not reportable", zh: "研判：无须报告" },
    submitLabel: { en: "Record assessment", zh: "记录研判" },
    fields: [
      {
        name: "reason",
        type: "textarea",
        required: true,
        label: { en: "Why it is not reportable although facts are still unknown", zh: "在部分事实未知的情况下判定无须报告的理由" },
        hint: { en: "Recorded in the timeline with the facts still unknown", zh: "理由及仍未知的事实将记入时间线" },
        maxLength: 2000,
      },
    ],
  };
}
