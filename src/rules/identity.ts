import { createHash } from "node:crypto";
import type { RulePack } from "./pack.js";

/** Which rules judged something: the pack's name and version, and the hash of its exact content. */
export interface RulesIdentity {
  id: string;
  version: string;
  sha256: string;
}

/**
 * JSON with object keys sorted at every depth: the same pack always gives the same text,
 * whatever order its files or an override wrote the keys in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

const recorded = new WeakMap<RulePack, { identity: RulesIdentity; content: string }>();

/**
 * The pack as it is stored (canonical JSON of the parsed pack, defaults filled in) and its
 * identity. The hash is of that exact text, so a stored copy proves itself: hashing what the
 * database holds must give the key it is held under.
 */
export function packRecord(pack: RulePack): { identity: RulesIdentity; content: string } {
  let r = recorded.get(pack);
  if (!r) {
    const content = canonicalJson(pack);
    r = { identity: { id: pack.id, version: pack.version, sha256: sha256Hex(content) }, content };
    recorded.set(pack, r);
  }
  return r;
}

/**
 * A pack read back from the database keeps the identity it was recorded under, even where a
 * later release's schema fills in defaults the recorded text did not have.
 */
export function rememberRecord(pack: RulePack, sha256: string, content: string): void {
  recorded.set(pack, { identity: { id: pack.id, version: pack.version, sha256 }, content });
}

export function rulesIdentity(pack: RulePack): RulesIdentity {
  return packRecord(pack).identity;
}

/** "cac-2025 2.0.0 (sha256 3f2a9c1e…)": how people are shown which rules applied. */
export function describeRules(identity: RulesIdentity): string {
  return `${identity.id} ${identity.version} (sha256 ${identity.sha256.slice(0, 12)}…)`;
}
