/**
 * A throwaway PostgreSQL cluster for the test run: initdb into a temporary directory, trust
 * authentication on 127.0.0.1 only, a free port, the socket in the temporary directory, no
 * fsync. As root (CI), initdb and pg_ctl run as the `postgres` user, which initdb requires.
 * Used by the global setup (test/support/postgres-setup.ts); tests use test/support/postgres.ts.
 */
import { execFile, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface Cluster {
  /** URL of the database created for the run (`warroom`), as the `postgres` superuser. */
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export class ClusterError extends Error {}

/** The one role that must log in with a password (to test a wrong one); every other role is trusted. */
export const PASSWORD_ROLE = "warroom_password_check";

/** The newest `/usr/lib/postgresql/<version>/bin` holding initdb, else initdb on the PATH. */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found.replace(/\/initdb$/, "") : undefined;
}

const RUNUSER = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].find((p) => existsSync(p)) ?? "runuser";

function run(command: string, args: string[], asUser: string | undefined): Promise<{ stdout: string; stderr: string }> {
  const [file, argv] = asUser ? [RUNUSER, ["-u", asUser, "--", command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { encoding: "utf8", timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new ClusterError(`${command.split("/").pop() ?? command} failed: ${(stderr || err.message).trim()}`));
      else resolve({ stdout, stderr });
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export async function startCluster(): Promise<Cluster> {
  const bin = findPostgresBin();
  if (!bin) {
    throw new ClusterError(
      "PostgreSQL for the tests did not start: it is not installed (no /usr/lib/postgresql/*/bin/initdb, no initdb on the PATH; Debian: apt-get install postgresql)",
    );
  }
  const isRoot = process.getuid?.() === 0;
  const asUser = isRoot ? "postgres" : undefined;
  // As root, under /tmp: a TMPDIR inside root's home would not be reachable for `postgres`.
  const dir = mkdtempSync(join(isRoot ? "/tmp" : tmpdir(), "warroom-pg-"));
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  let started = false;
  const stopNow = (): void => {
    if (started) {
      const [file, argv] = asUser ? [RUNUSER, ["-u", asUser, "--", join(bin, "pg_ctl")]] : [join(bin, "pg_ctl"), []];
      spawnSync(file, [...argv, "-D", data, "-m", "immediate", "-w", "stop"], { stdio: "ignore", timeout: 30_000 });
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Should the run end without its teardown (an interrupted run), the server does not outlive it.
  const onExit = (): void => stopNow();
  process.once("exit", onExit);
  try {
    if (asUser) {
      const ids = userIds(asUser);
      if (!ids) throw new ClusterError("running as root, but there is no `postgres` user to run the server as (initdb refuses root)");
      chownSync(dir, ids.uid, ids.gid);
    }
    await run(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], asUser);
    // Trust, over TCP from 127.0.0.1 only: no socket logins, no other addresses.
    writeFileSync(join(data, "pg_hba.conf"), `host all ${PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\n`);
    appendFileSync(
      join(data, "postgresql.conf"),
      [
        "",
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        "fsync = off",
        "synchronous_commit = off",
        "full_page_writes = off",
        "shared_buffers = 32MB",
        "max_connections = 200",
        "",
      ].join("\n"),
    );
    let port = 0;
    for (let attempt = 1; !started; attempt++) {
      port = await freePort();
      try {
        await run(join(bin, "pg_ctl"), ["-D", data, "-l", log, "-w", "-t", "30", "-o", `-p ${port}`, "start"], asUser);
        started = true;
      } catch (err) {
        // Another process may have taken the port between the probe and the start.
        if (attempt >= 3) {
          const tail = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").slice(-5).join(" | ") : "";
          throw new ClusterError(`${(err as Error).message}${tail ? ` (server log: ${tail})` : ""}`);
        }
      }
    }
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, connectionTimeoutMillis: 10_000 });
    await admin.connect();
    try {
      await admin.query("CREATE DATABASE warroom");
    } finally {
      await admin.end();
    }
    return {
      url: `postgres://postgres@127.0.0.1:${port}/warroom`,
      port,
      dir,
      async stop() {
        process.removeListener("exit", onExit);
        stopNow();
      },
    };
  } catch (err) {
    process.removeListener("exit", onExit);
    stopNow();
    throw new ClusterError(`PostgreSQL for the tests did not start: ${(err as Error).message}`);
  }
}
