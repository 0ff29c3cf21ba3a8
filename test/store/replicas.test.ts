import { describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/sql.js";
import { FakeClock } from "../../src/time/clock.js";
import { verifyChainIn } from "../../src/incidents/timeline.js";
import { RecordingPort } from "../support/recording-port.js";
import { useTestDatabase } from "../support/postgres.js";

const quiet = { info: () => undefined, error: () => undefined };

/** One warroom process: its own pool on the shared database, its own chat port. */
async function replica(url: string, clock: FakeClock): Promise<{ app: App; store: Store; port: RecordingPort }> {
  const store = await openStore(url, { poolSize: 5 });
  const app = createApp({ config: { dbPath: "", displayZone: "UTC", sweepCron: "0 0 1 1 *" }, store, clock, log: quiet });
  const port = new RecordingPort();
  app.attach(port);
  return { app, store, port };
}

describe("two replicas on one PostgreSQL database", () => {
  const database = useTestDatabase("replicas");

  it("apply 200 concurrent fact changes to one incident without forking the timeline or losing one", async () => {
    const clock = new FakeClock("2026-03-02T09:00:00+08:00");
    const [a, b] = [await replica(database.url, clock), await replica(database.url, clock)];
    try {
      const { incident } = await a.app.core.service.open({ title: "Shared", actor: "alice", platform: "test", channelId: null, channelName: null });
      const changes = Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).app.core.service.setFacts(incident.id, { direct_loss_rmb: 1000 + i }, i % 2 ? "alice" : "bob"));
      await Promise.all(changes);
      const events = await b.app.core.service.timeline(incident.id);
      const set = events.filter((e) => e.type === "fact_set" && e.payload.fact === "direct_loss_rmb").map((e) => e.payload.to);
      expect(new Set(set).size).toBe(200);
      expect(await a.store.read((sql) => verifyChainIn(sql))).toEqual({ ok: true, events: events.length });
    } finally {
      for (const r of [a, b]) {
        await r.app.close();
        await r.store.close();
      }
    }
  });

  it("post each due warning once when both sweep at the same time", async () => {
    const clock = new FakeClock("2026-03-02T09:00:00+08:00");
    const [a, b] = [await replica(database.url, clock), await replica(database.url, clock)];
    try {
      for (let i = 0; i < 20; i++) {
        const { incident } = await a.app.core.service.open({ title: `Leak ${i}`, actor: "alice", platform: "test", channelId: `c${i}`, channelName: `inc-${i}` });
        await a.app.core.service.setFacts(incident.id, { personal_info_people: 1_200_000, operator_type: "ordinary", cii_affected: false }, "alice");
      }
      // Both replicas deliver through their own port; a post is counted wherever it lands.
      for (const r of [a, b]) for (let i = 0; i < 20; i++) r.port.channels.set(`c${i}`, { name: `inc-${i}`, topic: "", members: new Set(["alice"]), private: false });
      for (let step = 0; step < 20; step++) {
        clock.advance({ minutes: 15 });
        await Promise.all([a.app.engine.tick(), b.app.engine.tick()]);
      }
      const posts = [...a.port.posts, ...b.port.posts].filter((p) => p.key?.startsWith("warning:") || p.key?.startsWith("catchup:"));
      const keys = posts.map((p) => p.key);
      expect(keys.length).toBeGreaterThan(20 * 6);
      expect(new Set(keys).size).toBe(keys.length);
      // Every warning of a war room that fell due was claimed once, posted once and marked sent.
      const rows = await a.store.read((sql) =>
        sql.all<{ outbox_key: string | null; status: string }>(
          "SELECT outbox_key, status FROM warnings WHERE status != 'pending' AND status != 'cancelled' AND incident_id IN (SELECT id FROM incidents WHERE channel_id IS NOT NULL)",
        ),
      );
      expect(rows.map((r) => r.outbox_key).sort()).toEqual([...keys].sort());
      expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["sent"]));
    } finally {
      for (const r of [a, b]) {
        await r.app.close();
        await r.store.close();
      }
    }
  });
});
