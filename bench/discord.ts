/**
 * Discord interaction latency: from the fake gateway sending INTERACTION_CREATE to the fake
 * REST receiving the interaction callback, through the real discord.js client, the adapter
 * and the core. Measured and printed, never asserted: it depends on the machine.
 */
import { performance } from "node:perf_hooks";
import { FakeDiscord, type InteractionRecord } from "../test/fakes/discord.js";
import { createApp } from "../src/app.js";
import { openDatabase } from "../src/store/db.js";
import { FakeClock } from "../src/time/clock.js";
import type { Logger } from "../src/bot/core.js";
import { startDiscord } from "../adapters/discord/index.js";
import { registerDiscordCommands } from "../adapters/discord/register.js";

const CONCURRENCY = 50;
const ROUNDS = 4;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] as number;
}

async function latencies(fake: FakeDiscord, records: InteractionRecord[]): Promise<number[]> {
  await Promise.all(records.map((r) => fake.waitForResponse(r, 1, 30_000)));
  return records.map((r) => (r.callback ? r.callback.at - r.dispatchedAt : NaN));
}

export async function benchDiscord(): Promise<string[]> {
  const fake = await FakeDiscord.start();
  const errors: string[] = [];
  const log: Logger = { info: () => undefined, error: (m) => errors.push(m) };
  const app = createApp({ config: { dbPath: ":memory:", displayZone: "UTC", sweepCron: "0 0 1 1 *" }, db: openDatabase(":memory:"), clock: new FakeClock("2026-03-02T09:00:00+08:00"), log });
  const config = { token: fake.token, applicationId: fake.applicationId, guildId: fake.guildId, apiUrl: fake.apiUrl, categoryId: fake.categoryId, responderRoleId: fake.responderRoleId };
  const adapter = await startDiscord({ app, config, log });
  try {
    await registerDiscordCommands({ config, log });
    const users = Array.from({ length: CONCURRENCY }, (_, i) => fake.addUser(`responder${i}`, [fake.responderRoleId]));
    const opener = users[0];
    if (!opener) throw new Error("no users");
    const open = fake.slash(opener, fake.generalChannelId, "open", { title: "Bench incident" });
    await fake.waitForResponse(open, 2, 30_000);
    const channel = [...fake.channels.values()].find((c) => c.name.endsWith("bench-incident"));
    if (!channel) throw new Error("the bench incident channel was not created");
    // Warm-up: JIT, prepared statements, connection pool.
    await latencies(fake, users.slice(0, 10).map((u) => fake.slash(u, channel.id, "status")));
    const samples: number[] = [];
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      // Status (card as an ephemeral reply) and typed facts (a write and a re-classification), mixed.
      const records = users.map((u, i) => (i % 2 ? fake.slash(u, channel.id, "status") : fake.slash(u, channel.id, "facts", { "direct-loss-rmb": 1000 + round * 100 + i })));
      samples.push(...(await latencies(fake, records)));
    }
    const wall = performance.now() - started;
    const sorted = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const label = `Discord interaction → callback, ${CONCURRENCY} concurrent`;
    return [
      `${`${label}: p50`.padEnd(52)} ${`${percentile(sorted, 50).toFixed(1)} ms`.padStart(14)}`,
      `${`${label}: p99`.padEnd(52)} ${`${percentile(sorted, 99).toFixed(1)} ms`.padStart(14)}   (Discord requires < 3000 ms)`,
      `${"Discord interactions answered".padEnd(52)} ${`${sorted.length}/${samples.length}`.padStart(14)}   (${(wall / 1000).toFixed(2)} s${errors.length ? `, ${errors.length} errors logged` : ""})`,
    ];
  } finally {
    await adapter.stop();
    await app.close();
    app.db.close();
    await fake.close();
  }
}
