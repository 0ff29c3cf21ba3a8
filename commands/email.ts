import type { CommandContext, CommandDef } from "../src/bot/router.js";
import type { Reply } from "../src/bot/adapter.js";
import type { Attachment } from "../src/bot/message.js";
import { UsageError } from "../src/bot/errors.js";
import { errorReply, publicReply } from "../src/bot/replies.js";
import { IncidentError } from "../src/incidents/service.js";
import type { IncidentSnapshot, SubmissionKind } from "../src/incidents/model.js";
import { nextReportKind, type Draft } from "../src/report/draft.js";
import { documentContext, renderDocument } from "../src/report/documents.js";
import { formatBoth } from "../src/report/format.js";
import { loadTemplates } from "../src/report/templates.js";
import { parseAddressList } from "../src/mail/address.js";
import { composeFiling } from "../src/mail/compose.js";
import { MailError } from "../src/mail/errors.js";
import type { Outgoing, Sent } from "../src/mail/types.js";
import { echo, TEXT_LIMITS } from "../src/limits.js";
import type { DateTime } from "luxon";
import type { Core } from "../src/bot/core.js";
import { DatabaseBusyError, DatabaseUnavailableError, isBusyError } from "../src/store/db.js";
import { draftFor, incidentOf, limitText, parseKind, snapshotOf } from "./shared.js";
import { record } from "./submitted.js";

const USAGE = '/incident email [send] [--kind initial|supplementary|update|final] [--to <address>[,<address>…]] [--incomplete "why items 1-2 are missing"]';

/** The pack's channel id for e-mail filings. */
const EMAIL = "email";

/** A drill has no sender configured, and needs none: the message is only built. */
const DRILL_SENDER = { name: "warroom drill", address: "drill@warroom.invalid" };

interface Filing {
  kind: SubmissionKind;
  to: string[];
  incomplete?: string;
  snap: IncidentSnapshot;
  draft: Draft;
  /** Options given: the preview's Send button (which carries only the incident) would drop them. */
  customised: boolean;
}

function recipients(ctx: CommandContext): string[] {
  const flag = ctx.args.flags.to;
  if (flag === true) throw new UsageError("--to takes an e-mail address, e.g. --to report@example.gov.cn", USAGE);
  if (flag === undefined) {
    if (ctx.core.mail.to.length) return ctx.core.mail.to;
    throw new UsageError("No recipient: give --to <address>, or set WARROOM_REPORT_EMAIL_TO for this deployment.", USAGE);
  }
  const parsed = parseAddressList(flag);
  if (!parsed.ok) throw new UsageError(`--to: ${parsed.reason}.`, USAGE);
  return parsed.value;
}

/** Every option is checked before anything is built or sent. */
async function plan(ctx: CommandContext): Promise<Filing> {
  const { flags } = ctx.args;
  const kindFlag = flags.kind === undefined ? undefined : parseKind(flags.kind, "initial");
  const to = recipients(ctx);
  const incomplete = flags.incomplete;
  if (incomplete === true || (typeof incomplete === "string" && !incomplete.trim())) throw new UsageError("--incomplete needs the reason items 1-2 are missing.", USAGE);
  if (typeof incomplete === "string") limitText("The reason", incomplete, TEXT_LIMITS.reason, USAGE);
  const snap = await snapshotOf(ctx);
  const kind = kindFlag ?? nextReportKind(snap);
  return { kind, to, snap, draft: draftFor(ctx.core, snap, kind), customised: Object.keys(flags).length > 0, ...(typeof incomplete === "string" ? { incomplete } : {}) };
}

function sender(ctx: CommandContext): Outgoing["from"] {
  if (ctx.core.drill) return ctx.core.mail.from ?? DRILL_SENDER;
  if (!ctx.core.mail.smtpUrl || !ctx.core.mail.from) {
    const unset = [!ctx.core.mail.smtpUrl && "WARROOM_SMTP_URL", !ctx.core.mail.from && "WARROOM_MAIL_FROM"].filter(Boolean).join(" and ");
    throw new UsageError(`E-mail filing is not set up: ${unset} ${unset.includes(" and ") ? "are" : "is"} not set. File another way and record it with /incident submitted.`);
  }
  return ctx.core.mail.from;
}

/** The Word and PDF documents, both languages, carrying the sender as the reporter's contact. */
async function documents(ctx: CommandContext, f: Filing, from: Outgoing["from"]): Promise<Attachment[]> {
  const t = loadTemplates();
  const context = await documentContext(ctx.core.service, f.snap, from.address);
  return Promise.all((["docx", "pdf"] as const).map((format) => renderDocument(f.draft, t, { format, lang: "both", context })));
}

const kb = (a: Attachment) => `${Math.max(1, Math.round((typeof a.content === "string" ? Buffer.byteLength(a.content) : a.content.byteLength) / 1024))} KB`;

function describe(out: Outgoing, files: Attachment[], f: Filing): string[] {
  const missing = f.draft.items.filter((i) => i.missing).map((i) => i.number);
  return [
    `From: ${out.from.name ? `${out.from.name} <${out.from.address}>` : out.from.address}`,
    `To: ${out.to.join(", ")}`,
    `Subject: ${out.subject}`,
    `Attachments: ${files.map((a) => `${a.filename} (${kb(a)})`).join(", ")}`,
    missing.length ? `Items still missing: ${missing.join(", ")}` : "Items still missing: none",
  ];
}

/** What would be sent, with a Send button when the defaults apply. */
async function preview(ctx: CommandContext, f: Filing): Promise<Reply> {
  const from = ctx.core.drill || (ctx.core.mail.smtpUrl && ctx.core.mail.from) ? sender(ctx) : undefined;
  const shownFrom = from ?? { address: "(not set: WARROOM_MAIL_FROM)" };
  const files = await documents(ctx, f, shownFrom);
  const out = composeFiling(f.draft, loadTemplates(), files, shownFrom, f.to);
  const lines = [`📧 E-mail filing of the ${f.kind} report of incident #${f.snap.incident.id} (preview: nothing sent yet)`, ...describe(out, files, f)];
  let problem: string | undefined;
  try {
    await ctx.core.service.assertCanRecord(f.snap.incident.id, { kind: f.kind, channel: EMAIL, incompleteReason: f.incomplete });
  } catch (err) {
    if (!(err instanceof IncidentError)) throw err;
    problem = err.message;
  }
  if (!from) problem = "E-mail filing is not set up: set WARROOM_SMTP_URL and WARROOM_MAIL_FROM.";
  if (problem) lines.push(`⚠️ Cannot be sent yet: ${problem}`);
  if (ctx.core.drill) lines.push("Drill: sending builds this e-mail and records the filing, but nothing leaves warroom.");
  const again = ctx.rest.replace(/^\s*/, "").length ? ` ${ctx.rest.trim()}` : "";
  if (!problem) lines.push(`Send it: /incident email send${again}`);
  const buttons = !problem && !f.customised ? [{ action: "email_send", label: ctx.core.drill ? "Send (drill)" : "Send", style: "primary" as const, value: String(f.snap.incident.id) }] : [];
  return { ephemeral: true, message: { title: `E-mail filing: ${f.kind} report`, text: lines.join("\n"), body: lines.slice(1).join("\n"), buttons, tone: problem ? "warning" : "info" } };
}

/** An e-mail the server accepted whose filing could not be recorded: a retry records it instead of sending again. */
interface SentUnrecorded {
  kind: SubmissionKind;
  messageId: string;
  acceptedAt: DateTime;
  draft: Draft;
  incomplete?: string;
}

/** Per process (a Core) and incident: at most one e-mail filing in flight, and what went out unrecorded. */
const inFlight = new WeakMap<Core, Set<number>>();
const unrecorded = new WeakMap<Core, Map<number, SentUnrecorded>>();

function ledger<T>(map: WeakMap<Core, T>, core: Core, make: () => T): T {
  let value = map.get(core);
  if (!value) map.set(core, (value = make()));
  return value;
}

/** Why a filing could not be recorded, in words: the store's own messages say "nothing was changed", which is not the point here. */
function whyNotRecorded(ctx: CommandContext, err: unknown): string {
  if (err instanceof IncidentError) return err.message;
  if (err instanceof DatabaseBusyError || isBusyError(err)) return "the incident database is locked by another process.";
  if (err instanceof DatabaseUnavailableError) return "the incident database cannot be reached.";
  ctx.core.log.error(`recording the e-mail filing of incident #${incidentOf(ctx).id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return "an unexpected error (logged).";
}

/** Record what the server accepted; if that fails, keep it so that a retry records it and sends nothing. */
async function recordSent(ctx: CommandContext, sent: SentUnrecorded, head: string, details: string[]): Promise<Reply> {
  const incidentId = incidentOf(ctx).id;
  const pending = ledger(unrecorded, ctx.core, () => new Map<number, SentUnrecorded>());
  let recorded: Reply;
  try {
    // Idempotent by Message-ID: recorded already (by /incident submitted meanwhile), it is not recorded twice.
    recorded = await record(ctx, { channel: EMAIL, reference: sent.messageId, kind: sent.kind, at: sent.acceptedAt, incompleteReason: sent.incomplete, draft: sent.draft });
  } catch (err) {
    // A refusal would refuse again: only a database that could not answer is worth a retry.
    const transient = !(err instanceof IncidentError);
    if (transient) pending.set(incidentId, sent);
    else pending.delete(incidentId);
    const submitted = `/incident submitted email ${sent.messageId} --kind ${sent.kind} --at ${sent.acceptedAt.setZone(ctx.core.pack.authority_zone).toISO()}`;
    return errorReply(
      [
        `The e-mail went out (Message-ID ${sent.messageId}) but could not be recorded: ${whyNotRecorded(ctx, err)}`,
        transient ? `Record it with /incident email send (it records this e-mail and sends nothing again), or ${submitted}.` : `Record it with ${submitted} once that is resolved.`,
      ].join(" "),
    );
  }
  pending.delete(incidentId);
  const text = [head, ...details, "", recorded.message?.text ?? ""].join("\n");
  return publicReply({ title: recorded.message?.title ?? "E-mail filing", text, body: text, tone: "success" });
}

/**
 * Send, then record. The filing is recorded only once the server has accepted the message,
 * with the Message-ID as reference and the acceptance as filing time; a refusal or silence
 * records nothing and the countdown keeps running. A send the database then failed to record
 * is kept: the next `email send` records it and sends nothing.
 */
async function send(ctx: CommandContext, f: Filing): Promise<Reply> {
  const incidentId = incidentOf(ctx).id;
  const earlier = unrecorded.get(ctx.core)?.get(incidentId);
  if (earlier) {
    return recordSent(ctx, earlier, `📧 Recording the e-mail the mail server accepted earlier (Message-ID ${earlier.messageId}); nothing was sent again.`, []);
  }
  const busy = ledger(inFlight, ctx.core, () => new Set<number>());
  // A double-click on Send, or a repeated command while the first is still with the server.
  if (busy.has(incidentId)) throw new UsageError(`An e-mail filing of incident #${incidentId} is being sent right now; wait for its answer.`);
  busy.add(incidentId);
  try {
    return await sendOnce(ctx, f, incidentId);
  } finally {
    busy.delete(incidentId);
  }
}

async function sendOnce(ctx: CommandContext, f: Filing, incidentId: number): Promise<Reply> {
  const from = sender(ctx);
  // The same checks as /incident submitted, before anything reaches the authority.
  await ctx.core.service.assertCanRecord(incidentId, { kind: f.kind, channel: EMAIL, incompleteReason: f.incomplete });
  const files = await documents(ctx, f, from);
  const out = composeFiling(f.draft, loadTemplates(), files, from, f.to);
  let sent: Sent;
  try {
    // nodemailer loads on the first filing, not at start-up.
    const mail = await import("../src/mail/send.js");
    sent = ctx.core.drill ? await mail.composeOnly(out) : await mail.sendSmtp(ctx.core.mail, out);
  } catch (err) {
    if (!(err instanceof MailError)) throw err;
    ctx.core.log.error(`e-mail filing of incident #${incidentId} failed: ${err.message}`);
    if (err.outcomeUnknown) {
      return errorReply(
        `${err.message} If it arrived, record it with /incident submitted email ${out.messageId} --kind ${f.kind} --at <when it arrived>; if not, send again. The report clock keeps running until a filing is recorded.`,
      );
    }
    return errorReply(`${err.message} Nothing was recorded and the report clock keeps running. Try again, or file another way and record it with /incident submitted.`);
  }
  const acceptedAt = ctx.core.clock.now();
  const head = ctx.core.drill
    ? `🧪 DRILL: nothing was sent. This e-mail (${sent.size ?? 0} bytes, Message-ID ${sent.messageId}) would have gone out:`
    : `📧 The mail server accepted the report at ${formatBoth(acceptedAt.toUTC().toISO() as string, ctx.core.pack.authority_zone, ctx.core.displayZone)} (Message-ID ${sent.messageId}).`;
  const details = describe(out, files, f);
  if (sent.rejected.length) details.push(`⚠️ Refused by the server: ${sent.rejected.join(", ")}`);
  return recordSent(ctx, { kind: f.kind, messageId: sent.messageId, acceptedAt, draft: f.draft, ...(f.incomplete ? { incomplete: f.incomplete } : {}) }, head, details);
}

export const email: CommandDef = {
  name: "email",
  usage: USAGE,
  summary: "file the report by e-mail: a preview with a Send button; `email send` sends the Word and PDF and records the filing",
  valueFlags: ["kind", "to", "incomplete"],
  needsIncident: true,
  // Filing: the rights of /incident submitted, as the rule pack gives them.
  mutates: true,
  rights: "submitted",
  async run(ctx) {
    const [verb, ...extra] = ctx.args.positional;
    if ((verb !== undefined && verb !== "send") || extra.length) throw new UsageError(`Unknown argument "${echo(extra[0] ?? verb ?? "")}".`, USAGE);
    const f = await plan(ctx);
    return verb === "send" ? await send(ctx, f) : await preview(ctx, f);
  },
};
