/**
 * The platform-neutral message model. Commands and the countdown build these;
 * each adapter renders them (Block Kit, Discord embeds + components, plain text).
 */

export type Tone = "info" | "warning" | "danger" | "success";

export interface Field {
  label: string;
  value: string;
  /** Adapters may lay short fields out side by side. */
  short?: boolean;
}

export interface Button {
  /** Routed back to the core as an action, e.g. "facts", "report_edit". */
  action: string;
  label: string;
  style?: "primary" | "danger";
  /** Opaque payload given back with the action (the incident id). */
  value?: string;
}

/**
 * A file that goes with a message. Adapters deliver it as the platform's own file: Slack
 * uploads it into the channel (files.getUploadURLExternal + files.completeUploadExternal),
 * Discord sends it as a message attachment, the shell writes it to its files folder and prints
 * the path. Text travels as a string (UTF-8), documents as bytes; an adapter that cannot
 * attach files lists them by name instead. A platform adapter needs nothing else to support
 * the Word and PDF reports.
 */
export interface Attachment {
  filename: string;
  content: string | Uint8Array;
  mime: AttachmentMime;
  title?: string;
}

export type AttachmentMime =
  | "text/markdown"
  | "text/plain"
  | "application/json"
  | "application/pdf"
  | "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** The attachment's bytes, whatever form it travels in. */
export function attachmentBytes(a: Attachment): Buffer {
  return typeof a.content === "string" ? Buffer.from(a.content, "utf8") : Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength);
}

/** Text files say their charset: chat clients otherwise guess, and Chinese comes out garbled. */
export function attachmentType(a: Attachment): string {
  return a.mime.startsWith("text/") || a.mime === "application/json" ? `${a.mime}; charset=utf-8` : a.mime;
}

export interface Message {
  /** Complete plain-text rendering: the shell prints it, chat platforms use it as the notification fallback. */
  text: string;
  title?: string;
  /** Light Markdown (paragraphs, `- ` lists, `code`); adapters translate as their platform needs. */
  body?: string;
  fields?: Field[];
  buttons?: Button[];
  /** Platform user ids to notify; adapters must ping these and nobody else. */
  mentions?: string[];
  attachments?: Attachment[];
  tone?: Tone;
}

export interface PostedMessage {
  id: string;
}
