import type { Attachment, Message } from "../../src/bot/message.js";

const TONE_MARK: Record<string, string> = { danger: "!!", warning: "! ", success: "ok", info: "  " };

/** A message as terminal text: the complete plain text, with attachments listed. */
export function renderText(message: Message, options: { channel?: string; ephemeral?: boolean; save?: (a: Attachment) => string } = {}): string {
  const where = options.channel ? `[#${options.channel}] ` : "";
  const who = options.ephemeral ? "(only you) " : "";
  const mark = message.tone ? `${TONE_MARK[message.tone] ?? "  "} ` : "";
  const lines = [`${mark}${where}${who}${message.text}`];
  if (message.buttons?.length) lines.push(`   buttons: ${message.buttons.map((b) => `[${b.label}] (/incident ${b.action.replace(/_/g, " ")})`).join(" ")}`);
  for (const a of message.attachments ?? []) {
    const size = typeof a.content === "string" ? `${a.content.length} characters` : `${a.content.byteLength} bytes`;
    lines.push(options.save ? `   attachment: ${options.save(a)} (${size})` : `   attachment: ${a.filename} (${size})`);
  }
  return lines.join("\n");
}
