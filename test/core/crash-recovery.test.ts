import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it, onTestFinished } from "vitest";
import { openStore } from "../../src/store/open.js";
import { SqliteStore } from "../../src/store/sqlite/store.js";
import { createTestDatabase } from "../support/postgres.js";
import Database from "better-sqlite3";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const child = join(root, "test", "fixtures", "crash-child.ts");
const viteNode = join(root, "node_modules", "vite-node", "vite-node.mjs");

interface Run {
  out: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Run the engine in a child; with `killOn`, SIGKILL it the moment it prints that word. */
function run(args: string[], killOn?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [viteNode, child, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (killOn && out.includes(`${killOn} `)) p.kill("SIGKILL");
    });
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code, signal) => {
      if (!killOn && code !== 0) reject(new Error(`child failed (${code}): ${err}`));
      else resolve({ out, code, signal });
    });
  });
}

function channelLines(file: string): { key?: string; text: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { key?: string; text: string });
}

async function warningStates(location: string): Promise<Record<string, number>> {
  const store = location.startsWith("postgres") ? await openStore(location, { migrate: false }) : new SqliteStore(new Database(location, { readonly: true }));
  try {
    return await store.read(async (sql) => {
      const rows = await sql.all<{ status: string; n: number }>("SELECT status, count(*) AS n FROM warnings GROUP BY status");
      const outbox = await sql.get<{ n: number }>("SELECT count(*) AS n FROM outbox WHERE status != 'sent'");
      return { ...Object.fromEntries(rows.map((r) => [r.status, r.n])), unsent: outbox?.n ?? -1 };
    });
  } finally {
    await store.close();
  }
}

// Awareness 09:00 CST, ordinary operator, 1.2 M people's data leaked: major, report due 13:00.
const AWARE = "2026-03-02T09:00:00+08:00";

describe.each([
  ["sqlite", "before-post"],
  ["sqlite", "after-post"],
  ["postgres", "before-post"],
  ["postgres", "after-post"],
])("%s: kill -9 %s, then restart", (engine, crashAt) => {
  it("loses no warning and posts none twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-crash-"));
    const database = engine === "postgres" ? await createTestDatabase("crash") : undefined;
    onTestFinished(() => database?.drop());
    const db = database?.url ?? join(dir, "warroom.db");
    const channel = join(dir, "channel.jsonl");
    await run([db, channel, "setup", AWARE]);

    // 11:00 is half-time: the engine claims that warning and is killed mid-delivery.
    const killed = await run([db, channel, "tick", "2026-03-02T11:00:30+08:00", crashAt], crashAt === "before-post" ? "POSTING" : "POSTED");
    expect(killed.signal).toBe("SIGKILL");
    const halfKey = /(?:POSTING|POSTED) (\S+)/.exec(killed.out)?.[1];
    expect(halfKey).toMatch(/^warning:\d+$/);
    const afterCrash = channelLines(channel).filter((l) => l.key === halfKey);
    expect(afterCrash).toHaveLength(crashAt === "before-post" ? 0 : 1);

    // Back at 12:31: the 60- and 30-minute warnings fell due while the engine was down.
    await run([db, channel, "recover", "2026-03-02T12:31:00+08:00"]);
    const lines = channelLines(channel);
    const keys = lines.map((l) => l.key).filter((k): k is string => Boolean(k));
    expect(new Set(keys).size).toBe(keys.length);
    const half = lines.filter((l) => l.key === halfKey);
    expect(half).toHaveLength(1);
    expect(half[0]?.text).toContain("Half the reporting time is gone");
    const catchUps = lines.filter((l) => l.key?.startsWith("catchup:"));
    expect(catchUps).toHaveLength(1);
    expect(catchUps[0]?.text).toContain("2 warnings fell due while warroom was offline");
    expect(await warningStates(db)).toMatchObject({ sent: 3, unsent: 0 });

    // A second restart finds nothing left to send.
    const before = channelLines(channel).length;
    await run([db, channel, "recover", "2026-03-02T12:32:00+08:00"]);
    expect(channelLines(channel)).toHaveLength(before);
  });
});
