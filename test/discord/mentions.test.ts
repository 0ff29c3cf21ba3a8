import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import type { FakeUser, JsonObject, RecordedCall } from "../fakes/discord.js";
import { finalAnswer, startHarness, textOf, dataOf, type Harness } from "./harness.js";
import { channelName } from "../../adapters/discord/port.js";
import { renderMessage } from "../../adapters/discord/render.js";

/** The typed markup that would ping or render as a mention or link if sent unchanged. */
const LIVE = /@everyone|@here|<@&123456789|<@987654321|<#555|\]\(https?:/;

describe("Discord: mentions and links typed by users are shown as text", () => {
  let h: Harness;
  let alice: FakeUser;

  beforeAll(async () => {
    h = await startHarness();
    alice = h.fake.addUser("alice", [h.fake.responderRoleId]);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("a title with @everyone, @here, role, user and channel mentions and a masked link pings nobody, topic included", async () => {
    const title = "@everyone @here <@&123456789> <@987654321> <#555> [click me](https://evil.example) outage";
    const open = h.fake.slash(alice, h.fake.generalChannelId, "open", { title });
    const answer = await finalAnswer(h.fake, open);
    expect(textOf(answer)).toContain("Opened incident #1");
    expect(textOf(answer)).not.toMatch(LIVE);
    expect(dataOf(answer).allowed_mentions).toEqual({ parse: [], users: [] });
    const create = h.fake.callsTo("POST", /^\/guilds\/\d+\/channels$/)[0] as RecordedCall;
    const body = create.body as JsonObject;
    expect(String(body.topic)).toContain("everyone");
    expect(String(body.topic)).not.toMatch(LIVE);
    expect(String(body.name)).toMatch(/^[a-z0-9_-]+$/);
    const channelId = [...h.fake.channels.values()].find((c) => c.name === body.name)?.id ?? "";
    const card = await eventually(() => h.fake.channelMessages(channelId).find((m) => m.pinned), "card pinned");
    expect(JSON.stringify(card.embeds)).toContain("outage");
    expect(JSON.stringify([card.content, card.embeds])).not.toMatch(LIVE);
    for (const call of h.fake.callsTo("PATCH", /^\/channels\/\d+$/)) expect(String(call.body?.topic ?? "")).not.toMatch(LIVE);
  });

  it("display names cannot ping either", () => {
    const r = renderMessage({ text: "Facts updated by @everyone", title: "@here", body: "by @everyone", fields: [{ label: "@here", value: "@everyone" }] });
    expect(JSON.stringify([r.content, r.embeds])).not.toMatch(LIVE);
    expect(r.allowed_mentions).toEqual({ parse: [], users: [] });
  });

  it("channel names keep to letters, digits, dashes and underscores", () => {
    expect(channelName("inc-20260302-@everyone <#1> [x](y)")).toBe("inc-20260302-everyone-1-x-y");
    expect(channelName("INC Payment DB")).toBe("inc-payment-db");
    expect(channelName("@@@")).toBe("incident");
  });
});
