import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTs } from "../support/run-ts.js";
import { writeLegacySqlite } from "../support/legacy-database.js";
import { loadLegacyPack, loadRulePack } from "../../src/rules/pack.js";
import { rulesIdentity } from "../../src/rules/identity.js";

const CLI = "bin/warroom.ts";
const env = { WARROOM_DB: "", WARROOM_RULES: "", SLACK_BOT_TOKEN: "", DISCORD_TOKEN: "", FEISHU_APP_ID: "" };
const sha = (text: string) => createHash("sha256").update(text).digest("hex");

describe("upgrading a database from before rule packs were recorded, through the command line", () => {
  it("verify passes before and after; start re-judges and tells the war room; the rules that judged are shown exactly", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-rules-cli-"));
    const db = join(dir, "legacy.db");
    writeLegacySqlite(db);
    const before = await runTs(CLI, ["verify", "--db", db], { env });
    expect([before.code, before.stderr]).toEqual([0, ""]);
    expect(before.stdout).toMatch(/^timeline intact: 53 events; /);

    // The shell on the real database, end of input at once: start-up alone re-judges.
    const start = await runTs(CLI, ["start", "--shell", "--db", db, "--files", join(dir, "files")], { env, input: "" });
    expect(start.code).toBe(0);
    expect(start.stdout).toContain("🚨 Incident #3 re-judged under updated rules");
    expect(start.stdout).toContain("a report to the CAC is now OWED: due 2026-03-02 13:50 CST");
    expect(start.stdout).toContain("Incident #1 re-judged under updated rules");

    const after = await runTs(CLI, ["verify", "--db", db], { env });
    expect([after.code, after.stderr]).toEqual([0, ""]);
    expect(after.stdout).toMatch(/^timeline intact: \d+ events; state of 4 incidents matches it\n$/);

    const current = rulesIdentity(loadRulePack());
    const legacy = rulesIdentity(loadLegacyPack());
    const list = await runTs(CLI, ["rules", "list", "--db", db], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${legacy.sha256}  cac-2025 1.0.0`);
    expect(list.stdout).toContain(`${current.sha256}  cac-2025 2.0.0`);
    expect(list.stdout).toMatch(new RegExp(`${current.sha256}.*judges 3 open and 0 closed incident\\(s\\)  \\(applied now\\)`));
    expect(list.stdout).toContain("(none recorded)  judges 0 open and 1 closed incident(s): judged before rule packs were recorded");

    // An auditor asks for the rules of incident 4's verdict: the exact JSON, by the hash cards show.
    const shown = await runTs(CLI, ["rules", "show", legacy.sha256.slice(0, 12), "--db", db], { env });
    expect(shown.code).toBe(0);
    expect(sha(shown.stdout.replace(/\n$/, ""))).toBe(legacy.sha256);
    expect(JSON.parse(shown.stdout).version).toBe("1.0.0");
    const out = join(dir, "current.json");
    expect((await runTs(CLI, ["rules", "show", "--out", out], { env })).code).toBe(0);
    expect(sha(readFileSync(out, "utf8"))).toBe(current.sha256);

    const unknown = await runTs(CLI, ["rules", "show", "0".repeat(12), "--db", db], { env });
    expect([unknown.code, unknown.stderr]).toEqual([2, `warroom: no rule pack 000000000000 is recorded in ${db}\n`]);
    const bad = await runTs(CLI, ["rules", "show", "nothex", "--db", db], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a rule pack hash");
  }, 120_000);

  it("warroom classify names the rules it applied", async () => {
    const r = await runTs(CLI, ["classify", "-"], { env, input: '{"personal_info_people": 1200000}' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).rules).toEqual(rulesIdentity(loadRulePack()));
  });
});
