import type { RulePack } from "../rules/pack.js";
import type { Assessment, IncidentSnapshot } from "../incidents/model.js";
import { fill, joinList, label, loadTemplates, type Bi } from "./templates.js";
import { formatCst, formatDuration } from "./format.js";
import type { Facts } from "../rules/facts.js";

function factLabels(pack: RulePack, names: readonly string[]): Bi {
  return joinList(names.map((n) => {
    const def = pack.facts.find((f) => f.name === n);
    return def ? { en: def.en, zh: def.zh } : { en: n, zh: n };
  }));
}

/**
 * Why the clock is as strict as it is while facts are unknown: "1 h applies until CII
 * involvement and the operator type are entered", and whether reportability is still open.
 */
export function clockReasons(snap: IncidentSnapshot): Bi[] {
  const t = loadTemplates();
  const clock = snap.clock;
  if (!clock) return [];
  const out: Bi[] = [];
  if (clock.pending.length) {
    const what = joinList(clock.pending.map((d) => d.until ?? { en: d.en, zh: d.zh }));
    out.push(fill(label(t, clock.pending.length > 1 ? "clock_pending_many" : "clock_pending_one"), { hours: clock.hours, what }));
  }
  if (clock.reportabilityFacts.length) out.push(fill(label(t, "reportability_open"), { count: clock.reportabilityFacts.length }));
  return out;
}

export function assessmentNote(pack: RulePack, a: Assessment): Bi {
  const facts = a.unknownFacts.length ? factLabels(pack, a.unknownFacts) : { en: "none", zh: "无" };
  return fill(label(loadTemplates(), "assessed_not_reportable"), { actor: a.actor, at: formatCst(a.at, pack.authority_zone), reason: a.reason, facts });
}

/** Said loudly when new facts void an assessment: the deadline counts from awareness and may be past. */
export function revocationNote(pack: RulePack, snap: IncidentSnapshot, now: number): Bi[] {
  const t = loadTemplates();
  const deadline = snap.clock ? formatCst(snap.clock.deadlineAt, pack.authority_zone) : "—";
  const criteria = snap.classification.criteria.map((c) => c.id).join(", ");
  const out = [fill(label(t, "assessment_revoked"), { criteria, deadline })];
  if (snap.clock && Date.parse(snap.clock.deadlineAt) < now) {
    out.push(fill(label(t, "deadline_already_past"), { overdue: formatDuration(now - Date.parse(snap.clock.deadlineAt)) }));
  }
  return out;
}

/**
 * What every surface says beside the verdict whatever the level: state secrets put the
 * incident under other departments' rules (Article 13), while the clock stays as a reminder.
 */
export function classificationNotes(facts: Facts): { id: string; en: string; zh: string }[] {
  return facts.state_secrets === true ? [{ id: "state_secrets", ...label(loadTemplates(), "state_secrets") }] : [];
}
