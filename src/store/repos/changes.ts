import type { Sql } from "../sql.js";

/** The PostgreSQL channel every change to an incident is announced on (the board's live updates). */
export const CHANGE_CHANNEL = "warroom_changes";

/**
 * Announce a change to an incident. PostgreSQL delivers the notification when (and only if)
 * the transaction commits, once however often it was announced in it: open board pages in
 * every replica hear of it. SQLite's readers watch data_version instead.
 */
export async function announceChange(sql: Sql, incidentId: number | null): Promise<void> {
  if (sql.dialect === "postgres") await sql.get("SELECT pg_notify(?, ?)", CHANGE_CHANNEL, String(incidentId ?? ""));
}
