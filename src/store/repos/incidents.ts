import type { Sql } from "../sql.js";
import { announceChange } from "./changes.js";
import type { IncidentStatus, Reportability } from "../../incidents/model.js";

/** An incidents row as stored. */
export interface IncidentRow {
  id: number;
  title: string;
  description: string | null;
  status: IncidentStatus;
  platform: string;
  channel_id: string | null;
  channel_name: string | null;
  card_message_id: string | null;
  private: number;
  opened_by: string;
  created_at: string;
  aware_at: string;
  level: string;
  reportability: Reportability;
  provisional: number;
  deadline_at: string | null;
  deadline_hours: number | null;
  resolved_at: string | null;
  final_due_at: string | null;
  closed_at: string | null;
  police_reported_at: string | null;
  disclosure_cleared_at: string | null;
  updated_at: string;
  /** The rule pack the incident is judged under; null for one judged before packs were recorded. */
  rules_sha256: string | null;
}

export interface NewIncident {
  title: string;
  description: string | null;
  platform: string;
  channelId: string | null;
  channelName: string | null;
  private: boolean;
  openedBy: string;
  createdAt: string;
  awareAt: string;
  level: string;
  rulesSha256: string;
}

export async function insertIncident(sql: Sql, i: NewIncident): Promise<number> {
  const row = await sql.get<{ id: number }>(
    `INSERT INTO incidents (title, description, status, platform, channel_id, channel_name, private, opened_by, created_at, aware_at, level, updated_at, rules_sha256)
     VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    i.title,
    i.description,
    i.platform,
    i.channelId,
    i.channelName,
    i.private ? 1 : 0,
    i.openedBy,
    i.createdAt,
    i.awareAt,
    i.level,
    i.createdAt,
    i.rulesSha256,
  );
  return (row as { id: number }).id;
}

export function getIncident(sql: Sql, id: number): Promise<IncidentRow | undefined> {
  return sql.get<IncidentRow>("SELECT * FROM incidents WHERE id = ?", id);
}

/**
 * Serialise changes to one incident across processes: PostgreSQL locks its row until the
 * transaction ends; SQLite already holds the database's one write lock.
 */
export async function lockIncident(sql: Sql, id: number): Promise<IncidentRow | undefined> {
  return sql.get<IncidentRow>(`SELECT * FROM incidents WHERE id = ?${sql.dialect === "postgres" ? " FOR UPDATE" : ""}`, id);
}

export function incidentByChannel(sql: Sql, platform: string, channelId: string): Promise<IncidentRow | undefined> {
  return sql.get<IncidentRow>("SELECT * FROM incidents WHERE platform = ? AND channel_id = ?", platform, channelId);
}

export function listIncidents(sql: Sql, status?: IncidentStatus): Promise<IncidentRow[]> {
  return status ? sql.all<IncidentRow>("SELECT * FROM incidents WHERE status = ? ORDER BY id", status) : sql.all<IncidentRow>("SELECT * FROM incidents ORDER BY id");
}

export async function incidentsById(sql: Sql, ids: number[]): Promise<IncidentRow[]> {
  const out: IncidentRow[] = [];
  // In slices: SQLite and PostgreSQL both cap the number of bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    const slice = ids.slice(i, i + 500);
    out.push(...(await sql.all<IncidentRow>(`SELECT * FROM incidents WHERE id IN (${slice.map(() => "?").join(", ")}) ORDER BY id`, ...slice)));
  }
  return out;
}

/** What the snapshot derives, cached on the row for listings. */
export interface DerivedColumns {
  level: string;
  reportability: Reportability;
  provisional: boolean;
  deadlineAt: string | null;
  deadlineHours: number | null;
  finalDueAt: string | null;
  updatedAt: string;
}

export async function storeDerived(sql: Sql, id: number, d: DerivedColumns): Promise<void> {
  await sql.run(
    "UPDATE incidents SET level = ?, reportability = ?, provisional = ?, deadline_at = ?, deadline_hours = ?, final_due_at = ?, updated_at = ? WHERE id = ?",
    d.level,
    d.reportability,
    d.provisional ? 1 : 0,
    d.deadlineAt,
    d.deadlineHours,
    d.finalDueAt,
    d.updatedAt,
    id,
  );
}

export async function setAwareAt(sql: Sql, id: number, awareAt: string): Promise<void> {
  await sql.run("UPDATE incidents SET aware_at = ? WHERE id = ?", awareAt, id);
}

export async function markResolved(sql: Sql, id: number, at: string): Promise<void> {
  await sql.run("UPDATE incidents SET status = 'resolved', resolved_at = ? WHERE id = ?", at, id);
}

export async function markClosed(sql: Sql, id: number, at: string): Promise<void> {
  await sql.run("UPDATE incidents SET status = 'closed', closed_at = ? WHERE id = ?", at, id);
}

export async function setPoliceReported(sql: Sql, id: number, at: string): Promise<void> {
  await sql.run("UPDATE incidents SET police_reported_at = ? WHERE id = ?", at, id);
}

export async function setDisclosureCleared(sql: Sql, id: number, at: string | null): Promise<void> {
  await sql.run("UPDATE incidents SET disclosure_cleared_at = ? WHERE id = ?", at, id);
}

export async function setCardMessage(sql: Sql, id: number, messageId: string): Promise<void> {
  await sql.run("UPDATE incidents SET card_message_id = ? WHERE id = ?", messageId, id);
}

/**
 * Names of a platform's war rooms that start with `base` (held by any incident, open or not).
 * Taken under a per-platform lock on PostgreSQL, so two replicas never reserve the same name.
 */
export async function takenChannelNames(sql: Sql, platform: string, base: string): Promise<Set<string>> {
  if (sql.dialect === "postgres") await sql.get("SELECT pg_advisory_xact_lock(hashtext(?)) AS locked", `warroom:channel-names:${platform}`);
  const rows = await sql.all<{ name: string | null; id: string | null }>(
    `SELECT channel_name AS name, channel_id AS id FROM incidents
     WHERE platform = ? AND (channel_name = ? OR channel_id = ? OR substr(channel_name, 1, ?) = ? OR substr(channel_id, 1, ?) = ?)`,
    platform,
    base,
    base,
    base.length + 1,
    `${base}-`,
    base.length + 1,
    `${base}-`,
  );
  return new Set(rows.flatMap((r) => [r.name, r.id]).filter((x): x is string => x !== null));
}

export async function setChannel(sql: Sql, id: number, channelId: string, channelName: string): Promise<void> {
  await sql.run("UPDATE incidents SET channel_id = ?, channel_name = ? WHERE id = ?", channelId, channelName, id);
  // Not always a timeline event (a room created under its reserved name), but shown: say so.
  await announceChange(sql, id);
}

/** Not closed and judged under another pack (or none recorded): re-judged when the rules change. */
export async function incidentsJudgedOtherwise(sql: Sql, sha256: string): Promise<number[]> {
  const rows = await sql.all<{ id: number }>("SELECT id FROM incidents WHERE status != 'closed' AND (rules_sha256 IS NULL OR rules_sha256 != ?) ORDER BY id", sha256);
  return rows.map((r) => Number(r.id));
}

export async function setRules(sql: Sql, id: number, sha256: string): Promise<void> {
  await sql.run("UPDATE incidents SET rules_sha256 = ? WHERE id = ?", sha256, id);
}
