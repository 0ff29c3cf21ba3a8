import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FakeSlack } from "../fakes/slack.js";
import { FakeDiscord } from "../fakes/discord.js";
import { interactionBody, postSigned, slashCommandBody } from "../fakes/slack-sign.js";
import { freePort, startWarroom, type WarroomProcess } from "../support/warroom-process.js";

const SECRET = "launcher-secret";

describe("warroom start with Slack and Discord configured", () => {
  const fakes: { slack?: FakeSlack; discord?: FakeDiscord; warroom?: WarroomProcess } = {};
  afterAll(async () => {
    await fakes.warroom?.crash();
    await fakes.slack?.stop();
    await fakes.discord?.close();
  });

  it("serves both from one process and stops cleanly", async () => {
    const slack = await new FakeSlack().start();
    const discord = await FakeDiscord.start();
    fakes.slack = slack;
    fakes.discord = discord;
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), "warroom-launch-"));
    const warroom = startWarroom(
      {
        WARROOM_DB: join(dir, "w.db"),
        PORT: String(port),
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_GUILD_ID: discord.guildId,
        DISCORD_API_URL: discord.apiUrl,
      },
      dir,
    );
    fakes.warroom = warroom;
    const { child } = warroom;
    await warroom.waitFor(/HTTP on port/, 20_000);
    await warroom.waitFor(/discord: connected as/, 20_000);

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", backend: "sqlite", database: "ok", discord: { gateway: "held" } });

    const body = slashCommandBody({ text: "open Launcher check", userId: "U1", channelId: "CGEN", triggerId: "t-1", responseUrl: slack.responseUrl("r-1") });
    const ack = await postSigned(`http://127.0.0.1:${port}/slack/events`, { secret: SECRET, body });
    expect(ack.status).toBe(200);
    const created = await slack.waitFor((c) => c.method === "conversations.create");
    expect(created.body.name).toBe(`inc-${new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, "")}-launcher-check`);
    const forged = await postSigned(`http://127.0.0.1:${port}/slack/events`, { secret: "wrong", body: interactionBody({ type: "block_actions" }) });
    expect(forged.status).toBe(401);

    const user = discord.addUser("dana", [discord.responderRoleId]);
    const record = discord.slash(user, discord.generalChannelId, "help");
    const [answer] = await discord.waitForResponse(record, 1);
    expect(JSON.stringify(answer?.body)).toContain("/incident subcommands");

    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
