import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, readSync, statSync, type Stats } from "node:fs";
import { basename, dirname } from "node:path";

/**
 * The database holds incident facts, report drafts and who did what when: it is private at
 * rest. Its folder is 0700 and the database file with its -wal, -shm and -journal siblings
 * 0600, whatever the process umask. SQLite creates the siblings with the database file's
 * mode, so creating that file 0600 before SQLite opens it covers them too.
 */

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const SIBLINGS = ["", "-wal", "-shm", "-journal"] as const;

/** A database path that cannot be used: the message names the path and the reason, in one line. */
export class StoreError extends Error {
  constructor(
    message: string,
    /** "missing": nothing at the path (a read command refuses to create it). */
    readonly kind: "missing" | "unusable" = "unusable",
  ) {
    super(message);
  }
}

/** "ENOENT: no such file or directory, open '/x'" → "no such file or directory". */
export function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^E[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new StoreError(`cannot read ${path}: ${reasonOf(err)}`);
  }
}

const octal = (mode: number) => (mode & 0o777).toString(8).padStart(4, "0");

/** An existing database file: a read command must not create one. */
export function assertDatabaseFile(path: string): void {
  const st = statOrUndefined(path);
  if (!st) throw new StoreError(`no database at ${path}`, "missing");
  if (st.isDirectory()) throw new StoreError(`${path} is a folder, not a database file`);
}

/**
 * Make ready the path a writable database lives at: the folder created 0700 and the file
 * created 0600 when missing (SQLite would create it 0644 less the umask).
 */
export function createPrivateDatabaseFile(path: string): void {
  const dir = dirname(path);
  const dirStat = statOrUndefined(dir);
  if (!dirStat) {
    try {
      mkdirSync(dir, { recursive: true, mode: DIR_MODE });
      // mkdir applies the umask: set the mode itself.
      chmodSync(dir, DIR_MODE);
    } catch (err) {
      throw new StoreError(`cannot create the folder ${dir}: ${reasonOf(err)}`);
    }
  } else if (!dirStat.isDirectory()) {
    throw new StoreError(`cannot create ${path}: ${dir} is not a folder`);
  }
  const st = statOrUndefined(path);
  if (st?.isDirectory()) throw new StoreError(`${path} is a folder, not a database file`);
  if (st) return;
  try {
    closeSync(openSync(path, "wx", FILE_MODE));
    chmodSync(path, FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw new StoreError(`cannot create the database file ${path}: ${reasonOf(err)}`);
  }
}

/**
 * True for a file that is empty or a SQLite database with a schema version set, as warroom's
 * are: its modes may be tightened before SQLite opens it (and creates -wal and -shm with the
 * file's mode). Anything else is left untouched until it has been opened and checked.
 */
export function looksLikeWarroomDatabase(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const header = Buffer.alloc(64);
    const n = readSync(fd, header, 0, 64, 0);
    if (n === 0) return true;
    return n === 64 && header.toString("latin1", 0, 16) === "SQLite format 3\0" && header.readUInt32BE(60) > 0;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Tighten the modes of a warroom database, its siblings and its folder where they are open
 * to other users: before SQLite opens a file that looks like warroom's, and again once it is
 * open and known to be (a path given by mistake is refused untouched). Returns what was
 * changed and what could not be, added to `before`, for one warning line; never fails on a
 * mode it cannot change.
 */
export function tightenModes(path: string, before?: { fixed: string[]; notFixed: string[] }): { fixed: string[]; notFixed: string[] } {
  const fixed: string[] = [...(before?.fixed ?? [])];
  const notFixed: string[] = [...(before?.notFixed ?? [])];
  tightenFiles(path, fixed, notFixed);
  const dir = dirname(path);
  const dirStat = statOrUndefined(dir);
  if (dirStat && dirStat.mode & 0o077) {
    if (isOwnFolder(dir, basename(path), dirStat)) {
      try {
        chmodSync(dir, DIR_MODE);
        fixed.push(`${dir} ${octal(dirStat.mode)} → ${octal(DIR_MODE)}`);
      } catch (err) {
        notFixed.push(`${dir} (${reasonOf(err)})`);
      }
    } else {
      notFixed.push(`${dir} (it holds other files: give the database a folder of its own)`);
    }
  }
  return { fixed, notFixed };
}

/** The database file and its siblings, 0600: tightened where they are looser. */
function tightenFiles(path: string, fixed: string[], notFixed: string[]): void {
  for (const suffix of SIBLINGS) {
    const file = `${path}${suffix}`;
    const st = statOrUndefined(file);
    if (!st || !st.isFile() || !(st.mode & 0o077)) continue;
    try {
      chmodSync(file, FILE_MODE);
      fixed.push(`${file} ${octal(st.mode)} → ${octal(FILE_MODE)}`);
    } catch (err) {
      notFixed.push(`${file} (${reasonOf(err)})`);
    }
  }
}

/**
 * Only a folder that holds nothing but this database is warroom's to lock down: a shared
 * folder (a home directory, /var/lib, a sticky /tmp) is left alone and reported instead.
 */
function isOwnFolder(dir: string, base: string, st: Stats): boolean {
  if (st.mode & 0o1000) return false;
  if (typeof process.getuid === "function" && process.getuid() !== 0 && st.uid !== process.getuid()) return false;
  const own = new Set(SIBLINGS.map((s) => `${base}${s}`));
  try {
    return readdirSync(dir).every((name) => own.has(name));
  } catch {
    return false;
  }
}

/** One warning line, or none when everything was already private. */
export function modeWarning(result: { fixed: string[]; notFixed: string[] }): string | undefined {
  const parts: string[] = [];
  const fixed = [...new Set(result.fixed)];
  const notFixed = [...new Set(result.notFixed)];
  if (fixed.length) parts.push(`made the database private (it was open to other users): ${fixed.join(", ")}`);
  if (notFixed.length) parts.push(`could not make private: ${notFixed.join(", ")}`);
  return parts.length ? `warning: ${parts.join("; ")}` : undefined;
}
