import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness, SECRET } from "./harness.js";
import { postSigned, send, signedRequest, slashCommandBody } from "../fakes/slack-sign.js";

const ALICE = "UALICE";
const GENERAL = "CGENERAL";

function incidents(h: Harness): number {
  return (h.db.prepare("SELECT count(*) AS n FROM incidents").get() as { n: number }).n;
}

describe("Slack adapter: signed requests only, each applied once", () => {
  const h = new Harness();
  beforeAll(async () => {
    await h.start();
    // Bolt checks its token once at start-up; after that, only requests cause calls.
    await h.fake.waitFor((c) => c.method === "auth.test");
    h.fake.reset();
  });
  afterAll(() => h.close());

  const openBody = (trigger: string) =>
    slashCommandBody({ text: "open Forged outage", userId: ALICE, channelId: GENERAL, triggerId: trigger, responseUrl: h.fake.responseUrl(trigger) });

  it("refuses a forged signature with 401 and changes nothing", async () => {
    const res = await postSigned(h.url, { secret: "not-the-secret", body: openBody("t-forged") });
    expect(res.status).toBe(401);
    const garbage = await postSigned(h.url, { secret: SECRET, body: openBody("t-forged-2"), signature: "v0=deadbeef" });
    expect(garbage.status).toBe(401);
    expect(h.fake.calls).toEqual([]);
    expect(incidents(h)).toBe(0);
  });

  it("refuses a correctly signed request older than five minutes", async () => {
    const res = await postSigned(h.url, { secret: SECRET, body: openBody("t-stale"), timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(res.status).toBe(401);
    expect(h.fake.calls).toEqual([]);
    expect(incidents(h)).toBe(0);
  });

  it("refuses a replay of a valid request (same signature and timestamp) with 401", async () => {
    const req = signedRequest({ secret: SECRET, body: openBody("t-replayed") });
    const first = await send(h.url, req);
    expect(first.status).toBe(200);
    const again = await send(h.url, req);
    expect(again.status).toBe(401);
    await h.fake.waitFor((c) => c.method === "pins.add");
    expect(h.fake.callsOf("conversations.create")).toHaveLength(1);
    expect(incidents(h)).toBe(1);
  });

  it("applies a redelivered command (X-Slack-Retry-Num, same trigger) once", async () => {
    const body = slashCommandBody({ text: "open Retried outage", userId: ALICE, channelId: GENERAL, triggerId: "t-retried", responseUrl: h.fake.responseUrl("t-retried") });
    const now = Math.floor(Date.now() / 1000);
    const first = await postSigned(h.url, { secret: SECRET, body, timestampSec: now - 2 });
    // Slack signs a redelivery afresh: a different timestamp makes a different signature.
    const retry = await postSigned(h.url, { secret: SECRET, body, timestampSec: now, retryNum: 1 });
    expect([first.status, retry.status]).toEqual([200, 200]);
    await h.responded("t-retried");
    expect(h.fake.callsOf("conversations.create").filter((c) => String(c.body.name).includes("retried-outage"))).toHaveLength(1);
    expect(incidents(h)).toBe(2);
  });

  it("refuses to start with a token Slack rejects", async () => {
    const { startSlack } = await import("../../adapters/slack/index.js");
    const start = startSlack({
      app: h.app,
      config: { botToken: "xoxb-revoked", signingSecret: SECRET, apiUrl: h.fake.apiUrl, responderIds: [], privateChannels: false },
      port: 0,
      host: "127.0.0.1",
      log: { info: () => {}, error: () => {} },
    });
    await expect(start).rejects.toThrow(/invalid_auth/);
  });

  it("answers 404 off the Slack paths and 200 on /healthz, naming the store", async () => {
    expect((await fetch(h.url.replace("/slack/events", "/nope"))).status).toBe(404);
    const res = await fetch(h.url.replace("/slack/events", "/healthz"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", backend: "sqlite", database: "ok" });
  });

  it("turns /healthz 503 when the database does not answer", async () => {
    const second = await new Harness().start();
    second.db.close();
    try {
      const res = await fetch(second.url.replace("/slack/events", "/healthz"));
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "database unreachable", backend: "sqlite", database: "unreachable" });
    } finally {
      await second.slack.stop();
      await second.fake.stop();
    }
  });
});
