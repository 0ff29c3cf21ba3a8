import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createApp } from "../../src/app.js";
import { FakeClock } from "../../src/time/clock.js";
import { GENESIS, hashOf } from "../../src/incidents/timeline.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { runTs } from "../support/run-ts.js";

const CLI = "bin/warroom.ts";
const temp = () => mkdtempSync(join(tmpdir(), "warroom-verify-"));

/** A database with `titles.length` incidents, written by the real service on a fake clock. */
async function store(path: string, titles: string[] = ["Payment DB outage"]): Promise<void> {
  const app = createApp({ config: { dbPath: path, displayZone: "UTC", sweepCron: "0 0 1 1 *" }, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: { info: () => undefined, error: () => undefined } });
  for (const [i, title] of titles.entries()) {
    const { incident } = (await app.core.service.open({ title, actor: "alice", platform: "test", channelId: `c-${title}`, channelName: `inc-${i}` }));
    (await app.core.service.setFacts(incident.id, { personal_info_people: 1_200_000 }, "alice"));
  }
  await app.close();
}

/** Edit the file as someone with a SQLite shell would. */
function edit(path: string, sql: string): void {
  const db = new Database(path);
  db.exec(sql);
  db.close();
}

/** Someone with the file and the code: change event `seq`, re-chain everything after it, and move the head. */
function forge(path: string, seq: number, payload: string): void {
  const db = new Database(path);
  db.exec("DROP TRIGGER timeline_no_update;");
  const rows = db.prepare("SELECT * FROM timeline ORDER BY seq").all() as Parameters<typeof hashOf>[1][];
  let prev = GENESIS;
  for (const r of rows) {
    if (r.seq === seq) r.payload = payload;
    const hash = hashOf(prev, r);
    db.prepare("UPDATE timeline SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?").run(r.payload, prev, hash, r.seq);
    prev = hash;
  }
  db.prepare("UPDATE timeline_head SET events = ?, hash = ?").run(rows.length, prev);
  db.close();
}

const verify = (args: string[], env: NodeJS.ProcessEnv = {}) => runTs(CLI, ["verify", ...args], { env: { WARROOM_DB: "", ...env } });

describe("warroom verify", () => {
  it("checks the database named by --db, over WARROOM_DB", async () => {
    const dir = temp();
    const a = join(dir, "a.db");
    const b = join(dir, "b.db");
    await store(a, ["One"]);
    await store(b, ["One", "Two"]);
    const r = await verify(["--db", b], { WARROOM_DB: a });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toBe("timeline intact: 8 events; state of 2 incidents matches it\n");
    const env = await verify([], { WARROOM_DB: a });
    expect(env.stdout).toBe("timeline intact: 4 events; state of 1 incident matches it\n");
  });

  it("refuses a missing database in one line, creating nothing: verify and draft, by --db and by WARROOM_DB", async () => {
    const dir = join(temp(), "missing");
    const path = join(dir, "w.db");
    const byFlag = await runTs(CLI, ["verify", "--db", path], { env: { WARROOM_DB: "" } });
    const byEnv = await runTs(CLI, ["draft", "1"], { env: { WARROOM_DB: path } });
    for (const r of [byFlag, byEnv]) expect([r.code, r.stdout, r.stderr]).toEqual([2, "", `warroom: no database at ${path}\n`]);
    expect(existsSync(dir)).toBe(false);
  });

  it("reports a PostgreSQL URL it cannot reach in one line that does not repeat the password", async () => {
    const cwd = temp();
    const r = await runTs(CLI, ["verify"], { cwd, env: { WARROOM_DB: "postgres://warroom:s3cret@db.invalid:5432/warroom" } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^warroom: WARROOM_DB: cannot connect to PostgreSQL at db\.invalid:5432/);
    expect(r.stderr).not.toContain("s3cret");
  });

  it("shows events deleted from the end, and all of them", async () => {
    const path = join(temp(), "w.db");
    await store(path);
    edit(path, "DROP TRIGGER timeline_no_delete; DELETE FROM timeline WHERE seq = 4;");
    const last = await verify(["--db", path]);
    expect([last.code, last.stdout]).toEqual([1, "timeline BROKEN at event 4: truncated: the head records 4 events, the timeline ends at 3\n"]);
    edit(path, "DELETE FROM timeline;");
    const all = await verify(["--db", path]);
    expect([all.code, all.stdout]).toEqual([1, "timeline BROKEN at event 1: truncated: the head records 4 events, the timeline ends at 0\n"]);
  });

  it("prints the head as one line, and checks the database against a head kept elsewhere", async () => {
    const path = join(temp(), "w.db");
    await store(path, ["One"]);
    const head = await verify(["--db", path, "--head"]);
    expect(head.code).toBe(0);
    expect(head.stdout).toMatch(/^4:[0-9a-f]{64}\n$/);
    const kept = head.stdout.trim();
    const db = new Database(path);
    expect(db.prepare("SELECT events || ':' || hash FROM timeline_head").pluck().get()).toBe(kept);
    db.close();

    await store(path, ["Two"]);
    const grown = await verify(["--db", path, "--expect-head", kept]);
    expect([grown.code, grown.stdout]).toEqual([0, "timeline intact: 8 events; state of 2 incidents matches it; it includes the expected head (4 events)\n"]);

    // Rewritten consistently, chain and head: only the head kept elsewhere can tell.
    const row = new Database(path).prepare("SELECT seq, payload FROM timeline WHERE incident_id = 1 AND type = 'incident_opened'").get() as { seq: number; payload: string };
    forge(path, row.seq, JSON.stringify({ ...(JSON.parse(row.payload) as object), title: "Routine maintenance" }));
    edit(path, "UPDATE incidents SET title = 'Routine maintenance' WHERE id = 1");
    expect((await verify(["--db", path])).code).toBe(0);
    const rewritten = await verify(["--db", path, "--expect-head", kept]);
    expect([rewritten.code, rewritten.stdout]).toEqual([1, "timeline does NOT match the expected head: event 4 does not end in the expected hash: the timeline was rewritten\n"]);

    const bad = await verify(["--db", path, "--expect-head", "4:xyz"]);
    expect([bad.code, bad.stderr]).toEqual([2, "warroom: --expect-head takes <events>:<hash>, as printed by warroom verify --head\n"]);
  });

  it("names the first table row that disagrees with the timeline", async () => {
    const path = join(temp(), "w.db");
    await store(path, ["One", "Two"]);
    edit(path, "UPDATE incidents SET title = 'Nothing to see' WHERE id = 2; UPDATE facts SET value = '5' WHERE incident_id = 2;");
    const r = await verify(["--db", path]);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, 'state MISMATCH: incident #2: title: the timeline says "Two", the table has "Nothing to see" (and 1 more)\n', ""]);
  });

  it("reports a timeline payload that is not JSON as a broken row, without a stack trace", async () => {
    const path = join(temp(), "w.db");
    await store(path);
    forge(path, 3, "{not json");
    const r = await verify(["--db", path]);
    expect([r.code, r.stdout, r.stderr]).toEqual([1, "timeline BROKEN at event 3: payload is not JSON\n", ""]);
  });

  it("verifies a database from before heads were kept without changing it", async () => {
    const path = join(temp(), "w.db");
    await store(path);
    // Schema 3: as written before heads were kept (its tables too).
    edit(path, "DROP TABLE rule_packs; ALTER TABLE incidents DROP COLUMN rules_sha256; DROP TABLE timeline_head; DROP TABLE shown_forms; DROP TABLE board_sessions; DROP TABLE board_links; DROP TABLE leases; ALTER TABLE outbox DROP COLUMN lease_until; PRAGMA user_version = 3;");
    const r = await verify(["--db", path]);
    expect([r.code, r.stdout]).toEqual([0, `timeline intact: 4 events; no head stored, state not checked: the database is at schema 3, this warroom at ${MIGRATIONS.length} (start warroom once to upgrade it)\n`]);
    const db = new Database(path);
    expect(db.pragma("user_version", { simple: true })).toBe(3);
    db.close();
  });
});

describe("warroom draft and start", () => {
  it("honour --db over WARROOM_DB", async () => {
    const dir = temp();
    const env = join(dir, "env.db");
    const flag = join(dir, "flag.db");
    const shell = await runTs(CLI, ["start", "--shell", "--user", "alice", "--db", flag], { input: "/incident open Flagged outage\n", env: { WARROOM_DB: env } });
    expect(shell.code).toBe(0);
    expect(existsSync(env)).toBe(false);
    const draft = await runTs(CLI, ["draft", "1", "--lang", "en", "--db", flag], { env: { WARROOM_DB: env } });
    expect(draft.code).toBe(0);
    expect(draft.stdout).toContain("Flagged outage");
    expect(existsSync(env)).toBe(false);
  });
});
