import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./run-ts.js";

export { freePort } from "./postgres-cluster.js";

const VITE_NODE = join(ROOT, "node_modules", "vite-node", "vite-node.mjs");

/** A `warroom start` process as an operator runs it, with its output kept for assertions. */
export interface WarroomProcess {
  child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  readonly output: string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** kill -9: no shutdown code runs, as when a machine dies. */
  crash(): Promise<void>;
}

export function startWarroom(env: NodeJS.ProcessEnv, cwd: string, args: string[] = ["start"]): WarroomProcess {
  const child = spawn(process.execPath, [VITE_NODE, join(ROOT, "bin", "warroom.ts"), ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const collect = (d: Buffer) => {
    output += d.toString();
    for (const l of listeners) l();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    get output() {
      return output;
    },
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          done();
          resolve();
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        child.once("exit", () => {
          if (!listeners.has(check)) return;
          done();
          reject(new Error(`warroom exited before ${pattern}; output:\n${output}`));
        });
        check();
      });
    },
    async crash() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
