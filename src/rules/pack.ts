import { readFileSync } from "node:fs";
import { z } from "zod";
import { IANAZone } from "luxon";
import { dataPath } from "../paths.js";

/** A condition on one fact: at least one comparison is given, all given must hold. */
export const conditionSchema = z
  .object({
    fact: z.string().min(1),
    gte: z.number().finite().nonnegative().optional(),
    gt: z.number().finite().nonnegative().optional(),
    in: z.array(z.string().min(1)).min(1).optional(),
    equals: z.boolean().optional(),
  })
  .strict()
  .refine((c) => c.gte !== undefined || c.gt !== undefined || c.in !== undefined || c.equals !== undefined, {
    message: "a condition needs one of gte, gt, in or equals",
  });

const bilingual = { en: z.string().min(1), zh: z.string().min(1) };
/** Where in its source a figure or an entry stands ("Article 4, paragraph 2", "Guide II, item 2"). */
const clauseSchema = z.object(bilingual).strict();

const levelSchema = z
  .object({
    id: z.string().min(1),
    rank: z.number().int().nonnegative(),
    reportable: z.boolean(),
    ...bilingual,
  })
  .strict();

const enumValueSchema = z.object({ value: z.string().min(1), ...bilingual }).strict();

const factSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, "fact names are snake_case"),
    type: z.enum(["datetime", "enum", "boolean", "number"]),
    unit: z.string().optional(),
    /** Number facts: the largest plausible value (a typo or an overflow above it is refused). */
    max: z.number().finite().positive().optional(),
    /** Number facts that count (people, shares, views): whole numbers only. */
    integer: z.boolean().optional(),
    values: z.array(enumValueSchema).min(1).optional(),
    group: z.string().min(1),
    /** What the fact stands for in the source, shown beside its field in forms and help. */
    help: z.object(bilingual).strict().optional(),
    ...bilingual,
  })
  .strict()
  .refine((f) => (f.type === "enum") === (f.values !== undefined), {
    message: "enum facts, and only they, list their values",
  })
  .refine((f) => f.type === "number" || (f.max === undefined && f.integer === undefined), {
    message: "only number facts take max or integer",
  })
  .refine((f) => f.type !== "number" || f.max !== undefined, {
    message: "a number fact declares its max",
  });

const criterionSchema = z
  .object({
    id: z.string().min(1),
    level: z.string().min(1),
    when: conditionSchema,
    also: z.array(conditionSchema).optional(),
    confirmed: z.boolean(),
    source: z.string().min(1),
    clause: clauseSchema.optional(),
    /**
     * Where the text can be read two ways: the reading this criterion applies (the stricter
     * one, unless a deployment chose otherwise), said beside the criterion wherever it fires.
     */
    interpretation: z.object({ id: z.string().min(1), ...bilingual }).strict().optional(),
    ...bilingual,
  })
  .strict();

const recipientSchema = z.object({ id: z.string().min(1), ...bilingual }).strict();

const deadlineSchema = z
  .object({
    id: z.string().min(1),
    hours: z.number().positive().finite(),
    source: z.string().min(1),
    clause: clauseSchema.optional(),
    confirmed: z.boolean().optional(),
    when_any: z.array(conditionSchema),
    /** Known facts that rule the deadline out even while its when_any facts are unknown. */
    ruled_out_by: z.array(conditionSchema).optional(),
    recipients: z.array(recipientSchema).min(1),
    onward: z.object(bilingual).strict(),
    /** What must be entered to confirm or rule this rule out ("CII involvement"): says why a clock is provisional. */
    until: z.object(bilingual).strict().optional(),
    /** From this level up, the receiver must pass the report on (shown to the team). */
    onward_from_level: z.string().min(1),
    ...bilingual,
  })
  .strict();

const itemSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/),
    number: z.number().int().positive(),
    initial: z.boolean().optional(),
    /** Nothing is missing when it is empty (Article 7(8): anything else that should be reported). */
    optional: z.boolean().optional(),
    clause: clauseSchema.optional(),
    ransomware_en: z.string().optional(),
    ransomware_zh: z.string().optional(),
    /** Fields the item must carry when the incident is ransomware (Article 7, item 2). */
    ransomware_details: z.array(z.object({ id: z.string().regex(/^[a-z][a-z0-9_]*$/), ...bilingual }).strict()).optional(),
    ...bilingual,
  })
  .strict();

const positiveInts = z.array(z.number().int().positive());

export const rulePackSchema = z
  .object({
    id: z.string().min(1),
    /** Bumped with every change of the shipped rules; an incident records the exact pack that judged it. */
    version: z.string().min(1),
    name: z.object(bilingual).strict(),
    authority_zone: z.string().refine((s) => IANAZone.isValidZone(s), "must be an IANA zone"),
    sources: z.record(z.string(), z.string()),
    levels: z.array(levelSchema).min(2),
    facts: z.array(factSchema).min(1),
    fact_groups: z.array(z.object({ id: z.string().min(1), ...bilingual }).strict()),
    criteria: z.array(criterionSchema).min(1),
    deadlines: z.array(deadlineSchema).min(1),
    channels: z
      .array(
        z
          .object({
            id: z.string().min(1),
            /** Number, address or account, as filers need it. */
            contact: z.object(bilingual).strict().optional(),
            /** The contact comes from a secondary source: show "verify against the official notice". */
            verify: z.boolean().optional(),
            source: z.string().min(1).optional(),
            clause: clauseSchema.optional(),
            ...bilingual,
          })
          .strict(),
      )
      .min(1),
    /** Pairs of fact values that cannot both hold: refused, naming both. */
    conflicts: z.array(z.object({ id: z.string().min(1), when: conditionSchema, and: conditionSchema, ...bilingual }).strict()).default([]),
    report_items: z.array(itemSchema).min(1),
    post_incident_items: z.array(itemSchema).min(1),
    countdown: z
      .object({
        report: z
          .object({
            half_time: z.boolean(),
            minutes_before: positiveInts,
            at_deadline: z.boolean(),
            overdue_every_minutes: z.number().int().positive(),
            mention_from_minutes_before: z.number().int().nonnegative(),
          })
          .strict(),
        post_incident: z
          .object({
            days: z.number().int().positive(),
            source: z.string().min(1).optional(),
            clause: clauseSchema.optional(),
            days_before: positiveInts,
            at_deadline: z.boolean(),
            overdue_every_days: z.number().int().positive(),
            // From this close to the 30-day deadline, warnings ping the people who must act.
            mention_from_days_before: z.number().int().nonnegative().default(1),
          })
          .strict(),
      })
      .strict(),
    /**
     * Who may run each changing subcommand (deployment policy, overridable): incident roles, or
     * "member" for any member of the incident channel. A changing subcommand without an entry is refused.
     */
    rights: z.record(z.string(), z.array(z.enum(["commander", "compliance", "scribe", "member"])).min(1)).default({}),
    disclosure: z
      .object({
        source: z.string().min(1),
        checklist: z.array(z.object({ id: z.string().min(1), ...bilingual }).strict()).min(1),
      })
      .strict(),
  })
  .strict()
  .superRefine((pack, ctx) => {
    // Cross-references a schema cannot express: every id a rule names must exist.
    const levels = new Set(pack.levels.map((l) => l.id));
    const facts = new Map(pack.facts.map((f) => [f.name, f]));
    const groups = new Set(pack.fact_groups.map((g) => g.id));
    const checkCondition = (c: z.infer<typeof conditionSchema>, path: (string | number)[]) => {
      const fact = facts.get(c.fact);
      if (!fact) {
        ctx.addIssue({ code: "custom", path: [...path, "fact"], message: `unknown fact "${c.fact}"` });
        return;
      }
      const numeric = c.gte !== undefined || c.gt !== undefined;
      if (numeric && fact.type !== "number") {
        ctx.addIssue({ code: "custom", path, message: `fact "${c.fact}" is not a number` });
      }
      const threshold = c.gte ?? c.gt;
      if (threshold !== undefined && fact.max !== undefined && threshold > fact.max) {
        ctx.addIssue({ code: "custom", path, message: `threshold ${threshold} is above the max of "${c.fact}" (${fact.max}): it could never be reached` });
      }
      if (c.in) {
        const allowed = new Set((fact.values ?? []).map((v) => v.value));
        for (const v of c.in) {
          if (!allowed.has(v)) ctx.addIssue({ code: "custom", path: [...path, "in"], message: `"${v}" is not a value of ${c.fact}` });
        }
      }
      if (c.equals !== undefined && fact.type !== "boolean") {
        ctx.addIssue({ code: "custom", path, message: `fact "${c.fact}" is not a boolean` });
      }
    };
    pack.facts.forEach((f, i) => {
      if (!groups.has(f.group)) ctx.addIssue({ code: "custom", path: ["facts", i, "group"], message: `unknown group "${f.group}"` });
    });
    const seen = new Set<string>();
    pack.criteria.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: "custom", path: ["criteria", i, "id"], message: `duplicate criterion id "${c.id}"` });
      seen.add(c.id);
      if (!levels.has(c.level)) ctx.addIssue({ code: "custom", path: ["criteria", i, "level"], message: `unknown level "${c.level}"` });
      if (!(c.source in pack.sources)) ctx.addIssue({ code: "custom", path: ["criteria", i, "source"], message: `unknown source "${c.source}"` });
      checkCondition(c.when, ["criteria", i, "when"]);
      c.also?.forEach((a, j) => checkCondition(a, ["criteria", i, "also", j]));
    });
    pack.conflicts.forEach((c, i) => {
      checkCondition(c.when, ["conflicts", i, "when"]);
      checkCondition(c.and, ["conflicts", i, "and"]);
    });
    pack.channels.forEach((c, i) => {
      if (c.source && !(c.source in pack.sources)) ctx.addIssue({ code: "custom", path: ["channels", i, "source"], message: `unknown source "${c.source}"` });
    });
    const checkSource = (source: string | undefined, path: (string | number)[]) => {
      if (source !== undefined && !(source in pack.sources)) ctx.addIssue({ code: "custom", path: [...path, "source"], message: `unknown source "${source}"` });
    };
    checkSource(pack.countdown.post_incident.source, ["countdown", "post_incident"]);
    pack.deadlines.forEach((d, i) => {
      checkSource(d.source, ["deadlines", i]);
      if (!levels.has(d.onward_from_level)) ctx.addIssue({ code: "custom", path: ["deadlines", i, "onward_from_level"], message: `unknown level "${d.onward_from_level}"` });
      d.when_any.forEach((c, j) => checkCondition(c, ["deadlines", i, "when_any", j]));
      d.ruled_out_by?.forEach((c, j) => checkCondition(c, ["deadlines", i, "ruled_out_by", j]));
    });
    if (!pack.deadlines.some((d) => d.when_any.length === 0)) {
      ctx.addIssue({ code: "custom", path: ["deadlines"], message: "one deadline must apply to every operator (empty when_any)" });
    }
    if (!pack.levels.some((l) => !l.reportable)) {
      ctx.addIssue({ code: "custom", path: ["levels"], message: "one level must be the non-reportable floor" });
    }
  });

export type RulePack = z.infer<typeof rulePackSchema>;
export type Condition = z.infer<typeof conditionSchema>;
export type Criterion = RulePack["criteria"][number];
export type Level = RulePack["levels"][number];
export type DeadlineRule = RulePack["deadlines"][number];
export type FactDef = RulePack["facts"][number];
export type ReportItemDef = RulePack["report_items"][number];

export class RulePackError extends Error {}

/** Name the bad entry by its id where it has one ("criteria loss_m.when.gte"), not by its index. */
function describePath(raw: unknown, path: PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = raw;
  for (const key of path) {
    const next = node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key as string] : undefined;
    if (typeof key === "number" && next !== null && typeof next === "object") {
      const named = (next as Record<string, unknown>).id ?? (next as Record<string, unknown>).name;
      parts.push(typeof named === "string" ? `"${named}"` : `[${key}]`);
    } else {
      parts.push(String(key));
    }
    node = next;
  }
  return parts.join(".") || "(root)";
}

export function parseRulePack(raw: unknown, origin: string): RulePack {
  const result = rulePackSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues
      .slice(0, 5)
      .map((i) => `${describePath(raw, i.path)}: ${i.message}`)
      .join("; ");
    throw new RulePackError(`rule pack ${origin} is invalid: ${first}`);
  }
  return result.data;
}

type Json = Record<string, unknown>;

/**
 * A deployment override is a partial pack: arrays of entries with ids are merged by id
 * (so one threshold can change without copying the pack), everything else replaces.
 */
export function mergeOverride(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // JSON.parse keeps "__proto__" as a key: assigned here it would replace the prototype.
    if (FORBIDDEN_KEYS.has(key)) throw new RulePackError(`rule pack override has the key "${key}", which no rule pack holds`);
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    if (Array.isArray(current) && Array.isArray(value) && current.every(hasId) && value.every(hasId)) {
      const merged = current.map((entry) => {
        const patch = value.find((v) => idOf(v) === idOf(entry));
        return patch ? mergeOverride(entry as Json, patch as Json) : entry;
      });
      for (const v of value) if (!current.some((c) => idOf(c) === idOf(v))) merged.push(v);
      out[key] = merged;
    } else if (isPlainObject(current) && isPlainObject(value)) {
      out[key] = mergeOverride(current, value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function isPlainObject(v: unknown): v is Json {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function idOf(v: unknown): unknown {
  return isPlainObject(v) ? (v.id ?? v.name) : undefined;
}
function hasId(v: unknown): boolean {
  return typeof idOf(v) === "string";
}

function readJson(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new RulePackError(`cannot read rule pack ${path}: ${(err as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isPlainObject(parsed)) throw new Error("not a JSON object");
    return parsed;
  } catch (err) {
    throw new RulePackError(`rule pack ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export const DEFAULT_PACK_PATH = dataPath("rules", "cac-2025.json");

/**
 * The pack warroom applied before packs were versioned and recorded (release 1.0.0, as it
 * shipped). Incidents of a database from then name no pack: they were judged under this one,
 * so closed ones keep that verdict and verify replays them under it.
 */
export const LEGACY_PACK_PATH = dataPath("rules", "archive", "cac-2025@1.0.0.json");

const origins = new WeakMap<RulePack, string>();

/** The files a pack was loaded from ("data/rules/cac-2025.json + /etc/warroom/rules.json"), for the record. */
export function packOrigin(pack: RulePack): string {
  return origins.get(pack) ?? "built in code";
}

function loadFrom(basePath: string, overridePath: string | undefined): RulePack {
  const origin = overridePath ? `${basePath} + ${overridePath}` : basePath;
  const raw = overridePath ? mergeOverride(readJson(basePath), readJson(overridePath)) : readJson(basePath);
  const pack = parseRulePack(raw, origin);
  origins.set(pack, origin);
  return pack;
}

let cachedDefault: RulePack | undefined;

/** Load the shipped pack, with a deployment override merged in when given. */
export function loadRulePack(overridePath?: string): RulePack {
  if (!overridePath) {
    cachedDefault ??= loadFrom(DEFAULT_PACK_PATH, undefined);
    return cachedDefault;
  }
  return loadFrom(DEFAULT_PACK_PATH, overridePath);
}

/**
 * The pack that judged incidents recorded before packs were: the 1.0.0 release with the
 * deployment's override merged in, as that release applied it. An override that no longer
 * fits the old pack leaves the old pack as shipped.
 */
export function loadLegacyPack(overridePath?: string): RulePack {
  if (overridePath) {
    try {
      return loadFrom(LEGACY_PACK_PATH, overridePath);
    } catch (err) {
      if (!(err instanceof RulePackError)) throw err;
    }
  }
  return loadFrom(LEGACY_PACK_PATH, undefined);
}
