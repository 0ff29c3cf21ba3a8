import { FakeDiscord, type FakeUser, type InteractionRecord, type JsonObject, type RecordedCall } from "../fakes/discord.js";
import { createApp, type App } from "../../src/app.js";
import type { MailConfig } from "../../src/config.js";
import { openDatabase } from "../../src/store/db.js";
import { FakeClock } from "../../src/time/clock.js";
import type { Logger } from "../../src/bot/core.js";
import type { RunningAdapter } from "../../src/bot/adapter.js";
import { startDiscord } from "../../adapters/discord/index.js";
import { registerDiscordCommands } from "../../adapters/discord/register.js";

export interface Harness {
  fake: FakeDiscord;
  app: App;
  clock: FakeClock;
  adapter: RunningAdapter;
  errors: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  responderRole?: boolean;
  category?: boolean;
  deferAfterMs?: number;
  /** E-mail filing settings (a loopback SMTP server in tests). */
  mail?: MailConfig;
}

/** A fake Discord, the real app on an in-memory store and fake time, and the adapter logged in. */
export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const fake = await FakeDiscord.start();
  const clock = new FakeClock("2026-03-02T09:00:00+08:00");
  const errors: string[] = [];
  const log: Logger = { info: () => undefined, error: (m) => errors.push(m) };
  const app = createApp({ config: { dbPath: ":memory:", displayZone: "Europe/Berlin", sweepCron: "0 0 1 1 *" }, db: openDatabase(":memory:"), clock, log, mail: o.mail });
  const config = {
    token: fake.token,
    applicationId: fake.applicationId,
    guildId: fake.guildId,
    apiUrl: fake.apiUrl,
    ...(o.category === false ? {} : { categoryId: fake.categoryId }),
    ...(o.responderRole === false ? {} : { responderRoleId: fake.responderRoleId }),
  };
  await registerDiscordCommands({ config, log });
  const adapter = await startDiscord({ app, config, log, ...(o.deferAfterMs !== undefined ? { deferAfterMs: o.deferAfterMs } : {}) });
  return {
    fake,
    app,
    clock,
    adapter,
    errors,
    close: async () => {
      await adapter.stop();
      await app.close();
      app.db.close();
      await fake.close();
    },
  };
}

/** The message data of a response: callback data, or a webhook edit/follow-up body. */
export function dataOf(call: RecordedCall): JsonObject {
  if (call.path.endsWith("/callback")) {
    const data = call.body?.data;
    return data && typeof data === "object" && !Array.isArray(data) ? data : {};
  }
  return call.body ?? {};
}

/** Everything the user could read in a response: content, embed titles, descriptions, fields. */
export function textOf(call: RecordedCall): string {
  const d = dataOf(call);
  const parts: string[] = [];
  if (typeof d.content === "string") parts.push(d.content);
  for (const e of Array.isArray(d.embeds) ? d.embeds : []) {
    if (!e || typeof e !== "object" || Array.isArray(e)) continue;
    if (typeof e.title === "string") parts.push(e.title);
    if (typeof e.description === "string") parts.push(e.description);
    for (const f of Array.isArray(e.fields) ? e.fields : []) {
      if (f && typeof f === "object" && !Array.isArray(f)) parts.push(`${String(f.name)}: ${String(f.value)}`);
    }
  }
  return parts.join("\n");
}

export function isEphemeral(call: RecordedCall): boolean {
  return (Number(dataOf(call).flags ?? 0) & 64) === 64;
}

/** The single final answer the user reads (after any defer). */
export async function finalAnswer(fake: FakeDiscord, record: InteractionRecord): Promise<RecordedCall> {
  const first = (await fake.waitForResponse(record, 1))[0] as RecordedCall;
  if (first.body?.type !== 5) return first;
  const all = await fake.waitForResponse(record, 2);
  const edit = all.find((c) => c.method === "PATCH" || (c.method === "POST" && c.path.startsWith("/webhooks/")));
  if (!edit) throw new Error("deferred interaction was never answered");
  return edit;
}

export function customIds(call: RecordedCall): string[] {
  const d = dataOf(call);
  const out: string[] = [];
  for (const row of Array.isArray(d.components) ? d.components : []) {
    if (!row || typeof row !== "object" || Array.isArray(row)) continue;
    for (const c of Array.isArray(row.components) ? row.components : []) {
      if (c && typeof c === "object" && !Array.isArray(c) && typeof c.custom_id === "string") out.push(c.custom_id);
    }
  }
  return out;
}

export type { FakeUser };
