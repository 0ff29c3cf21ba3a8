import { z } from "zod";
import { BOOLEAN_OPTIONS, booleanChoice, bothLanguages, type FieldErrors, type FormField, type FormRequest, type FormValues } from "../../src/bot/forms.js";
import type { Card, Element } from "./render.js";
import { escapeMarkdown, truncate } from "./text.js";

/**
 * A FormDef as a card with a form container: one input or select per field, submitted as one
 * card.action.trigger whose `form_value` holds every field. Which form, incident and chat it
 * belongs to rides in the submit button's value. Field errors come back as the same card,
 * filled in as submitted, with the error under each refused field.
 */

// Feishu's input component takes at most 1,000 characters.
export const MAX_INPUT = 1000;
const MAX_OPTIONS = 100;

export const FORM_NAME = "warroom_form";

export const formValueSchema = z.object({
  k: z.literal("form"),
  f: z.string().regex(/^[a-z_]{1,40}$/),
  i: z.number().int().positive().optional(),
  c: z.string().min(1).max(100),
  /** The shown form in this process's memory, for re-showing it with field errors. */
  t: z.string().max(40).optional(),
});
export type FormButtonValue = z.infer<typeof formValueSchema>;

const both = bothLanguages;
const plain = (content: string) => ({ tag: "plain_text", content });



function control(f: FormField, value: string | undefined): Element {
  if (f.type === "select" || f.type === "boolean") {
    const options = (f.type === "boolean" ? BOOLEAN_OPTIONS : (f.options ?? [])).slice(0, MAX_OPTIONS);
    const initial = f.type === "boolean" ? booleanChoice(value) : options.find((o) => o.value === value)?.value;
    return {
      tag: "select_static",
      name: f.name,
      required: Boolean(f.required),
      placeholder: plain(f.hint ? truncate(both(f.hint), 100) : "—"),
      options: options.map((o) => ({ text: plain(truncate(both(o.label), 60)), value: o.value })),
      ...(initial ? { initial_option: initial } : {}),
    };
  }
  const multiline = f.type === "textarea";
  return {
    tag: "input",
    name: f.name,
    required: Boolean(f.required),
    input_type: multiline ? "multiline_text" : "text",
    ...(multiline ? { rows: 3, auto_resize: true } : {}),
    max_length: Math.min(f.maxLength ?? MAX_INPUT, MAX_INPUT),
    placeholder: plain(f.hint ? truncate(both(f.hint), 100) : f.type === "datetime" ? "2026-03-02T09:00+08:00" : ""),
    ...(value ? { default_value: value } : {}),
  };
}

function label(f: FormField, error: string | undefined): Element {
  const lines = [`**${escapeMarkdown(both(f.label))}**${f.required ? " *" : ""}`];
  if (error) lines.push(`<font color='red'>⚠️ ${escapeMarkdown(truncate(error, 500))}</font>`);
  return { tag: "markdown", content: lines.join("\n") };
}

/** The form as a card; with `errors`, the refused fields say why and nothing has been applied. */
export function renderFormCard(req: FormRequest, errors: FieldErrors = {}, token?: string): Card {
  const elements: Element[] = [];
  const known = new Set(req.form.fields.map((f) => f.name));
  const stray = Object.entries(errors).filter(([k]) => !known.has(k));
  if (Object.keys(errors).length) {
    const lines = ["<font color='red'>⚠️ Some fields need fixing; nothing was applied.</font>", ...stray.map(([k, v]) => `• ${escapeMarkdown(k)}: ${escapeMarkdown(v)}`)];
    elements.push({ tag: "markdown", content: lines.join("\n") });
  }
  let group: string | undefined;
  for (const f of req.form.fields) {
    const g = f.group ? both(f.group) : undefined;
    if (g && g !== group) elements.push({ tag: "markdown", content: `### ${escapeMarkdown(g)}` });
    group = g;
    const value = req.values[f.name];
    elements.push(label(f, errors[f.name]));
    if (value && [...value].length > MAX_INPUT) {
      // Shown, not offered: a card input would cut it to 1,000 characters on the next submit.
      elements.push({ tag: "markdown", content: `${escapeMarkdown(truncate(value, 300))}\n_(longer than a card input holds: kept as it is)_` });
      continue;
    }
    elements.push(control(f, value));
  }
  const submit: FormButtonValue = { k: "form", f: req.form.id, c: req.context.channelId, ...(req.context.incidentId ? { i: req.context.incidentId } : {}), ...(token ? { t: token } : {}) };
  elements.push({
    tag: "button",
    name: "submit",
    text: plain(both(req.form.submitLabel)),
    type: "primary",
    form_action_type: "submit",
    behaviors: [{ type: "callback", value: submit }],
  });
  return {
    schema: "2.0",
    config: { update_multi: true, summary: { content: req.form.title.en } },
    header: { title: plain(both(req.form.title)) as { tag: "plain_text"; content: string }, template: Object.keys(errors).length ? "red" : "blue" },
    body: { elements: [{ tag: "form", name: FORM_NAME, elements }] },
  };
}

export const formSubmissionSchema = z.record(z.string().max(100), z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]));

/** The card's form_value as the strings the core parses; with the shown form, only its fields pass. */
export function formValues(raw: z.infer<typeof formSubmissionSchema>, req?: Pick<FormRequest, "form">): FormValues {
  const names = req ? req.form.fields.map((f) => f.name) : Object.keys(raw);
  const values: FormValues = {};
  for (const name of names) {
    if (!(name in raw)) continue;
    const v = raw[name];
    values[name] = v === null || v === undefined ? "" : Array.isArray(v) ? v.join(",") : String(v);
  }
  return values;
}

