import { DateTime } from "luxon";
import type { Attachment } from "../bot/message.js";
import type { Draft, Lang } from "./draft.js";
import { formLayout, type DocumentContext } from "./layout.js";
import type { Templates } from "./templates.js";
import type { IncidentSnapshot } from "../incidents/model.js";
import type { IncidentService } from "../incidents/service.js";

export const FILE_FORMATS = ["docx", "pdf"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const FILE_MIME = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  pdf: "application/pdf",
} as const satisfies Record<FileFormat, string>;

export function isFileFormat(value: string): value is FileFormat {
  return (FILE_FORMATS as readonly string[]).includes(value);
}

/** `incident-12-initial.pdf`, `incident-12-initial-zh.docx`: the default file name. */
export function documentName(d: Draft, format: FileFormat, lang: Lang): string {
  return `incident-${d.incident.id}-${d.kind}${lang === "both" ? "" : `-${lang}`}.${format}`;
}

/**
 * A filing-ready document of the draft: the same layout drawn as Word or PDF. The draft is
 * the one model; nothing here re-derives what it says.
 */
export async function renderDocument(d: Draft, t: Templates, options: { format: FileFormat; lang: Lang; context?: DocumentContext }): Promise<Attachment> {
  const sections = formLayout(d, t, options.lang, options.context);
  const title = sections.map((s) => s.title).join(" / ");
  const pageLang = options.lang === "en" ? "en" : "zh";
  // The renderers (docx, pdfkit and its font engine) load on first use: start-up stays fast.
  const content =
    options.format === "docx"
      ? await (await import("./docx.js")).renderDocx(sections, { title })
      : await (await import("./pdf-pool.js")).renderPdfOffThread(sections, { title, pageLang, createdAt: DateTime.fromISO(d.generated_at).toJSDate() });
  return { filename: documentName(d, options.format, options.lang), content, mime: FILE_MIME[options.format], title };
}

/** Who reports (the compliance lead, else the commander) and the audit-trail reference. */
export async function documentContext(service: IncidentService, snap: IncidentSnapshot, contact?: string): Promise<DocumentContext> {
  const reporter = snap.roles.compliance ?? snap.roles.commander;
  const integrity = await service.integrityOf(snap.incident.id);
  return { ...(reporter ? { reporter } : {}), ...(contact ? { contact } : {}), ...(integrity ? { integrity } : {}) };
}
