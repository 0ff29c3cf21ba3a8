import type { Button, Field, Message } from "../../src/bot/message.js";
import { chunks, escapeSlack, toMrkdwn, truncate } from "./text.js";

/** The subset of Block Kit warroom sends; plain objects, serialised by the WebClient. */
export type Block = Record<string, unknown> & { type: string };

export interface RenderedMessage {
  /** Notification and accessibility fallback; Slack shows the blocks. */
  text: string;
  blocks: Block[];
}

// Slack's documented limits.
const MAX_BLOCKS = 50;
const MAX_TEXT = 40_000;
const MAX_SECTION_TEXT = 3000;
const MAX_FIELD_TEXT = 2000;
const MAX_FIELDS_PER_SECTION = 10;
const MAX_HEADER = 150;
const MAX_BUTTONS = 25;
const MAX_BUTTON_TEXT = 75;
const MAX_BUTTON_VALUE = 2000;
const MAX_ACTION_ID = 255;

/** Card buttons live in this block; the button listener matches on it. */
export const ACTIONS_BLOCK_ID = "warroom_actions";

function fieldText(f: Field, max: number): string {
  return truncate(`*${escapeSlack(f.label)}*\n${escapeSlack(f.value)}`, max);
}

function fieldBlocks(fields: Field[]): Block[] {
  const blocks: Block[] = [];
  let shortRun: Field[] = [];
  const flush = () => {
    for (let i = 0; i < shortRun.length; i += MAX_FIELDS_PER_SECTION) {
      const group = shortRun.slice(i, i + MAX_FIELDS_PER_SECTION);
      blocks.push({ type: "section", fields: group.map((f) => ({ type: "mrkdwn", text: fieldText(f, MAX_FIELD_TEXT) })) });
    }
    shortRun = [];
  };
  for (const f of fields) {
    if (f.short) {
      shortRun.push(f);
      continue;
    }
    flush();
    blocks.push({ type: "section", text: { type: "mrkdwn", text: fieldText(f, MAX_SECTION_TEXT) } });
  }
  flush();
  return blocks;
}

/**
 * Slack needs action_id unique within a message; two buttons for the same action get a
 * `#n` suffix that `actionName` strips again.
 */
function buttonBlock(buttons: Button[]): Block {
  const seen = new Map<string, number>();
  const elements = buttons.slice(0, MAX_BUTTONS).map((b) => {
    const n = seen.get(b.action) ?? 0;
    seen.set(b.action, n + 1);
    const actionId = truncate(n ? `${b.action}#${n}` : b.action, MAX_ACTION_ID);
    return {
      type: "button",
      action_id: actionId,
      text: { type: "plain_text", text: truncate(b.label, MAX_BUTTON_TEXT), emoji: true },
      ...(b.value !== undefined ? { value: truncate(b.value, MAX_BUTTON_VALUE) } : {}),
      ...(b.style ? { style: b.style } : {}),
    };
  });
  return { type: "actions", block_id: ACTIONS_BLOCK_ID, elements };
}

export function actionName(actionId: string): string {
  return actionId.replace(/#\d+$/, "");
}

function mentionsIn(blocks: Block[]): string {
  return JSON.stringify(blocks);
}

/** A neutral Message as Block Kit: header, mentions, body, fields, buttons; `text` is the fallback. */
export function renderMessage(m: Message): RenderedMessage {
  const blocks: Block[] = [];
  if (m.title) {
    blocks.push({ type: "header", text: { type: "plain_text", text: truncate(m.title, MAX_HEADER), emoji: true } });
  }
  const content: Block[] = [];
  if (m.body) {
    for (const part of chunks(toMrkdwn(m.body), MAX_SECTION_TEXT)) content.push({ type: "section", text: { type: "mrkdwn", text: part } });
  } else if (!m.title && !m.fields?.length) {
    for (const part of chunks(toMrkdwn(m.text), MAX_SECTION_TEXT)) content.push({ type: "section", text: { type: "mrkdwn", text: part } });
  }
  if (m.fields?.length) content.push(...fieldBlocks(m.fields));
  // A ping must be in the blocks to notify; when the body does not carry it, it leads the message.
  const missing = (m.mentions ?? []).filter((id) => !mentionsIn(content).includes(`<@${id}>`));
  if (missing.length) blocks.push({ type: "section", text: { type: "mrkdwn", text: missing.map((id) => `<@${id}>`).join(" ") } });
  blocks.push(...content);
  const actions = m.buttons?.length ? buttonBlock(m.buttons) : undefined;
  const room = MAX_BLOCKS - (actions ? 1 : 0);
  if (blocks.length > room) {
    blocks.length = room - 1;
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: "(shortened: the full text is in the notification)" }] });
  }
  if (actions) blocks.push(actions);
  return { text: truncate(escapeSlack(m.text), MAX_TEXT), blocks };
}
