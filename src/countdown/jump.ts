import type { Store } from "../store/sql.js";
import { pendingWarningsUntil } from "../store/repos/countdown.js";
import { overdueInterval, type CountdownPolicy } from "./planner.js";

/**
 * How many warning messages moving the clock to `until` one due time at a time would post,
 * counted no further than `cap` (the answer is then cap + 1). An overdue clock is one pending
 * row at a time, but it posts a reminder every interval up to `until`: each counts.
 */
export async function warningsUntil(store: Store, policy: CountdownPolicy, until: number, cap: number): Promise<number> {
  const rows = await store.read((sql) => pendingWarningsUntil(sql, until, cap + 1));
  let n = 0;
  const chains = new Set<string>();
  for (const w of rows) {
    if (w.kind === "overdue" || w.kind === "deadline") {
      const deadline = Number(/@(\d+):/.exec(w.key)?.[1]);
      const chain = `${w.incident_id}:${w.clock}:${deadline}`;
      if (!chains.has(chain) && Number.isFinite(deadline)) {
        chains.add(chain);
        n += Math.max(0, Math.floor((until - deadline) / overdueInterval(policy, w.clock)));
      }
      if (w.kind === "deadline") n++;
    } else {
      n++;
    }
    if (n > cap) return cap + 1;
  }
  return n;
}
