import { describe, expect, it } from "vitest";
import { harness, textOf } from "../support/harness.js";
import { slugify } from "../../commands/shared.js";
import { channelName as slackChannelName } from "../../adapters/slack/port.js";
import { channelName as discordChannelName } from "../../adapters/discord/port.js";

describe("channel slugs", () => {
  it("two Chinese titles give meaningful, distinct channel names in pinyin", async () => {
    const h = harness();
    const first = await h.say("open 支付数据库故障");
    const second = await h.say("open 数据泄露", { channel: "general" });
    expect(textOf(first)).toContain("in #inc-20260302-zhi-fu-shu-ju-ku-gu-zhang.");
    expect(textOf(second)).toContain("in #inc-20260302-shu-ju-xie-lou.");
    expect((await h.app.core.service.list()).map((i) => i.channelName)).toEqual(["inc-20260302-zhi-fu-shu-ju-ku-gu-zhang", "inc-20260302-shu-ju-xie-lou"]);
  });

  it.each([
    ["Payment DB outage", "payment-db-outage"],
    ["重庆银行 DB 故障 v2", "chong-qing-yin-hang-db-gu-zhang-v2"],
    ["绿色通道", "lv-se-tong-dao"],
    ["Ünïcödé façade", "unicode-facade"],
    ["😀🔥", "incident"],
    ["Привет", "incident"],
  ])("%s → %s", (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it("long titles stay within every platform's channel-name rules, cut between words", () => {
    for (const title of ["数据".repeat(100), "x".repeat(300), `${"long ".repeat(40)}title`, "支付DB故障".repeat(30)]) {
      const name = `inc-20260302-${slugify(title)}`;
      expect(name).toMatch(/^[a-z0-9-]+$/);
      expect(name).not.toMatch(/-$|--/);
      // With room for a clash suffix such as -999 within Slack's 80 characters.
      expect(`${name}-999`.length).toBeLessThanOrEqual(80);
      // The adapters' own normalisation leaves it as it is.
      expect(slackChannelName(name)).toBe(name);
      expect(discordChannelName(name)).toBe(name);
    }
    expect(slugify("数据".repeat(100))).toMatch(/^(shu-ju-)+(shu|shu-ju)$/);
  });
});
