import type { Reply } from "./adapter.js";
import type { Message } from "./message.js";

export function errorReply(text: string, usage?: string): Reply {
  const full = usage ? `${text}\nUsage: ${usage}` : text;
  return { ephemeral: true, message: { text: `⚠️ ${full}`, tone: "danger" } };
}

export function privateReply(text: string): Reply {
  return { ephemeral: true, message: { text } };
}

export function publicReply(message: Message): Reply {
  return { ephemeral: false, message };
}
