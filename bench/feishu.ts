import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { createApp } from "../src/app.js";
import { openDatabase } from "../src/store/db.js";
import { FakeClock } from "../src/time/clock.js";
import { startFeishu } from "../adapters/feishu/index.js";
import { FakeFeishu } from "../test/fakes/feishu.js";
import { messageEvent, send, signedRequest } from "../test/fakes/feishu-events.js";
import { percentile, round } from "./slack.js";

const ENCRYPT_KEY = "bench-encrypt-key";
const TOKEN = "bench-verification-token";
const CONCURRENCY = 50;
const ROUNDS = 10;
const WARMUP_ROUNDS = 2;
/** Feishu redelivers an event it has not seen answered within 3 s. */
const DEADLINE_MS = 3000;

const silent = { info: () => {}, error: () => {} };

/**
 * Event-to-acknowledgement latency of `/incident status` typed in a war room: each event
 * encrypted and signed, through the real receiver (signature, age, token, event-id record)
 * and the SDK's dispatcher, `CONCURRENCY` at once from a worker thread, as Feishu would send
 * them. The work after each ack (the status reply) runs in the same process and is counted
 * against the next acks, as it would be in production.
 */
export async function benchFeishu(): Promise<string[]> {
  const fake = await new FakeFeishu().start();
  const db = openDatabase(":memory:");
  const app = createApp({ config: { dbPath: ":memory:", displayZone: "Asia/Shanghai", sweepCron: "0 0 1 1 *" }, db, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: silent });
  const feishu = await startFeishu({
    app,
    config: { appId: fake.appId, appSecret: fake.appSecret, verificationToken: TOKEN, encryptKey: ENCRYPT_KEY, apiUrl: fake.apiUrl, responderIds: [], eventMode: "http", urgent: "app" },
    host: "127.0.0.1",
    port: 0,
    log: silent,
  });
  const worker = new Worker(new URL("./slack-load.js", import.meta.url));
  try {
    const url = `http://127.0.0.1:${feishu.address?.port}/feishu/events`;
    fake.addChat("oc_bench", "Bench", ["ou_bench"]);
    let n = 0;
    const say = (text: string, chatId: string) => {
      const messageId = `om_bench_${++n}`;
      fake.typed(messageId, chatId, text);
      const event = messageEvent({ eventId: `ev-bench-${n}`, token: TOKEN, appId: fake.appId }, { text, sender: "ou_bench", chatId, messageId });
      return signedRequest(event, { encryptKey: ENCRYPT_KEY });
    };
    await send(url, say("/incident open Bench outage", "oc_bench"));
    await fake.waitFor((c) => c.api === "pin", 10_000);
    const chat = fake.chatByName("inc-20260302 Bench outage")?.id;
    if (!chat) throw new Error("the bench war room was not created");

    const samples: number[] = [];
    for (let r = 0; r < WARMUP_ROUNDS + ROUNDS; r++) {
      const before = fake.callsOf("ephemeral").length;
      const latencies = await round(worker, url, Array.from({ length: CONCURRENCY }, () => say("/incident status", chat)));
      await fake.waitFor(() => fake.callsOf("ephemeral").length >= before + CONCURRENCY, 20_000);
      if (r >= WARMUP_ROUNDS) samples.push(...latencies);
    }
    samples.sort((a, b) => a - b);
    const f = (ms: number) => `${ms.toFixed(2)} ms`;
    const p99 = percentile(samples, 99);
    return [
      `Feishu event-to-ack latency, /incident status, ${CONCURRENCY} concurrent signed, encrypted events × ${ROUNDS} rounds (${samples.length} samples)`,
      `  warroom adapter : p50 ${f(percentile(samples, 50))}  p99 ${f(p99)}  max ${f(samples[samples.length - 1] as number)}  (${p99 < DEADLINE_MS ? "ok" : "ABOVE"}: Feishu redelivers after ${DEADLINE_MS} ms)`,
    ];
  } finally {
    await worker.terminate();
    await feishu.stop();
    await app.close();
    db.close();
    await fake.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchFeishu().then(
    (lines) => console.log(lines.join("\n")),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
