import type { Sql } from "../store/sql.js";
import { anyUnrecordedIncident, legacyPackRow, packBySha, recordPack } from "../store/repos/rules.js";
import { packOrigin, parseRulePack, RulePackError, type RulePack } from "../rules/pack.js";
import { packRecord, rememberRecord, sha256Hex, type RulesIdentity } from "../rules/identity.js";

/** The rules an incident is judged under, and whether the database names them (false: judged before packs were recorded). */
export interface JudgingRules {
  pack: RulePack;
  identity: RulesIdentity;
  recorded: boolean;
}

/** A stored pack that cannot be used: altered since it was recorded, or unreadable by this release. */
export class StoredPackError extends Error {}

/**
 * Where the rules of each incident come from: the pack this process applies, the packs
 * recorded in the database (an incident judged by another release, or closed under earlier
 * rules, keeps its own), and the pack of the release before packs were recorded.
 */
export class RuleBook {
  private readonly cache = new Map<string, RulePack>();
  private legacyPack: RulePack | undefined;
  /** Packs known to be in the database this book was used with (recording them again is a no-op). */
  private readonly recordedHere = new Set<string>();

  constructor(
    readonly current: RulePack,
    private readonly loadLegacy: () => RulePack,
  ) {
    this.cache.set(this.currentIdentity.sha256, current);
  }

  get currentIdentity(): RulesIdentity {
    return packRecord(this.current).identity;
  }

  /**
   * The pack of incidents that name none: the one recorded as such at the first start of a
   * release that records packs, else (a database no such release has started on yet) the
   * archived release with the deployment's override.
   */
  async legacy(sql: Sql): Promise<RulePack> {
    if (!this.legacyPack) {
      const row = await legacyPackRow(sql);
      if (!row) return this.loadLegacy();
      this.legacyPack = readStoredPack(row.content, row.sha256);
    }
    return this.legacyPack;
  }

  /**
   * At the first start on a database with incidents that name no pack: record the pack that
   * judged them, once, so that what judged them no longer depends on this process's settings.
   */
  async recordLegacy(sql: Sql, at: string): Promise<void> {
    if (this.legacyPack || (await legacyPackRow(sql)) || !(await anyUnrecordedIncident(sql))) return;
    const pack = this.loadLegacy();
    const { identity, content } = packRecord(pack);
    await recordPack(sql, { sha256: identity.sha256, pack_id: identity.id, version: identity.version, origin: packOrigin(pack), content, recorded_at: at, legacy: 1 });
  }

  /** The rules behind a stored `rules_sha256` (null: the release before packs were recorded). */
  async judging(sql: Sql, sha256: string | null): Promise<JudgingRules> {
    if (sha256 === null) {
      const pack = await this.legacy(sql);
      return { pack, identity: packRecord(pack).identity, recorded: false };
    }
    let pack = this.cache.get(sha256);
    if (!pack) {
      const row = await packBySha(sql, sha256);
      if (!row) throw new StoredPackError(`the rule pack ${sha256.slice(0, 12)}… is not in the database`);
      pack = readStoredPack(row.content, sha256);
      this.cache.set(sha256, pack);
    }
    return { pack, identity: packRecord(pack).identity, recorded: true };
  }

  /** Record a pack in the database, in the caller's transaction, the first time it is applied there. */
  async record(sql: Sql, pack: RulePack, at: string): Promise<RulesIdentity> {
    const { identity, content } = packRecord(pack);
    if (!this.recordedHere.has(identity.sha256)) {
      await recordPack(sql, { sha256: identity.sha256, pack_id: identity.id, version: identity.version, origin: packOrigin(pack), content, recorded_at: at, legacy: 0 });
    }
    return identity;
  }

  /** After the transaction that recorded it committed: later ones need not write it again. */
  markRecorded(sha256: string): void {
    this.recordedHere.add(sha256);
  }
}

/** A pack as the database holds it, checked against the hash it is held under. */
export function readStoredPack(content: string, sha256: string): RulePack {
  if (sha256Hex(content) !== sha256) throw new StoredPackError(`the rule pack ${sha256.slice(0, 12)}… was altered after it was recorded: its content no longer has that hash`);
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    throw new StoredPackError(`the rule pack ${sha256.slice(0, 12)}… is not JSON`);
  }
  try {
    const pack = parseRulePack(raw, `recorded ${sha256.slice(0, 12)}…`);
    rememberRecord(pack, sha256, content);
    return pack;
  } catch (err) {
    if (err instanceof RulePackError) throw new StoredPackError(`the rule pack ${sha256.slice(0, 12)}… cannot be read by this warroom: ${err.message}`);
    throw err;
  }
}
