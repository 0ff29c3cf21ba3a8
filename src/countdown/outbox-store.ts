import type { Db } from "../store/db.js";
import type { Message } from "../bot/message.js";
import type { Incident } from "../incidents/model.js";

/** Queue a message; a key already queued is not queued again (idempotent by key). */
export function enqueuePost(
  db: Db,
  m: { key: string; incidentId: number | null; platform: string; channelId: string; message: Message; now: number },
): boolean {
  const info = db
    .prepare(
      `INSERT OR IGNORE INTO outbox (key, incident_id, platform, channel_id, kind, message, status, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 'post', ?, 'pending', ?, ?)`,
    )
    .run(m.key, m.incidentId, m.platform, m.channelId, JSON.stringify(m.message), m.now, m.now);
  return info.changes === 1;
}

/**
 * Ask for the status card to be re-rendered. One row per incident coalesces bursts of
 * changes; re-arming a row that is being delivered makes it go out once more afterwards.
 */
export function enqueueCardRefresh(db: Db, incident: Incident, now: number): void {
  if (!incident.channelId) return;
  db.prepare(
    `INSERT INTO outbox (key, incident_id, platform, channel_id, kind, status, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, 'card', 'pending', ?, ?)
     ON CONFLICT (key) DO UPDATE SET status = 'pending', attempts = 0, next_attempt_at = excluded.next_attempt_at,
       claimed_by = NULL, channel_id = excluded.channel_id, last_error = NULL`,
  ).run(`card:${incident.id}`, incident.id, incident.platform, incident.channelId, now, now);
}
