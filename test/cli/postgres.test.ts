import { describe, expect, it } from "vitest";
import { runTs } from "../support/run-ts.js";
import { useTestDatabase } from "../support/postgres.js";

const CLI = "bin/warroom.ts";

describe("WARROOM_DB=postgres://… on the command line", () => {
  const database = useTestDatabase("cli");

  it("start, draft and verify work on PostgreSQL", async () => {
    const env = { WARROOM_DB: database.url, WARROOM_DISPLAY_TZ: "UTC" };
    const shell = await runTs(CLI, ["start", "--shell", "--user", "alice"], {
      env,
      input: '/incident open Payment DB outage\n/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false\n/incident report edit 1 "Acme Pay Ltd"\n',
    });
    expect(shell.code).toBe(0);
    expect(shell.stdout).toContain("Level: general (一般) → major (较大).");

    const draft = await runTs(CLI, ["draft", "1", "--lang", "en"], { env });
    expect(draft.code).toBe(0);
    expect(draft.stdout).toContain("Acme Pay Ltd");
    expect(draft.stdout).toContain("# Network security incident report (initial report)");

    const verify = await runTs(CLI, ["verify"], { env });
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^timeline intact: \d+ events/);
    const head = await runTs(CLI, ["verify", "--head"], { env });
    expect(head.stdout).toMatch(/^\d+:[0-9a-f]{64}\n$/);
  });

  it("names the variable and the server in one line when PostgreSQL cannot be reached", async () => {
    const r = await runTs(CLI, ["draft", "1"], { env: { WARROOM_DB: "postgres://warroom:secret@127.0.0.1:1/warroom" } });
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain("WARROOM_DB");
    expect(r.stderr).not.toContain("secret");
  });
});
