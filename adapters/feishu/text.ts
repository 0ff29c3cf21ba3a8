import { escapeEntities } from "../shared/text.js";

export { truncate } from "../shared/text.js";

const OPEN_ID = /^ou_[A-Za-z0-9_-]{1,64}$/;

export function isOpenId(id: string): boolean {
  return OPEN_ID.test(id);
}

/**
 * Text for a card's markdown: `<at id=all></at>`, `<a href>`, `<font>` and the other tags
 * Feishu's markdown understands become inert when written into a title or a note, because
 * no `<` or `>` survives. Markdown emphasis stays (it cannot notify anyone).
 */
export const escapeMarkdown = escapeEntities;

const CORE_MENTION = /&lt;@([A-Za-z0-9_-]{1,64})(?:\|[^&<>]*)?&gt;/g;

/**
 * The core writes `<@id>` for people. A person it means to notify (in `mentions`) becomes an
 * `<at>` tag, which pings; anyone else is shown by name with `<person>`, which does not.
 */
export function toCardMarkdown(text: string, mentions: readonly string[]): string {
  return escapeMarkdown(text)
    .replace(CORE_MENTION, (whole, id: string) => {
      if (!isOpenId(id)) return whole;
      return mentions.includes(id) ? `<at id=${id}></at>` : `<person id='${id}' show_name=true show_avatar=false style='normal'></person>`;
    })
    .replace(/^(\s*)[-*] /gm, "$1• ");
}

export interface MentionRef {
  key: string;
  id: { open_id?: string };
}

/**
 * A text message as the command line the router takes, or undefined when it is not a
 * command. `/incident …` anywhere; after a mention of the bot also `incident …`. Other
 * people mentioned in the text (`@_user_2`) become `<@ou_…>`, as typed mentions are elsewhere.
 */
export function commandText(raw: string, mentions: readonly MentionRef[], botOpenId: string): string | undefined {
  let text = raw.trim();
  let addressed = false;
  for (;;) {
    const lead = mentions.find((m) => text.startsWith(m.key) && m.id.open_id === botOpenId);
    if (!lead) break;
    addressed = true;
    text = text.slice(lead.key.length).trim();
  }
  const m = /^(\/incident|incident)(?=\s|$)/i.exec(text);
  if (!m || (!addressed && m[1] !== "/incident")) return undefined;
  let rest = text.slice(m[0].length);
  for (const ref of [...mentions].sort((a, b) => b.key.length - a.key.length)) {
    const id = ref.id.open_id;
    if (!id || !ref.key.startsWith("@_")) continue;
    rest = rest.split(ref.key).join(id === botOpenId ? "" : `<@${id}>`);
  }
  return rest.trim();
}
