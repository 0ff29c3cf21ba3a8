import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import type { FakeMessage, FakeUser, JsonObject, RecordedCall } from "../fakes/discord.js";
import { customIds, dataOf, finalAnswer, isEphemeral, startHarness, textOf, type Harness } from "./harness.js";

function embedText(m: FakeMessage): string {
  return m.embeds
    .map((e) => [e.title, e.description, ...(Array.isArray(e.fields) ? e.fields.map((f) => (f && typeof f === "object" && !Array.isArray(f) ? `${String(f.name)}: ${String(f.value)}` : "")) : [])].filter(Boolean).join("\n"))
    .join("\n");
}

function inputs(call: RecordedCall): { id: string; label: string; value?: string }[] {
  const rows = dataOf(call).components;
  const out: { id: string; label: string; value?: string }[] = [];
  for (const row of Array.isArray(rows) ? rows : []) {
    const items = row && typeof row === "object" && !Array.isArray(row) && Array.isArray(row.components) ? row.components : [];
    for (const c of items) {
      if (c && typeof c === "object" && !Array.isArray(c)) out.push({ id: String(c.custom_id), label: String(c.label), ...(typeof c.value === "string" ? { value: c.value } : {}) });
    }
  }
  return out;
}

describe("Discord adapter, end to end against a fake Discord", () => {
  let h: Harness;
  let alice: FakeUser;
  let bob: FakeUser;
  let mallory: FakeUser;
  let channelId: string;
  let createBody: JsonObject;

  beforeAll(async () => {
    h = await startHarness();
    alice = h.fake.addUser("alice", [h.fake.responderRoleId]);
    bob = h.fake.addUser("bob", [h.fake.responderRoleId]);
    mallory = h.fake.addUser("mallory", []);
  });

  afterAll(async () => {
    await h?.close();
  });

  const card = (): FakeMessage | undefined => h.fake.channelMessages(channelId).find((m) => m.pinned);

  it("opens a private war room in the category, with the card posted and pinned", async () => {
    const open = h.fake.slash(alice, h.fake.generalChannelId, "open", { title: "Payment DB leak", private: true });
    const answer = await finalAnswer(h.fake, open);
    // Opening creates a channel over REST, so the interaction is deferred first, then edited.
    expect(open.callback?.body?.type).toBe(5);
    expect(textOf(answer)).toContain('Opened incident #1 "Payment DB leak"');
    expect(isEphemeral(answer)).toBe(false);

    const create = h.fake.callsTo("POST", /^\/guilds\/\d+\/channels$/)[0] as RecordedCall;
    createBody = create.body ?? {};
    expect(create.path).toBe(`/guilds/${h.fake.guildId}/channels`);
    expect(createBody).toMatchObject({ name: "inc-20260302-payment-db-leak", type: 0, parent_id: h.fake.categoryId });
    const overwrites = (createBody.permission_overwrites as JsonObject[]).map((o) => ({ id: o.id, type: o.type, allow: BigInt(String(o.allow)), deny: BigInt(String(o.deny)) }));
    const VIEW = 1n << 10n;
    expect(overwrites.find((o) => o.id === h.fake.guildId)?.deny).toBe(VIEW);
    for (const id of [h.fake.responderRoleId, h.fake.botUser.id, alice.id]) expect((overwrites.find((o) => o.id === id)?.allow ?? 0n) & VIEW).toBe(VIEW);
    expect(overwrites.find((o) => o.id === mallory.id)).toBeUndefined();

    const created = [...h.fake.channels.values()].find((c) => c.name === "inc-20260302-payment-db-leak");
    expect(created?.parent_id).toBe(h.fake.categoryId);
    channelId = created?.id ?? "";
    const pinned = await eventually(card, "card pinned");
    expect(embedText(pinned)).toContain("Incident #1");
    expect(pinned.components.length).toBeGreaterThan(0);
    expect(JSON.stringify(pinned.components)).toContain("warroom:facts:1");
    expect(pinned.nonce).toMatch(/^[A-Za-z0-9_-]{1,25}$/);
  });

  it("takes facts as typed options and edits the card to MAJOR with a 4 h deadline", async () => {
    const facts = h.fake.slash(alice, channelId, "facts", { "personal-info-people": 1200000, "cii-affected": false, "operator-type": "ordinary" });
    const answer = await finalAnswer(h.fake, facts);
    expect(facts.callback?.body?.type).toBe(4);
    expect(textOf(answer)).toMatch(/Level: general .*→ major/);
    expect(textOf(answer)).toContain("Report due 2026-03-02 13:00 CST");
    expect(textOf(answer)).toContain("personal_info_people");
    const edited = await eventually(() => {
      const c = card();
      return c && /MAJOR/.test(embedText(c)) ? c : undefined;
    }, "card edited to MAJOR");
    expect(embedText(edited)).toContain("2026-03-02 13:00");
    expect((await h.app.core.service.snapshot(1)).facts).toMatchObject({ personal_info_people: 1200000, cii_affected: false, operator_type: "ordinary" });
  });

  it("routes a card button to the core: Enter facts opens the facts form", async () => {
    const pinned = card() as FakeMessage;
    const press = h.fake.button(alice, channelId, "warroom:facts:1", pinned);
    const [response] = await h.fake.waitForResponse(press);
    expect(response?.body?.type).toBe(9);
    expect(dataOf(response as RecordedCall).title).toBe("Classification facts (1/5)");
  });

  it("refuses a member without the responder role, privately", async () => {
    const attempt = h.fake.slash(mallory, channelId, "facts", { "cii-affected": true });
    const answer = await finalAnswer(h.fake, attempt);
    expect(isEphemeral(answer)).toBe(true);
    expect(textOf(answer)).toContain("Only members of the incident channel");
    expect((await h.app.core.service.snapshot(1)).facts.cii_affected).toBe(false);
  });

  it("walks the paged facts modal, keeping values across pages and applying nothing until the end", async () => {
    const start = h.fake.slash(alice, channelId, "facts");
    const first = (await h.fake.waitForResponse(start))[0] as RecordedCall;
    expect(first.body?.type).toBe(9);
    const modal = dataOf(first);
    expect(modal.title).toBe("Classification facts (1/5)");
    const page1 = inputs(first);
    expect(page1).toHaveLength(5);
    expect(page1.every((i) => i.label.length <= 45)).toBe(true);
    // Prefilled with what is known.
    expect(page1.find((i) => i.id === "operator_type")?.value).toBe("ordinary");

    const fill = async (customId: string, values: Record<string, string>): Promise<RecordedCall> => {
      const submit = h.fake.modalSubmit(alice, channelId, customId, values);
      return finalAnswer(h.fake, submit);
    };
    const pageValues = (call: RecordedCall, changes: Record<string, string>): Record<string, string> =>
      Object.fromEntries(inputs(call).map((i) => [i.id, changes[i.id] ?? i.value ?? ""]));

    let reply = await fill(String(modal.custom_id), pageValues(first, {}));
    expect(isEphemeral(reply)).toBe(true);
    let customId = customIds(reply)[0] as string;
    expect(JSON.stringify(dataOf(reply).components)).toContain("Next (2/5)");

    let opened = (await h.fake.waitForResponse(h.fake.button(alice, channelId, customId)))[0] as RecordedCall;
    expect(dataOf(opened).title).toBe("Classification facts (2/5)");
    reply = await fill(String(dataOf(opened).custom_id), pageValues(opened, { prefecture_population_pct: "10" }));
    expect((await h.app.core.service.snapshot(1)).facts.prefecture_population_pct).toBeUndefined();

    for (const n of [3, 4, 5]) {
      customId = customIds(reply)[0] as string;
      expect(JSON.stringify(dataOf(reply).components)).toContain(`Next (${n}/5)`);
      opened = (await h.fake.waitForResponse(h.fake.button(alice, channelId, customId)))[0] as RecordedCall;
      expect(dataOf(opened).title).toBe(`Classification facts (${n}/5)`);
      reply = await fill(String(dataOf(opened).custom_id), pageValues(opened, n === 5 ? { suspected_crime: "true", ransomware: "maybe" } : {}));
    }
    // The core refused one field: named privately, with a button back to its page, values kept.
    expect(isEphemeral(reply)).toBe(true);
    expect(textOf(reply)).toContain("ransomware");
    expect((await h.app.core.service.snapshot(1)).facts.suspected_crime).toBeUndefined();
    opened = (await h.fake.waitForResponse(h.fake.button(alice, channelId, customIds(reply)[0] as string)))[0] as RecordedCall;
    expect(dataOf(opened).title).toBe("Classification facts (5/5)");
    expect(inputs(opened).find((i) => i.id === "ransomware")?.value).toBe("maybe");
    expect(inputs(opened).find((i) => i.id === "suspected_crime")?.value).toBe("true");

    reply = await fill(String(dataOf(opened).custom_id), pageValues(opened, { ransomware: "false" }));
    expect(isEphemeral(reply)).toBe(false);
    expect(textOf(reply)).toContain("prefecture_population_pct");
    expect((await h.app.core.service.snapshot(1)).facts).toMatchObject({ prefecture_population_pct: 10, suspected_crime: true, ransomware: false, personal_info_people: 1200000 });
  });

  it("keeps commands through a gateway reconnect (RESUME replays what was sent meanwhile)", async () => {
    const resumed = h.fake.gateway.reconnect();
    // Sent while the bot is between connections: Discord replays it after RESUME.
    const role = h.fake.slash(alice, channelId, "role", { role: "commander", user: alice.id });
    await resumed;
    expect(h.fake.gateway.resumes).toBe(1);
    expect(h.fake.gateway.identifies).toBe(1);
    expect(textOf(await finalAnswer(h.fake, role))).toContain(`<@${alice.id}> is already the commander`);
    const compliance = h.fake.slash(alice, channelId, "role", { role: "compliance", user: bob.id });
    const answer = await finalAnswer(h.fake, compliance);
    expect(textOf(answer)).toContain(`<@${bob.id}> is now the compliance`);
    expect(dataOf(answer).allowed_mentions).toEqual({ parse: [], users: [bob.id] });
  });

  it("posts countdown warnings from the outbox, pinging only commander and compliance near the deadline", async () => {
    const before = h.fake.channelMessages(channelId).length;
    h.clock.set(h.clock.now().set({ hour: 3, minute: 1 })); // 11:01 CST: past half time
    await h.app.engine.tick();
    const half = h.fake.channelMessages(channelId).slice(before).filter((m) => !m.pinned);
    expect(half.length).toBeGreaterThan(0);
    const last = half[half.length - 1] as FakeMessage;
    expect(embedText(last)).toMatch(/Half the reporting time|left/);
    expect(last.allowed_mentions).toEqual({ parse: [], users: [] });

    const mid = h.fake.channelMessages(channelId).length;
    h.clock.set(h.clock.now().set({ hour: 4, minute: 31 })); // 12:31 CST: 29 min before 13:00
    await h.app.engine.tick();
    const late = h.fake.channelMessages(channelId).slice(mid).filter((m) => !m.pinned);
    const pinging = late[late.length - 1] as FakeMessage;
    expect(pinging.allowed_mentions).toEqual({ parse: [], users: [alice.id, bob.id] });
    expect(pinging.content).toBe(`<@${alice.id}> <@${bob.id}>`);
    expect(embedText(pinging)).toContain("Deadline: 2026-03-02 13:00");
    // Every outbox post carries its key, for look-up after a crash.
    expect(pinging.embeds[0]?.footer).toMatchObject({ text: expect.stringMatching(/^ref /) });
  });

  it("records report items, the submission, resolution and the 30-day clock", async () => {
    const item1 = await finalAnswer(h.fake, h.fake.slash(alice, channelId, "report-edit", { item: 1, text: "ACME Pay Ltd, payment database cluster" }));
    expect(isEphemeral(item1)).toBe(true);
    expect(textOf(item1)).toContain("Item 1 saved");
    await finalAnswer(h.fake, h.fake.slash(alice, channelId, "report-edit", { item: 2, text: "Discovered 09:00 CST; customer records exposed" }));
    expect((await h.app.core.service.snapshot(1)).items).toMatchObject({ operator_and_system: "ACME Pay Ltd, payment database cluster" });

    const draft = await finalAnswer(h.fake, h.fake.slash(alice, channelId, "report"));
    expect(draft.files.map((f) => f.name)).toEqual(["incident-1-initial.md", "incident-1-initial.txt"]);
    expect(draft.files[0]?.content).toContain("ACME Pay Ltd");

    const filed = await finalAnswer(h.fake, h.fake.slash(alice, channelId, "submitted", { channel: "hotline", reference: "REF-1" }));
    expect(isEphemeral(filed)).toBe(false);
    expect(textOf(filed)).toContain("REF-1");
    expect((await h.app.core.service.snapshot(1)).initialFiled).toBe(true);

    const resolved = await finalAnswer(h.fake, h.fake.slash(alice, channelId, "resolve"));
    expect(textOf(resolved)).toContain("Post-incident summary report due 2026-04-01");
    await eventually(() => {
      const c = card();
      return c && /Post-incident report due/.test(embedText(c)) ? c : undefined;
    }, "card shows the 30-day clock");
    expect(h.errors).toEqual([]);
  });

  it("lets into a private war room the member it was opened for, even without the role", async () => {
    await finalAnswer(h.fake, h.fake.slash(mallory, h.fake.generalChannelId, "open", { title: "Mallory's own", private: true }));
    const own = [...h.fake.channels.values()].find((c) => c.name === "inc-20260302-mallory-s-own");
    expect(own?.permission_overwrites.find((o) => o.id === mallory.id)).toBeDefined();
    const answer = await finalAnswer(h.fake, h.fake.slash(mallory, own?.id ?? "", "facts", { "cii-affected": true }));
    expect(isEphemeral(answer)).toBe(false);
    expect(textOf(answer)).toContain("cii_affected");
    // Her war room is not a pass to the others.
    const refused = await finalAnswer(h.fake, h.fake.slash(mallory, channelId, "update", { text: "hello" }));
    expect(isEphemeral(refused)).toBe(true);
  });

  it("brings a role holder into a private war room", async () => {
    const dave = h.fake.addUser("dave", []);
    const before = await finalAnswer(h.fake, h.fake.slash(dave, channelId, "update", { text: "from dave" }));
    expect(isEphemeral(before)).toBe(true);
    const assigned = await finalAnswer(h.fake, h.fake.slash(alice, channelId, "role", { role: "scribe", user: dave.id }));
    expect(textOf(assigned)).toContain("is now the scribe");
    const put = h.fake.callsTo("PUT", new RegExp(`/channels/${channelId}/permissions/${dave.id}$`));
    expect(put).toHaveLength(1);
    expect(put[0]?.body).toMatchObject({ type: 1, deny: "0" });
    const after = await finalAnswer(h.fake, h.fake.slash(dave, channelId, "update", { text: "from dave" }));
    expect(isEphemeral(after)).toBe(false);
    expect(textOf(after)).toContain("from dave");
  });
});
