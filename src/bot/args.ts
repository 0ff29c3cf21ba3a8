/** Split command text into words, keeping quoted phrases ("Payment DB" or 'Payment DB') whole. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|“([^”]*)”|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? "");
  return out;
}

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, string | true>;
}

/** `--name value`, `--name=value` and bare `--flag`; everything else is positional. */
export function parseArgs(words: string[], valueFlags: readonly string[] = []): ParsedArgs {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(w);
    if (!m) {
      positional.push(w);
      continue;
    }
    const name = m[1] as string;
    if (m[2] !== undefined) flags[name] = m[2];
    else if (valueFlags.includes(name) && i + 1 < words.length) flags[name] = words[++i] as string;
    else flags[name] = true;
  }
  return { positional, flags };
}
