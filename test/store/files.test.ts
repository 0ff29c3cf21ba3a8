import { describe, expect, it } from "vitest";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openDatabase, StoreError } from "../../src/store/db.js";

const mode = (path: string) => statSync(path).mode & 0o777;
const temp = () => mkdtempSync(join(tmpdir(), "warroom-store-"));

function withUmask<T>(umask: number, fn: () => T): T {
  const before = process.umask(umask);
  try {
    return fn();
  } finally {
    process.umask(before);
  }
}

describe("the database at rest", () => {
  it("is created private under a permissive umask: folder 0700, database, -wal and -shm 0600", () => {
    const dir = join(temp(), "state");
    const path = join(dir, "warroom.db");
    const warnings: string[] = [];
    const db = withUmask(0o022, () => openDatabase(path, { warn: (m) => warnings.push(m) }));
    try {
      db.prepare("INSERT INTO processed_requests (key, at) VALUES ('k', 1)").run();
      expect(existsSync(`${path}-wal`) && existsSync(`${path}-shm`)).toBe(true);
      expect(mode(dir)).toBe(0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect([file, mode(file).toString(8)]).toEqual([file, "600"]);
      expect(warnings).toEqual([]);
    } finally {
      db.close();
    }
  });

  it("tightens an existing database and folder open to others, with one warning line", () => {
    const dir = join(temp(), "state");
    const path = join(dir, "warroom.db");
    const first = withUmask(0o022, () => openDatabase(path));
    first.prepare("INSERT INTO processed_requests (key, at) VALUES ('k', 1)").run();
    for (const file of [path, `${path}-wal`, `${path}-shm`]) chmodSync(file, 0o644);
    chmodSync(dir, 0o755);
    const warnings: string[] = [];
    const second = openDatabase(path, { warn: (m) => warnings.push(m) });
    try {
      expect(mode(dir)).toBe(0o700);
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(mode(file)).toBe(0o600);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^warning: made the database private \(it was open to other users\): /);
      expect(warnings[0]).toContain(`${path} 0644 → 0600`);
      expect(warnings[0]).toContain(`${dir} 0755 → 0700`);
      expect(warnings[0]).not.toContain("\n");
      // Second start: nothing left to say.
      const quiet: string[] = [];
      openDatabase(path, { warn: (m) => quiet.push(m) }).close();
      expect(quiet).toEqual([]);
    } finally {
      second.close();
      first.close();
    }
  });

  it("leaves a shared folder as it is and says so, but makes the files private", () => {
    const dir = temp();
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, "notes.txt"), "not ours");
    const path = join(dir, "warroom.db");
    const warnings: string[] = [];
    withUmask(0o022, () => openDatabase(path, { warn: (m) => warnings.push(m) })).close();
    expect(mode(dir)).toBe(0o755);
    expect(mode(path)).toBe(0o600);
    expect(warnings).toEqual([`warning: could not make private: ${dir} (it holds other files: give the database a folder of its own)`]);
  });
});

describe("an unusable database path", () => {
  const open = (path: string, options = {}) => {
    try {
      openDatabase(path, options).close();
    } catch (err) {
      expect(err).toBeInstanceOf(StoreError);
      return (err as Error).message;
    }
    throw new Error(`${path} opened`);
  };

  it("is one line naming the path: a folder, a path that cannot be created, a file that is not SQLite, another application's database", () => {
    const dir = temp();
    expect(open(dir)).toBe(`${dir} is a folder, not a database file`);
    expect(open("/proc/x")).toBe("cannot create the database file /proc/x: no such file or directory");
    const text = join(dir, "notes.txt");
    writeFileSync(text, "meeting notes, not a database\n".repeat(100), { mode: 0o644 });
    chmodSync(text, 0o644);
    expect(open(text)).toBe(`${text} is not a SQLite database`);
    expect(mode(text)).toBe(0o644);
    expect(open(join(text, "w.db"))).toBe(`cannot create ${join(text, "w.db")}: ${text} is not a folder`);
    const foreign = join(dir, "other.db");
    const other = new Database(foreign);
    other.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY)");
    other.close();
    expect(open(foreign)).toBe(`${foreign} is a SQLite database of another application; not changing it`);
    expect(new Database(foreign).prepare("SELECT name FROM sqlite_master").pluck().all()).toEqual(["accounts"]);
  });

  it("is a database URL: refused without repeating it (it may hold a password) and without creating anything", () => {
    const cwd = process.cwd();
    const dir = temp();
    process.chdir(dir);
    try {
      expect(open("postgres://warroom:s3cret@db.internal:5432/warroom")).toBe("a database URL where the path of a SQLite file is expected");
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it("is not created by a read that needs it to exist", () => {
    const dir = join(temp(), "nothing-here");
    const path = join(dir, "warroom.db");
    expect(open(path, { mustExist: true })).toBe(`no database at ${path}`);
    expect(open(path, { readonly: true })).toBe(`no database at ${path}`);
    expect(existsSync(dir)).toBe(false);
    mkdirSync(dir);
    writeFileSync(path, "");
    expect(open(path, { readonly: true })).toBe(`${path} is not a warroom database`);
  });
});
