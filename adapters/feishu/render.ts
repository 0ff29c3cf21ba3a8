import { createHash } from "node:crypto";
import type { Button, Field, Message, Tone } from "../../src/bot/message.js";
import { escapeMarkdown, isOpenId, toCardMarkdown, truncate } from "./text.js";

/** A card element (card JSON 2.0); plain objects, serialised into the message content. */
export type Element = Record<string, unknown> & { tag: string };

export interface Card {
  schema: "2.0";
  config: { update_multi: true; summary?: { content: string } };
  header?: { title: { tag: "plain_text"; content: string }; template: string };
  body: { elements: Element[] };
}

/** What a button carries back in card.action.trigger: the core's action and its payload. */
export interface ButtonValue {
  a: string;
  v?: string;
}

// Feishu's documented limits: a card of at most 30 KB of JSON and 200 elements.
const MAX_CARD_BYTES = 28_000;
const MAX_ELEMENTS = 190;
const MAX_MARKDOWN = 6000;
const MAX_FIELD = 2000;
const MAX_TITLE = 100;
const MAX_SUMMARY = 120;
const MAX_BUTTONS = 20;

const TEMPLATE: Record<Tone, string> = { info: "blue", warning: "orange", danger: "red", success: "green" };

/** A short, stable marker for an idempotency key, shown on the card so a retry can find it. */
export function refOf(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

/** Feishu's `uuid` takes at most 50 characters: the key's digest, which is stable across processes. */
export function uuidOf(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 40);
}

export const refLine = (key: string) => `ref ${refOf(key)}`;

const markdown = (content: string): Element => ({ tag: "markdown", content });

function fieldElements(fields: Field[], mentions: readonly string[]): Element[] {
  const text = (f: Field) => truncate(`**${escapeMarkdown(f.label)}**\n${toCardMarkdown(f.value, mentions)}`, MAX_FIELD);
  const out: Element[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as Field;
    const next = fields[i + 1];
    // Short fields side by side, two to a row, as the other platforms lay them out.
    if (f.short && next?.short) {
      out.push({ tag: "column_set", columns: [f, next].map((x) => ({ tag: "column", width: "weighted", weight: 1, elements: [markdown(text(x))] })) });
      i++;
    } else out.push(markdown(text(f)));
  }
  return out;
}

function buttonElements(buttons: Button[]): Element[] {
  return buttons.slice(0, MAX_BUTTONS).map((b) => {
    const value: ButtonValue = { a: b.action, ...(b.value !== undefined ? { v: truncate(b.value, 100) } : {}) };
    return {
      tag: "button",
      text: { tag: "plain_text", content: truncate(b.label, 40) },
      type: b.style ?? "default",
      behaviors: [{ type: "callback", value }],
    };
  });
}

export interface RenderOptions {
  /** The post's idempotency key: a grey reference line the look-up after a crash searches for. */
  ref?: string;
}

/** A neutral Message as an interactive card; `text` is the notification preview. */
export function renderCard(m: Message, o: RenderOptions = {}): Card {
  // Only open_ids ping: a user id typed as `all` must never become <at id=all>, which notifies everyone.
  const mentions = (m.mentions ?? []).filter(isOpenId);
  const elements: Element[] = [];
  // Without a body the text is the content: a card shows no notification fallback.
  const bodyText = m.body ?? (!m.fields?.length ? m.text : undefined);
  const body = bodyText ? toCardMarkdown(bodyText, mentions) : "";
  // A ping must be in the card to notify; when the body does not carry it, it leads.
  const missing = mentions.filter((id) => !body.includes(`<at id=${id}>`));
  if (missing.length) elements.push(markdown(missing.map((id) => `<at id=${id}></at>`).join(" ")));
  if (body) elements.push(markdown(truncate(body, MAX_MARKDOWN)));
  if (m.fields?.length) elements.push(...fieldElements(m.fields, mentions));
  const tail: Element[] = [];
  if (m.buttons?.length) tail.push(...buttonElements(m.buttons));
  if (o.ref) tail.push({ tag: "markdown", content: refLine(o.ref), text_size: "notation" });
  const card: Card = {
    schema: "2.0",
    config: { update_multi: true, summary: { content: truncate(m.title ?? m.text.split("\n")[0] ?? "", MAX_SUMMARY) } },
    ...(m.title ? { header: { title: { tag: "plain_text", content: truncate(m.title, MAX_TITLE) }, template: TEMPLATE[m.tone ?? "info"] } } : {}),
    body: { elements: [...elements.slice(0, MAX_ELEMENTS - tail.length), ...tail] },
  };
  return fitted(card, tail.length);
}

/** Over Feishu's size limit, content goes from the end of the body first; buttons and ref stay. */
function fitted(card: Card, keep: number): Card {
  const shortened = markdown("_(shortened: the full text is in the incident's timeline)_");
  let elements = card.body.elements;
  while (Buffer.byteLength(JSON.stringify({ ...card, body: { elements } })) > MAX_CARD_BYTES && elements.length > keep + 1) {
    const content = elements.slice(0, elements.length - keep);
    const tail = elements.slice(elements.length - keep);
    const last = content[content.length - 1] as Element;
    if (last === shortened) content.splice(content.length - 2, 1);
    else content.splice(content.length - 1, 1, shortened);
    elements = [...content, ...tail];
  }
  return { ...card, body: { elements } };
}
