import { escapeEntities, truncate } from "../shared/text.js";

export { escapeEntities, truncate } from "../shared/text.js";

const USER_MENTION = /&lt;@([UW][A-Z0-9]+)(?:\|[^&<>]*)?&gt;/g;

/**
 * Escape text for Slack mrkdwn/plain text so that nothing in it pings or links by accident:
 * `<!channel>`, `<!here>`, `<!subteam^…>` written into a title become inert text. User
 * mentions (`<@U…>`) are the one control sequence the core writes on purpose; they survive.
 */
export function escapeSlack(text: string): string {
  return escapeEntities(text).replace(USER_MENTION, "<@$1>");
}


/** Escaped text within `max` characters, cut between characters, never inside an escape. */
export function escapedWithin(text: string, max: number): string {
  let out = "";
  let used = 0;
  for (const ch of text) {
    const piece = escapeEntities(ch);
    if (used + piece.length > max) break;
    out += piece;
    used += piece.length;
  }
  return out;
}

/** The core's light Markdown (`**bold**`, `- ` lists, `code`) as Slack mrkdwn. */
export function toMrkdwn(markdown: string): string {
  return escapeSlack(markdown)
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/^(\s*)[-*] /gm, "$1• ")
    .replace(/^#{1,6}\s+(.+)$/gm, "*$1*");
}

/** Split long text on line breaks into chunks Slack accepts in one text object. */
export function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    const candidate = current ? `${current}\n${line}` : line;
    if ([...candidate].length <= max) {
      current = candidate;
      continue;
    }
    if (current) out.push(current);
    current = [...line].length > max ? truncate(line, max) : line;
  }
  if (current) out.push(current);
  return out;
}
