import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ENGINES, harnessOn, textOf } from "../support/harness.js";
import { createApp } from "../../src/app.js";
import { FakeClock } from "../../src/time/clock.js";
import { runTs } from "../support/run-ts.js";
import { NONE_FIRES_TEXT } from "../rules/helpers.js";

const CLI = "bin/warroom.ts";
const REPORTABLE = "facts personal_info_people=1200000 operator_type=ordinary cii_affected=false";
const NOTHING_REPORTABLE = NONE_FIRES_TEXT;

describe.each(ENGINES)("%s: the time of awareness cannot be used to relax the clock", (engine) => {
  it("refuses a later awareness from a member without a role, and lets anyone move it earlier", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak");
    await h.say(REPORTABLE);
    h.port.channels.get(h.room())?.members.add("bob");
    h.clock.advance({ hours: 5 });
    const later = await h.say("facts aware_at=2026-03-02T13:59", { user: "bob" });
    expect(textOf(later)).toContain("only the incident's commander or compliance lead may change it that way");
    expect((await h.app.core.service.snapshot(1)).clock?.deadlineAt).toBe("2026-03-02T05:00:00.000Z");
    const earlier = await h.say("facts aware_at=2026-03-02T08:30", { user: "bob" });
    expect(textOf(earlier)).toContain("Facts updated");
    expect((await h.app.core.service.snapshot(1)).clock?.deadlineAt).toBe("2026-03-02T04:30:00.000Z");
  });

  it("never lets the commander move it past the opening, a filing or the end of handling", async () => {
    const h = await harnessOn(engine);
    await h.say("open Leak --aware 2026-03-02T08:00");
    await h.say(REPORTABLE);
    h.clock.advance({ hours: 2 });
    const pastOpening = await h.say("facts aware_at=2026-03-02T09:30");
    expect(textOf(pastOpening)).toContain("The time of awareness cannot be after the incident was opened (2026-03-02 09:00 CST).");
    await h.say("report edit 1 Acme");
    await h.say("report edit 2 Leak");
    await h.say("submitted hotline R1 --at 2026-03-02T08:40");
    const pastFiling = await h.say("facts aware_at=2026-03-02T08:50");
    expect(textOf(pastFiling)).toContain("The time of awareness cannot be after the initial report was filed (2026-03-02 08:40 CST).");
    expect(textOf(await h.say("facts aware_at=2026-03-02T08:20"))).toContain("Facts updated");
  });

  it("refuses two times of awareness in one open command", async () => {
    const h = await harnessOn(engine);
    const r = await h.say("open W aware_at=2026-03-01T12:00 --aware 2026-03-02T08:00");
    expect(textOf(r)).toContain("The time of awareness is given twice (--aware and aware_at=): give it once.");
    expect(await h.app.core.service.list()).toEqual([]);
  });
});

describe.each(ENGINES)("%s: closing", (engine) => {
  it("asks for facts or an assessment when reportability became undetermined after resolution", async () => {
    const h = await harnessOn(engine);
    await h.say("open Defacement");
    await h.say(`facts ${NOTHING_REPORTABLE}`);
    await h.say("resolve");
    await h.say("facts personal_info_people=");
    const r = await h.say("close");
    expect(textOf(r)).toContain("must be reported is undetermined again");
    expect((await h.app.core.service.get(1)).status).toBe("resolved");
  });
});

describe.each(ENGINES)("%s: private war rooms", (engine) => {
  it("show their card and timeline to members only", async () => {
    const h = await harnessOn(engine);
    await h.say("open Secret --private");
    const outsider = { user: "mallory", channel: "general" };
    expect(textOf(await h.say("status --incident 1", outsider))).toContain("Only members of the incident channel #inc-20260302-secret can see incident #1.");
    expect(textOf(await h.say("timeline --incident 1", outsider))).toContain("can see incident #1");
    expect(textOf(await h.say("status"))).toContain("Incident #1: Secret");
  });
});

describe("bidi marks", () => {
  it("are stripped from titles like the other direction controls", async () => {
    const h = await harnessOn("sqlite");
    const r = await h.say("open \u200f\u200e\u061c");
    expect(textOf(r)).not.toContain("Opened incident");
    const ok = await h.say("open \u200fOutage");
    expect(textOf(ok)).toContain('Opened incident #1 "Outage"');
  });
});

describe("the command line answers bad input in one line", () => {
  it("names an option given without its value, a bad classify option and an unreadable .env", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "warroom-cli-"));
    for (const args of [["verify", "--db"], ["draft", "1", "--lang"], ["classify", "--bogus"]]) {
      const r = await runTs(CLI, args, { cwd });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")[0], args.join(" ")).toMatch(/^warroom: /);
      expect(r.stderr, args.join(" ")).not.toMatch(/\n\s+at /);
    }
    mkdirSync(join(cwd, ".env"));
    const env = await runTs(CLI, ["classify", "-"], { cwd, input: "{}" });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^warroom: cannot read \.env/);
  });

  it("reports an unreadable fact instead of crashing or dropping it", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "warroom-fact-")), "w.db");
    const app = createApp({ config: { dbPath: path, displayZone: "UTC", sweepCron: "0 0 1 1 *" }, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: { info: () => undefined, error: () => undefined } });
    const { incident } = await app.core.service.open({ title: "Leak", actor: "alice", platform: "test", channelId: "c1", channelName: "inc-1" });
    await app.core.service.setFacts(incident.id, { personal_info_people: 1_200_000 }, "alice");
    await app.close();
    const db = new Database(path);
    db.exec("UPDATE facts SET value = '{oops' WHERE name = 'personal_info_people'");
    db.close();
    const r = await runTs(CLI, ["draft", "1", "--db", path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("warroom: Fact personal_info_people of incident #1 cannot be read: the database was changed outside warroom. Run warroom verify.\n");
  });
});
