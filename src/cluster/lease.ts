import type { Store } from "../store/sql.js";
import { dropLease, takeLease } from "../store/repos/leases.js";
import type { Logger } from "../bot/core.js";

export interface LeaseOptions {
  store: Store;
  name: string;
  /** Unique per process (a fresh id each start). */
  owner: string;
  /** How long a taken lease lasts without renewal; another process takes over after it. */
  ttlMs: number;
  /** How often the holder renews and a standby tries; a third of the TTL or less. */
  everyMs: number;
  now?: () => number;
  log: Logger;
  /** This process now holds the lease: start what only one may run. */
  onAcquired(): Promise<void>;
  /** The lease is gone (not renewed in time, or stopping): stop it before another starts it. */
  onLost(): Promise<void>;
}

/**
 * Holds a named lease in the shared store, so that of several replicas exactly one runs a
 * thing (the Discord gateway session). The holder renews every `everyMs`; when renewing
 * fails (database unreachable) it gives the thing up before the lease runs out, so that a
 * standby taking over after the expiry never overlaps it. A standby that sees the lease
 * expired takes it: takeover after a crash happens within ttl + everyMs.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private heldUntil = 0;
  private held = false;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly o: LeaseOptions) {}

  get holding(): boolean {
    return this.held;
  }

  /**
   * Try once at once, then keep trying or renewing in the background. A failure to start
   * the thing on this first try is thrown (a bad token fails the start, not a log line).
   */
  async start(): Promise<void> {
    await this.step(true);
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.step().finally(() => this.schedule());
    }, this.o.everyMs);
    this.timer.unref();
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private async step(first = false): Promise<void> {
    const startedAt = this.now();
    let won: boolean;
    try {
      won = await this.o.store.tx((sql) => takeLease(sql, this.o.name, this.o.owner, startedAt, this.o.ttlMs));
    } catch (err) {
      // Cannot tell whether the lease still stands: keep it only while it surely does.
      if (this.held && this.now() >= this.heldUntil - this.o.everyMs) {
        this.o.log.error(`lease ${this.o.name}: cannot renew (${(err as Error).message}); giving it up before it runs out`);
        await this.lose();
      }
      return;
    }
    if (this.stopped) return;
    if (won) {
      this.heldUntil = startedAt + this.o.ttlMs;
      if (!this.held) {
        this.held = true;
        this.o.log.info(`lease ${this.o.name}: held by this process`);
        try {
          await this.o.onAcquired();
        } catch (err) {
          this.held = false;
          await this.o.store.tx((sql) => dropLease(sql, this.o.name, this.o.owner)).catch(() => undefined);
          if (first) throw err;
          this.o.log.error(`lease ${this.o.name}: could not start after taking it: ${(err as Error).message}; letting it go`);
        }
      }
    } else if (this.held) {
      this.o.log.error(`lease ${this.o.name}: taken by another process`);
      await this.lose();
    }
  }

  private async lose(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.o.onLost().catch((err: unknown) => this.o.log.error(`lease ${this.o.name}: stopping failed: ${(err as Error).message}`));
  }

  /** Stop, give the thing up and release the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
    const wasHeld = this.held;
    await this.lose();
    if (wasHeld) await this.o.store.tx((sql) => dropLease(sql, this.o.name, this.o.owner)).catch(() => undefined);
  }
}
