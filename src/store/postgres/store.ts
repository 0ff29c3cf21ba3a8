import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { DatabaseBusyError, DatabaseUnavailableError } from "../db.js";
import { StoreUsageError, TransactionAbortedError } from "../engine.js";
import type { RunResult, Sql, SqlValue, Store } from "../sql.js";
import { toNumberedPlaceholders } from "./placeholders.js";

export interface PgStoreOptions {
  /** Connecting (TCP, TLS, authentication) gives up after this (ms). Default 10 s. */
  connectTimeoutMs?: number;
  /** A statement waiting for a lock gives up after this (ms), then the transaction is retried. Default 5 s. */
  lockTimeoutMs?: number;
  /** A statement running longer is cancelled by the server (ms). Default 30 s. */
  statementTimeoutMs?: number;
  /** A connection left idle inside a transaction is closed by the server (ms). Default 60 s. */
  idleInTransactionTimeoutMs?: number;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Attempts of a transaction that meets lock contention, before DatabaseBusyError. Default 3. */
  busyAttempts?: number;
  /** Errors of idle pooled connections (server restart, network): logged, the pool reconnects. */
  onIdleError?: (err: Error) => void;
}

/** SQLSTATEs of lock contention: a retry of the whole transaction may succeed. */
const RETRYABLE = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "55P03", // lock_not_available (lock_timeout)
]);

const DATA_CHANGING = new Set(["INSERT", "UPDATE", "DELETE", "MERGE"]);

/**
 * BIGINT (epoch ms, ids, COUNT) and NUMERIC (SUM, AVG) come back as JS numbers, as they do
 * from SQLite. Applied per query, so other users of pg in the process are not affected.
 * Values beyond 2^53 would lose precision: they fail the query instead.
 */
const TYPES = new pg.TypeOverrides();
TYPES.setTypeParser(pg.types.builtins.INT8, (text: string) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${text} is beyond 2^53 and cannot be a JS number`);
  return n;
});
TYPES.setTypeParser(pg.types.builtins.NUMERIC, (text: string) => {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new RangeError(`NUMERIC ${text} cannot be a JS number`);
  return n;
});

/** The URL without its password (user info and a `password=` parameter), for messages and the health check. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "";
    u.searchParams.delete("password");
    return u.toString();
  } catch {
    return "postgres://(unparseable URL)";
  }
}

export function poolConfig(url: string, options: PgStoreOptions = {}): pg.PoolConfig {
  return {
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: "warroom",
    // Sent as start-up parameters: every pooled connection has them.
    lock_timeout: options.lockTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 60_000,
  };
}

/**
 * The Store contract over a pg.Pool. Each `tx` takes a pooled connection and runs fn between
 * BEGIN (READ COMMITTED) and COMMIT; repositories lock the rows they read-modify-write
 * (`SELECT … FOR UPDATE`). When the transaction meets lock contention (lock timeout,
 * serialisation failure, deadlock) it is rolled back and the whole of fn is run again, up to
 * `busyAttempts` times with a random pause, then DatabaseBusyError. So fn must be safe to run
 * more than once: it may only touch the database through the Sql it is given (no messages
 * sent, no counters bumped in memory) and must not depend on state it mutated in a failed run.
 *
 * `read` runs on a REPEATABLE READ READ ONLY transaction: one snapshot for all its queries.
 * Statements are sent unnamed (parsed per call): named prepared statements would outlive a
 * migration run by another replica and fail with "cached plan must not change result type".
 */
export class PgStore implements Store {
  readonly dialect = "postgres" as const;
  readonly location: string;
  readonly pool: pg.Pool;
  private readonly attempts: number;
  /** Marks the async context of a running fn; `open` turns false when it settles (timers it set may outlive it). */
  private readonly inside = new AsyncLocalStorage<{ open: boolean }>();
  private readonly texts = new Map<string, string>();
  private closed = false;

  /** A pool for this URL with the timeouts above; nothing connects until the first query. */
  static connect(url: string, options: PgStoreOptions = {}): PgStore {
    const pool = new pg.Pool(poolConfig(url, options));
    return new PgStore(pool, { location: redactUrl(url), ...options });
  }

  constructor(pool: pg.Pool, options: PgStoreOptions & { location?: string } = {}) {
    this.pool = pool;
    this.location = options.location ?? "postgres";
    this.attempts = Math.max(1, options.busyAttempts ?? 3);
    const onIdleError = options.onIdleError ?? (() => undefined);
    // Without a listener, an idle connection dropped by the server would crash the process.
    pool.on("error", onIdleError);
  }

  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.withRetry("BEGIN ISOLATION LEVEL READ COMMITTED", fn);
  }

  run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    return this.tx((s) => s.run(sql, ...params));
  }

  read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.withRetry("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    let client: pg.PoolClient | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const release = (err?: Error): void => {
      if (client && !settled) {
        settled = true;
        client.release(err);
      }
    };
    const attempt = (async () => {
      const c = await this.pool.connect();
      client = c;
      if (timer === undefined) {
        // Already timed out while waiting for a connection.
        release();
        return false;
      }
      await c.query({ text: "SELECT 1", types: TYPES });
      release();
      return true;
    })().catch((err: unknown) => {
      release(err instanceof Error ? err : new Error(String(err)));
      return false;
    });
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        timer = undefined;
        // A connection that does not answer within a second is not trusted again.
        release(new Error("health check timed out"));
        resolve(false);
      }, 1_000);
    });
    const ok = await Promise.race([attempt, timeout]);
    if (timer !== undefined) clearTimeout(timer);
    return ok;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** @internal `?` placeholders converted once per SQL text. */
  numbered(sql: string): string {
    let text = this.texts.get(sql);
    if (text === undefined) {
      text = toNumberedPlaceholders(sql);
      if (this.texts.size >= 1000) {
        const oldest = this.texts.keys().next().value;
        if (oldest !== undefined) this.texts.delete(oldest);
      }
      this.texts.set(sql, text);
    }
    return text;
  }

  private async withRetry<T>(begin: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.inside.getStore()?.open) {
      throw new StoreUsageError("store.tx/read called inside a transaction of the same store: use the Sql handed to fn");
    }
    if (this.closed) throw new StoreUsageError(`the store for ${this.location} is closed`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(begin, fn);
      } catch (err) {
        if (!isRetryable(err)) throw err;
        if (attempt >= this.attempts) {
          const busy = new DatabaseBusyError();
          busy.cause = err;
          throw busy;
        }
        // 25–75 ms, then 50–150 ms, …: replicas that collided do not collide again in step.
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt * (0.5 + Math.random())));
      }
    }
  }

  private async once<T>(begin: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      // No connection, no transaction: nothing can have been applied.
      const unavailable = new DatabaseUnavailableError();
      unavailable.cause = err;
      throw unavailable;
    }
    // An error that leaves the connection in doubt: it is closed instead of returned to the pool.
    let broken: Error | undefined;
    const rollback = async (): Promise<void> => {
      try {
        await client.query("ROLLBACK");
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
      }
    };
    try {
      try {
        await client.query(begin);
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
        throw err;
      }
      const handle = new PgSql(this, client);
      let result: T;
      const context = { open: true };
      try {
        result = await this.inside.run(context, () => fn(handle));
      } catch (err) {
        context.open = false;
        handle.done = true;
        await rollback();
        throw err;
      }
      context.open = false;
      handle.done = true;
      if (handle.failure !== undefined) {
        await rollback();
        throw new TransactionAbortedError(handle.failure);
      }
      let commit: pg.QueryResult;
      try {
        commit = await client.query("COMMIT");
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
        throw err;
      }
      // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, without an error.
      if (commit.command === "ROLLBACK") throw new TransactionAbortedError(new Error("the server rolled the transaction back"));
      return result;
    } finally {
      client.release(broken);
    }
  }
}

class PgSql implements Sql {
  readonly dialect = "postgres" as const;
  done = false;
  failure: unknown = undefined;

  constructor(
    private readonly store: PgStore,
    private readonly client: pg.PoolClient,
  ) {}

  async get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }

  async all<T>(sql: string, ...params: SqlValue[]): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }

  async run(sql: string, ...params: SqlValue[]): Promise<RunResult> {
    const result = await this.query(sql, params);
    return { changes: DATA_CHANGING.has(result.command) ? (result.rowCount ?? 0) : 0 };
  }

  private async query(sql: string, params: SqlValue[]): Promise<pg.QueryResult> {
    if (this.done) throw new StoreUsageError("this Sql belongs to a transaction that has ended");
    try {
      // Always the extended protocol (one statement, parameters bound), as SQLite's prepare.
      return await this.client.query({ text: this.store.numbered(sql), values: params, types: TYPES, queryMode: "extended" } as pg.QueryConfig);
    } catch (err) {
      if (this.failure === undefined) this.failure = err;
      throw err;
    }
  }
}

function isRetryable(err: unknown): boolean {
  const e = err instanceof TransactionAbortedError ? err.cause : err;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE.has(code);
}
