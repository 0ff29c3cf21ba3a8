import { randomUUID } from "node:crypto";
import type { Attachment } from "../bot/message.js";
import { attachmentBytes, attachmentType } from "../bot/message.js";
import { renderDraft, type Draft } from "../report/draft.js";
import { fill, label, type Templates } from "../report/templates.js";
import type { Outgoing } from "./types.js";
import { singleLine } from "../bot/sanitize.js";
import { echo } from "../limits.js";

/** Subjects are one line: a title typed long or stored oddly never becomes a second header. */
const SUBJECT_LIMIT = 200;

export function filingSubject(d: Draft, t: Templates): string {
  const zh = fill(label(t, "mail_subject"), { title: t.titles[d.kind], incident: `#${d.incident.id} ${d.incident.title}` }).zh;
  // The project's one-line cleaning and its cut by characters (never half a Chinese character).
  return echo(singleLine(`${zh} | ${t.titles[d.kind].en}`).replace(/\s+/g, " ").trim(), SUBJECT_LIMIT);
}

/** The filing e-mail: the draft as text (Chinese first), the Word and PDF documents attached. */
export function composeFiling(d: Draft, t: Templates, files: Attachment[], from: Outgoing["from"], to: string[]): Outgoing {
  const intro = label(t, "mail_intro");
  return {
    messageId: `<${randomUUID()}.incident-${d.incident.id}@${from.address.split("@").pop() ?? "warroom.invalid"}>`,
    from,
    to,
    subject: filingSubject(d, t),
    text: `${intro.zh}\n${intro.en}\n\n${renderDraft(d, t, { lang: "both", format: "text" })}\n`,
    attachments: files.map((f) => ({ filename: f.filename, content: attachmentBytes(f), contentType: attachmentType(f) })),
  };
}
