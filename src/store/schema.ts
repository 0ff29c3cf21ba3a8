import type Database from "better-sqlite3";
import type { Sql } from "./sql.js";

/**
 * What each schema version adds that can be seen in the database: a table, an index or a
 * column. The version a database says it is at (SQLite's user_version, PostgreSQL's
 * schema_migrations rows) can be edited like any row; what its tables are cannot be hidden
 * that way. So `verify` and the migrations compare the two, and an edited version is found
 * instead of blinding verify or breaking the next start. One entry per migration, in order
 * (test/store/schema.test.ts holds the lists to the migrations).
 */
export type SchemaMarker = { table: string } | { index: string } | { table: string; column: string };

export const SQLITE_MARKERS: readonly SchemaMarker[] = [
  /* 1 */ { table: "incidents" },
  /* 2 */ { index: "processed_requests_at" },
  /* 3 */ { table: "assessments" },
  /* 4 */ { table: "timeline_head" },
  /* 5 */ { table: "outbox", column: "lease_until" },
  /* 6 */ { table: "leases" },
  /* 7 */ { table: "board_sessions" },
  /* 8 */ { table: "shown_forms" },
  /* 9 */ { table: "rule_packs" },
];

export const PG_MARKERS: readonly SchemaMarker[] = [
  /* 1 */ { table: "incidents" },
  /* 2 */ { table: "timeline_head" },
  /* 3 */ { table: "outbox", column: "lease_until" },
  /* 4 */ { table: "leases" },
  /* 5 */ { table: "board_sessions" },
  /* 6 */ { table: "shown_forms" },
  /* 7 */ { table: "rule_packs" },
];

/** The version whose markers are exactly those present (each version's and none after it), or null. */
export function versionOfTables(present: readonly boolean[]): number | null {
  const v = present.indexOf(false);
  const reached = v === -1 ? present.length : v;
  return present.slice(reached).some(Boolean) ? null : reached;
}

export interface SchemaState {
  /** What the database says: user_version, or the highest schema_migrations row. */
  declared: number;
  /** PostgreSQL: the schema_migrations rows are 1…declared without a gap (always true on SQLite). */
  contiguous: boolean;
  /** The version its tables are, or null when they match none. */
  tables: number | null;
  /** The version this warroom writes. */
  expected: number;
  /** The chain head's table exists (databases from before it keep none). */
  headKept: boolean;
}

const SQLITE_HAS = {
  table: "SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = ?",
  index: "SELECT 1 AS one FROM sqlite_master WHERE type = 'index' AND name = ?",
  column: "SELECT 1 AS one FROM pragma_table_info(?) WHERE name = ?",
};

const PG_HAS = {
  table: "SELECT 1 AS one FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?",
  index: "SELECT 1 AS one FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?",
  column: "SELECT 1 AS one FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?",
};

function query(m: SchemaMarker, has: typeof SQLITE_HAS): [string, ...string[]] {
  if ("column" in m) return [has.column, m.table, m.column];
  if ("index" in m) return [has.index, m.index];
  return [has.table, m.table];
}

/** SQLite, synchronously: what the migrations check before they run. */
export function sqliteTablesVersion(db: Database.Database): number | null {
  return versionOfTables(SQLITE_MARKERS.map((m) => {
    const [sql, ...params] = query(m, SQLITE_HAS);
    return db.prepare(sql).get(...params) !== undefined;
  }));
}

/** Either engine, inside a read: what the database says and what its tables are. */
export async function schemaState(sql: Sql): Promise<SchemaState> {
  const markers = sql.dialect === "sqlite" ? SQLITE_MARKERS : PG_MARKERS;
  const has = sql.dialect === "sqlite" ? SQLITE_HAS : PG_HAS;
  const present: boolean[] = [];
  for (const m of markers) {
    const [text, ...params] = query(m, has);
    present.push((await sql.get(text, ...params)) !== undefined);
  }
  const tables = versionOfTables(present);
  const headKept = present[markers.findIndex((m) => !("column" in m) && "table" in m && m.table === "timeline_head")] === true;
  if (sql.dialect === "sqlite") {
    const row = await sql.get<{ user_version: number }>("PRAGMA user_version");
    return { declared: Number(row?.user_version ?? 0), contiguous: true, tables, expected: markers.length, headKept };
  }
  const rows = present[0] || (await sql.get("SELECT 1 AS one FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"))
    ? await sql.all<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")
    : [];
  const versions = rows.map((r) => Number(r.version));
  const declared = versions.length ? Math.max(...versions) : 0;
  return { declared, contiguous: versions.every((v, i) => v === i + 1), tables, expected: markers.length, headKept };
}

/** Set what the database says to what its tables are (`warroom repair-schema`). */
export async function declareVersion(sql: Sql, version: number): Promise<void> {
  if (!Number.isInteger(version) || version < 0) throw new Error(`not a schema version: ${version}`);
  if (sql.dialect === "sqlite") {
    await sql.run(`PRAGMA user_version = ${version}`);
    return;
  }
  await sql.run("DELETE FROM schema_migrations WHERE version > ?", version);
  for (let v = 1; v <= version; v++) await sql.run("INSERT INTO schema_migrations (version) VALUES (?) ON CONFLICT (version) DO NOTHING", v);
}

/** One line on a schema that is not this warroom's, or undefined when it is. */
export function schemaProblem(s: SchemaState): string | undefined {
  if (s.tables === null) return `schema MISMATCH: the tables match no warroom schema (changed outside warroom): state NOT checked; restore the database from a backup`;
  if (s.declared !== s.tables || !s.contiguous) {
    const says = s.contiguous ? `schema ${s.declared}` : `schema ${s.declared} with versions missing`;
    return `schema MISMATCH: the database says ${says}, its tables are schema ${s.tables}'s (changed outside warroom): state NOT checked; set it back with warroom repair-schema, then verify again`;
  }
  if (s.declared > s.expected) return `the database is at schema ${s.declared}, newer than this warroom (${s.expected}): state NOT checked; upgrade warroom`;
  return undefined;
}

/**
 * A database at an older schema whose tables are that schema's (not yet upgraded): its chain
 * is checked, its state is not, and `verify` says so. Undefined at this warroom's schema.
 */
export function olderSchemaNote(s: SchemaState): string | undefined {
  if (s.declared >= s.expected) return undefined;
  return `${s.headKept ? "state not checked" : "no head stored, state not checked"}: the database is at schema ${s.declared}, this warroom at ${s.expected} (start warroom once to upgrade it)`;
}
