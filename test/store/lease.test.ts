import { describe, expect, it } from "vitest";
import { LeaseKeeper } from "../../src/cluster/lease.js";
import { ENGINES, harnessOn } from "../support/harness.js";

const quiet = { info: () => undefined, error: () => undefined };

describe.each(ENGINES)("named leases on %s", (engine) => {
  it("one holder per name; another name is another lease; a stop hands over at the next try", async () => {
    const { app } = await harnessOn(engine);
    const log: string[] = [];
    const keeper = (name: string, owner: string) =>
      new LeaseKeeper({
        store: app.store,
        name,
        owner,
        ttlMs: 60_000,
        everyMs: 50,
        log: quiet,
        onAcquired: async () => void log.push(`${owner} took ${name}`),
        onLost: async () => void log.push(`${owner} let go of ${name}`),
      });
    const a = keeper("discord-gateway:bot-1", "a");
    const b = keeper("discord-gateway:bot-1", "b");
    const c = keeper("discord-gateway:bot-2", "c");
    await a.start();
    await b.start();
    await c.start();
    // b waits behind a live lease however long it tries; c's bot is another lease.
    await new Promise((r) => setTimeout(r, 300));
    expect([a.holding, b.holding, c.holding]).toEqual([true, false, true]);
    await a.stop();
    const until = Date.now() + 2_000;
    while (!b.holding && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(b.holding).toBe(true);
    await b.stop();
    await c.stop();
    expect(log).toEqual([
      "a took discord-gateway:bot-1",
      "c took discord-gateway:bot-2",
      "a let go of discord-gateway:bot-1",
      "b took discord-gateway:bot-1",
      "b let go of discord-gateway:bot-1",
      "c let go of discord-gateway:bot-2",
    ]);
  });
});
