import { ConfigError } from "../config.js";
import { firstLine } from "./engine.js";
import { migratePostgres } from "./postgres/migrations.js";
import { PgStore, type PgStoreOptions } from "./postgres/store.js";
import type { Store } from "./sql.js";
import { SqliteStore, type SqliteStoreOptions } from "./sqlite/store.js";

export interface OpenStoreOptions extends PgStoreOptions, SqliteStoreOptions {
  /** Apply pending PostgreSQL migrations (default true). SQLite always migrates on open. */
  migrate?: boolean;
}

/**
 * The database named by WARROOM_DB could not be opened. One line, naming the engine and the
 * host or file and never the password; a ConfigError, so the launcher prints it without a stack.
 */
export class StoreOpenError extends ConfigError {}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(location);
}

/**
 * `postgres://…` or `postgresql://…`: a PgStore, connected and migrated. Anything else is the
 * path of a SQLite file. Connection problems (bad URL, refused, wrong password, unknown or
 * unreachable host) are thrown as StoreOpenError within the connect timeout (10 s by default).
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (isPostgresUrl(location)) return openPostgres(location, options);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    const scheme = location.slice(0, location.indexOf(":"));
    throw new StoreOpenError(`WARROOM_DB: unsupported database URL scheme "${scheme}:" (use postgres://… or the path of a SQLite file)`);
  }
  try {
    return new SqliteStore(location, options);
  } catch (err) {
    throw new StoreOpenError(`WARROOM_DB: cannot open SQLite database ${location}: ${firstLine(err)}`);
  }
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  let where: string;
  try {
    where = describeTarget(new URL(url));
  } catch {
    throw new StoreOpenError("WARROOM_DB: not a valid PostgreSQL URL (expected postgres://user:password@host:port/database)");
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  let store: PgStore;
  try {
    store = PgStore.connect(url, options);
  } catch (err) {
    throw new StoreOpenError(`WARROOM_DB: invalid PostgreSQL settings for ${where}: ${firstLine(err)}`);
  }
  const fail = (message: string): never => {
    // Not awaited: ending a pool with a connection attempt still hanging waits for its timeout.
    store.close().catch(() => undefined);
    throw new StoreOpenError(message);
  };
  try {
    await withDeadline(store.pool.query("SELECT 1"), connectTimeoutMs + 1_000);
  } catch (err) {
    fail(`WARROOM_DB: cannot connect to PostgreSQL at ${where}: ${connectionProblem(err, connectTimeoutMs)}`);
  }
  if (options.migrate !== false) {
    try {
      await migratePostgres(store.pool);
    } catch (err) {
      fail(`WARROOM_DB: cannot bring the PostgreSQL schema at ${where} up to date: ${firstLine(err)}`);
    }
  }
  return store;
}

/** host:port (database "name"), from the URL; never its user info. */
function describeTarget(u: URL): string {
  const host = u.hostname || u.searchParams.get("host") || "localhost";
  const port = u.port || u.searchParams.get("port") || "5432";
  const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || decodeURIComponent(u.username) || "postgres";
  return `${host}:${port} (database "${database}")`;
}

function connectionProblem(err: unknown, timeoutMs: number): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = firstLine(err);
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (is the server running and listening there?)";
    case "ENOTFOUND":
      return "unknown host";
    case "EAI_AGAIN":
      return "the host name could not be resolved";
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    case "ECONNRESET":
      return "the connection was reset";
    case "28P01":
      return "password authentication failed (check the user and password)";
    case "28000":
      return `authentication rejected: ${message}`;
    case "3D000":
      return message;
    case "DEADLINE":
      return `no answer within ${seconds}`;
    default:
      if (/timeout|timed out/i.test(message)) return `no answer within ${seconds}`;
      return message || String(code ?? "unknown error");
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("deadline"), { code: "DEADLINE" })), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
