import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Db } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { appendEvent, formatHead, GENESIS, hashOf, matchesHead, parseHead, storedHead, verifyChain, walkChain } from "../../src/incidents/timeline.js";
import { harness, textOf } from "../support/harness.js";

describe("delivery keys", () => {
  it("are applied once and forgotten after a day by the sweep's housekeeping", async () => {
    const h = harness();
    expect((await h.app.core.service.markProcessed("slack:command:t1"))).toBe(true);
    expect((await h.app.core.service.markProcessed("slack:command:t1"))).toBe(false);
    h.clock.advance({ hours: 23 });
    await h.app.engine.tick();
    expect((await h.app.core.service.markProcessed("slack:command:t1"))).toBe(false);
    h.clock.advance({ hours: 2 });
    await h.app.engine.tick();
    expect((await h.app.core.service.markProcessed("slack:command:t1"))).toBe(true);
  });

  it("are pruned through an index", () => {
    const db = openDatabase(":memory:");
    const plan = db.prepare("EXPLAIN QUERY PLAN DELETE FROM processed_requests WHERE at < ?").all(0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(" ")).toContain("processed_requests_at");
    expect(db.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
  });
});

describe("timeline", () => {
  it("records every change with actor and time, chained by hash", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    await h.say("facts direct_loss_rmb=6000000", { user: "alice" });
    h.clock.advance({ minutes: 5 });
    await h.say("role scribe @dave");
    const events = (await h.app.core.service.timeline(1));
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ["incident_opened", "alice"],
      ["role_assigned", "alice"],
      ["channel_attached", "alice"],
      ["fact_set", "alice"],
      ["level_changed", "alice"],
      ["role_assigned", "alice"],
    ]);
    expect(events[5]?.at).toBe("2026-03-02T01:05:00.000Z");
    expect(events[3]?.payload).toEqual({ fact: "direct_loss_rmb", from: null, to: 6000000 });
    for (let i = 1; i < events.length; i++) expect(events[i]?.prev_hash).toBe(events[i - 1]?.hash);
    expect(verifyChain(h.app.db)).toEqual({ ok: true, events: 6 });
  });

  it("refuses updates and deletes", () => {
    const db = openDatabase(":memory:");
    appendEvent(db, { incidentId: null, at: "2026-03-02T01:00:00.000Z", actor: "alice", type: "note", payload: { a: 1 } });
    expect(() => db.prepare("UPDATE timeline SET actor = 'mallory'").run()).toThrow("the timeline is append-only");
    expect(() => db.prepare("DELETE FROM timeline").run()).toThrow("the timeline is append-only");
  });

  it("shows tampering done behind the triggers' back", () => {
    const db = openDatabase(":memory:");
    for (const actor of ["alice", "bob", "carol"]) appendEvent(db, { incidentId: null, at: "2026-03-02T01:00:00.000Z", actor, type: "note" });
    db.exec("DROP TRIGGER timeline_no_update; DROP TRIGGER timeline_no_delete;");
    db.prepare("UPDATE timeline SET actor = 'mallory' WHERE seq = 2").run();
    expect(verifyChain(db)).toEqual({ ok: false, events: 2, brokenAt: 2, reason: "content does not match its hash" });
    db.prepare("UPDATE timeline SET actor = 'bob' WHERE seq = 2").run();
    expect(verifyChain(db).ok).toBe(true);
    db.prepare("DELETE FROM timeline WHERE seq = 2").run();
    expect(verifyChain(db)).toMatchObject({ ok: false, brokenAt: 3, reason: "event 2 is missing" });
  });
});

const AT = "2026-03-02T01:00:00.000Z";

function notes(db: Db, actors: string[]): void {
  for (const actor of actors) appendEvent(db, { incidentId: null, at: AT, actor, type: "note", payload: { by: actor } });
}

/** What someone with the database file and the code can do: rewrite rows from `seq` on and re-chain them, head included. */
function forge(db: Db, seq: number, change: (row: { payload: string }) => void): void {
  db.exec("DROP TRIGGER IF EXISTS timeline_no_update;");
  const rows = db.prepare("SELECT * FROM timeline ORDER BY seq").all() as { seq: number; incident_id: number | null; at: string; actor: string; type: string; payload: string; prev_hash: string; hash: string }[];
  let prev = GENESIS;
  for (const r of rows) {
    if (r.seq === seq) change(r);
    if (r.seq >= seq) {
      r.prev_hash = prev;
      r.hash = hashOf(prev, r);
      db.prepare("UPDATE timeline SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?").run(r.payload, r.prev_hash, r.hash, r.seq);
    }
    prev = r.hash;
  }
  db.prepare("UPDATE timeline_head SET events = ?, hash = ?").run(rows.length, prev);
}

describe("timeline head", () => {
  it("moves with every append, in the append's transaction", () => {
    const db = openDatabase(":memory:");
    expect(storedHead(db)).toEqual({ events: 0, hash: GENESIS });
    notes(db, ["alice", "bob"]);
    const last = db.prepare("SELECT hash FROM timeline WHERE seq = 2").pluck().get();
    expect(storedHead(db)).toEqual({ events: 2, hash: last });
    expect(() =>
      db.transaction(() => {
        notes(db, ["carol"]);
        throw new Error("the change failed");
      })(),
    ).toThrow("the change failed");
    expect(storedHead(db)).toEqual({ events: 2, hash: last });
    expect(verifyChain(db)).toEqual({ ok: true, events: 2 });
    db.prepare("DELETE FROM timeline_head").run();
    expect(verifyChain(db)).toEqual({ ok: false, events: 2, brokenAt: 3, reason: "the timeline head is missing" });
  });

  it("shows events deleted from the end, or all of them", () => {
    const db = openDatabase(":memory:");
    notes(db, ["alice", "bob", "carol"]);
    db.exec("DROP TRIGGER timeline_no_delete;");
    db.prepare("DELETE FROM timeline WHERE seq = 3").run();
    expect(verifyChain(db)).toEqual({ ok: false, events: 2, brokenAt: 3, reason: "truncated: the head records 3 events, the timeline ends at 2" });
    db.prepare("DELETE FROM timeline").run();
    expect(verifyChain(db)).toEqual({ ok: false, events: 0, brokenAt: 1, reason: "truncated: the head records 3 events, the timeline ends at 0" });
  });

  it("shows a row added behind warroom's back", () => {
    const db = openDatabase(":memory:");
    notes(db, ["alice"]);
    const prev = db.prepare("SELECT hash FROM timeline WHERE seq = 1").pluck().get() as string;
    const row = { seq: 2, incident_id: null, at: AT, actor: "mallory", type: "note", payload: "{}" };
    db.prepare("INSERT INTO timeline (seq, incident_id, at, actor, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
      row.seq, row.incident_id, row.at, row.actor, row.type, row.payload, prev, hashOf(prev, row),
    );
    expect(verifyChain(db)).toMatchObject({ ok: false, brokenAt: 2, reason: "the timeline has 2 events but its head records 1: events were added outside warroom" });
  });

  it("kept elsewhere, catches a rewrite that the database alone cannot show", () => {
    const db = openDatabase(":memory:");
    notes(db, ["alice", "bob", "carol"]);
    const kept = formatHead(walkChain(db).head);
    expect(kept).toMatch(/^3:[0-9a-f]{64}$/);
    expect(parseHead(kept)).toEqual(storedHead(db));
    notes(db, ["dave"]);
    expect(matchesHead(db, parseHead(kept)!)).toEqual({ ok: true });

    forge(db, 2, (r) => (r.payload = JSON.stringify({ by: "mallory" })));
    expect(verifyChain(db)).toEqual({ ok: true, events: 4 });
    expect(matchesHead(db, parseHead(kept)!)).toEqual({ ok: false, reason: "event 3 does not end in the expected hash: the timeline was rewritten" });

    db.exec("DROP TRIGGER timeline_no_delete;");
    db.prepare("DELETE FROM timeline WHERE seq > 2").run();
    db.prepare("UPDATE timeline_head SET events = 2, hash = (SELECT hash FROM timeline WHERE seq = 2)").run();
    expect(verifyChain(db)).toEqual({ ok: true, events: 2 });
    expect(matchesHead(db, parseHead(kept)!)).toEqual({ ok: false, reason: "the expected head has 3 events but the timeline has only 2: events were deleted" });
    expect(parseHead("3:nothex")).toBeUndefined();
  });

  it("is computed from the rows of a database from before heads were kept", () => {
    const path = join(mkdtempSync(join(tmpdir(), "warroom-head-")), "w.db");
    const db = openDatabase(path);
    notes(db, ["alice", "bob", "carol"]);
    const last = db.prepare("SELECT hash FROM timeline WHERE seq = 3").pluck().get();
    // Back to schema 3, as a database written before heads were kept.
    db.exec("DROP TABLE timeline_head; DROP TABLE leases; DROP TABLE board_links; DROP TABLE board_sessions; DROP TABLE shown_forms; DROP TABLE rule_packs; ALTER TABLE incidents DROP COLUMN rules_sha256; ALTER TABLE outbox DROP COLUMN lease_until; PRAGMA user_version = 3;");
    db.close();
    const upgraded = openDatabase(path);
    expect(upgraded.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    expect(storedHead(upgraded)).toEqual({ events: 3, hash: last });
    upgraded.exec("DROP TRIGGER timeline_no_delete; DELETE FROM timeline WHERE seq = 3;");
    expect(verifyChain(upgraded)).toMatchObject({ ok: false, brokenAt: 3, reason: "truncated: the head records 3 events, the timeline ends at 2" });
    upgraded.close();
  });
});

describe("a timeline row whose payload is not JSON", () => {
  it("is a broken row in the chain check and in /incident timeline, never a crash", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    await h.say("facts direct_loss_rmb=6000000");
    forge(h.app.db, 4, (r) => (r.payload = "{not json"));
    expect(verifyChain(h.app.db)).toEqual({ ok: false, events: 4, brokenAt: 4, reason: "payload is not JSON" });
    const events = (await h.app.core.service.timeline(1));
    expect(events[3]).toMatchObject({ seq: 4, type: "fact_set", payload: {}, broken: "payload is not JSON" });
    const shown = textOf(await h.say("timeline"));
    expect(shown).toMatch(/ {3}4 .* fact_set {2}⚠️ BROKEN ROW: payload is not JSON/);
    expect(shown).toContain("⚠️ Hash chain BROKEN at event 4: payload is not JSON.");
    expect(h.errors).toEqual([]);
  });
});
