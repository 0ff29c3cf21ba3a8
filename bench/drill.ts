/**
 * The shell drill's long clock jump: a year forward on an overdue incident and on a
 * resolved one. Warnings missed in the jump collapse into one catch-up per incident, so
 * this is one sweep, not tens of thousands of reminders.
 */
import { performance } from "node:perf_hooks";
import { drillApp, typeInto } from "../test/support/drill.js";

async function timedDrill(lines: string[]): Promise<number> {
  const { app, clock } = drillApp();
  const t0 = performance.now();
  await typeInto(app, clock, lines);
  const ms = performance.now() - t0;
  await app.close();
  app.db.close();
  return ms;
}

export async function benchDrill(): Promise<string[]> {
  const setup = ["/incident open Payment DB outage", "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false", "/clock +5h", "/incident open Ledger leak", "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false", '/incident submitted hotline R-1 --incomplete "drill"', "/incident resolve"];
  const script = [...setup, "/clock +365d"];
  await timedDrill(script);
  const runs = [await timedDrill(script), await timedDrill(script), await timedDrill(script)].sort((a, b) => a - b);
  return [`${"drill: 2 incidents, then /clock +365d (whole session)".padEnd(52)} ${`${(runs[1] as number).toFixed(0)} ms`.padStart(14)}   (target < 1000 ms)`];
}
