import { z } from "zod";
import { DateTime } from "luxon";
import type { FactDef, RulePack } from "./pack.js";
import { echo } from "../limits.js";
import { readInstant, readNumber } from "./values.js";

export type FactValue = number | boolean | string;
/** Known facts only: an unknown fact is absent (null on input means "unknown"). */
export type Facts = Record<string, FactValue>;

export class FactsError extends Error {}

/**
 * Parse an ISO-8601 date and time (src/rules/values.ts says what is taken). Without an
 * offset it is read on the authority's clock (China Standard Time).
 */
export function parseInstant(text: string, authorityZone: string): DateTime | undefined {
  const reading = readInstant(text, authorityZone);
  return reading.ok ? reading.value : undefined;
}

function factValueSchema(def: FactDef, authorityZone: string): z.ZodType<FactValue | null | undefined> {
  switch (def.type) {
    case "number": {
      let n = z
        .number({ error: `expected a number` })
        .refine(Number.isFinite, { message: "must be a finite number" })
        .refine((v) => v >= 0, { message: "must not be negative" });
      if (def.max !== undefined) {
        const max = def.max;
        n = n.refine((v) => v <= max, { message: `must be at most ${max.toLocaleString("en-US")}` });
      }
      if (def.integer) n = n.refine((v) => !Number.isFinite(v) || Number.isInteger(v), { message: "must be a whole number" });
      return n.nullable().optional();
    }
    case "boolean":
      return z.boolean({ error: "expected true or false" }).nullable().optional();
    case "enum": {
      const values = (def.values ?? []).map((v) => v.value);
      return z
        .string({ error: `expected one of ${values.join(", ")}` })
        .refine((v) => values.includes(v), { message: `expected one of ${values.join(", ")}` })
        .nullable()
        .optional();
    }
    case "datetime":
      return z
        .string({ error: "expected an ISO-8601 date and time" })
        .transform((s, ctx) => {
          const reading = readInstant(s, authorityZone);
          if (!reading.ok) {
            ctx.addIssue({ code: "custom", message: reading.reason });
            return z.NEVER;
          }
          return reading.value.toUTC().toISO() as string;
        })
        .nullable()
        .optional();
  }
}

const schemaCache = new WeakMap<RulePack, z.ZodType<Record<string, FactValue | null | undefined>>>();

export function factsSchema(pack: RulePack): z.ZodType<Record<string, FactValue | null | undefined>> {
  let schema = schemaCache.get(pack);
  if (!schema) {
    const shape: Record<string, z.ZodType<FactValue | null | undefined>> = {};
    for (const def of pack.facts) shape[def.name] = factValueSchema(def, pack.authority_zone);
    schema = z.strictObject(shape, {
      error: (issue) => (issue.code === "unrecognized_keys" ? `unknown fact ${issue.keys.slice(0, 5).map((k) => `"${echo(k)}"`).join(", ")}${issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : ""}` : undefined),
    });
    schemaCache.set(pack, schema);
  }
  return schema;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/**
 * Validate a facts object (JSON input). Nulls are kept as explicit "unknown" so that a
 * partial update can clear a fact; use `knownFacts` to drop them.
 */
export function parseFactsUpdate(pack: RulePack, input: unknown): Record<string, FactValue | null> {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new FactsError("facts must be a JSON object");
  }
  const result = factsSchema(pack).safeParse(input);
  if (!result.success) throw new FactsError(describeIssues(result.error));
  const out: Record<string, FactValue | null> = {};
  for (const [k, v] of Object.entries(result.data)) if (v !== undefined) out[k] = v;
  return out;
}

export function knownFacts(update: Record<string, FactValue | null>): Facts {
  const out: Facts = {};
  for (const [k, v] of Object.entries(update)) if (v !== null) out[k] = v;
  return out;
}

export function parseFacts(pack: RulePack, input: unknown): Facts {
  return knownFacts(parseFactsUpdate(pack, input));
}

/** Split `a=1 b="two words"` into pairs; quotes may be single or double. */
export function splitPairs(text: string): { pairs: [string, string][]; stray: string[] } {
  const pairs: [string, string][] = [];
  const stray: string[] = [];
  const re = /([^\s=]+)=(?:"([^"]*)"|'([^']*)'|(\S*))|(\S+)/g;
  for (const m of text.matchAll(re)) {
    if (m[5] !== undefined) stray.push(m[5]);
    else pairs.push([m[1] as string, m[2] ?? m[3] ?? m[4] ?? ""]);
  }
  return { pairs, stray };
}

const NULL_WORDS = new Set(["", "null", "unknown", "none?", "?"]);
export const TRUE_WORDS: ReadonlySet<string> = new Set(["true", "yes", "y", "1", "是"]);
export const FALSE_WORDS: ReadonlySet<string> = new Set(["false", "no", "n", "0", "否"]);

/** Turn one typed text value into the JSON value its fact expects; the schema then validates it. */
export function coerceTextValue(def: FactDef, raw: string): unknown {
  const text = raw.trim();
  if (NULL_WORDS.has(text.toLowerCase())) return null;
  switch (def.type) {
    case "number":
      // Plain digits or grouped by thousands; Number("0x10") or "1_2" are not numbers here.
      return readNumber(text) ?? text;
    case "boolean": {
      const lower = text.toLowerCase();
      if (TRUE_WORDS.has(lower)) return true;
      if (FALSE_WORDS.has(lower)) return false;
      return text;
    }
    default:
      return text;
  }
}

/** Parse the `name=value` text form; errors name the offending pair. */
export function parseFactsText(pack: RulePack, text: string): Record<string, FactValue | null> {
  const { pairs, stray } = splitPairs(text);
  if (stray.length) throw new FactsError(`"${echo(stray[0] ?? "")}" is not a name=value pair (e.g. personal_info_people=1200000)`);
  const defs = new Map(pack.facts.map((f) => [f.name, f]));
  const obj: Record<string, unknown> = {};
  const typed = new Map<string, string>();
  for (const [name, value] of pairs) {
    const def = defs.get(name);
    if (!def) throw new FactsError(`${echo(`${name}=${value}`)}: unknown fact "${echo(name)}"`);
    // Which of two values was meant cannot be guessed: the later one might relax the clock.
    const earlier = typed.get(name);
    if (earlier !== undefined) throw new FactsError(`${name} is given twice (${echo(`${name}=${earlier}`)} and ${echo(`${name}=${value}`)}): give it once.`);
    typed.set(name, value);
    obj[name] = coerceTextValue(def, value);
  }
  try {
    return parseFactsUpdate(pack, obj);
  } catch (err) {
    // Re-attach the typed pair so the user sees exactly what was wrong.
    const message = (err as Error).message;
    const name = message.split(":")[0] ?? "";
    const pair = pairs.find(([n]) => n === name);
    throw new FactsError(pair ? `${echo(`${pair[0]}=${pair[1]}`)}: ${message.slice(name.length + 2)}` : message);
  }
}
