import { renderDraft, type Draft, type Lang } from "../report/draft.js";
import type { Templates } from "../report/templates.js";
import { FILE_MIME, renderDocument } from "../report/documents.js";
import type { DocumentContext } from "../report/layout.js";
import { attachmentBytes } from "../bot/message.js";

/** One way to download a draft; the board's links and its download route both read this list. */
export interface DraftDownload {
  format: string;
  label: string;
  mime: string;
  extension: string;
  /** `context`: who reports and the integrity reference, for the filing-ready documents. */
  render(draft: Draft, templates: Templates, lang: Lang, context?: DocumentContext): string | Buffer | Promise<string | Buffer>;
}

/** Every format the project renders; a new renderer is one more entry here. */
export const DRAFT_DOWNLOADS: readonly DraftDownload[] = [
  { format: "md", label: "Markdown", mime: "text/markdown; charset=utf-8", extension: "md", render: (d, t, lang) => renderDraft(d, t, { lang, format: "md" }) },
  { format: "text", label: "Plain text", mime: "text/plain; charset=utf-8", extension: "txt", render: (d, t, lang) => renderDraft(d, t, { lang, format: "text" }) },
  { format: "json", label: "JSON", mime: "application/json; charset=utf-8", extension: "json", render: (d, t) => renderDraft(d, t, { lang: "both", format: "json" }) },
  { format: "docx", label: "Word", mime: FILE_MIME.docx, extension: "docx", render: async (d, t, lang, context) => attachmentBytes(await renderDocument(d, t, { format: "docx", lang, context })) },
  { format: "pdf", label: "PDF", mime: FILE_MIME.pdf, extension: "pdf", render: async (d, t, lang, context) => attachmentBytes(await renderDocument(d, t, { format: "pdf", lang, context })) },
];

export function downloadFor(format: string): DraftDownload | undefined {
  return DRAFT_DOWNLOADS.find((d) => d.format === format);
}
