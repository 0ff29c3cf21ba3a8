import type { Message } from "../../src/bot/message.js";

const TONE_MARK: Record<string, string> = { danger: "!!", warning: "! ", success: "ok", info: "  " };

/** A message as terminal text: the complete plain text, with attachments listed. */
export function renderText(message: Message, options: { channel?: string; ephemeral?: boolean } = {}): string {
  const where = options.channel ? `[#${options.channel}] ` : "";
  const who = options.ephemeral ? "(only you) " : "";
  const mark = message.tone ? `${TONE_MARK[message.tone] ?? "  "} ` : "";
  const lines = [`${mark}${where}${who}${message.text}`];
  if (message.buttons?.length) lines.push(`   buttons: ${message.buttons.map((b) => `[${b.label}] (/incident ${b.action.replace(/_/g, " ")})`).join(" ")}`);
  for (const a of message.attachments ?? []) lines.push(`   attachment: ${a.filename} (${a.content.length} characters)`);
  return lines.join("\n");
}
