import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root, found from this file whether it runs from src/ (tests) or dist/src/ (built). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "data"))) return dir;
    const parent = resolve(dir, "..");
    if (parent === dir) throw new Error("warroom: cannot find the package root (package.json beside data/)");
    dir = parent;
  }
}

export const PACKAGE_ROOT = findRoot();

export function dataPath(...parts: string[]): string {
  return join(PACKAGE_ROOT, "data", ...parts);
}
