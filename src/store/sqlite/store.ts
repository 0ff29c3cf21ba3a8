import { AsyncLocalStorage } from "node:async_hooks";
import type Database from "better-sqlite3";
import { DatabaseBusyError, isBusyError, openDatabase, type Db, type OpenOptions } from "../db.js";
import { StoreUsageError, TransactionAbortedError, mayChangeRows } from "../engine.js";
import type { RunResult, Sql, SqlValue, Store } from "../sql.js";

export interface SqliteStoreOptions extends OpenOptions {
  /** Prepared statements kept (one per SQL text); the oldest is dropped beyond this. */
  statementCacheSize?: number;
}

interface Cached {
  stmt: Database.Statement<SqlValue[]>;
  /** The statement can write; refused inside `read`. */
  writes: boolean;
  /** `changes` is meaningful: INSERT, UPDATE, DELETE. */
  counts: boolean;
}

/**
 * The Store contract over better-sqlite3. One connection, so transactions are serialised
 * by an async mutex: `tx` and `read` queue behind each other, and fn runs alone between
 * BEGIN and COMMIT even when it awaits something else. A write transaction starts with
 * BEGIN IMMEDIATE (the write lock is taken up front, so it cannot fail half-way on a lock
 * held by another process); a read runs in a deferred transaction, a consistent snapshot.
 *
 * The statements run synchronously (better-sqlite3); the promises only carry their results.
 * SQLITE_BUSY / SQLITE_LOCKED (after busy_timeout) surface as DatabaseBusyError.
 */
export class SqliteStore implements Store {
  readonly dialect = "sqlite" as const;
  readonly location: string;
  private readonly db: Db;
  private readonly ownsDb: boolean;
  private readonly cache = new Map<string, Cached>();
  private readonly cacheSize: number;
  /** Marks the async context of a running fn; `open` turns false when it settles (timers it set may outlive it). */
  private readonly inside = new AsyncLocalStorage<{ open: boolean }>();
  private tail: Promise<void> = Promise.resolve();
  private closed = false;

  /**
   * A path opens (and migrates) the database with openDatabase, and close() closes it.
   * An open Db (for example `openDatabase(":memory:")` in tests) is used as it is and stays
   * the caller's: close() leaves it open.
   */
  constructor(database: string | Db, options: SqliteStoreOptions = {}) {
    if (typeof database === "string") {
      this.db = openDatabase(database, options);
      this.ownsDb = true;
    } else {
      this.db = database;
      this.ownsDb = false;
    }
    this.location = this.db.name;
    this.cacheSize = Math.max(16, options.statementCacheSize ?? 1000);
  }

  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.transaction("BEGIN IMMEDIATE", false, fn);
  }

  read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.transaction("BEGIN DEFERRED", true, fn);
  }

  run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    // better-sqlite3 is synchronous: with no transaction open on the connection, one
    // autocommit statement cannot interleave with anything, so it need not wait its turn.
    if (!this.closed && !this.db.inTransaction && !this.inside.getStore()?.open) {
      try {
        const cached = this.prepared(sql);
        const info = cached.stmt.run(...params);
        return Promise.resolve({ changes: cached.counts ? info.changes : 0 });
      } catch (err) {
        return Promise.reject(mapError(err));
      }
    }
    return this.tx((s) => s.run(sql, ...params));
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      // Not queued behind the mutex: a long transaction must not make the health check fail,
      // and a bare SELECT neither joins nor disturbs it.
      return this.prepared("SELECT 1 AS ok").stmt.get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Let queued transactions finish first.
    await this.tail;
    this.cache.clear();
    if (this.ownsDb && this.db.open) this.db.close();
  }

  private async transaction<T>(begin: string, readOnly: boolean, fn: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.inside.getStore()?.open) {
      throw new StoreUsageError("store.tx/read called inside a transaction of the same store: use the Sql handed to fn");
    }
    if (this.closed) throw new StoreUsageError(`the store for ${this.location} is closed`);
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const context = { open: true };
    try {
      return await this.inside.run(context, () => this.runIn(begin, readOnly, fn));
    } finally {
      context.open = false;
      release();
    }
  }

  private async runIn<T>(begin: string, readOnly: boolean, fn: (sql: Sql) => Promise<T>): Promise<T> {
    this.exec(begin);
    const handle = new SqliteSql(this, readOnly);
    let result: T;
    try {
      result = await fn(handle);
    } catch (err) {
      handle.done = true;
      this.rollback();
      throw err;
    }
    handle.done = true;
    if (handle.failure !== undefined) {
      this.rollback();
      throw new TransactionAbortedError(handle.failure);
    }
    try {
      this.exec("COMMIT");
    } catch (err) {
      this.rollback();
      throw err;
    }
    return result;
  }

  private exec(sql: string): void {
    try {
      this.prepared(sql).stmt.run();
    } catch (err) {
      throw mapError(err);
    }
  }

  private rollback(): void {
    // SQLite may already have rolled back (some errors end the transaction themselves).
    if (this.db.inTransaction) this.prepared("ROLLBACK").stmt.run();
  }

  /** @internal the statement for this SQL text, prepared once. */
  prepared(sql: string): Cached {
    let cached = this.cache.get(sql);
    if (cached === undefined) {
      const stmt = this.db.prepare<SqlValue[]>(sql);
      cached = { stmt, writes: !stmt.readonly, counts: !stmt.readonly && mayChangeRows(sql) };
      if (this.cache.size >= this.cacheSize) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(sql, cached);
    }
    return cached;
  }
}

class SqliteSql implements Sql {
  readonly dialect = "sqlite" as const;
  done = false;
  failure: unknown = undefined;

  constructor(
    private readonly store: SqliteStore,
    private readonly readOnly: boolean,
  ) {}

  async get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    const stmt = this.statement(sql);
    try {
      return stmt.get(...params) as T | undefined;
    } catch (err) {
      throw this.fail(err);
    }
  }

  async all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    const stmt = this.statement(sql);
    try {
      return stmt.all(...params) as T[];
    } catch (err) {
      throw this.fail(err);
    }
  }

  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    const cached = this.cached(sql);
    try {
      const info = cached.stmt.run(...params);
      return { changes: cached.counts ? info.changes : 0 };
    } catch (err) {
      throw this.fail(err);
    }
  }

  private statement(sql: string): Database.Statement<SqlValue[]> {
    return this.cached(sql).stmt;
  }

  private cached(sql: string): Cached {
    if (this.done) throw new StoreUsageError("this Sql belongs to a transaction that has ended");
    let cached: Cached;
    try {
      cached = this.store.prepared(sql);
    } catch (err) {
      throw this.fail(err);
    }
    if (this.readOnly && cached.writes) {
      throw this.fail(new StoreUsageError(`a write inside store.read(): ${sql.trim().split("\n")[0]}`));
    }
    return cached;
  }

  private fail(err: unknown): unknown {
    const mapped = mapError(err);
    if (this.failure === undefined) this.failure = mapped;
    return mapped;
  }
}

function mapError(err: unknown): unknown {
  if (isBusyError(err)) {
    const busy = new DatabaseBusyError();
    busy.cause = err;
    return busy;
  }
  return err;
}
