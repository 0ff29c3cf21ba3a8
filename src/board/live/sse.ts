import type { ServerResponse } from "node:http";
import type { BoardViewer } from "../auth.js";
import type { ChangeFeed } from "./feed.js";

/** Several commits in a burst (one command appends several events) make one refresh. */
const COALESCE_MS = 50;
/** Proxies close idle connections: a comment line keeps the stream open. */
const HEARTBEAT_MS = 25_000;

/**
 * How many streams may be open at once: per session (a few tabs), per client address (a few
 * people behind one proxy) and in all. Each stream holds a socket, a file descriptor shared
 * with the platforms' callbacks and the health check on the same port.
 */
export const STREAM_LIMITS = { perSession: 6, perAddress: 24, total: 512 } as const;

/** What the incidents that changed are, since the last time it was asked ("all" when it cannot tell). */
export type ChangedIncidents = () => Promise<number[] | "all">;
/** Whether this viewer may see any of these incidents. */
export type SeesAny = (viewer: BoardViewer, incidentIds: number[]) => Promise<boolean>;

/** Who a stream is for: its session, its client's address and the viewer. */
export interface StreamOwner {
  sessionId: string;
  address: string;
  viewer: BoardViewer;
  endsAt: number;
}

interface Stream {
  res: ServerResponse;
  owner: StreamOwner;
}

/**
 * The open pages' event streams. The hub listens to the change feed only while a page is
 * open. On a change it asks once which incidents changed, and tells only the pages whose
 * viewer may see one of them; each page then fetches itself again, so what a viewer may see
 * is decided by the same code as on the first load.
 */
export class SseHub {
  private readonly streams = new Set<Stream>();
  private unsubscribe: (() => void) | undefined;
  private pending: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private version = 0;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly changed: ChangedIncidents,
    private readonly seesAny: SeesAny,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** Why a new stream for this owner is refused (a limit reached), or undefined when it may open. */
  refusal(owner: Pick<StreamOwner, "sessionId" | "address">): string | undefined {
    let session = 0;
    let address = 0;
    for (const s of this.streams) {
      if (s.owner.sessionId === owner.sessionId) session++;
      if (s.owner.address === owner.address) address++;
    }
    if (session >= STREAM_LIMITS.perSession) return `This session has ${session} live pages open, the most it may: close some board tabs.`;
    if (address >= STREAM_LIMITS.perAddress) return `Your address has ${address} live pages open, the most it may: close some board tabs.`;
    if (this.streams.size >= STREAM_LIMITS.total) return "The board has as many live pages open as it serves: try again in a moment.";
    return undefined;
  }

  /** Stream to this response until the client goes, the session ends or is signed out. The caller checked refusal() first. */
  attach(res: ServerResponse, owner: StreamOwner, now: number): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(`retry: 2000\n: connected\n\n`);
    const stream: Stream = { res, owner };
    this.streams.add(stream);
    const expiry = setTimeout(() => res.end(), Math.max(0, Math.min(owner.endsAt - now, 2 ** 31 - 1)));
    expiry.unref();
    res.on("close", () => {
      clearTimeout(expiry);
      this.detach(stream);
    });
    if (this.streams.size === 1) this.start();
  }

  /** Signed out: that session's pages stop hearing at once. */
  endSession(sessionId: string): void {
    for (const s of [...this.streams]) if (s.owner.sessionId === sessionId) s.res.end();
  }

  get open(): number {
    return this.streams.size;
  }

  private detach(stream: Stream): void {
    if (!this.streams.delete(stream) || this.streams.size) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  private start(): void {
    this.unsubscribe = this.feed.subscribe(() => this.onChange());
    this.heartbeat = setInterval(() => this.send([...this.streams], ": keep-alive\n\n"), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private onChange(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.tell().catch((err: unknown) => this.log(`board: a change could not be sent to the open pages: ${err instanceof Error ? err.message : String(err)}`));
    }, COALESCE_MS);
  }

  private async tell(): Promise<void> {
    const ids = await this.changed();
    if (ids !== "all" && !ids.length) return;
    const chunk = `event: change\ndata: ${++this.version}\n\n`;
    const streams = [...this.streams];
    if (ids === "all") return this.send(streams, chunk);
    const byViewer = new Map<string, Promise<boolean>>();
    const told = await Promise.all(
      streams.map((s) => {
        const key = `${s.owner.viewer.platform}\u0000${s.owner.viewer.userId}`;
        let sees = byViewer.get(key);
        if (!sees) byViewer.set(key, (sees = this.seesAny(s.owner.viewer, ids).catch(() => false)));
        return sees;
      }),
    );
    this.send(streams.filter((_, i) => told[i]), chunk);
  }

  private send(streams: Stream[], chunk: string): void {
    for (const s of streams) if (this.streams.has(s)) s.res.write(chunk);
  }

  /** End every stream (shutdown): the pages reconnect to whichever process serves next. */
  close(): void {
    if (this.pending) clearTimeout(this.pending);
    for (const s of [...this.streams]) s.res.end();
  }
}
