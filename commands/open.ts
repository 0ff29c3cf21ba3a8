import { DateTime } from "luxon";
import type { CommandDef, FormHandler, FormContext } from "../src/bot/router.js";
import type { Core } from "../src/bot/core.js";
import type { Actor, ChatPort, Reply } from "../src/bot/adapter.js";
import { UsageError } from "../src/bot/errors.js";
import { publicReply } from "../src/bot/replies.js";
import { parseInstant, parseFactsText, type FactValue } from "../src/rules/facts.js";
import { IncidentError } from "../src/incidents/service.js";
import { isInFuture } from "../src/time/clock.js";
import { FORM_IDS, openForm } from "./forms.js";
import { present, slugify } from "./shared.js";
import { reportState } from "../src/report/card.js";
import { clockReasons } from "../src/report/reasons.js";
import { singleLine } from "../src/bot/sanitize.js";
import { echo, TEXT_LIMITS, tooLong } from "../src/limits.js";

const USAGE = "/incident open <title> [--aware <ISO time>] [--private] [--description <text>] [name=value facts…]";

export interface OpenArgs {
  title: string;
  description?: string;
  awareAt?: DateTime;
  private: boolean;
  facts: Record<string, FactValue | null>;
}

/**
 * Record the incident under a free channel name, then create the war room and attach it:
 * the name carries the awareness date in CST. A name another incident holds (another
 * process, a second incident with the same title) takes the next suffix, and no channel is
 * made for an incident that was not recorded.
 */
export async function openIncident(core: Core, port: ChatPort, actor: Actor, input: OpenArgs): Promise<Reply> {
  // A title is one line wherever it is shown (channel topic, card header, terminal).
  const a = { ...input, title: singleLine(input.title).trim() };
  const aware = a.awareAt ?? core.clock.now();
  // Checked before the channel is made, so a typo leaves no empty war room behind.
  if (isInFuture(core.clock, aware)) throw new IncidentError("The time of awareness cannot be in the future.");
  const date = aware.setZone(core.pack.authority_zone).toFormat("yyyyLLdd");
  const recorded = await core.service.open({
    title: a.title,
    description: a.description,
    actor: actor.id,
    platform: actor.platform,
    channelId: null,
    channelName: null,
    private: a.private,
    awareAt: aware,
    facts: a.facts,
    reserveName: `inc-${date}-${slugify(a.title)}`,
  });
  const id = recorded.incident.id;
  let channel: { id: string; name: string };
  try {
    channel = await port.createChannel({
      name: recorded.incident.channelName as string,
      displayName: `inc-${date} ${a.title}`,
      topic: `Incident: ${a.title}`,
      private: a.private,
      members: [actor.id],
    });
  } catch (err) {
    core.log.error(`could not create the channel of incident #${id}: ${err instanceof Error ? err.message : String(err)}`);
    throw new IncidentError(`Incident #${id} is recorded and its clock is running, but its war-room channel could not be created. Act on it with --incident ${id}.`);
  }
  const snap = await core.service.attachChannel(id, channel, actor.id);
  const text = [
    `Opened incident #${snap.incident.id} "${snap.incident.title}" in #${channel.name}.`,
    reportState(present(core), snap),
    ...clockReasons(snap).map((r) => r.en),
    snap.incident.provisional ? "Next: enter the classification facts with /incident facts." : "",
  ]
    .filter(Boolean)
    .join("\n");
  return publicReply({ text, title: `Incident #${snap.incident.id} opened`, tone: "warning" });
}

/** The first length problem of a title and description, as a refusal. */
function textProblems(title: string, description: string | undefined): string | undefined {
  return tooLong("The title", title, TEXT_LIMITS.title) ?? (description === undefined ? undefined : tooLong("The description", description, TEXT_LIMITS.description));
}

export const open: CommandDef = {
  name: "open",
  usage: USAGE,
  summary: "open a war-room channel and start the clock",
  valueFlags: ["aware", "description"],
  booleanFlags: ["private"],
  needsIncident: false,
  mutates: false,
  async run(ctx) {
    const { core, args } = ctx;
    const factWords = args.positional.filter((w) => /^[a-z_]+=/.test(w));
    const title = args.positional.filter((w) => !/^[a-z_]+=/.test(w)).join(" ").trim();
    if (!title) {
      return { ephemeral: true, form: { form: openForm(core.pack), values: {}, context: { channelId: ctx.channelId } } };
    }
    const description = typeof args.flags.description === "string" ? args.flags.description : undefined;
    const tooLongText = textProblems(title, description);
    if (tooLongText) throw new UsageError(tooLongText, USAGE);
    let awareAt: DateTime | undefined;
    if (args.flags.aware !== undefined) {
      if (args.flags.aware === true) throw new UsageError("--aware needs a time, e.g. --aware 2026-03-02T09:00+08:00", USAGE);
      awareAt = parseInstant(args.flags.aware, core.pack.authority_zone);
      if (!awareAt) throw new UsageError(`--aware ${echo(args.flags.aware)}: not an ISO-8601 time (e.g. 2026-03-02T09:00+08:00)`, USAGE);
    }
    const facts = factWords.length ? parseFactsText(core.pack, factWords.map((w) => w.replace(/=(.*\s.*)$/, '="$1"')).join(" ")) : {};
    if (typeof facts.aware_at === "string") {
      // Two times of awareness cannot both be meant; taking either could move the deadline.
      if (awareAt) throw new UsageError("The time of awareness is given twice (--aware and aware_at=): give it once.", USAGE);
      awareAt = DateTime.fromISO(facts.aware_at, { zone: "utc" });
    }
    return openIncident(core, ctx.port, ctx.actor, {
      title,
      awareAt,
      private: args.flags.private === true,
      description,
      facts,
    });
  },
};

export const openFormHandler: FormHandler = {
  id: FORM_IDS.open,
  command: "open",
  async submit(ctx: FormContext, values) {
    const title = (values.title ?? "").trim();
    const errors: Record<string, string> = {};
    if (!title) errors.title = "A title is required.";
    const titleTooLong = tooLong("The title", title, TEXT_LIMITS.title);
    if (titleTooLong) errors.title = titleTooLong;
    const descriptionTooLong = tooLong("The description", values.description?.trim() ?? "", TEXT_LIMITS.description);
    if (descriptionTooLong) errors.description = descriptionTooLong;
    let awareAt: DateTime | undefined;
    if (values.aware_at?.trim()) {
      awareAt = parseInstant(values.aware_at, ctx.core.pack.authority_zone);
      if (!awareAt) errors.aware_at = "Not an ISO-8601 time (e.g. 2026-03-02T09:00+08:00).";
      else if (isInFuture(ctx.core.clock, awareAt)) errors.aware_at = "Cannot be in the future.";
    }
    const pairs = [
      values.operator_type?.trim() ? `operator_type=${values.operator_type.trim()}` : "",
      values.cii_affected?.trim() ? `cii_affected=${values.cii_affected.trim()}` : "",
    ].filter(Boolean);
    let facts: Record<string, FactValue | null> = {};
    try {
      facts = parseFactsText(ctx.core.pack, pairs.join(" "));
    } catch (err) {
      const name = pairs.find((p) => (err as Error).message.startsWith(p.split("=")[0] as string))?.split("=")[0] ?? "operator_type";
      errors[name] = (err as Error).message;
    }
    if (Object.keys(errors).length) return { ok: false, errors };
    const reply = await openIncident(ctx.core, ctx.port, ctx.actor, {
      title,
      awareAt,
      private: false,
      description: values.description?.trim() || undefined,
      facts,
    });
    return { ok: true, reply };
  },
};
