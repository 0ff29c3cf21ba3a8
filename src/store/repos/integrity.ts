import type { Sql } from "../sql.js";

/**
 * What the engine itself finds wrong with the database file: SQLite's integrity check (pages,
 * indexes that disagree with their tables, malformed records), first problems only. PostgreSQL
 * has no such check without an extension (amcheck), so it reports nothing here.
 */
export async function integrityProblems(sql: Sql, max = 3): Promise<string[]> {
  if (sql.dialect !== "sqlite") return [];
  const rows = await sql.all<{ integrity_check: string }>(`PRAGMA integrity_check(${Math.max(1, Math.trunc(max))})`);
  return rows.map((r) => String(r.integrity_check).replace(/\*\*\* in database \w+ \*\*\*/g, "").replace(/\s+/g, " ").trim()).filter((line) => line && line !== "ok");
}
