import pg from "pg";
import { CHANGE_CHANNEL } from "../../store/repos/changes.js";
import { Listeners, type ChangeFeed } from "./feed.js";

/**
 * PostgreSQL pushes: a dedicated connection LISTENs, and every committed timeline append
 * reaches it. A dropped connection is re-opened with a growing pause; reconnecting counts as
 * a change, since notifications sent meanwhile are lost.
 */
export class PgChangeFeed implements ChangeFeed {
  private readonly listeners = new Listeners();
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private pause = 500;

  private constructor(
    private readonly url: string,
    private readonly log: (message: string) => void,
  ) {}

  static async open(url: string, log: (message: string) => void = () => undefined): Promise<PgChangeFeed> {
    const feed = new PgChangeFeed(url, log);
    await feed.connect();
    return feed;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000, application_name: "warroom-board", keepAlive: true });
    client.on("notification", () => this.listeners.emit());
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.client = client;
    this.pause = 500;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    this.log(`board: the change listener lost PostgreSQL${err ? ` (${err.message})` : ""}; reconnecting`);
    client.end().catch(() => undefined);
    this.schedule();
  }

  private schedule(): void {
    this.retry = setTimeout(() => {
      this.connect().then(
        () => this.listeners.emit(),
        () => {
          this.pause = Math.min(this.pause * 2, 30_000);
          this.schedule();
        },
      );
    }, this.pause);
    this.retry.unref();
  }

  subscribe(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
