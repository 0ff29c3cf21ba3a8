import { filedLate, type IncidentSnapshot } from "../../incidents/model.js";
import type { TimelineEvent } from "../../incidents/timeline.js";
import type { RulePack } from "../../rules/pack.js";
import { levelById } from "../../rules/classify.js";

/** The rows of the chart, top to bottom. */
export const LANES = ["clock", "warnings", "level", "filings"] as const;
export type Lane = (typeof LANES)[number];

export type MarkKind = "aware" | "deadline" | "warning" | "level" | "filing" | "resolved" | "final_due";

export interface ChartMark {
  at: number;
  kind: MarkKind;
  lane: Lane;
  label: string;
  /** Past a deadline that was not met, or a late filing: drawn as such, and said in the label. */
  missed?: boolean;
}

const LANE_OF: Record<MarkKind, Lane> = {
  aware: "clock",
  deadline: "clock",
  resolved: "clock",
  final_due: "clock",
  warning: "warnings",
  level: "level",
  filing: "filings",
};

/** The planner's warning kinds (src/countdown/planner.ts) as the chart says them. */
const WARNING_WORDS: Record<string, string> = { half: "half time", before: "due soon", deadline: "at deadline", overdue: "overdue" };

function mark(kind: MarkKind, iso: string, label: string, missed = false): ChartMark | undefined {
  const at = Date.parse(iso);
  return Number.isFinite(at) ? { at, kind, lane: LANE_OF[kind], label, ...(missed ? { missed } : {}) } : undefined;
}

function levelName(pack: RulePack, id: unknown): string {
  return typeof id === "string" && pack.levels.some((l) => l.id === id) ? levelById(pack, id).en : String(id);
}

/** What happened and what is due, as points in time: read from the snapshot and the timeline, never re-derived. */
export function chartMarks(pack: RulePack, snap: IncidentSnapshot, events: TimelineEvent[], now: number): ChartMark[] {
  const i = snap.incident;
  const filedInitial = snap.submissions.find((s) => s.kind === "initial");
  const out: (ChartMark | undefined)[] = [mark("aware", i.awareAt, "Aware")];
  if (snap.clock) {
    const due = Date.parse(snap.clock.deadlineAt);
    const missed = filedInitial ? filedLate(snap, filedInitial) : due < now;
    const what = snap.clock.provisional ? "Provisional deadline" : "Report deadline";
    out.push(mark("deadline", snap.clock.deadlineAt, `${what} (${snap.clock.hours} h)${missed ? " — missed" : ""}`, missed));
  }
  for (const e of events) {
    if (e.broken) continue;
    if (e.type === "countdown_warning" || e.type === "countdown_catch_up") {
      const kinds = Array.isArray(e.payload.warnings) ? (e.payload.warnings as { kind?: unknown }[]).map((w) => WARNING_WORDS[String(w.kind)] ?? String(w.kind)) : [];
      const clock = e.payload.clock === "post_incident" ? "30-day " : "";
      out.push(mark("warning", e.at, `${clock}Warning${kinds.length ? `: ${[...new Set(kinds)].join(", ")}` : ""}`));
    } else if (e.type === "level_changed") {
      out.push(mark("level", e.at, `${levelName(pack, e.payload.from)} → ${levelName(pack, e.payload.to)}`));
    }
  }
  // Late against the deadline as it stands now, as the deadline mark above judges it.
  for (const s of snap.submissions) {
    const late = filedLate(snap, s);
    out.push(mark("filing", s.submittedAt, `${s.kind} report filed${late ? " — late" : ""}`, late));
  }
  if (i.resolvedAt) out.push(mark("resolved", i.resolvedAt, "Resolved"));
  if (i.finalDueAt) {
    const due = Date.parse(i.finalDueAt);
    const missed = !snap.finalFiled && due < now;
    out.push(mark("final_due", i.finalDueAt, `30-day report due${missed ? " — missed" : ""}`, missed));
  }
  return out.filter((m): m is ChartMark => m !== undefined).sort((a, b) => a.at - b.at);
}
