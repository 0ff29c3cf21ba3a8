import { DateTime } from "luxon";
import { z } from "zod";
import { BOOLEAN_OPTIONS, booleanChoice, bothLanguages, type Bilingual, type FormField, type FormRequest, type FormValues, type FieldErrors } from "../../src/bot/forms.js";
import type { Block } from "./render.js";
import { truncate } from "./text.js";

/** Every warroom modal shares one callback id; which form it is travels in private_metadata. */
export const FORM_CALLBACK_ID = "warroom_form";

// Slack's documented limits for modals.
const MAX_MODAL_BLOCKS = 100;
const MAX_TITLE = 24;
const MAX_LABEL = 2000;
const MAX_HINT = 2000;
const MAX_HEADER = 150;
const MAX_OPTION_TEXT = 75;
const MAX_OPTION_VALUE = 150;
const MAX_OPTIONS = 100;
const MAX_INPUT = 3000;
const MAX_ERROR = 2000;

export const formMetadataSchema = z.object({
  formId: z.string().min(1),
  incidentId: z.number().int().positive().optional(),
  channelId: z.string().min(1),
});
export type FormMetadata = z.infer<typeof formMetadataSchema>;

export interface ModalView {
  type: "modal";
  callback_id: string;
  private_metadata: string;
  title: { type: "plain_text"; text: string };
  submit: { type: "plain_text"; text: string };
  close: { type: "plain_text"; text: string };
  blocks: Block[];
}

const both = bothLanguages;
const plain = (text: string, max: number) => ({ type: "plain_text" as const, text: truncate(text, max), emoji: true });
const option = (value: string, label: string) => ({ text: plain(label, MAX_OPTION_TEXT), value: truncate(value, MAX_OPTION_VALUE) });


/** A time typed without an offset is China Standard Time (the authority's clock). */
function toEpochSeconds(iso: string, zone: string): number | undefined {
  const dt = DateTime.fromISO(iso.trim(), { zone, setZone: true });
  return dt.isValid ? Math.floor(dt.toSeconds()) : undefined;
}


function element(f: FormField, value: string | undefined, zone: string): Record<string, unknown> {
  const base = { action_id: f.name };
  switch (f.type) {
    case "text":
    case "textarea":
      return {
        ...base,
        type: "plain_text_input",
        multiline: f.type === "textarea",
        max_length: Math.min(f.maxLength ?? MAX_INPUT, MAX_INPUT),
        ...(value ? { initial_value: truncate(value, Math.min(f.maxLength ?? MAX_INPUT, MAX_INPUT)) } : {}),
      };
    case "number":
      return { ...base, type: "number_input", is_decimal_allowed: true, ...(value && Number.isFinite(Number(value)) ? { initial_value: value } : {}) };
    case "boolean": {
      const options = BOOLEAN_OPTIONS.map((o) => option(o.value, both(o.label)));
      const initial = options.find((o) => o.value === booleanChoice(value));
      return { ...base, type: "static_select", options, ...(initial ? { initial_option: initial } : {}) };
    }
    case "select": {
      const options = (f.options ?? []).slice(0, MAX_OPTIONS).map((o) => option(o.value, both(o.label)));
      const initial = options.find((o) => o.value === value);
      return { ...base, type: "static_select", options, ...(initial ? { initial_option: initial } : {}) };
    }
    case "datetime": {
      const seconds = value ? toEpochSeconds(value, zone) : undefined;
      return { ...base, type: "datetimepicker", ...(seconds !== undefined ? { initial_date_time: seconds } : {}) };
    }
  }
}

/** A FormDef as a Slack modal: one input block per field (block_id = field name), groups as headers. */
export function renderModal(req: FormRequest, zone: string): ModalView {
  const inputs: { group?: Bilingual; block: Block }[] = req.form.fields.map((f) => ({
    group: f.group,
    block: {
      type: "input",
      block_id: f.name,
      optional: !f.required,
      label: plain(both(f.label), MAX_LABEL),
      ...(f.hint ? { hint: plain(both(f.hint), MAX_HINT) } : {}),
      element: element(f, req.values[f.name], zone),
    },
  }));
  const withHeaders: Block[] = [];
  let group: string | undefined;
  for (const i of inputs) {
    const g = i.group ? both(i.group) : undefined;
    if (g && g !== group) withHeaders.push({ type: "header", text: plain(g, MAX_HEADER) });
    group = g;
    withHeaders.push(i.block);
  }
  // Over the limit, headers go first: every field must stay reachable.
  const blocks = withHeaders.length <= MAX_MODAL_BLOCKS ? withHeaders : inputs.map((i) => i.block).slice(0, MAX_MODAL_BLOCKS);
  const metadata: FormMetadata = { formId: req.form.id, channelId: req.context.channelId, ...(req.context.incidentId ? { incidentId: req.context.incidentId } : {}) };
  return {
    type: "modal",
    callback_id: FORM_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: plain(req.form.title.en, MAX_TITLE),
    submit: plain(req.form.submitLabel.en, MAX_TITLE),
    close: plain("Cancel", MAX_TITLE),
    blocks,
  };
}

export const stateElementSchema = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_date_time: z.number().nullish(),
});
export const viewStateSchema = z.record(z.string(), z.record(z.string(), stateElementSchema));
export type ViewState = z.infer<typeof viewStateSchema>;

/** The modal's state as the strings the core parses; a picked time becomes ISO with its CST offset. */
export function stateToValues(state: ViewState, zone: string): FormValues {
  const values: FormValues = {};
  for (const [blockId, actions] of Object.entries(state)) {
    const el = Object.values(actions)[0];
    if (!el) continue;
    if (el.type === "datetimepicker") {
      values[blockId] = typeof el.selected_date_time === "number" ? (DateTime.fromSeconds(el.selected_date_time, { zone }).toISO({ suppressMilliseconds: true }) ?? "") : "";
    } else if (el.selected_option !== undefined || el.type === "static_select" || el.type === "radio_buttons") {
      values[blockId] = el.selected_option?.value ?? "";
    } else {
      values[blockId] = el.value ?? "";
    }
  }
  return values;
}

/**
 * Slack rejects an `errors` answer naming a block that is not in the view: errors for
 * anything else are shown on the first input, prefixed with their field name.
 */
export function blockErrors(errors: FieldErrors, blockIds: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const first = blockIds[0];
  for (const [field, message] of Object.entries(errors)) {
    if (blockIds.includes(field)) out[field] = truncate(out[field] ? `${out[field]}; ${message}` : message, MAX_ERROR);
    else if (first) out[first] = truncate(out[first] ? `${out[first]}; ${field}: ${message}` : `${field}: ${message}`, MAX_ERROR);
  }
  return out;
}
