import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { Harness, choice, number, text } from "./harness.js";

const ALICE = "UALICE";
const GENERAL = "CGENERAL";

describe("Slack adapter: an incident from /incident open to the 30-day clock", () => {
  const h = new Harness({ responderIds: ["URESP", "SONCALL"] });
  let channel = "";

  beforeAll(async () => {
    await h.start();
    h.fake.usergroups.set("SONCALL", ["UBOB", "UCAROL"]);
    h.fake.users.set(ALICE, { tz: "Asia/Shanghai" });
  });
  afterAll(() => h.close());

  it("opens a war room: channel, invites, pinned card, and the invoker is told where", async () => {
    const res = await h.command("open Payment DB outage", ALICE, GENERAL);
    // The ack is empty and immediate; everything else follows it.
    expect(res.status).toBe(200);
    expect(res.text).toBe("");

    const create = await h.fake.waitFor((c) => c.method === "conversations.create" && c.status === 200);
    expect(create.body.name).toBe("inc-20260302-payment-db-outage");
    expect(create.body.is_private).toBe("false");
    const created = h.fake.channelByName("inc-20260302-payment-db-outage");
    expect(created).toBeDefined();
    channel = created?.id ?? "";

    await h.fake.waitFor((c) => c.method === "pins.add");
    expect(h.fake.callsOf("usergroups.users.list").map((c) => c.body.usergroup)).toEqual(["SONCALL"]);
    const invited = h.fake.callsOf("conversations.invite").flatMap((c) => String(c.body.users).split(","));
    expect(new Set(invited)).toEqual(new Set([ALICE, "URESP", "UBOB", "UCAROL"]));

    const card = created?.messages[0];
    expect(card?.text).toContain("Incident #1: Payment DB outage");
    expect(card?.metadata?.event_type).toBe("warroom_message");
    expect(created?.pins.has(card?.ts ?? "")).toBe(true);
    const actions = card?.blocks.find((b) => (b as { type: string }).type === "actions") as { elements: { action_id: string; value: string }[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual(["facts", "report_edit", "report", "submitted", "assess_not-reportable", "resolve"]);
    expect(actions.elements[0]?.value).toBe("1");

    // The bot is not in #general: the announcement goes through the response_url, visible to all.
    const said = await h.responded(res.responseUrlId);
    expect(said.body.response_type).toBe("in_channel");
    expect(String(said.body.text)).toContain('Opened incident #1 "Payment DB outage" in #inc-20260302-payment-db-outage');
  });

  it("opens the facts modal with the command's trigger, and classifies from its submission", async () => {
    const res = await h.command("facts", ALICE, channel);
    expect(res.status).toBe(200);
    const open = await h.fake.waitFor((c) => c.method === "views.open" && c.body.trigger_id === res.triggerId);
    const view = open.body.view as { title: { text: string }; private_metadata: string; blocks: { type: string; block_id?: string; element?: Record<string, unknown> }[] };
    expect(view.title.text).toBe("Classification facts");
    expect(JSON.parse(view.private_metadata)).toEqual({ formId: "incident_facts", incidentId: 1, channelId: channel });
    const block = (id: string) => view.blocks.find((b) => b.block_id === id);
    expect(block("personal_info_people")?.element).toMatchObject({ type: "number_input", is_decimal_allowed: true });
    expect(block("operator_type")?.element).toMatchObject({ type: "static_select" });
    const aware = block("aware_at")?.element as { type: string; initial_date_time: number };
    expect(aware.type).toBe("datetimepicker");
    expect(aware.initial_date_time).toBe(DateTime.fromISO("2026-03-02T09:00:00+08:00").toSeconds());
    expect(view.blocks.filter((b) => b.type === "header").length).toBeGreaterThan(1);

    const submitted = await h.submit(open, ALICE, {
      personal_info_people: number("1200000"),
      operator_type: choice("ordinary"),
      cii_affected: choice("false"),
      aware_at: { selected_date_time: aware.initial_date_time },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.json).toBeUndefined();

    await h.fake.waitFor((c) => c.method === "chat.update" && c.body.channel === channel && String(c.body.text).includes("MAJOR"));
    const card = h.cardText(channel);
    expect(card).toContain("MAJOR");
    expect(card).toContain("2026-03-02 13:00 CST");
    const announced = await h.fake.waitFor((c) => c.method === "chat.postMessage" && c.body.channel === channel && String(c.body.text).includes("Facts updated by"));
    expect(String(announced.body.text)).toContain("personal_info_people");
  });

  it("posts countdown warnings, pinging the commander from 30 minutes before", async () => {
    // The opener is the commander already: saying so again changes nothing and is answered privately.
    const role = await h.command(`role commander <@${ALICE}>`, ALICE, channel);
    expect(role.status).toBe(200);
    expect(String((await h.responded(role.responseUrlId)).body.text)).toContain("is already the commander");

    h.clock.set(DateTime.fromISO("2026-03-02T11:00:00+08:00"));
    await h.app.engine.tick();
    const half = await h.fake.waitFor((c) => c.method === "chat.postMessage" && String(c.body.text).includes("Half the reporting time is gone"));
    expect(String(half.body.text)).toContain("2 h 00 min left");
    expect(JSON.stringify(half.body.blocks)).not.toContain(`<@${ALICE}>`);

    h.clock.set(DateTime.fromISO("2026-03-02T12:30:00+08:00"));
    await h.app.engine.tick();
    const late = await h.fake.waitFor((c) => c.method === "chat.postMessage" && String(c.body.text).includes("30 min left"));
    expect(late.body.channel).toBe(channel);
    expect(String(late.body.text)).toContain(`<@${ALICE}>`);
    expect(JSON.stringify(late.body.blocks)).toContain(`<@${ALICE}>`);
    expect((late.body.metadata as { event_payload: { key: string } }).event_payload.key).toBeTruthy();
  });

  it("takes the report items through a modal, records the filing and resolves", async () => {
    const edit = await h.command("report edit", ALICE, channel);
    const open = await h.fake.waitFor((c) => c.method === "views.open" && c.body.trigger_id === edit.triggerId);
    const view = open.body.view as { blocks: { block_id?: string; element?: { type: string; multiline?: boolean } }[] };
    expect(view.blocks.find((b) => b.block_id === "cause")?.element).toMatchObject({ type: "plain_text_input", multiline: true });
    const saved = await h.submit(open, ALICE, {
      operator_and_system: text("Acme Pay Ltd., payment database cluster"),
      incident_and_impact: text("Database exposed; 1.2 million customer records"),
    });
    expect(saved.status).toBe(200);
    const note = await h.fake.waitFor((c) => c.method === "chat.postEphemeral" && String(c.body.text).includes("item(s) saved"));
    expect(note.body).toMatchObject({ channel, user: ALICE });

    const filed = await h.command("submitted hotline REF-1", ALICE, channel);
    expect(filed.status).toBe(200);
    await h.fake.waitFor((c) => c.method === "chat.postMessage" && String(c.body.text).includes("recorded as filed via") && String(c.body.text).includes("REF-1"));

    const resolved = await h.command("resolve", ALICE, channel);
    expect(resolved.status).toBe(200);
    const msg = await h.fake.waitFor((c) => c.method === "chat.postMessage" && String(c.body.text).includes("resolved by"));
    expect(String(msg.body.text)).toContain("Post-incident summary report due 2026-04-01 12:30 CST (30 days)");
    await h.fake.waitFor((c) => c.method === "chat.update" && String(c.body.text).includes("Post-incident report due"));
    expect(h.cardText(channel)).toContain("Post-incident report due");
  });

  it("logged no errors", () => {
    expect(h.logs.filter((l) => l.startsWith("ERROR"))).toEqual([]);
  });

  it("answers the health check", async () => {
    const res = await fetch(h.url.replace("/slack/events", "/healthz"));
    expect(res.status).toBe(200);
  });
});
