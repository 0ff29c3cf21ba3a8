/**
 * The limits real Discord enforces on what the adapter sends, so the fake answers 400 where
 * Discord would: a payload that passes here has a shape Discord accepts.
 */
import { arr, invalid, isObject, str, type JsonObject } from "./discord-json.js";

const OPTION_NAME = /^[-_\p{L}\p{N}]{1,32}$/u;

/** Discord's limits for messages (content, embeds, components, mentions). */
export function checkMessage(body: JsonObject): void {
  const content = str(body.content) ?? "";
  if (content.length > 2000) throw invalid("content longer than 2000");
  const embeds = arr(body.embeds).filter(isObject);
  if (embeds.length > 10) throw invalid("more than 10 embeds");
  for (const e of embeds) {
    if ((str(e.title) ?? "").length > 256) throw invalid("embed title longer than 256");
    if ((str(e.description) ?? "").length > 4096) throw invalid("embed description longer than 4096");
    const fields = arr(e.fields).filter(isObject);
    if (fields.length > 25) throw invalid("more than 25 embed fields");
    for (const f of fields) {
      if (!str(f.name) || (str(f.name) ?? "").length > 256) throw invalid("embed field name empty or longer than 256");
      if (!str(f.value) || (str(f.value) ?? "").length > 1024) throw invalid("embed field value empty or longer than 1024");
    }
    if (isObject(e.footer) && (str(e.footer.text) ?? "").length > 2048) throw invalid("footer longer than 2048");
    const total =
      (str(e.title) ?? "").length +
      (str(e.description) ?? "").length +
      (isObject(e.footer) ? (str(e.footer.text) ?? "").length : 0) +
      fields.reduce((n, f) => n + (str(f.name) ?? "").length + (str(f.value) ?? "").length, 0);
    if (total > 6000) throw invalid("embed larger than 6000 characters in all");
  }
  const rows = arr(body.components).filter(isObject);
  if (rows.length > 5) throw invalid("more than 5 action rows");
  for (const row of rows) {
    const items = arr(row.components).filter(isObject);
    if (row.type !== 1 || items.length < 1 || items.length > 5) throw invalid("an action row holds 1-5 components");
    for (const b of items) {
      if ((str(b.label) ?? "").length > 80) throw invalid("button label longer than 80");
      const id = str(b.custom_id) ?? "";
      if (b.style !== 5 && (id.length < 1 || id.length > 100)) throw invalid("custom_id must be 1-100 chars");
    }
  }
  if (isObject(body.allowed_mentions) && arr(body.allowed_mentions.users).length > 100) throw invalid("allowed_mentions.users over 100");
}

export function checkCallback(body: JsonObject): void {
  const data = isObject(body.data) ? body.data : {};
  if (body.type === 9) {
    if (!str(data.title) || (str(data.title) ?? "").length > 45) throw invalid("modal title must be 1-45 chars");
    const id = str(data.custom_id) ?? "";
    if (id.length < 1 || id.length > 100) throw invalid("modal custom_id must be 1-100 chars");
    const rows = arr(data.components).filter(isObject);
    if (rows.length < 1 || rows.length > 5) throw invalid("a modal holds 1-5 rows");
    for (const row of rows) {
      for (const input of arr(row.components).filter(isObject)) {
        if (input.type !== 4) throw invalid("modal rows hold text inputs");
        const label = str(input.label) ?? "";
        if (label.length < 1 || label.length > 45) throw invalid(`text input label "${label}" must be 1-45 chars`);
        if ((str(input.placeholder) ?? "").length > 100) throw invalid("placeholder longer than 100");
        const max = typeof input.max_length === "number" ? input.max_length : 4000;
        if ((str(input.value) ?? "").length > max) throw invalid("prefilled value longer than max_length");
      }
    }
    return;
  }
  if (body.type === 4 || body.type === 7) checkMessage(data);
}

/** Discord's limits for application commands. */
export function checkCommands(list: JsonObject[]): void {
  const checkOptions = (options: JsonObject[], where: string): void => {
    if (options.length > 25) throw invalid(`${where}: more than 25 options`);
    const names = new Set<string>();
    let optionalSeen = false;
    for (const o of options) {
      const name = str(o.name) ?? "";
      if (!OPTION_NAME.test(name) || name !== name.toLowerCase()) throw invalid(`${where}: option name "${name}" invalid`);
      if (names.has(name)) throw invalid(`${where}: duplicate option "${name}"`);
      names.add(name);
      const desc = str(o.description) ?? "";
      if (desc.length < 1 || desc.length > 100) throw invalid(`${where}.${name}: description must be 1-100 chars`);
      const choices = arr(o.choices).filter(isObject);
      if (choices.length > 25) throw invalid(`${where}.${name}: more than 25 choices`);
      for (const c of choices) if ((str(c.name) ?? "").length < 1 || (str(c.name) ?? "").length > 100) throw invalid(`${where}.${name}: choice name must be 1-100 chars`);
      if (o.type === 1 || o.type === 2) checkOptions(arr(o.options).filter(isObject), `${where}.${name}`);
      else if (o.required === true && optionalSeen) throw invalid(`${where}: required option "${name}" after an optional one`);
      else if (o.required !== true) optionalSeen = true;
    }
  };
  for (const c of list) {
    const name = str(c.name) ?? "";
    if (!OPTION_NAME.test(name)) throw invalid(`command name "${name}" invalid`);
    if ((str(c.description) ?? "").length > 100) throw invalid(`command ${name}: description longer than 100`);
    checkOptions(arr(c.options).filter(isObject), name);
  }
}
