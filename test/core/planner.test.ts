import { describe, expect, it } from "vitest";
import { planWarnings, nextOverdue } from "../../src/countdown/planner.js";
import { loadRulePack } from "../../src/rules/pack.js";

const policy = loadRulePack().countdown;
const T = (iso: string) => Date.parse(iso);
const at = (ms: number) => new Date(ms).toISOString();

describe("countdown planner", () => {
  it("plans a 4 h report clock", () => {
    const plan = planWarnings(policy, { now: T("2026-03-02T01:00:00Z"), report: { awareAt: T("2026-03-02T01:00:00Z"), deadlineAt: T("2026-03-02T05:00:00Z") } });
    expect(plan.map((w) => [w.kind, w.before ?? w.overdueIndex ?? null, at(w.dueAt)])).toEqual([
      ["half", null, "2026-03-02T03:00:00.000Z"],
      ["before", 60, "2026-03-02T04:00:00.000Z"],
      ["before", 30, "2026-03-02T04:30:00.000Z"],
      ["before", 15, "2026-03-02T04:45:00.000Z"],
      ["before", 5, "2026-03-02T04:55:00.000Z"],
      ["deadline", null, "2026-03-02T05:00:00.000Z"],
      ["overdue", 1, "2026-03-02T05:15:00.000Z"],
    ]);
  });

  it("plans a 1 h clock without a warning at awareness and without a double at half-time", () => {
    const plan = planWarnings(policy, { now: T("2026-03-02T01:00:00Z"), report: { awareAt: T("2026-03-02T01:00:00Z"), deadlineAt: T("2026-03-02T02:00:00Z") } });
    expect(plan.map((w) => w.key.split(":")[1])).toEqual(["before30", "before15", "before5", "deadline", "overdue1"]);
  });

  it("drops what has passed and resumes the overdue series after now", () => {
    const plan = planWarnings(policy, { now: T("2026-03-02T05:40:00Z"), report: { awareAt: T("2026-03-02T01:00:00Z"), deadlineAt: T("2026-03-02T05:00:00Z") } });
    expect(plan.map((w) => [w.kind, w.overdueIndex, at(w.dueAt)])).toEqual([["overdue", 3, "2026-03-02T05:45:00.000Z"]]);
    expect(nextOverdue("report", T("2026-03-02T05:00:00Z"), 15 * 60_000, T("2026-03-02T05:45:00Z")).overdueIndex).toBe(4);
  });

  it("keys warnings by deadline, so a new deadline makes a new plan", () => {
    const a = planWarnings(policy, { now: 0, report: { awareAt: 0, deadlineAt: 4 * 3600_000 } });
    const b = planWarnings(policy, { now: 0, report: { awareAt: 0, deadlineAt: 2 * 3600_000 } });
    expect(a.some((w) => b.some((x) => x.key === w.key))).toBe(false);
  });

  it("plans the 30-day clock: 7, 3 and 1 days before, at the deadline, then daily", () => {
    const resolved = T("2026-03-02T06:00:00Z");
    const due = T("2026-04-01T06:00:00Z");
    const plan = planWarnings(policy, { now: resolved, postIncident: { resolvedAt: resolved, dueAt: due } });
    expect(plan.map((w) => [w.kind, at(w.dueAt)])).toEqual([
      ["before", "2026-03-25T06:00:00.000Z"],
      ["before", "2026-03-29T06:00:00.000Z"],
      ["before", "2026-03-31T06:00:00.000Z"],
      ["deadline", "2026-04-01T06:00:00.000Z"],
      ["overdue", "2026-04-02T06:00:00.000Z"],
    ]);
  });

  it("plans nothing when no clock runs", () => {
    expect(planWarnings(policy, { now: 0 })).toEqual([]);
  });
});
