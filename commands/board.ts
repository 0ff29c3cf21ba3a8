import type { CommandDef } from "../src/bot/router.js";
import { privateReply } from "../src/bot/replies.js";

export const board: CommandDef = {
  name: "board",
  usage: "/incident board",
  summary: "a sign-in link to the web board of open incidents, shown to you only (works once, for 10 minutes)",
  needsIncident: false,
  mutates: false,
  async run(ctx) {
    if (!ctx.core.board) return privateReply("This deployment has no web board (WARROOM_PUBLIC_URL names where it is served).");
    const zone = await ctx.viewerZone();
    const url = await ctx.core.board.link({ platform: ctx.actor.platform, userId: ctx.actor.id, name: ctx.actor.name ?? null, zone: zone ?? null });
    return privateReply(
      `Your sign-in link to the warroom board (only you see it; it works once, within 10 minutes, and keeps you signed in for 12 hours):\n${url}\nYou will see the incidents whose channel you are a member of.`,
    );
  },
};
