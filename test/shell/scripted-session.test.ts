import { describe, expect, it } from "vitest";
import { verifyChain } from "../../src/incidents/timeline.js";
import { runTs } from "../support/run-ts.js";
import { drill } from "../support/drill.js";


describe("shell adapter, scripted", () => {
  it("runs a whole drill: open, classify, every warning, report, submit, resolve", async () => {
    const { text, app } = await drill([
      "/incident open Payment DB outage",
      "/incident facts personal_info_people=1200000 operator_type=ordinary cii_affected=false",
      "/incident role compliance @carol",
      "/clock +4h30m",
      '/incident report edit 1 "Acme Pay Ltd; payment database cluster db-3"',
      "/incident report edit 2 Customer records exposed through a misconfigured replica; replica isolated at 09:20",
      "/incident report edit 3 Contained; no further spread expected",
      "/incident report edit 4 Replica left open to the internet during a migration",
      "/incident report edit 5 Access from two foreign IP addresses; logs preserved",
      "/incident report edit 6 Rotate credentials; no assistance requested",
      "/incident report edit 7 Disk images and logs preserved",
      "/incident report",
      "/incident submitted hotline 12387-0302-118 --at 2026-03-02T13:20+08:00",
      "/clock +1h",
      "/incident resolve",
      "/incident timeline",
    ]);
    const order = [
      "-- created channel #inc-20260302-payment-db-outage",
      "Level: general (一般) → major (较大).",
      "Half the reporting time is gone: 2 h 00 min left",
      "CAC report: 1 h 00 min left",
      "<@alice> <@carol> ⏳ CAC report: 30 min left",
      "CAC report: 15 min left",
      "CAC report: 5 min left",
      "CAC report due NOW",
      "CAC report OVERDUE by 15 min",
      "CAC report OVERDUE by 30 min",
      "-- clock: 2026-03-02 13:30 CST",
      "Every item is written: ready to submit.",
      "Initial report recorded as filed via 12387 reporting hotline (ref 12387-0302-118) at 2026-03-02 13:20 CST",
      "Filed after the deadline",
      "Incident #1 resolved by @alice.",
      "Post-incident summary report due 2026-04-01 14:30 CST",
      "Hash chain intact",
    ];
    let at = -1;
    for (const marker of order) {
      const next = text.indexOf(marker, at + 1);
      expect(next, `"${marker}" after position ${at}`).toBeGreaterThan(at);
      at = next;
    }
    // After the filing, the report clock is silent: no warning at 13:45 or 14:00.
    expect(text).not.toContain("OVERDUE by 45 min");
    const types = (await app.core.service.timeline(1)).map((e) => e.type);
    expect(types.filter((t) => t === "countdown_warning")).toHaveLength(8);
    expect(types.filter((t) => t === "report_item_set")).toHaveLength(7);
    expect(types).toContain("report_submitted");
    expect(types[types.length - 1]).toBe("incident_resolved");
    expect(verifyChain(app.db)).toEqual({ ok: true, events: (await app.core.service.timeline(1)).length });
  });

  it("fills a form field by field and re-asks only the fields that were wrong", async () => {
    const { text, app } = await drill([
      "/incident open Payment DB outage",
      "/incident submitted",
      "fax",
      "FAX-1",
      "tomorrow",
      "",
      "",
      "2026-03-02T09:00+08:00",
      "Operator and impact still being established by the DBA team",
    ]);
    expect(text).toContain('-- form "Record a filed report" (5 fields)');
    expect(text).toContain("-- please correct:\n   submitted_at: Not an ISO-8601 time");
    expect(text).toContain("incomplete_reason: Items 1 and 2 are empty");
    expect(text).toContain("Initial report recorded as filed via 12387 reporting fax (ref FAX-1) at 2026-03-02 09:00 CST");
    expect(text).toContain("reason recorded: Operator and impact still being established by the DBA team");
    expect((await app.core.service.snapshot(1)).initialFiled).toBe(true);
  });

  it("answers unknown shell commands and bad clock steps without stopping", async () => {
    const { text } = await drill(["/dance", "/clock -5m", "/clock +1x", "/incident nope", "/clock +10m"]);
    expect(text).toContain("unknown shell command /dance");
    expect(text).toContain("usage: /clock +90m | +2h | +1d | <ISO time>");
    expect(text).toContain('Unknown subcommand "nope"');
    expect(text).toContain("-- clock: 2026-03-02 09:10 CST");
  });

  it("works as a process with piped input and exits 0 at end of input", async () => {
    const r = await runTs("bin/warroom.ts", ["start", "--shell", "--clock", "2026-03-02T09:00:00+08:00", "--user", "alice"], {
      input: "/incident open Payment DB outage\n/incident facts cii_affected=true cii_main_function_outage_minutes=45\n/clock +31m\n",
      env: { WARROOM_DISPLAY_TZ: "UTC" },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Report due 2026-03-02 10:00 CST (2026-03-02 02:00 UTC) — 1 h 00 min left");
    expect(r.stdout).toContain("CAC report: 30 min left");
  });
});
