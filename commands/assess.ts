import type { CommandDef, FormHandler } from "../src/bot/router.js";
import type { Reply } from "../src/bot/adapter.js";
import type { Core } from "../src/bot/core.js";
import type { Actor } from "../src/bot/adapter.js";
import { UsageError } from "../src/bot/errors.js";
import { privateReply, publicReply } from "../src/bot/replies.js";
import { assessmentNote, clockReasons } from "../src/report/reasons.js";
import { label, loadTemplates } from "../src/report/templates.js";
import { FORM_IDS, assessForm } from "./forms.js";
import { incidentOf, snapshotOf, who } from "./shared.js";

const USAGE = '/incident assess [not-reportable --reason "<why>"]';

async function record(core: Core, incidentId: number, actor: Actor, reason: string): Promise<Reply> {
  const snap = await core.service.assess(incidentId, reason, actor.id);
  const note = snap.assessment ? assessmentNote(core.pack, snap.assessment).en : "";
  return publicReply({
    text: `Incident #${incidentId} assessed not reportable by ${who(actor)}.\n${note}\n${label(loadTemplates(), "disclaimer").en}`,
    title: `Incident #${incidentId}: assessment recorded`,
    tone: "warning",
  });
}

/**
 * The commander's or compliance lead's recorded judgement that an incident is not reportable
 * while facts that could make it so are unknown. Without it, an open question keeps the clock.
 */
export const assess: CommandDef = {
  name: "assess",
  usage: USAGE,
  summary: "record the judgement that the incident is not reportable while facts are still unknown (undone by a fact that makes it reportable)",
  valueFlags: ["reason"],
  needsIncident: true,
  mutates: (args) => args.positional.length > 0,
  async run(ctx) {
    const [verdict, ...extra] = ctx.args.positional;
    const incident = incidentOf(ctx);
    if (!verdict) {
      const snap = await snapshotOf(ctx);
      if (snap.assessment) return privateReply(assessmentNote(ctx.core.pack, snap.assessment).en);
      const state = { reportable: "Reportable on its facts.", not_reportable: label(loadTemplates(), "not_reportable").en, assessed_not_reportable: "", undetermined: "" }[snap.incident.reportability];
      return privateReply([state, ...clockReasons(snap).map((r) => r.en), `Usage: ${USAGE}`].filter(Boolean).join("\n"));
    }
    if (verdict !== "not-reportable" || extra.length) throw new UsageError(`Unknown assessment "${[verdict, ...extra].join(" ")}".`, USAGE);
    const reason = ctx.args.flags.reason;
    if (reason === undefined) {
      return { ephemeral: true, form: { form: assessForm(), values: {}, context: { incidentId: incident.id, channelId: ctx.channelId } } };
    }
    if (reason === true || !reason.trim()) throw new UsageError("--reason needs the reason for the assessment.", USAGE);
    return await record(ctx.core, incident.id, ctx.actor, reason);
  },
};

export const assessFormHandler: FormHandler = {
  id: FORM_IDS.assess,
  command: "assess",
  async submit(ctx, values) {
    const reason = values.reason?.trim() ?? "";
    if (!reason) return { ok: false, errors: { reason: "Give the reason for the assessment." } };
    return { ok: true, reply: await record(ctx.core, incidentOf(ctx).id, ctx.actor, reason) };
  },
};
