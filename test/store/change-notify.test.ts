import { describe, expect, it } from "vitest";
import pg from "pg";
import { CHANGE_CHANNEL } from "../../src/store/repos/changes.js";
import { createApp } from "../../src/app.js";
import { openStore } from "../../src/store/open.js";
import { FakeClock } from "../../src/time/clock.js";
import { useTestDatabase } from "../support/postgres.js";
import { eventually } from "../support/eventually.js";

describe("PostgreSQL announces every visible change to an incident", () => {
  const database = useTestDatabase("notify");

  it("an append, and a war room attached under its reserved name", async () => {
    const store = await openStore(database.url, { poolSize: 2 });
    const app = createApp({ config: { dbPath: "", displayZone: "UTC", sweepCron: "0 0 1 1 *" }, store, clock: new FakeClock("2026-03-02T09:00:00+08:00"), log: { info: () => undefined, error: () => undefined } });
    const listener = new pg.Client({ connectionString: database.url });
    const heard: string[] = [];
    try {
      await listener.connect();
      listener.on("notification", (n) => heard.push(String(n.payload)));
      await listener.query(`LISTEN ${CHANGE_CHANNEL}`);
      const { incident } = await app.core.service.open({ title: "Leak", actor: "alice", platform: "test", channelId: null, channelName: "inc-leak" });
      await eventually(() => heard.includes(String(incident.id)), "the opening announced");
      heard.length = 0;
      const before = (await app.core.service.timeline(incident.id)).length;
      await app.core.service.attachChannel(incident.id, { id: "C1", name: "inc-leak" }, "warroom");
      // Attaching is an event of its own (verify checks the channel against it).
      expect((await app.core.service.timeline(incident.id)).at(-1)?.type).toBe("channel_attached");
      expect(await app.core.service.timeline(incident.id)).toHaveLength(before + 1);
      await eventually(() => heard.includes(String(incident.id)), "the attached room announced");
    } finally {
      await listener.end();
      await app.close();
      await store.close();
    }
  });
});
