/**
 * The countdown sweep on PostgreSQL: 100,000 open incidents and 1.2 million pending warnings
 * (every incident with its whole report plan and a post-incident plan), in a throwaway
 * cluster on 127.0.0.1. The rows are generated in SQL: the figure is the sweep's, not the load's.
 */
import { startCluster } from "../test/support/postgres-cluster.js";
import { openStore } from "../src/store/open.js";
import { loadRulePack } from "../src/rules/pack.js";
import { FakeClock } from "../src/time/clock.js";
import { sweepDeps, timeTicks } from "./sweep-ticks.js";
import { benchSlackReplicas } from "./slack-replicas.js";

const N = 100_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

export async function benchPostgres(): Promise<string[]> {
  const cluster = await startCluster();
  try {
    const store = await openStore(cluster.url, { poolSize: 2 });
    const pack = loadRulePack();
    const start = Date.parse("2026-03-02T01:00:00Z");
    const now = start + 2 * 3_600_000;
    await store.tx(async (sql) => {
      // Awareness every 26 s from `start`; 4 h deadlines; the plan as the planner would make it.
      await sql.run(
        `INSERT INTO incidents (id, title, status, platform, channel_id, channel_name, opened_by, created_at, aware_at, level, reportability, provisional, deadline_at, deadline_hours, updated_at)
         SELECT i, 'Incident ' || i, 'open', 'bench', 'C' || i, 'inc-' || i, 'u', '2026-03-02T01:00:00.000Z', '2026-03-02T01:00:00.000Z', 'major', 'reportable', 0, NULL, 4, '2026-03-02T01:00:00.000Z'
         FROM generate_series(1, ?) AS i`,
        N,
      );
      const offsets = [
        ["half", 120 * MINUTE],
        ["before60", 180 * MINUTE],
        ["before30", 210 * MINUTE],
        ["before15", 225 * MINUTE],
        ["before5", 235 * MINUTE],
        ["deadline", 240 * MINUTE],
        ["overdue1", 255 * MINUTE],
        ["final-before7d", 240 * MINUTE + 23 * DAY],
        ["final-before3d", 240 * MINUTE + 27 * DAY],
        ["final-before1d", 240 * MINUTE + 29 * DAY],
        ["final-deadline", 240 * MINUTE + 30 * DAY],
        ["final-overdue1", 240 * MINUTE + 31 * DAY],
      ] as const;
      for (const [name, offset] of offsets) {
        await sql.run(
          `INSERT INTO warnings (incident_id, clock, kind, key, due_at, status)
           SELECT i, ?, ?, ? || i, CAST(? AS BIGINT) + (i - 1) * 26000::BIGINT, 'pending' FROM generate_series(1, ?) AS i WHERE CAST(? AS BIGINT) + (i - 1) * 26000::BIGINT > CAST(? AS BIGINT)`,
          name.startsWith("final") ? "post_incident" : "report",
          name.includes("overdue") ? "overdue" : name.includes("deadline") ? "deadline" : name === "half" ? "half" : "before",
          `${name}:`,
          start + offset,
          N,
          start + offset,
          now,
        );
      }
    });
    await store.tx(async (sql) => {
      // The rows above chose their ids: the identity continues after them, as after real use.
      await sql.run("SELECT setval(pg_get_serial_sequence('incidents', 'id'), ?)", N);
      await sql.run("ANALYZE warnings");
    });
    const pending = (await store.read((sql) => sql.get<{ n: number }>("SELECT count(*) AS n FROM warnings WHERE status = 'pending'")))?.n ?? 0;
    const clock = new FakeClock(new Date(now).toISOString());
    const { times, claimed } = await timeTicks(sweepDeps(store, pack, clock), clock);
    await store.close();
    const replicas = await benchSlackReplicas(cluster.url);
    return [
      `${`sweep on PostgreSQL, ${N.toLocaleString("en")} open incidents, ${pending.toLocaleString("en")} pending warnings: median tick`.padEnd(52)} ${`${(times[20] as number).toFixed(2)} ms`.padStart(14)}   (target ≤ 10 ms)`,
      `${"  slowest of 40 ticks (15 s apart)".padEnd(52)} ${`${(times[39] as number).toFixed(2)} ms`.padStart(14)}`,
      `${"  warnings claimed in those ticks".padEnd(52)} ${String(claimed).padStart(14)}`,
      ...replicas,
    ];
  } finally {
    await cluster.stop();
  }
}
