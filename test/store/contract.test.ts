/**
 * The Store contract (src/store/sql.ts), proven on both engines against real databases: a
 * SQLite file and a PostgreSQL database of this file's own on the run's test cluster.
 */
import { PG_MIGRATIONS } from "../../src/store/postgres/migrations.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseBusyError, DatabaseUnavailableError, openDatabase } from "../../src/store/db.js";
import { createApp } from "../../src/app.js";
import { StoreUsageError, TransactionAbortedError } from "../../src/store/engine.js";
import { StoreOpenError, openStore } from "../../src/store/open.js";
import { PgStore } from "../../src/store/postgres/store.js";
import type { Sql, Store } from "../../src/store/sql.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { PASSWORD_ROLE, admin, createTestDatabase, databaseUrl, useTestDatabase } from "../support/postgres.js";

const dir = mkdtempSync(join(tmpdir(), "warroom-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pgDb = useTestDatabase("contract");

interface Engine {
  name: "sqlite" | "postgres";
  /** The location of this suite's database: a file, or the PostgreSQL URL. */
  location(): string;
}

const engines: Engine[] = [
  { name: "sqlite", location: () => join(dir, "contract.db") },
  { name: "postgres", location: () => pgDb.url },
];

function insertIncident(sql: Sql, title: string): Promise<{ id: number } | undefined> {
  return sql.get<{ id: number }>(
    `INSERT INTO incidents (title, status, platform, opened_by, created_at, aware_at, level, updated_at)
     VALUES (?, 'open', 'test', 'alice', '2026-03-02T01:00:00Z', '2026-03-02T01:00:00Z', 'general', '2026-03-02T01:00:00Z')
     RETURNING id`,
    title,
  );
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe.each(engines)("the store contract on $name", (engine) => {
  let store: Store;

  beforeAll(async () => {
    store = await openStore(engine.location());
    await store.tx(async (sql) => {
      await sql.run("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
      await sql.run("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL, at BIGINT)");
    });
  });
  afterAll(() => store?.close());

  it("reports its engine and where it lives (no password)", () => {
    expect(store.dialect).toBe(engine.name);
    expect(store.location).toBe(engine.location());
  });

  it("runs get, all and run with ? placeholders, and counts only the rows changed", async () => {
    await store.tx(async (sql) => {
      for (const [k, v] of [["a", "one"], ["b", "two"], ["c", "two"]]) {
        expect(await sql.run("INSERT INTO kv (k, v) VALUES (?, ?)", k as string, v as string)).toEqual({ changes: 1 });
      }
      expect(await sql.get("SELECT k, v FROM kv WHERE k = ? AND v <> 'what?'", "a")).toEqual({ k: "a", v: "one" });
      expect(await sql.get("SELECT k FROM kv WHERE k = ?", "none")).toBeUndefined();
      expect(await sql.all("SELECT k FROM kv WHERE v = ? ORDER BY k", "two")).toEqual([{ k: "b" }, { k: "c" }]);
      expect(await sql.all("SELECT k FROM kv WHERE v = ?", "none")).toEqual([]);
      expect(await sql.run("UPDATE kv SET v = ? WHERE v = ?", "deux", "two")).toEqual({ changes: 2 });
      expect(await sql.run("DELETE FROM kv WHERE k = ?", "none")).toEqual({ changes: 0 });
      // Neither a SELECT nor DDL reports the count of the write before it.
      expect(await sql.run("SELECT k FROM kv")).toEqual({ changes: 0 });
      expect(await sql.run("CREATE INDEX IF NOT EXISTS kv_v ON kv (v)")).toEqual({ changes: 0 });
      expect(await sql.run("DELETE FROM kv WHERE k IN (?, ?, ?)", "a", "b", "c")).toEqual({ changes: 3 });
    });
  });

  it("returns generated ids and changed rows with RETURNING", async () => {
    const [first, second, updated] = await store.tx(async (sql) => {
      const a = await insertIncident(sql, "first");
      const b = await insertIncident(sql, "second");
      const u = await sql.all<{ id: number; title: string }>("UPDATE incidents SET title = title || ' (edited)' WHERE id IN (?, ?) RETURNING id, title", a?.id ?? -1, b?.id ?? -1);
      return [a, b, u];
    });
    expect(typeof first?.id).toBe("number");
    expect(second?.id).toBeGreaterThan(first?.id ?? Infinity);
    expect(updated.sort((x, y) => x.id - y.id)).toEqual([
      { id: first?.id, title: "first (edited)" },
      { id: second?.id, title: "second (edited)" },
    ]);
  });

  it("runs one statement on its own (store.run), also while a transaction is waiting on another", async () => {
    const once = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING";
    expect(await store.run(once, "guard-1", "x")).toEqual({ changes: 1 });
    expect(await store.run(once, "guard-1", "y")).toEqual({ changes: 0 });
    // A transaction paused at an await: a lone statement must neither join it nor be lost with it.
    let resume!: () => void;
    const paused = new Promise<void>((r) => (resume = r));
    const tx = store.tx(async (sql) => {
      await sql.run(once, "in-tx", "z");
      await paused;
      throw new Error("rolled back");
    });
    const lone = store.run(once, "guard-2", "x");
    resume();
    await expect(tx).rejects.toThrow("rolled back");
    expect(await lone).toEqual({ changes: 1 });
    const keys = await store.read((sql) => sql.all<{ k: string }>("SELECT k FROM kv WHERE k IN ('guard-1', 'guard-2', 'in-tx') ORDER BY k"));
    expect(keys.map((r) => r.k)).toEqual(["guard-1", "guard-2"]);
  });

  it("upserts with ON CONFLICT DO UPDATE (with and without a WHERE) and DO NOTHING", async () => {
    const upsert = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v";
    const guarded = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE kv.v = 'cancelled'";
    const once = "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING";
    await store.tx(async (sql) => {
      expect(await sql.run(upsert, "u", "first")).toEqual({ changes: 1 });
      expect(await sql.run(upsert, "u", "second")).toEqual({ changes: 1 });
      expect(await sql.run(guarded, "u", "third")).toEqual({ changes: 0 });
      expect(await sql.run(once, "u", "fourth")).toEqual({ changes: 0 });
      expect(await sql.run(once, "n", "new")).toEqual({ changes: 1 });
    });
    const rows = await store.read((sql) => sql.all("SELECT k, v FROM kv WHERE k IN ('u', 'n') ORDER BY k"));
    expect(rows).toEqual([
      { k: "n", v: "new" },
      { k: "u", v: "second" },
    ]);
  });

  it("round-trips epoch milliseconds in BIGINT as numbers, and counts and sums as numbers", async () => {
    const now = 1_767_225_600_123;
    await store.tx(async (sql) => {
      await sql.run("INSERT INTO kv (k, v, at) VALUES (?, ?, ?)", "epoch-1", "x", now);
      await sql.run("INSERT INTO kv (k, v, at) VALUES (?, ?, ?)", "epoch-2", "x", now - 123);
      await sql.run("INSERT INTO kv (k, v, at) VALUES (?, ?, ?)", "max-safe", "x", Number.MAX_SAFE_INTEGER);
    });
    const row = await store.read((sql) => sql.get<{ at: unknown }>("SELECT at FROM kv WHERE k = ?", "epoch-1"));
    expect(row?.at).toBe(now);
    const max = await store.read((sql) => sql.get<{ at: unknown }>("SELECT at FROM kv WHERE k = ?", "max-safe"));
    expect(max?.at).toBe(Number.MAX_SAFE_INTEGER);
    const agg = await store.read((sql) =>
      sql.get<{ c: unknown; s: unknown; m: unknown }>("SELECT COUNT(*) AS c, SUM(at) AS s, MAX(at) AS m FROM kv WHERE k LIKE ?", "epoch-%"),
    );
    expect(agg).toEqual({ c: 2, s: 2 * now - 123, m: now });
    const due = await store.tx(async (sql) => {
      const inc = await insertIncident(sql, "with a warning");
      await sql.run("INSERT INTO warnings (incident_id, clock, kind, key, due_at, status) VALUES (?, 'report', 'half', 'k1', ?, 'pending')", inc?.id ?? 0, now);
      return sql.get<{ due_at: unknown; id: unknown }>("SELECT id, due_at FROM warnings WHERE status = 'pending' AND due_at <= ? LIMIT 1", now);
    });
    expect(due?.due_at).toBe(now);
    expect(typeof due?.id).toBe("number");
  });

  it("commits all of a transaction or none of it", async () => {
    const boom = new Error("boom");
    await expect(
      store.tx(async (sql) => {
        await sql.run("INSERT INTO kv (k, v) VALUES ('t1', 'x')");
        await sql.run("INSERT INTO kv (k, v) VALUES ('t2', 'x')");
        throw boom;
      }),
    ).rejects.toBe(boom);
    // A failed statement dooms the transaction on both engines, even when fn catches it.
    await expect(
      store.tx(async (sql) => {
        await sql.run("INSERT INTO kv (k, v) VALUES ('t3', 'x')");
        await sql.run("INSERT INTO kv (k, v) VALUES ('t3', 'duplicate')").catch(() => undefined);
        return "carried on";
      }),
    ).rejects.toBeInstanceOf(TransactionAbortedError);
    // A read does not write.
    await expect(store.read((sql) => sql.run("INSERT INTO kv (k, v) VALUES ('t4', 'x')"))).rejects.toThrow();
    const left = await store.read((sql) => sql.all("SELECT k FROM kv WHERE k IN ('t1', 't2', 't3', 't4')"));
    expect(left).toEqual([]);
    await store.tx((sql) => sql.run("INSERT INTO kv (k, v) VALUES ('t5', 'x')"));
    expect(await store.read((sql) => sql.get("SELECT v FROM kv WHERE k = 't5'"))).toEqual({ v: "x" });
  });

  it("enforces the schema's CHECK constraints", async () => {
    for (const change of ["reportability = 'maybe'", "status = 'lost'", "level = level"]) {
      const attempt = store.tx(async (sql) => {
        const inc = await insertIncident(sql, "checked");
        return sql.run(`UPDATE incidents SET ${change} WHERE id = ?`, inc?.id ?? -1);
      });
      if (change === "level = level") await expect(attempt).resolves.toEqual({ changes: 1 });
      else await expect(attempt).rejects.toThrow(/check/i);
    }
  });

  it("serialises concurrent transactions: 50 read-increment-writes lose nothing", async () => {
    await store.tx((sql) => sql.run("INSERT INTO counters (id, n) VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0"));
    const lock = store.dialect === "postgres" ? " FOR UPDATE" : "";
    const events: string[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.tx(async (sql) => {
          events.push(`begin ${i}`);
          const row = await sql.get<{ n: number }>(`SELECT n FROM counters WHERE id = ?${lock}`, 1);
          await sleep(1); // real time passes between the read and the write
          await sql.run("UPDATE counters SET n = ? WHERE id = ?", (row?.n ?? 0) + 1, 1);
          events.push(`end ${i}`);
        }),
      ),
    );
    expect(await store.read((sql) => sql.get("SELECT n FROM counters WHERE id = 1"))).toEqual({ n: 50 });
    if (store.dialect === "sqlite") {
      // One connection: each transaction ran alone from BEGIN to COMMIT.
      for (let i = 0; i < events.length; i += 2) {
        expect(events[i + 1]?.replace("end", "begin")).toBe(events[i]);
      }
    }
  });

  it("never shows a read half of a transaction still running", async () => {
    const firstWritten = deferred();
    const writer = store.tx(async (sql) => {
      await sql.run("INSERT INTO kv (k, v) VALUES ('half-1', 'x')");
      firstWritten.resolve();
      await sleep(30);
      await sql.run("INSERT INTO kv (k, v) VALUES ('half-2', 'x')");
    });
    await firstWritten.promise;
    const seen = await store.read((sql) => sql.get<{ c: number }>("SELECT COUNT(*) AS c FROM kv WHERE k LIKE 'half-%'"));
    await writer;
    // SQLite: the read waits for the transaction; PostgreSQL: it does not see uncommitted rows.
    expect(seen?.c).toBe(store.dialect === "sqlite" ? 2 : 0);
  });

  it("reads from one snapshot while another connection commits", async () => {
    const other = await openStore(engine.location());
    try {
      const [before, after] = await store.read(async (sql) => {
        const a = await sql.get<{ c: number }>("SELECT COUNT(*) AS c FROM kv");
        await other.tx((o) => o.run("INSERT INTO kv (k, v) VALUES ('snapshot', 'x')"));
        const b = await sql.get<{ c: number }>("SELECT COUNT(*) AS c FROM kv");
        return [a?.c, b?.c];
      });
      expect(after).toBe(before);
      expect(await store.read((sql) => sql.get("SELECT COUNT(*) AS c FROM kv"))).toEqual({ c: (before ?? 0) + 1 });
    } finally {
      await other.close();
    }
  });

  it("refuses a transaction opened inside another, and an Sql used after its transaction", async () => {
    await expect(store.tx(() => store.tx(async () => 1))).rejects.toBeInstanceOf(StoreUsageError);
    await expect(store.tx(() => store.read(async () => 1))).rejects.toBeInstanceOf(StoreUsageError);
    let leaked: Sql | undefined;
    await store.tx(async (sql) => {
      leaked = sql;
    });
    await expect(leaked?.get("SELECT 1 AS one")).rejects.toBeInstanceOf(StoreUsageError);
    // Work scheduled inside a transaction but run after it is not "inside" any more.
    let afterwards: Promise<unknown> | undefined;
    await store.tx(async () => {
      afterwards = new Promise((resolve, reject) => setTimeout(() => store.read((sql) => sql.get("SELECT 2 AS two")).then(resolve, reject), 5));
    });
    expect(await afterwards).toEqual({ two: 2 });
    // The store still works.
    expect(await store.read((sql) => sql.get("SELECT 1 AS one"))).toEqual({ one: 1 });
  });

  it("keeps the timeline append-only: UPDATE and DELETE are refused", async () => {
    await store.tx((sql) =>
      sql.run("INSERT INTO timeline (incident_id, at, actor, type, payload, prev_hash, hash) VALUES (NULL, '2026-03-02T01:00:00Z', 'alice', 'test', '{}', ?, ?)", "0".repeat(64), "a".repeat(64)),
    );
    await expect(store.tx((sql) => sql.run("UPDATE timeline SET actor = 'mallory'"))).rejects.toThrow(/append-only/);
    await expect(store.tx((sql) => sql.run("DELETE FROM timeline"))).rejects.toThrow(/append-only/);
    if (store.dialect === "postgres") {
      await expect(store.tx((sql) => sql.run("TRUNCATE timeline"))).rejects.toThrow(/append-only/);
    }
    expect(await store.read((sql) => sql.all("SELECT actor FROM timeline"))).toEqual([{ actor: "alice" }]);
  });

  it("answers ping, and not once closed", async () => {
    expect(await store.ping()).toBe(true);
    const other = await openStore(engine.location());
    expect(await other.ping()).toBe(true);
    await other.close();
    expect(await other.ping()).toBe(false);
    await expect(other.tx(async () => 1)).rejects.toBeInstanceOf(StoreUsageError);
  });
});

// ---------------------------------------------------------------------------------------------

interface Column {
  name: string;
  type: "integer" | "text" | "real";
  notNull: boolean;
  default: string | null;
  generated: boolean;
}
interface Table {
  columns: Column[];
  primaryKey: string;
  unique: string[];
  foreignKeys: string[];
}
interface Schema {
  tables: Record<string, Table>;
  indexes: Record<string, string>;
  triggers: string[];
}

const family = (type: string): Column["type"] => {
  const t = type.toLowerCase();
  if (t === "integer" || t === "bigint") return "integer";
  if (t === "text") return "text";
  if (t === "real" || t === "double precision") return "real";
  throw new Error(`unexpected column type ${type}`);
};
const predicate = (where: string | undefined): string =>
  where === undefined ? "" : ` WHERE ${where.replace(/::text/g, "").replace(/[()]/g, "").replace(/\s+/g, " ").trim().toLowerCase()}`;

async function sqliteSchema(store: Store): Promise<Schema> {
  return store.read(async (sql) => {
    const schema: Schema = { tables: {}, indexes: {}, triggers: [] };
    const tables = await sql.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    for (const { name } of tables) {
      const cols = await sql.all<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>(
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?) ORDER BY cid",
        name,
      );
      const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      const rowidAlias = pk.length === 1 && pk[0]?.type.toUpperCase() === "INTEGER";
      const unique: string[] = [];
      for (const ix of await sql.all<{ name: string; unique: number; origin: string; partial: number }>("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", name)) {
        const ixCols = (await sql.all<{ name: string }>("SELECT name FROM pragma_index_info(?) ORDER BY seqno", ix.name)).map((c) => c.name).join(", ");
        if (ix.origin === "u") unique.push(ixCols);
        if (ix.origin === "c") {
          const text = (await sql.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = ?", ix.name))?.sql ?? "";
          const where = /\bWHERE\b(.*)$/is.exec(text)?.[1];
          schema.indexes[ix.name] = `${ix.unique ? "UNIQUE " : ""}${name} (${ixCols})${predicate(where)}`;
        }
      }
      const fks = await sql.all<{ table: string; from: string; to: string }>("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)", name);
      schema.tables[name] = {
        columns: cols.map((c) => ({
          name: c.name,
          type: family(c.type),
          notNull: c.notnull === 1 || c.pk > 0,
          default: c.dflt_value,
          generated: rowidAlias && c.pk === 1,
        })),
        primaryKey: pk.map((c) => c.name).join(", "),
        unique: unique.sort(),
        foreignKeys: fks.map((f) => `${f.from} -> ${f.table} (${f.to})`).sort(),
      };
    }
    schema.triggers = (await sql.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")).map((t) => t.name);
    return schema;
  });
}

async function postgresSchema(store: Store): Promise<Schema> {
  return store.read(async (sql) => {
    const schema: Schema = { tables: {}, indexes: {}, triggers: [] };
    // schema_migrations is left out: SQLite keeps its version in PRAGMA user_version.
    const tables = await sql.all<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
        ORDER BY table_name`,
    );
    const constraints = await sql.all<{ tbl: string; name: string; type: string; cols: string; ref: string | null }>(
      `SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, c.contype AS type,
              (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols,
              CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text || ' (' ||
                (SELECT string_agg(a.attname, ', ' ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) || ')' END AS ref
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')`,
    );
    for (const { name } of tables) {
      const cols = await sql.all<{ name: string; type: string; nullable: string; dflt: string | null; identity: string }>(
        `SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS dflt, is_identity AS identity
           FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`,
        name,
      );
      const mine = constraints.filter((c) => c.tbl === name);
      schema.tables[name] = {
        columns: cols.map((c) => ({
          name: c.name,
          type: family(c.type),
          notNull: c.nullable === "NO",
          default: c.dflt === null ? null : c.dflt.replace(/::[a-z ]+$/, ""),
          generated: c.identity === "YES",
        })),
        primaryKey: mine.find((c) => c.type === "p")?.cols ?? "",
        unique: mine.filter((c) => c.type === "u").map((c) => c.cols).sort(),
        foreignKeys: mine.filter((c) => c.type === "f").map((c) => `${c.cols} -> ${c.ref}`).sort(),
      };
    }
    const indexes = await sql.all<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes
        WHERE schemaname = current_schema()
          AND indexname NOT IN (SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema())`,
    );
    for (const { name, def } of indexes) {
      const m = /^CREATE (UNIQUE )?INDEX \S+ ON (?:\S+\.)?(\S+) USING \w+ \(([^)]*)\)(?: WHERE (.*))?$/.exec(def);
      if (!m) throw new Error(`unexpected index definition ${def}`);
      schema.indexes[name] = `${m[1] ?? ""}${m[2]} (${m[3]})${predicate(m[4])}`;
    }
    schema.triggers = (
      await sql.all<{ name: string }>(
        "SELECT DISTINCT trigger_name AS name FROM information_schema.triggers WHERE trigger_schema = current_schema() ORDER BY trigger_name",
      )
    ).map((t) => t.name);
    // TRUNCATE bypasses row triggers; SQLite has no TRUNCATE, so this one has no counterpart.
    const truncate = await sql.all("SELECT 1 FROM pg_trigger WHERE tgname = 'timeline_no_truncate' AND NOT tgisinternal");
    expect(truncate).toHaveLength(1);
    return schema;
  });
}

describe("the migrated schema is the same on both engines", () => {
  it("has the same tables, columns, keys, indexes and triggers", async () => {
    const db = await createTestDatabase("schema");
    const sqlite = new SqliteStore(openDatabase(":memory:"));
    const postgres = await openStore(db.url);
    try {
      const lite = await sqliteSchema(sqlite);
      const pg = await postgresSchema(postgres);
      // timeline_head (PostgreSQL version 2) is compared once SQLite has its migration too.
      if (!("timeline_head" in lite.tables)) {
        expect(pg.tables["timeline_head"]?.columns.map((c) => c.name)).toEqual(["id", "events", "hash"]);
        delete pg.tables["timeline_head"];
      }
      expect(Object.keys(lite.tables)).toContain("assessments");
      expect(lite.tables["incidents"]?.columns.map((c) => c.name)).not.toContain("reportable");
      expect(pg).toEqual(lite);
    } finally {
      await sqlite.close();
      await postgres.close();
      await db.drop();
    }
  });
});

// ---------------------------------------------------------------------------------------------

/** One line, naming the engine, within the given time; returns the message. */
async function openFailure(location: string, withinMs: number, options: Parameters<typeof openStore>[1] = {}): Promise<string> {
  const started = Date.now();
  const err = await openStore(location, options).then(
    (store) => {
      void store.close();
      return new Error("opened, but should have failed");
    },
    (e: unknown) => e,
  );
  const elapsed = Date.now() - started;
  expect(err).toBeInstanceOf(StoreOpenError);
  const message = (err as Error).message;
  if (process.env.SHOW_OPEN_ERRORS) console.log(message);
  expect(message).not.toContain("\n");
  expect(message).toMatch(/^WARROOM_DB: .*PostgreSQL/);
  expect(elapsed).toBeLessThan(withinMs);
  return message;
}

/** A TCP relay to the test server that can stop answering (freeze) or vanish (kill). */
async function relay(targetPort: number): Promise<{ port: number; freeze(): void; kill(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on("data", (chunk) => {
        if (!frozen) to.write(chunk);
      });
      from.on("error", () => to.destroy());
      from.on("close", () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return {
    port: typeof address === "object" && address ? address.port : 0,
    freeze: () => {
      frozen = true;
    },
    kill: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe("PostgreSQL: failures are one clear line, in time", () => {
  it("a refused connection (no server there)", async () => {
    const stopped = await relay(portOf(pgDb.url));
    await stopped.kill();
    const message = await openFailure(`postgres://postgres:s3cret@127.0.0.1:${stopped.port}/warroom`, 3_000);
    expect(message).toContain(`127.0.0.1:${stopped.port}`);
    expect(message).toContain("connection refused");
    expect(message).not.toContain("s3cret");
  });

  it("a server that accepts but never answers, within the connect timeout", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const message = await openFailure(`postgres://postgres:s3cret@127.0.0.1:${port}/warroom`, 4_000, { connectTimeoutMs: 1_500 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
      expect(message).toContain("no answer within 1.5 s");
      expect(message).not.toContain("s3cret");
    } finally {
      silent.close();
    }
  });

  it("an unknown host", async () => {
    const message = await openFailure("postgres://u:s3cret@warroom-no-such-host.invalid:5432/warroom", 5_000, { connectTimeoutMs: 2_000 });
    expect(message).toContain("warroom-no-such-host.invalid:5432");
    expect(message).not.toContain("s3cret");
  });

  it("a wrong password (and the right one works)", async () => {
    await admin(async (c) => {
      const exists = await c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [PASSWORD_ROLE]);
      if (exists.rowCount === 0) await c.query(`CREATE ROLE ${PASSWORD_ROLE} LOGIN PASSWORD 'right-password'`);
    });
    const u = new URL(pgDb.url);
    u.username = PASSWORD_ROLE;
    u.password = "wrong-password";
    const message = await openFailure(u.toString(), 3_000, { migrate: false });
    expect(message).toContain("password authentication failed");
    expect(message).not.toContain("wrong-password");
    u.password = "right-password";
    const store = await openStore(u.toString(), { migrate: false });
    expect(store.location).not.toContain("right-password");
    expect(await store.ping()).toBe(true);
    await store.close();
  });

  it("an unknown database, and a URL that does not parse", async () => {
    expect(await openFailure(databaseUrl("wr_does_not_exist"), 3_000)).toContain('database "wr_does_not_exist" does not exist');
    const bad = await openFailure("postgres://user:s3cret@127.0.0.1:notaport/warroom", 1_000);
    expect(bad).toContain("not a valid PostgreSQL URL");
    expect(bad).not.toContain("s3cret");
  });

  it("ping answers false within a second when the server stops answering, and queries fail once it is gone", async () => {
    const link = await relay(portOf(pgDb.url));
    const u = new URL(pgDb.url);
    u.port = String(link.port);
    const store = await openStore(u.toString(), { connectTimeoutMs: 2_000 });
    try {
      expect(await store.ping()).toBe(true);
      link.freeze();
      let started = Date.now();
      expect(await store.ping()).toBe(false);
      expect(Date.now() - started).toBeLessThan(1_500);
      await link.kill();
      started = Date.now();
      expect(await store.ping()).toBe(false);
      await expect(store.tx((sql) => sql.get("SELECT 1 AS one"))).rejects.toThrow(DatabaseUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);
      // A command meanwhile: a clear answer, no stack trace, and the cause in the log.
      const logged: string[] = [];
      const app = createApp({ config: { dbPath: "", displayZone: "UTC", sweepCron: "0 0 1 1 *" }, store, log: { info: () => undefined, error: (m) => logged.push(m) } });
      const reply = await app.router.command({ actor: { platform: "test", id: "alice" }, channelId: "C1", text: "open Database gone" });
      expect(reply).toMatchObject({ ephemeral: true });
      expect(reply.message?.text).toContain("The incident database cannot be reached; nothing was changed. Try again in a moment.");
      expect(logged.join("\n")).toMatch(/database unreachable: .*(ECONNREFUSED|connect)/i);
      await app.close();
    } finally {
      await store.close();
    }
  });

  it("a BIGINT beyond 2^53 fails the query instead of losing precision", async () => {
    const store = await openStore(pgDb.url);
    try {
      await expect(store.read((sql) => sql.get("SELECT 9007199254740993::bigint AS big"))).rejects.toThrow(/2\^53/);
      expect(await store.read((sql) => sql.get("SELECT 9007199254740991::bigint AS big"))).toEqual({ big: 9007199254740991 });
    } finally {
      await store.close();
    }
  });
});

describe("PostgreSQL: replicas", () => {
  beforeAll(async () => {
    const store = await openStore(pgDb.url);
    await store.tx((sql) => sql.run("CREATE TABLE IF NOT EXISTS tallies (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"));
    await store.close();
  });

  it("several replicas migrating the same database at once all succeed, and each version is applied once", async () => {
    const db = await createTestDatabase("replicas");
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openStore(db.url, { poolSize: 2 })));
      const first = stores[0] as Store;
      expect(await first.read((sql) => sql.all("SELECT version FROM schema_migrations ORDER BY version"))).toEqual(PG_MIGRATIONS.map((_, i) => ({ version: i + 1 })));
      expect(await first.read((sql) => sql.all("SELECT id, events, hash FROM timeline_head"))).toEqual([{ id: 1, events: 0, hash: "0".repeat(64) }]);
      for (const s of stores) await s.close();
      // Starting again changes nothing; a database migrated by a newer warroom is refused.
      const again = await openStore(db.url);
      await again.tx((sql) => sql.run("INSERT INTO schema_migrations (version) VALUES (99)"));
      await again.close();
      const message = await openFailure(db.url, 3_000);
      expect(message).toContain("schema version 99, newer than this warroom");
    } finally {
      await db.drop();
    }
  });

  it("a transaction that cannot get its lock is run again, then fails with DatabaseBusyError", async () => {
    const holder = (await openStore(pgDb.url)) as PgStore;
    const contender = PgStore.connect(pgDb.url, { lockTimeoutMs: 200 });
    try {
      await holder.tx((sql) => sql.run("INSERT INTO tallies (id, n) VALUES (7, 0) ON CONFLICT (id) DO UPDATE SET n = 0"));
      const locked = deferred();
      const release = deferred();
      const holding = holder.tx(async (sql) => {
        await sql.get("SELECT n FROM tallies WHERE id = 7 FOR UPDATE");
        locked.resolve();
        await release.promise;
      });
      await locked.promise;
      let runs = 0;
      const err = await contender
        .tx(async (sql) => {
          runs++;
          await sql.run("UPDATE tallies SET n = n + 1 WHERE id = 7");
        })
        .catch((e: unknown) => e);
      release.resolve();
      await holding;
      expect(err).toBeInstanceOf(DatabaseBusyError);
      expect(((err as Error).cause as { code?: string }).code).toBe("55P03");
      expect(runs).toBe(3);
      // Nothing of the three runs was written.
      expect(await holder.read((sql) => sql.get("SELECT n FROM tallies WHERE id = 7"))).toEqual({ n: 0 });
    } finally {
      await holder.close();
      await contender.close();
    }
  });

  it("the loser of a deadlock is run again and both transactions commit", async () => {
    const store = await openStore(pgDb.url);
    try {
      await store.tx(async (sql) => {
        await sql.run("INSERT INTO tallies (id, n) VALUES (10, 0), (11, 0) ON CONFLICT (id) DO UPDATE SET n = 0");
      });
      const holds = [deferred(), deferred()];
      const codes: string[] = [];
      let runs = 0;
      const cross = (mine: 0 | 1) =>
        store.tx(async (sql) => {
          runs++;
          const [a, b] = mine === 0 ? [10, 11] : [11, 10];
          try {
            await sql.run("UPDATE tallies SET n = n + 1 WHERE id = ?", a);
            holds[mine]?.resolve();
            await holds[1 - mine]?.promise;
            await sql.run("UPDATE tallies SET n = n + 1 WHERE id = ?", b);
          } catch (err) {
            codes.push((err as { code?: string }).code ?? "?");
            throw err;
          }
        });
      await Promise.all([cross(0), cross(1)]);
      expect(codes).toEqual(["40P01"]);
      expect(runs).toBe(3);
      expect(await store.read((sql) => sql.all("SELECT id, n FROM tallies WHERE id IN (10, 11) ORDER BY id"))).toEqual([
        { id: 10, n: 2 },
        { id: 11, n: 2 },
      ]);
    } finally {
      await store.close();
    }
  });

  it("without a row lock, concurrent read-increment-writes do lose updates (the check above can fail)", async () => {
    const store = await openStore(pgDb.url);
    try {
      await store.tx((sql) => sql.run("INSERT INTO tallies (id, n) VALUES (2, 0) ON CONFLICT (id) DO UPDATE SET n = 0"));
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.tx(async (sql) => {
            const row = await sql.get<{ n: number }>("SELECT n FROM tallies WHERE id = 2");
            await sleep(5);
            await sql.run("UPDATE tallies SET n = ? WHERE id = 2", (row?.n ?? 0) + 1);
          }),
        ),
      );
      const row = await store.read((sql) => sql.get<{ n: number }>("SELECT n FROM tallies WHERE id = 2"));
      expect(row?.n).toBeLessThan(20);
    } finally {
      await store.close();
    }
  });
});

describe("SQLite: engine specifics", () => {
  it("a write lock held by another process is DatabaseBusyError, after busy_timeout", async () => {
    const file = join(dir, "busy.db");
    const a = new SqliteStore(file);
    const b = new SqliteStore(file, { busyTimeoutMs: 50 });
    try {
      const locked = deferred();
      const release = deferred();
      const holding = a.tx(async (sql) => {
        await sql.run("CREATE TABLE IF NOT EXISTS busy (n INTEGER)");
        locked.resolve();
        await release.promise;
      });
      await locked.promise;
      let ran = false;
      const err = await b
        .tx(async () => {
          ran = true;
        })
        .catch((e: unknown) => e);
      release.resolve();
      await holding;
      expect(err).toBeInstanceOf(DatabaseBusyError);
      expect(ran).toBe(false);
      await b.tx((sql) => sql.run("INSERT INTO busy (n) VALUES (1)"));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("uses an open database as it is and leaves it open on close", async () => {
    const db = openDatabase(":memory:");
    const store = new SqliteStore(db);
    expect(store.location).toBe(":memory:");
    await store.tx(async (sql) => {
      await insertIncident(sql, "in memory");
    });
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare("SELECT title FROM incidents").get()).toEqual({ title: "in memory" });
    db.close();
  });

  it("names the file when it cannot be opened", async () => {
    // A file where the database's directory must be.
    const blocker = join(dir, "blocker");
    writeFileSync(blocker, "");
    const e = await openStore(join(blocker, "x.db")).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StoreOpenError);
    expect((e as Error).message).toMatch(/^WARROOM_DB: cannot open SQLite database .*blocker\/x\.db: /);
    expect((e as Error).message).not.toContain("\n");
    await expect(openStore("mysql://db.example/warroom")).rejects.toThrow(/unsupported database URL scheme "mysql:"/);
  });
});
