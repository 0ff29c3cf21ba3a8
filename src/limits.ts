/**
 * How much text warroom takes from a user, in characters, defined once. Commands, forms and
 * the router check against these; anything longer is refused with a one-line reason, never
 * stored or echoed whole. (Platforms cut further where their own limits are lower: a Slack
 * modal input holds 3000 characters, a Discord one 4000.)
 */
export const TEXT_LIMITS = {
  title: 200,
  description: 2_000,
  reportItem: 10_000,
  development: 4_000,
  reference: 200,
  note: 1_000,
  reason: 1_000,
  /** A user named in a command (an id or a handle). */
  user: 100,
  /** A display name as the platform gives it. */
  displayName: 80,
} as const;

/** A whole command line: the longest field plus room for the subcommand and its flags. */
export const COMMAND_TEXT_LIMIT = TEXT_LIMITS.reportItem + 2_000;

/** One form field's value, before the form's own field limits. */
export const FORM_VALUE_LIMIT = TEXT_LIMITS.reportItem;

/** A value quoted back in an error message. */
export const ECHO_LIMIT = 100;

/** A whole error message (several echoed values and the reasons). */
export const ERROR_LIMIT = 1_000;

/** Characters as people count them (code points), counting no further than `stop`. */
export function charCount(text: string, stop = Infinity): number {
  let n = 0;
  for (const _ of text) if (++n > stop) break;
  return n;
}

/** A value as an error message quotes it: at most `max` characters, cut with an ellipsis. */
export function echo(value: string, max: number = ECHO_LIMIT): string {
  if (value.length <= max) return value;
  const chars = [...value.slice(0, 2 * max + 2)];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("")}…`;
}

/** Why `text` is too long for this field, or undefined when it fits. */
export function tooLong(what: string, text: string, limit: number): string | undefined {
  if (text.length <= limit || charCount(text, limit) <= limit) return undefined;
  return `${what} is too long: at most ${limit.toLocaleString("en-US")} characters.`;
}

/**
 * The last guard on what an error message echoes: every quoted value and every unbroken run
 * longer than ECHO_LIMIT is cut, then the whole message to ERROR_LIMIT.
 */
const LONG_ECHO = new RegExp(`"([^"\\n]{${ECHO_LIMIT + 1},})"|\\S{${ECHO_LIMIT + 1},}`, "g");

export function clipEchoes(message: string): string {
  const clipped = message.replace(LONG_ECHO, (run, quoted: string | undefined) => (quoted === undefined ? echo(run) : `"${echo(quoted)}"`));
  return echo(clipped, ERROR_LIMIT);
}
