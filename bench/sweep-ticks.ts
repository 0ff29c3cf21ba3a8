import { performance } from "node:perf_hooks";
import { sweep, type SweepDeps } from "../src/countdown/sweeper.js";
import { IncidentService } from "../src/incidents/service.js";
import { warningRenderer } from "../src/report/warnings.js";
import type { RulePack } from "../src/rules/pack.js";
import type { Store } from "../src/store/sql.js";
import type { FakeClock } from "../src/time/clock.js";

/** What the countdown engine sweeps with, on any store. */
export function sweepDeps(store: Store, pack: RulePack, clock: FakeClock): SweepDeps {
  const service = new IncidentService(store, pack, clock);
  return {
    store,
    policy: pack.countdown,
    snapshot: (sql, id) => service.snapshotIn(sql, id),
    render: warningRenderer(() => ({ pack, displayZone: "UTC", now: clock.now().toMillis() })),
  };
}

/** 40 sweeps 15 s apart, as the cron runs them: sorted times (ms) and the warnings claimed. */
export async function timeTicks(deps: SweepDeps, clock: FakeClock): Promise<{ times: number[]; claimed: number }> {
  const times: number[] = [];
  let claimed = 0;
  for (let i = 0; i < 40; i++) {
    clock.advance({ seconds: 15 });
    const t0 = performance.now();
    claimed += (await sweep(deps, clock.now().toMillis())).claimed;
    times.push(performance.now() - t0);
  }
  return { times: times.sort((a, b) => a - b), claimed };
}
