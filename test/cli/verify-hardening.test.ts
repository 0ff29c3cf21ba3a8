import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, openSync, readSync, writeSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { createApp } from "../../src/app.js";
import { openStore } from "../../src/store/open.js";
import { FakeClock } from "../../src/time/clock.js";
import { runTs } from "../support/run-ts.js";
import { createTestDatabase } from "../support/postgres.js";
import { ENGINES, type Engine } from "../support/harness.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { PG_MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { PG_MARKERS, SQLITE_MARKERS } from "../../src/store/schema.js";

const CLI = "bin/warroom.ts";
const cli = (args: string[], location: string) => runTs(CLI, [...args, "--db", location], { env: { WARROOM_DB: "" } });

/** A database (a SQLite file, or a PostgreSQL database of its own) with one reportable incident whose clock runs. */
async function populated(engine: Engine): Promise<{ location: string; exec(sql: string): Promise<void> }> {
  let location: string;
  if (engine === "sqlite") location = join(mkdtempSync(join(tmpdir(), "warroom-verify-")), "w.db");
  else location = (await createTestDatabase("verify")).url;
  const store = await openStore(location);
  const app = createApp({ config: { dbPath: location, displayZone: "UTC", sweepCron: "0 0 1 1 *" }, store, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: { info: () => undefined, error: () => undefined } });
  const { incident } = await app.core.service.open({ title: "Payment DB outage", actor: "alice", platform: "slack", channelId: "C-ROOM", channelName: "inc-1" });
  await app.core.service.setFacts(incident.id, { personal_info_people: 1_200_000, operator_type: "ordinary", cii_affected: false }, "alice");
  await app.close();
  await store.close();
  const exec = async (sql: string) => {
    if (engine === "sqlite") {
      const db = new Database(location);
      db.exec(sql);
      db.close();
      return;
    }
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return { location, exec };
}

describe("the schema markers", () => {
  it("name one marker per migration on each engine", () => {
    expect(SQLITE_MARKERS).toHaveLength(MIGRATIONS.length);
    expect(PG_MARKERS).toHaveLength(PG_MIGRATIONS.length);
  });
});

describe.each(ENGINES)("verify cannot be blinded (%s)", (engine) => {
  it("finds the incident's platform and channel changed outside warroom", async () => {
    const db = await populated(engine);
    expect((await cli(["verify"], db.location)).code).toBe(0);
    await db.exec("UPDATE incidents SET platform = 'feishu' WHERE id = 1");
    const platform = await cli(["verify"], db.location);
    expect([platform.code, platform.stdout]).toEqual([1, 'state MISMATCH: incident #1: platform: the timeline says "slack", the table has "feishu"\n']);
    await db.exec("UPDATE incidents SET platform = 'slack', channel_id = NULL WHERE id = 1");
    const channel = await cli(["verify"], db.location);
    expect([channel.code, channel.stdout]).toEqual([1, 'state MISMATCH: incident #1: channel: the timeline says "C-ROOM", the table has nothing\n']);
  });

  it("finds every warning silenced", async () => {
    const db = await populated(engine);
    await db.exec("UPDATE warnings SET status = 'cancelled'");
    const r = await cli(["verify"], db.location);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^state MISMATCH: incident #1: warning report@\d+:\w+: the timeline says "pending \(its clock still runs\)", the table has "cancelled" \(and \d+ more\)\n$/);
    await db.exec("DELETE FROM warnings");
    expect((await cli(["verify"], db.location)).stdout).toMatch(/^state MISMATCH: incident #1: warning report@\d+:half: the timeline says "planned", the table has nothing/);
  });

  it("treats a schema version changed by hand as a failure, with a repair that start accepts", async () => {
    const db = await populated(engine);
    const lowered = engine === "sqlite" ? "PRAGMA user_version = 5" : `DELETE FROM schema_migrations WHERE version = ${PG_MIGRATIONS.length}`;
    const latest = engine === "sqlite" ? MIGRATIONS.length : PG_MIGRATIONS.length;
    const says = engine === "sqlite" ? 5 : latest - 1;
    await db.exec(`${lowered}; UPDATE incidents SET title = 'Routine maintenance' WHERE id = 1;`);
    const r = await cli(["verify"], db.location);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    expect(r.stdout).toBe(
      `schema MISMATCH: the database says schema ${says}, its tables are schema ${latest}'s (changed outside warroom): state NOT checked; set it back with warroom repair-schema, then verify again; timeline intact: 6 events\n`,
    );
    const repaired = await cli(["repair-schema"], db.location);
    expect([repaired.code, repaired.stdout]).toEqual([0, `schema version set to ${latest} (the database said ${says}); run warroom verify\n`]);
    const again = await cli(["verify"], db.location);
    expect([again.code, again.stdout]).toEqual([1, 'state MISMATCH: incident #1: title: the timeline says "Payment DB outage", the table has "Routine maintenance"\n']);
    const start = await runTs(CLI, ["start", "--shell", "--user", "alice", "--db", db.location], { input: "/incident status --incident 1\n", env: { WARROOM_DB: "" } });
    expect(start.code).toBe(0);
    // (The shell has no Slack to deliver the incident's card to: that is all it says.)
    expect(start.stderr).not.toMatch(/schema|already exists/);
  });
});

describe("verify on damaged or older SQLite files", () => {
  it("a version lowered by hand stops start with one line naming the repair", async () => {
    const db = await populated("sqlite");
    await db.exec("PRAGMA user_version = 5");
    const start = await runTs(CLI, ["start", "--shell", "--user", "alice", "--db", db.location], { input: "", env: { WARROOM_DB: "" } });
    expect(start.code).toBe(2);
    expect(start.stderr).toBe(`warroom: --db: ${db.location} says schema 5 but its tables are schema ${MIGRATIONS.length}'s (changed outside warroom); run warroom verify, then warroom repair-schema\n`);
  });

  it("runs the integrity check: a corrupted index page is one line, no stack trace", async () => {
    const db = await populated("sqlite");
    const raw = new Database(db.location);
    raw.pragma("wal_checkpoint(TRUNCATE)");
    raw.pragma("journal_mode = DELETE");
    const pageSize = raw.pragma("page_size", { simple: true }) as number;
    const root = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'timeline_incident'").pluck().get() as number;
    raw.close();
    // Scribble over the cells of the index's root page (past its header), as a failing disk would.
    const fd = openSync(db.location, "r+");
    const page = Buffer.alloc(pageSize);
    readSync(fd, page, 0, pageSize, (root - 1) * pageSize);
    page.fill(0x5a, 100, pageSize - 8);
    writeSync(fd, page, 0, pageSize, (root - 1) * pageSize);
    closeSync(fd);
    const r = await cli(["verify"], db.location);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stdout).toMatch(/^database DAMAGED: /);
    expect(r.stdout).not.toMatch(/\n\s+at /);
  });

  it("a database at an older schema whose tables are that schema's is checked for its chain, and says its state is not", async () => {
    const db = await populated("sqlite");
    await db.exec("DROP TABLE rule_packs; ALTER TABLE incidents DROP COLUMN rules_sha256; DROP TABLE shown_forms; PRAGMA user_version = 7;");
    const r = await cli(["verify"], db.location);
    expect([r.code, r.stdout]).toMatchObject([0, expect.stringMatching(/^timeline intact: \d+ events; state not checked: the database is at schema 7, this warroom at \d+ \(start warroom once to upgrade it\)\n$/)]);
    // Only the newest table dropped while the version says otherwise: that is no older schema.
    await db.exec("PRAGMA user_version = 9");
    expect((await cli(["verify"], db.location)).stdout).toMatch(/^schema MISMATCH: the database says schema 9, its tables are schema 7's/);
  });
});

describe("a drill", () => {
  it("never writes to a real database: --clock with --db is refused, and nothing is created", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "warroom-drill-")), "prod.db");
    const r = await runTs(CLI, ["start", "--shell", "--db", path, "--clock", "2026-03-02T09:00:00+08:00"], { input: "/incident open Drill\n", env: { WARROOM_DB: "" } });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, "", "warroom: --clock (a drill) runs on a throwaway database and never writes to a real one: leave out --db\n"]);
    expect(existsSync(path)).toBe(false);
  });
});
