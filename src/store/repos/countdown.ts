import type { Sql } from "../sql.js";
import type { WarningRow } from "../../countdown/schedule.js";

/** Warning rows (the countdown plan) and the outbox (messages on their way to a platform). */

/** PostgreSQL replicas claim work without waiting on each other; SQLite has one writer anyway. */
function skipLocked(sql: Sql): string {
  return sql.dialect === "postgres" ? " FOR UPDATE SKIP LOCKED" : "";
}

export function pendingWarningKeys(sql: Sql, incidentId: number): Promise<{ id: number; key: string }[]> {
  return sql.all<{ id: number; key: string }>("SELECT id, key FROM warnings WHERE incident_id = ? AND status = 'pending'", incidentId);
}

export async function cancelWarning(sql: Sql, id: number): Promise<void> {
  await sql.run("UPDATE warnings SET status = 'cancelled' WHERE id = ?", id);
}

/** A planned warning: new, or a cancelled one planned again. Queued and sent rows are history. */
export async function planWarning(sql: Sql, incidentId: number, w: { clock: string; kind: string; key: string; dueAt: number }): Promise<void> {
  await sql.run(
    `INSERT INTO warnings (incident_id, clock, kind, key, due_at, status) VALUES (?, ?, ?, ?, ?, 'pending')
     ON CONFLICT (incident_id, key) DO UPDATE SET status = 'pending', due_at = excluded.due_at WHERE warnings.status = 'cancelled'`,
    incidentId,
    w.clock,
    w.kind,
    w.key,
    w.dueAt,
  );
}

/** The next overdue tick, unless it exists already. */
export async function planOverdue(sql: Sql, incidentId: number, clock: string, key: string, dueAt: number): Promise<void> {
  await sql.run(
    `INSERT INTO warnings (incident_id, clock, kind, key, due_at, status) VALUES (?, ?, 'overdue', ?, ?, 'pending')
     ON CONFLICT (incident_id, key) DO NOTHING`,
    incidentId,
    clock,
    key,
    dueAt,
  );
}

/** Due warnings, locked for this transaction (other replicas skip them). */
export function claimDueWarnings(sql: Sql, now: number, batch: number): Promise<WarningRow[]> {
  return sql.all<WarningRow>(`SELECT * FROM warnings WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?${skipLocked(sql)}`, now, batch);
}

export async function markWarningQueued(sql: Sql, id: number, at: number, outboxKey: string | null): Promise<void> {
  await sql.run("UPDATE warnings SET status = 'queued', queued_at = ?, outbox_key = ? WHERE id = ?", at, outboxKey, id);
}

/** Pending warnings due by `until`, in due order, at most `limit` (a clock jump counts what it would post). */
export function pendingWarningsUntil(sql: Sql, until: number, limit: number): Promise<WarningRow[]> {
  return sql.all<WarningRow>("SELECT * FROM warnings WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT ?", until, limit);
}

export async function nextWarningDue(sql: Sql): Promise<number | undefined> {
  const row = await sql.get<{ due: number | null }>("SELECT min(due_at) AS due FROM warnings WHERE status = 'pending'");
  return row?.due ?? undefined;
}

export interface OutboxRow {
  id: number;
  key: string;
  incident_id: number | null;
  platform: string;
  channel_id: string;
  kind: "post" | "card";
  message: string | null;
  attempts: number;
}

/** Queue a message once per key. */
export async function enqueuePost(sql: Sql, m: { key: string; incidentId: number | null; platform: string; channelId: string; messageJson: string; now: number }): Promise<boolean> {
  const r = await sql.run(
    `INSERT INTO outbox (key, incident_id, platform, channel_id, kind, message, status, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, 'post', ?, 'pending', ?, ?) ON CONFLICT (key) DO NOTHING`,
    m.key,
    m.incidentId,
    m.platform,
    m.channelId,
    m.messageJson,
    m.now,
    m.now,
  );
  return r.changes === 1;
}

/** One card row per incident coalesces bursts; re-arming a row being delivered sends it once more. */
export async function enqueueCard(sql: Sql, incidentId: number, platform: string, channelId: string, now: number): Promise<void> {
  await sql.run(
    `INSERT INTO outbox (key, incident_id, platform, channel_id, kind, status, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, 'card', 'pending', ?, ?)
     ON CONFLICT (key) DO UPDATE SET status = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at,
       claimed_by = NULL, lease_until = NULL, channel_id = excluded.channel_id, last_error = NULL`,
    `card:${incidentId}`,
    incidentId,
    platform,
    channelId,
    now,
    now,
  );
}

/**
 * Claim deliverable rows under a lease: pending ones that are due, and rows another process
 * claimed whose lease ran out (it died mid-delivery). A taken-over row counts as an attempt:
 * the message may have reached the platform, so the adapter looks before posting again.
 */
export async function claimOutbox(sql: Sql, owner: string, now: number, leaseMs: number, limit = 100): Promise<OutboxRow[]> {
  const rows = await sql.all<OutboxRow & { status: string }>(
    `SELECT id, key, incident_id, platform, channel_id, kind, message, attempts, status FROM outbox
     WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND COALESCE(lease_until, 0) < ?)
     ORDER BY id LIMIT ?${skipLocked(sql)}`,
    now,
    now,
    limit,
  );
  for (const r of rows) {
    if (r.status === "sending") r.attempts += 1;
    await sql.run("UPDATE outbox SET status = 'sending', claimed_by = ?, lease_until = ?, attempts = ? WHERE id = ?", owner, now + leaseMs, r.attempts, r.id);
  }
  return rows.map(({ status: _status, ...row }) => row);
}

/**
 * A process lost its claims: rows left "sending" by anyone but `currentOwner` go back to
 * pending at once, as an attempt (they may have reached the platform). Only for a database
 * that one process uses at a time (SQLite): with replicas, claims expire with their lease.
 */
export async function releaseOtherClaims(sql: Sql, currentOwner: string): Promise<number> {
  return (
    await sql.run(
      `UPDATE outbox SET status = 'pending', claimed_by = NULL, lease_until = NULL, attempts = attempts + 1
       WHERE status = 'sending' AND (claimed_by IS NULL OR claimed_by != ?)`,
      currentOwner,
    )
  ).changes;
}

/** Rows whose claim ran out (the process holding them died) go back to pending, as an attempt. */
export async function releaseExpiredClaims(sql: Sql, now: number): Promise<number> {
  return (
    await sql.run(
      `UPDATE outbox SET status = 'pending', claimed_by = NULL, lease_until = NULL, attempts = attempts + 1
       WHERE status = 'sending' AND COALESCE(lease_until, 0) < ?`,
      now,
    )
  ).changes;
}

/**
 * Keep a claim before working on it. False when the row is no longer this owner's: another
 * process took it over after the lease ran out, or it was re-armed (a card) and waits pending.
 */
export async function renewOutboxLease(sql: Sql, id: number, owner: string, leaseUntil: number): Promise<boolean> {
  const r = await sql.run("UPDATE outbox SET lease_until = ? WHERE id = ? AND status = 'sending' AND claimed_by = ?", leaseUntil, id, owner);
  return r.changes === 1;
}

/** Sent, with the warnings it carries. A card re-armed meanwhile stays pending. */
export async function markOutboxSent(sql: Sql, row: { id: number; key: string }, owner: string, now: number): Promise<void> {
  const done = await sql.run("UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL, lease_until = NULL WHERE id = ? AND status = 'sending' AND claimed_by = ?", now, row.id, owner);
  if (done.changes) await sql.run("UPDATE warnings SET status = 'sent' WHERE outbox_key = ?", row.key);
}

export async function markOutboxFailed(sql: Sql, id: number, owner: string, attempts: number, nextAttemptAt: number, reason: string): Promise<void> {
  await sql.run(
    "UPDATE outbox SET status = 'pending', claimed_by = NULL, lease_until = NULL, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'sending' AND claimed_by = ?",
    attempts,
    nextAttemptAt,
    reason,
    id,
    owner,
  );
}
