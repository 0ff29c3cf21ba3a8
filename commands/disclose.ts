import type { CommandDef } from "../src/bot/router.js";
import { UsageError } from "../src/bot/errors.js";
import { privateReply, publicReply } from "../src/bot/replies.js";
import { incidentOf, limitText, snapshotOf, who } from "./shared.js";
import { echo, TEXT_LIMITS } from "../src/limits.js";
import { label, loadTemplates } from "../src/report/templates.js";

const USAGE = "/incident disclose [approve --checked <item,item…> [note] | block [note]]";

/**
 * The publication gate: report first, publish after. Approval needs the CAC report filed
 * (when one is owed) and the police report to the prefectural-level organ confirmed.
 */
export const disclose: CommandDef = {
  name: "disclose",
  usage: USAGE,
  summary: "publication gate: checklist and a recorded decision before any public statement",
  valueFlags: ["checked"],
  needsIncident: true,
  mutates: true,
  async run(ctx) {
    const { pack } = ctx.core;
    const snap = await snapshotOf(ctx);
    const items = pack.disclosure.checklist;
    const [verb] = ctx.args.positional;
    const blockers: string[] = [];
    // Report first, publish after: while a report is owed or may be owed, it must be filed first.
    if (snap.clock && !snap.initialFiled) blockers.push("the CAC report is not yet recorded as filed (/incident submitted)");
    if (!verb) {
      const lines = [
        `${label(loadTemplates(), "publication_gate").en}:`,
        ...items.map((i) => `☐ ${i.id}: ${i.en} / ${i.zh}`),
        snap.incident.disclosureClearedAt ? "Status: cleared for publication." : "Status: not cleared. Nothing may be published yet.",
        ...blockers.map((b) => `Blocked: ${b}.`),
        `Record a decision: ${USAGE}`,
      ];
      return privateReply(lines.join("\n"));
    }
    const note = ctx.args.positional.slice(1).join(" ") || undefined;
    limitText("The note", note ?? "", TEXT_LIMITS.note, USAGE);
    if (verb === "block") {
      await ctx.core.service.recordDisclosureDecision(incidentOf(ctx).id, {}, false, note, ctx.actor.id);
      return publicReply({ text: `Publication blocked by ${who(ctx.actor)}${note ? `: ${note}` : "."}` });
    }
    if (verb !== "approve") throw new UsageError(`Unknown disclose action "${echo(verb)}".`, USAGE);
    const checkedFlag = ctx.args.flags.checked;
    const checked = new Set(typeof checkedFlag === "string" ? checkedFlag.split(",").map((s) => s.trim()).filter(Boolean) : []);
    for (const c of checked) if (!items.some((i) => i.id === c)) throw new UsageError(`"${echo(c)}" is not a checklist item (${items.map((i) => i.id).join(", ")}).`, USAGE);
    // The police report is the one item that always applies; the other two depend on what is published.
    if (!checked.has("police_prefecture")) blockers.push("confirm the report to the prefectural-level public security organ (--checked police_prefecture)");
    if (blockers.length) throw new UsageError(`Not cleared: ${blockers.join("; ")}.`, USAGE);
    const checklist = Object.fromEntries(items.map((i) => [i.id, checked.has(i.id)]));
    await ctx.core.service.recordDisclosureDecision(incidentOf(ctx).id, checklist, true, note, ctx.actor.id);
    return publicReply({ text: `Publication cleared by ${who(ctx.actor)} (checked: ${[...checked].join(", ")})${note ? `: ${note}` : "."}`, tone: "success" });
  },
};
