import { DateTime } from "luxon";
import type { CommandDef, FormHandler, FormContext, CommandContext } from "../src/bot/router.js";
import type { Reply } from "../src/bot/adapter.js";
import { UsageError } from "../src/bot/errors.js";
import { publicReply } from "../src/bot/replies.js";
import { parseInstant } from "../src/rules/facts.js";
import type { SubmissionKind } from "../src/incidents/model.js";
import { nextReportKind, type Draft } from "../src/report/draft.js";
import { formatBoth } from "../src/report/format.js";
import { FORM_IDS, submissionForm } from "./forms.js";
import { draftFor, incidentOf, limitText, parseKind, snapshotOf, timeFlag, who } from "./shared.js";
import { timeProblem } from "../src/incidents/service.js";
import { TEXT_LIMITS, tooLong } from "../src/limits.js";

const USAGE =
  '/incident submitted <hotline|website|wechat_mini_program|wechat_public_account|email|fax> [reference] [--kind initial|supplementary|update|final] [--at <ISO time>] [--incomplete "why items 1-2 are missing"] [--confirm]';

export interface SubmissionArgs {
  channel: string;
  /** The draft as it went out (e-mail filing); otherwise the current draft is frozen. */
  draft?: Draft;
  reference?: string;
  kind?: SubmissionKind;
  at?: DateTime;
  incompleteReason?: string;
  confirmOtherChannel?: boolean;
}

/** Record a filing through the one service path and say what it means for the clocks. */
export async function record(ctx: CommandContext | FormContext, a: SubmissionArgs): Promise<Reply> {
  const { core } = ctx;
  const incident = incidentOf(ctx);
  const snap = await snapshotOf(ctx);
  const kind = a.kind ?? nextReportKind(snap);
  // Recording the same filing twice (a retry after an error, an e-mail's Message-ID typed again) records it once.
  const already = a.reference ? snap.submissions.find((s) => s.kind === kind && s.channel === a.channel && s.reference === a.reference) : undefined;
  if (already) {
    return publicReply({
      text: `The ${kind} report via ${a.channel} (ref ${a.reference}) is already recorded as filed at ${formatBoth(already.submittedAt, core.pack.authority_zone, core.displayZone)}; nothing was changed.`,
      title: `Incident #${incident.id}: already recorded`,
      tone: "info",
    });
  }
  const draft = a.draft ?? draftFor(core, snap, kind);
  const filed = draft.items.filter((i) => !i.missing).map((i) => i.id);
  const { submission, snapshot } = await core.service.recordSubmission(
    incident.id,
    { kind, channel: a.channel, reference: a.reference, submittedAt: a.at, items: filed, draft, incompleteReason: a.incompleteReason, confirmOtherChannel: a.confirmOtherChannel },
    ctx.actor.id,
  );
  const channel = core.pack.channels.find((c) => c.id === a.channel);
  const lines = [
    `${kind[0]?.toUpperCase()}${kind.slice(1)} report recorded as filed via ${channel?.en ?? a.channel}${a.reference ? ` (ref ${a.reference})` : ""} at ${formatBoth(submission.submittedAt, core.pack.authority_zone, core.displayZone)} by ${who(ctx.actor)}.`,
    "The draft as filed is frozen in the timeline.",
  ];
  if (kind === "initial") {
    lines.push("The report countdown has stopped.");
    if (snap.clock && Date.parse(snap.clock.deadlineAt) < Date.parse(submission.submittedAt)) lines.push("⚠️ Filed after the deadline: the card and the board show it as late while the deadline stands.");
    if (submission.incompleteReason) lines.push(`⚠️ Filed without items the initial report must carry; reason recorded: ${submission.incompleteReason}`);
  }
  if (snapshot.supplementaryOwed.length) {
    lines.push(`Supplementary report owed for items ${snapshot.supplementaryOwed.map((id) => core.pack.report_items.find((r) => r.id === id)?.number).join(", ")}: report them promptly (/incident report --kind supplementary).`);
  }
  if (kind === "final") lines.push("The 30-day clock has stopped. /incident close ends the incident.");
  return publicReply({ text: lines.join("\n"), title: `Incident #${incident.id}: ${kind} report filed`, tone: "success" });
}

export const submitted: CommandDef = {
  name: "submitted",
  usage: USAGE,
  summary: "record that a report was filed (stops the countdown; freezes the draft)",
  valueFlags: ["kind", "at", "incomplete"],
  booleanFlags: ["confirm"],
  needsIncident: true,
  mutates: true,
  async run(ctx) {
    const [channel, ...refWords] = ctx.args.positional;
    if (!channel) {
      const snap = await snapshotOf(ctx);
      // Later reports default to the channel the initial report went through.
      const original = snap.submissions.find((s) => s.kind === "initial")?.channel;
      const values: Record<string, string> = { kind: nextReportKind(snap), ...(original ? { channel: original } : {}) };
      return { ephemeral: true, form: { form: submissionForm(ctx.core.pack), values, context: { incidentId: incidentOf(ctx).id, channelId: ctx.channelId } } };
    }
    const at = timeFlag(ctx, "at", USAGE);
    if (!ctx.core.pack.channels.some((c) => c.id === channel)) {
      throw new UsageError(`"${channel}" is not a reporting channel.`, USAGE);
    }
    const kind = ctx.args.flags.kind === undefined ? undefined : parseKind(ctx.args.flags.kind, "initial");
    const incomplete = ctx.args.flags.incomplete;
    if (incomplete === true || (typeof incomplete === "string" && !incomplete.trim())) throw new UsageError("--incomplete needs the reason items 1-2 are missing.", USAGE);
    limitText("The reference", refWords.join(" "), TEXT_LIMITS.reference, USAGE);
    if (typeof incomplete === "string") limitText("The reason", incomplete, TEXT_LIMITS.reason, USAGE);
    return await record(ctx, { channel, reference: refWords.join(" ") || undefined, kind, at, incompleteReason: incomplete, confirmOtherChannel: ctx.args.flags.confirm === true });
  },
};

export const submissionFormHandler: FormHandler = {
  id: FORM_IDS.submission,
  command: "submitted",
  async submit(ctx, values) {
    const errors: Record<string, string> = {};
    const channel = values.channel?.trim() ?? "";
    if (!ctx.core.pack.channels.some((c) => c.id === channel)) errors.channel = "Choose the channel the report went through.";
    const referenceTooLong = tooLong("The reference", values.reference?.trim() ?? "", TEXT_LIMITS.reference);
    if (referenceTooLong) errors.reference = referenceTooLong;
    let at: DateTime | undefined;
    if (values.submitted_at?.trim()) {
      at = parseInstant(values.submitted_at, ctx.core.pack.authority_zone);
      if (!at) errors.submitted_at = "Not an ISO-8601 time (e.g. 2026-03-02T12:40+08:00).";
      else {
        const problem = timeProblem(ctx.core.clock, ctx.core.pack, incidentOf(ctx), at, "filing time");
        if (problem) errors.submitted_at = problem;
      }
    }
    let kind: SubmissionKind | undefined;
    if (values.kind?.trim()) {
      try {
        kind = parseKind(values.kind.trim(), "initial");
      } catch (err) {
        errors.kind = (err as Error).message;
      }
    }
    if (Object.keys(errors).length) return { ok: false, errors };
    const snap = await snapshotOf(ctx);
    const effectiveKind = kind ?? nextReportKind(snap);
    const incompleteReason = values.incomplete_reason?.trim() || undefined;
    if (effectiveKind === "initial" && !incompleteReason) {
      const empty = ctx.core.pack.report_items.filter((i) => i.initial && !snap.items[i.id]?.trim());
      if (empty.length) errors.incomplete_reason = `Items ${empty.map((i) => i.number).join(" and ")} are empty: write them first (/incident report edit), or give the reason the initial report went without them.`;
    }
    const original = snap.submissions.find((s) => s.kind === "initial")?.channel;
    if (effectiveKind === "final" && original && original !== channel) {
      errors.channel = `The initial report went through ${original}: the post-incident report goes through the original channel. To use another, run /incident submitted ${channel} --kind final --confirm.`;
    }
    if (Object.keys(errors).length) return { ok: false, errors };
    return { ok: true, reply: await record(ctx, { channel, reference: values.reference?.trim() || undefined, kind, at, incompleteReason }) };
  },
};
