import type { CommandDef, CommandContext, FormHandler } from "../src/bot/router.js";
import type { Reply } from "../src/bot/adapter.js";
import type { Attachment } from "../src/bot/message.js";
import { UsageError } from "../src/bot/errors.js";
import { privateReply } from "../src/bot/replies.js";
import { loadTemplates } from "../src/report/templates.js";
import { renderDraft, type Draft } from "../src/report/draft.js";
import type { ReportName, SubmissionKind } from "../src/incidents/model.js";
import { documentContext, isFileFormat, renderDocument, type FileFormat } from "../src/report/documents.js";
import { FORM_IDS, itemsForm, parseItemsForm } from "./forms.js";
import { draftFor, incidentOf, parseKind, snapshotOf } from "./shared.js";
import { echo, TEXT_LIMITS, tooLong } from "../src/limits.js";

const REPORT_USAGE = "/incident report [--kind initial|supplementary|update|final] [--lang zh|en|both] [--format md|docx|pdf]   ·   /incident report edit [<item number> <text>]";
const FINAL_USAGE = "/incident final [--lang zh|en|both] [--format md|docx|pdf]   ·   /incident final edit [<item number> <text>]";

/** The draft as a message (Markdown) plus files: Markdown and plain text, both languages. */
export function draftReply(draft: Draft, lang: "zh" | "en" | "both"): Reply {
  const t = loadTemplates();
  const base = `incident-${draft.incident.id}-${draft.kind}`;
  const attachments: Attachment[] = [
    { filename: `${base}.md`, content: renderDraft(draft, t, { lang: "both", format: "md" }), mime: "text/markdown", title: "Draft (Markdown, 中文 + English)" },
    { filename: `${base}.txt`, content: renderDraft(draft, t, { lang: "both", format: "text" }), mime: "text/plain", title: "Draft (plain text, 中文 + English)" },
  ];
  const missing = draft.missing_items.length
    ? `Missing: items ${draft.items.filter((i) => i.missing).map((i) => i.number).join(", ")}.`
    : "Every item is written: ready to submit.";
  const text = `${renderDraft(draft, t, { lang, format: "md" })}\n\n${missing}`;
  return { ephemeral: false, message: { title: t.titles[draft.kind].en, text, body: missing, attachments, tone: draft.missing_items.length ? "warning" : "success" } };
}

export function langOf(flag: string | true | undefined): "zh" | "en" | "both" {
  if (flag === undefined) return "both";
  if (flag === "zh" || flag === "en" || flag === "both") return flag;
  throw new UsageError("--lang takes zh, en or both");
}

/** `md` (the default) answers with the Markdown and text files; `docx` and `pdf` attach that document. */
function formatOf(flag: string | true | undefined): "md" | FileFormat {
  if (flag === undefined || flag === "md") return "md";
  if (typeof flag === "string" && isFileFormat(flag)) return flag;
  throw new UsageError("--format takes md, docx or pdf");
}

/** The draft reply, with the Word or PDF document instead of the text files when asked. */
async function answer(ctx: CommandContext, kind: SubmissionKind | undefined): Promise<Reply> {
  const lang = langOf(ctx.args.flags.lang);
  const format = formatOf(ctx.args.flags.format);
  const snap = await snapshotOf(ctx);
  const draft = draftFor(ctx.core, snap, kind);
  const reply = draftReply(draft, lang);
  if (format === "md" || !reply.message) return reply;
  const file = await renderDocument(draft, loadTemplates(), { format, lang, context: await documentContext(ctx.core.service, snap) });
  return { ...reply, message: { ...reply.message, attachments: [file] } };
}

/** `edit` alone opens the form; `edit 3 <text>` sets item 3 directly (text channels, scripts). */
async function editItems(ctx: CommandContext, report: ReportName, usage: string): Promise<Reply> {
  const incident = incidentOf(ctx);
  const pack = ctx.core.pack;
  const defs = report === "incident" ? pack.report_items : pack.post_incident_items;
  const [, numberWord, ...textWords] = ctx.words;
  if (numberWord === undefined) {
    const snap = await snapshotOf(ctx);
    return {
      ephemeral: true,
      form: { form: itemsForm(pack, report, snap.facts.ransomware === true), values: { ...(report === "incident" ? snap.items : snap.postItems) }, context: { incidentId: incident.id, channelId: ctx.channelId } },
    };
  }
  // An item by number or id, or one of its details by id (ransom_amount).
  const fields = defs.flatMap((d) => [{ id: d.id, number: d.number, en: d.en, byNumber: true }, ...(d.ransomware_details ?? []).map((x) => ({ id: x.id, number: d.number, en: x.en, byNumber: false }))]);
  const def = fields.find((d) => (d.byNumber && String(d.number) === numberWord) || d.id === numberWord);
  if (!def) throw new UsageError(`There is no item "${echo(numberWord)}": items are numbered 1 to ${defs.length}.`, usage);
  const text = ctx.rest.replace(/^\s*edit\s+\S+\s*/, "");
  if (!textWords.length || !text.trim()) throw new UsageError(`Give the text of item ${def.number}.`, usage);
  const over = tooLong(`Item ${def.number}`, text.trim(), TEXT_LIMITS.reportItem);
  if (over) throw new UsageError(over, usage);
  const { changed } = await ctx.core.service.setReportItems(incident.id, report, { [def.id]: text }, ctx.actor.id);
  return privateReply(changed.length ? `Item ${def.number} saved (${def.en}).` : `Item ${def.number} unchanged.`);
}

export const report: CommandDef = {
  name: "report",
  usage: REPORT_USAGE,
  summary: "show the ready-to-submit draft; `report edit` fills the eight items of Article 7",
  valueFlags: ["kind", "lang", "format"],
  // `report edit <n> <text>`: the item's text may hold --words of its own.
  freeText: true,
  needsIncident: true,
  // Drafts hold what the incident channel knows: only its members read or edit them.
  mutates: true,
  async run(ctx) {
    if (ctx.words[0] === "edit") return await editItems(ctx, "incident", REPORT_USAGE);
    if (ctx.args.positional.length) throw new UsageError(`Unknown argument "${echo(ctx.args.positional[0] ?? "")}".`, REPORT_USAGE);
    const kind = ctx.args.flags.kind === undefined ? undefined : parseKind(ctx.args.flags.kind, "initial");
    return await answer(ctx, kind);
  },
};

export const final: CommandDef = {
  name: "final",
  usage: FINAL_USAGE,
  summary: "draft the 30-day post-incident report; `final edit` fills its items",
  valueFlags: ["lang", "format"],
  freeText: true,
  needsIncident: true,
  // Drafts hold what the incident channel knows: only its members read or edit them.
  mutates: true,
  async run(ctx) {
    if (ctx.words[0] === "edit") return await editItems(ctx, "post_incident", FINAL_USAGE);
    if (ctx.args.positional.length) throw new UsageError(`Unknown argument "${echo(ctx.args.positional[0] ?? "")}".`, FINAL_USAGE);
    return await answer(ctx, "final");
  },
};

function itemsHandler(id: string, report: ReportName): FormHandler {
  return {
    id,
    command: "report",
    async submit(ctx, values) {
      const parsed = parseItemsForm(ctx.core.pack, report, values);
      if (!parsed.ok) return parsed;
      const { changed, snapshot } = await ctx.core.service.setReportItems(incidentOf(ctx).id, report, parsed.value, ctx.actor.id);
      const missing = report === "incident" ? snapshot.missingItems.length : ctx.core.pack.post_incident_items.filter((d) => !snapshot.postItems[d.id]).length;
      return { ok: true, reply: privateReply(`${changed.length} item(s) saved; ${missing} still missing.`) };
    },
  };
}

export const reportItemsFormHandler = itemsHandler(FORM_IDS.report, "incident");
export const finalItemsFormHandler = itemsHandler(FORM_IDS.final, "post_incident");
