import Database from "better-sqlite3";
import { Listeners, type ChangeFeed } from "./feed.js";

/**
 * SQLite tells a connection, through PRAGMA data_version, whether any other connection has
 * committed since it last asked: a read-only connection of the board's own, asked a few times
 * a second while a page is open, notices changes made by this process and by every other.
 */
export class SqliteChangeFeed implements ChangeFeed {
  private readonly db: Database.Database;
  private readonly listeners: Listeners;
  private timer: NodeJS.Timeout | undefined;
  private version: number;

  constructor(path: string, private readonly intervalMs = 250) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.version = this.read();
    this.listeners = new Listeners(
      () => this.start(),
      () => this.stop(),
    );
  }

  private read(): number {
    return this.db.pragma("data_version", { simple: true }) as number;
  }

  /** Ask once now (the poller's step; tests call it to avoid waiting). */
  poll(): void {
    if (!this.db.open) return;
    const now = this.read();
    if (now === this.version) return;
    this.version = now;
    this.listeners.emit();
  }

  private start(): void {
    this.version = this.read();
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  subscribe(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.stop();
    if (this.db.open) this.db.close();
  }
}
