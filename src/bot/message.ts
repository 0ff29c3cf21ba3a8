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

export interface Attachment {
  filename: string;
  content: string;
  mime: "text/markdown" | "text/plain" | "application/json";
  title?: string;
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
