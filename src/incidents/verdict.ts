import { DateTime } from "luxon";
import type { RulePack } from "../rules/pack.js";
import type { Facts } from "../rules/facts.js";
import { classify, deadlineBasis, deadlineFrom, reportabilityFacts, type Classification } from "../rules/classify.js";
import type { JudgedState, ReportClock, Reportability } from "./model.js";

/**
 * What the rules make of an incident: one pure derivation, used by the service (the state it
 * shows and stores) and by the replay (the state the timeline implies), so the two agree.
 */
export interface Verdict {
  classification: Classification;
  reportability: Reportability;
  /** The deadline could still tighten, or reportability is undetermined (not once assessed). */
  provisional: boolean;
  clock: ReportClock | null;
  finalDueAt: string | null;
}

const iso = (dt: DateTime): string => dt.toUTC().toISO() as string;

/**
 * The report clock owed for these facts: none once reportability is settled "no" (by the
 * facts or by an assessment), otherwise the strictest deadline that could still apply.
 */
export function reportClockFor(pack: RulePack, facts: Facts, classification: Classification, reportability: Reportability): ReportClock | null {
  if (reportability === "not_reportable" || reportability === "assessed_not_reportable") return null;
  const basis = deadlineBasis(pack, facts);
  return {
    deadlineAt: iso(deadlineFrom(pack, facts.aware_at as string, basis.rule.hours)),
    hours: basis.rule.hours,
    provisional: classification.provisional,
    rule: basis.rule,
    pending: basis.pending,
    reportabilityFacts: classification.reportable === null ? reportabilityFacts(pack, facts) : [],
  };
}

/** The 30-day clock runs from the end of handling, for incidents that are reportable (Article 8). */
export function finalDueFor(pack: RulePack, resolvedAt: string | null, reportability: Reportability): string | null {
  return resolvedAt && reportability === "reportable" ? iso(DateTime.fromISO(resolvedAt, { zone: "utc" }).plus({ days: pack.countdown.post_incident.days })) : null;
}

/**
 * The verdict on known facts (aware_at included), an active not-reportable assessment, and
 * the end of handling. The facts decide first: an assessment only settles what they leave open.
 */
export function deriveVerdict(pack: RulePack, facts: Facts, assessed: boolean, resolvedAt: string | null): Verdict {
  const classification = classify(pack, facts);
  const reportability: Reportability =
    classification.reportable === true ? "reportable" : classification.reportable === false ? "not_reportable" : assessed ? "assessed_not_reportable" : "undetermined";
  return {
    classification,
    reportability,
    provisional: classification.provisional && reportability !== "assessed_not_reportable",
    clock: reportClockFor(pack, facts, classification, reportability),
    finalDueAt: finalDueFor(pack, resolvedAt, reportability),
  };
}

/** The parts of a verdict a rule change records, before and after. */
export function judged(v: Verdict): JudgedState {
  return {
    level: v.classification.level,
    reportability: v.reportability,
    provisional: v.provisional,
    deadline_at: v.clock?.deadlineAt ?? null,
    deadline_hours: v.clock?.hours ?? null,
    final_due_at: v.finalDueAt,
  };
}
