import type { Sql } from "../sql.js";

/**
 * Named leases (owner, expiry in epoch ms). Taking one is a single upsert that only wins
 * over an expired lease or one's own, so two processes racing for it cannot both hold it:
 * PostgreSQL re-checks the WHERE on the row it locked, SQLite has one writer.
 */
export async function takeLease(sql: Sql, name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
  await sql.run(
    `INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until
     WHERE leases.owner = excluded.owner OR leases.until <= ?`,
    name,
    owner,
    now + ttlMs,
    now,
  );
  const row = await sql.get<{ owner: string }>("SELECT owner FROM leases WHERE name = ?", name);
  return row?.owner === owner;
}

/** Let go at once (a clean stop), so another process need not wait for the expiry. */
export async function dropLease(sql: Sql, name: string, owner: string): Promise<void> {
  await sql.run("UPDATE leases SET until = 0 WHERE name = ? AND owner = ?", name, owner);
}

export async function leaseHolder(sql: Sql, name: string, now: number): Promise<string | undefined> {
  const row = await sql.get<{ owner: string; until: number | string }>("SELECT owner, until FROM leases WHERE name = ?", name);
  return row && Number(row.until) > now ? row.owner : undefined;
}
