import { describe, expect, it } from "vitest";
import { harness, textOf, type Harness } from "../support/harness.js";
import { FORM_IDS } from "../../commands/forms.js";
import { TEXT_LIMITS } from "../../src/limits.js";

const MB = 1024 * 1024;

/** Everything a refused command could have written. */
function written(h: Harness) {
  const db = h.app.db;
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { incidents: count("incidents"), timeline: count("timeline"), facts: count("facts"), items: count("report_items"), developments: count("developments"), channels: h.port.channels.size };
}

function expectOneShortLine(text: string) {
  expect(text.length).toBeLessThan(600);
  // The refusal and, at most, its usage line.
  expect(text.split("\n").length).toBeLessThanOrEqual(2);
}

describe("size limits", () => {
  it.each([
    ["1 MB", MB],
    ["20 MB", 20 * MB],
  ])("a %s title is refused in one short line and nothing is written", async (_name, size) => {
    const h = harness();
    const r = await h.say(`open ${"A".repeat(size)}`);
    expect(r.ephemeral).toBe(true);
    expect(textOf(r)).toContain("too long");
    expectOneShortLine(textOf(r));
    expect(written(h)).toEqual({ incidents: 0, timeline: 0, facts: 0, items: 0, developments: 0, channels: 0 });
  });

  it("a title of 200 characters is taken, 201 is refused before any channel is made", async () => {
    const h = harness();
    const refused = await h.say(`open ${"标".repeat(TEXT_LIMITS.title + 1)}`);
    expect(textOf(refused)).toContain("The title is too long: at most 200 characters.");
    expect(textOf(refused)).toContain("Usage: /incident open");
    expect(written(h).channels).toBe(0);
    expect(written(h).incidents).toBe(0);
    const ok = await h.say(`open ${"标".repeat(TEXT_LIMITS.title)}`);
    expect(textOf(ok)).toContain("Opened incident #1");
  });

  it("the open form refuses an over-long title or description on its field", async () => {
    const h = harness();
    const res = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.open,
      values: { title: "t".repeat(TEXT_LIMITS.title + 1), description: "d".repeat(TEXT_LIMITS.description + 1) },
      context: { channelId: "general" },
    });
    expect(res).toEqual({
      ok: false,
      errors: { title: "The title is too long: at most 200 characters.", description: "The description is too long: at most 2,000 characters." },
    });
    expect(written(h).incidents).toBe(0);
  });

  it("a 20 MB form value is refused on its field without being echoed", async () => {
    const h = harness();
    await h.say("open Outage");
    const before = written(h);
    const res = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.facts,
      values: { aware_at: "x".repeat(20 * MB), direct_loss_rmb: "9".repeat(20 * MB) },
      context: { incidentId: 1, channelId: h.room() },
    });
    expect(res.ok).toBe(false);
    const errors = res.ok ? {} : res.errors;
    expect(Object.keys(errors).sort()).toEqual(["aware_at", "direct_loss_rmb"]);
    for (const e of Object.values(errors)) expect(e.length).toBeLessThan(200);
    expect(written(h)).toEqual(before);
  });

  it("a 20 MB fact value is refused in one short line; a long one is echoed cut to 100 characters", async () => {
    const h = harness();
    await h.say("open Outage");
    const before = written(h);
    const huge = await h.say(`facts personal_info_people=${"9".repeat(20 * MB)}`);
    expect(textOf(huge)).toContain("too long");
    expectOneShortLine(textOf(huge));
    const long = await h.say(`facts direct_loss_rmb=${"x".repeat(5000)}`);
    const text = textOf(long);
    expect(text).toContain("direct_loss_rmb=xxxx");
    expect(text).toContain("…");
    expect(text).not.toContain("x".repeat(101));
    expect(text.length).toBeLessThan(400);
    const stray = await h.say(`facts ${"y".repeat(5000)}`);
    expect(textOf(stray)).toContain("is not a name=value pair");
    expect(textOf(stray)).not.toContain("y".repeat(101));
    expect(written(h)).toEqual(before);
  });

  it("a report item holds 10,000 characters, not one more", async () => {
    const h = harness();
    await h.say("open Outage");
    const refused = await h.say(`report edit 2 ${"x".repeat(TEXT_LIMITS.reportItem + 1)}`);
    expect(textOf(refused)).toContain("Item 2 is too long: at most 10,000 characters.");
    expect(written(h).items).toBe(0);
    const ok = await h.say(`report edit 2 ${"x".repeat(TEXT_LIMITS.reportItem)}`);
    expect(textOf(ok)).toContain("Item 2 saved");
    const form = await h.app.router.submitForm({
      actor: { platform: "test", id: "alice" },
      formId: FORM_IDS.report,
      values: { cause: "c".repeat(TEXT_LIMITS.reportItem + 1) },
      context: { incidentId: 1, channelId: h.room() },
    });
    expect(form).toEqual({ ok: false, errors: { cause: "Too long: at most 10,000 characters." } });
  });

  it.each([
    ["update", "update ", TEXT_LIMITS.development, "The development is too long"],
    ["police note", "police reported ", TEXT_LIMITS.note, "The note is too long"],
    ["close reason", "close ", TEXT_LIMITS.reason, "The reason is too long"],
    ["disclosure note", "disclose block ", TEXT_LIMITS.note, "The note is too long"],
    ["filing reference", "submitted hotline ", TEXT_LIMITS.reference, "The reference is too long"],
  ])("a too long %s is refused and nothing is written", async (_name, prefix, limit, expected) => {
    const h = harness();
    await h.say("open Outage");
    const before = written(h);
    const r = await h.say(`${prefix}${"z".repeat(limit + 1)}`);
    expect(textOf(r)).toContain(expected);
    expectOneShortLine(textOf(r).replace(/\nUsage: .*/, ""));
    expect(written(h)).toEqual(before);
  });

  it("usage errors echo what was typed cut to 100 characters", async () => {
    const h = harness();
    await h.say("open Outage");
    for (const cmd of [`${"q".repeat(3000)}`, `report edit ${"9".repeat(3000)} text`, `role ${"r".repeat(3000)} @bob`, `submitted ${"c".repeat(3000)}`, `open Outage --aware ${"1".repeat(3000)}`]) {
      const text = textOf(await h.say(cmd));
      expect(text, cmd.slice(0, 20)).toContain("…");
      expect(text, cmd.slice(0, 20)).not.toMatch(/(.)\1{100}/);
    }
  });

  it("a display name is cut to a sensible length", async () => {
    const h = harness();
    await h.say("open Outage");
    const r = await h.app.router.command({ actor: { platform: "test", id: "alice", name: "n".repeat(5000) }, channelId: h.room(), text: "update checked" });
    expect(textOf(r).length).toBeLessThan(300);
  });
});
