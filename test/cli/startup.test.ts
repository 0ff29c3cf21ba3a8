import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { FakeSlack } from "../fakes/slack.js";
import { ROOT, runTs, type Result } from "../support/run-ts.js";

const CLI = "bin/warroom.ts";
const temp = () => mkdtempSync(join(tmpdir(), "warroom-startup-"));
const mode = (path: string) => (existsSync(path) ? (statSync(path).mode & 0o777).toString(8) : "absent");

/**
 * The shell under `sh -c 'umask …; exec …'` (the umask a service manager might leave), kept
 * running until `whileOpen` has looked at the files, so the -wal and -shm files exist.
 */
function shellUnderUmask(umask: string, env: NodeJS.ProcessEnv, whileOpen: () => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const vite = join(ROOT, "node_modules", "vite-node", "vite-node.mjs");
    const p = spawn("sh", ["-c", `umask ${umask} && exec "$0" "$@"`, process.execPath, vite, join(ROOT, CLI), "start", "--shell", "--user", "alice"], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let looked = false;
    p.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (!looked && stdout.includes("status card pinned")) {
        looked = true;
        try {
          whileOpen();
        } finally {
          p.stdin.end();
        }
      }
    });
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
    p.stdin.write("/incident open Payment DB outage\n");
  });
}

describe("warroom start: the database at rest", () => {
  it("creates the folder 0700 and the database with its -wal and -shm 0600 under umask 022", async () => {
    const dir = join(temp(), "state");
    const db = join(dir, "warroom.db");
    let modes: string[] = [];
    const r = await shellUnderUmask("022", { WARROOM_DB: db }, () => {
      modes = [dir, db, `${db}-wal`, `${db}-shm`].map(mode);
    });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(modes).toEqual(["700", "600", "600", "600"]);
  });

  it("tightens an existing database open to others, with one warning line", async () => {
    const dir = join(temp(), "state");
    const db = join(dir, "warroom.db");
    expect((await runTs(CLI, ["start", "--shell"], { input: "/incident open One\n", env: { WARROOM_DB: db } })).code).toBe(0);
    chmodSync(db, 0o644);
    chmodSync(dir, 0o755);
    const r = await runTs(CLI, ["start", "--shell"], { input: "", env: { WARROOM_DB: db } });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`[warroom] warning: made the database private (it was open to other users): ${db} 0644 → 0600, ${dir} 0755 → 0700\n`);
    expect([mode(dir), mode(db)]).toEqual(["700", "600"]);
  });
});

describe("warroom start: an unusable WARROOM_DB is one line, exit 2", () => {
  const dir = temp();
  const text = join(dir, "notes.txt");
  writeFileSync(text, "meeting notes, not a database\n".repeat(200));
  const nested = join(dir, "sub");
  mkdirSync(nested);
  it.each([
    ["a folder", nested, `warroom: WARROOM_DB: ${nested} is a folder, not a database file`],
    ["a path in /proc", "/proc/x", "warroom: WARROOM_DB: cannot create the database file /proc/x: no such file or directory"],
    ["a file that is not SQLite", text, `warroom: WARROOM_DB: ${text} is not a SQLite database`],
  ])("%s", async (_what, path, line) => {
    const r = await runTs(CLI, ["start", "--shell"], { input: "", env: { WARROOM_DB: path } });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, "", `${line}\n`]);
  });
});

describe("warroom classify", () => {
  it("reads no chat-platform configuration", async () => {
    const r = await runTs(CLI, ["classify", "-"], {
      input: JSON.stringify({ personal_info_people: 1_200_000 }),
      env: { SLACK_BOT_TOKEN: "xoxb-no-secret", SLACK_API_URL: "not a url", DISCORD_API_URL: "nope", PORT: "99999", WARROOM_DISPLAY_TZ: "Mars/Olympus" },
    });
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout)).toMatchObject({ level: "major" });
  });
});

describe("warroom start with Slack: a failed token check is one line, exit 2", () => {
  const slack = new FakeSlack();
  beforeAll(() => slack.start());
  afterAll(() => slack.stop());

  const start = (env: NodeJS.ProcessEnv) =>
    runTs(CLI, ["start"], { env: { WARROOM_DB: join(temp(), "w.db"), PORT: "0", SLACK_SIGNING_SECRET: "secret", ...env } });

  it("names the token Slack refuses", async () => {
    const r = await start({ SLACK_BOT_TOKEN: "xoxb-revoked", SLACK_API_URL: slack.apiUrl });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, "", "warroom: Slack refused SLACK_BOT_TOKEN: invalid_auth\n"]);
  });

  it("names the Slack it cannot reach", async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const url = `http://127.0.0.1:${closed}/api/`;
    const r = await start({ SLACK_BOT_TOKEN: "xoxb-test-token", SLACK_API_URL: url });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, "", `warroom: cannot reach Slack at ${url} (SLACK_API_URL): connection refused\n`]);
  });
});
