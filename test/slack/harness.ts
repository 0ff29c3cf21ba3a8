import { createApp, type App } from "../../src/app.js";
import type { MailConfig } from "../../src/config.js";
import { openDatabase, type Db } from "../../src/store/db.js";
import { FakeClock } from "../../src/time/clock.js";
import { startSlack, type RunningSlack } from "../../adapters/slack/index.js";
import { FakeSlack, type FakeCall } from "../fakes/slack.js";
import { interactionBody, postSigned, slashCommandBody } from "../fakes/slack-sign.js";

export const SECRET = "test-signing-secret";

export interface HarnessOptions {
  responderIds?: string[];
  privateChannels?: boolean;
  start?: string;
  httpsProxy?: string;
  fakeHost?: string;
  /** E-mail filing settings (a loopback SMTP server in tests). */
  mail?: MailConfig;
}

/** A real Bolt app behind the adapter, a fake Slack Web API, a core on an in-memory db and fake time. */
export class Harness {
  readonly fake: FakeSlack;
  readonly clock: FakeClock;
  readonly db: Db = openDatabase(":memory:");
  readonly logs: string[] = [];
  app!: App;
  slack!: RunningSlack;
  url = "";
  private seq = 0;

  constructor(private readonly o: HarnessOptions = {}) {
    this.clock = new FakeClock(o.start ?? "2026-03-02T09:00:00+08:00");
    this.fake = new FakeSlack({ publicHost: o.fakeHost });
  }

  async start(): Promise<this> {
    await this.fake.start();
    const log = { info: (m: string) => this.logs.push(m), error: (m: string) => this.logs.push(`ERROR ${m}`) };
    this.app = createApp({ config: { dbPath: ":memory:", displayZone: "Asia/Shanghai", sweepCron: "*/15 * * * * *" }, db: this.db, clock: this.clock, log, mail: this.o.mail });
    this.slack = await startSlack({
      app: this.app,
      config: {
        botToken: this.fake.token,
        signingSecret: SECRET,
        apiUrl: this.fake.apiUrl,
        responderIds: this.o.responderIds ?? [],
        privateChannels: this.o.privateChannels ?? false,
      },
      port: 0,
      host: "127.0.0.1",
      httpsProxy: this.o.httpsProxy,
      log,
    });
    this.url = `http://127.0.0.1:${this.slack.address?.port}/slack/events`;
    return this;
  }

  async close(): Promise<void> {
    await this.slack?.stop();
    await this.app?.close();
    this.db.close();
    await this.fake.stop();
  }

  nextId(prefix: string): string {
    return `${prefix}-${++this.seq}`;
  }

  /** `/incident <text>` typed by `user` in `channel`; resolves with the HTTP answer (the ack). */
  async command(text: string, user: string, channel: string, extra: { retryNum?: number; triggerId?: string } = {}) {
    const triggerId = extra.triggerId ?? this.nextId("trigger");
    const responseUrlId = this.nextId("resp");
    const body = slashCommandBody({ text, userId: user, channelId: channel, triggerId, responseUrl: this.fake.responseUrl(responseUrlId) });
    const res = await postSigned(this.url, { secret: SECRET, body, retryNum: extra.retryNum });
    return { ...res, triggerId, responseUrlId };
  }

  /** What the user saw through the response_url of one command. */
  responded(responseUrlId: string, timeoutMs?: number): Promise<FakeCall> {
    return this.fake.waitFor((c) => c.method === "respond" && c.body.response_url_id === responseUrlId, timeoutMs);
  }

  async press(action: string, value: string, user: string, channel: string) {
    const triggerId = this.nextId("trigger");
    const responseUrlId = this.nextId("resp");
    const payload = {
      type: "block_actions",
      trigger_id: triggerId,
      user: { id: user, username: user.toLowerCase() },
      team: { id: "T0001" },
      api_app_id: "A0001",
      channel: { id: channel },
      container: { type: "message", channel_id: channel, message_ts: "1.1" },
      response_url: this.fake.responseUrl(responseUrlId),
      actions: [{ type: "button", block_id: "warroom_actions", action_id: action, value, action_ts: "1.2" }],
    };
    const res = await postSigned(this.url, { secret: SECRET, body: interactionBody(payload) });
    return { ...res, triggerId, responseUrlId };
  }

  /** Submit the modal opened by views.open `open` with `state` as the user filled it in. */
  async submit(open: FakeCall, user: string, state: Record<string, Record<string, unknown>>) {
    const view = open.body.view as { private_metadata: string; callback_id: string; blocks: { type: string; block_id?: string; element?: { action_id: string; type: string } }[] };
    const values: Record<string, Record<string, unknown>> = {};
    for (const b of view.blocks) {
      if (b.type !== "input" || !b.block_id || !b.element) continue;
      const given = state[b.block_id];
      const empty =
        b.element.type === "static_select" ? { selected_option: null } : b.element.type === "datetimepicker" ? { selected_date_time: null } : { value: null };
      values[b.block_id] = { [b.element.action_id]: { type: b.element.type, ...(given ?? empty) } };
    }
    const payload = {
      type: "view_submission",
      trigger_id: this.nextId("trigger"),
      user: { id: user, username: user.toLowerCase() },
      team: { id: "T0001" },
      api_app_id: "A0001",
      view: { id: this.nextId("V"), hash: "h1", type: "modal", callback_id: view.callback_id, private_metadata: view.private_metadata, state: { values } },
    };
    const res = await postSigned(this.url, { secret: SECRET, body: interactionBody(payload) });
    return { ...res, json: res.text ? (JSON.parse(res.text) as Record<string, unknown>) : undefined };
  }

  /** The incident's last card rendering (post, then its edits) as one searchable string. */
  cardText(channelId: string): string {
    const c = this.fake.channels.get(channelId);
    const card = c?.messages.find((m) => c.pins.has(m.ts));
    if (!card) return "";
    const last = card.edits[card.edits.length - 1] ?? card;
    return `${last.text}\n${JSON.stringify(last.blocks)}`;
  }
}

export const text = (v: string) => ({ value: v });
export const choice = (v: string) => ({ selected_option: { value: v } });
export const number = (v: string) => ({ value: v });
