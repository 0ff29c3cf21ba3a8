import { spawn } from "node:child_process";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import { ROOT } from "./run-ts.js";

/** Another process holding the database's write lock until `release()`. */
export interface WriteLock {
  release(): Promise<void>;
}

export function holdWriteLock(location: string, incidentId = 1): Promise<WriteLock> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "test/fixtures/hold-write-lock.ts"), location, String(incidentId)], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  onTestFinished(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the lock holder exited (${code}) before taking the lock`)));
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => {
      if (!d.includes("locked")) return;
      resolve({
        release: async () => {
          child.stdin.write("go\n");
          await exited;
        },
      });
    });
  });
}
