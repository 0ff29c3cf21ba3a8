import type { Attachment } from "../bot/message.js";
import { attachmentBytes, attachmentType } from "../bot/message.js";
import { renderDraft, type Draft } from "../report/draft.js";
import { fill, label, type Templates } from "../report/templates.js";
import type { Outgoing } from "./types.js";

/** Subjects are one line: a title typed long or stored oddly never becomes a second header. */
const SUBJECT_LIMIT = 200;

export function filingSubject(d: Draft, t: Templates): string {
  const zh = fill(label(t, "mail_subject"), { title: t.titles[d.kind], incident: `#${d.incident.id} ${d.incident.title}` }).zh;
  const subject = `${zh} | ${t.titles[d.kind].en}`.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim();
  return subject.length > SUBJECT_LIMIT ? `${subject.slice(0, SUBJECT_LIMIT - 1)}…` : subject;
}

/** The filing e-mail: the draft as text (Chinese first), the Word and PDF documents attached. */
export function composeFiling(d: Draft, t: Templates, files: Attachment[], from: Outgoing["from"], to: string[]): Outgoing {
  const intro = label(t, "mail_intro");
  return {
    from,
    to,
    subject: filingSubject(d, t),
    text: `${intro.zh}\n${intro.en}\n\n${renderDraft(d, t, { lang: "both", format: "text" })}\n`,
    attachments: files.map((f) => ({ filename: f.filename, content: attachmentBytes(f), contentType: attachmentType(f) })),
  };
}
