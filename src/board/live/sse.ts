import type { ServerResponse } from "node:http";
import type { ChangeFeed } from "./feed.js";

/** Several commits in a burst (one command appends several events) make one refresh. */
const COALESCE_MS = 50;
/** Proxies close idle connections: a comment line keeps the stream open. */
const HEARTBEAT_MS = 25_000;

/**
 * The open pages' event streams. The hub listens to the change feed only while a page is
 * open, and tells every page "change"; each page then fetches itself again, so what a viewer
 * may see is decided by the same code as on the first load.
 */
export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private unsubscribe: (() => void) | undefined;
  private pending: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private version = 0;

  constructor(private readonly feed: ChangeFeed) {}


  /** Stream to this response until the client goes or the session ends. */
  attach(res: ServerResponse, endsAt: number, now: number): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(`retry: 2000\n: connected\n\n`);
    this.clients.add(res);
    const expiry = setTimeout(() => res.end(), Math.max(0, Math.min(endsAt - now, 2 ** 31 - 1)));
    expiry.unref();
    res.on("close", () => {
      clearTimeout(expiry);
      this.detach(res);
    });
    if (this.clients.size === 1) this.start();
  }

  private detach(res: ServerResponse): void {
    if (!this.clients.delete(res) || this.clients.size) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private start(): void {
    this.unsubscribe = this.feed.subscribe(() => this.changed());
    this.heartbeat = setInterval(() => this.send(": keep-alive\n\n"), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private changed(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.send(`event: change\ndata: ${++this.version}\n\n`);
    }, COALESCE_MS);
  }

  private send(chunk: string): void {
    for (const res of this.clients) res.write(chunk);
  }

  /** End every stream (shutdown): the pages reconnect to whichever process serves next. */
  close(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const res of [...this.clients]) res.end();
  }
}
