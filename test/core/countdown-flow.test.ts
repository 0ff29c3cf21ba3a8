import { describe, expect, it } from "vitest";
import { ENGINES, harnessOn, textOf, type Harness } from "../support/harness.js";

const MAJOR = "facts personal_info_people=1200000 operator_type=ordinary cii_affected=false";

function headlines(h: Harness): string[] {
  return h.port.messages(h.room()).map((m) => m.title ?? m.text.split("\n")[0] ?? "");
}

describe.each(ENGINES)("%s: countdown warnings", (engine) => {
  it("posts half-time, 60/30/15/5 min, deadline and 15-minute overdue warnings in order, each once", async () => {
    const h = await harnessOn(engine);
    await h.say("open Payment DB outage");
    await h.say(MAJOR);
    await h.advance(4 * 60 + 31);
    expect(headlines(h)).toEqual([
      "⏳ Half the reporting time is gone: 2 h 00 min left",
      "⏳ CAC report: 1 h 00 min left",
      "⏳ CAC report: 30 min left",
      "⏳ CAC report: 15 min left",
      "⏳ CAC report: 5 min left",
      "🚨 CAC report due NOW",
      "🚨 CAC report OVERDUE by 15 min",
      "🚨 CAC report OVERDUE by 30 min",
    ]);
    const thirty = h.port.messages(h.room())[2];
    expect(thirty?.text).toContain("Deadline: 2026-03-02 13:00 CST");
    expect(thirty?.text).toContain("Missing from the draft: items 1, 2, 3, 4, 5, 6, 7");
    expect(thirty?.text).toContain("Level: major 较大");
  });

  it("mentions the commander and compliance lead from 30 minutes before the deadline, not earlier", async () => {
    const h = await harnessOn(engine);
    await h.say("open Payment DB outage");
    await h.say(MAJOR);
    await h.say("role compliance <@carol>");
    await h.advance(4 * 60);
    const msgs = h.port.messages(h.room()).filter((m) => m.title?.startsWith("⏳") || m.title?.startsWith("🚨"));
    expect(msgs[0]?.mentions).toEqual([]);
    expect(msgs[1]?.mentions).toEqual([]);
    expect(msgs[2]?.mentions).toEqual(["alice", "carol"]);
    expect(msgs[2]?.text.startsWith("<@alice> <@carol>")).toBe(true);
  });

  it("runs a provisional clock on the strictest possible deadline until facts come in, then re-plans", async () => {
    const h = await harnessOn(engine);
    const opened = await h.say("open Something is wrong");
    expect(textOf(opened)).toContain("Provisional deadline 2026-03-02 10:00 CST");
    await h.advance(31);
    expect(headlines(h)).toEqual(["⏳ Report (provisional deadline): 30 min left"]);
    expect(h.port.messages(h.room())[0]?.text).toContain("Enter the classification facts");
    await h.say(MAJOR);
    // The 1 h plan is cancelled: nothing at 09:45, 09:55 or 10:00. The 4 h plan's half-time
    // (11:00) and 60-minute warning (12:00) still come.
    await h.advance(60);
    expect(headlines(h)).toHaveLength(1);
    await h.advance(118);
    expect(headlines(h).slice(1)).toEqual(["⏳ Half the reporting time is gone: 2 h 00 min left", "⏳ CAC report: 1 h 00 min left"]);
  });

  it("stops the report clock on submission and starts the 30-day clock on resolution", async () => {
    const h = await harnessOn(engine);
    await h.say("open Payment DB outage");
    await h.say(MAJOR);
    await h.say("report edit 1 Acme Pay, payment database");
    await h.say("report edit 2 Leak of customer records found 09:00; access revoked");
    const filed = await h.say("submitted hotline REF-1");
    expect(textOf(filed)).toContain("The report countdown has stopped.");
    expect(textOf(filed)).toContain("Supplementary report owed for items 3, 4, 5, 6, 7");
    await h.advance(5 * 60, 5);
    expect(headlines(h)).toEqual([]);
    const resolved = await h.say("resolve");
    expect(textOf(resolved)).toContain("Post-incident summary report due 2026-04-01 14:00 CST");
    // Resolved 2026-03-02 14:00 CST: due 2026-04-01 14:00; sweep hourly to 04-03 15:00.
    await h.advance((32 * 24 + 1) * 60, 60);
    const titles = headlines(h);
    expect(titles).toEqual([
      "⏳ Post-incident report: 7 d left",
      "⏳ Post-incident report: 3 d left",
      "⏳ Post-incident report: 1 d left",
      "🚨 Post-incident report due NOW",
      "🚨 Post-incident report OVERDUE by 1 d",
      "🚨 Post-incident report OVERDUE by 2 d",
    ]);
    await h.say("final edit 1 Weak credentials on a replica");
    // The summary goes through the initial report's channel unless another is confirmed.
    const elsewhere = await h.say("submitted email MAIL-7 --kind final");
    expect(textOf(elsewhere)).toContain("The initial report went through hotline; the post-incident report goes through the original channel. To record it through email anyway, add --confirm.");
    const final = await h.say("submitted email MAIL-7 --kind final --confirm");
    expect(textOf(final)).toContain("The 30-day clock has stopped.");
    h.clock.advance({ days: 3 });
    await h.app.engine.tick();
    expect(headlines(h)).toHaveLength(titles.length);
    // The items the initial report went without are owed as a supplementary report before closing.
    for (const n of [3, 4, 5, 6, 7]) await h.say(`report edit ${n} item ${n} text`);
    expect(textOf(await h.say("submitted hotline SUPP-1 --kind supplementary"))).toContain("Supplementary report recorded");
    const closed = await h.say("close");
    expect(textOf(closed)).toContain("closed");
  });

  it("keeps a failed post and delivers it on the next sweep", async () => {
    const h = await harnessOn(engine);
    await h.say("open Payment DB outage");
    await h.say(MAJOR);
    h.port.failNextPosts = 1;
    await h.advance(2 * 60);
    expect(headlines(h)).toEqual([]);
    expect(h.errors.join("\n")).toContain("simulated platform outage");
    await h.advance(1);
    expect(headlines(h)).toEqual(["⏳ Half the reporting time is gone: 2 h 00 min left"]);
  });
});

describe.each(ENGINES)("%s: status card", (engine) => {
  it("is posted, pinned and edited in place as level and deadline change", async () => {
    const h = await harnessOn(engine);
    await h.say("open Payment DB outage");
    const pinned = h.port.posts.filter((p) => p.pinned);
    expect(pinned).toHaveLength(1);
    expect(h.port.card(h.room())?.text).toContain("GENERAL 一般 so far (provisional)");
    await h.say(MAJOR);
    expect(h.port.posts.filter((p) => p.pinned)).toHaveLength(1);
    const card = h.port.card(h.room());
    expect(card?.text).toContain("Level: MAJOR 较大");
    expect(card?.text).toContain("Report due 2026-03-02 13:00 CST (2026-03-02 06:00 GMT+1)");
    expect(card?.buttons?.map((b) => b.action)).toEqual(["facts", "report_edit", "report", "submitted", "resolve"]);
    expect(h.port.channels.get(h.room())?.topic).toBe("MAJOR 较大 · report due 2026-03-02 13:00 CST (2026-03-02 06:00 GMT+1)");
  });
});
