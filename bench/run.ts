/**
 * npm run bench: prints the figures the targets are checked against. Never a unit test:
 * timings depend on the machine, so they are measured and shown, not asserted.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { loadRulePack } from "../src/rules/pack.js";
import { parseFacts } from "../src/rules/facts.js";
import { classify } from "../src/rules/classify.js";
import { openDatabase } from "../src/store/db.js";
import { sweep } from "../src/countdown/sweeper.js";
import { sweepDeps, timeTicks } from "./sweep-ticks.js";
import { SqliteStore } from "../src/store/sqlite/store.js";
import { planWarnings } from "../src/countdown/planner.js";
import { FakeClock } from "../src/time/clock.js";

const here = dirname(fileURLToPath(import.meta.url));
const launcher = join(here, "..", "bin", "warroom.js");

function line(name: string, value: string, target?: string): string {
  return `${name.padEnd(52)} ${value.padStart(14)}${target ? `   (target ${target})` : ""}`;
}

function benchClassify(): string {
  const pack = loadRulePack();
  const facts = parseFacts(pack, {
    aware_at: "2026-03-02T09:00:00+08:00",
    operator_type: "ordinary",
    cii_affected: false,
    personal_info_people: 1_200_000,
    direct_loss_rmb: 3_000_000,
    tampered_site_tier: "enterprise",
    illegal_content_shares: 800,
  });
  for (let i = 0; i < 2000; i++) classify(pack, facts);
  const n = 50_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) classify(pack, facts);
  const us = ((performance.now() - t0) * 1000) / n;
  return line("classify(): time per call", `${us.toFixed(1)} µs`);
}

/**
 * One sweep after another over 100,000 incidents. `dense`: every incident still has its whole
 * report plan and a post-incident plan pending (over a million rows), to show the sweep costs
 * what is due, not what is open.
 */
async function benchSweep(dense = false): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "warroom-bench-"));
  const db = openDatabase(join(dir, "bench.db"));
  const pack = loadRulePack();
  const N = 100_000;
  const start = Date.parse("2026-03-02T01:00:00Z");
  // Awareness spread over 30 days; the sweep runs at day 15 (dense: two hours after the
  // first). Incidents whose deadline has passed were reported (no warnings left); the rest
  // have their whole plan pending.
  const now = dense ? start + 2 * 3_600_000 : start + 15 * 86_400_000;
  const insertIncident = db.prepare(
    `INSERT INTO incidents (id, title, status, platform, channel_id, channel_name, opened_by, created_at, aware_at, level, reportability, provisional, deadline_at, deadline_hours, updated_at)
     VALUES (?, ?, 'open', 'bench', ?, ?, 'u', ?, ?, 'major', 'reportable', 0, ?, 4, ?)`,
  );
  const insertWarning = db.prepare("INSERT INTO warnings (incident_id, clock, kind, key, due_at, status) VALUES (?, ?, ?, ?, ?, 'pending')");
  db.transaction(() => {
    for (let i = 1; i <= N; i++) {
      const aware = start + (i - 1) * 26_000;
      const deadline = aware + 4 * 3600_000;
      const iso = new Date(aware).toISOString();
      insertIncident.run(i, `Incident ${i}`, `C${i}`, `inc-${i}`, iso, iso, new Date(deadline).toISOString(), iso);
      if (deadline <= now) continue;
      const postIncident = dense ? { resolvedAt: deadline, dueAt: deadline + 30 * 86_400_000 } : undefined;
      for (const w of planWarnings(pack.countdown, { now: Math.max(now, aware - 1), report: { awareAt: aware, deadlineAt: deadline }, postIncident })) {
        insertWarning.run(i, w.clock, w.kind, w.key, w.dueAt);
      }
    }
  })();
  const pending = (db.prepare("SELECT count(*) AS n FROM warnings WHERE status = 'pending'").get() as { n: number }).n;
  const plan = db
    .prepare("EXPLAIN QUERY PLAN SELECT * FROM warnings WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, id LIMIT 500")
    .all(0) as { detail: string }[];
  const clock = new FakeClock(new Date(now).toISOString());
  const store = new SqliteStore(db);
  const deps = sweepDeps(store, pack, clock);
  const { times, claimed } = await timeTicks(deps, clock);
  // A burst: an hour of warnings at once (as after a long outage), to show the cost per warning.
  clock.advance({ hours: 1 });
  const t1 = performance.now();
  const burst = (await sweep(deps, clock.now().toMillis(), { batch: 100_000 })).claimed;
  const burstMs = performance.now() - t1;
  await store.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return [
    line(`sweep, ${N.toLocaleString("en")} open incidents, ${pending.toLocaleString("en")} pending warnings: median tick`, `${(times[20] as number).toFixed(2)} ms`, dense ? "≤ 5 ms" : "< 50 ms"),
    line("  slowest of 40 ticks (15 s apart)", `${(times[39] as number).toFixed(2)} ms`),
    line("  warnings claimed in those ticks", String(claimed)),
    line(`  burst: ${burst} warnings due at once, per warning`, `${(burstMs / Math.max(1, burst)).toFixed(3)} ms`),
    `  due-warning query plan: ${plan.map((p) => p.detail).join("; ")}`,
  ];
}

/** Start the real launcher (shell adapter, fresh database) and time it to its first prompt. */
function benchColdStart(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "warroom-bench-"));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [launcher, "start", "--shell"], {
      env: { ...process.env, WARROOM_DB: join(dir, "w.db"), SLACK_BOT_TOKEN: "", DISCORD_TOKEN: "" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let ready = 0;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (!ready && out.includes("warroom shell:")) {
        ready = performance.now() - t0;
        // Let start-up settle (catch-up sweep, cron armed) before reading the resident set.
        setTimeout(() => {
          const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
          const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
          child.stdin.end("/quit\n");
          child.on("close", () => {
            rmSync(dir, { recursive: true, force: true });
            resolve([
              line("cold start of `warroom start --shell` to first prompt", `${ready.toFixed(0)} ms`, "< 1000 ms"),
              line("RSS after start", `${(rssKb / 1024).toFixed(1)} MB`, "< 120 MB"),
            ]);
          });
        }, 300);
      }
    });
    child.on("error", reject);
  });
}

async function optional(module: string, fn: string): Promise<string[]> {
  try {
    const mod = (await import(module)) as Record<string, () => Promise<string[]>>;
    const run = mod[fn];
    return run ? await run() : [];
  } catch (err) {
    if ((err as { code?: string }).code === "ERR_MODULE_NOT_FOUND") return [];
    throw err;
  }
}

async function main(): Promise<void> {
  const out: string[] = [`warroom bench — node ${process.version}`];
  out.push(benchClassify());
  out.push(...(await benchSweep()));
  out.push(...(await benchSweep(true)));
  out.push(...(await benchColdStart()));
  out.push(...(await optional("./drill.js", "benchDrill")));
  out.push(...(await optional("./documents.js", "benchDocuments")));
  out.push(...(await optional("./slack.js", "benchSlack")));
  out.push(...(await optional("./discord.js", "benchDiscord")));
  out.push(...(await optional("./feishu.js", "benchFeishu")));
  out.push(...(await optional("./board.js", "benchBoard")));
  out.push(...(await optional("./pdf-health.js", "benchPdfHealth")));
  // Last: starting and stopping a PostgreSQL cluster loads the machine, which would disturb the latency figures above.
  out.push(...(await optional("./postgres.js", "benchPostgres")));
  process.stdout.write(`${out.join("\n")}\n`);
}

await main();
