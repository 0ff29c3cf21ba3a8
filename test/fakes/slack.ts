import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { EventEmitter } from "node:events";
import { closeNow, listenOnLoopback } from "./loopback.js";
import { waitForCall } from "./wait.js";

/**
 * A Slack Web API stand-in on 127.0.0.1 for tests and the bench. It records every call
 * (method, parsed body, headers) and answers the way Slack does for the methods warroom
 * uses, including the failure modes worth testing: name_taken, 429 + Retry-After,
 * already_in_channel/already_pinned, the three-step file upload, response_url posts.
 */

export interface FakeCall {
  /** Web API method ("chat.postMessage"), "respond" for response_url posts, "upload" for file bytes. */
  method: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** HTTP status the fake answered with. */
  status: number;
  /** The client's label, when it called through `apiUrlFor(label)`. */
  via?: string;
}

export interface FakeMessage {
  ts: string;
  text: string;
  blocks: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edits: { text: string; blocks: unknown[] }[];
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  topic: string;
  members: Set<string>;
  messages: FakeMessage[];
  pins: Set<string>;
  /** Completed uploads with the bytes that reached the upload URL (documents are binary). */
  files: { id: string; title: string; filename: string; bytes: Buffer }[];
}

/**
 * The file behind an upload URL: Slack takes the raw bytes or a multipart form with the
 * file as its one part (what the web API client sends).
 */
async function uploadedBytes(req: IncomingMessage, raw: Buffer): Promise<Buffer> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("multipart/form-data")) return raw;
  const form = await new Response(raw, { headers: { "content-type": type } }).formData();
  for (const value of form.values()) if (typeof value !== "string") return Buffer.from(await value.arrayBuffer());
  return Buffer.alloc(0);
}

export interface FakeSlackOptions {
  token?: string;
  botUserId?: string;
  /**
   * Host name put in the URLs the fake hands out (API, response_url, upload URL) instead
   * of 127.0.0.1: a name only a test proxy resolves proves traffic went through it.
   */
  publicHost?: string;
}

export class FakeSlack {
  readonly calls: FakeCall[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, { tz?: string; name?: string }>();
  readonly usergroups = new Map<string, string[]>();
  /** Channel names Slack would call taken even though this fake never created them. */
  readonly takenNames = new Set<string>();
  /** Page size for conversations.members, so pagination is exercised. */
  membersPageSize = 2;
  /**
   * Per Web API method: how long the answer is held back after the call took effect (the
   * message exists, the caller does not know yet), to put a crash inside that window.
   */
  readonly answerDelayMs = new Map<string, number>();
  private readonly rateLimits = new Map<string, { times: number; retryAfterSec: number }>();
  private readonly failures = new Map<string, string[]>();
  private readonly uploads = new Map<string, { filename: string; length: number; received?: number; content?: string; bytes?: Buffer }>();
  private readonly events = new EventEmitter();
  private server: Server | undefined;
  private seq = 0;
  private tsSeq = 0;
  private base = "";
  readonly token: string;
  readonly botUserId: string;
  private readonly publicHost: string;
  /** Socket Mode: the WebSocket URL apps.connections.open hands out (app-level token only). */
  socketUrl: string | undefined;
  readonly appToken = "xapp-test-token";

  constructor(o: FakeSlackOptions = {}) {
    this.token = o.token ?? "xoxb-test-token";
    this.botUserId = o.botUserId ?? "UBOT";
    this.publicHost = o.publicHost ?? "127.0.0.1";
    this.events.setMaxListeners(0);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.base = `http://${this.publicHost}:${await listenOnLoopback(this.server)}`;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    await closeNow(s);
  }

  /** What to give the adapter as `apiUrl`. */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** A response_url the fake accepts; posts to it are recorded as method "respond". */
  responseUrl(id: string): string {
    return `${this.base}/respond/${encodeURIComponent(id)}`;
  }

  addChannel(id: string, name: string, members: string[] = [], isPrivate = false): FakeChannel {
    const c: FakeChannel = { id, name, isPrivate, topic: "", members: new Set(members), messages: [], pins: new Set(), files: [] };
    this.channels.set(id, c);
    return c;
  }

  channelByName(name: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** The next `times` calls of `method` answer 429 with this Retry-After. */
  rateLimit(method: string, retryAfterSec: number, times = 1): void {
    this.rateLimits.set(method, { times, retryAfterSec });
  }

  /** The next calls of `method` answer `{ok:false, error}`, one per listed error. */
  failNext(method: string, ...errors: string[]): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...errors]);
  }

  callsOf(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls.length = 0;
  }

  /** Resolves once a recorded call satisfies `match`; rejects after `timeoutMs` with what was seen. */
  waitFor(match: (c: FakeCall) => boolean, timeoutMs = 5000): Promise<FakeCall> {
    return waitForCall(this.calls, this.events, match, timeoutMs, () => this.calls.map((c) => c.method).join(", "));
  }

  /** An API URL that labels the caller's calls (`via`), to tell processes apart. */
  apiUrlFor(label: string): string {
    return `${this.base}/via/${encodeURIComponent(label)}/api/`;
  }

  private record(method: string, body: Record<string, unknown>, headers: IncomingHttpHeaders, status: number, via?: string): void {
    const call = { method, body, headers, status, ...(via ? { via } : {}) };
    this.calls.push(call);
    this.events.emit("call", call);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    let path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const labelled = /^\/via\/([^/]+)(\/api\/.*)$/.exec(path);
    const via = labelled ? decodeURIComponent(labelled[1] as string) : undefined;
    if (labelled) path = labelled[2] as string;
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };

    if (path.startsWith("/respond/")) {
      const body = parseJson(raw.toString("utf8"));
      this.record("respond", { ...body, response_url_id: decodeURIComponent(path.slice("/respond/".length)) }, req.headers, 200);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      return;
    }
    if (path.startsWith("/upload/")) {
      const id = path.slice("/upload/".length);
      const upload = this.uploads.get(id);
      const bytes = await uploadedBytes(req, raw);
      if (upload) {
        upload.received = bytes.length;
        upload.content = bytes.toString("utf8");
        upload.bytes = bytes;
      }
      this.record("upload", { file_id: id, bytes: bytes.length, content: bytes.toString("utf8") }, req.headers, upload ? 200 : 404);
      res.writeHead(upload ? 200 : 404, { "content-type": "text/plain" });
      res.end(upload ? `OK - ${bytes.length}` : "not found");
      return;
    }
    if (!path.startsWith("/api/")) {
      res.writeHead(404);
      res.end();
      return;
    }
    const method = path.slice("/api/".length);
    const body = parseBody(raw.toString("utf8"), String(req.headers["content-type"] ?? ""));

    const limit = this.rateLimits.get(method);
    if (limit && limit.times > 0) {
      limit.times--;
      this.record(method, body, req.headers, 429);
      send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(limit.retryAfterSec) });
      return;
    }
    const expected = method === "apps.connections.open" ? this.appToken : this.token;
    if (req.headers.authorization !== `Bearer ${expected}`) {
      this.record(method, body, req.headers, 200);
      send(200, { ok: false, error: "invalid_auth" });
      return;
    }
    const queued = this.failures.get(method);
    if (queued?.length) {
      const error = queued.shift() as string;
      this.record(method, body, req.headers, 200);
      send(200, { ok: false, error });
      return;
    }
    const answer = this.answer(method, body);
    this.record(method, body, req.headers, 200, via);
    const delay = this.answerDelayMs.get(method);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    send(200, answer);
  }

  private nextTs(): string {
    this.tsSeq++;
    return `${1772413200 + this.tsSeq}.${String(this.tsSeq).padStart(6, "0")}`;
  }

  private answer(method: string, b: Record<string, unknown>): Record<string, unknown> {
    const str = (k: string) => (typeof b[k] === "string" ? (b[k] as string) : "");
    const channelOf = (k = "channel") => this.channels.get(str(k));
    switch (method) {
      case "apps.connections.open":
        return this.socketUrl ? { ok: true, url: this.socketUrl } : { ok: false, error: "not_allowed_token_type" };
      case "auth.test":
        return { ok: true, url: "https://fake.slack.test/", team: "Fake", user: "warroom", team_id: "T0001", user_id: this.botUserId, bot_id: "B0001" };
      case "conversations.create": {
        const name = str("name");
        if (!/^[a-z0-9_-]{1,80}$/.test(name)) return { ok: false, error: "invalid_name_specials" };
        if (this.takenNames.has(name) || this.channelByName(name)) return { ok: false, error: "name_taken" };
        const c = this.addChannel(`C${String(++this.seq).padStart(6, "0")}`, name, [this.botUserId], b.is_private === "true" || b.is_private === true);
        return { ok: true, channel: { id: c.id, name: c.name, is_private: c.isPrivate } };
      }
      case "conversations.invite": {
        const c = channelOf();
        if (!c) return { ok: false, error: "channel_not_found" };
        const users = str("users").split(",").filter(Boolean);
        if (users.some((u) => u.startsWith("S"))) return { ok: false, error: "user_not_found" };
        if (users.every((u) => c.members.has(u))) return { ok: false, error: "already_in_channel" };
        for (const u of users) c.members.add(u);
        return { ok: true, channel: { id: c.id, name: c.name } };
      }
      case "conversations.setTopic": {
        const c = channelOf();
        if (!c) return { ok: false, error: "channel_not_found" };
        c.topic = str("topic");
        return { ok: true, channel: { id: c.id, topic: { value: c.topic } } };
      }
      case "conversations.members": {
        const c = channelOf();
        if (!c) return { ok: false, error: "channel_not_found" };
        const all = [...c.members];
        const start = Number(str("cursor") || "0");
        const size = Math.min(Number(str("limit") || "100"), this.membersPageSize);
        const page = all.slice(start, start + size);
        const next = start + size < all.length ? String(start + size) : "";
        return { ok: true, members: page, response_metadata: { next_cursor: next } };
      }
      case "conversations.history": {
        const c = channelOf();
        if (!c) return { ok: false, error: "channel_not_found" };
        const withMeta = b.include_all_metadata === "true" || b.include_all_metadata === true;
        const limit = Number(str("limit") || "100");
        const messages = [...c.messages]
          .reverse()
          .slice(0, limit)
          .map((m) => ({ type: "message", ts: m.ts, text: m.text, ...(withMeta && m.metadata ? { metadata: m.metadata } : {}) }));
        return { ok: true, messages, has_more: false };
      }
      case "chat.postMessage": {
        const c = channelOf();
        if (!c) return { ok: false, error: "channel_not_found" };
        const m: FakeMessage = { ts: this.nextTs(), text: str("text"), blocks: asArray(b.blocks), metadata: asMetadata(b.metadata), edits: [] };
        c.messages.push(m);
        return { ok: true, channel: c.id, ts: m.ts, message: { text: m.text, ts: m.ts } };
      }
      case "chat.update": {
        const c = channelOf();
        const m = c?.messages.find((x) => x.ts === str("ts"));
        if (!c || !m) return { ok: false, error: "message_not_found" };
        m.edits.push({ text: str("text"), blocks: asArray(b.blocks) });
        return { ok: true, channel: c.id, ts: m.ts, text: str("text") };
      }
      case "chat.postEphemeral": {
        if (!channelOf()) return { ok: false, error: "channel_not_found" };
        return { ok: true, message_ts: this.nextTs() };
      }
      case "pins.add": {
        const c = channelOf();
        if (!c || !c.messages.some((m) => m.ts === str("timestamp"))) return { ok: false, error: "message_not_found" };
        if (c.pins.has(str("timestamp"))) return { ok: false, error: "already_pinned" };
        c.pins.add(str("timestamp"));
        return { ok: true };
      }
      case "views.open":
      case "views.push":
      case "views.update": {
        if (method === "views.open" && !str("trigger_id")) return { ok: false, error: "invalid_trigger_id" };
        return { ok: true, view: { id: `V${String(++this.seq).padStart(6, "0")}`, hash: `h${this.seq}` } };
      }
      case "users.info": {
        const u = this.users.get(str("user"));
        if (!u) return { ok: false, error: "user_not_found" };
        return { ok: true, user: { id: str("user"), name: u.name ?? str("user"), tz: u.tz } };
      }
      case "usergroups.users.list": {
        const users = this.usergroups.get(str("usergroup"));
        if (!users) return { ok: false, error: "no_such_subteam" };
        return { ok: true, users };
      }
      case "files.getUploadURLExternal": {
        const id = `F${String(++this.seq).padStart(6, "0")}`;
        this.uploads.set(id, { filename: str("filename"), length: Number(str("length")) });
        return { ok: true, upload_url: `${this.base}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const files = asArray(b.files) as { id?: string; title?: string }[];
        const c = this.channels.get(str("channel_id"));
        const done = files.map((f) => ({ id: f.id ?? "", title: f.title ?? "", name: this.uploads.get(f.id ?? "")?.filename ?? "" }));
        if (done.some((f) => !this.uploads.get(f.id)?.received)) return { ok: false, error: "file_not_found" };
        // Slack keeps what reached the upload URL; a length other than the one announced is a broken upload.
        if (done.some((f) => this.uploads.get(f.id)?.received !== this.uploads.get(f.id)?.length)) return { ok: false, error: "file_upload_size_mismatch" };
        if (c) for (const f of done) c.files.push({ id: f.id, title: f.title, filename: f.name, bytes: this.uploads.get(f.id)?.bytes ?? Buffer.alloc(0) });
        return { ok: true, files: done };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { raw: text };
  }
}

/** The WebClient sends form-encoded bodies with objects as JSON strings: decode those back. */
function parseBody(text: string, contentType: string): Record<string, unknown> {
  if (contentType.includes("application/json")) return parseJson(text);
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    if (/^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    out[k] = v;
  }
  return out;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function asMetadata(v: unknown): FakeMessage["metadata"] {
  if (!v || typeof v !== "object") return undefined;
  const m = v as { event_type?: unknown; event_payload?: unknown };
  if (typeof m.event_type !== "string") return undefined;
  return { event_type: m.event_type, event_payload: (m.event_payload ?? {}) as Record<string, unknown> };
}
