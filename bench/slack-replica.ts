import { parentPort, workerData } from "node:worker_threads";
import { z } from "zod";
import { createApp } from "../src/app.js";
import { openStore } from "../src/store/open.js";
import { FakeClock } from "../src/time/clock.js";
import { startSlack } from "../adapters/slack/index.js";

/**
 * One warroom replica on its own thread (its own event loop, as its own process would
 * have): the app on the shared PostgreSQL database and the Slack adapter on a free port.
 * Answers its port, and stops when told.
 */
const input = z.object({ dbUrl: z.string(), apiUrl: z.string(), token: z.string(), secret: z.string() }).parse(workerData);
// Errors are shown: a bench that fails quietly measures nothing.
const silent = { info: () => undefined, error: (m: string) => console.error(`[replica] ${m}`) };

const store = await openStore(input.dbUrl, { poolSize: 10 });
const app = createApp({ config: { dbPath: "", displayZone: "Asia/Shanghai", sweepCron: "0 0 1 1 *" }, store, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: silent });
const slack = await startSlack({
  app,
  config: { botToken: input.token, signingSecret: input.secret, apiUrl: input.apiUrl, responderIds: [], privateChannels: false },
  port: 0,
  host: "127.0.0.1",
  log: silent,
});
parentPort?.postMessage({ port: slack.address?.port });
parentPort?.once("message", () => {
  void (async () => {
    await slack.stop();
    await app.close();
    await store.close();
    parentPort?.postMessage({ stopped: true });
  })();
});
