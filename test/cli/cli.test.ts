import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTs } from "../support/run-ts.js";

const CLI = "bin/warroom.ts";

describe("warroom classify", () => {
  it("prints the contract JSON for the first worked example", async () => {
    const r = await runTs(CLI, ["classify", "-"], {
      input: JSON.stringify({ operator_type: "ordinary", cii_affected: false, aware_at: "2026-03-02T09:00:00+08:00", personal_info_people: 1200000 }),
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    // The contract's fields, then the rules that judged and the notes that go with the verdict.
    expect(Object.keys(out)).toEqual(["level", "reportable", "provisional", "criteria", "missing", "deadline", "deadline_hours", "recipients", "rules", "notes"]);
    expect(out.rules).toMatchObject({ id: "cac-2025", version: "2.0.0", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(out.notes).toEqual([]);
    expect(out).toMatchObject({
      level: "major",
      reportable: true,
      provisional: false,
      deadline: "2026-03-02T13:00:00+08:00",
      deadline_hours: 4,
      criteria: [{ id: "personal_info_m", level: "major", fact: "personal_info_people", value: 1200000, threshold: 1000000 }],
    });
    // The official wording of Guide III, normally-criteria item 5.
    expect((out.criteria as { text_zh: string; source: string }[])[0]).toMatchObject({ text_zh: "泄露100万人以上公民个人信息", source: "Guide III (major), normally-criteria item 5" });
    expect(out.recipients).toEqual([{ id: "provincial_cac", text_en: "Provincial cyberspace administration where the operator is located", text_zh: "属地省级网信部门" }]);
  });

  it("never relaxes the clock while CII involvement and the operator type are unknown", async () => {
    const r = await runTs(CLI, ["classify", "-"], { input: JSON.stringify({ aware_at: "2026-03-02T09:00:00+08:00", personal_info_people: 1200000 }) });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { reportable: unknown; provisional: unknown; deadline: unknown; deadline_hours: unknown; missing: string[] };
    expect(out).toMatchObject({ reportable: true, provisional: true, deadline: "2026-03-02T10:00:00+08:00", deadline_hours: 1 });
    expect(out.missing).toEqual(expect.arrayContaining(["operator_type", "cii_affected"]));
  });

  it("says reportability is undetermined (null) after one harmless fact, with the strictest clock", async () => {
    const r = await runTs(CLI, ["classify", "-"], { input: JSON.stringify({ aware_at: "2026-03-02T09:00:00+08:00", tampered_site_tier: "enterprise" }) });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { level: unknown; reportable: unknown; provisional: unknown; deadline_hours: unknown; missing: string[] };
    expect(out).toMatchObject({ level: "general", reportable: null, provisional: true, deadline_hours: 1 });
    expect(out.missing.length).toBeGreaterThanOrEqual(14);
  });

  it("refuses contradicting facts, naming both", async () => {
    const r = await runTs(CLI, ["classify", "-"], { input: JSON.stringify({ cii_affected: false, cii_full_outage_minutes: 30 }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cii_affected=false contradicts cii_full_outage_minutes=30");
  });

  it("reads a file argument", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-cli-"));
    const file = join(dir, "facts.json");
    writeFileSync(file, JSON.stringify({ cii_affected: true, cii_main_function_outage_minutes: 45, aware_at: "2026-03-02T22:10+08:00" }));
    const r = await runTs(CLI, ["classify", file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ level: "major", deadline: "2026-03-02T23:10:00+08:00", deadline_hours: 1 });
  });

  it.each([
    ["not JSON", "{", /^warroom: invalid JSON/],
    ["an unknown fact", '{"flux": 1}', /^warroom: unknown fact "flux"$/],
    ["a negative number", '{"personal_info_people": -1}', /^warroom: personal_info_people: must not be negative$/],
    ["an unknown enum value", '{"operator_type": "bank"}', /^warroom: operator_type: expected one of ordinary, central_state_organ$/],
    ["an array", "[]", /^warroom: facts must be a JSON object$/],
  ])("exits 2 with one line on stderr for %s", async (_name, input, pattern) => {
    const r = await runTs(CLI, ["classify"], { input });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(pattern);
  });
});

describe("warroom draft", () => {
  it("prints the draft of an incident in the store, and exits 2 for an unknown one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-cli-"));
    const db = join(dir, "w.db");
    const script = [
      "/incident open Payment DB outage",
      "/incident facts personal_info_people=1200000",
      "/incident report edit 1 Acme Pay Ltd",
    ].join("\n");
    const shell = await runTs(CLI, ["start", "--shell", "--user", "alice"], { input: script, env: { WARROOM_DB: db } });
    expect(shell.code).toBe(0);
    const md = await runTs(CLI, ["draft", "1", "--lang", "en"], { env: { WARROOM_DB: db } });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("# Network security incident report (initial report)");
    expect(md.stdout).toContain("Acme Pay Ltd");
    expect(md.stdout).not.toContain("网络安全事件报告");
    const json = await runTs(CLI, ["draft", "1", "--format", "json"], { env: { WARROOM_DB: db } });
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: "initial", level: { id: "major" }, missing_items: ["incident_and_impact", "trend", "cause", "tracing_clues", "further_measures", "evidence_preservation"] });
    const missing = await runTs(CLI, ["draft", "9"], { env: { WARROOM_DB: db } });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe("warroom: There is no incident #9.");
    const verify = await runTs(CLI, ["verify"], { env: { WARROOM_DB: db } });
    expect(verify.stdout).toMatch(/^timeline intact: \d+ events/);
  });
});

describe("configuration", () => {
  it("stops at start-up naming a bad variable", async () => {
    const r = await runTs(CLI, ["start", "--shell"], { env: { WARROOM_DISPLAY_TZ: "Mars/Olympus" } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("warroom: invalid configuration: WARROOM_DISPLAY_TZ: must be an IANA time zone such as Europe/Berlin");
  });

  it("stops at start-up naming the bad entry of a broken rule-pack override", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-cli-"));
    const file = join(dir, "rules.json");
    writeFileSync(file, JSON.stringify({ criteria: [{ id: "loss_m", level: "catastrophic" }] }));
    const r = await runTs(CLI, ["classify"], { input: "{}", env: { WARROOM_RULES: file } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('criteria."loss_m".level: unknown level "catastrophic"');
  });
});
