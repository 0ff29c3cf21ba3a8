import { describe, expect, it } from "vitest";
import { BoardReader } from "../../src/board/reader.js";
import { ENGINES, harnessOn } from "../support/harness.js";

describe.each(ENGINES)("the board's reading on %s", (engine) => {
  it("after changes, reads again only what changed and ends up exactly where a full reading does", async () => {
    const h = await harnessOn(engine);
    const s = h.app.core.service;
    const reader = new BoardReader(s);
    const full = async () => new Map((await s.active()).map((e) => [e.incident.id, e]));
    const seen = async () => new Map((await reader.active()).entries.map((e) => [e.incident.id, e]));
    const ids: number[] = [];
    for (let i = 0; i < 5; i++, h.clock.advance({ seconds: 1 })) ids.push((await s.open({ title: `Incident ${i}`, actor: "alice", platform: "test", channelId: null, channelName: `inc-${i}` })).incident.id);
    expect(await seen()).toEqual(await full());

    // Count the snapshots taken: a change to one incident reads that one again (and the one
    // changed in the last reading's millisecond, in case of a second change within it), not all five.
    let snapshots = 0;
    const original = s.activeOf.bind(s);
    s.activeOf = async (sql, changed) => {
      snapshots += changed.length;
      return original(sql, changed);
    };
    h.clock.advance({ seconds: 5 });
    await s.setFacts(ids[1] as number, { personal_info_people: 1_200_000 }, "alice");
    expect(await seen()).toEqual(await full());
    expect(snapshots).toBe(2);

    h.clock.advance({ seconds: 5 });
    await s.setRole(ids[2] as number, "compliance", "bob", "alice");
    await s.attachChannel(ids[3] as number, { id: "C3", name: "inc-3" }, "warroom");
    ids.push((await s.open({ title: "Late one", actor: "alice", platform: "test", channelId: null, channelName: "inc-late" })).incident.id);
    expect(await seen()).toEqual(await full());
    expect(snapshots).toBe(2 + 4);
    // Nothing changed: nothing read.
    await reader.active();
    expect(snapshots).toBe(6);
    // A channel attached in the very millisecond of the last change is still seen.
    await s.attachChannel(ids[4] as number, { id: "C4", name: "inc-4" }, "warroom");
    expect(await seen()).toEqual(await full());

    // An incident row removed behind warroom's back: everything is read again.
    if (engine === "sqlite") {
      h.app.db.pragma("foreign_keys = OFF");
      h.app.db.prepare("DELETE FROM incidents WHERE id = ?").run(ids[0]);
    } else {
      await h.app.store.tx(async (sql) => {
        await sql.run("SET LOCAL session_replication_role = replica");
        await sql.run("DELETE FROM incidents WHERE id = ?", ids[0] as number);
      });
    }
    expect(await seen()).toEqual(await full());
    expect((await seen()).has(ids[0] as number)).toBe(false);
  });
});
