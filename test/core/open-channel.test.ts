import { describe, expect, it } from "vitest";
import { harness, textOf } from "../support/harness.js";

describe("opening: the incident is recorded before its channel is made", () => {
  it("a second incident with the same title takes the next suffix", async () => {
    const h = harness();
    await h.say("open Payment DB outage");
    const r = await h.say("open Payment DB outage", { channel: "general" });
    expect(textOf(r)).toContain("in #inc-20260302-payment-db-outage-2.");
    const incidents = (await h.app.core.service.list());
    expect(incidents.map((i) => i.channelName)).toEqual(["inc-20260302-payment-db-outage", "inc-20260302-payment-db-outage-2"]);
    expect(incidents.map((i) => h.port.channels.get(i.channelId as string)?.name)).toEqual(["inc-20260302-payment-db-outage", "inc-20260302-payment-db-outage-2"]);
  });

  it("a closed incident keeps its name: a new one with the same title does not reuse it", async () => {
    const h = harness();
    (await h.app.core.service.open({ title: "Old", actor: "alice", platform: "test", channelId: "C-old", channelName: "inc-20260302-payment-db-outage" }));
    await h.say("open Payment DB outage", { channel: "general" });
    expect((await h.app.core.service.get(2)).channelName).toBe("inc-20260302-payment-db-outage-2");
  });

  it("when the platform names the channel differently (a name taken outside warroom), the timeline says so", async () => {
    const h = harness();
    h.port.channels.set("C-outside", { name: "inc-20260302-vpn-breach", topic: "", members: new Set(), private: false });
    await h.say("open VPN breach", { channel: "general" });
    const incident = (await h.app.core.service.get(1));
    expect(incident.channelName).toBe("inc-20260302-vpn-breach-2");
    const events = (await h.app.core.service.timeline(1));
    expect(events.find((e) => e.type === "incident_opened")?.payload.channel).toBe("inc-20260302-vpn-breach");
    expect(events.find((e) => e.type === "channel_renamed")?.payload).toEqual({ requested: "inc-20260302-vpn-breach", channel: "inc-20260302-vpn-breach-2" });
    expect(textOf(await h.say("timeline", { channel: incident.channelId as string }))).toMatch(/channel_renamed {2}inc-20260302-vpn-breach-2/);
    // The card goes to the channel the platform made.
    expect(h.port.card(incident.channelId as string)?.text).toContain("Incident #1: VPN breach");
  });

  it("when the platform cannot make the channel, the incident stays recorded, its clock running, and no channel exists", async () => {
    const h = harness();
    h.port.createChannel = async () => {
      throw new Error("restricted_action");
    };
    const r = await h.say("open Payment DB outage");
    expect(r.ephemeral).toBe(true);
    expect(textOf(r)).toContain("Incident #1 is recorded and its clock is running, but its war-room channel could not be created. Act on it with --incident 1.");
    expect(h.errors.join("\n")).toContain("restricted_action");
    expect((await h.app.core.service.get(1))).toMatchObject({ channelId: null, deadlineAt: "2026-03-02T02:00:00.000Z" });
    expect(h.port.channels.size).toBe(0);
    const status = await h.say("status --incident 1");
    expect(textOf(status)).toContain("Incident #1: Payment DB outage");
  });
});
