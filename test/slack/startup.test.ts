import { afterAll, describe, expect, it } from "vitest";
import { createServer, type Server, type Socket } from "node:net";
import { createApp } from "../../src/app.js";
import { openDatabase } from "../../src/store/db.js";
import { FakeClock } from "../../src/time/clock.js";
import { SLACK_AUTH_TIMEOUT_MS } from "../../adapters/slack/auth-check.js";
import { SlackStartError, startSlack } from "../../adapters/slack/index.js";

/** A "Slack" that accepts connections and never says a word. */
function silentServer(): Promise<{ server: Server; url: string; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, sockets, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/api/` })),
  );
}

describe("Slack start-up against a server that never answers", () => {
  const cleanup: (() => void)[] = [];
  afterAll(() => cleanup.forEach((c) => c()));

  it("gives up after the token check's timeout with one line", async () => {
    const silent = await silentServer();
    cleanup.push(() => {
      silent.sockets.forEach((s) => s.destroy());
      silent.server.close();
    });
    const db = openDatabase(":memory:");
    const app = createApp({ config: { dbPath: ":memory:", displayZone: "UTC", sweepCron: "0 0 1 1 *" }, db, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: { info: () => undefined, error: () => undefined } });
    cleanup.push(() => db.close());
    const logs: string[] = [];
    const started = Date.now();
    const start = startSlack({
      app,
      config: { botToken: "xoxb-test", signingSecret: "s", apiUrl: silent.url, responderIds: [], privateChannels: false },
      port: 0,
      host: "127.0.0.1",
      log: { info: (m) => logs.push(m), error: (m) => logs.push(m) },
      authTimeoutMs: 300,
    });
    // Without a timeout the start would wait for ever: give it five seconds.
    const outcome = await Promise.race([start.then(() => "started", (err: unknown) => err), new Promise((r) => setTimeout(() => r("still waiting"), 5_000))]);
    expect(outcome).toBeInstanceOf(SlackStartError);
    expect((outcome as Error).message).toBe(`Slack at ${silent.url} (SLACK_API_URL) did not answer within 300 ms`);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(silent.sockets.length).toBeGreaterThan(0);
    expect(logs).toEqual([]);
  });

  it("waits about ten seconds by default", () => {
    expect(SLACK_AUTH_TIMEOUT_MS).toBe(10_000);
  });
});
