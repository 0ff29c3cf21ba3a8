import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { DEFAULT_PACK_PATH, loadRulePack, type Condition, type Criterion, type RulePack } from "../../src/rules/pack.js";
import { FactsError, parseFacts, type Facts } from "../../src/rules/facts.js";
import { classify, type Classification } from "../../src/rules/classify.js";

/** The shipped pack (cached by loadRulePack: never mutate it). */
export const pack: RulePack = loadRulePack();

/** Validate facts the way every entry point does, then classify. */
export function facts(input: Record<string, unknown>): Facts {
  return parseFacts(pack, input);
}

export function run(input: Record<string, unknown>, p: RulePack = pack): Classification {
  return classify(p, parseFacts(p, input));
}

export function rankOf(levelId: string, p: RulePack = pack): number {
  const level = p.levels.find((l) => l.id === levelId);
  if (!level) throw new Error(`test helper: unknown level ${levelId}`);
  return level.rank;
}

export function criterion(id: string, p: RulePack = pack): Criterion {
  const c = p.criteria.find((x) => x.id === id);
  if (!c) throw new Error(`test helper: the pack has no criterion ${id}`);
  return c;
}

export function firedIds(result: Classification): string[] {
  return result.criteria.map((c) => c.id);
}

export function enumValues(fact: string, p: RulePack = pack): string[] {
  const def = p.facts.find((f) => f.name === fact);
  if (!def) throw new Error(`test helper: unknown fact ${fact}`);
  return (def.values ?? []).map((v) => v.value);
}

/** A value of the condition's fact that satisfies it. */
export function satisfying(c: Condition): number | string | boolean {
  if (c.gte !== undefined) return c.gte;
  if (c.gt !== undefined) return c.gt + 1;
  if (c.in !== undefined) return c.in[0] as string;
  if (c.equals !== undefined) return c.equals;
  throw new Error(`test helper: condition on ${c.fact} has no comparison`);
}

/** Facts that satisfy every `also` condition of a criterion. */
export function alsoSatisfied(c: Criterion): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of c.also ?? []) out[a.fact] = satisfying(a);
  return out;
}

/** The raw JSON of the shipped pack, freshly read (safe to mutate). */
export interface RawCondition {
  fact: string;
  gte?: number;
  gt?: number;
  in?: string[];
  equals?: boolean;
}
export interface RawCriterion {
  id: string;
  level: string;
  when: RawCondition;
  also?: RawCondition[];
  confirmed: boolean;
  source: string;
  en: string;
  zh: string;
}
export interface RawPack {
  criteria: RawCriterion[];
  deadlines: { id: string; hours: number; when_any: RawCondition[]; [k: string]: unknown }[];
  levels: { id: string; rank: number; reportable: boolean; en: string; zh: string }[];
  facts: { name: string; type: string; [k: string]: unknown }[];
  [k: string]: unknown;
}
export function rawPack(): RawPack {
  return JSON.parse(readFileSync(DEFAULT_PACK_PATH, "utf8")) as RawPack;
}

export function rawCriterion(raw: RawPack, id: string): RawCriterion {
  const c = raw.criteria.find((x) => x.id === id);
  if (!c) throw new Error(`test helper: raw pack has no criterion ${id}`);
  return c;
}

/** Expect fn to throw a FactsError whose message contains every fragment. */
export function expectFactsError(fn: () => unknown, ...fragments: string[]): string {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected a FactsError to be thrown").toBeInstanceOf(FactsError);
  const message = (caught as Error).message;
  for (const f of fragments) expect(message).toContain(f);
  return message;
}

/** Facts that rule out every criterion of a reportable level in the shipped pack. */
export const NONE_FIRES: Record<string, unknown> = {
  cii_full_outage_minutes: 0,
  cii_main_function_outage_minutes: 0,
  system_loss: "none",
  portal_tier: "other",
  province_population_pct: 0,
  prefecture_population_pct: 0,
  essential_services_people: 0,
  personal_info_people: 0,
  important_data_harm: "none",
  direct_loss_rmb: 0,
  tampered_site_tier: "enterprise",
  illegal_content_homepage_hours: 0,
  illegal_content_other_page_hours: 0,
  illegal_content_shares: 0,
  illegal_content_views: 0,
  spread_declared: "none",
  other_harm: "none",
};

/** NONE_FIRES as typed in chat: `name=value …`. */
export const NONE_FIRES_TEXT = Object.entries(NONE_FIRES)
  .map(([name, value]) => `${name}=${String(value)}`)
  .join(" ");
