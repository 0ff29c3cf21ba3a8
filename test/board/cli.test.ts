import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTs } from "../support/run-ts.js";
import { openStore } from "../../src/store/open.js";
import { BoardAuth } from "../../src/board/auth.js";

const CLI = "bin/warroom.ts";

describe("warroom board --link", () => {
  it("prints a one-time link to the public URL that signs in the named user", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-board-cli-"));
    const db = join(dir, "db", "warroom.db");
    // The database comes from a first start; the board never creates one.
    const missing = await runTs(CLI, ["board", "--link", "alice", "--db", db], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^warroom: no database at/);
    await runTs(CLI, ["start", "--shell", "--db", db], { cwd: dir, input: "/quit\n" });
    const r = await runTs(CLI, ["board", "--link", "alice", "--platform", "slack", "--db", db], { cwd: dir, env: { WARROOM_PUBLIC_URL: "https://board.example.com/warroom" } });
    expect(r.code, r.stderr).toBe(0);
    const url = new URL(r.stdout.trim());
    expect(url.origin + url.pathname).toBe("https://board.example.com/warroom/board/signin");
    const store = await openStore(db);
    try {
      const redeemed = await new BoardAuth(store, () => Date.now()).redeem(url.searchParams.get("token"));
      expect(redeemed?.session.viewer).toEqual({ platform: "slack", userId: "alice", name: null, zone: null });
    } finally {
      await store.close();
    }
    for (const [args, message] of [
      [["--link", "alice", "--platform", "irc"], "--platform takes shell, slack, discord, feishu"],
      [["--link", "two words"], "--link: a user id has no spaces or control characters"],
      [["--platform", "slack"], "--platform and --name go with --link"],
    ] as const) {
      const bad = await runTs(CLI, ["board", ...args, "--db", db], { cwd: dir });
      expect(bad.code, args.join(" ")).toBe(2);
      expect(bad.stderr.trim()).toBe(`warroom: ${message}`);
    }
  });
});
