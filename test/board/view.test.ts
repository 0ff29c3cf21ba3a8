import { describe, expect, it } from "vitest";
import { nextDue, reportsOwed } from "../../src/board/view.js";
import { harness } from "../support/harness.js";

describe("the board's deadlines are the core's clocks", () => {
  it("a resolved incident whose initial report was never filed still owes it, with the report's urgent window", async () => {
    const h = harness();
    const s = h.app.core.service;
    const { incident } = await s.open({ title: "Leak", actor: "alice", platform: "test", channelId: null, channelName: "inc-leak" });
    await s.setFacts(incident.id, { personal_info_people: 1_200_000, operator_type: "ordinary", cii_affected: false }, "alice");
    const snap = await s.resolve(incident.id, "alice");
    expect(snap.incident.status).toBe("resolved");
    expect(nextDue(h.app.pack, snap)).toEqual({ at: snap.clock?.deadlineAt, what: "initial report", soonMs: 30 * 60_000 });
    expect(reportsOwed(h.app.pack, snap)).toEqual(["initial report", "30-day post-incident report"]);
  });
});
