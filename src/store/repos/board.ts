import type { Sql } from "../sql.js";

/** Whom a link or session signs in, as stored beside its hash. */
export interface BoardIdentityRow {
  platform: string;
  user_id: string;
  user_name: string | null;
  zone: string | null;
}

/** Both tables are keyed by a token's hash and name whom it signs in, until when. */
async function insertToken(sql: Sql, table: "board_links" | "board_sessions", hash: string, who: BoardIdentityRow, now: number, expiresAt: number): Promise<void> {
  await sql.run(
    `INSERT INTO ${table} (token_hash, platform, user_id, user_name, zone, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    hash,
    who.platform,
    who.user_id,
    who.user_name,
    who.zone,
    now,
    expiresAt,
  );
}

export function insertLink(sql: Sql, hash: string, who: BoardIdentityRow, now: number, expiresAt: number): Promise<void> {
  return insertToken(sql, "board_links", hash, who, now, expiresAt);
}

/** A link that can still be redeemed (neither used nor expired), without using it. */
export async function usableLink(sql: Sql, hash: string, now: number): Promise<BoardIdentityRow | undefined> {
  return sql.get<BoardIdentityRow>(
    "SELECT platform, user_id, user_name, zone FROM board_links WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
    hash,
    now,
  );
}

/**
 * Mark the link used and return whom it names, in one statement: of two redemptions racing
 * (two tabs, two replicas) exactly one gets the row.
 */
export async function useLink(sql: Sql, hash: string, now: number): Promise<BoardIdentityRow | undefined> {
  return sql.get<BoardIdentityRow>(
    `UPDATE board_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
     RETURNING platform, user_id, user_name, zone`,
    now,
    hash,
    now,
  );
}

export function insertSession(sql: Sql, hash: string, who: BoardIdentityRow, now: number, expiresAt: number): Promise<void> {
  return insertToken(sql, "board_sessions", hash, who, now, expiresAt);
}

export async function liveSession(sql: Sql, hash: string, now: number): Promise<(BoardIdentityRow & { expires_at: number }) | undefined> {
  return sql.get<BoardIdentityRow & { expires_at: number }>(
    "SELECT platform, user_id, user_name, zone, expires_at FROM board_sessions WHERE token_hash = ? AND expires_at > ?",
    hash,
    now,
  );
}

export async function deleteSession(sql: Sql, hash: string): Promise<void> {
  await sql.run("DELETE FROM board_sessions WHERE token_hash = ?", hash);
}

/** Expired links and sessions are of no use to anyone: dropped when new ones are made. */
export async function pruneExpired(sql: Sql, now: number): Promise<void> {
  await sql.run("DELETE FROM board_links WHERE expires_at <= ?", now);
  await sql.run("DELETE FROM board_sessions WHERE expires_at <= ?", now);
}

/**
 * How many incidents there are, how many have their channel, and when the latest changed:
 * with the timeline head, whether a reading still holds. Attaching a channel is the one
 * change without a timeline event (where a room lives is not incident state); the count
 * catches it even within the millisecond of the last change.
 */
export async function incidentsStamp(sql: Sql): Promise<{ n: number; channels: number; latest: string | null }> {
  const row = await sql.get<{ n: number; channels: number; latest: string | null }>("SELECT count(*) AS n, count(channel_id) AS channels, max(updated_at) AS latest FROM incidents");
  return row ? { n: Number(row.n), channels: Number(row.channels), latest: row.latest } : { n: 0, channels: 0, latest: null };
}

/**
 * The incidents changed since a reading: those with timeline events after `afterSeq` (every
 * change to an incident appends one), and those whose row moved after `updatedAfter`.
 */
export async function incidentsChangedSince(sql: Sql, afterSeq: number, updatedAfter: string | null): Promise<number[]> {
  const ids = new Set<number>();
  for (const r of await sql.all<{ id: number }>("SELECT DISTINCT incident_id AS id FROM timeline WHERE seq > ? AND incident_id IS NOT NULL", afterSeq)) ids.add(Number(r.id));
  if (updatedAfter !== null) {
    // At or after: a change within the same millisecond as the last reading is read again too.
    for (const r of await sql.all<{ id: number }>("SELECT id FROM incidents WHERE updated_at >= ?", updatedAfter)) ids.add(Number(r.id));
  }
  return [...ids].sort((a, b) => a - b);
}
