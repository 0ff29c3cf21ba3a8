import { readFileSync } from "node:fs";
import { z } from "zod";
import { dataPath } from "../paths.js";

const bi = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();

export const templatesSchema = z
  .object({
    titles: z.object({ initial: bi, supplementary: bi, update: bi, final: bi }).strict(),
    labels: z.record(z.string(), bi),
    missing: bi,
    notes: z.record(z.string(), bi),
  })
  .strict();

export type Templates = z.infer<typeof templatesSchema>;
export type Bi = z.infer<typeof bi>;

let cached: Templates | undefined;

export function loadTemplates(path = dataPath("templates", "report.json")): Templates {
  if (cached && path === dataPath("templates", "report.json")) return cached;
  const parsed = templatesSchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`report templates ${path} are invalid: ${i?.path.join(".")}: ${i?.message}`);
  }
  cached = parsed.data;
  return cached;
}

/** A label by key; a missing key is a bug in the templates, so it fails loudly. */
export function label(t: Templates, key: string): Bi {
  const l = t.labels[key] ?? t.notes[key];
  if (!l) throw new Error(`report template label "${key}" is missing`);
  return l;
}

/**
 * Fill `{name}` placeholders; a bilingual value fills each language with its own text. A
 * placeholder without a value is left visible rather than dropped.
 */
export function fill(template: Bi, values: Record<string, string | number | Bi>): Bi {
  const one = (s: string, lang: "zh" | "en") =>
    s.replace(/\{([a-z_]+)\}/g, (m, k: string) => {
      const v = values[k];
      if (v === undefined) return m;
      return typeof v === "object" ? v[lang] : String(v);
    });
  return { zh: one(template.zh, "zh"), en: one(template.en, "en") };
}

/** "a, b and c" / "a、b和c". */
export function joinList(items: Bi[]): Bi {
  const en = items.map((i) => i.en);
  const zh = items.map((i) => i.zh);
  return {
    en: en.length > 1 ? `${en.slice(0, -1).join(", ")} and ${en[en.length - 1]}` : (en[0] ?? ""),
    zh: zh.length > 1 ? `${zh.slice(0, -1).join("、")}和${zh[zh.length - 1]}` : (zh[0] ?? ""),
  };
}
