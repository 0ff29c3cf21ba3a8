import { describe, expect, it } from "vitest";
import { drill } from "../support/drill.js";
import { warningsUntil } from "../../src/countdown/jump.js";

async function jumpDrill(lines: string[]) {
  const { text, app, clock } = await drill(lines);
  const events = async (id: number, type: string) => (await app.core.service.timeline(id)).filter((e) => e.type === type);
  return { text, app, clock, events };
}

describe("drill: a long clock jump", () => {
  it("collapses the warnings of a year's jump into one catch-up message per incident", async () => {
    const { text, app, clock, events } = await jumpDrill([
      "/incident open Payment DB outage",
      "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false",
      "/clock +5h",
      "/incident open Ledger leak",
      "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false",
      "/incident submitted hotline REF-1 --incomplete \"drill: items come later\"",
      "/incident resolve",
      "/clock +400d",
    ]);
    const [beforeJump = "", jump = ""] = text.split("-- clock: 2026-03-02 14:00 CST");
    // Up to the jump each warning went out at its own time, in order.
    expect(beforeJump).toContain("Half the reporting time is gone");
    expect(beforeJump).toContain("CAC report OVERDUE by 1 h 00 min");
    expect(await events(1, "countdown_warning")).toHaveLength(10);
    // The jump: one catch-up for each incident, and nothing else from the countdown.
    expect(jump.match(/Catch-up: /g)).toHaveLength(2);
    expect(jump).not.toContain("⏳");
    expect(jump.split("\n").length).toBeLessThan(80);
    expect(await events(1, "countdown_catch_up")).toHaveLength(1);
    expect(await events(2, "countdown_catch_up")).toHaveLength(1);
    expect(await events(1, "countdown_warning")).toHaveLength(10);
    expect(await events(2, "countdown_warning")).toHaveLength(0);
    expect(jump).toContain("-- clock: 2027-04-06 14:00 CST");
    expect(clock.now().toISO()).toBe("2027-04-06T06:00:00.000Z");
    // The countdown carries on from the new time: the next reminder is still planned.
    expect((app.db.prepare("SELECT count(*) AS n FROM warnings WHERE status = 'pending' AND incident_id = 1").get() as { n: number }).n).toBe(1);
  });

  it("a short jump still fires each warning at its own time", async () => {
    const { text, events } = await jumpDrill(["/incident open Payment DB outage", "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false", "/clock +12h"]);
    expect(text).not.toContain("Catch-up");
    expect((await events(1, "countdown_warning")).length).toBeGreaterThan(30);
  });

  it("counts what stepping would fire, an overdue clock's every reminder included, up to a cap", async () => {
    const { app, clock } = await jumpDrill(["/incident open Payment DB outage", "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false"]);
    const now = clock.now().toMillis();
    const h = 3_600_000;
    // Half-time, 60, 30, 15 and 5 minutes before, the deadline at 4 h, then every 15 minutes.
    expect(await warningsUntil(app.store, app.pack.countdown, now + 3 * h, 1000)).toBe(2);
    expect(await warningsUntil(app.store, app.pack.countdown, now + 4 * h, 1000)).toBe(6);
    expect(await warningsUntil(app.store, app.pack.countdown, now + 5 * h, 1000)).toBe(10);
    expect(await warningsUntil(app.store, app.pack.countdown, now + 400 * 24 * h, 1000)).toBe(1001);
  });
});
