import type { Sql } from "../sql.js";
import type { ReportName, RoleName, SubmissionKind } from "../../incidents/model.js";

/** Facts, roles, report items, filings, developments and assessments of one incident. */

export async function factsOf(sql: Sql, incidentId: number): Promise<{ name: string; value: string }[]> {
  return sql.all<{ name: string; value: string }>("SELECT name, value FROM facts WHERE incident_id = ?", incidentId);
}

export async function upsertFact(sql: Sql, incidentId: number, name: string, valueJson: string, at: string, by: string): Promise<void> {
  await sql.run(
    `INSERT INTO facts (incident_id, name, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (incident_id, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    incidentId,
    name,
    valueJson,
    at,
    by,
  );
}

export async function deleteFact(sql: Sql, incidentId: number, name: string): Promise<void> {
  await sql.run("DELETE FROM facts WHERE incident_id = ? AND name = ?", incidentId, name);
}

export function rolesOf(sql: Sql, incidentId: number): Promise<{ role: RoleName; user_id: string }[]> {
  return sql.all<{ role: RoleName; user_id: string }>("SELECT role, user_id FROM roles WHERE incident_id = ?", incidentId);
}

export async function upsertRole(sql: Sql, incidentId: number, role: RoleName, userId: string, at: string, by: string): Promise<void> {
  await sql.run(
    `INSERT INTO roles (incident_id, role, user_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (incident_id, role) DO UPDATE SET user_id = excluded.user_id, assigned_at = excluded.assigned_at, assigned_by = excluded.assigned_by`,
    incidentId,
    role,
    userId,
    at,
    by,
  );
}

export function reportItemsOf(sql: Sql, incidentId: number): Promise<{ report: ReportName; item: string; value: string }[]> {
  return sql.all<{ report: ReportName; item: string; value: string }>("SELECT report, item, value FROM report_items WHERE incident_id = ?", incidentId);
}

export async function upsertReportItem(sql: Sql, incidentId: number, report: ReportName, item: string, value: string, at: string, by: string): Promise<void> {
  await sql.run(
    `INSERT INTO report_items (incident_id, report, item, value, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (incident_id, report, item) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    incidentId,
    report,
    item,
    value,
    at,
    by,
  );
}

export async function deleteReportItem(sql: Sql, incidentId: number, report: ReportName, item: string): Promise<void> {
  await sql.run("DELETE FROM report_items WHERE incident_id = ? AND report = ? AND item = ?", incidentId, report, item);
}

export interface SubmissionRow {
  id: number;
  kind: SubmissionKind;
  channel: string;
  reference: string | null;
  submitted_at: string;
  recorded_by: string;
  items: string;
  draft: string;
  incomplete_reason: string | null;
}

export function submissionsOf(sql: Sql, incidentId: number): Promise<SubmissionRow[]> {
  return sql.all<SubmissionRow>("SELECT * FROM submissions WHERE incident_id = ? ORDER BY id", incidentId);
}

export async function hasInitialSubmission(sql: Sql, incidentId: number): Promise<boolean> {
  return (await sql.get("SELECT 1 AS one FROM submissions WHERE incident_id = ? AND kind = 'initial' LIMIT 1", incidentId)) !== undefined;
}

export async function insertSubmission(sql: Sql, incidentId: number, s: Omit<SubmissionRow, "id">): Promise<number> {
  const row = await sql.get<{ id: number }>(
    `INSERT INTO submissions (incident_id, kind, channel, reference, submitted_at, recorded_by, items, draft, incomplete_reason)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    incidentId,
    s.kind,
    s.channel,
    s.reference,
    s.submitted_at,
    s.recorded_by,
    s.items,
    s.draft,
    s.incomplete_reason,
  );
  return (row as { id: number }).id;
}

export interface DevelopmentRow {
  id: number;
  text: string;
  at: string;
  actor: string;
  submission_id: number | null;
}

export function developmentsOf(sql: Sql, incidentId: number): Promise<DevelopmentRow[]> {
  return sql.all<DevelopmentRow>("SELECT id, text, at, actor, submission_id FROM developments WHERE incident_id = ? ORDER BY id", incidentId);
}

export async function insertDevelopment(sql: Sql, incidentId: number, text: string, at: string, actor: string): Promise<void> {
  await sql.run("INSERT INTO developments (incident_id, text, at, actor) VALUES (?, ?, ?, ?)", incidentId, text, at, actor);
}

/** Developments not yet reported are covered by this update report. */
export async function attachDevelopments(sql: Sql, incidentId: number, submissionId: number): Promise<void> {
  await sql.run("UPDATE developments SET submission_id = ? WHERE incident_id = ? AND submission_id IS NULL", submissionId, incidentId);
}

export interface AssessmentRow {
  id: number;
  verdict: "not_reportable";
  reason: string;
  unknown_facts: string;
  at: string;
  actor: string;
}

export function activeAssessment(sql: Sql, incidentId: number): Promise<AssessmentRow | undefined> {
  return sql.get<AssessmentRow>(
    "SELECT id, verdict, reason, unknown_facts, at, actor FROM assessments WHERE incident_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1",
    incidentId,
  );
}

export async function insertAssessment(sql: Sql, incidentId: number, reason: string, unknownFactsJson: string, at: string, actor: string): Promise<number> {
  const row = await sql.get<{ id: number }>(
    "INSERT INTO assessments (incident_id, verdict, reason, unknown_facts, at, actor) VALUES (?, 'not_reportable', ?, ?, ?, ?) RETURNING id",
    incidentId,
    reason,
    unknownFactsJson,
    at,
    actor,
  );
  return (row as { id: number }).id;
}

export async function revokeAssessment(sql: Sql, assessmentId: number, at: string, by: string, reason: string): Promise<void> {
  await sql.run("UPDATE assessments SET revoked_at = ?, revoked_by = ?, revoked_reason = ? WHERE id = ?", at, by, reason, assessmentId);
}

/** Forget delivery keys older than this: platforms stop retrying within minutes. */
export async function pruneProcessed(sql: Sql, before: number): Promise<number> {
  return (await sql.run("DELETE FROM processed_requests WHERE at < ?", before)).changes;
}

/** Record a delivery key once; false when it was already applied (a platform retry). */
export async function markProcessed(sql: Pick<Sql, "run">, key: string, at: number): Promise<boolean> {
  return (await sql.run("INSERT INTO processed_requests (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, at)).changes === 1;
}
