import { createHash } from "node:crypto";
import { attachmentBytes, attachmentType, type Message, type Tone } from "../../src/bot/message.js";

/**
 * The neutral Message as a Discord message body (API shape, snake_case), within Discord's
 * limits: content 2000, embed description 4096, 25 fields, 5 buttons per row, 5 rows.
 */

export interface RenderedFile {
  name: string;
  data: Buffer;
  contentType: string;
}

export interface DiscordEmbed {
  title?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
}

export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 4;
  label: string;
  custom_id: string;
}

export interface DiscordRow {
  type: 1;
  components: DiscordButton[];
}

export interface RenderedMessage {
  content?: string;
  embeds: DiscordEmbed[];
  components: DiscordRow[];
  allowed_mentions: { parse: []; users: string[] };
  attachments?: { id: number; filename: string; description?: string }[];
  files: RenderedFile[];
}

const COLORS: Record<Tone, number> = { info: 0x3b82f6, warning: 0xf59e0b, danger: 0xdc2626, success: 0x16a34a };

export const ACTION_PREFIX = "warroom";

/**
 * Text as Discord shows it, never as a ping or link: allowed_mentions already stops the
 * notification, but @everyone, role and channel mentions and masked links would still
 * render as such. Warroom writes none of these itself; the user mentions it writes stay.
 */
export function inert(text: string): string {
  return text
    .replace(/@(everyone|here)/g, "@\u200b$1")
    .replace(/<([@]&|#)/g, "<\u200b$1")
    .replace(/\]\(/g, "]\u200b(");
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Discord's nonce is at most 25 characters: a digest keeps it stable for the same key. */
export function nonceFor(key: string): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 25);
}

export function refFooter(key: string): string {
  return `ref ${key}`;
}

export function actionCustomId(action: string, value?: string): string {
  return truncate(`${ACTION_PREFIX}:${action}:${value ?? ""}`, 100);
}

export function buttonRows(buttons: DiscordButton[]): DiscordRow[] {
  const rows: DiscordRow[] = [];
  for (let i = 0; i < buttons.length && rows.length < 5; i += 5) rows.push({ type: 1, components: buttons.slice(i, i + 5) });
  return rows;
}

const EMBED_TOTAL = 6000;

function embedSize(e: DiscordEmbed): number {
  const fields = (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + fields;
}

/** Discord refuses an embed over 6000 characters in all: the prose gives way before the fields. */
function fitEmbed(e: DiscordEmbed): DiscordEmbed {
  let over = embedSize(e) - EMBED_TOTAL;
  if (over <= 0) return e;
  if (e.description) {
    const keep = e.description.length - over - 1;
    if (keep > 0) e.description = truncate(e.description, keep + 1);
    else delete e.description;
    over = embedSize(e) - EMBED_TOTAL;
  }
  while (over > 0 && e.fields?.length) {
    e.fields.pop();
    over = embedSize(e) - EMBED_TOTAL;
  }
  return e;
}

export interface RenderOptions {
  /** Idempotency key, carried in the footer so a retry can find the message. */
  ref?: string;
  /** Short replies read better as plain text than as an embed. */
  preferPlain?: boolean;
}

export function renderMessage(message: Message, options: RenderOptions = {}): RenderedMessage {
  const mentions = [...new Set(message.mentions ?? [])];
  // Embeds never notify: the pings go in the content, and allowed_mentions limits them.
  const pings = mentions.map((id) => `<@${id}>`).join(" ");
  const structured = Boolean(message.title || message.body || message.fields?.length);
  const plain = options.preferPlain && !structured && !options.ref && message.text.length <= 2000;
  const buttons: DiscordButton[] = (message.buttons ?? []).map((b) => ({
    type: 2,
    style: b.style === "primary" ? 1 : b.style === "danger" ? 4 : 2,
    label: truncate(b.label, 80),
    custom_id: actionCustomId(b.action, b.value),
  }));
  const files = (message.attachments ?? []).map((a) => ({ name: a.filename, data: attachmentBytes(a), contentType: attachmentType(a) }));
  const out: RenderedMessage = {
    embeds: [],
    components: buttonRows(buttons),
    allowed_mentions: { parse: [], users: mentions.slice(0, 100) },
    files,
  };
  if (files.length) out.attachments = (message.attachments ?? []).map((a, id) => ({ id, filename: a.filename, ...(a.title ? { description: truncate(a.title, 1024) } : {}) }));
  if (plain) {
    out.content = inert(message.text);
    return out;
  }
  const description = message.body ?? (message.fields?.length ? undefined : message.text);
  const embed: DiscordEmbed = { color: COLORS[message.tone ?? "info"] };
  if (message.title) embed.title = truncate(inert(message.title), 256);
  if (description) embed.description = truncate(inert(description), 4096);
  if (message.fields?.length) {
    embed.fields = message.fields.slice(0, 25).map((f) => ({ name: truncate(inert(f.label || "—"), 256), value: truncate(inert(f.value || "—"), 1024), inline: Boolean(f.short) }));
  }
  if (options.ref) embed.footer = { text: truncate(refFooter(options.ref), 2048) };
  out.embeds = [fitEmbed(embed)];
  if (pings) out.content = truncate(pings, 2000);
  return out;
}
