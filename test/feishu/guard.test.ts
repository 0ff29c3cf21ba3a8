import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENCRYPT_KEY, Harness, VERIFICATION_TOKEN } from "./harness.js";
import { challengeEvent, messageEvent, send, signedRequest } from "../fakes/feishu-events.js";
import { startFeishu } from "../../adapters/feishu/index.js";

const ALICE = "ou_alice";
const GENERAL = "oc_general";

describe("Feishu adapter: encrypted, signed, fresh, rightly tokened events only, each applied once", () => {
  const h = new Harness();
  beforeAll(async () => {
    await h.start();
    h.fake.addChat(GENERAL, "General", [ALICE]);
    h.fake.reset();
  });
  afterAll(() => h.close());

  const open = (title: string, eventId = h.nextId("ev"), token = VERIFICATION_TOKEN) =>
    messageEvent(h.header(eventId, token), { text: `/incident open ${title}`, sender: ALICE, chatId: GENERAL, messageId: h.nextId("om_in") });

  it("answers the URL check, encrypted or in clear, only with the right token", async () => {
    const encrypted = await h.post(challengeEvent(VERIFICATION_TOKEN, "c-123"));
    expect(encrypted).toEqual({ status: 200, json: { challenge: "c-123" } });
    const clear = await send(h.url, { body: JSON.stringify(challengeEvent(VERIFICATION_TOKEN, "c-456")), headers: { "content-type": "application/json" } });
    expect(clear).toEqual({ status: 200, json: { challenge: "c-456" } });
    const wrong = await h.post(challengeEvent("not-the-token", "c-789"));
    expect(wrong.status).toBe(401);
  });

  it("refuses a forged signature, a foreign encrypt key and a clear-text event with 401, changing nothing", async () => {
    expect((await h.post(open("Forged"), { signature: "deadbeef" })).status).toBe(401);
    expect((await h.post(open("Forged"), { signWith: "guessed-key" })).status).toBe(401);
    expect((await h.post(open("Forged"), { encryptKey: "guessed-key" })).status).toBe(401);
    expect((await h.post(open("Forged"), { clear: true })).status).toBe(401);
    expect((await send(h.url, { body: "not json", headers: { "content-type": "application/json" } })).status).toBe(400);
    expect(h.fake.calls).toEqual([]);
    expect(h.incidents()).toBe(0);
  });

  it("refuses a correctly signed event older than five minutes", async () => {
    const res = await h.post(open("Stale"), { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(h.fake.calls).toEqual([]);
    expect(h.incidents()).toBe(0);
  });

  it("refuses a signed event whose header carries a wrong verification token", async () => {
    const res = await h.post(open("Wrong token", h.nextId("ev"), "stolen-token"));
    expect(res.status).toBe(401);
    expect(h.fake.calls).toEqual([]);
    expect(h.incidents()).toBe(0);
  });

  it("acknowledges a redelivered event (same event_id, signed afresh) and applies it once", async () => {
    const event = open("Redelivered outage", "ev-redelivered");
    const first = await h.post(event);
    const again = await h.post(event, { timestampSec: Math.floor(Date.now() / 1000) + 1 });
    expect([first.status, again.status]).toEqual([200, 200]);
    await h.fake.waitFor((c) => c.api === "pin");
    await h.fake.waitFor((c) => c.api === "message.reply" && String(c.body.content).includes("Opened incident"));
    expect(h.fake.callsOf("chat.create")).toHaveLength(1);
    expect(h.incidents()).toBe(1);
  });

  it("keeps hostile text inert: no @all, no markup, control characters gone, a huge command refused", async () => {
    const room = h.fake.chatByName("inc-20260302 Redelivered outage");
    expect(room).toBeDefined();
    const chat = room?.id ?? "";
    await h.say("/incident update <at id=all></at> database \u0007restored <a href=x>see</a>", ALICE, chat);
    const said = await h.fake.waitFor((c) => (c.api === "message.create" || c.api === "message.reply") && String(c.body.content).includes("restored"));
    // The body is markdown, which Feishu parses for <at>; the summary is plain text and is not.
    const content = JSON.stringify((JSON.parse(String(said.body.content)) as { body: unknown }).body);
    expect(content).not.toContain("<at id=all>");
    expect(content).toContain("&lt;at id=all&gt;");
    expect(content).not.toContain("<a href");
    expect(String(said.body.content)).not.toContain("\\u0007");
    const huge = await h.say(`/incident update ${"x".repeat(20_000)}`, ALICE, chat);
    expect(huge.status).toBe(200);
    await h.waitEphemeral(ALICE, "too long");
  });

  it("answers 404 off its path and /healthz beside it", async () => {
    expect((await fetch(h.url.replace("/feishu/events", "/nope"))).status).toBe(404);
    expect((await fetch(h.url.replace("/feishu/events", "/healthz"))).status).toBe(200);
  });

  it("refuses to start with a secret Feishu rejects, or over HTTP without an encrypt key", async () => {
    await expect(startFeishu({ app: h.app, config: h.config({ appSecret: "wrong" }), host: "127.0.0.1", log: h.log })).rejects.toThrow(/refused the app \(FEISHU_APP_ID\/FEISHU_APP_SECRET\): code 10014/);
    await expect(startFeishu({ app: h.app, config: h.config({ encryptKey: undefined }), host: "127.0.0.1", log: h.log })).rejects.toThrow(/FEISHU_ENCRYPT_KEY/);
  });

  it("signs nothing it has not checked: the signature is over the exact bytes received", async () => {
    const req = signedRequest(open("Tampered"), { encryptKey: ENCRYPT_KEY });
    const tampered = { ...req, body: req.body.replace(/"}$/, '=="}') };
    expect((await send(h.url, tampered)).status).toBe(401);
  });
});
