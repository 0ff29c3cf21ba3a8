import { describe, expect, it } from "vitest";
import { harness, textOf } from "../support/harness.js";
import { classify } from "../../src/rules/classify.js";
import { loadRulePack } from "../../src/rules/pack.js";
import { runTs } from "../support/run-ts.js";
import { drillApp, typeInto } from "../support/drill.js";
import { COMMAND_TEXT_LIMIT, FORM_VALUE_LIMIT } from "../../src/limits.js";

const pack = loadRulePack();

describe("facts the others settle", () => {
  it("with cii_affected=false the CII outage minutes are moot: reportability does not wait for them", () => {
    const c = classify(pack, { aware_at: "2026-03-02T01:00:00.000Z", cii_affected: false, operator_type: "ordinary", personal_info_people: 10, direct_loss_rmb: 0, important_data_harm: "none", other_harm: "none" });
    expect(c.missing).not.toContain("cii_full_outage_minutes");
    expect(c.missing).not.toContain("cii_main_function_outage_minutes");
    // While CII is unknown they are still asked for: unknown never relaxes.
    const open = classify(pack, { aware_at: "2026-03-02T01:00:00.000Z" });
    expect(open.missing).toContain("cii_full_outage_minutes");
  });
});

describe("length limits count characters", () => {
  it("takes a command and a form value of as many emoji as the limit, and refuses one more", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    // An emoji is two UTF-16 units: counted as one character, as everywhere else.
    const item = "🙂".repeat(FORM_VALUE_LIMIT);
    const r = await h.app.router.submitForm({ actor: { platform: "test", id: "alice" }, formId: "report_items", values: { cause: item }, context: { incidentId: 1, channelId: h.room() } });
    expect(r.ok ? "" : JSON.stringify(r.errors)).not.toContain("Too long");
    const over = await h.app.router.submitForm({ actor: { platform: "test", id: "alice" }, formId: "report_items", values: { cause: `${item}x` }, context: { incidentId: 1, channelId: h.room() } });
    expect(over.ok ? "" : JSON.stringify(over.errors)).toContain("Too long");
    const long = await h.say(`update ${"🙂".repeat(COMMAND_TEXT_LIMIT - 7)}`);
    expect(textOf(long)).not.toContain("The command is too long");
    expect(textOf(await h.say(`update ${"🙂".repeat(COMMAND_TEXT_LIMIT)}`))).toContain("The command is too long");
  });
});

describe("the shell", () => {
  it("/join general goes back to the room /channels lists", async () => {
    const { app, clock } = drillApp();
    const text = await typeInto(app, clock, ["/incident open Payment DB outage", "/channels", "/join general", "/join #nowhere"]);
    expect(text).toContain("#general");
    expect(text).not.toContain("no channel #general");
    expect(text).toContain("no channel ##nowhere");
  });
});

describe("warroom board --link", () => {
  it("refuses a repeated --link and an empty --name in one line", async () => {
    const twice = await runTs("bin/warroom.ts", ["board", "--link", "alice", "--link", "bob"], { env: { WARROOM_DB: ":memory:" } });
    expect([twice.code, twice.stderr]).toEqual([2, "warroom: --link is given 2 times: one link is for one user\n"]);
    const empty = await runTs("bin/warroom.ts", ["board", "--link", "alice", "--name", ""], { env: { WARROOM_DB: ":memory:" } });
    expect([empty.code, empty.stderr]).toEqual([2, "warroom: --name takes a display name (leave it out to show the user id)\n"]);
  });
});
