/**
 * The warnings table against the replay. Its rows are derived: every change re-plans them
 * from the incident's clocks (src/countdown/schedule.ts). So what the replayed incident owes
 * says which rows must be there and which may not: a warning of a running clock cancelled
 * after the last change (nothing could have cancelled it), a planned one missing, or one
 * still pending for a clock that has stopped, was changed outside warroom. Setting every
 * warning to cancelled silences the countdown; this is what finds it.
 */
import { DateTime } from "luxon";
import type { Facts } from "../rules/facts.js";
import type { RulePack } from "../rules/pack.js";
import { planWarnings, type ClockInputs } from "../countdown/planner.js";
import { deriveVerdict } from "./verdict.js";
import type { ReplayedIncident, TableCheck } from "./replay.js";

const ms = (iso: string) => DateTime.fromISO(iso, { zone: "utc" }).toMillis();

/** The clocks the replayed incident still runs, as the service's refresh plans them. */
function runningClocks(pack: RulePack, r: ReplayedIncident): Omit<ClockInputs, "now"> {
  const facts: Facts = { aware_at: r.awareAt };
  for (const [name, f] of r.facts) facts[name] = f.value;
  const verdict = deriveVerdict(pack, facts, r.assessments.some((a) => !a.revoked), r.resolvedAt);
  const filed = (kind: string) => r.submissions.some((s) => s.kind === kind);
  const out: Omit<ClockInputs, "now"> = {};
  if (r.status !== "closed" && verdict.clock && !filed("initial")) out.report = { awareAt: ms(r.awareAt), deadlineAt: ms(verdict.clock.deadlineAt) };
  if (r.status === "resolved" && r.resolvedAt && verdict.finalDueAt && !filed("final")) out.postIncident = { resolvedAt: ms(r.resolvedAt), dueAt: ms(verdict.finalDueAt) };
  return out;
}

/** The key's deadline part (`report@<ms>`), which a re-plan keeps while the deadline stands. */
const prefixOf = (key: string) => key.split(":")[0] ?? key;

export const warningsCheck: TableCheck = (ctx, compare) => {
  // A pack that cannot be used is reported by the verdict's own check.
  if (typeof ctx.pack === "string") return;
  const pack = ctx.pack;
  const r = ctx.replayed;
  const lastChange = typeof r.extra.lastEventAt === "string" ? ms(r.extra.lastEventAt) : 0;
  const clocks = runningClocks(pack, r);
  const running = new Set([
    ...(clocks.report ? [`report@${clocks.report.deadlineAt}`] : []),
    ...(clocks.postIncident ? [`final@${clocks.postIncident.dueAt}`] : []),
  ]);
  const rows = ctx.tables.warnings;
  const byKey = new Map(rows.map((w) => [String(w.key), w]));
  for (const w of rows) {
    const key = String(w.key);
    const dueAt = Number(w.due_at);
    if (w.status === "pending" && !running.has(prefixOf(key))) compare(`warning ${key}`, "cancelled (its clock has stopped or moved)", "pending");
    // A re-plan cancels only what fell due before it: one due after the last change was cancelled by hand.
    if (w.status === "cancelled" && running.has(prefixOf(key)) && dueAt > lastChange) compare(`warning ${key}`, "pending (its clock still runs)", "cancelled");
  }
  // Every warning the last change planned is there (overdue ticks are planned one by one as they are sent).
  for (const w of planWarnings(pack.countdown, { now: lastChange, ...clocks })) {
    if (w.kind !== "overdue" && !byKey.has(w.key)) compare(`warning ${w.key}`, "planned", undefined);
  }
};
