import type { RulePack } from "../rules/pack.js";

export type ClockName = "report" | "post_incident";

export interface PlannedWarning {
  clock: ClockName;
  /** half | before | deadline | overdue */
  kind: "half" | "before" | "deadline" | "overdue";
  /** Stable per deadline, so a re-plan that keeps the deadline keeps the rows. */
  key: string;
  dueAt: number;
  /** Minutes (report) or days (post-incident) before the deadline, for "before". */
  before?: number;
  /** 1, 2, 3… for "overdue". */
  overdueIndex?: number;
}

export interface ClockInputs {
  now: number;
  /** The report clock, while a report is owed (reportable or still provisional) and not yet submitted. */
  report?: { awareAt: number; deadlineAt: number };
  /** The 30-day clock, after resolution of a reportable incident until the final report is filed. */
  postIncident?: { resolvedAt: number; dueAt: number };
}

export type CountdownPolicy = RulePack["countdown"];

const MINUTE = 60_000;
const DAY = 86_400_000;

function prefix(clock: ClockName, deadlineAt: number): string {
  return `${clock === "report" ? "report" : "final"}@${deadlineAt}`;
}

/** The first overdue tick strictly after `after`. */
export function nextOverdue(clock: ClockName, deadlineAt: number, intervalMs: number, after: number): PlannedWarning {
  const n = Math.max(1, Math.floor((after - deadlineAt) / intervalMs) + 1);
  return {
    clock,
    kind: "overdue",
    key: `${prefix(clock, deadlineAt)}:overdue${n}`,
    dueAt: deadlineAt + n * intervalMs,
    overdueIndex: n,
  };
}

/** How close to a clock's deadline it turns urgent: warnings ping the people who must act, the board shows it as due soon. */
export function urgentWithin(policy: CountdownPolicy, clock: ClockName): number {
  return clock === "report" ? policy.report.mention_from_minutes_before * MINUTE : policy.post_incident.mention_from_days_before * DAY;
}

export function overdueInterval(policy: CountdownPolicy, clock: ClockName): number {
  return clock === "report" ? policy.report.overdue_every_minutes * MINUTE : policy.post_incident.overdue_every_days * DAY;
}

/**
 * The warnings still to come, as a pure function of the clocks and now. Warnings whose
 * time has passed are not planned (they are announced by the change that caused the
 * re-plan); an overdue clock gets its next overdue tick, and each sent tick plans the next.
 */
export function planWarnings(policy: CountdownPolicy, inputs: ClockInputs): PlannedWarning[] {
  const out: PlannedWarning[] = [];
  const { now } = inputs;
  const push = (w: PlannedWarning) => {
    if (w.dueAt > now && !out.some((o) => o.key === w.key)) out.push(w);
  };

  if (inputs.report) {
    const { awareAt, deadlineAt } = inputs.report;
    const p = prefix("report", deadlineAt);
    const r = policy.report;
    const befores = r.minutes_before
      .map((m) => ({ m, dueAt: deadlineAt - m * MINUTE }))
      // A warning before awareness means nothing (60 min before a 1 h deadline is the awareness itself).
      .filter((b) => b.dueAt > awareAt);
    const half = awareAt + Math.round((deadlineAt - awareAt) / 2);
    // On a 1 h clock half-time is "30 min before": one message, not two at once.
    if (r.half_time && !befores.some((b) => b.dueAt === half)) push({ clock: "report", kind: "half", key: `${p}:half`, dueAt: half });
    for (const b of befores) push({ clock: "report", kind: "before", key: `${p}:before${b.m}`, dueAt: b.dueAt, before: b.m });
    if (r.at_deadline) push({ clock: "report", kind: "deadline", key: `${p}:deadline`, dueAt: deadlineAt });
    push(nextOverdue("report", deadlineAt, overdueInterval(policy, "report"), Math.max(now, deadlineAt)));
  }

  if (inputs.postIncident) {
    const { resolvedAt, dueAt: deadlineAt } = inputs.postIncident;
    const p = prefix("post_incident", deadlineAt);
    const f = policy.post_incident;
    for (const d of f.days_before) {
      const dueAt = deadlineAt - d * DAY;
      if (dueAt > resolvedAt) push({ clock: "post_incident", kind: "before", key: `${p}:before${d}d`, dueAt, before: d });
    }
    if (f.at_deadline) push({ clock: "post_incident", kind: "deadline", key: `${p}:deadline`, dueAt: deadlineAt });
    push(nextOverdue("post_incident", deadlineAt, overdueInterval(policy, "post_incident"), Math.max(now, deadlineAt)));
  }

  return out.sort((a, b) => a.dueAt - b.dueAt);
}
