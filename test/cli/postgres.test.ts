import { describe, expect, it } from "vitest";
import pg from "pg";
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
    expect(verify.stdout).toContain("state of 1 incident matches it");
    const head = await runTs(CLI, ["verify", "--head"], { env });
    expect(head.stdout).toMatch(/^\d+:[0-9a-f]{64}\n$/);
    const kept = head.stdout.trim();
    const [events] = kept.split(":");

    // More happens; the head kept earlier is still a prefix of the chain.
    await runTs(CLI, ["start", "--shell", "--user", "alice"], { env, input: "/incident facts direct_loss_rmb=1000\n" });
    const grown = await runTs(CLI, ["verify", "--expect-head", kept], { env });
    expect(grown.code).toBe(0);
    expect(grown.stdout).toContain(`it includes the expected head (${events} events)`);
    const forged = await runTs(CLI, ["verify", "--expect-head", `${events}:${"a".repeat(64)}`], { env });
    expect(forged.code).toBe(1);
    expect(forged.stdout).toContain("timeline does NOT match the expected head");

    // A row changed behind warroom's back: the chain is intact, the replay is not.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query("UPDATE incidents SET title = 'Nothing to see' WHERE id = 1");
    } finally {
      await client.end();
    }
    const edited = await runTs(CLI, ["verify"], { env });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toBe('state MISMATCH: incident #1: title: the timeline says "Payment DB outage", the table has "Nothing to see"\n');
  });

  it("names the variable and the server in one line when PostgreSQL cannot be reached", async () => {
    const r = await runTs(CLI, ["draft", "1"], { env: { WARROOM_DB: "postgres://warroom:secret@127.0.0.1:1/warroom" } });
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain("WARROOM_DB");
    expect(r.stderr).not.toContain("secret");
  });
});
