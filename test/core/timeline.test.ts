import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { appendEvent, verifyChain } from "../../src/incidents/timeline.js";
import { harness } from "../support/harness.js";

describe("delivery keys", () => {
  it("are applied once and forgotten after a day by the sweep's housekeeping", async () => {
    const h = harness();
    expect(h.app.core.service.markProcessed("slack:command:t1")).toBe(true);
    expect(h.app.core.service.markProcessed("slack:command:t1")).toBe(false);
    h.clock.advance({ hours: 23 });
    await h.app.engine.tick();
    expect(h.app.core.service.markProcessed("slack:command:t1")).toBe(false);
    h.clock.advance({ hours: 2 });
    await h.app.engine.tick();
    expect(h.app.core.service.markProcessed("slack:command:t1")).toBe(true);
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
    const events = h.app.core.service.timeline(1);
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ["incident_opened", "alice"],
      ["role_assigned", "alice"],
      ["fact_set", "alice"],
      ["level_changed", "alice"],
      ["role_assigned", "alice"],
    ]);
    expect(events[4]?.at).toBe("2026-03-02T01:05:00.000Z");
    expect(events[2]?.payload).toEqual({ fact: "direct_loss_rmb", from: null, to: 6000000 });
    for (let i = 1; i < events.length; i++) expect(events[i]?.prev_hash).toBe(events[i - 1]?.hash);
    expect(verifyChain(h.app.db)).toEqual({ ok: true, events: 5 });
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
