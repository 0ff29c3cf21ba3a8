import type { Db } from "../store/db.js";
import type { ChatPort } from "../bot/adapter.js";
import type { Message } from "../bot/message.js";

interface OutboxRow {
  id: number;
  key: string;
  incident_id: number | null;
  platform: string;
  channel_id: string;
  kind: "post" | "card";
  message: string | null;
  attempts: number;
}

export interface CardSource {
  /** The card as the incident stands now, and where it was last posted. */
  card(incidentId: number): { message: Message; messageId: string | null; topic: string };
  cardPosted(incidentId: number, messageId: string): void;
}

export interface DeliveryLog {
  error(message: string): void;
}

export interface OutboxOptions {
  db: Db;
  ports: ReadonlyMap<string, ChatPort>;
  cards: CardSource;
  now(): number;
  /** Distinguishes this process's claims from a crashed one's. */
  bootId: string;
  log?: DeliveryLog;
}

const MAX_BACKOFF_MS = 5 * 60_000;

/** 1 s, 2 s, 4 s … capped at 5 min: a message is retried until it goes out, never dropped. */
export function backoff(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

/**
 * Delivers queued messages through the adapters. A row is claimed (sending, with this
 * boot's id), handed to the adapter with its key, then marked sent together with the
 * warnings it carries. After a crash, rows left "sending" by an earlier boot are handed
 * out again with the same key, and the adapter's idempotent post shows them once.
 */
export class Outbox {
  private running: Promise<number> | null = null;
  /** Topics last set, so a card refresh re-sets the topic only when it changed. */
  private readonly topics = new Map<number, string>();
  private again = false;

  constructor(private readonly o: OutboxOptions) {}

  /**
   * Return rows a previous process claimed but never finished. They count as an attempt:
   * the message may have reached the platform before the process died.
   */
  recover(): number {
    return this.o.db
      .prepare(
        "UPDATE outbox SET status = 'pending', claimed_by = NULL, attempts = attempts + 1 WHERE status = 'sending' AND (claimed_by IS NULL OR claimed_by != ?)",
      )
      .run(this.o.bootId).changes;
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

  private claim(): OutboxRow[] {
    const { db, bootId } = this.o;
    return db
      .transaction(() => {
        const rows = db
          .prepare("SELECT id, key, incident_id, platform, channel_id, kind, message, attempts FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT 100")
          .all(this.o.now()) as OutboxRow[];
        const mark = db.prepare("UPDATE outbox SET status = 'sending', claimed_by = ? WHERE id = ?");
        for (const r of rows) mark.run(bootId, r.id);
        return rows;
      })
      .immediate();
  }

  private async pass(): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = this.claim();
      if (!rows.length) return sent;
      for (const row of rows) {
        try {
          await this.send(row);
          this.markSent(row);
          sent++;
        } catch (err) {
          this.markFailed(row, err);
        }
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
    const { message, messageId, topic } = this.o.cards.card(id);
    if (this.topics.get(id) !== topic) {
      await port.setTopic(row.channel_id, topic);
      this.topics.set(id, topic);
    }
    if (messageId) {
      await port.edit(row.channel_id, messageId, message);
      return;
    }
    const posted = await port.post(row.channel_id, message, { idempotencyKey: row.key, mayExist: row.attempts > 0 });
    this.o.cards.cardPosted(id, posted.id);
    try {
      await port.pin(row.channel_id, posted.id);
    } catch (err) {
      // The card is posted and will be edited in place; a missing pin is not worth a repost.
      this.o.log?.error(`could not pin the card of incident ${id}: ${(err as Error).message}`);
    }
  }

  private markSent(row: OutboxRow): void {
    const { db } = this.o;
    db.transaction(() => {
      // A card re-armed while it was being delivered stays pending: it goes out once more.
      const done = db
        .prepare("UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ? AND status = 'sending' AND claimed_by = ?")
        .run(this.o.now(), row.id, this.o.bootId);
      if (done.changes) db.prepare("UPDATE warnings SET status = 'sent' WHERE outbox_key = ?").run(row.key);
    }).immediate();
  }

  private markFailed(row: OutboxRow, err: unknown): void {
    const attempts = row.attempts + 1;
    const reason = err instanceof Error ? err.message : String(err);
    this.o.log?.error(`delivery of ${row.key} to ${row.platform}:${row.channel_id} failed (attempt ${attempts}): ${reason}`);
    this.o.db
      .prepare(
        "UPDATE outbox SET status = 'pending', claimed_by = NULL, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'sending' AND claimed_by = ?",
      )
      .run(attempts, this.o.now() + backoff(attempts), reason, row.id, this.o.bootId);
  }
}
