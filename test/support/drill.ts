import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { createApp, type App } from "../../src/app.js";
import { openDatabase } from "../../src/store/db.js";
import { FakeClock } from "../../src/time/clock.js";
import { runShell } from "../../adapters/shell/index.js";

/** A quiet app on a fresh in-memory database and a fake clock at 2026-03-02 09:00 CST (drills, tests, bench). */
export function drillApp(start = "2026-03-02T09:00:00+08:00"): { app: App; clock: FakeClock } {
  const clock = new FakeClock(start);
  const app = createApp({
    config: { dbPath: ":memory:", displayZone: "Asia/Shanghai", sweepCron: "*/15 * * * * *" },
    db: openDatabase(":memory:"),
    clock,
    log: { info: () => undefined, error: () => undefined },
    drill: true,
  });
  return { app, clock };
}

/** Type `lines` into the shell adapter as alice and return everything it printed. */
export async function typeInto(app: App, clock: FakeClock, lines: string[], filesDir = mkdtempSync(join(tmpdir(), "warroom-files-"))): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d: Buffer) => (text += d.toString()));
  input.end(`${lines.join("\n")}\n`);
  await runShell({ app, input, output, user: "alice", clock, live: false, filesDir });
  return text;
}

/** A whole drill on a fresh app. */
export async function drill(lines: string[]): Promise<{ text: string; app: App; clock: FakeClock }> {
  const { app, clock } = drillApp();
  const text = await typeInto(app, clock, lines);
  return { text, app, clock };
}
