import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FakeSlack } from "../fakes/slack.js";
import { FakeDiscord } from "../fakes/discord.js";
import { FakeFeishu } from "../fakes/feishu.js";
import { challengeEvent, send as sendFeishu, signedRequest as feishuRequest } from "../fakes/feishu-events.js";
import { interactionBody, postSigned, slashCommandBody } from "../fakes/slack-sign.js";
import { freePort, startWarroom, type WarroomProcess } from "../support/warroom-process.js";

const SECRET = "launcher-secret";

describe("warroom start with Slack, Discord and Feishu configured", () => {
  const fakes: { slack?: FakeSlack; discord?: FakeDiscord; feishu?: FakeFeishu; warroom?: WarroomProcess } = {};
  afterAll(async () => {
    await fakes.warroom?.crash();
    await fakes.slack?.stop();
    await fakes.discord?.close();
    await fakes.feishu?.stop();
  });

  it("serves all three from one process, on one HTTP port, and stops cleanly", async () => {
    const slack = await new FakeSlack().start();
    const discord = await FakeDiscord.start();
    const feishu = await new FakeFeishu().start();
    fakes.slack = slack;
    fakes.discord = discord;
    fakes.feishu = feishu;
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
        FEISHU_APP_ID: feishu.appId,
        FEISHU_APP_SECRET: feishu.appSecret,
        FEISHU_VERIFICATION_TOKEN: "launcher-token",
        FEISHU_ENCRYPT_KEY: "launcher-key",
        FEISHU_API_URL: feishu.apiUrl,
      },
      dir,
    );
    fakes.warroom = warroom;
    const { child } = warroom;
    await warroom.waitFor(/HTTP on port \d+: \/healthz, \/slack\/events, \/feishu\/events/, 20_000);
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

    // Feishu's URL check on the same port: the challenge comes back only to a signed, encrypted request.
    const challenge = await sendFeishu(`http://127.0.0.1:${port}/feishu/events`, feishuRequest(challengeEvent("launcher-token", "c-123"), { encryptKey: "launcher-key" }));
    expect(challenge).toEqual({ status: 200, json: { challenge: "c-123" } });

    const user = discord.addUser("dana", [discord.responderRoleId]);
    const record = discord.slash(user, discord.generalChannelId, "help");
    const [answer] = await discord.waitForResponse(record, 1);
    expect(JSON.stringify(answer?.body)).toContain("/incident subcommands");

    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
