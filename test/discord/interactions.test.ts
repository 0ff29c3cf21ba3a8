import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUser, RecordedCall } from "../fakes/discord.js";
import type { CommandInput, Reply } from "../../src/bot/adapter.js";
import { customIds, dataOf, finalAnswer, isEphemeral, startHarness, textOf, type Harness } from "./harness.js";

describe("answering interactions in time, once", () => {
  let h: Harness;
  let alice: FakeUser;

  beforeAll(async () => {
    h = await startHarness({ deferAfterMs: 20 });
    alice = h.fake.addUser("alice", [h.fake.responderRoleId]);
  });

  afterAll(async () => {
    await h?.close();
  });

  /** Hold the core's answer until the adapter has acknowledged the interaction. */
  function slowCore(): { release: () => void; restore: () => void } {
    const router = h.app.router;
    const original = router.command.bind(router);
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    router.command = async (input: CommandInput): Promise<Reply> => {
      await gate;
      return original(input);
    };
    return { release, restore: () => (router.command = original) };
  }

  it("opens an incident from the form when no title is given", async () => {
    const start = h.fake.slash(alice, h.fake.generalChannelId, "open");
    const [modal] = await h.fake.waitForResponse(start);
    expect(modal?.body?.type).toBe(9);
    const data = dataOf(modal as RecordedCall);
    expect(data.title).toBe("Open an incident");
    const submit = h.fake.modalSubmit(alice, h.fake.generalChannelId, String(data.custom_id), { title: "Login outage", aware_at: "", operator_type: "ordinary", cii_affected: "no", description: "SSO down" });
    const answer = await finalAnswer(h.fake, submit);
    expect(submit.callback?.body?.type).toBe(5);
    expect(textOf(answer)).toContain('Opened incident #1 "Login outage"');
    expect([...h.fake.channels.values()].some((c) => c.name === "inc-20260302-login-outage")).toBe(true);
    expect((await h.app.core.service.snapshot(1)).facts).toMatchObject({ operator_type: "ordinary", cii_affected: false });
  });

  it("defers when the core is slow, then edits the deferred reply", async () => {
    const slow = slowCore();
    try {
      const update = h.fake.slash(alice, h.fake.generalChannelId, "update", { text: "Attacker IP blocked", incident: 1 });
      const [ack] = await h.fake.waitForResponse(update);
      expect(ack?.body).toMatchObject({ type: 5 });
      slow.release();
      const answer = await finalAnswer(h.fake, update);
      expect(answer.method).toBe("PATCH");
      expect(answer.path).toMatch(/\/messages\/%40original$/);
      expect(isEphemeral(answer)).toBe(false);
      expect(textOf(answer)).toContain("Development recorded by");
      expect(textOf(answer)).toContain("Attacker IP blocked");
    } finally {
      slow.restore();
    }
  });

  it("swaps a deferred public reply for a private follow-up when the answer is private", async () => {
    const slow = slowCore();
    try {
      const status = h.fake.slash(alice, h.fake.generalChannelId, "status", { incident: 1 });
      await h.fake.waitForResponse(status);
      slow.release();
      const calls = await h.fake.waitForResponse(status, 3);
      expect(calls.map((c) => c.method)).toEqual(["POST", "DELETE", "POST"]);
      expect(isEphemeral(calls[2] as RecordedCall)).toBe(true);
      expect(textOf(calls[2] as RecordedCall)).toContain("Incident #1");
    } finally {
      slow.restore();
    }
  });

  it("offers a button when a form is due after a deferral (a modal must be the first answer)", async () => {
    const slow = slowCore();
    try {
      const facts = h.fake.slash(alice, h.fake.generalChannelId, "facts", { incident: 1 });
      await h.fake.waitForResponse(facts);
      slow.release();
      const calls = await h.fake.waitForResponse(facts, 3);
      const launcher = calls[2] as RecordedCall;
      expect(isEphemeral(launcher)).toBe(true);
      expect(JSON.stringify(dataOf(launcher).components)).toContain("Open the form (1/5)");
      const [modal] = await h.fake.waitForResponse(h.fake.button(alice, h.fake.generalChannelId, customIds(launcher)[0] as string));
      expect(dataOf(modal as RecordedCall).title).toBe("Classification facts (1/5)");
    } finally {
      slow.restore();
    }
  });

  it("answers an interaction the gateway delivers twice only once", async () => {
    const record = h.fake.slash(alice, h.fake.generalChannelId, "help");
    await h.fake.waitForResponse(record);
    h.fake.gateway.dispatch("INTERACTION_CREATE", record.payload);
    const marker = h.fake.slash(alice, h.fake.generalChannelId, "help");
    await h.fake.waitForResponse(marker);
    expect(h.fake.calls.filter((c) => c.path.includes(record.token))).toHaveLength(1);
    expect(h.errors).toEqual([]);
  });

  it("keeps posting over REST while the gateway is down", async () => {
    const resumed = h.fake.gateway.drop(4000);
    expect(h.fake.gateway.connected).toBe(false);
    const posted = await h.adapter.port.post(h.fake.generalChannelId, { text: "⏳ 30 min left", title: "⏳ 30 min left" }, { idempotencyKey: "down:1" });
    expect(h.fake.channelMessages(h.fake.generalChannelId).at(-1)?.id).toBe(posted.id);
    await resumed;
    expect(h.fake.gateway.resumes).toBe(1);
    expect(textOf(await finalAnswer(h.fake, h.fake.slash(alice, h.fake.generalChannelId, "help")))).toContain("/incident subcommands");
  });
});
