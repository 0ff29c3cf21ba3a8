/**
 * The fake Discord's gateway: protocol v10 JSON, one bot session at a time. HELLO, IDENTIFY →
 * READY → GUILD_CREATE, heartbeat ACKs, RESUME with replay of what was sent meanwhile, and
 * op 7 RECONNECT or a dropped connection on demand.
 */
import type { IncomingMessage, Server } from "node:http";
import { randomBytes } from "node:crypto";
import { WebSocketServer, WebSocket } from "ws";
import { isObject, type Json, type JsonObject } from "./discord-json.js";

/** What the gateway needs to know of the fake Discord behind it. */
export interface GatewayHost {
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly gatewayUrl: string;
  botUserJson(): JsonObject;
  guildJson(): JsonObject;
}

interface GatewaySession {
  id: string;
  seq: number;
  /** Dispatches sent (or due) on this session, for replay on RESUME. */
  log: { s: number; t: string; d: Json }[];
}

/** The gateway half: one bot session at a time, as a single-shard bot sees it. */
export class FakeGateway {
  private readonly wss: WebSocketServer;
  private socket: WebSocket | null = null;
  private session: GatewaySession | null = null;
  private live = false;
  readonly received: { op: number; d: Json }[] = [];
  identifies = 0;
  resumes = 0;
  /** Sockets open now, and the most ever open at once (one bot, one session). */
  private readonly open = new Set<WebSocket>();
  maxOpen = 0;
  private resumedWaiters: (() => void)[] = [];

  constructor(
    private readonly fake: GatewayHost,
    server: Server,
    private readonly heartbeatInterval: number,
  ) {
    this.wss = new WebSocketServer({ server, path: "/gateway" });
    this.wss.on("connection", (socket, req) => this.onConnection(socket, req));
  }

  get connected(): boolean {
    return this.live;
  }

  get openSockets(): number {
    return this.open.size;
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    const query = new URL(req.url ?? "/", "http://127.0.0.1").searchParams;
    if (query.get("v") !== "10" || query.get("encoding") !== "json" || query.has("compress")) {
      socket.close(4012, "Invalid API version");
      return;
    }
    this.socket = socket;
    this.live = false;
    this.open.add(socket);
    this.maxOpen = Math.max(this.maxOpen, this.open.size);
    socket.on("message", (raw: Buffer) => this.onFrame(socket, raw));
    socket.on("close", () => {
      this.open.delete(socket);
      if (this.socket === socket) {
        this.socket = null;
        this.live = false;
      }
    });
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.heartbeatInterval }, s: null, t: null }));
  }

  private onFrame(socket: WebSocket, raw: Buffer): void {
    const frame: unknown = JSON.parse(raw.toString("utf8"));
    if (!isObject(frame) || typeof frame.op !== "number") {
      socket.close(4002, "Decode error");
      return;
    }
    this.received.push({ op: frame.op, d: frame.d ?? null });
    const d = isObject(frame.d) ? frame.d : {};
    switch (frame.op) {
      case 1:
        socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
        return;
      case 2: {
        if (d.token !== this.fake.token) {
          socket.close(4004, "Authentication failed");
          return;
        }
        this.identifies++;
        this.session = { id: randomBytes(16).toString("hex"), seq: 0, log: [] };
        this.live = true;
        this.send("READY", {
          v: 10,
          user: { ...this.fake.botUserJson(), verified: true, mfa_enabled: false, flags: 0 },
          guilds: [{ id: this.fake.guildId, unavailable: true }],
          session_id: this.session.id,
          resume_gateway_url: this.fake.gatewayUrl,
          shard: [0, 1],
          application: { id: this.fake.applicationId, flags: 0 },
          private_channels: [],
          presences: [],
          relationships: [],
          guild_join_requests: [],
          geo_ordered_rtc_regions: [],
          auth: {},
          user_settings: {},
        });
        this.send("GUILD_CREATE", this.fake.guildJson());
        return;
      }
      case 6: {
        if (d.token !== this.fake.token || !this.session || d.session_id !== this.session.id) {
          socket.send(JSON.stringify({ op: 9, d: false, s: null, t: null }));
          return;
        }
        this.resumes++;
        const from = typeof d.seq === "number" ? d.seq : 0;
        for (const e of this.session.log.filter((x) => x.s > from)) socket.send(JSON.stringify({ op: 0, s: e.s, t: e.t, d: e.d }));
        this.live = true;
        this.send("RESUMED", null);
        for (const w of this.resumedWaiters.splice(0)) w();
        return;
      }
      default:
        return;
    }
  }

  private send(t: string, d: Json): void {
    if (!this.session) return;
    const s = ++this.session.seq;
    this.session.log.push({ s, t, d });
    if (this.session.log.length > 1000) this.session.log.shift();
    if (this.live && this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ op: 0, s, t, d }));
  }

  /** Send a dispatch now, or keep it for the replay after RESUME while disconnected. */
  dispatch(t: string, d: Json): void {
    this.send(t, d);
  }

  /** Op 7: the client must close, reconnect to resume_gateway_url and RESUME; resolves on RESUMED. */
  reconnect(): Promise<void> {
    const resumed = new Promise<void>((resolve) => this.resumedWaiters.push(resolve));
    this.live = false;
    this.socket?.send(JSON.stringify({ op: 7, d: null, s: null, t: null }));
    return resumed;
  }

  /** Drop the connection with a resumable close code, without warning. */
  drop(code = 4000): Promise<void> {
    const resumed = new Promise<void>((resolve) => this.resumedWaiters.push(resolve));
    this.live = false;
    this.socket?.close(code, "dropped");
    return resumed;
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
