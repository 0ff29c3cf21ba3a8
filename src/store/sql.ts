/**
 * The one seam between the core and a database engine. Repositories (src/store/repos) write
 * portable SQL against it; the engines (src/store/sqlite, src/store/postgres) run it.
 *
 * Portable SQL here means: `?` placeholders (never inside string literals), `ON CONFLICT …
 * DO UPDATE / DO NOTHING`, `RETURNING`, integers for booleans and epoch milliseconds, TEXT
 * for ISO times and JSON. Where the engines must differ (row locks, claiming work across
 * replicas), a repository asks `dialect`.
 */

export type SqlValue = string | number | null;

export interface RunResult {
  /** Rows inserted, updated or deleted. */
  changes: number;
}

/** Queries inside one transaction (or one read). */
export interface Sql {
  readonly dialect: "sqlite" | "postgres";
  get<T>(sql: string, ...params: SqlValue[]): Promise<T | undefined>;
  all<T>(sql: string, ...params: SqlValue[]): Promise<T[]>;
  run(sql: string, ...params: SqlValue[]): Promise<RunResult>;
}

export interface Store {
  readonly dialect: "sqlite" | "postgres";
  /** Where it lives, for messages and the health check: a file path or a URL without its password. */
  readonly location: string;
  /**
   * Run fn in one write transaction: all of it commits or none. SQLite takes the write lock
   * at the start (BEGIN IMMEDIATE); PostgreSQL runs READ COMMITTED and repositories lock
   * the rows they change. A lock timeout or serialisation failure surfaces as DatabaseBusyError.
   */
  tx<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /** Run fn on a consistent read: no writes. */
  read<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * One statement in a transaction of its own. SQLite runs it at once when no transaction
   * is open, instead of queueing behind the others: the hot path of a guard (a delivery key
   * recorded before a request is answered) stays short under load.
   */
  run(sql: string, ...params: SqlValue[]): Promise<RunResult>;
  /** True when the database answers a trivial query within a second (health check). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
