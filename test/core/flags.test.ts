import { describe, expect, it } from "vitest";
import { harness, textOf, type Harness } from "../support/harness.js";
import { parseArgs, tokens } from "../../src/bot/args.js";
import { UsageError } from "../../src/bot/errors.js";

function counts(h: Harness) {
  const n = (table: string) => (h.app.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { incidents: n("incidents"), timeline: n("timeline"), developments: n("developments"), channels: h.port.channels.size };
}

describe("options: each command takes only the ones it declares", () => {
  it("open Qux --bogus-flag is refused with the usage line, and nothing is made", async () => {
    const h = harness();
    const r = await h.say("open Qux --bogus-flag");
    expect(r.ephemeral).toBe(true);
    expect(textOf(r)).toBe("⚠️ Unknown option --bogus-flag.\nUsage: /incident open <title> [--aware <ISO time>] [--private] [--description <text>] [name=value facts…]");
    expect(counts(h)).toEqual({ incidents: 0, timeline: 0, developments: 0, channels: 0 });
  });

  it.each([
    ["status --verbose", "Unknown option --verbose."],
    ["timeline --all=yes", "--all takes no value."],
    ["report --kind initial --kind update", "--kind is given more than once."],
    ["report --bogus", 'Unknown argument "--bogus".'],
    ["submitted hotline REF-1 --kidn update", "Unknown option --kidn."],
    ["disclose approve --chekced police_prefecture", "Unknown option --chekced."],
    ["facts personal_info_people=5 --force", "Unknown option --force."],
  ])("%s is refused", async (command, expected) => {
    const h = harness();
    await h.say("open Outage");
    const before = counts(h);
    const r = await h.say(command);
    expect(textOf(r)).toContain(expected);
    expect(textOf(r)).toContain("Usage: /incident");
    expect(counts(h)).toEqual(before);
  });

  it("open Qux --private=yes is refused rather than opening a public room", async () => {
    const h = harness();
    const r = await h.say("open Qux --private=yes");
    expect(textOf(r)).toContain("--private takes no value.");
    expect(counts(h).incidents).toBe(0);
  });

  it("a value option does not swallow the option after it", async () => {
    const h = harness();
    const r = await h.say("open Qux --aware --private");
    expect(textOf(r)).toContain("--aware needs a time");
    expect(counts(h).incidents).toBe(0);
  });

  it("the declared options still work, and quoted words are never options", async () => {
    const h = harness();
    await h.say('open "--weird" title --private --aware 2026-03-02T08:30+08:00');
    const incident = (await h.app.core.service.get(1));
    expect(incident).toMatchObject({ title: "--weird title", private: true, awareAt: "2026-03-02T00:30:00.000Z" });
    expect(textOf(await h.say("timeline --all"))).toContain("Timeline of incident #1");
  });

  it("free text keeps its --words: update, report items, notes", async () => {
    const h = harness();
    await h.say("open Outage");
    expect(textOf(await h.say("update attacker ran curl --insecure against the API"))).toContain("Development recorded");
    await h.say("report edit 4 replica started with --skip-grant-tables");
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.developments[0]?.text).toBe("attacker ran curl --insecure against the API");
    expect(snap.items.cause).toBe("replica started with --skip-grant-tables");
  });
});

describe("--incident takes an incident number and nothing else", () => {
  it.each(["1e3", "0x10", "1.0", "-1", "", "01", "1,000", "12abc", "99999999999999999999", "Infinity"])("--incident %j is refused and nothing is written", async (value) => {
    const h = harness();
    await h.say("open Outage");
    const before = counts(h);
    const r = await h.say(`update --incident=${value} checked the logs`, { channel: "general" });
    expect(textOf(r)).toContain("--incident takes an incident number, e.g. --incident 12");
    expect(counts(h)).toEqual(before);
  });

  it("1, #1 and --incident=1 name incident #1", async () => {
    const h = harness();
    await h.say("open Outage");
    for (const flag of ["--incident 1", "--incident #1", "--incident=1"]) expect(textOf(await h.say(`status ${flag}`, { channel: "general" }))).toContain("Incident #1: Outage");
  });
});

describe("parseArgs", () => {
  it("throws UsageError, the domain's own error, for what it refuses", () => {
    expect(() => parseArgs(tokens("--x"))).toThrow(UsageError);
    expect(parseArgs(tokens('a "--x" b'))).toEqual({ positional: ["a", "--x", "b"], flags: {} });
    expect(parseArgs(tokens("a --x=1 b"), { freeText: true })).toEqual({ positional: ["a", "--x=1", "b"], flags: {} });
    expect(parseArgs(tokens("--kind=final --all"), { value: ["kind"], boolean: ["all"] })).toEqual({ positional: [], flags: { kind: "final", all: true } });
  });
});
