import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { z } from "zod";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { App as BoltApp, LogLevel } from "@slack/bolt";
import { createApp } from "../src/app.js";
import { openDatabase } from "../src/store/db.js";
import { FakeClock } from "../src/time/clock.js";
import { startSlack } from "../adapters/slack/index.js";
import { boltLogger } from "../adapters/slack/logger.js";
import { FakeSlack } from "../test/fakes/slack.js";
import { send, signedRequest, slashCommandBody, type SignedRequest } from "../test/fakes/slack-sign.js";
import type { Round } from "./slack-load.js";

const SECRET = "bench-signing-secret";
const CONCURRENCY = 50;
const ROUNDS = 20;
const WARMUP_ROUNDS = 2;
const TARGET_RATIO = 1.2;

const silent = { info: () => {}, error: () => {} };

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

const answerSchema = z.union([z.object({ latencies: z.array(z.number()) }), z.object({ error: z.string() })]);

/** One round on the load thread: `CONCURRENCY` requests at once; each latency is until its ack arrives. */
export function round(worker: Worker, urls: string | string[], requests: SignedRequest[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      worker.off("error", reject);
      const answer = answerSchema.parse(message);
      if ("error" in answer) reject(new Error(answer.error));
      else resolve(answer.latencies);
    };
    worker.once("message", onMessage);
    worker.once("error", reject);
    worker.postMessage({ urls: typeof urls === "string" ? [urls] : urls, requests } satisfies Round);
  });
}

/**
 * Ack latency of `/incident status` through the adapter's real HTTP receiver, against a
 * bare Bolt app that only acks, under the same load in the same run. Rounds alternate
 * between the two so drift (JIT, GC) falls on both alike. The requests come from a worker
 * thread, as they would from Slack: only the server's own event loop is measured.
 */
export async function benchSlack(): Promise<string[]> {
  const fake = await new FakeSlack().start();
  const db = openDatabase(":memory:");
  const app = createApp({ config: { dbPath: ":memory:", displayZone: "Asia/Shanghai", sweepCron: "0 0 1 1 *" }, db, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: silent });
  const slack = await startSlack({
    app,
    config: { botToken: fake.token, signingSecret: SECRET, apiUrl: fake.apiUrl, responderIds: [], privateChannels: false },
    port: 0,
    host: "127.0.0.1",
    log: silent,
  });
  const bare = new BoltApp({
    token: fake.token,
    signingSecret: SECRET,
    logger: boltLogger(silent, LogLevel.ERROR),
    clientOptions: { slackApiUrl: fake.apiUrl },
    deferInitialization: true,
  });
  bare.command("/incident", async ({ ack }) => {
    await ack();
  });
  let bareServer: Server | undefined;
  const worker = new Worker(new URL("./slack-load.js", import.meta.url));
  try {
    await bare.init();
    bareServer = (await bare.start(0)) as Server;
    const oursUrl = `http://127.0.0.1:${slack.address?.port}/slack/events`;
    const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`;

    // An incident channel for /incident status to report on.
    let n = 0;
    const command = (text: string, channelId: string) =>
      signedRequest({
        secret: SECRET,
        body: slashCommandBody({ text, userId: "UBENCH", channelId, triggerId: `bench-${++n}`, responseUrl: fake.responseUrl(`bench-${n}`) }),
      });
    await send(oursUrl, command("open Bench outage", "CBENCH"));
    await fake.waitFor((c) => c.method === "pins.add", 10_000);
    const channel = fake.channelByName("inc-20260302-bench-outage")?.id;
    if (!channel) throw new Error("the bench incident channel was not created");

    const ours: number[] = [];
    const baseline: number[] = [];
    for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
      const batch = () => Array.from({ length: CONCURRENCY }, () => command("status", channel));
      const oursRound = async () => {
        const before = fake.callsOf("respond").length;
        const latencies = await round(worker, oursUrl, batch());
        // This round's replies finish before the next round, so they slow neither side's next one.
        await fake.waitFor(() => fake.callsOf("respond").length >= before + CONCURRENCY, 10_000);
        return latencies;
      };
      const bareRound = () => round(worker, bareUrl, batch());
      // Alternate who goes first, so warming and garbage collection fall on both alike.
      let a: number[];
      let b: number[];
      if (r % 2) {
        a = await oursRound();
        b = await bareRound();
      } else {
        b = await bareRound();
        a = await oursRound();
      }
      if (r >= WARMUP_ROUNDS) {
        ours.push(...a);
        baseline.push(...b);
      }
    }
    ours.sort((x, y) => x - y);
    baseline.sort((x, y) => x - y);
    const stats = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });
    const o = stats(ours);
    const b = stats(baseline);
    const r50 = o.p50 / b.p50;
    const r99 = o.p99 / b.p99;
    const f = (ms: number) => `${ms.toFixed(2)} ms`;
    const verdict = (r: number) => (r <= TARGET_RATIO ? "ok" : "ABOVE TARGET");
    return [
      `Slack ack latency, /incident status, ${CONCURRENCY} concurrent signed requests × ${ROUNDS} rounds (${ours.length} samples each)`,
      `  warroom adapter : p50 ${f(o.p50)}  p99 ${f(o.p99)}`,
      `  bare Bolt (ack) : p50 ${f(b.p50)}  p99 ${f(b.p99)}`,
      `  ratio           : p50 ${r50.toFixed(2)} (${verdict(r50)})  p99 ${r99.toFixed(2)} (${verdict(r99)})  target ≤ ${TARGET_RATIO}`,
    ];
  } finally {
    await worker.terminate();
    if (bareServer) await bare.stop();
    await slack.stop();
    await app.close();
    db.close();
    await fake.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchSlack().then(
    (lines) => console.log(lines.join("\n")),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
