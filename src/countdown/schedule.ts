import type { Sql, Store } from "../store/sql.js";
import { cancelWarning, nextWarningDue, pendingWarningKeys, planWarning } from "../store/repos/countdown.js";
import { planWarnings, type ClockInputs, type CountdownPolicy } from "./planner.js";

/**
 * Bring an incident's pending warning rows in line with the plan: rows no longer planned
 * are cancelled, new ones inserted; rows already queued or sent are history and stay.
 */
export async function replan(sql: Sql, policy: CountdownPolicy, incidentId: number, inputs: ClockInputs): Promise<void> {
  const planned = planWarnings(policy, inputs);
  const keys = new Set(planned.map((w) => w.key));
  for (const row of await pendingWarningKeys(sql, incidentId)) if (!keys.has(row.key)) await cancelWarning(sql, row.id);
  for (const w of planned) await planWarning(sql, incidentId, w);
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
export function nextDueAt(store: Store): Promise<number | undefined> {
  return store.read((sql) => nextWarningDue(sql));
}
