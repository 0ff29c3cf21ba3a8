import { DateTime } from "luxon";
import { echo } from "../limits.js";

/**
 * What a typed value may be before the facts schema or a command takes it: times with a
 * date and a time, a real offset and a plausible year; numbers in plain digits or grouped
 * by thousands.
 */

/** Earliest instant warroom takes (awareness, filing), on the authority's clock. */
export const EARLIEST_DATE = "2000-01-01";

/** UTC offsets in use run from -12:00 to +14:00. */
export const MAX_OFFSET_MINUTES = 14 * 60;

const EXAMPLE = "(e.g. 2026-03-02T09:00+08:00)";
/** Calendar date, hours and minutes (seconds and fraction optional), offset optional. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?$/i;
const DATE_ONLY_OR_PARTIAL = /^\d{4}-\d{2}-\d{2}(T\d{1,2})?$/i;

export type InstantReading = { ok: true; value: DateTime } | { ok: false; reason: string };

/**
 * Read an ISO-8601 date and time. Without an offset it is on the authority's clock (China
 * Standard Time): responders in China type local times. `2026-03-02 09:00` is taken too.
 */
export function readInstant(text: string, authorityZone: string): InstantReading {
  const shown = `"${echo(text.trim())}"`;
  const normalised = text.trim().replace(/^(\d{4}-\d{2}-\d{2})\s+(\d)/, "$1T$2");
  const m = DATE_TIME.exec(normalised);
  if (!m) {
    if (DATE_ONLY_OR_PARTIAL.test(normalised)) return { ok: false, reason: `${shown} needs a date and a time ${EXAMPLE}` };
    return { ok: false, reason: `${shown} is not an ISO-8601 date and time ${EXAMPLE}` };
  }
  if (m[2] !== undefined && Number(m[2]) * 60 + Number(m[3] ?? 0) > MAX_OFFSET_MINUTES) {
    return { ok: false, reason: `${shown}: the offset must be within ±14:00` };
  }
  const dt = DateTime.fromISO(normalised, m[1] ? { setZone: true } : { zone: authorityZone });
  if (!dt.isValid) return { ok: false, reason: `${shown} is not an ISO-8601 date and time ${EXAMPLE}` };
  if (dt < DateTime.fromISO(EARLIEST_DATE, { zone: authorityZone })) return { ok: false, reason: `${shown} is before ${EARLIEST_DATE}` };
  return { ok: true, value: dt };
}

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** 1,200,000 · 1_200_000 · 1 200 000: one separator, groups of three. */
const GROUPED_NUMBER = /^[+-]?\d{1,3}([,_ ])\d{3}(?:\1\d{3})*(\.\d+)?$/;

/** A typed number, or undefined when it is not one (0x10, 1_2, 5M, NaN, an empty text). */
export function readNumber(text: string): number | undefined {
  const t = text.trim();
  if (PLAIN_NUMBER.test(t)) return Number(t);
  if (GROUPED_NUMBER.test(t)) return Number(t.replace(/[,_ ]/g, ""));
  return undefined;
}
