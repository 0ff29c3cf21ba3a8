import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";
import { startFeishu } from "../../adapters/feishu/index.js";
import type { FeishuPort } from "../../adapters/feishu/port.js";
import { messageEvent } from "../fakes/feishu-events.js";

const ALICE = "ou_alice";
const ROOM = "oc_room";

describe("Feishu adapter: rate limits, idempotent posts, refusals explained", () => {
  const h = new Harness();
  let port: FeishuPort;
  beforeAll(async () => {
    await h.start();
    h.fake.addChat(ROOM, "Room", [ALICE]);
    port = h.feishu.port as FeishuPort;
  });
  afterAll(() => h.close());

  it("waits out a 429 (99991400, x-ogw-ratelimit-reset) and posts once", async () => {
    h.fake.rateLimit("message.create", 0, 2);
    const posted = await port.post(ROOM, { text: "after the limit" }, { idempotencyKey: "k-limit" });
    expect(h.fake.calls.filter((c) => c.api === "message.create" && c.status === 429)).toHaveLength(2);
    expect(h.fake.messagesIn(ROOM).filter((m) => m.content.includes("after the limit"))).toHaveLength(1);
    expect(posted.id).toMatch(/^om_/);
    expect(h.logs.some((l) => l.includes("rate-limited; retrying"))).toBe(true);
  });

  it("posts a keyed message once: uuid on a repeat, the ref line after a crash beyond Feishu's hour", async () => {
    const first = await port.post(ROOM, { text: "warning one" }, { idempotencyKey: "k-once" });
    // Another process (no memory of the key) repeats the post: Feishu's uuid answers with the first.
    const other = await startFeishu({ app: h.app, config: h.config(), host: "127.0.0.1", log: h.log });
    try {
      const otherPort = other.port as FeishuPort;
      expect((await otherPort.post(ROOM, { text: "warning one" }, { idempotencyKey: "k-once" })).id).toBe(first.id);
      // Past the uuid window the look-up finds it by the card's ref line.
      const stored = h.fake.messages.get(first.id);
      if (stored) delete stored.uuid;
      const again = await otherPort.post(ROOM, { text: "warning one" }, { idempotencyKey: "k-once", mayExist: true });
      expect(again.id).toBe(first.id);
      expect(h.fake.messagesIn(ROOM).filter((m) => m.content.includes("warning one"))).toHaveLength(1);
    } finally {
      await other.stop();
    }
  });

  it("uploads a file and posts it as a file message", async () => {
    const sent = await port.sendFile(ROOM, { filename: "report.pdf", bytes: Buffer.from("%PDF-1.7 fake") });
    const upload = await h.fake.waitFor((c) => c.api === "file.upload");
    expect(upload.body).toMatchObject({ file_type: "pdf", file_name: "report.pdf", file_bytes: 13 });
    const message = h.fake.messages.get(sent.id);
    expect(message?.msgType).toBe("file");
    expect(JSON.parse(message?.content ?? "{}")).toEqual({ file_key: expect.stringMatching(/^file_v3_/) as unknown });
  });

  it("turns a Feishu refusal into a log line and a private explanation, never a stack", async () => {
    h.fake.addChat("oc_general", "General", [ALICE]);
    h.fake.failNext("chat.create", 232033, "The number of group members exceeds the limit.");
    await h.say("/incident open Too many people", ALICE, "oc_general");
    const told = await h.waitEphemeral(ALICE, "war-room channel could not be created");
    expect(JSON.stringify(told.body.card)).not.toContain("    at ");
    expect(h.logs.some((l) => l.startsWith("ERROR") && l.includes("code 232033"))).toBe(true);
  });

  it("sends a private answer to the invoker directly when the group refuses an ephemeral card, never to the group", async () => {
    h.fake.failNext("ephemeral", 230099, "ephemeral cards are not supported in this chat");
    const before = h.fake.calls.length;
    await h.say("/incident help", ALICE, ROOM);
    const direct = await h.fake.waitFor((c) => h.fake.calls.indexOf(c) >= before && c.api === "message.create" && c.status === 200 && c.query.receive_id_type === "open_id");
    expect(direct.body.receive_id).toBe(ALICE);
    expect(String(direct.body.content)).toContain("/incident");
    const inRoom = h.fake.calls.slice(before).filter((c) => (c.api === "message.create" || c.api === "message.reply") && c.body.receive_id !== ALICE && c.status === 200);
    expect(inRoom).toEqual([]);
  });
});

describe("Feishu adapter: the long connection", () => {
  const h = new Harness({ eventMode: "ws" });
  afterAll(() => h.close());

  it("connects through the endpoint look-up and WebSocket, and applies a pushed command once", async () => {
    await h.start();
    expect(h.fake.callsOf("ws.endpoint")[0]?.body).toMatchObject({ AppID: h.fake.appId, AppSecret: h.fake.appSecret });
    expect(h.fake.connections).toBe(1);
    expect(h.feishu.health?.()).toEqual({ events: "connected" });
    h.fake.addChat("oc_general", "General", [ALICE]);
    const event = messageEvent(h.header("ev-ws-1"), { text: "/incident open Over the socket", sender: ALICE, chatId: "oc_general", messageId: "om_ws_in" });
    h.fake.typed("om_ws_in", "oc_general", "/incident open Over the socket");
    expect((await h.fake.push(event)).code).toBe(200);
    expect((await h.fake.push(event)).code).toBe(200);
    await h.fake.waitFor((c) => c.api === "pin");
    expect(h.fake.callsOf("chat.create")).toHaveLength(1);
    const forged = messageEvent(h.header("ev-ws-2", "stolen-token"), { text: "/incident open Forged", sender: ALICE, chatId: "oc_general", messageId: "om_ws_2" });
    await h.fake.push(forged);
    expect(h.incidents()).toBe(1);
  });

  it("fails the start with one line when the endpoint refuses the app", async () => {
    h.fake.longConnectionAllowed = false;
    await expect(startFeishu({ app: h.app, config: h.config(), log: h.log })).rejects.toThrow(/long connection \(FEISHU_EVENT_MODE=ws\) could not start: .*code=514/);
  });
});

describe("Feishu adapter beside a proxy meant for Slack and Discord", () => {
  it("reaches Feishu directly, not through HTTP(S)_PROXY", async () => {
    const saved = { http: process.env.HTTP_PROXY, https: process.env.HTTPS_PROXY };
    // A proxy nobody listens on: a call routed to it would fail.
    process.env.HTTP_PROXY = "http://127.0.0.1:1";
    process.env.HTTPS_PROXY = "http://127.0.0.1:1";
    const h = new Harness();
    try {
      await h.start();
      h.fake.addChat("oc_general", "General", ["ou_alice"]);
      await h.say("/incident open Proxy check", "ou_alice", "oc_general");
      await h.fake.waitFor((c) => c.api === "chat.create" && c.status === 200);
    } finally {
      process.env.HTTP_PROXY = saved.http;
      process.env.HTTPS_PROXY = saved.https;
      if (saved.http === undefined) delete process.env.HTTP_PROXY;
      if (saved.https === undefined) delete process.env.HTTPS_PROXY;
      await h.close();
    }
  });
});
