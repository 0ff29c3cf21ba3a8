import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { openStore } from "../../src/store/open.js";
import { systemClock } from "../../src/time/clock.js";
import { FakeSlack } from "../fakes/slack.js";
import { createTestDatabase } from "../support/postgres.js";
import { freePort, startWarroom, type WarroomProcess } from "../support/warroom-process.js";

const INCIDENTS = 300;
const REPLICAS = 3;
const KILL_EVERY_MS = 10_000;
/** Deadlines fall between 20 s and 60 s from the start: every kill lands among them. */
const FIRST_DUE_MS = 20_000;
const SPREAD_MS = 40_000;
const LEASE_S = 5;

/** The idempotency key a post carries in its message metadata. */
function keyOf(body: Record<string, unknown>): string {
  const raw = body.metadata;
  const meta = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
  const key = meta && typeof meta === "object" && "event_payload" in meta ? (meta.event_payload as { key?: unknown }).key : undefined;
  return typeof key === "string" ? key : "";
}

const quiet = { info: () => undefined, error: () => undefined };

/**
 * Three `warroom start` processes on one PostgreSQL database and one (fake) Slack; 300
 * incidents fall due within the minute while one replica after another dies by kill -9 and
 * comes back. Every warning that fell due reaches Slack exactly once.
 */
describe("chaos: replicas killed while warnings fall due", () => {
  it("posts every due warning exactly once", { timeout: 240_000 }, async () => {
    const db = await createTestDatabase("chaos");
    const slack = await new FakeSlack().start();
    const dir = mkdtempSync(join(tmpdir(), "warroom-chaos-"));
    const replicas: WarroomProcess[] = [];
    try {
      // The incidents: 4 h clocks (major, ordinary operator, no CII) whose awareness lies
      // just under 4 h back, so that each deadline warning falls due in the coming minute.
      const seedStore = await openStore(db.url, { poolSize: 4 });
      const seed = createApp({ config: { dbPath: "", displayZone: "UTC", sweepCron: "0 0 1 1 *" }, store: seedStore, clock: systemClock, log: quiet });
      const start = Date.now();
      for (let i = 0; i < INCIDENTS; i++) {
        const channel = slack.addChannel(`CCHAOS${String(i).padStart(4, "0")}`, `inc-chaos-${i}`, ["U1", slack.botUserId]);
        const awareAt = systemClock.now().minus({ hours: 4 }).plus({ milliseconds: FIRST_DUE_MS + Math.round((SPREAD_MS * i) / INCIDENTS) });
        const { incident } = await seed.core.service.open({ title: `Chaos ${i}`, actor: "U1", platform: "slack", channelId: channel.id, channelName: channel.name, awareAt });
        await seed.core.service.setFacts(incident.id, { personal_info_people: 1_200_000, operator_type: "ordinary", cii_affected: false }, "U1");
      }
      await seed.close();
      await seedStore.close();
      const seeded = Date.now() - start;
      expect(seeded, "seeding took longer than the first deadline allows").toBeLessThan(FIRST_DUE_MS - 5_000);

      const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
      const launch = (n: number): WarroomProcess =>
        startWarroom(
          {
            WARROOM_DB: db.url,
            PORT: String(ports[n]),
            WARROOM_SWEEP_CRON: "* * * * * *",
            WARROOM_CLAIM_LEASE_S: String(LEASE_S),
            SLACK_BOT_TOKEN: slack.token,
            SLACK_SIGNING_SECRET: "chaos-secret",
            // Labelled per replica, so the fake tells which one is mid-post.
            SLACK_API_URL: slack.apiUrlFor(`r${n}`),
          },
          dir,
        );
      for (let n = 0; n < REPLICAS; n++) replicas.push(launch(n));
      await Promise.all(replicas.map((r) => r.waitFor(/HTTP on port/, 60_000)));

      // Every 10 s a replica dies by kill -9 and starts again, until the last deadline is
      // past. Slack holds each answer to chat.postMessage back a little, and the victim is
      // preferably one whose warning Slack has just taken but not yet answered: the worst
      // moment, when only the look-up by key keeps the next owner from posting it again.
      slack.answerDelayMs.set("chat.postMessage", 200);
      let kills = 0;
      let midPost = 0;
      // At least six kills, and on until the last deadline is 10 s past (start-up is slow on a busy machine).
      const lastDue = start + FIRST_DUE_MS + SPREAD_MS;
      while (kills < 6 || Date.now() < lastDue + KILL_EVERY_MS) {
        await new Promise((r) => setTimeout(r, KILL_EVERY_MS));
        const since = slack.calls.length;
        const caught = await slack
          .waitFor((c) => slack.calls.indexOf(c) >= since && c.method === "chat.postMessage" && /^(warning|catchup):/.test(keyOf(c.body)), 3_000)
          .catch(() => undefined);
        const n = caught?.via ? Number(caught.via.slice(1)) : Math.floor(Math.random() * REPLICAS);
        if (caught) midPost++;
        await replicas[n]?.crash();
        kills++;
        replicas[n] = launch(n);
      }
      expect(kills).toBeGreaterThanOrEqual(6);
      expect(midPost, "no kill landed while a warning was on its way").toBeGreaterThan(0);

      // Settle: every warning due by now is sent (claims of the dead ran out after 5 s).
      const check = await openStore(db.url, { poolSize: 2 });
      try {
        const due = () =>
          check.read((sql) =>
            sql.all<{ outbox_key: string | null; status: string }>("SELECT outbox_key, status FROM warnings WHERE due_at <= ? AND status != 'cancelled'", Date.now()),
          );
        const deadline = Date.now() + 60_000;
        let rows = await due();
        while (rows.some((r) => r.status !== "sent") && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 500));
          rows = await due();
        }
        expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
        expect(rows.length).toBeGreaterThanOrEqual(INCIDENTS);

        // At Slack: every warning key once, and nothing beyond the warnings the store sent.
        const posted = [...slack.channels.values()]
          .flatMap((c) => c.messages)
          .map((m) => m.metadata?.event_payload.key)
          .filter((k): k is string => typeof k === "string" && (k.startsWith("warning:") || k.startsWith("catchup:")));
        const counts = new Map<string, number>();
        for (const k of posted) counts.set(k, (counts.get(k) ?? 0) + 1);
        expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
        expect([...counts.keys()].sort()).toEqual([...new Set(rows.map((r) => r.outbox_key))].sort());
        // Each of the 300 war rooms got its deadline warning.
        expect(new Set([...slack.channels.values()].filter((c) => c.messages.some((m) => String(m.metadata?.event_payload.key ?? "").match(/^(warning|catchup):/))).map((c) => c.id)).size).toBe(INCIDENTS);
      } finally {
        await check.close();
      }
    } finally {
      await Promise.all(replicas.map((r) => r.crash()));
      await slack.stop();
      await db.drop();
    }
  });
});
