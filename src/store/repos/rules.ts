import type { Sql } from "../sql.js";

/** A rule pack as recorded: its exact content under the SHA-256 of that content. */
export interface RulePackRow {
  sha256: string;
  pack_id: string;
  version: string;
  origin: string;
  content: string;
  recorded_at: string;
  /** 1: the pack that judged the incidents that name none (recorded before packs were). */
  legacy: number;
}

/** Record a pack the first time it is applied; a pack already recorded is left as it was. */
export async function recordPack(sql: Sql, p: RulePackRow): Promise<void> {
  await sql.run(
    "INSERT INTO rule_packs (sha256, pack_id, version, origin, content, recorded_at, legacy) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
    p.sha256,
    p.pack_id,
    p.version,
    p.origin,
    p.content,
    p.recorded_at,
    p.legacy,
  );
}

/** The pack recorded as having judged the incidents that name none; the first one if replicas raced. */
export function legacyPackRow(sql: Sql): Promise<RulePackRow | undefined> {
  return sql.get<RulePackRow>("SELECT * FROM rule_packs WHERE legacy = 1 ORDER BY recorded_at, sha256 LIMIT 1");
}

export async function anyUnrecordedIncident(sql: Sql): Promise<boolean> {
  return (await sql.get("SELECT 1 AS one FROM incidents WHERE rules_sha256 IS NULL LIMIT 1")) !== undefined;
}

export function packBySha(sql: Sql, sha256: string): Promise<RulePackRow | undefined> {
  return sql.get<RulePackRow>("SELECT * FROM rule_packs WHERE sha256 = ?", sha256);
}

export function allPacks(sql: Sql): Promise<RulePackRow[]> {
  return sql.all<RulePackRow>("SELECT * FROM rule_packs ORDER BY recorded_at, sha256");
}

/** How many incidents each pack judges now (NULL: judged before packs were recorded). */
export async function incidentsPerPack(sql: Sql): Promise<Map<string | null, { open: number; closed: number }>> {
  const rows = await sql.all<{ sha: string | null; closed: number; n: number }>(
    "SELECT rules_sha256 AS sha, CASE WHEN status = 'closed' THEN 1 ELSE 0 END AS closed, COUNT(*) AS n FROM incidents GROUP BY rules_sha256, CASE WHEN status = 'closed' THEN 1 ELSE 0 END",
  );
  const out = new Map<string | null, { open: number; closed: number }>();
  for (const r of rows) {
    const entry = out.get(r.sha) ?? { open: 0, closed: 0 };
    if (Number(r.closed)) entry.closed += Number(r.n);
    else entry.open += Number(r.n);
    out.set(r.sha, entry);
  }
  return out;
}
