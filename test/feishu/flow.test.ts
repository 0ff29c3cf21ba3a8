import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { Harness } from "./harness.js";

const ALICE = "ou_alice";
const BOB = "ou_bob";
const GENERAL = "oc_general";

type Json = Record<string, unknown>;
const cardOf = (body: Json): Json => JSON.parse(String(body.content)) as Json;
/** A message the bot showed in the chat: posted, or as a reply to the command. */
const shows = (c: { api: string; body: Json }, text: string) => (c.api === "message.create" || c.api === "message.reply") && String(c.body.content).includes(text);
const formButton = (card: unknown) => JSON.stringify(card).match(/"value":(\{"k":"form"[^}]*\})/)?.[1];

describe("Feishu adapter: an incident from /incident open to the 30-day clock", () => {
  const h = new Harness({ responderIds: [BOB], urgent: "sms" });
  let chat = "";
  let cardId = "";

  beforeAll(async () => {
    await h.start();
    h.fake.addChat(GENERAL, "General", [ALICE]);
  });
  afterAll(() => h.close());

  it("opens a war room: group chat, members, pinned card patched in place, and the invoker told where", async () => {
    const res = await h.say("/incident open Payment DB outage", ALICE, GENERAL);
    // The ack is immediate and empty; everything else follows it.
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});

    const create = await h.fake.waitFor((c) => c.api === "chat.create" && c.status === 200);
    expect(create.body.name).toBe("inc-20260302 Payment DB outage");
    expect(create.body.user_id_list).toEqual([ALICE, BOB]);
    expect(create.query.user_id_type).toBe("open_id");
    chat = h.fake.chatByName("inc-20260302 Payment DB outage")?.id ?? "";
    expect(chat).not.toBe("");

    const pin = await h.fake.waitFor((c) => c.api === "pin");
    cardId = String(pin.body.message_id);
    const posted = h.fake.messages.get(cardId);
    expect(posted?.chatId).toBe(chat);
    expect(posted?.msgType).toBe("interactive");
    expect(posted?.uuid).toMatch(/^[0-9a-f]{40}$/);
    const card = JSON.parse(posted?.content ?? "{}") as { schema: string; config: { update_multi: boolean }; body: { elements: Json[] } };
    expect(card.schema).toBe("2.0");
    expect(card.config.update_multi).toBe(true);
    expect(JSON.stringify(card)).toContain("Incident #1: Payment DB outage");
    const buttons = card.body.elements.filter((e) => e.tag === "button").map((e) => (e.behaviors as { value: { a: string; v: string } }[])[0]?.value);
    expect(buttons.map((b) => b?.a)).toEqual(["facts", "report_edit", "report", "submitted", "assess_not-reportable", "resolve"]);
    expect(buttons[0]?.v).toBe("1");

    // The announcement answers the command where it was typed, for everyone there to see.
    const said = await h.fake.waitFor((c) => c.api === "message.reply" && String(c.body.content).includes("Opened incident #1"));
    expect(said.path).toContain(res.messageId);
  });

  it("takes facts typed in a message and patches the card", async () => {
    const res = await h.say("/incident facts personal_info_people=1200000", ALICE, chat);
    expect(res.status).toBe(200);
    await h.fake.waitFor((c) => shows(c, "Facts updated by"));
    await h.fake.waitFor((c) => c.api === "message.patch" && c.path.endsWith(cardId) && String(c.body.content).includes("1,000,000 or more"));
    expect(h.cardText(chat)).toContain("1,000,000 or more");
  });

  it("answers @bot incident … the same way, and refuses a bad fact privately with nothing applied", async () => {
    const res = await h.say("@_user_1 incident facts personal_info_people=lots", ALICE, chat, { mentions: [{ key: "@_user_1", openId: h.fake.botOpenId, name: "warroom" }] });
    expect(res.status).toBe(200);
    const refusal = await h.waitEphemeral(ALICE, "personal_info_people");
    expect(refusal.body.chat_id).toBe(chat);
    expect(h.fake.calls.filter((c) => shows(c, "Facts updated by"))).toHaveLength(1);
  });

  it("shows the facts form as a card only the invoker sees; a refused field comes back on the card, then it classifies", async () => {
    await h.say("/incident facts", ALICE, chat);
    const shown = await h.waitEphemeral(ALICE, "Classification facts");
    const form = JSON.stringify(shown.body.card);
    expect(form).toContain('"tag":"form"');
    expect(form).toContain('"name":"operator_type"');
    expect(form).toContain('"tag":"select_static"');
    const value = JSON.parse(formButton(shown.body.card) ?? "{}") as Json;
    expect(value).toMatchObject({ k: "form", f: "incident_facts", i: 1, c: chat });

    const patchesBefore = h.fake.callsOf("message.patch").length;
    const bad = await h.click({ operator: ALICE, chatId: chat, value, formValue: { personal_info_people: "lots", operator_type: "ordinary" } });
    expect(bad.status).toBe(200);
    expect(bad.json.toast).toMatchObject({ type: "error" });
    const again = JSON.stringify((bad.json.card as { data: unknown }).data);
    expect(again).toContain("personal_info_people");
    expect(again).toContain("⚠️");
    expect(again).toContain('"default_value":"lots"');
    expect(h.fake.callsOf("message.patch").length).toBe(patchesBefore);

    const good = await h.click({
      operator: ALICE,
      chatId: chat,
      value,
      formValue: { personal_info_people: "1200000", operator_type: "ordinary", cii_affected: "false", aware_at: "2026-03-02T09:00+08:00" },
    });
    expect(good.status).toBe(200);
    expect(JSON.stringify(good.json.card)).toContain("Submitted");
    await h.fake.waitFor((c) => c.api === "message.patch" && c.path.endsWith(cardId) && String(c.body.content).includes("2026-03-02 13:00 CST"));
    expect(h.cardText(chat)).toContain("MAJOR");
    expect(h.cardText(chat)).not.toContain("provisional");
  });

  it("posts countdown warnings; from 30 minutes before it pings and buzzes the commander, when due by SMS", async () => {
    h.clock.set(DateTime.fromISO("2026-03-02T11:00:00+08:00"));
    await h.app.engine.tick();
    const half = await h.fake.waitFor((c) => c.api === "message.create" && String(c.body.content).includes("Half the reporting time is gone"));
    expect(String(half.body.content)).not.toContain(`<at id=${ALICE}>`);
    expect(h.fake.callsOf("urgent_app")).toHaveLength(0);

    h.clock.set(DateTime.fromISO("2026-03-02T12:30:00+08:00"));
    await h.app.engine.tick();
    const late = await h.fake.waitFor((c) => c.api === "message.create" && String(c.body.content).includes("30 min left"));
    expect(String(late.body.content)).toContain(`<at id=${ALICE}></at>`);
    const buzz = await h.fake.waitFor((c) => c.api === "urgent_app");
    expect(buzz.body.user_id_list).toEqual([ALICE]);
    expect(buzz.query.user_id_type).toBe("open_id");

    h.clock.set(DateTime.fromISO("2026-03-02T13:00:00+08:00"));
    await h.app.engine.tick();
    const due = await h.fake.waitFor((c) => c.api === "message.create" && String(c.body.content).includes("due NOW"));
    expect(cardOf(due.body)).toMatchObject({ header: { template: "red" } });
    const sms = await h.fake.waitFor((c) => c.api === "urgent_sms");
    expect(sms.body.user_id_list).toEqual([ALICE]);
  });

  it("takes the report items through a card form, records the filing and resolves", async () => {
    const press = await h.click({ operator: ALICE, chatId: chat, messageId: cardId, value: { a: "report_edit", v: "1" } });
    expect(press.status).toBe(200);
    const shown = await h.waitEphemeral(ALICE, "operator_and_system");
    const value = JSON.parse(formButton(shown.body.card) ?? "{}") as Json;
    const saved = await h.click({ operator: ALICE, chatId: chat, value, formValue: { operator_and_system: "Acme Pay Ltd., payment database cluster", incident_and_impact: "Database exposed; 1.2 million customer records" } });
    expect(saved.status).toBe(200);
    await h.waitEphemeral(ALICE, "item(s) saved");

    // The draft as filing-ready documents, uploaded into the war room as file messages.
    for (const [format, type, head] of [["pdf", "pdf", "%PDF-"], ["docx", "doc", "PK"]] as const) {
      await h.say(`/incident report --format ${format}`, ALICE, chat);
      const upload = await h.fake.waitFor((c) => c.api === "file.upload" && c.body.file_type === type);
      expect(String(upload.body.file_name)).toMatch(new RegExp(`\\.${format}$`));
      expect(String(upload.body.file_head).startsWith(head)).toBe(true);
      await h.fake.waitFor((c) => c.api === "message.create" && c.body.msg_type === "file" && c.body.receive_id === chat);
    }

    await h.say("/incident submitted hotline REF-1", ALICE, chat);
    await h.fake.waitFor((c) => shows(c, "recorded as filed via") && String(c.body.content).includes("REF-1"));

    await h.say("/incident resolve", ALICE, chat);
    const msg = await h.fake.waitFor((c) => shows(c, "resolved by"));
    expect(String(msg.body.content)).toContain("Post-incident summary report due 2026-04-01");
    await h.fake.waitFor((c) => c.api === "message.patch" && String(c.body.content).includes("Post-incident report due"));
    expect(h.cardText(chat)).toContain("Post-incident report due");
  });

  it("refuses a change by someone outside the war room, privately", async () => {
    h.fake.chats.get(GENERAL)?.members.add("ou_mallory");
    await h.say("/incident facts personal_info_people=1 --incident 1", "ou_mallory", GENERAL);
    const refusal = await h.waitEphemeral("ou_mallory", "Only members of the incident channel");
    expect(refusal.body.chat_id).toBe(GENERAL);
  });

  it("logged no errors", () => {
    expect(h.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
  });
});
