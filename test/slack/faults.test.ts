import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { Harness, choice, number } from "./harness.js";
import { SlackPort } from "../../adapters/slack/port.js";

const ALICE = "UALICE";
const MALLORY = "UMALLORY";
const GENERAL = "CGENERAL";

describe("Slack adapter: bad input, strangers, taken names, rate limits, crashes", () => {
  const h = new Harness();
  let channel = "";

  beforeAll(async () => {
    await h.start();
    h.fake.takenNames.add("inc-20260302-vpn-breach");
    const res = await h.command("open VPN breach", ALICE, GENERAL);
    expect(res.status).toBe(200);
    await h.fake.waitFor((c) => c.method === "pins.add");
    channel = h.fake.channelByName("inc-20260302-vpn-breach-2")?.id ?? "";
  });
  afterAll(() => h.close());

  it("suffixes a taken channel name", () => {
    const creates = h.fake.callsOf("conversations.create").map((c) => [c.body.name, (c as { status: number }).status]);
    expect(creates.map((c) => c[0])).toEqual(["inc-20260302-vpn-breach", "inc-20260302-vpn-breach-2"]);
    expect(channel).toMatch(/^C/);
  });

  it("returns malformed modal values to Slack as errors on their blocks, and applies nothing", async () => {
    const res = await h.command("facts", ALICE, channel);
    const open = await h.fake.waitFor((c) => c.method === "views.open" && c.body.trigger_id === res.triggerId);
    const updatesBefore = h.fake.callsOf("chat.update").length;
    const answer = await h.submit(open, ALICE, {
      personal_info_people: number("-5"),
      direct_loss_rmb: number("abc"),
      province_population_pct: number("120"),
      operator_type: choice("ordinary"),
    });
    expect(answer.status).toBe(200);
    expect(answer.json?.response_action).toBe("errors");
    const errors = answer.json?.errors as Record<string, string>;
    expect(Object.keys(errors).sort()).toEqual(["direct_loss_rmb", "personal_info_people", "province_population_pct"]);
    for (const message of Object.values(errors)) expect(message.length).toBeGreaterThan(0);
    const snap = (await h.app.core.service.snapshot(1));
    expect(snap.facts.operator_type).toBeUndefined();
    expect(h.fake.callsOf("chat.update")).toHaveLength(updatesBefore);
  });

  it("refuses a non-member ephemerally and changes nothing", async () => {
    const res = await h.command("facts operator_type=ordinary", MALLORY, channel);
    expect(res.status).toBe(200);
    const said = await h.responded(res.responseUrlId);
    expect(said.body.response_type).toBe("ephemeral");
    expect(String(said.body.text)).toContain("Only members of the incident channel");
    expect(h.fake.callsOf("conversations.members").length).toBeGreaterThan(0);
    expect((await h.app.core.service.snapshot(1)).facts.operator_type).toBeUndefined();
  });

  it("invites a new role holder, who may then act", async () => {
    const erin = "UERIN";
    const before = await h.command("update from erin", erin, channel);
    expect(String((await h.responded(before.responseUrlId)).body.text)).toContain("Only members of the incident channel");
    const res = await h.command(`role scribe <@${erin}|erin>`, ALICE, channel);
    expect(res.status).toBe(200);
    const invite = await h.fake.waitFor((c) => c.method === "conversations.invite" && String(c.body.users) === erin);
    expect(invite.body.channel).toBe(channel);
    const after = await h.command("update from erin", erin, channel);
    expect(after.status).toBe(200);
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.body.channel === channel && String(c.body.text).includes("from erin"));
  });

  it("opens the facts modal from the card's button with the press's trigger", async () => {
    const press = await h.press("facts", "1", ALICE, channel);
    expect(press.status).toBe(200);
    const open = await h.fake.waitFor((c) => c.method === "views.open" && c.body.trigger_id === press.triggerId);
    expect(JSON.parse((open.body.view as { private_metadata: string }).private_metadata)).toMatchObject({ formId: "incident_facts", incidentId: 1 });
  });

  it("waits out a 429's Retry-After and delivers the message once", async () => {
    h.fake.rateLimit("chat.postMessage", 1);
    const res = await h.command("update Attackers used a stolen VPN certificate", ALICE, channel);
    expect(res.status).toBe(200);
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.status === 200 && String(c.body.text).includes("stolen VPN certificate"));
    const attempts = h.fake.callsOf("chat.postMessage").filter((c) => String(c.body.text).includes("stolen VPN certificate"));
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    const shown = h.fake.channels.get(channel)?.messages.filter((m) => m.text.includes("stolen VPN certificate"));
    expect(shown).toHaveLength(1);
  });

  it("finds a message an earlier process posted (mayExist) instead of posting it twice", async () => {
    const message = { text: "⏳ CAC report: 30 min left", title: "⏳ CAC report: 30 min left" };
    const first = await h.slack.port.post(channel, message, { idempotencyKey: "warning:1:before:30" });
    // A fresh port has no memory of the first post: only Slack's history can tell.
    const client = new webApi.WebClient(h.fake.token, { slackApiUrl: h.fake.apiUrl });
    const restarted = new SlackPort(client, { responderIds: [], privateChannels: false, log: { info: () => {}, error: () => {} } });
    const posts = h.fake.callsOf("chat.postMessage").length;
    const again = await restarted.post(channel, message, { idempotencyKey: "warning:1:before:30", mayExist: true });
    expect(again.id).toBe(first.id);
    expect(h.fake.callsOf("chat.postMessage")).toHaveLength(posts);
    expect(h.fake.callsOf("conversations.history").at(-1)?.body).toMatchObject({ channel, include_all_metadata: "true" });
  });

  it("uploads report drafts as files into the channel", async () => {
    const res = await h.command("report", ALICE, channel);
    expect(res.status).toBe(200);
    await h.fake.waitFor((c) => c.method === "files.completeUploadExternal");
    const uploads = h.fake.callsOf("upload");
    expect(uploads).toHaveLength(2);
    const files = h.fake.channels.get(channel)?.files.map((f) => f.filename).sort();
    expect(files).toEqual(["incident-1-initial.md", "incident-1-initial.txt"]);
    expect(h.fake.callsOf("files.completeUploadExternal").every((c) => c.body.channel_id === channel)).toBe(true);
  });

  it("reads a user's time zone once and remembers it", async () => {
    h.fake.users.set("UZOE", { tz: "Europe/Berlin" });
    const port = h.slack.port;
    const [a, b] = await Promise.all([port.userZone?.("UZOE"), port.userZone?.("UZOE")]);
    expect([a, b]).toEqual(["Europe/Berlin", "Europe/Berlin"]);
    expect(await port.userZone?.("UZOE")).toBe("Europe/Berlin");
    expect(h.fake.callsOf("users.info").filter((c) => c.body.user === "UZOE")).toHaveLength(1);
    expect(await port.userZone?.("UNOBODY")).toBeUndefined();
  });
});
