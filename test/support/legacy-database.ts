/**
 * A database as release 0.1.0 left it (test/fixtures/legacy): the released migrations up to
 * its schema, then its rows. Released migrations never change, so running this code's first
 * ones gives that schema exactly.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { MIGRATIONS } from "../../src/store/migrations.js";
import { PG_MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { ROOT } from "./run-ts.js";

export const LEGACY_SQLITE_SCHEMA = 8;
export const LEGACY_PG_SCHEMA = 6;

type Row = Record<string, string | number | null>;

/** In insertion order: every table after the ones its rows refer to. */
const TABLES = ["incidents", "facts", "roles", "report_items", "submissions", "developments", "assessments", "warnings", "outbox", "timeline", "processed_requests"] as const;
const IDENTITIES: Record<string, string> = { incidents: "id", submissions: "id", developments: "id", assessments: "id", warnings: "id", outbox: "id", timeline: "seq" };

function rows(): Record<string, Row[]> {
  return JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "legacy", "schema-8-rows.json"), "utf8")) as Record<string, Row[]>;
}

function insertSql(table: string, row: Row, placeholder: (i: number) => string): { text: string; values: (string | number | null)[] } {
  const columns = Object.keys(row);
  return { text: `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((_, i) => placeholder(i)).join(", ")})`, values: columns.map((c) => row[c] ?? null) };
}

export function writeLegacySqlite(path: string): void {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  const data = rows();
  db.transaction(() => {
    for (const m of MIGRATIONS.slice(0, LEGACY_SQLITE_SCHEMA)) db.exec(m);
    for (const table of TABLES) for (const row of data[table] ?? []) {
      const { text, values } = insertSql(table, row, () => "?");
      db.prepare(text).run(...values);
    }
    const head = data.timeline_head?.[0] as Row;
    db.prepare("UPDATE timeline_head SET events = ?, hash = ? WHERE id = 1").run(head.events, head.hash);
    db.pragma(`user_version = ${LEGACY_SQLITE_SCHEMA}`);
  })();
  db.close();
}

export async function writeLegacyPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const data = rows();
  try {
    await client.query("BEGIN");
    await client.query("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    for (const [i, m] of PG_MIGRATIONS.slice(0, LEGACY_PG_SCHEMA).entries()) {
      await client.query(m);
      await client.query("INSERT INTO schema_migrations (version) VALUES ($1)", [i + 1]);
    }
    for (const table of TABLES) for (const row of data[table] ?? []) {
      const { text, values } = insertSql(table, row, (i) => `$${i + 1}`);
      await client.query(text, values);
    }
    const head = data.timeline_head?.[0] as Row;
    await client.query("UPDATE timeline_head SET events = $1, hash = $2 WHERE id = 1", [head.events, head.hash]);
    // Rows came with their ids: the identities continue after them, as they did in the database.
    for (const [table, column] of Object.entries(IDENTITIES)) {
      await client.query(`SELECT setval(pg_get_serial_sequence('${table}', '${column}'), GREATEST((SELECT max(${column}) FROM ${table}), 1))`);
    }
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}
