import type { Db } from "../store/db.js";
import { planWarnings, type ClockInputs, type CountdownPolicy } from "./planner.js";

/**
 * Bring an incident's pending warning rows in line with the plan: rows no longer planned
 * are cancelled, new ones inserted; rows already queued or sent are history and stay.
 */
export function replan(db: Db, policy: CountdownPolicy, incidentId: number, inputs: ClockInputs): void {
  const planned = planWarnings(policy, inputs);
  const keys = new Set(planned.map((w) => w.key));
  const pending = db.prepare("SELECT id, key FROM warnings WHERE incident_id = ? AND status = 'pending'").all(incidentId) as {
    id: number;
    key: string;
  }[];
  const cancel = db.prepare("UPDATE warnings SET status = 'cancelled' WHERE id = ?");
  for (const row of pending) if (!keys.has(row.key)) cancel.run(row.id);
  const insert = db.prepare(
    `INSERT INTO warnings (incident_id, clock, kind, key, due_at, status) VALUES (?, ?, ?, ?, ?, 'pending')
     ON CONFLICT (incident_id, key) DO UPDATE SET status = 'pending', due_at = excluded.due_at WHERE warnings.status = 'cancelled'`,
  );
  for (const w of planned) insert.run(incidentId, w.clock, w.kind, w.key, w.dueAt);
}

export interface WarningRow {
  id: number;
  incident_id: number;
  clock: "report" | "post_incident";
  kind: "half" | "before" | "deadline" | "overdue";
  key: string;
  due_at: number;
  status: string;
}

/** When the next pending warning falls due (drills step the clock through these). */
export function nextDueAt(db: Db): number | undefined {
  const row = db.prepare("SELECT min(due_at) AS due FROM warnings WHERE status = 'pending'").get() as { due: number | null };
  return row.due ?? undefined;
}
