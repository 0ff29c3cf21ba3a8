import { createApp, type App } from "../../src/app.js";
import { openDatabase, type Db } from "../../src/store/db.js";
import { FakeClock } from "../../src/time/clock.js";
import type { FeishuConfig } from "../../src/config.js";
import { startFeishu, type RunningFeishu } from "../../adapters/feishu/index.js";
import { FakeFeishu, type FakeCall } from "../fakes/feishu.js";
import { cardActionEvent, messageEvent, send, signedRequest, type SignedOptions, type TextMessage, type CardClick } from "../fakes/feishu-events.js";

export const ENCRYPT_KEY = "test-encrypt-key";
export const VERIFICATION_TOKEN = "test-verification-token";

export interface HarnessOptions {
  responderIds?: string[];
  urgent?: FeishuConfig["urgent"];
  eventMode?: FeishuConfig["eventMode"];
  start?: string;
}

/** The real SDK behind the adapter, a fake Open Platform, a core on an in-memory db and fake time. */
export class Harness {
  readonly fake = new FakeFeishu();
  readonly clock: FakeClock;
  readonly db: Db = openDatabase(":memory:");
  readonly logs: string[] = [];
  app!: App;
  feishu!: RunningFeishu;
  url = "";
  private seq = 0;

  constructor(private readonly o: HarnessOptions = {}) {
    this.clock = new FakeClock(o.start ?? "2026-03-02T09:00:00+08:00");
  }

  config(over: Partial<FeishuConfig> = {}): FeishuConfig {
    return {
      appId: this.fake.appId,
      appSecret: this.fake.appSecret,
      verificationToken: VERIFICATION_TOKEN,
      encryptKey: ENCRYPT_KEY,
      apiUrl: this.fake.apiUrl,
      responderIds: this.o.responderIds ?? [],
      eventMode: this.o.eventMode ?? "http",
      urgent: this.o.urgent ?? "app",
      ...over,
    };
  }

  get log() {
    return { info: (m: string) => this.logs.push(m), error: (m: string) => this.logs.push(`ERROR ${m}`) };
  }

  async start(): Promise<this> {
    await this.fake.start();
    this.app = createApp({ config: { dbPath: ":memory:", displayZone: "Asia/Shanghai", sweepCron: "*/15 * * * * *" }, db: this.db, clock: this.clock, log: this.log });
    this.feishu = await startFeishu({ app: this.app, config: this.config(), host: "127.0.0.1", port: 0, log: this.log, maxWaitMs: 50 });
    this.url = `http://127.0.0.1:${this.feishu.address?.port ?? 0}/feishu/events`;
    return this;
  }

  async close(): Promise<void> {
    await this.feishu?.stop();
    await this.app?.close();
    this.db.close();
    await this.fake.stop();
  }

  nextId(prefix: string): string {
    return `${prefix}_${++this.seq}`;
  }

  header(eventId = this.nextId("ev"), token = VERIFICATION_TOKEN) {
    return { eventId, token, appId: this.fake.appId };
  }

  post(event: unknown, o: Partial<SignedOptions> = {}) {
    return send(this.url, signedRequest(event, { encryptKey: ENCRYPT_KEY, ...o }));
  }

  /** A text message typed by `user` in `chat`; resolves with the HTTP answer (the ack). */
  async say(text: string, user: string, chatId: string, extra: Partial<TextMessage> = {}) {
    const messageId = this.nextId("om_in");
    this.fake.typed(messageId, chatId, text);
    const res = await this.post(messageEvent(this.header(), { text, sender: user, chatId, messageId, ...extra }));
    return { ...res, messageId };
  }

  async click(c: Omit<CardClick, "messageId"> & { messageId?: string }) {
    return this.post(cardActionEvent(this.header(), { messageId: c.messageId ?? "om_card", ...c }));
  }

  /** The ephemeral cards `user` was shown in `chat`, newest last. */
  ephemeralsFor(user: string): FakeCall[] {
    return this.fake.callsOf("ephemeral").filter((c) => c.body.open_id === user);
  }

  waitEphemeral(user: string, contains: string): Promise<FakeCall> {
    return this.fake.waitFor((c) => c.api === "ephemeral" && c.status === 200 && c.body.open_id === user && JSON.stringify(c.body.card).includes(contains));
  }

  /** The incident's pinned card as it reads now. */
  cardText(chatId: string): string {
    const pinned = [...(this.fake.chats.get(chatId)?.pins ?? [])][0];
    return pinned ? this.fake.card(pinned) : "";
  }

  incidents(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n;
  }
}
