import { z } from "zod";
import { FALSE_WORDS, TRUE_WORDS } from "../rules/facts.js";

/**
 * Forms are defined once here (fields, types, bilingual labels) and rendered by each
 * adapter: a Slack modal, Discord modal pages of at most five inputs, shell prompts.
 * Values always come back as strings and are parsed by the core with zod.
 */

export interface Bilingual {
  en: string;
  zh: string;
}

export type FormFieldType = "text" | "textarea" | "number" | "boolean" | "select" | "datetime";

export interface FormOption {
  value: string;
  label: Bilingual;
}

export interface FormField {
  name: string;
  type: FormFieldType;
  label: Bilingual;
  hint?: Bilingual;
  required?: boolean;
  options?: FormOption[];
  maxLength?: number;
  /** Section heading the adapter may group fields under. */
  group?: Bilingual;
}

export interface FormDef {
  id: string;
  title: Bilingual;
  submitLabel: Bilingual;
  fields: FormField[];
}

/** A form to show the user, prefilled with what is already known. */
export interface FormRequest {
  form: FormDef;
  values: Record<string, string>;
  /** Round-tripped through the platform so the submission finds its incident. */
  context: { incidentId?: number; channelId: string };
}

export type FormValues = Record<string, string | undefined>;

export type FieldErrors = Record<string, string>;

/**
 * The fields the core refused, a "• field: message" line each, for platforms that show them
 * as text: with the form, its fields first in form order and by their titles.
 */
export function describeErrors(errors: FieldErrors, form?: FormDef): string[] {
  const fields = form?.fields ?? [];
  const known = fields.filter((f) => f.name in errors).map((f) => `• ${f.label.en} (${f.name}): ${errors[f.name]}`);
  const unknown = Object.keys(errors)
    .filter((k) => !fields.some((f) => f.name === k))
    .map((k) => `• ${k}: ${errors[k]}`);
  return [...known, ...unknown];
}

const bilingualSchema = z.object({ en: z.string(), zh: z.string() });

/** A FormRequest read back from storage (a form shown earlier, possibly by another replica). */
export const formRequestSchema: z.ZodType<FormRequest> = z.object({
  form: z.object({
    id: z.string(),
    title: bilingualSchema,
    submitLabel: bilingualSchema,
    fields: z.array(
      z.object({
        name: z.string(),
        type: z.enum(["text", "textarea", "number", "boolean", "select", "datetime"]),
        label: bilingualSchema,
        hint: bilingualSchema.optional(),
        required: z.boolean().optional(),
        options: z.array(z.object({ value: z.string(), label: bilingualSchema })).optional(),
        maxLength: z.number().optional(),
        group: bilingualSchema.optional(),
      }),
    ),
  }),
  values: z.record(z.string(), z.string()),
  context: z.object({ incidentId: z.number().optional(), channelId: z.string() }),
});

/** A bilingual label on one line, "Yes / 是" (once when both say the same). */
export function bothLanguages(b: Bilingual): string {
  return b.en === b.zh ? b.en : `${b.en} / ${b.zh}`;
}

/**
 * The choices of a yes/no field on platforms with selects. A chosen option cannot be emptied
 * in a Slack or Feishu select: "unknown" is how a user clears it.
 */
export const BOOLEAN_OPTIONS: readonly FormOption[] = [
  { value: "true", label: { en: "Yes", zh: "是" } },
  { value: "false", label: { en: "No", zh: "否" } },
  { value: "unknown", label: { en: "Unknown", zh: "未知" } },
];

/** A yes/no field's value as one of BOOLEAN_OPTIONS, read with the same words as typed facts. */
export function booleanChoice(v: string | undefined): "true" | "false" | "unknown" | undefined {
  const lower = v?.trim().toLowerCase();
  if (!lower) return undefined;
  if (TRUE_WORDS.has(lower)) return "true";
  if (FALSE_WORDS.has(lower)) return "false";
  return lower === "unknown" ? "unknown" : undefined;
}
