import { UsageError } from "./errors.js";
import { echo } from "../limits.js";

export interface Token {
  text: string;
  /** Typed in quotes: always a word, never an option. */
  quoted: boolean;
}

/** Split command text into words, keeping quoted phrases ("Payment DB" or 'Payment DB') whole. */
export function tokens(text: string): Token[] {
  const out: Token[] = [];
  const re = /"([^"]*)"|'([^']*)'|“([^”]*)”|(\S+)/g;
  for (const m of text.matchAll(re)) out.push({ text: m[1] ?? m[2] ?? m[3] ?? m[4] ?? "", quoted: m[4] === undefined });
  return out;
}

export function tokenize(text: string): string[] {
  return tokens(text).map((t) => t.text);
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

/** The options a command takes; anything else that looks like one is refused. */
export interface FlagSpec {
  /** Options that take a value: `--kind final` or `--kind=final`. */
  value?: readonly string[];
  /** Options that take none: `--private`. */
  boolean?: readonly string[];
  /** The command takes free text: an undeclared `--word` is part of it rather than refused. */
  freeText?: boolean;
}

const OPTION = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/s;

/**
 * `--name value`, `--name=value` and bare `--flag`; everything else is positional. An option
 * the command does not declare, a value on a flag that takes none, and an option given twice
 * are refused (UsageError). A value option with nothing after it is `true`: the command says
 * what it needs. Quoted words are never options.
 */
export function parseArgs(words: readonly (Token | string)[], spec: FlagSpec = {}): ParsedArgs {
  const list = words.map((w) => (typeof w === "string" ? { text: w, quoted: false } : w));
  const valueFlags = spec.value ?? [];
  const booleanFlags = spec.boolean ?? [];
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  const isOption = (t: Token | undefined) => t !== undefined && !t.quoted && OPTION.test(t.text);
  for (let i = 0; i < list.length; i++) {
    const w = list[i] as Token;
    const m = w.quoted ? null : OPTION.exec(w.text);
    if (!m) {
      positional.push(w.text);
      continue;
    }
    const name = m[1] as string;
    const takesValue = valueFlags.includes(name);
    if (!takesValue && !booleanFlags.includes(name)) {
      if (spec.freeText) {
        positional.push(w.text);
        continue;
      }
      throw new UsageError(`Unknown option --${echo(name)}.`);
    }
    if (name in flags) throw new UsageError(`--${name} is given more than once.`);
    if (m[2] !== undefined) {
      if (!takesValue) throw new UsageError(`--${name} takes no value.`);
      flags[name] = m[2];
    } else if (takesValue && i + 1 < list.length && !isOption(list[i + 1])) {
      flags[name] = (list[++i] as Token).text;
    } else {
      flags[name] = true;
    }
  }
  return { positional, flags };
}

/** An incident number as typed: digits only (an optional #), no sign, exponent, point or leading zero. */
export function parseIncidentNumber(text: string): number | undefined {
  const m = /^#?([1-9][0-9]{0,8})$/.exec(text);
  return m ? Number(m[1]) : undefined;
}
