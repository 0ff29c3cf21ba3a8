import { z } from "zod";
import { echo } from "../limits.js";

/** At most this many recipients of one filing: a report goes to an office, not a list. */
export const MAX_RECIPIENTS = 10;

const address = z.email({ message: "is not an e-mail address" }).max(254, { message: "is longer than an e-mail address can be" });

/**
 * Anything that could end a header line or smuggle in another one is refused before it gets
 * near a mail header: CR, LF, other control characters, and the Unicode line separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f\u0085\u2028\u2029]/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const shown = (s: string) => JSON.stringify(echo(s, 60));

/** One address, as typed in `--to` or a variable. */
export function parseAddress(text: string): Parsed<string> {
  const trimmed = text.trim();
  if (UNSAFE.test(trimmed)) return { ok: false, reason: `${shown(trimmed.replace(UNSAFE, "?"))} holds a line break or control character` };
  const r = address.safeParse(trimmed);
  return r.success ? { ok: true, value: r.data } : { ok: false, reason: `${shown(trimmed)} ${r.error.issues[0]?.message ?? "is not an e-mail address"}` };
}

/** A comma-separated list of addresses: every one must be valid, and there must be one. */
export function parseAddressList(text: string): Parsed<string[]> {
  if (UNSAFE.test(text)) return { ok: false, reason: "an address list holds a line break or control character" };
  const parts = text.split(/[,;]/).map((s) => s.trim()).filter(Boolean);
  if (!parts.length) return { ok: false, reason: "no address given" };
  if (parts.length > MAX_RECIPIENTS) return { ok: false, reason: `at most ${MAX_RECIPIENTS} recipients` };
  const out: string[] = [];
  for (const p of parts) {
    const r = parseAddress(p);
    if (!r.ok) return r;
    if (!out.includes(r.value)) out.push(r.value);
  }
  return { ok: true, value: out };
}

/** `Warroom <bot@example.com>` or a bare address: the sender of filings. */
export function parseSender(text: string): Parsed<{ name?: string; address: string }> {
  if (UNSAFE.test(text)) return { ok: false, reason: "holds a line break or control character" };
  const m = /^\s*(?:"?([^"<>]*?)"?\s*)?<([^<>]+)>\s*$/.exec(text);
  const r = parseAddress(m ? (m[2] as string) : text);
  if (!r.ok) return r;
  const name = m?.[1]?.trim();
  return { ok: true, value: { ...(name ? { name } : {}), address: r.value } };
}
