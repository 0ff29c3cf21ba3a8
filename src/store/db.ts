import Database from "better-sqlite3";
import { MIGRATIONS } from "./migrations.js";
import { sqliteTablesVersion } from "./schema.js";
import { assertDatabaseFile, createPrivateDatabaseFile, looksLikeWarroomDatabase, modeWarning, reasonOf, StoreError, tightenModes } from "./files.js";

export { StoreError } from "./files.js";

export type Db = Database.Database;

export class DatabaseBusyError extends Error {
  constructor() {
    super("The incident database is locked by another process; nothing was changed. Try again in a moment.");
  }
}

/** The database server cannot be reached (PostgreSQL down, network gone): nothing was recorded. */
export class DatabaseUnavailableError extends Error {
  constructor() {
    super("The incident database cannot be reached; nothing was changed. Try again in a moment.");
  }
}

/** better-sqlite3 reports lock contention as SQLITE_BUSY / SQLITE_LOCKED error codes. */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

export interface OpenOptions {
  /** How long a writer waits for a lock before SQLITE_BUSY (ms). */
  busyTimeoutMs?: number;
  /** Refuse to create the database: a command that only reads must not leave an empty one behind. */
  mustExist?: boolean;
  /**
   * Open read-only and migrate nothing (implies mustExist): `verify` looks at the evidence
   * as it is. The schema may then be older than this code's.
   */
  readonly?: boolean;
  /** Where the warning about loosened file modes goes (default: standard error). */
  warn?: (message: string) => void;
}

/**
 * Open (and, unless read-only, create and migrate) the incident database. Every way a path
 * can be unusable (a folder, an uncreatable path, a file that is not SQLite, a database of
 * another application or of a newer warroom) is a StoreError with one line naming the path.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path === ":memory:") return configure(new Database(path), options);
  // A URL (postgres://user:password@…) is not a file: refuse it without repeating it, and
  // without creating folders named after it.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw new StoreError("a database URL where the path of a SQLite file is expected");
  const readonly = options.readonly ?? false;
  if (readonly || options.mustExist) assertDatabaseFile(path);
  let early: ReturnType<typeof tightenModes> | undefined;
  if (!readonly) {
    createPrivateDatabaseFile(path);
    if (looksLikeWarroomDatabase(path)) early = tightenModes(path);
  }
  let db: Db | undefined;
  try {
    db = new Database(path, { readonly, fileMustExist: readonly || Boolean(options.mustExist) });
    configure(db, { ...options, readonly }, path);
  } catch (err) {
    db?.close();
    throw asStoreError(err, path);
  }
  if (!readonly) {
    const warning = modeWarning(tightenModes(path, early));
    if (warning) (options.warn ?? ((m: string) => process.stderr.write(`warroom: ${m}\n`)))(warning);
  }
  return db;
}

/** The file as it is, writable, nothing migrated: only `warroom repair-schema` opens it so. */
export function openUnmigrated(path: string): Db {
  assertDatabaseFile(path);
  try {
    return new Database(path, { fileMustExist: true });
  } catch (err) {
    throw asStoreError(err, path);
  }
}

function configure(db: Db, options: OpenOptions, path = ":memory:"): Db {
  if (options.readonly) {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    checkSchema(db, path);
    return db;
  }
  db.pragma("journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode; only a power loss may drop the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  migrate(db, path);
  return db;
}

function asStoreError(err: unknown, path: string): Error {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown }).code;
  if (code === "SQLITE_NOTADB") return new StoreError(`${path} is not a SQLite database`);
  if (isBusyError(err)) return new StoreError(`${path} is locked by another process; try again in a moment`);
  return new StoreError(`cannot open the database ${path}: ${reasonOf(err)}`);
}

/** The schema version this code reaches. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Read-only opens: refuse what is not a warroom database or is newer than this code. */
function checkSchema(db: Db, path: string): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) throw tooNew(path, current);
  if (current === 0 || !db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timeline'").get()) {
    throw new StoreError(`${path} is not a warroom database`);
  }
}

const tooNew = (path: string, version: number) =>
  new StoreError(`the database ${path} is at schema version ${version}, newer than this warroom (${MIGRATIONS.length}); upgrade warroom`);

export function migrate(db: Db, path = "the database"): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > MIGRATIONS.length) throw tooNew(path, current);
  if (current === 0 && db.prepare("SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' LIMIT 1").get()) {
    // Tables but no warroom schema version: another application's database. Leave it alone.
    throw new StoreError(`${path} is a SQLite database of another application; not changing it`);
  }
  const tables = current === 0 ? 0 : sqliteTablesVersion(db);
  if (tables !== current) {
    // A version edited by hand would make the migrations run again over tables that exist.
    throw new StoreError(
      `${path} says schema ${current} but its tables are ${tables === null ? "no warroom schema" : `schema ${tables}'s`} (changed outside warroom); run warroom verify, then warroom repair-schema`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
