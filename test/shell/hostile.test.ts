import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { createApp, type App } from "../../src/app.js";
import { openDatabase } from "../../src/store/db.js";
import { FakeClock } from "../../src/time/clock.js";
import { runShell } from "../../adapters/shell/index.js";

const ESC = "\u001b";
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function drillApp(): { app: App; clock: FakeClock } {
  const clock = new FakeClock("2026-03-02T09:00:00+08:00");
  const app = createApp({
    config: { dbPath: ":memory:", displayZone: "Asia/Shanghai", sweepCron: "*/15 * * * * *" },
    db: openDatabase(":memory:"),
    clock,
    log: { info: () => undefined, error: () => undefined },
  });
  return { app, clock };
}

async function shell(app: App, clock: FakeClock, lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d: Buffer) => (text += d.toString()));
  input.end(`${lines.join("\n")}\n`);
  await runShell({ app, input, output, user: "alice", clock, live: false });
  return text;
}

describe("the terminal never receives control characters", () => {
  it("a hostile title typed in the shell is printed clean", async () => {
    const { app, clock } = drillApp();
    const text = await shell(app, clock, [`/incident open "${ESC}]0;pwned\u0007Payment ${ESC}[31mDB\u0000 outage\u202E"`, "/incident status"]);
    expect(text).toContain('Opened incident #1 "Payment DB outage"');
    expect(text).not.toMatch(TERMINAL_CONTROL);
  });

  it("text stored before input was cleaned is cleaned on its way to the terminal", async () => {
    const { app, clock } = drillApp();
    (await app.core.service.open({ title: `Old ${ESC}]0;pwned\u0007row${ESC}[2J\u202E`, actor: "alice", platform: "shell", channelId: "inc-old", channelName: "inc-old" }));
    const text = await shell(app, clock, [`/as bob${ESC}[8m`, "/as alice", "/join inc-old", "/incident status"]);
    expect(text).toContain("Incident #1: Old row");
    expect(text).not.toMatch(TERMINAL_CONTROL);
  });
});
