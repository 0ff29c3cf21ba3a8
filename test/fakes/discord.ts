/**
 * A Discord stand-in on 127.0.0.1 for tests and the bench: the REST routes the adapter and
 * discord.js use, recorded call by call and checked against Discord's limits, a little guild
 * state (channels, messages, members, interactions), and the gateway in its own module.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { randomBytes } from "node:crypto";
import { arr, HttpError, invalid, isObject, str, type Json, type JsonObject } from "./discord-json.js";
import { checkCallback, checkCommands, checkMessage } from "./discord-limits.js";
import { FakeGateway } from "./discord-gateway.js";

export type { Json, JsonObject } from "./discord-json.js";
export { FakeGateway } from "./discord-gateway.js";

export interface RecordedFile {
  field: string;
  name: string;
  type: string;
  content: string;
  /** The part as sent: documents (PDF, Word) are binary. */
  bytes: Buffer;
}

export interface RecordedCall {
  method: string;
  /** Route without the API prefix and version, e.g. `/channels/1/messages`. */
  path: string;
  query: Record<string, string>;
  body: JsonObject | null;
  files: RecordedFile[];
  status: number;
  /** performance.now() when the request arrived. */
  at: number;
}

export interface FakeUser {
  id: string;
  username: string;
  roles: string[];
}

export interface FakeChannel {
  id: string;
  type: number;
  guild_id: string;
  name: string;
  topic: string | null;
  parent_id: string | null;
  position: number;
  permission_overwrites: { id: string; type: number; allow: string; deny: string }[];
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  author: JsonObject;
  content: string;
  embeds: JsonObject[];
  components: JsonObject[];
  attachments: JsonObject[];
  allowed_mentions: Json;
  nonce: string | null;
  pinned: boolean;
  edits: number;
  timestamp: string;
}

export interface InteractionRecord {
  id: string;
  token: string;
  payload: JsonObject;
  /** performance.now() when INTERACTION_CREATE was sent on the gateway. */
  dispatchedAt: number;
  callback?: RecordedCall;
  /** Webhook calls made with this interaction's token (edit original, follow-ups, delete). */
  webhooks: RecordedCall[];
}

export interface FakeDiscordOptions {
  token?: string;
  /** Gateway heartbeat interval (ms). */
  heartbeatInterval?: number;
}

const EPOCH = 1420070400000n;

export class FakeDiscord {
  readonly token: string;
  readonly applicationId: string;
  readonly botUser: FakeUser;
  readonly guildId: string;
  readonly responderRoleId: string;
  readonly categoryId: string;
  /** The channel people type commands in. */
  readonly generalChannelId: string;
  readonly calls: RecordedCall[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly messages = new Map<string, FakeMessage[]>();
  readonly users = new Map<string, FakeUser>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly commands = new Map<string, JsonObject[]>();
  readonly gateway: FakeGateway;
  private seq = 0n;
  private rateLimits: { method: string; path: RegExp; retryAfter: number; times: number }[] = [];
  private waiters: { pred: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }[] = [];
  private port = 0;

  private constructor(
    private readonly server: Server,
    options: FakeDiscordOptions,
  ) {
    this.token = options.token ?? "fake-bot-token";
    this.applicationId = this.snowflake();
    this.botUser = { id: this.applicationId, username: "warroom", roles: [] };
    this.guildId = this.snowflake();
    this.responderRoleId = this.snowflake();
    this.categoryId = this.snowflake();
    this.generalChannelId = this.snowflake();
    this.channels.set(this.categoryId, this.channel({ id: this.categoryId, type: 4, name: "incidents" }));
    this.channels.set(this.generalChannelId, this.channel({ id: this.generalChannelId, type: 0, name: "general" }));
    this.users.set(this.botUser.id, this.botUser);
    this.gateway = new FakeGateway(this, server, options.heartbeatInterval ?? 41_250);
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    let fake: FakeDiscord | undefined;
    const server = createServer((req, res) => {
      void fake?.handle(req, res);
    });
    fake = new FakeDiscord(server, options);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}/gateway`;
  }

  snowflake(): string {
    this.seq += 1n;
    return String(((BigInt(Date.now()) - EPOCH) << 22n) | (this.seq & 0x3fffffn));
  }

  addUser(username: string, roles: string[] = []): FakeUser {
    const user = { id: this.snowflake(), username, roles };
    this.users.set(user.id, user);
    return user;
  }

  /** The next `times` requests matching method and path are answered 429 with `retry_after`. */
  rateLimit(method: string, path: RegExp, retryAfterSeconds: number, times = 1): void {
    this.rateLimits.push({ method, path, retryAfter: retryAfterSeconds, times });
  }

  /** Resolves with the first recorded call (past or future) that matches. */
  waitForCall(pred: (c: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    const found = this.calls.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out waiting for a REST call")), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      });
    });
  }

  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  channelMessages(channelId: string): FakeMessage[] {
    return this.messages.get(channelId) ?? [];
  }

  // ---- interactions sent through the gateway ----

  private member(user: FakeUser): JsonObject {
    return {
      user: { id: user.id, username: user.username, discriminator: "0", global_name: user.username, avatar: null },
      roles: user.roles,
      permissions: "2248473465835073",
      joined_at: new Date(0).toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
    };
  }

  private interaction(type: number, user: FakeUser, channelId: string, data: JsonObject, extra: JsonObject = {}): InteractionRecord {
    const channel = this.channels.get(channelId);
    const id = this.snowflake();
    const token = `itok-${randomBytes(12).toString("hex")}`;
    const payload: JsonObject = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      guild_id: this.guildId,
      channel_id: channelId,
      channel: channel ? this.channelJson(channel) : { id: channelId, type: 0, guild_id: this.guildId, name: "unknown" },
      member: this.member(user),
      app_permissions: "2248473465835073",
      locale: "en-US",
      guild_locale: "en-US",
      entitlements: [],
      authorizing_integration_owners: { "0": this.guildId },
      context: 0,
      data,
      ...extra,
    };
    const record: InteractionRecord = { id, token, payload, dispatchedAt: 0, webhooks: [] };
    this.interactions.set(token, record);
    record.dispatchedAt = performance.now();
    this.gateway.dispatch("INTERACTION_CREATE", payload);
    return record;
  }

  /** `/incident <sub> option:value…`; values typed as Discord sends them. */
  slash(user: FakeUser, channelId: string, sub: string, options: Record<string, string | number | boolean> = {}): InteractionRecord {
    const registered = [...this.commands.values()].flat().find((c) => c.name === "incident");
    const subDef = arr(registered?.options).filter(isObject).find((o) => o.name === sub);
    const typed = Object.entries(options).map(([name, value]): JsonObject => {
      const def = arr(subDef?.options).filter(isObject).find((o) => o.name === name);
      const type = typeof def?.type === "number" ? def.type : typeof value === "number" ? 10 : typeof value === "boolean" ? 5 : 3;
      return { name, type, value };
    });
    const users = typed.filter((o) => o.type === 6).map((o) => this.users.get(String(o.value))).filter((u): u is FakeUser => !!u);
    const resolved: JsonObject = users.length
      ? {
          users: Object.fromEntries(users.map((u) => [u.id, { id: u.id, username: u.username, discriminator: "0", global_name: u.username, avatar: null }])),
          members: Object.fromEntries(users.map((u) => [u.id, { roles: u.roles, joined_at: new Date(0).toISOString(), permissions: "0", flags: 0 }])),
        }
      : {};
    return this.interaction(2, user, channelId, {
      id: str(registered?.id) ?? "0",
      name: "incident",
      type: 1,
      guild_id: this.guildId,
      options: [{ name: sub, type: 1, options: typed }],
      ...(users.length ? { resolved } : {}),
    });
  }

  button(user: FakeUser, channelId: string, customId: string, message?: FakeMessage): InteractionRecord {
    const msg = message ?? this.ephemeralMessage(channelId);
    return this.interaction(3, user, channelId, { custom_id: customId, component_type: 2 }, { message: this.messageJson(msg) });
  }

  modalSubmit(user: FakeUser, channelId: string, customId: string, values: Record<string, string>): InteractionRecord {
    return this.interaction(5, user, channelId, {
      custom_id: customId,
      components: Object.entries(values).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })),
    });
  }

  private ephemeralMessage(channelId: string): FakeMessage {
    return {
      id: this.snowflake(),
      channel_id: channelId,
      author: this.userJson(this.botUser),
      content: "",
      embeds: [],
      components: [],
      attachments: [],
      allowed_mentions: null,
      nonce: null,
      pinned: false,
      edits: 0,
      timestamp: new Date().toISOString(),
    };
  }

  /** What the invoker saw: the callback and any webhook edits/follow-ups, in order. */
  responses(record: InteractionRecord): RecordedCall[] {
    return [...(record.callback ? [record.callback] : []), ...record.webhooks];
  }

  waitForResponse(record: InteractionRecord, count = 1, timeoutMs = 5000): Promise<RecordedCall[]> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const check = (): void => {
        const got = this.responses(record);
        if (got.length >= count) return resolve(got);
        if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${count} response(s) to interaction ${record.id}`));
        setTimeout(check, 5);
      };
      check();
    });
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- JSON shapes ----

  botUserJson(): JsonObject {
    return this.userJson(this.botUser);
  }

  userJson(u: FakeUser): JsonObject {
    return { id: u.id, username: u.username, discriminator: "0", global_name: u.username, avatar: null, bot: u === this.botUser };
  }

  channelJson(c: FakeChannel): JsonObject {
    return { ...c, permission_overwrites: c.permission_overwrites.map((o) => ({ ...o })) };
  }

  messageJson(m: FakeMessage): JsonObject {
    return {
      id: m.id,
      type: 0,
      channel_id: m.channel_id,
      author: m.author,
      content: m.content,
      embeds: m.embeds,
      components: m.components,
      attachments: m.attachments,
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: m.pinned,
      tts: false,
      timestamp: m.timestamp,
      edited_timestamp: m.edits ? new Date().toISOString() : null,
      flags: 0,
      nonce: m.nonce,
    };
  }

  guildJson(): JsonObject {
    return {
      id: this.guildId,
      name: "Fake Ops",
      icon: null,
      owner_id: this.snowflake(),
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      nsfw_level: 0,
      preferred_locale: "en-US",
      system_channel_flags: 0,
      features: [],
      roles: [
        { id: this.guildId, name: "@everyone", permissions: "1071698660929", position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 },
        { id: this.responderRoleId, name: "responders", permissions: "0", position: 1, color: 0, hoist: false, managed: false, mentionable: true, flags: 0 },
      ],
      emojis: [],
      stickers: [],
      channels: [...this.channels.values()].map((c) => this.channelJson(c)),
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      member_count: this.users.size,
      joined_at: new Date(0).toISOString(),
      large: false,
      unavailable: false,
    };
  }

  private channel(p: Partial<FakeChannel> & { id: string; type: number; name: string }): FakeChannel {
    return { guild_id: this.guildId, topic: null, parent_id: null, position: this.channels.size, permission_overwrites: [], ...p };
  }

  // ---- REST ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = performance.now();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(/^\/api/, "").replace(/^\/v\d+/, "");
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
    });
    const call: RecordedCall = { method, path, query: Object.fromEntries(url.searchParams), body: null, files: [], status: 0, at };
    let status = 200;
    let out: Json | undefined;
    const headers: Record<string, string> = { "content-type": "application/json" };
    try {
      await this.parseBody(req, raw, call);
      const limit = this.rateLimits.find((r) => r.times > 0 && r.method === method && r.path.test(path));
      if (limit) {
        limit.times--;
        status = 429;
        headers["retry-after"] = String(limit.retryAfter);
        headers["x-ratelimit-scope"] = "user";
        out = { message: "You are being rate limited.", retry_after: limit.retryAfter, global: false };
      } else {
        if (!/^\/(interactions|webhooks)\//.test(path) && req.headers.authorization !== `Bot ${this.token}`) {
          throw new HttpError(401, { message: "401: Unauthorized", code: 0 });
        }
        out = this.route(method, path, call);
        if (out === undefined) status = 204;
      }
    } catch (err) {
      if (err instanceof HttpError) {
        status = err.status;
        out = err.body;
      } else {
        status = 500;
        out = { message: String(err), code: 0 };
      }
    }
    call.status = status;
    this.calls.push(call);
    const token = /^\/(?:interactions\/\d+|webhooks\/\d+)\/([^/]+)/.exec(path)?.[1];
    const record = token ? this.interactions.get(token) : undefined;
    if (record && status < 300) {
      if (path.endsWith("/callback")) record.callback = call;
      else record.webhooks.push(call);
    }
    for (const w of [...this.waiters]) {
      if (w.pred(call)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
    if (status === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(status, headers);
    res.end(JSON.stringify(out ?? null));
  }

  private async parseBody(req: IncomingMessage, raw: Buffer, call: RecordedCall): Promise<void> {
    if (!raw.length) return;
    const type = req.headers["content-type"] ?? "";
    if (type.startsWith("multipart/form-data")) {
      const form = await new Response(raw, { headers: { "content-type": type } }).formData();
      for (const [field, value] of form.entries()) {
        if (typeof value === "string") {
          if (field === "payload_json") call.body = JSON.parse(value) as JsonObject;
        } else {
          const bytes = Buffer.from(await value.arrayBuffer());
          call.files.push({ field, name: value.name, type: value.type, content: bytes.toString("utf8"), bytes });
        }
      }
      return;
    }
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    call.body = isObject(parsed) ? parsed : { value: parsed as Json };
  }

  private route(method: string, path: string, call: RecordedCall): Json | undefined {
    const body = call.body ?? {};
    let m: RegExpExecArray | null;
    if (method === "GET" && path === "/gateway/bot") {
      return { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } };
    }
    if (method === "GET" && path === "/gateway") return { url: this.gatewayUrl };
    if (method === "GET" && path === "/users/@me") return this.userJson(this.botUser);
    if (method === "GET" && (path === "/applications/@me" || path === "/oauth2/applications/@me")) {
      return { id: this.applicationId, name: "warroom", description: "", bot_public: false, bot_require_code_grant: false, flags: 0, verify_key: "0" };
    }
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      if (m[1] !== this.applicationId) throw new HttpError(403, { message: "Missing Access", code: 50001 });
      if (m[2] !== undefined && m[2] !== this.guildId) throw new HttpError(403, { message: "Missing Access", code: 50001 });
      const scope = m[2] ? `guild:${m[2]}` : "global";
      if (method === "GET") return this.commands.get(scope) ?? [];
      if (method === "PUT") {
        const list = arr(body.value).filter(isObject);
        checkCommands(list);
        const stored = list.map((c) => ({ ...c, id: this.snowflake(), application_id: this.applicationId, version: this.snowflake() }));
        this.commands.set(scope, stored);
        return stored;
      }
    }
    if ((m = /^\/guilds\/(\d+)\/channels$/.exec(path)) && method === "POST") {
      if (m[1] !== this.guildId) throw new HttpError(404, { message: "Unknown Guild", code: 10004 });
      const name = str(body.name) ?? "";
      if (!/^[^A-Z\s]{1,100}$/.test(name)) throw invalid(`channel name "${name}" must be 1-100 chars, lower case, no spaces`);
      const parent = str(body.parent_id);
      if (parent && !this.channels.has(parent)) throw invalid("parent_id: unknown category");
      const overwrites = arr(body.permission_overwrites)
        .filter(isObject)
        .map((o) => ({ id: String(o.id), type: Number(o.type), allow: String(o.allow ?? "0"), deny: String(o.deny ?? "0") }));
      const channel = this.channel({ id: this.snowflake(), type: Number(body.type ?? 0), name, topic: str(body.topic) ?? null, parent_id: parent ?? null, permission_overwrites: overwrites });
      this.channels.set(channel.id, channel);
      this.gateway.dispatch("CHANNEL_CREATE", this.channelJson(channel));
      return this.channelJson(channel);
    }
    if ((m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path)) && method === "GET") {
      const user = this.users.get(m[2] as string);
      if (!user) throw new HttpError(404, { message: "Unknown Member", code: 10007 });
      return this.member(user);
    }
    if ((m = /^\/channels\/(\d+)$/.exec(path))) {
      const channel = this.channels.get(m[1] as string);
      if (!channel) throw new HttpError(404, { message: "Unknown Channel", code: 10003 });
      if (method === "GET") return this.channelJson(channel);
      if (method === "PATCH") {
        const topic = str(body.topic);
        if (topic !== undefined) {
          if (topic.length > 1024) throw invalid("topic longer than 1024");
          channel.topic = topic;
        }
        this.gateway.dispatch("CHANNEL_UPDATE", this.channelJson(channel));
        return this.channelJson(channel);
      }
    }
    if ((m = /^\/channels\/(\d+)\/permissions\/(\d+)$/.exec(path)) && method === "PUT") {
      const channel = this.channels.get(m[1] as string);
      if (!channel) throw new HttpError(404, { message: "Unknown Channel", code: 10003 });
      const overwrite = { id: m[2] as string, type: Number(body.type), allow: String(body.allow ?? "0"), deny: String(body.deny ?? "0") };
      if (overwrite.type !== 0 && overwrite.type !== 1) throw invalid("type must be 0 (role) or 1 (member)");
      channel.permission_overwrites = [...channel.permission_overwrites.filter((o) => o.id !== overwrite.id), overwrite];
      this.gateway.dispatch("CHANNEL_UPDATE", this.channelJson(channel));
      return undefined;
    }
    if ((m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      const channelId = m[1] as string;
      if (!this.channels.has(channelId)) throw new HttpError(404, { message: "Unknown Channel", code: 10003 });
      const list = this.messages.get(channelId) ?? [];
      if (method === "GET") {
        const limit = Math.min(100, Number(call.query.limit ?? 50));
        return [...list].reverse().slice(0, limit).map((x) => this.messageJson(x));
      }
      if (method === "POST") {
        checkMessage(body);
        const nonce = str(body.nonce) ?? (typeof body.nonce === "number" ? String(body.nonce) : null);
        if (nonce && body.enforce_nonce === true) {
          const same = list.find((x) => x.nonce === nonce);
          if (same) return this.messageJson(same);
        }
        const message: FakeMessage = {
          id: this.snowflake(),
          channel_id: channelId,
          author: this.userJson(this.botUser),
          content: str(body.content) ?? "",
          embeds: arr(body.embeds).filter(isObject),
          components: arr(body.components).filter(isObject),
          attachments: call.files.map((f, i) => ({ id: String(i), filename: f.name, size: f.content.length, url: `https://cdn.invalid/${f.name}`, proxy_url: `https://cdn.invalid/${f.name}` })),
          allowed_mentions: body.allowed_mentions ?? null,
          nonce,
          pinned: false,
          edits: 0,
          timestamp: new Date().toISOString(),
        };
        list.push(message);
        this.messages.set(channelId, list);
        return this.messageJson(message);
      }
    }
    if ((m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path)) && method === "PATCH") {
      const message = this.channelMessages(m[1] as string).find((x) => x.id === m?.[2]);
      if (!message) throw new HttpError(404, { message: "Unknown Message", code: 10008 });
      checkMessage(body);
      if (body.content !== undefined) message.content = str(body.content) ?? "";
      if (body.embeds !== undefined) message.embeds = arr(body.embeds).filter(isObject);
      if (body.components !== undefined) message.components = arr(body.components).filter(isObject);
      if (body.allowed_mentions !== undefined) message.allowed_mentions = body.allowed_mentions;
      message.edits++;
      return this.messageJson(message);
    }
    if ((m = /^\/channels\/(\d+)\/(?:messages\/)?pins\/(\d+)$/.exec(path)) && method === "PUT") {
      const message = this.channelMessages(m[1] as string).find((x) => x.id === m?.[2]);
      if (!message) throw new HttpError(404, { message: "Unknown Message", code: 10008 });
      message.pinned = true;
      return undefined;
    }
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path)) && method === "POST") {
      const record = this.interactions.get(m[2] as string);
      if (!record || record.id !== m[1]) throw new HttpError(404, { message: "Unknown interaction", code: 10062 });
      if (record.callback) throw new HttpError(400, { message: "Interaction has already been acknowledged.", code: 40060 });
      checkCallback(body);
      if (call.query.with_response === "true") return { interaction: { id: record.id, type: Number(record.payload.type) }, resource: { type: Number(body.type) } };
      return undefined;
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(path))) {
      const record = this.interactions.get(m[2] as string);
      if (!record || m[1] !== this.applicationId) throw new HttpError(404, { message: "Unknown Webhook", code: 10015 });
      if (!record.callback) throw new HttpError(404, { message: "Unknown Message", code: 10008 });
      if (method === "DELETE") return undefined;
      const data = method === "POST" || method === "PATCH" ? body : {};
      if (method !== "GET") checkMessage(data);
      const msg = this.ephemeralMessage(String(record.payload.channel_id));
      msg.content = str(data.content) ?? "";
      msg.embeds = arr(data.embeds).filter(isObject);
      msg.components = arr(data.components).filter(isObject);
      return { ...this.messageJson(msg), webhook_id: this.applicationId, flags: Number(data.flags ?? 0) };
    }
    throw new HttpError(404, { message: "404: Not Found", code: 0 });
  }
}
