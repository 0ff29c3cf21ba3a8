import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Harness } from "./harness.js";
import { renderMessage } from "../../adapters/slack/render.js";

const ALICE = "UALICE";
const GENERAL = "CGENERAL";
/** Slack markup that notifies or links when it reaches a message or topic unescaped. */
const LIVE = /<@UVICTIM|<!channel|<!here|<!subteam|<#CSECRET|<https?:|<mailto:/;

describe("Slack: mentions and links typed by users are shown as text", () => {
  const h = new Harness();
  let channel = "";

  beforeAll(async () => {
    await h.start();
  });
  afterAll(() => h.close());

  it("a title with user, group and broadcast mentions and links pings nobody: messages, blocks and the topic", async () => {
    const title = "<@UVICTIM> <!channel> <!here> <!subteam^SADMINS|@admins> <#CSECRET|secret> <https://evil.example|click me> & <mailto:x@evil.example> outage";
    const res = await h.command(`open ${title}`, ALICE, GENERAL);
    await h.fake.waitFor((c) => c.method === "pins.add");
    channel = h.fake.callsOf("pins.add")[0]?.body.channel as string;
    const said = await h.responded(res.responseUrlId);
    const topics = h.fake.callsOf("conversations.setTopic").map((c) => String(c.body.topic));
    // Header blocks are plain_text, which Slack never formats; everything else is mrkdwn.
    const formatted = (blocks: unknown) => (Array.isArray(blocks) ? blocks.filter((b: { type?: string }) => b.type !== "header") : []);
    const posts = h.fake.callsOf("chat.postMessage").map((c) => JSON.stringify([c.body.text, formatted(c.body.blocks)]));
    expect(topics.length).toBeGreaterThan(0);
    for (const shown of [...topics, ...posts, JSON.stringify([said.body.text, formatted(said.body.blocks)])]) expect(shown).not.toMatch(LIVE);
    // Per Slack's formatting rules & < > are escaped, so the topic reads as typed.
    expect(topics[0]).toContain("&lt;");
    expect(topics[0]).toContain("&amp;");
    expect(topics[0]).not.toMatch(/[<>]/);
    expect((await h.app.core.service.get(1)).title).toContain("outage");
  });

  it("the mention the core means still pings: a role holder named in a command", async () => {
    await h.command("role compliance <@UCAROL|carol>", ALICE, channel);
    const said = await h.fake.waitFor((c) => c.method === "chat.postMessage" && String(c.body.text).includes("is now the compliance"));
    expect(String(said.body.text)).toContain("<@UCAROL> is now the compliance of incident #1.");
    expect((await h.app.core.service.snapshot(1)).roles.compliance).toBe("UCAROL");
  });

  it("a topic is cut to Slack's 250 characters without splitting an escape", async () => {
    await h.app.core.ports.get("slack")?.setTopic(channel, `x${"&".repeat(60)}`);
    const topic = String(h.fake.callsOf("conversations.setTopic").at(-1)?.body.topic);
    expect(topic).toBe(`x${"&amp;".repeat(49)}`);
  });

  it("renderMessage keeps the core's own mentions live", () => {
    const r = renderMessage({ text: "<@UALICE> ⏳ due", mentions: ["UALICE"] });
    expect(r.text).toContain("<@UALICE>");
  });
});
