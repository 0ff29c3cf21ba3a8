import { describe, expect, it, onTestFinished } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type App } from "../../src/app.js";
import { FakeClock } from "../../src/time/clock.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/sql.js";
import { crossCheck, describeFinding } from "../../src/incidents/replay.js";
import { loadLegacyPack, loadRulePack } from "../../src/rules/pack.js";
import { rulesIdentity } from "../../src/rules/identity.js";
import { allPacks } from "../../src/store/repos/rules.js";
import { ENGINES, harnessOn, type Engine } from "../support/harness.js";
import { alsoSatisfied, pack, satisfying } from "../rules/helpers.js";
import { parseFactsUpdate } from "../../src/rules/facts.js";
import { createTestDatabase } from "../support/postgres.js";
import { writeLegacyPostgres, writeLegacySqlite } from "../support/legacy-database.js";
import { RecordingPort } from "../support/recording-port.js";

const quiet = { info: () => undefined, error: () => undefined };
// Six hours after awareness: the home-page incident's 4-hour deadline (13:50 CST) has passed.
const UPGRADE_AT = "2026-03-02T15:00:00+08:00";

interface Upgraded {
  app: App;
  port: RecordingPort;
  /** Start another process of this release on the same database. */
  restart(rulesOverride?: string): Promise<App>;
}

/** The legacy database on one engine, opened by this release as `warroom start` opens it. */
async function legacyDatabase(engine: Engine): Promise<{ open(rulesOverride?: string): Promise<{ app: App; store?: Store }> }> {
  if (engine === "sqlite") {
    const path = join(mkdtempSync(join(tmpdir(), "warroom-upgrade-")), "legacy.db");
    writeLegacySqlite(path);
    return { open: async (rulesOverride) => ({ app: createApp({ config: { dbPath: path, displayZone: "UTC", sweepCron: "0 0 1 1 *", rulesOverride }, clock: new FakeClock(UPGRADE_AT), log: quiet }) }) };
  }
  const database = await createTestDatabase("upgrade");
  onTestFinished(() => database.drop());
  await writeLegacyPostgres(database.url);
  return {
    open: async (rulesOverride) => {
      const store = await openStore(database.url);
      return { app: createApp({ config: { dbPath: "", displayZone: "UTC", sweepCron: "0 0 1 1 *", rulesOverride }, clock: new FakeClock(UPGRADE_AT), store, log: quiet }), store };
    },
  };
}

async function upgrade(engine: Engine, rulesOverride?: string): Promise<Upgraded> {
  const db = await legacyDatabase(engine);
  const opened: { app: App; store?: Store }[] = [];
  const start = async (override?: string) => {
    const o = await db.open(override);
    opened.push(o);
    return o.app;
  };
  onTestFinished(async () => {
    for (const o of opened.reverse()) {
      await o.app.close();
      await o.store?.close();
    }
  });
  const app = await start(rulesOverride);
  const port = new RecordingPort("shell");
  app.attach(port);
  return { app, port, restart: start };
}

async function intact(app: App, legacyOverride?: string): Promise<string[]> {
  const { findings } = await app.store.read((sql) => crossCheck(sql, loadLegacyPack(legacyOverride)));
  return findings.map(describeFinding);
}

describe.each(ENGINES)("a database of the release before rule packs were recorded, upgraded on %s", (engine) => {
  it("re-judges the open incidents under the official rules, keeps filings and closed verdicts, and says what changed", async () => {
    const { app, port } = await upgrade(engine);
    const service = app.core.service;
    // The tables as 0.1.0 left them agree with the timeline replayed under 1.0.0.
    expect(await intact(app)).toEqual([]);
    expect((await service.get(1)).level).toBe("major");
    expect((await service.get(3)).reportability).toBe("not_reportable");
    const eventsBefore = (await app.store.read((sql) => sql.all("SELECT seq FROM timeline"))).length;

    const changes = await app.adoptRules();
    const current = rulesIdentity(app.pack);
    const legacy = rulesIdentity(loadLegacyPack());
    expect(changes.map((c) => c.incidentId)).toEqual([1, 2, 3]);

    // 1. CII whole outage of 90 min: significant from 1 h (Guide II.n2).
    const one = await service.snapshot(1);
    expect(one.classification.level).toBe("significant");
    expect(one.classification.criteria.map((c) => c.id)).toContain("cii_full_s");
    expect(one.clock).toMatchObject({ hours: 1, deadlineAt: "2026-03-02T02:00:00.000Z" });
    expect(one.rules).toMatchObject({ recorded: true, identity: current });

    // 2. The filed incident keeps its filing: no report owed again.
    const two = await service.snapshot(2);
    expect(two.submissions.map((s) => [s.kind, s.channel, s.reference])).toEqual([["initial", "hotline", "12387-0001"]]);
    expect(two.initialFiled).toBe(true);
    expect(two.classification.level).toBe("major");

    // 3. Home page of a company portal for 1 h: major (Guide III.n6(1)), reportable, 4 h, overdue.
    const three = await service.snapshot(3);
    expect(three.classification.level).toBe("major");
    expect(three.classification.criteria.map((c) => c.id)).toEqual(["content_homepage_m"]);
    expect(three.incident.reportability).toBe("reportable");
    expect(three.clock).toMatchObject({ hours: 4, deadlineAt: "2026-03-02T05:50:00.000Z" });
    expect((await service.get(3)).deadlineAt).toBe("2026-03-02T05:50:00.000Z");

    // 4. Closed under 1.0.0: keeps that verdict (major; the 2023 draft's 2 h was not reached).
    const four = await service.snapshot(4);
    expect(four.rules).toMatchObject({ recorded: false, identity: legacy });
    expect(four.classification.level).toBe("major");
    expect((await service.get(4)).rulesSha256 ?? null).toBeNull();

    // Each re-judgement is in the timeline, naming both packs and the verdict before and after.
    const rejudged = (await service.timeline(3)).filter((e) => e.type === "rules_rejudged");
    expect(rejudged).toHaveLength(1);
    expect(rejudged[0]?.payload).toMatchObject({
      from: { id: "cac-2025", version: "1.0.0", sha256: legacy.sha256, recorded: false },
      to: { id: "cac-2025", version: "2.0.0", sha256: current.sha256 },
      before: { level: "general", reportability: "not_reportable", deadline_at: null },
      after: { level: "major", reportability: "reportable", deadline_at: "2026-03-02T05:50:00.000Z", deadline_hours: 4 },
    });
    expect(rejudged[0]?.actor).toBe("warroom");
    expect((await service.timeline(4)).some((e) => e.type === "rules_rejudged")).toBe(false);
    // Both packs are in the database, each under the hash of its content.
    expect((await app.store.read((sql) => allPacks(sql))).map((p) => [p.pack_id, p.version]).sort()).toEqual([["cac-2025", "1.0.0"], ["cac-2025", "2.0.0"]]);

    // The war room of the home-page incident is told loudly: a report is owed and its deadline passed.
    await app.outbox.deliver();
    const told = port.posts.find((p) => p.channelId === "inc-20260302-home-page-defaced" && p.message.title?.includes("re-judged"));
    expect(told?.message.tone).toBe("danger");
    expect(told?.message.text).toContain("a report to the CAC is now OWED: due 2026-03-02 13:50 CST");
    expect(told?.message.text).toContain("That deadline PASSED 1 h 10 min ago");
    expect(told?.message.mentions).toEqual(["alice"]);
    // The CII incident is told its new level, loudly too: its report, due at 10:00, is still owed.
    const cii = port.posts.find((p) => p.channelId === "inc-20260302-core-network-outage" && p.message.title?.includes("re-judged"));
    expect(cii?.message.tone).toBe("danger");
    expect(cii?.message.text).toContain("Level: major → significant.");
    expect(cii?.message.text).toContain("That deadline PASSED 5 h 00 min ago");
    // The filed incident's verdict did not change: nothing to say.
    expect(port.posts.some((p) => p.channelId === "inc-20260302-customer-data-leak" && p.message.title?.includes("re-judged"))).toBe(false);
    // Its warnings are re-planned: the home-page incident counts down (overdue) again.
    const warnings = await app.store.read((sql) => sql.all<{ key: string; status: string }>("SELECT key, status FROM warnings WHERE incident_id = 3 AND status = 'pending'"));
    expect(warnings.map((w) => w.key)).toEqual([expect.stringMatching(/^report@\d+:overdue\d+$/)]);

    expect(await intact(app)).toEqual([]);
    const eventsAfter = (await app.store.read((sql) => sql.all("SELECT seq FROM timeline"))).length;
    expect(eventsAfter).toBeGreaterThan(eventsBefore);
  });

  it("upgrading twice is a no-op", async () => {
    const { app, restart } = await upgrade(engine);
    await app.adoptRules();
    const events = async (a: App) => (await a.store.read((sql) => sql.all("SELECT seq FROM timeline"))).length;
    const outbox = async (a: App) => (await a.store.read((sql) => sql.all("SELECT id FROM outbox"))).length;
    const [e1, o1] = [await events(app), await outbox(app)];
    expect(await app.adoptRules()).toEqual([]);
    const again = await restart();
    expect(await again.adoptRules()).toEqual([]);
    expect([await events(again), await outbox(again)]).toEqual([e1, o1]);
    expect(await intact(again)).toEqual([]);
  });

  it("a hostile override (a lowered threshold, a renamed criterion) still starts, re-judges and records which pack did it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-override-"));
    const path = join(dir, "rules.json");
    writeFileSync(
      path,
      JSON.stringify({
        version: "2.0.0-acme",
        criteria: [
          { id: "personal_info_m", when: { fact: "personal_info_people", gte: 1 } },
          { id: "loss_m", en: "Renamed by the deployment", zh: "部署方改名" },
        ],
      }),
    );
    const { app } = await upgrade(engine, path);
    await app.adoptRules();
    const override = rulesIdentity(loadRulePack(path));
    expect(override).toMatchObject({ version: "2.0.0-acme" });
    expect(override.sha256).not.toBe(rulesIdentity(loadRulePack()).sha256);
    const event = (await app.core.service.timeline(1)).find((e) => e.type === "rules_rejudged");
    expect(event?.payload).toMatchObject({ to: override });
    const stored = (await app.store.read((sql) => allPacks(sql))).find((p) => p.sha256 === override.sha256);
    expect(stored?.origin).toContain(path);
    expect(JSON.parse(stored?.content ?? "{}").criteria.find((c: { id: string }) => c.id === "personal_info_m").when.gte).toBe(1);
    // Verify replays each incident under the pack its events name, whatever this process loads.
    expect(await intact(app, path)).toEqual([]);
    expect(await intact(app)).toEqual([]);
  });
});

describe.each(ENGINES)("the level of every criterion of the official text, as stored on %s", (engine) => {
  it("at its threshold an incident is stored at the criterion's level; just below it is not", async () => {
    const h = await harnessOn(engine);
    const s = h.app.core.service;
    for (const c of pack.criteria) {
      const value = satisfying(c.when);
      const at = parseFactsUpdate(pack, { ...alsoSatisfied(c), [c.when.fact]: value });
      const { incident } = await s.open({ title: c.id, actor: "alice", platform: "test", channelId: `at-${c.id}`, channelName: `at-${c.id}`, facts: at });
      const stored = await s.get(incident.id);
      expect([c.id, stored.level, stored.reportability]).toEqual([c.id, c.level, "reportable"]);
      if (typeof value === "number" && c.when.gte !== undefined) {
        const below = parseFactsUpdate(pack, { ...at, [c.when.fact]: pack.facts.find((f) => f.name === c.when.fact)?.integer ? value - 1 : value - 0.01 });
        const b = await s.open({ title: `${c.id} below`, actor: "alice", platform: "test", channelId: `below-${c.id}`, channelName: `below-${c.id}`, facts: below });
        expect((await s.snapshot(b.incident.id)).classification.criteria.map((x) => x.id), c.id).not.toContain(c.id);
      }
    }
  }, 120_000);
});
