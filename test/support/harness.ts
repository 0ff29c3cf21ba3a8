import { createApp, type App } from "../../src/app.js";
import { openDatabase } from "../../src/store/db.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/sql.js";
import { onTestFinished } from "vitest";
import { createTestDatabase } from "./postgres.js";
import { FakeClock } from "../../src/time/clock.js";
import type { Reply } from "../../src/bot/adapter.js";
import { RecordingPort } from "./recording-port.js";
import type { MailConfig } from "../../src/config.js";

export interface Harness {
  app: App;
  port: RecordingPort;
  clock: FakeClock;
  errors: string[];
  /** Run `/incident <text>` as a user in a channel and deliver what it queued. */
  say(text: string, options?: { user?: string; channel?: string }): Promise<Reply>;
  /** The incident channel opened last. */
  room(): string;
  /** Move the clock, sweeping at every step as the cron would. */
  advance(minutes: number, stepMinutes?: number): Promise<void>;
}

export interface HarnessExtras {
  /** E-mail filing settings (a loopback SMTP server). */
  mail?: MailConfig;
  /** The board's public URL: sign-in links for /incident board. */
  publicUrl?: string;
}

export function harness(start = "2026-03-02T09:00:00+08:00", displayZone = "Europe/Berlin", store?: Store, extras: HarnessExtras = {}): Harness {
  const clock = new FakeClock(start);
  const errors: string[] = [];
  const app = createApp({
    config: { dbPath: ":memory:", displayZone, sweepCron: "*/15 * * * * *", ...(extras.publicUrl ? { publicUrl: extras.publicUrl } : {}) },
    ...(store ? { store } : { db: openDatabase(":memory:") }),
    clock,
    log: { info: () => undefined, error: (m) => errors.push(m) },
    mail: extras.mail,
  });
  const port = new RecordingPort();
  app.attach(port);
  const h: Harness = {
    app,
    port,
    clock,
    errors,
    async say(text, options = {}) {
      const channelId = options.channel ?? (port.channels.size ? h.room() : "general");
      const reply = await app.router.command({ actor: { platform: "test", id: options.user ?? "alice" }, channelId, text });
      await app.outbox.deliver();
      return reply;
    },
    room() {
      const ids = [...port.channels.keys()];
      const last = ids[ids.length - 1];
      if (!last) throw new Error("no incident channel yet");
      return last;
    },
    async advance(minutes, stepMinutes = 0.25) {
      const steps = Math.round(minutes / stepMinutes);
      for (let i = 0; i < steps; i++) {
        clock.advance({ seconds: stepMinutes * 60 });
        await app.engine.tick();
      }
    },
  };
  return h;
}

export function textOf(reply: Reply): string {
  return reply.message?.text ?? "";
}

export type Engine = "sqlite" | "postgres";
export const ENGINES: readonly Engine[] = ["sqlite", "postgres"];

/**
 * The harness on either engine. On PostgreSQL each test gets a database of its own on the
 * test cluster, migrated by openStore, and dropped when the test finishes.
 */
export async function harnessOn(engine: Engine, start = "2026-03-02T09:00:00+08:00", displayZone = "Europe/Berlin", extras: HarnessExtras = {}): Promise<Harness> {
  if (engine === "sqlite") return harness(start, displayZone, undefined, extras);
  const database = await createTestDatabase("harness");
  const store = await openStore(database.url, { poolSize: 4 });
  const h = harness(start, displayZone, store, extras);
  onTestFinished(async () => {
    await h.app.close();
    await store.close();
    await database.drop();
  });
  return h;
}
