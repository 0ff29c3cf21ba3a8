import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatPort } from "../../src/bot/adapter.js";
import { finalAnswer, startHarness, type Harness } from "./harness.js";

describe("Discord REST behaviour: rate limits and idempotent posts", () => {
  let h: Harness;
  let port: ChatPort;
  let channelId: string;

  beforeAll(async () => {
    h = await startHarness();
    port = h.adapter.port;
    channelId = h.fake.generalChannelId;
  });

  afterAll(async () => {
    await h?.close();
  });

  it("retries a 429 after retry_after and posts the message once", async () => {
    h.fake.rateLimit("POST", new RegExp(`^/channels/${channelId}/messages$`), 0.05);
    const before = h.fake.channelMessages(channelId).length;
    const posted = await port.post(channelId, { text: "Status update", title: "Update", body: "All good" }, { idempotencyKey: "inc1:update:1" });
    const attempts = h.fake.callsTo("POST", new RegExp(`^/channels/${channelId}/messages$`)).slice(-2);
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]?.body).toEqual(attempts[0]?.body);
    expect(h.fake.channelMessages(channelId).length).toBe(before + 1);
    expect(h.fake.channelMessages(channelId).at(-1)?.id).toBe(posted.id);
  });

  it("shows a repeated key once: the nonce is enforced, and a retry after a crash looks first", async () => {
    const message = { text: "Half the time is gone", title: "⏳ Half time", body: "2 h left" };
    const first = await port.post(channelId, message, { idempotencyKey: "inc1:report:half" });
    const again = await port.post(channelId, message, { idempotencyKey: "inc1:report:half" });
    expect(again.id).toBe(first.id);
    const posts = h.fake.callsTo("POST", new RegExp(`^/channels/${channelId}/messages$`)).slice(-2);
    expect(posts.map((c) => [c.body?.nonce, c.body?.enforce_nonce])).toEqual([
      [posts[0]?.body?.nonce, true],
      [posts[0]?.body?.nonce, true],
    ]);
    const postsBefore = h.fake.callsTo("POST", /\/messages$/).length;
    const recovered = await port.post(channelId, message, { idempotencyKey: "inc1:report:half", mayExist: true });
    expect(recovered.id).toBe(first.id);
    expect(h.fake.callsTo("POST", /\/messages$/).length).toBe(postsBefore);
    expect(h.fake.callsTo("GET", new RegExp(`^/channels/${channelId}/messages$`)).at(-1)?.query.limit).toBe("50");
    expect(h.fake.channelMessages(channelId).filter((m) => m.embeds[0]?.footer && JSON.stringify(m.embeds[0].footer).includes("inc1:report:half"))).toHaveLength(1);
  });

  it("delivers the card through a 429 when an incident opens", async () => {
    h.fake.rateLimit("POST", /^\/channels\/\d+\/messages$/, 0.05);
    const alice = h.fake.addUser("alice", [h.fake.responderRoleId]);
    await finalAnswer(h.fake, h.fake.slash(alice, channelId, "open", { title: "Rate limited" }));
    const created = [...h.fake.channels.values()].find((c) => c.name.endsWith("rate-limited"));
    expect(created).toBeDefined();
    await h.fake.waitForCall((c) => c.method === "PUT" && c.path.includes(`/channels/${created?.id}/`) && c.path.includes("/pins/"));
    const cardPosts = h.fake.callsTo("POST", new RegExp(`^/channels/${created?.id}/messages$`));
    expect(cardPosts.map((c) => c.status)).toEqual([429, 200]);
    expect(h.fake.channelMessages(created?.id ?? "")).toHaveLength(1);
    // A public channel (not private): no overwrites are set.
    expect(h.fake.callsTo("POST", /^\/guilds\/\d+\/channels$/).at(-1)?.body?.permission_overwrites).toBeUndefined();
  });
});
