import { Worker } from "node:worker_threads";
import { z } from "zod";
import { FakeSlack } from "../test/fakes/slack.js";
import { send, signedRequest, slashCommandBody } from "../test/fakes/slack-sign.js";
import { percentile, round } from "./slack.js";

const SECRET = "bench-signing-secret";
const CONCURRENCY = 50;
const ROUNDS = 20;
const WARMUP_ROUNDS = 2;

const startedSchema = z.object({ port: z.number() });

/** A replica thread, once it listens. */
async function replica(dbUrl: string, fake: FakeSlack): Promise<{ url: string; stop(): Promise<void> }> {
  const worker = new Worker(new URL("./slack-replica.js", import.meta.url), { workerData: { dbUrl, apiUrl: fake.apiUrl, token: fake.token, secret: SECRET } });
  const started = await new Promise<unknown>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const { port } = startedSchema.parse(started);
  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    stop: async () => {
      const stopped = new Promise((resolve) => worker.once("message", resolve));
      worker.postMessage("stop");
      await stopped;
      await worker.terminate();
    },
  };
}

/**
 * Ack latency of `/incident status` on PostgreSQL through one replica and through two
 * behind a round-robin balancer, in the same run, rounds alternating. Each replica runs on
 * its own thread with its own pool, as separate processes would.
 */
export async function benchSlackReplicas(dbUrl: string): Promise<string[]> {
  const fake = await new FakeSlack().start();
  fake.users.set("UBENCH", { tz: "Asia/Shanghai", name: "bench" });
  const a = await replica(dbUrl, fake);
  const b = await replica(dbUrl, fake);
  const load = new Worker(new URL("./slack-load.js", import.meta.url));
  try {
    let n = 0;
    const command = (text: string, channelId: string) =>
      signedRequest({
        secret: SECRET,
        body: slashCommandBody({ text, userId: "UBENCH", channelId, triggerId: `replicas-${++n}`, responseUrl: fake.responseUrl(`replicas-${n}`) }),
      });
    await send(a.url, command("open Replica bench", "CBENCH"));
    await fake.waitFor((c) => c.method === "pins.add", 10_000);
    const channel = fake.channelByName("inc-20260302-replica-bench")?.id;
    if (!channel) throw new Error("the bench incident channel was not created");

    const one: number[] = [];
    const two: number[] = [];
    const measure = async (urls: string[]) => {
      const before = fake.callsOf("respond").length;
      const latencies = await round(load, urls, Array.from({ length: CONCURRENCY }, () => command("status", channel)));
      await fake.waitFor(() => fake.callsOf("respond").length >= before + CONCURRENCY, 20_000);
      return latencies;
    };
    for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
      const first = r % 2 ? [a.url] : [a.url, b.url];
      const second = r % 2 ? [a.url, b.url] : [a.url];
      const x = await measure(first);
      const y = await measure(second);
      if (r < WARMUP_ROUNDS) continue;
      (first.length === 1 ? one : two).push(...x);
      (second.length === 1 ? one : two).push(...y);
    }
    const f = (xs: number[], p: number) => `${percentile([...xs].sort((p1, p2) => p1 - p2), p).toFixed(2)} ms`;
    return [
      `Slack ack latency on PostgreSQL, /incident status, ${CONCURRENCY} concurrent signed requests × ${ROUNDS} rounds`,
      `  one replica               : p50 ${f(one, 50)}  p99 ${f(one, 99)}`,
      `  two replicas (round-robin): p50 ${f(two, 50)}  p99 ${f(two, 99)}`,
    ];
  } finally {
    await load.terminate();
    await a.stop();
    await b.stop();
    await fake.stop();
  }
}
