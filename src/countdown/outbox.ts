import type { Store } from "../store/sql.js";
import type { ChatPort } from "../bot/adapter.js";
import type { Message } from "../bot/message.js";
import {
  claimOutbox,
  markOutboxFailed,
  markOutboxSent,
  releaseExpiredClaims,
  releaseOtherClaims,
  renewOutboxLease,
  type OutboxRow,
} from "../store/repos/countdown.js";

export interface CardSource {
  /** The card as the incident stands now, and where it was last posted. */
  card(incidentId: number): Promise<{ message: Message; messageId: string | null; topic: string }>;
  cardPosted(incidentId: number, messageId: string): Promise<void>;
}

export interface DeliveryLog {
  error(message: string): void;
}

export interface OutboxOptions {
  store: Store;
  ports: ReadonlyMap<string, ChatPort>;
  cards: CardSource;
  now(): number;
  /** Distinguishes this process's claims from a crashed one's (and from other replicas'). */
  bootId: string;
  /** How long a claim holds (default LEASE_MS; WARROOM_CLAIM_LEASE_S). */
  leaseMs?: number;
  log?: DeliveryLog;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * How long a claim holds. A process that dies mid-delivery leaves its rows "sending"; once
 * the lease has run out another process takes them over. The lease is renewed before each
 * row is handed to the adapter, so it only has to cover one delivery.
 */
export const LEASE_MS = 30_000;

/** Rows claimed per transaction: few, so that none waits long behind the others. */
const CLAIM_BATCH = 20;

/** 1 s, 2 s, 4 s … capped at 5 min: a message is retried until it goes out, never dropped. */
export function backoff(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers queued messages through the adapters. A row is claimed (sending, with this
 * boot's id and a lease), handed to the adapter with its key, then marked sent together
 * with the warnings it carries. Rows left "sending" by a process that died are handed out
 * again with the same key once their lease has run out (on SQLite at once, at the next
 * start), counted as an attempt, so the adapter looks before posting and shows them once.
 */
export class Outbox {
  private running: Promise<number> | null = null;
  /** Topics last set, so a card refresh re-sets the topic only when it changed. */
  private readonly topics = new Map<number, string>();
  private again = false;

  constructor(private readonly o: OutboxOptions) {}

  /**
   * Return rows a previous process claimed but never finished. They count as an attempt:
   * the message may have reached the platform before the process died. SQLite has one
   * process at a time, so every claim but this boot's is released at once; PostgreSQL is
   * shared by replicas, so only claims whose lease ran out are.
   */
  recover(): Promise<number> {
    const { store, bootId } = this.o;
    if (store.dialect === "sqlite") return store.tx((sql) => releaseOtherClaims(sql, bootId));
    const now = this.o.now();
    return store.tx((sql) => releaseExpiredClaims(sql, now));
  }

  /** Deliver everything due; concurrent calls coalesce into one more pass. */
  deliver(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let total = 0;
      try {
        do {
          this.again = false;
          total += await this.pass();
        } while (this.again);
      } finally {
        this.running = null;
      }
      return total;
    })();
    return this.running;
  }

  private claim(): Promise<OutboxRow[]> {
    const now = this.o.now();
    return this.o.store.tx((sql) => claimOutbox(sql, this.o.bootId, now, this.o.leaseMs ?? LEASE_MS, CLAIM_BATCH));
  }

  /** Still ours, for another lease; false when another process took the row over or it was re-armed. */
  private renew(row: OutboxRow): Promise<boolean> {
    const until = this.o.now() + (this.o.leaseMs ?? LEASE_MS);
    return this.o.store.tx((sql) => renewOutboxLease(sql, row.id, this.o.bootId, until));
  }

  private async pass(): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = await this.claim();
      if (!rows.length) return sent;
      for (const row of rows) {
        // A re-armed card is claimed again by the next round; a row taken over is the other process's.
        if (!(await this.renew(row))) continue;
        try {
          await this.send(row);
        } catch (err) {
          await this.markFailed(row, err);
          continue;
        }
        await this.markSent(row);
        sent++;
      }
    }
  }

  private async send(row: OutboxRow): Promise<void> {
    const port = this.o.ports.get(row.platform);
    if (!port) throw new Error(`no adapter for platform "${row.platform}" is running`);
    if (row.kind === "post") {
      await port.post(row.channel_id, JSON.parse(row.message as string) as Message, { idempotencyKey: row.key, mayExist: row.attempts > 0 });
      return;
    }
    const id = row.incident_id as number;
    const { message, messageId, topic } = await this.o.cards.card(id);
    if (this.topics.get(id) !== topic) {
      await port.setTopic(row.channel_id, topic);
      this.topics.set(id, topic);
    }
    if (messageId) {
      await port.edit(row.channel_id, messageId, message);
      return;
    }
    const posted = await port.post(row.channel_id, message, { idempotencyKey: row.key, mayExist: row.attempts > 0 });
    await this.o.cards.cardPosted(id, posted.id);
    try {
      await port.pin(row.channel_id, posted.id);
    } catch (err) {
      // The card is posted and will be edited in place; a missing pin is not worth a repost.
      this.o.log?.error(`could not pin the card of incident ${id}: ${(err as Error).message}`);
    }
  }

  private markSent(row: OutboxRow): Promise<void> {
    const now = this.o.now();
    // A card re-armed while it was being delivered stays pending: it goes out once more.
    return this.o.store.tx((sql) => markOutboxSent(sql, row, this.o.bootId, now));
  }

  private markFailed(row: OutboxRow, err: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const reason = err instanceof Error ? err.message : String(err);
    this.o.log?.error(`delivery of ${row.key} to ${row.platform}:${row.channel_id} failed (attempt ${attempts}): ${reason}`);
    const nextAttemptAt = this.o.now() + backoff(attempts);
    return this.o.store.tx((sql) => markOutboxFailed(sql, row.id, this.o.bootId, attempts, nextAttemptAt, reason));
  }
}
