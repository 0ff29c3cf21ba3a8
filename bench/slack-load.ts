import { parentPort } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { send } from "../test/fakes/slack-sign.js";

/**
 * The bench's load generator, on its own thread: the server's work after each ack must
 * not delay the clock that measures the ack.
 */

export const roundSchema = z.object({
  /** Request i goes to urls[i % urls.length]: several replicas behind a round-robin balancer. */
  urls: z.array(z.string()).min(1),
  requests: z.array(z.object({ body: z.string(), headers: z.record(z.string(), z.string()) })),
});
export type Round = z.infer<typeof roundSchema>;

async function run(round: Round): Promise<number[]> {
  return Promise.all(
    round.requests.map(async (req, i) => {
      const t0 = performance.now();
      const res = await send(round.urls[i % round.urls.length] as string, req);
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`bench request answered ${res.status}`);
      return ms;
    }),
  );
}

parentPort?.on("message", (message: unknown) => {
  const round = roundSchema.parse(message);
  run(round).then(
    (latencies) => parentPort?.postMessage({ latencies }),
    (err: unknown) => parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
});
