import { describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/app.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/sql.js";
import { FakeClock } from "../../src/time/clock.js";
import { startDiscord, type RunningDiscord } from "../../adapters/discord/index.js";
import { FakeDiscord } from "../fakes/discord.js";
import { useTestDatabase } from "../support/postgres.js";
import { eventually } from "../support/eventually.js";

/** How long a condition took to come true. */
async function timeUntil(what: string, cond: () => boolean, ms: number): Promise<number> {
  const started = Date.now();
  await eventually(cond, what, ms);
  return Date.now() - started;
}

const LEASE = { ttlMs: 1_500, everyMs: 250 };

interface Replica {
  app: App;
  store: Store;
  discord: RunningDiscord;
  log: string[];
}

async function replica(url: string, fake: FakeDiscord, clock: FakeClock): Promise<Replica> {
  const store = await openStore(url, { poolSize: 3 });
  const log: string[] = [];
  const app = createApp({ config: { dbPath: "", displayZone: "UTC", sweepCron: "0 0 1 1 *" }, store, clock, log: { info: (m) => log.push(m), error: (m) => log.push(`ERROR ${m}`) } });
  const config = { token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl };
  const discord = await startDiscord({ app, config, log: app.core.log, gatewayLease: LEASE });
  return { app, store, discord, log };
}


async function shut(r: Replica): Promise<void> {
  await r.discord.stop().catch(() => undefined);
  await r.app.close();
  await r.store.close().catch(() => undefined);
}

describe("the Discord gateway across replicas", () => {
  const database = useTestDatabase("gateway");

  it("is held by one replica; another takes over when the holder stops renewing, and every replica posts over REST", async () => {
    const fake = await FakeDiscord.start({ heartbeatInterval: 1_000 });
    const clock = new FakeClock("2026-03-02T09:00:00+08:00");
    const a = await replica(database.url, fake, clock);
    const b = await replica(database.url, fake, clock);
    try {
      expect([a.discord.holdsGateway, b.discord.holdsGateway]).toEqual([true, false]);
      expect(a.discord.health?.()).toEqual({ gateway: "held" });
      expect(b.discord.health?.()).toEqual({ gateway: "standby" });
      expect(b.log.join("\n")).toContain("another replica holds the gateway");
      // Renewals keep it where it is: several lease periods later, still one session.
      await new Promise((r) => setTimeout(r, LEASE.ttlMs * 2));
      expect(fake.gateway.identifies).toBe(1);
      expect(fake.gateway.maxOpen).toBe(1);
      expect(b.discord.holdsGateway).toBe(false);

      // The standby does REST work: a warning posted from b lands, once, with its key.
      const posted = await b.discord.port.post(fake.generalChannelId, { text: "⏳ 30 min left", title: "⏳ 30 min left" }, { idempotencyKey: "warning:9:before:30" });
      const again = await b.discord.port.post(fake.generalChannelId, { text: "⏳ 30 min left", title: "⏳ 30 min left" }, { idempotencyKey: "warning:9:before:30", mayExist: true });
      expect(again.id).toBe(posted.id);
      expect(fake.messages.get(fake.generalChannelId)?.filter((m) => m.id === posted.id)).toHaveLength(1);

      // The holder's database goes away: it cannot renew, so it gives the session up
      // before its lease runs out, and b takes over after the expiry; never two at once.
      await a.store.close();
      const took = await timeUntil("b to take the gateway", () => b.discord.holdsGateway, LEASE.ttlMs + LEASE.everyMs * 4 + 2_000);
      expect(took).toBeLessThanOrEqual(LEASE.ttlMs + LEASE.everyMs * 4 + 2_000);
      await timeUntil("b's session to be ready", () => fake.gateway.identifies === 2, 5_000);
      expect(a.discord.holdsGateway).toBe(false);
      expect(a.log.join("\n")).toMatch(/cannot renew/);
      expect(fake.gateway.maxOpen).toBe(1);
      expect(b.discord.health?.()).toEqual({ gateway: "held" });
    } finally {
      await shut(a);
      await shut(b);
      await fake.close();
    }
  });

  it("hands over at once when the holder stops cleanly", async () => {
    const fake = await FakeDiscord.start({ heartbeatInterval: 1_000 });
    const clock = new FakeClock("2026-03-02T09:00:00+08:00");
    const a = await replica(database.url, fake, clock);
    const b = await replica(database.url, fake, clock);
    try {
      expect(a.discord.holdsGateway).toBe(true);
      await a.discord.stop();
      // Released, not expired: the next try (every 250 ms) takes it.
      const took = await timeUntil("b to take the gateway", () => b.discord.holdsGateway, LEASE.ttlMs);
      expect(took).toBeLessThan(LEASE.ttlMs);
      expect(fake.gateway.maxOpen).toBe(1);
    } finally {
      await shut(a);
      await shut(b);
      await fake.close();
    }
  });
});
