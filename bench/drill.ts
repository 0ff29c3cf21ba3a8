/**
 * The shell drill's long clock jump: a year forward on an overdue incident and on a
 * resolved one. Warnings missed in the jump collapse into one catch-up per incident, so
 * this is one sweep, not tens of thousands of reminders.
 */
import { PassThrough } from "node:stream";
import { performance } from "node:perf_hooks";
import { createApp } from "../src/app.js";
import { openDatabase } from "../src/store/db.js";
import { FakeClock } from "../src/time/clock.js";
import { runShell } from "../adapters/shell/index.js";

async function drill(lines: string[]): Promise<number> {
  const clock = new FakeClock("2026-03-02T09:00:00+08:00");
  const app = createApp({
    config: { dbPath: ":memory:", displayZone: "Asia/Shanghai", sweepCron: "*/15 * * * * *" },
    db: openDatabase(":memory:"),
    clock,
    log: { info: () => undefined, error: () => undefined },
  });
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  input.end(`${lines.join("\n")}\n`);
  const t0 = performance.now();
  await runShell({ app, input, output, user: "alice", clock, live: false });
  const ms = performance.now() - t0;
  await app.close();
  app.db.close();
  return ms;
}

export async function benchDrill(): Promise<string[]> {
  const setup = ["/incident open Payment DB outage", "/incident facts personal_info_people=1200000", "/clock +5h", "/incident open Ledger leak", "/incident facts personal_info_people=1200000", "/incident submitted hotline R-1", "/incident resolve"];
  const script = [...setup, "/clock +365d"];
  await drill(script);
  const runs = [await drill(script), await drill(script), await drill(script)].sort((a, b) => a - b);
  return [`${"drill: 2 incidents, then /clock +365d (whole session)".padEnd(52)} ${`${(runs[1] as number).toFixed(0)} ms`.padStart(14)}   (target < 1000 ms)`];
}
