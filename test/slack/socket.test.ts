import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import type { AddressInfo } from "node:net";
import { createApp, type App } from "../../src/app.js";
import { openDatabase } from "../../src/store/db.js";
import { FakeClock } from "../../src/time/clock.js";
import { startSlack, type RunningSlack } from "../../adapters/slack/index.js";
import { FakeSlack } from "../fakes/slack.js";

/** Socket Mode: Slack's side of the WebSocket, enough to say hello, send an envelope and read its ack. */
describe("Slack adapter over Socket Mode", () => {
  const fake = new FakeSlack();
  const db = openDatabase(":memory:");
  let wss: WebSocketServer;
  let app: App;
  let slack: RunningSlack;
  let onConnection: (ws: WebSocket) => void = () => {};
  const connected = new Promise<WebSocket>((resolve) => {
    onConnection = resolve;
  });

  beforeAll(async () => {
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((r) => wss.once("listening", () => r()));
    wss.on("connection", (ws) => {
      ws.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: { approximate_connection_time: 3600 }, connection_info: { app_id: "A0001" } }));
      onConnection(ws);
    });
    await fake.start();
    fake.socketUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
    app = createApp({ config: { dbPath: ":memory:", displayZone: "Asia/Shanghai", sweepCron: "*/15 * * * * *" }, db, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: { info: () => {}, error: () => {} } });
    slack = await startSlack({
      app,
      config: { botToken: fake.token, appToken: fake.appToken, apiUrl: fake.apiUrl, responderIds: [], privateChannels: false },
      port: 0,
      host: "127.0.0.1",
      log: { info: () => {}, error: () => {} },
    });
  });

  afterAll(async () => {
    await slack?.stop();
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    await app.close();
    db.close();
    await fake.stop();
  });

  it("acks a slash command envelope and answers through the response_url", async () => {
    const ws = await connected;
    const acked = new Promise<Record<string, unknown>>((resolve) => ws.on("message", (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
    ws.send(
      JSON.stringify({
        envelope_id: "env-1",
        type: "slash_commands",
        accepts_response_payload: true,
        payload: { command: "/incident", text: "help", user_id: "UALICE", channel_id: "CGENERAL", trigger_id: "t-socket", response_url: fake.responseUrl("socket"), team_id: "T0001", api_app_id: "A0001" },
      }),
    );
    expect(await acked).toMatchObject({ envelope_id: "env-1" });
    const said = await fake.waitFor((c) => c.method === "respond" && c.body.response_url_id === "socket");
    expect(said.body.response_type).toBe("ephemeral");
    expect(String(said.body.text)).toContain("/incident subcommands");
    expect((await fetch(`http://127.0.0.1:${slack.address?.port}/healthz`)).status).toBe(200);
  });
});
