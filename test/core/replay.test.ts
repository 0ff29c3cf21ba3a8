import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DateTime } from "luxon";
import { z } from "zod";
import { appendEvent, GENESIS, hashOf } from "../../src/incidents/timeline.js";
import { crossCheck, describeFinding, EVENT_HANDLERS, on, replayTimeline } from "../../src/incidents/replay.js";
import { IncidentService } from "../../src/incidents/service.js";
import { ENGINES, harnessOn, type Engine, type Harness } from "../support/harness.js";
import { ROOT } from "../support/run-ts.js";

const ITEMS = ["operator_and_system", "incident_and_impact", "trend", "cause", "tracing_clues", "further_measures", "evidence_preservation"];
const POST_ITEMS = ["causes", "response_measures", "harm", "accountability", "corrective_actions", "lessons_learned"];

/** Three incidents through every change the service records, countdown warnings included. */
async function lifecycle(engine: Engine = "sqlite"): Promise<Harness> {
  const h = await harnessOn(engine);
  const s = h.app.core.service;
  const open = async (title: string, channel: string, extra: object = {}) =>
    (await s.open({ title, actor: "alice", platform: "test", channelId: channel, channelName: channel, ...extra })).incident.id;

  const one = await open("Payment DB outage", "inc-1");
  (await s.setFacts(one, { personal_info_people: 1_200_000, operator_type: "ordinary", cii_affected: false }, "alice"));
  await h.advance(150, 15);
  (await s.setRole(one, "compliance", "bob", "alice"));
  (await s.setReportItems(one, "incident", Object.fromEntries(ITEMS.map((i) => [i, `${i} text`])), "bob"));
  (await s.recordSubmission(one, { kind: "initial", channel: "website", reference: "WEB-1", items: ITEMS, draft: { title: "initial", items: ITEMS } }, "bob"));
  (await s.recordDevelopment(one, "Attackers used a stolen VPN certificate", "alice"));
  (await s.recordSubmission(one, { kind: "update", channel: "email", reference: "MAIL-2", items: [], draft: { title: "update" } }, "bob"));
  // A new level after the initial report is recorded as a development of its own.
  (await s.setFacts(one, { personal_info_people: 12_000_000 }, "alice"));
  // …which an update report covers before the incident can close.
  (await s.recordSubmission(one, { kind: "update", channel: "email", reference: "MAIL-3", items: [], draft: { title: "update 2" } }, "bob"));
  (await s.recordPoliceReport(one, "Chaoyang PSB, case 2026-118", "alice"));
  (await s.recordDisclosureDecision(one, { police_prefecture: false }, false, "not yet", "bob"));
  (await s.recordDisclosureDecision(one, { police_prefecture: true }, true, "statement v2", "bob"));
  h.clock.advance({ hours: 2 });
  (await s.resolve(one, "alice", h.clock.now().minus({ minutes: 30 })));
  (await s.setReportItems(one, "post_incident", Object.fromEntries(POST_ITEMS.map((i) => [i, `${i} text`])), "bob"));
  h.clock.advance({ days: 3 });
  (await s.recordSubmission(one, { kind: "final", channel: "website", reference: "WEB-3", items: POST_ITEMS, draft: { title: "final" } }, "bob"));
  (await s.close(one, "alice", "done"));

  const two = await open("Website defaced", "inc-2", { facts: { direct_loss_rmb: 6_000_000, ransomware: true } });
  (await s.setFacts(two, { aware_at: DateTime.fromISO("2026-03-05T08:00:00+08:00").toUTC().toISO(), ransomware: null }, "carol"));
  (await s.setReportItems(two, "incident", { trend: "spreading" }, "carol"));
  (await s.setReportItems(two, "incident", { trend: "" }, "carol"));
  (await s.setRole(two, "scribe", "dave", "alice"));
  (await s.recordSubmission(two, { kind: "initial", channel: "hotline", reference: "H-1", items: [], draft: { title: "initial" }, incompleteReason: "hotline took the call before the items were written" }, "alice"));

  // Assessed not reportable while facts are unknown; a second assessment is undone by a fact.
  const three = await open("Phishing wave", "inc-3");
  (await s.assess(three, "no mailbox was opened", "alice"));
  const four = await open("Suspicious login", "inc-4");
  (await s.assess(four, "test account only", "alice"));
  (await s.setFacts(four, { personal_info_people: 2_000_000 }, "alice"));

  // Recorded under a reserved channel name; the platform then named the channel differently.
  const five = (await s.open({ title: "VPN outage", actor: "alice", platform: "test", channelId: null, channelName: "inc-5" })).incident.id;
  (await s.attachChannel(five, { id: "C5", name: "inc-5-2" }, "warroom"));

  // A deployment lowers a threshold: the incidents not closed are judged again under its pack.
  const lowered = { ...h.app.pack, criteria: h.app.pack.criteria.map((c) => (c.id === "loss_m" ? { ...c, when: { ...c.when, gte: 1_000_000 } } : c)) };
  expect((await new IncidentService(h.app.store, lowered, h.clock).adoptRules()).map((c) => c.incidentId)).toEqual([two, three, four, five]);

  // Warroom was down for an hour: the warnings that fell due meanwhile come as one catch-up.
  h.clock.advance({ hours: 1 });
  await h.app.engine.recover();
  return h;
}

/** The first disagreement, as `warroom verify` prints it. */
async function firstFinding(h: Harness): Promise<string | undefined> {
  const [first] = (await h.app.store.read((sql) => crossCheck(sql, h.app.pack))).findings;
  return first && describeFinding(first);
}

describe.each(ENGINES)("replaying the timeline on %s", (engine) => {
  it("rebuilds every incident exactly as the tables hold it, and names an edit made outside warroom", async () => {
    const h = await lifecycle(engine);
    {
      const types = new Set((await h.app.store.read((sql) => sql.all<{ type: string }>("SELECT DISTINCT type FROM timeline"))).map((r) => r.type));
      // Every handler is exercised by the scenario, so none is dead.
      expect([...types].sort()).toEqual(Object.keys(EVENT_HANDLERS).sort());
      expect(await h.app.store.read((sql) => crossCheck(sql, h.app.pack))).toEqual({ incidents: 5, findings: [] });
      const one = (await h.app.store.read((sql) => replayTimeline(sql))).incidents.get(1);
      expect(one).toMatchObject({ title: "Payment DB outage", status: "closed", submissions: [{ kind: "initial" }, { kind: "update" }, { kind: "update" }, { kind: "final" }] });
      expect(one?.developments.map((d) => d.coveredBy)).toEqual([1, 2]);
      await h.app.store.tx((sql) => sql.run("UPDATE facts SET value = '1' WHERE incident_id = 1 AND name = 'personal_info_people'"));
      expect(await firstFinding(h)).toBe("incident #1: fact personal_info_people: the timeline says 12000000, the table has 1");
    }
  });
});

describe("replaying the timeline", () => {
  it("rebuilds every incident exactly as the tables hold it", async () => {
    const h = await lifecycle();
    const one = (await h.app.store.read((sql) => replayTimeline(sql))).incidents.get(1);
    expect(one).toMatchObject({ title: "Payment DB outage", status: "closed", submissions: [{ kind: "initial" }, { kind: "update" }, { kind: "update" }, { kind: "final" }] });
    expect(one?.developments.map((d) => d.coveredBy)).toEqual([1, 2]);
  });

  it.each([
    ["a title", "UPDATE incidents SET title = 'Nothing to see' WHERE id = 1", 'incident #1: title: the timeline says "Payment DB outage", the table has "Nothing to see"'],
    ["a fact", "UPDATE facts SET value = '1' WHERE incident_id = 1 AND name = 'personal_info_people'", "incident #1: fact personal_info_people: the timeline says 12000000, the table has 1"],
    ["a deleted fact", "DELETE FROM facts WHERE incident_id = 2 AND name = 'direct_loss_rmb'", "incident #2: fact direct_loss_rmb: the timeline says 6000000, the table has nothing"],
    ["who set a fact", "UPDATE facts SET updated_by = 'mallory' WHERE incident_id = 1 AND name = 'cii_affected'", 'incident #1: fact cii_affected set by: the timeline says "alice", the table has "mallory"'],
    ["the level", "UPDATE incidents SET level = 'general' WHERE id = 1", 'incident #1: level (classified from the timeline\'s facts under the rule pack its events name): the timeline says "significant", the table has "general"'],
    ["the reportability", "UPDATE incidents SET reportability = 'not_reportable' WHERE id = 3", 'incident #3: reportability: the timeline says "assessed_not_reportable", the table has "not_reportable"'],
    ["the provisional flag", "UPDATE incidents SET provisional = 0 WHERE id = 2", "incident #2: provisional: the timeline says 1, the table has 0"],
    ["the deadline", "UPDATE incidents SET deadline_at = '2026-03-09T00:00:00.000Z' WHERE id = 2", 'incident #2: report deadline: the timeline says "2026-03-05T01:00:00.000Z", the table has "2026-03-09T00:00:00.000Z"'],
    ["the end of handling", "UPDATE incidents SET resolved_at = '2026-03-02T01:00:00.000Z' WHERE id = 1", 'incident #1: resolved at: the timeline says "2026-03-02T05:00:00.000Z", the table has "2026-03-02T01:00:00.000Z"'],
    ["the post-incident due date", "UPDATE incidents SET final_due_at = '2026-05-01T00:00:00.000Z' WHERE id = 1", 'incident #1: post-incident report due: the timeline says "2026-04-01T05:00:00.000Z", the table has "2026-05-01T00:00:00.000Z"'],
    ["an assessment's reason", "UPDATE assessments SET reason = 'all fine' WHERE incident_id = 3", 'incident #3: assessment 1 (event 47) reason: the timeline says "no mailbox was opened", the table has "all fine"'],
    ["an undone assessment", "UPDATE assessments SET revoked_at = NULL, revoked_by = NULL, revoked_reason = NULL WHERE incident_id = 4", 'incident #4: assessment 1 (event 50) revoked at: the timeline says "2026-03-05T05:30:00.000Z", the table has nothing'],
    ["why a report went incomplete", "UPDATE submissions SET incomplete_reason = NULL WHERE incident_id = 2", 'incident #2: filed report 1 (event 44) reason it went incomplete: the timeline says "hotline took the call before the items were written", the table has nothing'],
    ["a channel name", "UPDATE incidents SET channel_name = 'inc-5' WHERE id = 5", 'incident #5: channel name: the timeline says "inc-5-2", the table has "inc-5"'],
    ["the time of awareness", "UPDATE incidents SET aware_at = '2026-03-05T03:00:00.000Z' WHERE id = 2", 'incident #2: aware at: the timeline says "2026-03-05T00:00:00.000Z", the table has "2026-03-05T03:00:00.000Z"'],
    ["a role", "UPDATE roles SET user_id = 'mallory' WHERE incident_id = 1 AND role = 'compliance'", 'incident #1: role compliance: the timeline says "bob", the table has "mallory"'],
    ["an added role", "INSERT INTO roles VALUES (2, 'compliance', 'mallory', '2026-03-02T01:00:00.000Z', 'mallory')", 'incident #2: role compliance: the timeline says nothing, the table has "mallory"'],
    ["a report item", "UPDATE report_items SET value = 'all fine' WHERE incident_id = 1 AND item = 'cause'", 'incident #1: report item incident/cause: the timeline says "cause text", the table has "all fine"'],
    ["a cleared report item", "INSERT INTO report_items VALUES (2, 'incident', 'trend', 'contained', '2026-03-02T01:00:00.000Z', 'carol')", 'incident #2: report item incident/trend: the timeline says nothing, the table has "contained"'],
    ["a filing's time (a late report backdated)", "UPDATE submissions SET submitted_at = '2026-03-02T02:00:00.000Z' WHERE incident_id = 1 AND kind = 'initial'", 'incident #1: filed report 1 (event 16) time: the timeline says "2026-03-02T03:30:00.000Z", the table has "2026-03-02T02:00:00.000Z"'],
    ["a deleted filing", "DELETE FROM submissions WHERE incident_id = 1 AND kind = 'final'", "incident #1: number of filed reports: the timeline says 4, the table has 3"],
    ["a filed draft", "UPDATE submissions SET draft = '{\"title\":\"other\"}' WHERE incident_id = 1 AND kind = 'update'", 'incident #1: filed report 2 (event 18) draft: the timeline says {"title":"update"}, the table has {"title":"other"}'],
    ["a development", "UPDATE developments SET text = 'nothing happened' WHERE id = 1", 'incident #1: development 1 (event 17) text: the timeline says "Attackers used a stolen VPN certificate", the table has "nothing happened"'],
    ["a development's update report", "UPDATE developments SET submission_id = NULL WHERE id = 1", "incident #1: development 1 (event 17) covered by filed report: the timeline says 2, the table has nothing"],
    ["the status", "UPDATE incidents SET status = 'open', closed_at = NULL WHERE id = 1", 'incident #1: status: the timeline says "closed", the table has "open"'],
    ["the police report", "UPDATE incidents SET police_reported_at = NULL WHERE id = 1", 'incident #1: police reported at: the timeline says "2026-03-02T03:30:00.000Z", the table has nothing'],
    ["the disclosure decision", "UPDATE incidents SET disclosure_cleared_at = '2026-03-02T00:00:00.000Z' WHERE id = 2", 'incident #2: disclosure cleared at: the timeline says nothing, the table has "2026-03-02T00:00:00.000Z"'],
    ["a deleted incident", "PRAGMA foreign_keys = OFF; DELETE FROM incidents WHERE id = 3", "incident #3: was opened in the timeline (event 45) but is missing from the incidents table"],
    [
      "an incident the timeline never opened",
      "INSERT INTO incidents (id, title, status, platform, opened_by, created_at, aware_at, level, updated_at) VALUES (6, 'Ghost', 'open', 'test', 'mallory', '2026-03-02T01:00:00.000Z', '2026-03-02T01:00:00.000Z', 'general', '2026-03-02T01:00:00.000Z')",
      "incident #6: is in the incidents table but the timeline never opened it",
    ],
  ])("names the first disagreement when %s is edited outside warroom", async (_what, sql, expected) => {
    const h = await lifecycle();
    expect(await firstFinding(h)).toBeUndefined();
    h.app.db.exec(sql);
    expect(await firstFinding(h)).toBe(expected);
  });

  it("does not mistake the few milliseconds between a row's time and its event's for an edit", async () => {
    const h = await lifecycle();
    h.app.db.prepare("UPDATE incidents SET police_reported_at = '2026-03-02T03:30:00.004Z' WHERE id = 1").run();
    expect(await firstFinding(h)).toBeUndefined();
  });

  it("reports an event type it does not know, and replays it once it has a handler", async () => {
    const h = await lifecycle();
    const at = "2026-03-02T05:00:00.000Z";
    appendEvent(h.app.db, { incidentId: 2, at, actor: "alice", type: "containment_confirmed", payload: { by: "network team", systems: ["db-3"] } });
    const seq = h.app.db.prepare("SELECT MAX(seq) FROM timeline").pluck().get();
    expect(await firstFinding(h)).toBe(`incident #2: event ${seq} has the type "containment_confirmed", which this warroom cannot replay`);
    const handlers = {
      ...EVENT_HANDLERS,
      containment_confirmed: on(z.object({ by: z.string(), systems: z.array(z.string()) }), (s, p) => {
        s.extra.containment = p;
      }),
    };
    expect((await h.app.store.read((sql) => crossCheck(sql, h.app.pack, { handlers }))).findings).toEqual([]);
    expect((await h.app.store.read((sql) => replayTimeline(sql, handlers))).incidents.get(2)?.extra.containment).toEqual({ by: "network team", systems: ["db-3"] });
  });

  it("reports malformed payloads, unreadable rows and events before an incident was opened, without failing", async () => {
    const h = await lifecycle();
    const db = h.app.db;
    appendEvent(db, { incidentId: 2, at: "2026-03-02T05:00:00.000Z", actor: "alice", type: "fact_set", payload: { fact: 5 } });
    db.pragma("foreign_keys = OFF");
    appendEvent(db, { incidentId: 9, at: "2026-03-02T05:00:00.000Z", actor: "alice", type: "role_assigned", payload: { role: "scribe", user: "x" } });
    // Someone with the code re-chains a row whose payload is not JSON.
    db.exec("DROP TRIGGER timeline_no_update;");
    const rows = db.prepare("SELECT * FROM timeline ORDER BY seq").all() as Parameters<typeof hashOf>[1][];
    let prev = GENESIS;
    for (const r of rows) {
      if (r.seq === 5) r.payload = "{oops";
      const hash = hashOf(prev, r);
      db.prepare("UPDATE timeline SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?").run(r.payload, prev, hash, r.seq);
      prev = hash;
    }
    const { findings } = await h.app.store.read((sql) => replayTimeline(sql));
    expect(findings.map(describeFinding)).toEqual([
      "incident #1: event 5 (fact_set) cannot be read: payload is not JSON",
      `incident #2: event ${rows.length - 1} (fact_set) has a malformed payload: fact: Invalid input: expected string, received number`,
      `incident #9: event ${rows.length} (role_assigned) comes before the incident was opened`,
    ]);
  });

  it("has a handler for every event type the application records", () => {
    // Read from the source, so a new event type without a replay handler fails here.
    const emitted = new Set<string>();
    const files = ["src/incidents", "src/countdown", "commands"].flatMap((dir) =>
      readdirSync(join(ROOT, dir)).filter((f) => f.endsWith(".ts")).map((f) => join(ROOT, dir, f)),
    );
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/this\.event\(([^{]*)/g)) for (const t of (m[1] ?? "").matchAll(/"([a-z_]+)"/g)) emitted.add(t[1] as string);
      for (const m of text.matchAll(/appendEvent\(db, \{[\s\S]*?\btype: ([^\n]*)/g)) for (const t of (m[1] ?? "").matchAll(/"([a-z_]+)"/g)) emitted.add(t[1] as string);
    }
    expect(emitted.size).toBeGreaterThanOrEqual(14);
    expect([...emitted].filter((t) => !(t in EVENT_HANDLERS))).toEqual([]);
  });
});
