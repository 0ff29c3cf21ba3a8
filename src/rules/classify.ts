import { DateTime } from "luxon";
import type { Condition, Criterion, DeadlineRule, Level, RulePack } from "./pack.js";
import type { FactValue, Facts } from "./facts.js";

export interface FiredCriterion {
  id: string;
  level: string;
  fact: string;
  value: FactValue;
  threshold: number | string | string[] | boolean;
  text_en: string;
  text_zh: string;
  confirmed: boolean;
  source: string;
}

export interface Recipient {
  id: string;
  text_en: string;
  text_zh: string;
}

export interface Classification {
  level: string;
  reportable: boolean;
  criteria: FiredCriterion[];
  missing: string[];
  deadline: string | null;
  deadline_hours: number | null;
  recipients: Recipient[];
}

/** true / false when the fact is known, undefined when it is not. */
export function evalCondition(c: Condition, facts: Facts): boolean | undefined {
  const v = facts[c.fact];
  if (v === undefined) return undefined;
  if (c.gte !== undefined && !(typeof v === "number" && v >= c.gte)) return false;
  if (c.gt !== undefined && !(typeof v === "number" && v > c.gt)) return false;
  if (c.in !== undefined && !(typeof v === "string" && c.in.includes(v))) return false;
  if (c.equals !== undefined && v !== c.equals) return false;
  return true;
}

function conditionsOf(c: Criterion): Condition[] {
  return [c.when, ...(c.also ?? [])];
}

function thresholdOf(c: Condition): FiredCriterion["threshold"] {
  if (c.gte !== undefined) return c.gte;
  if (c.gt !== undefined) return c.gt;
  if (c.in !== undefined) return c.in.length === 1 ? (c.in[0] as string) : c.in;
  return c.equals as boolean;
}

export function levelById(pack: RulePack, id: string): Level {
  const level = pack.levels.find((l) => l.id === id);
  if (!level) throw new Error(`unknown level ${id}`);
  return level;
}

/** The non-reportable floor level (general). */
export function floorLevel(pack: RulePack): Level {
  return [...pack.levels].sort((a, b) => a.rank - b.rank)[0] as Level;
}

function rankOf(pack: RulePack, levelId: string): number {
  return levelById(pack, levelId).rank;
}

/**
 * The deadline rules that apply on what is known: every specific rule whose condition
 * holds, or else the catch-all ("any other operator").
 */
export function applicableDeadlines(pack: RulePack, facts: Facts): DeadlineRule[] {
  const specific = pack.deadlines.filter((d) => d.when_any.some((c) => evalCondition(c, facts) === true));
  return specific.length ? specific : pack.deadlines.filter((d) => d.when_any.length === 0);
}

/** The deadline rules that could still apply: none of their conditions is known to be false. */
export function possibleDeadlines(pack: RulePack, facts: Facts): DeadlineRule[] {
  return pack.deadlines.filter((d) => {
    if (d.when_any.length === 0) return true;
    const results = d.when_any.map((c) => evalCondition(c, facts));
    if (results.includes(true)) return true;
    if (d.ruled_out_by?.some((c) => evalCondition(c, facts) === true)) return false;
    return results.includes(undefined);
  });
}

function strictest(rules: DeadlineRule[]): DeadlineRule {
  return [...rules].sort((a, b) => a.hours - b.hours)[0] as DeadlineRule;
}

export function reportDeadlineRule(pack: RulePack, facts: Facts): DeadlineRule {
  return strictest(applicableDeadlines(pack, facts));
}

/** Before classification, the clock runs on the strictest deadline that could still apply. */
export function provisionalDeadlineRule(pack: RulePack, facts: Facts): DeadlineRule {
  return strictest(possibleDeadlines(pack, facts));
}

export function deadlineFrom(pack: RulePack, awareAt: string, hours: number): DateTime {
  return DateTime.fromISO(awareAt, { zone: "utc" }).plus({ hours }).setZone(pack.authority_zone);
}

/**
 * Classify an incident: the highest level any criterion reaches, every criterion that
 * fired, the facts still unknown that could raise the level, and the report deadline.
 */
export function classify(pack: RulePack, facts: Facts): Classification {
  const fired: FiredCriterion[] = [];
  for (const c of pack.criteria) {
    if (conditionsOf(c).every((cond) => evalCondition(cond, facts) === true)) {
      fired.push({
        id: c.id,
        level: c.level,
        fact: c.when.fact,
        value: facts[c.when.fact] as FactValue,
        threshold: thresholdOf(c.when),
        text_en: c.en,
        text_zh: c.zh,
        confirmed: c.confirmed,
        source: pack.sources[c.source] ?? c.source,
      });
    }
  }
  fired.sort((a, b) => rankOf(pack, b.level) - rankOf(pack, a.level));
  const level = fired.length ? levelById(pack, (fired[0] as FiredCriterion).level) : floorLevel(pack);

  // A fact is missing when knowing it could make a higher-level criterion fire.
  const missingSet = new Set<string>();
  for (const c of pack.criteria) {
    if (rankOf(pack, c.level) <= level.rank) continue;
    const results = conditionsOf(c).map((cond) => ({ cond, result: evalCondition(cond, facts) }));
    if (results.some((r) => r.result === false)) continue;
    for (const r of results) if (r.result === undefined) missingSet.add(r.cond.fact);
  }
  const missing = pack.facts.map((f) => f.name).filter((n) => missingSet.has(n));

  let deadline: string | null = null;
  let deadlineHours: number | null = null;
  let recipients: Recipient[] = [];
  if (level.reportable) {
    const applicable = applicableDeadlines(pack, facts).sort((a, b) => a.hours - b.hours);
    const rule = applicable[0] as DeadlineRule;
    deadlineHours = rule.hours;
    const aware = facts.aware_at;
    if (typeof aware === "string") deadline = deadlineFrom(pack, aware, rule.hours).toISO({ suppressMilliseconds: true });
    const seen = new Set<string>();
    recipients = applicable
      .flatMap((d) => d.recipients)
      .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
      .map((r) => ({ id: r.id, text_en: r.en, text_zh: r.zh }));
  }

  return {
    level: level.id,
    reportable: level.reportable,
    criteria: fired,
    missing,
    deadline,
    deadline_hours: deadlineHours,
    recipients,
  };
}
