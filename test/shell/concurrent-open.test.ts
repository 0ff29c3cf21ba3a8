import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/store/db.js";
import { runTs } from "../support/run-ts.js";

const SHELLS = 4;
const OPENS = 25;

describe("name clashes and races between processes", () => {
  it("four shells opening 25 incidents each on one database: every channel has its incident, names take the next suffix", async () => {
    const dir = mkdtempSync(join(tmpdir(), "warroom-race-"));
    const path = join(dir, "w.db");
    // The schema exists before the shells start: this test is about opening incidents.
    openDatabase(path).close();
    const script = `${Array.from({ length: OPENS }, () => "/incident open Payment DB outage").join("\n")}\n`;
    const runs = await Promise.all(
      Array.from({ length: SHELLS }, (_, n) =>
        runTs("bin/warroom.ts", ["start", "--shell", "--db", path, "--user", `user${n}`], { input: script, env: { WARROOM_DISPLAY_TZ: "UTC" } }),
      ),
    );
    const db = new Database(path, { readonly: true });
    const rows = db.prepare("SELECT id, opened_by, channel_id, channel_name FROM incidents ORDER BY id").all() as { id: number; opened_by: string; channel_id: string | null; channel_name: string }[];
    db.close();

    for (const [n, r] of runs.entries()) {
      expect(r.code, `shell ${n}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(/UNIQUE|ERROR|Error:/);
      expect(r.stdout).not.toContain("Something went wrong");
      const created = [...r.stdout.matchAll(/^-- created channel #(\S+);/gm)].map((m) => m[1] as string);
      const opened = [...r.stdout.matchAll(/Opened incident #(\d+) "Payment DB outage" in #(\S+)\./g)].map((m) => ({ id: Number(m[1]), channel: m[2] as string }));
      expect(created).toHaveLength(OPENS);
      expect(opened.map((o) => o.channel)).toEqual(created);
      // Every channel this shell made is the channel of an incident it opened.
      for (const o of opened) expect(rows.find((row) => row.id === o.id)).toMatchObject({ opened_by: `user${n}`, channel_id: o.channel, channel_name: o.channel });
    }
    expect(rows).toHaveLength(SHELLS * OPENS);
    expect(rows.every((r) => r.channel_id !== null)).toBe(true);
    const names = rows.map((r) => r.channel_name);
    expect(new Set(names).size).toBe(SHELLS * OPENS);
    // Named by today's date (a drill, on a fake clock, would not write to this database).
    const base = [...names].sort((a, b) => a.length - b.length)[0] as string;
    expect(base).toMatch(/^inc-\d{8}-payment-db-outage$/);
    expect(new Set(names)).toEqual(new Set([base, ...Array.from({ length: SHELLS * OPENS - 1 }, (_, i) => `${base}-${i + 2}`)]));
  });
});
