import { describe, expect, it } from "vitest";
import { ENGINES, harnessOn, textOf, type Harness } from "../support/harness.js";
import { RecordingPort } from "../support/recording-port.js";
import { chartMarks } from "../../src/board/chart/marks.js";

/** An incident with its items 1-2 written and the commander alice, reportable within 4 h. */
async function reportable(h: Harness, title = "Payment DB outage"): Promise<void> {
  await h.say(`open ${title}`);
  await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
  await h.say("report edit 1 ACME Pay Ltd");
  await h.say("report edit 2 Records exposed");
}

describe.each(ENGINES)("hardening (%s)", (engine) => {
  it("an incident whose war room could not be made is changed only by the people recorded in it, from its own platform", async () => {
    const h = await harnessOn(engine);
    h.port.failNextChannels = 1;
    const opened = await h.say("open Payment DB outage", { channel: "general" });
    expect(textOf(opened)).toContain("Act on it with --incident 1");
    expect((await h.app.core.service.get(1)).channelId).toBeNull();
    const other = new RecordingPort("feishu");
    h.app.attach(other);
    const stranger = await h.app.router.command({ actor: { platform: "feishu", id: "ou_mallory" }, channelId: "oc_1", text: "facts aware_at=2026-03-02T08:00+08:00 --incident 1" });
    expect(textOf(stranger)).toContain("There is no incident #1.");
    const sameSide = await h.say("facts operator_type=ordinary cii_affected=false --incident 1", { user: "mallory", channel: "general" });
    expect(textOf(sameSide)).toContain("Only members of the incident channel");
    const items = await h.say("report edit 1 Mallory Ltd --incident 1", { user: "mallory", channel: "general" });
    expect(textOf(items)).toContain("Only members of the incident channel");
    const snap = await h.app.core.service.snapshot(1);
    expect(snap.facts.operator_type).toBeUndefined();
    expect(snap.items).toEqual({});
    // The opener (and role holders) still act on it.
    const alice = await h.say("facts operator_type=ordinary cii_affected=false --incident 1", { user: "alice", channel: "general" });
    expect(textOf(alice)).toContain("operator_type");
    expect((await h.app.core.service.snapshot(1)).facts.operator_type).toBe("ordinary");
  });

  it("a war room whose channel was removed from the row is no door for strangers", async () => {
    const h = await harnessOn(engine);
    await h.say("open Payment DB outage");
    await h.app.store.tx((sql) => sql.run("UPDATE incidents SET channel_id = NULL WHERE id = 1"));
    const r = await h.say("facts personal_info_people=5 --incident 1", { user: "mallory", channel: "general" });
    expect(textOf(r)).toContain("Only members of the incident channel");
    expect((await h.app.core.service.snapshot(1)).facts.personal_info_people).toBeUndefined();
  });

  it("another platform's user reads nothing of an incident through chat", async () => {
    const h = await harnessOn(engine);
    await h.say("open Payment DB outage");
    h.app.attach(new RecordingPort("feishu"));
    for (const text of ["status --incident 1", "timeline --incident 1", "report --incident 1"]) {
      const r = await h.app.router.command({ actor: { platform: "feishu", id: "ou_mallory" }, channelId: "oc_1", text });
      const absent = await h.app.router.command({ actor: { platform: "feishu", id: "ou_mallory" }, channelId: "oc_1", text: text.replace("1", "999") });
      expect(textOf(r).replace("#1", "#N"), text).toBe(textOf(absent).replace("#999", "#N"));
      expect(textOf(r), text).not.toContain("Payment DB outage");
    }
  });

  it("refuses impossible filing orders", async () => {
    const h = await harnessOn(engine);
    await reportable(h);
    h.clock.advance({ minutes: 60 });
    expect(textOf(await h.say("submitted hotline A-1 --at 2026-03-02T09:30+08:00"))).toContain("Initial report recorded");
    const second = await h.say("submitted website B-2 --kind initial");
    expect(textOf(second)).toContain("The initial report was already recorded (filed 2026-03-02 09:30 CST)");
    await h.say("report edit 3 Replica db-3-r2");
    const before = await h.say("submitted hotline C-3 --kind supplementary --at 2026-03-02T09:10+08:00");
    expect(textOf(before)).toContain("A supplementary report cannot be filed before the initial report (2026-03-02 09:30 CST).");
    h.clock.advance({ minutes: 30 });
    await h.say("resolve");
    const finalEarly = await h.say("submitted hotline D-4 --kind final --at 2026-03-02T10:00+08:00");
    expect(textOf(finalEarly)).toContain("The post-incident report cannot be filed before handling ended (2026-03-02 10:30 CST).");
    expect((await h.app.core.service.snapshot(1)).submissions.map((s) => s.kind)).toEqual(["initial"]);
  });

  it("does not close while a supplementary or update report is owed", async () => {
    const h = await harnessOn(engine);
    await reportable(h);
    await h.say("submitted hotline A-1");
    await h.say("update Attacker's access revoked");
    await h.say("resolve");
    await h.say("submitted hotline F-1 --kind final");
    const refused = await h.say("close");
    expect(textOf(refused)).toContain("still owes a supplementary report (items 3, 4, 5, 6, 7) and an update report");
    expect((await h.app.core.service.get(1)).status).toBe("resolved");
    for (const n of [3, 4, 5, 6, 7]) await h.say(`report edit ${n} item ${n}`);
    await h.say("submitted hotline S-1 --kind supplementary");
    expect(textOf(await h.say("close"))).toContain("an update report");
    await h.say("submitted hotline U-1 --kind update");
    await h.say("close");
    expect((await h.app.core.service.get(1)).status).toBe("closed");
  });

  it("re-judges a filing when tightened facts move the deadline before it: the card and the chart agree", async () => {
    const h = await harnessOn(engine);
    await reportable(h);
    h.clock.advance({ hours: 3 });
    await h.say("submitted hotline A-1");
    let snap = await h.app.core.service.snapshot(1);
    let marks = chartMarks(h.app.core.pack, snap, await h.app.core.service.timeline(1), h.clock.now().toMillis());
    expect(marks.find((m) => m.kind === "filing")?.missed).toBeUndefined();
    // Awareness was in fact two hours earlier: the 4 h deadline fell at 11:00, before the filing at 12:00.
    await h.say("facts aware_at=2026-03-02T07:00+08:00");
    snap = await h.app.core.service.snapshot(1);
    marks = chartMarks(h.app.core.pack, snap, await h.app.core.service.timeline(1), h.clock.now().toMillis());
    const deadline = marks.find((m) => m.kind === "deadline");
    const filing = marks.find((m) => m.kind === "filing");
    expect(deadline?.label).toContain("missed");
    expect(filing?.label).toBe("initial report filed — late");
    expect(filing?.missed).toBe(true);
    expect(textOf(await h.say("status"))).toContain("Initial report filed after the deadline (2026-03-02 11:00 CST");
  });
});
