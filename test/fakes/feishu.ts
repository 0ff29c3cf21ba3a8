import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { EventEmitter } from "node:events";
import { WebSocketServer, type WebSocket } from "ws";
import { closeNow, listenOnLoopback } from "./loopback.js";
import { waitForCall } from "./wait.js";
import { decodeFrame, encodeFrame, type Frame } from "./feishu-frames.js";

/**
 * A Feishu Open Platform stand-in on 127.0.0.1 for tests and the bench. It answers the calls
 * warroom makes the way Feishu does: tokens at the top level of the JSON, every other answer
 * as {code, msg, data}; business refusals as non-zero codes; rate limits as HTTP 429 with
 * code 99991400 and x-ogw-ratelimit-reset; `uuid` on message create posting at most once.
 * It also serves the long connection: the endpoint look-up and a WebSocket speaking frames.
 */

export interface FakeCall {
  /** A short name: "chat.create", "message.create", "message.patch", "urgent_app", "ephemeral" … */
  api: string;
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  status: number;
}

export interface FakeMessage {
  id: string;
  chatId: string;
  msgType: string;
  content: string;
  uuid?: string;
  edits: string[];
  replyTo?: string;
}

export interface FakeChat {
  id: string;
  name: string;
  description: string;
  chatType: string;
  members: Set<string>;
  pins: Set<string>;
}

interface Route {
  api: string;
  method: string;
  pattern: RegExp;
}

const ROUTES: Route[] = [
  { api: "tenant_token", method: "POST", pattern: /^\/open-apis\/auth\/v3\/tenant_access_token\/internal$/ },
  { api: "app_token", method: "POST", pattern: /^\/open-apis\/auth\/v3\/app_access_token\/internal$/ },
  { api: "bot.info", method: "GET", pattern: /^\/open-apis\/bot\/v3\/info$/ },
  { api: "chat.create", method: "POST", pattern: /^\/open-apis\/im\/v1\/chats$/ },
  { api: "chat.update", method: "PUT", pattern: /^\/open-apis\/im\/v1\/chats\/([^/]+)$/ },
  { api: "members.add", method: "POST", pattern: /^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/ },
  { api: "members.list", method: "GET", pattern: /^\/open-apis\/im\/v1\/chats\/([^/]+)\/members$/ },
  { api: "message.create", method: "POST", pattern: /^\/open-apis\/im\/v1\/messages$/ },
  { api: "message.list", method: "GET", pattern: /^\/open-apis\/im\/v1\/messages$/ },
  { api: "message.patch", method: "PATCH", pattern: /^\/open-apis\/im\/v1\/messages\/([^/]+)$/ },
  { api: "message.reply", method: "POST", pattern: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/ },
  { api: "urgent_app", method: "PATCH", pattern: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_app$/ },
  { api: "urgent_sms", method: "PATCH", pattern: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_sms$/ },
  { api: "urgent_phone", method: "PATCH", pattern: /^\/open-apis\/im\/v1\/messages\/([^/]+)\/urgent_phone$/ },
  { api: "pin", method: "POST", pattern: /^\/open-apis\/im\/v1\/pins$/ },
  { api: "file.upload", method: "POST", pattern: /^\/open-apis\/im\/v1\/files$/ },
  { api: "ephemeral", method: "POST", pattern: /^\/open-apis\/ephemeral\/v1\/send$/ },
  { api: "ws.endpoint", method: "POST", pattern: /^\/callback\/ws\/endpoint$/ },
];

export interface FakeFeishuOptions {
  appId?: string;
  appSecret?: string;
  botOpenId?: string;
}

export class FakeFeishu {
  readonly calls: FakeCall[] = [];
  readonly chats = new Map<string, FakeChat>();
  readonly messages = new Map<string, FakeMessage>();
  readonly files = new Map<string, { name: string; bytes: number; head: string }>();
  /** Page size for the member list, so paging is exercised. */
  membersPageSize = 2;
  readonly appId: string;
  readonly appSecret: string;
  readonly botOpenId: string;
  readonly token = "t-fake-tenant-token";
  /** False: the endpoint look-up refuses the app, as for an app without long-connection events. */
  longConnectionAllowed = true;
  /** Frames the adapter sent over the long connection (pings, event answers). */
  readonly frames: Frame[] = [];
  private readonly rateLimits = new Map<string, { times: number; resetSec: number; status: number }>();
  private readonly failures = new Map<string, { code: number; msg: string; status: number }[]>();
  private readonly events = new EventEmitter();
  private readonly wss = new WebSocketServer({ noServer: true });
  private sockets: WebSocket[] = [];
  private server: Server | undefined;
  private seq = 0;
  private base = "";

  constructor(o: FakeFeishuOptions = {}) {
    this.appId = o.appId ?? "cli_a1b2c3d4e5f60718";
    this.appSecret = o.appSecret ?? "fake-app-secret";
    this.botOpenId = o.botOpenId ?? "ou_bot";
    this.events.setMaxListeners(0);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    this.base = `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss.close();
    const s = this.server;
    this.server = undefined;
    await closeNow(s);
  }

  /** What to give the adapter as FEISHU_API_URL. */
  get apiUrl(): string {
    return this.base;
  }

  addChat(id: string, name: string, members: string[] = []): FakeChat {
    const c: FakeChat = { id, name, description: "", chatType: "group", members: new Set([...members, this.botOpenId]), pins: new Set() };
    this.chats.set(id, c);
    return c;
  }

  chatByName(name: string): FakeChat | undefined {
    return [...this.chats.values()].find((c) => c.name === name);
  }

  messagesIn(chatId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.chatId === chatId);
  }

  /** A message a user typed: it exists in Feishu, so the bot can reply to it. */
  typed(id: string, chatId: string, text: string): void {
    this.messages.set(id, { id, chatId, msgType: "text", content: JSON.stringify({ text }), edits: [] });
  }

  /** The next `times` calls of `api` answer 429 / 99991400 with this reset. */
  rateLimit(api: string, resetSec: number, times = 1, status = 429): void {
    this.rateLimits.set(api, { times, resetSec, status });
  }

  /** The next call of `api` is refused with this Feishu code (HTTP 400 unless told). */
  failNext(api: string, code: number, msg: string, status = 400): void {
    this.failures.set(api, [...(this.failures.get(api) ?? []), { code, msg, status }]);
  }

  callsOf(api: string): FakeCall[] {
    return this.calls.filter((c) => c.api === api && c.status === 200);
  }

  reset(): void {
    this.calls.length = 0;
  }

  waitFor(match: (c: FakeCall) => boolean, timeoutMs = 5000): Promise<FakeCall> {
    return waitForCall(this.calls, this.events, match, timeoutMs, () => this.calls.map((c) => `${c.api}:${c.status}`).join(", "));
  }

  /** The card a message shows now: its last edit, or what was posted. */
  card(messageId: string): string {
    const m = this.messages.get(messageId);
    return m ? (m.edits[m.edits.length - 1] ?? m.content) : "";
  }

  private record(call: FakeCall): void {
    this.calls.push(call);
    this.events.emit("call", call);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const query = Object.fromEntries(url.searchParams);
    const route = ROUTES.find((r) => r.method === req.method && r.pattern.test(url.pathname));
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    if (!route) {
      send(404, { code: 404, msg: "not found" });
      return;
    }
    const contentType = String(req.headers["content-type"] ?? "");
    const body = contentType.startsWith("multipart/form-data") ? multipart(raw, contentType) : parseJson(raw.toString("utf8"));
    const param = route.pattern.exec(url.pathname)?.[1] ?? "";
    const call: FakeCall = { api: route.api, path: url.pathname, query, body, headers: req.headers, status: 200 };
    const answer = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      this.record(call);
      send(status, payload, headers);
    };

    const limit = this.rateLimits.get(route.api);
    if (limit && limit.times > 0) {
      limit.times--;
      answer(limit.status, { code: 99991400, msg: "request trigger frequency limit" }, { "x-ogw-ratelimit-limit": "5", "x-ogw-ratelimit-reset": String(limit.resetSec) });
      return;
    }
    const failure = this.failures.get(route.api)?.shift();
    if (failure) {
      answer(failure.status, { code: failure.code, msg: failure.msg });
      return;
    }
    if (route.api === "tenant_token" || route.api === "app_token") {
      if (body.app_id !== this.appId || body.app_secret !== this.appSecret) answer(200, { code: 10014, msg: "app secret invalid" });
      else answer(200, { code: 0, msg: "ok", tenant_access_token: this.token, ...(route.api === "app_token" ? { app_access_token: "a-fake-app-token" } : {}), expire: 7200 });
      return;
    }
    if (route.api === "ws.endpoint") {
      if (!this.longConnectionAllowed || body.AppID !== this.appId || body.AppSecret !== this.appSecret) answer(200, { code: 514, msg: "auth failed", data: {} });
      else
        answer(200, {
          code: 0,
          msg: "ok",
          data: { URL: `${this.base.replace("http", "ws")}/ws?device_id=fake-device&service_id=7`, ClientConfig: { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 } },
        });
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      answer(400, { code: 99991663, msg: "Invalid access token for authorization. Please make a request with token attached." });
      return;
    }
    const [status, payload] = this.api(route.api, param, query, body);
    answer(status, payload);
  }

  private ok(data: unknown = {}): [number, unknown] {
    return [200, { code: 0, msg: "success", data }];
  }

  private refuse(code: number, msg: string, status = 400): [number, unknown] {
    return [status, { code, msg }];
  }

  private api(api: string, param: string, query: Record<string, string>, body: Record<string, unknown>): [number, unknown] {
    switch (api) {
      case "bot.info":
        return [200, { code: 0, msg: "ok", bot: { open_id: this.botOpenId, app_name: "warroom", activate_status: 2 } }];
      case "chat.create": {
        const id = `oc_${++this.seq}`;
        const name = String(body.name ?? "");
        if (!name || [...name].length > 60) return this.refuse(232001, "invalid chat name");
        const members = Array.isArray(body.user_id_list) ? body.user_id_list.map(String) : [];
        const chat = this.addChat(id, name, members);
        chat.description = String(body.description ?? "");
        chat.chatType = String(body.chat_type ?? "private");
        return this.ok({ chat_id: id, name, chat_type: chat.chatType });
      }
      case "chat.update": {
        const chat = this.chats.get(param);
        if (!chat) return this.refuse(232010, "chat not found");
        if (body.description !== undefined) chat.description = String(body.description);
        return this.ok();
      }
      case "members.add": {
        const chat = this.chats.get(param);
        if (!chat) return this.refuse(232010, "chat not found");
        const ids = Array.isArray(body.id_list) ? body.id_list.map(String) : [];
        const invalid = ids.filter((id) => !id.startsWith("ou_"));
        for (const id of ids) if (id.startsWith("ou_")) chat.members.add(id);
        return this.ok({ invalid_id_list: invalid, not_existed_id_list: [] });
      }
      case "members.list": {
        const chat = this.chats.get(param);
        if (!chat) return this.refuse(232010, "chat not found");
        const all = [...chat.members].filter((m) => m !== this.botOpenId);
        const start = Number(query.page_token ?? 0);
        const size = Math.min(Number(query.page_size ?? 20), this.membersPageSize);
        const page = all.slice(start, start + size);
        const more = start + size < all.length;
        return this.ok({ items: page.map((id) => ({ member_id_type: "open_id", member_id: id, name: id })), has_more: more, ...(more ? { page_token: String(start + size) } : {}), member_total: all.length });
      }
      case "message.create": {
        const to = String(body.receive_id ?? "");
        if (query.receive_id_type !== "open_id") return this.create(to, body);
        // A message to a person lands in the bot's direct chat with them.
        const direct = `p2p_${to}`;
        if (!this.chats.has(direct)) this.addChat(direct, "direct", [to]);
        return this.create(direct, body);
      }
      case "message.reply": {
        const parent = this.messages.get(param);
        if (!parent) return this.refuse(230011, "message not found");
        return this.create(parent.chatId, body, param);
      }
      case "message.patch": {
        const m = this.messages.get(param);
        if (!m) return this.refuse(230011, "message not found");
        if (m.msgType !== "interactive") return this.refuse(230001, "only cards can be updated");
        const content = String(body.content ?? "");
        if (!isJson(content)) return this.refuse(230099, "card content is not JSON");
        m.edits.push(content);
        return this.ok();
      }
      case "message.list": {
        const list = this.messagesIn(query.container_id ?? "")
          .reverse()
          .slice(0, Number(query.page_size ?? 20));
        return this.ok({ has_more: false, items: list.map((m) => ({ message_id: m.id, msg_type: m.msgType, chat_id: m.chatId, sender: { id: this.appId, id_type: "app_id", sender_type: "app" }, body: { content: m.edits[m.edits.length - 1] ?? m.content } })) });
      }
      case "pin": {
        const m = this.messages.get(String(body.message_id ?? ""));
        if (!m) return this.refuse(230011, "message not found");
        this.chats.get(m.chatId)?.pins.add(m.id);
        return this.ok({ pin: { message_id: m.id, chat_id: m.chatId } });
      }
      case "urgent_app":
      case "urgent_sms":
      case "urgent_phone": {
        const m = this.messages.get(param);
        if (!m) return this.refuse(230011, "message not found");
        const chat = this.chats.get(m.chatId);
        const ids = Array.isArray(body.user_id_list) ? body.user_id_list.map(String) : [];
        return this.ok({ invalid_user_id_list: ids.filter((id) => !chat?.members.has(id)) });
      }
      case "file.upload": {
        const bytes = Number(body.file_bytes ?? 0);
        if (!bytes) return this.refuse(234006, "file is empty");
        const key = `file_v3_${++this.seq}`;
        this.files.set(key, { name: String(body.file_name ?? ""), bytes, head: String(body.file_head ?? "") });
        return this.ok({ file_key: key });
      }
      case "ephemeral": {
        const chat = this.chats.get(String(body.chat_id ?? ""));
        if (!chat) return this.refuse(230002, "bot not in chat");
        if (!chat.members.has(String(body.open_id ?? ""))) return this.refuse(230013, "user not in chat");
        return this.ok({ message_id: `om_eph_${++this.seq}` });
      }
      default:
        return this.refuse(404, "unknown api", 404);
    }
  }

  private create(chatId: string, body: Record<string, unknown>, replyTo?: string): [number, unknown] {
    const chat = this.chats.get(chatId);
    if (!chat) return this.refuse(230002, "Bot/User can NOT be out of the chat.");
    const uuid = typeof body.uuid === "string" ? body.uuid : undefined;
    if (uuid && uuid.length > 50) return this.refuse(230001, "uuid longer than 50 characters");
    const earlier = uuid ? [...this.messages.values()].find((m) => m.uuid === uuid) : undefined;
    if (earlier) return this.ok({ message_id: earlier.id, chat_id: earlier.chatId });
    const content = String(body.content ?? "");
    if (!isJson(content)) return this.refuse(230001, "content is not JSON");
    if (Buffer.byteLength(content) > 30 * 1024 && body.msg_type === "interactive") return this.refuse(230025, "card content exceeds 30 KB");
    const m: FakeMessage = { id: `om_${++this.seq}`, chatId, msgType: String(body.msg_type ?? ""), content, edits: [], ...(uuid ? { uuid } : {}), ...(replyTo ? { replyTo } : {}) };
    this.messages.set(m.id, m);
    return this.ok({ message_id: m.id, chat_id: chatId, msg_type: m.msgType });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/ws" || url.searchParams.get("device_id") !== "fake-device") {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.push(ws);
      ws.on("message", (data: Buffer) => {
        const frame = decodeFrame(new Uint8Array(data));
        this.frames.push(frame);
        this.events.emit("frame", frame);
        // A ping is answered with a pong carrying the client config, as the gateway does.
        if (frame.method === 0 && frame.headers.type === "ping") {
          const pong = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 120, ReconnectNonce: 30 };
          ws.send(encodeFrame({ seqId: 0, logId: 0, service: 7, method: 0, headers: { type: "pong" }, payload: new TextEncoder().encode(JSON.stringify(pong)) }));
        }
      });
      this.events.emit("connected");
    });
  }

  get connections(): number {
    return this.sockets.filter((s) => s.readyState === s.OPEN).length;
  }

  /** Push an event over the long connection; resolves with the adapter's answer frame. */
  async push(event: Record<string, unknown>, messageId = `msg-${++this.seq}`, timeoutMs = 5000): Promise<{ code: number; data?: unknown }> {
    const socket = this.sockets.find((s) => s.readyState === s.OPEN);
    if (!socket) throw new Error("no long connection is open");
    const answered = new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${messageId} within ${timeoutMs} ms`)), timeoutMs);
      const onFrame = (f: Frame) => {
        if (f.method !== 1 || f.headers.message_id !== messageId) return;
        clearTimeout(timer);
        this.events.off("frame", onFrame);
        resolve(f);
      };
      this.events.on("frame", onFrame);
    });
    const payload = new TextEncoder().encode(JSON.stringify(event));
    socket.send(encodeFrame({ seqId: ++this.seq, logId: 0, service: 7, method: 1, headers: { type: "event", message_id: messageId, sum: "1", seq: "0", trace_id: `trace-${messageId}` }, payload }));
    const frame = await answered;
    const body = JSON.parse(new TextDecoder().decode(frame.payload ?? new Uint8Array())) as { code: number; data?: string };
    return { code: body.code, ...(body.data ? { data: JSON.parse(Buffer.from(body.data, "base64").toString("utf8")) as unknown } : {}) };
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string): Record<string, unknown> {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Enough of multipart/form-data for im/v1/files: the text fields and the file's size. */
function multipart(raw: Buffer, contentType: string): Record<string, unknown> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const mark = `--${boundary?.[1] ?? boundary?.[2] ?? ""}`;
  const out: Record<string, unknown> = {};
  for (const part of raw.toString("latin1").split(mark).slice(1, -1)) {
    const [head = "", ...rest] = part.split("\r\n\r\n");
    const name = /name="([^"]+)"/.exec(head)?.[1];
    const value = rest.join("\r\n\r\n").replace(/\r\n$/, "");
    if (!name) continue;
    if (name === "file" || /filename="/.test(head)) {
      out.file_bytes = Buffer.byteLength(value, "latin1");
      // The first bytes tell a PDF (%PDF-) from a Word file (a zip: PK).
      out.file_head = value.slice(0, 5);
    }
    else out[name] = Buffer.from(value, "latin1").toString("utf8");
  }
  return out;
}
