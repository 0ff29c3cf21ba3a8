import { DateTime } from "luxon";
import type { Condition, Criterion, DeadlineRule, Level, RulePack } from "./pack.js";
import type { FactValue, Facts } from "./facts.js";
import { withImplied } from "./conflicts.js";

export interface FiredCriterion {
  id: string;
  level: string;
  fact: string;
  value: FactValue;
  threshold: number | string | string[] | boolean;
  text_en: string;
  text_zh: string;
  confirmed: boolean;
  /** Where the criterion stands: its clause of the source ("Guide III (major), normally-criteria item 6(1)"). */
  source: string;
  /** The reading applied where the text can be read two ways. */
  interpretation?: { id: string; en: string; zh: string };
}

export interface Recipient {
  id: string;
  text_en: string;
  text_zh: string;
}

export interface Classification {
  level: string;
  /** true: a reportable level is reached; false: no reportable criterion can fire; null: undetermined. */
  reportable: boolean | null;
  /** The deadline could still tighten, or reportability is undetermined. */
  provisional: boolean;
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

/**
 * What classify needs of a pack, worked out once per pack (packs are immutable once parsed):
 * each criterion with its conditions and rank, levels by id, the facts in pack order.
 */
interface PackIndex {
  criteria: { c: Criterion; conds: Condition[]; rank: number; reportable: boolean }[];
  levels: Map<string, Level>;
  floor: Level;
  factOrder: string[];
}

const indexes = new WeakMap<RulePack, PackIndex>();

function indexOf(pack: RulePack): PackIndex {
  let index = indexes.get(pack);
  if (!index) {
    const levels = new Map(pack.levels.map((l) => [l.id, l]));
    index = {
      criteria: pack.criteria.map((c) => {
        const level = levels.get(c.level);
        if (!level) throw new Error(`unknown level ${c.level}`);
        return { c, conds: conditionsOf(c), rank: level.rank, reportable: level.reportable };
      }),
      levels,
      floor: [...pack.levels].sort((a, b) => a.rank - b.rank)[0] as Level,
      factOrder: pack.facts.map((f) => f.name),
    };
    indexes.set(pack, index);
  }
  return index;
}

function conditionsOf(c: Criterion): Condition[] {
  return [c.when, ...(c.also ?? [])];
}

function allHold(conds: Condition[], facts: Facts): boolean {
  for (const cond of conds) if (evalCondition(cond, facts) !== true) return false;
  return true;
}

function thresholdOf(c: Condition): FiredCriterion["threshold"] {
  if (c.gte !== undefined) return c.gte;
  if (c.gt !== undefined) return c.gt;
  if (c.in !== undefined) return c.in.length === 1 ? (c.in[0] as string) : c.in;
  return c.equals as boolean;
}

export function levelById(pack: RulePack, id: string): Level {
  const level = indexOf(pack).levels.get(id);
  if (!level) throw new Error(`unknown level ${id}`);
  return level;
}

/** The non-reportable floor level (general). */
export function floorLevel(pack: RulePack): Level {
  return indexOf(pack).floor;
}

/** A deadline rule with no conditions: it applies to every operator no specific rule covers. */
function isCatchAll(d: DeadlineRule): boolean {
  return d.when_any.length === 0;
}

/** A specific rule is ruled out when every condition is known false, or a ruling-out fact holds. */
function ruledOut(d: DeadlineRule, facts: Facts): boolean {
  const results = d.when_any.map((c) => evalCondition(c, facts));
  if (results.includes(true)) return false;
  if (d.ruled_out_by?.some((c) => evalCondition(c, facts) === true)) return true;
  return !results.includes(undefined);
}

/**
 * The deadline rules known to apply: every specific rule with a condition known to hold;
 * the catch-all only once every specific rule is ruled out.
 */
export function applicableDeadlines(pack: RulePack, facts: Facts): DeadlineRule[] {
  const specific = pack.deadlines.filter((d) => !isCatchAll(d) && d.when_any.some((c) => evalCondition(c, facts) === true));
  if (specific.length) return specific;
  const catchAllKnown = pack.deadlines.every((d) => isCatchAll(d) || ruledOut(d, facts));
  return catchAllKnown ? pack.deadlines.filter(isCatchAll) : [];
}

/** The deadline rules that could still apply on what is known. */
export function possibleDeadlines(pack: RulePack, facts: Facts): DeadlineRule[] {
  const known = applicableDeadlines(pack, facts);
  const specificKnown = known.some((d) => !isCatchAll(d));
  return pack.deadlines.filter((d) => (isCatchAll(d) ? !specificKnown : !ruledOut(d, facts)));
}

function strictest(rules: DeadlineRule[]): DeadlineRule | undefined {
  return [...rules].sort((a, b) => a.hours - b.hours)[0];
}

/**
 * What the report deadline rests on. Unknown never relaxes: the rule is the strictest that
 * could still apply; it is settled once a rule known to apply is as strict, and until then
 * `pending` names the stricter rules whose deciding facts are unknown.
 */
export interface DeadlineBasis {
  rule: DeadlineRule;
  settled: boolean;
  /** Rules stricter than any known to apply that are neither confirmed nor ruled out. */
  pending: DeadlineRule[];
  /** Unknown facts that decide the pending rules, in the pack's order. */
  pendingFacts: string[];
  /** Recipients of every rule that could apply (while unsettled) or that applies. */
  recipients: Recipient[];
}

/** The facts that decide whether a rule applies: its ruling-out facts, else its own conditions. */
function decidingFacts(d: DeadlineRule): string[] {
  return (d.ruled_out_by?.length ? d.ruled_out_by : d.when_any).map((c) => c.fact);
}

export function deadlineBasis(pack: RulePack, facts: Facts): DeadlineBasis {
  const known = applicableDeadlines(pack, facts);
  const possible = possibleDeadlines(pack, facts);
  const rule = strictest(possible) as DeadlineRule;
  const knownBest = strictest(known);
  const settled = knownBest !== undefined && knownBest.hours <= rule.hours;
  const pending = settled ? [] : possible.filter((d) => !known.includes(d) && !isCatchAll(d) && (!knownBest || d.hours < knownBest.hours));
  const unknownDeciding = new Set(pending.flatMap(decidingFacts).filter((f) => facts[f] === undefined));
  const seen = new Set<string>();
  const recipients = (settled ? known : possible)
    .flatMap((d) => d.recipients)
    .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
    .map((r) => ({ id: r.id, text_en: r.en, text_zh: r.zh }));
  return {
    rule,
    settled,
    pending,
    pendingFacts: pack.facts.map((f) => f.name).filter((n) => unknownDeciding.has(n)),
    recipients,
  };
}

export function deadlineFrom(pack: RulePack, awareAt: string, hours: number): DateTime {
  return DateTime.fromISO(awareAt, { zone: "utc" }).plus({ hours }).setZone(pack.authority_zone);
}

function firedCriterion(pack: RulePack, c: Criterion, facts: Facts): FiredCriterion {
  return {
    id: c.id,
    level: c.level,
    fact: c.when.fact,
    value: facts[c.when.fact] as FactValue,
    threshold: thresholdOf(c.when),
    text_en: c.en,
    text_zh: c.zh,
    confirmed: c.confirmed,
    source: c.clause?.en ?? pack.sources[c.source] ?? c.source,
    ...(c.interpretation ? { interpretation: c.interpretation } : {}),
  };
}

/** A criterion that has not fired but still could: none of its conditions is known false. */
function stillOpen(conds: Condition[], facts: Facts): string[] | undefined {
  const unknown: string[] = [];
  for (const cond of conds) {
    const r = evalCondition(cond, facts);
    if (r === false) return undefined;
    if (r === undefined) unknown.push(cond.fact);
  }
  return unknown.length ? unknown : undefined;
}

/**
 * Unknown facts that could still make the incident reportable (empty once a reportable
 * level is reached or every reportable criterion is known not to fire), in the pack's order.
 */
export function reportabilityFacts(pack: RulePack, typed: Facts): string[] {
  const facts = withImplied(pack, typed);
  const index = indexOf(pack);
  const out = new Set<string>();
  for (const { conds, reportable } of index.criteria) {
    if (!reportable) continue;
    if (allHold(conds, facts)) return [];
    for (const f of stillOpen(conds, facts) ?? []) out.add(f);
  }
  return index.factOrder.filter((n) => out.has(n));
}

/**
 * Classify an incident under partial knowledge. The level is the highest any known fact
 * reaches; `reportable` is null while an unknown fact could still reach a reportable level;
 * the deadline is the strictest that could still apply, `provisional` while it could tighten
 * or reportability is open; `missing` names every unknown fact that could raise the level,
 * make the incident reportable, decide the deadline, or fix it (aware_at).
 */
export function classify(pack: RulePack, typed: Facts): Classification {
  // A fact the others settle (a CII outage once CII is ruled out) is not waited for.
  const facts = withImplied(pack, typed);
  const index = indexOf(pack);
  const firing = index.criteria.filter((x) => allHold(x.conds, facts));
  // Stable: criteria of one level keep the pack's order.
  firing.sort((a, b) => b.rank - a.rank);
  const fired = firing.map((x) => firedCriterion(pack, x.c, facts));
  const level = fired.length ? levelById(pack, (fired[0] as FiredCriterion).level) : index.floor;

  const openFacts = level.reportable ? [] : reportabilityFacts(pack, facts);
  const reportable: boolean | null = level.reportable ? true : openFacts.length ? null : false;

  const missingSet = new Set<string>();
  for (const x of index.criteria) {
    if (x.rank <= level.rank) continue;
    for (const f of stillOpen(x.conds, facts) ?? []) missingSet.add(f);
  }

  let deadline: string | null = null;
  let deadlineHours: number | null = null;
  let recipients: Recipient[] = [];
  let settled = true;
  if (reportable !== false) {
    const basis = deadlineBasis(pack, facts);
    settled = basis.settled;
    for (const f of basis.pendingFacts) missingSet.add(f);
    deadlineHours = basis.rule.hours;
    recipients = basis.recipients;
    const aware = facts.aware_at;
    if (typeof aware === "string") deadline = deadlineFrom(pack, aware, basis.rule.hours).toISO({ suppressMilliseconds: true });
    else missingSet.add("aware_at");
  }
  const missing = index.factOrder.filter((n) => missingSet.has(n));

  return {
    level: level.id,
    reportable,
    provisional: reportable === null || (reportable === true && !settled),
    criteria: fired,
    missing,
    deadline,
    deadline_hours: deadlineHours,
    recipients,
  };
}
