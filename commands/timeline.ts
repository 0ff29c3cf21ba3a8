import type { CommandDef } from "../src/bot/router.js";
import { privateReply } from "../src/bot/replies.js";
import { verifyChainIn } from "../src/incidents/timeline.js";
import { eventSummary } from "../src/report/events.js";
import { formatCst } from "../src/report/format.js";
import { incidentOf } from "./shared.js";

export const timeline: CommandDef = {
  name: "timeline",
  usage: "/incident timeline [--all]",
  booleanFlags: ["all"],
  summary: "the append-only audit trail, hash-chained",
  needsIncident: true,
  mutates: false,
  async run(ctx) {
    const events = await ctx.core.service.timeline(incidentOf(ctx).id);
    const shown = ctx.args.flags.all ? events : events.slice(-40);
    const chain = await ctx.core.service.store.read((sql) => verifyChainIn(sql));
    const lines = shown.map((e) => `${String(e.seq).padStart(4)}  ${formatCst(e.at, ctx.core.pack.authority_zone)}  ${e.actor}  ${e.type}  ${eventSummary(e)}`);
    const head = `Timeline of incident #${incidentOf(ctx).id}: ${events.length} events${shown.length < events.length ? ` (last ${shown.length}; --all for every one)` : ""}.`;
    const integrity = chain.ok ? `Hash chain intact (${chain.events} events).` : `⚠️ Hash chain BROKEN at event ${chain.brokenAt}: ${chain.reason}.`;
    return privateReply([head, ...lines, integrity].join("\n"));
  },
};
