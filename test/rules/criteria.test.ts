import { describe, expect, it } from "vitest";
import type { Criterion } from "../../src/rules/pack.js";
import { alsoSatisfied, criterion, enumValues, firedIds, pack, rankOf, run, NONE_FIRES } from "./helpers.js";

/**
 * The Classification Guide as issued (annex to the Measures of 2025-09-11, official text in
 * the project's legal sources), typed in by hand, row by row with its Guide item, so that a
 * broken or emptied rule pack cannot make the data-driven tests below vacuous. Every threshold
 * is inclusive (注：本指南中的“以上”均包括本数).
 * tiers: the site tiers for which the criterion applies (the `also` condition), if any.
 * guide: the item of the Guide the row stands for (section, qualitative item or "n" + normally-item).
 */
type Row = {
  id: string;
  level: "particularly_significant" | "significant" | "major";
  fact: string;
  gte?: number;
  in?: string[];
  tiers?: { fact: string; in: string[] };
  guide: string;
};
const PORTAL_PS_TIERS = { fact: "portal_tier", in: ["provincial_or_central"] };
// 地市级以上党政机关、企事业单位门户网站，省级以上重点新闻网站 (II.n1, III.n1), company portals included (stricter reading).
const PORTAL_S_TIERS = { fact: "portal_tier", in: ["provincial_or_central", "prefecture_or_provincial_news", "enterprise_or_institution"] };
const SITE_PS = { fact: "tampered_site_tier", in: ["provincial_or_central"] };
const SITE_S = { fact: "tampered_site_tier", in: ["provincial_or_central", "prefecture_or_large_platform", "enterprise"] };
const SPEC: Row[] = [
  { id: "system_loss_ps", level: "particularly_significant", fact: "system_loss", in: ["particularly_significant"], guide: "I.1" },
  { id: "important_data_ps", level: "particularly_significant", fact: "important_data_harm", in: ["particularly_significant"], guide: "I.2, I.n4" },
  { id: "other_harm_ps", level: "particularly_significant", fact: "other_harm", in: ["particularly_significant"], guide: "I.3, I.n8" },
  { id: "portal_ps", level: "particularly_significant", fact: "portal_outage_hours", gte: 24, tiers: PORTAL_PS_TIERS, guide: "I.n1" },
  { id: "cii_full_ps", level: "particularly_significant", fact: "cii_full_outage_minutes", gte: 360, guide: "I.n2" },
  { id: "cii_main_ps", level: "particularly_significant", fact: "cii_main_function_outage_minutes", gte: 1440, guide: "I.n2" },
  { id: "population_province_ps", level: "particularly_significant", fact: "province_population_pct", gte: 50, guide: "I.n3" },
  { id: "essential_ps", level: "particularly_significant", fact: "essential_services_people", gte: 10_000_000, guide: "I.n3" },
  { id: "personal_info_ps", level: "particularly_significant", fact: "personal_info_people", gte: 100_000_000, guide: "I.n5" },
  { id: "content_homepage_ps", level: "particularly_significant", fact: "illegal_content_homepage_hours", gte: 6, tiers: SITE_PS, guide: "I.n6(1)" },
  { id: "content_other_page_ps", level: "particularly_significant", fact: "illegal_content_other_page_hours", gte: 24, tiers: SITE_PS, guide: "I.n6(1)" },
  { id: "content_shares_ps", level: "particularly_significant", fact: "illegal_content_shares", gte: 100_000, tiers: SITE_PS, guide: "I.n6(2)" },
  { id: "content_views_ps", level: "particularly_significant", fact: "illegal_content_views", gte: 1_000_000, tiers: SITE_PS, guide: "I.n6(3)" },
  { id: "spread_declared_ps", level: "particularly_significant", fact: "spread_declared", in: ["particularly_large"], guide: "I.n6(4)" },
  { id: "loss_ps", level: "particularly_significant", fact: "direct_loss_rmb", gte: 100_000_000, guide: "I.n7" },

  { id: "system_loss_s", level: "significant", fact: "system_loss", in: ["significant"], guide: "II.1" },
  { id: "important_data_s", level: "significant", fact: "important_data_harm", in: ["significant"], guide: "II.2, II.n4" },
  { id: "other_harm_s", level: "significant", fact: "other_harm", in: ["significant"], guide: "II.3, II.n8" },
  { id: "portal_s", level: "significant", fact: "portal_outage_hours", gte: 6, tiers: PORTAL_S_TIERS, guide: "II.n1" },
  { id: "cii_full_s", level: "significant", fact: "cii_full_outage_minutes", gte: 60, guide: "II.n2" },
  { id: "cii_main_s", level: "significant", fact: "cii_main_function_outage_minutes", gte: 180, guide: "II.n2" },
  { id: "population_prefecture_s", level: "significant", fact: "prefecture_population_pct", gte: 50, guide: "II.n3" },
  { id: "essential_s", level: "significant", fact: "essential_services_people", gte: 1_000_000, guide: "II.n3" },
  { id: "personal_info_s", level: "significant", fact: "personal_info_people", gte: 10_000_000, guide: "II.n5" },
  { id: "content_homepage_s", level: "significant", fact: "illegal_content_homepage_hours", gte: 2, tiers: SITE_S, guide: "II.n6(1)" },
  { id: "content_other_page_s", level: "significant", fact: "illegal_content_other_page_hours", gte: 12, tiers: SITE_S, guide: "II.n6(1)" },
  { id: "content_shares_s", level: "significant", fact: "illegal_content_shares", gte: 10_000, tiers: SITE_S, guide: "II.n6(2)" },
  { id: "content_views_s", level: "significant", fact: "illegal_content_views", gte: 100_000, tiers: SITE_S, guide: "II.n6(3)" },
  { id: "spread_declared_s", level: "significant", fact: "spread_declared", in: ["large"], guide: "II.n6(4)" },
  { id: "loss_s", level: "significant", fact: "direct_loss_rmb", gte: 20_000_000, guide: "II.n7" },

  { id: "system_loss_m", level: "major", fact: "system_loss", in: ["major"], guide: "III.1" },
  { id: "important_data_m", level: "major", fact: "important_data_harm", in: ["major"], guide: "III.2, III.n4" },
  { id: "other_harm_m", level: "major", fact: "other_harm", in: ["major"], guide: "III.3, III.n8" },
  { id: "portal_m", level: "major", fact: "portal_outage_hours", gte: 2, tiers: PORTAL_S_TIERS, guide: "III.n1" },
  { id: "cii_full_m", level: "major", fact: "cii_full_outage_minutes", gte: 10, guide: "III.n2" },
  { id: "cii_main_m", level: "major", fact: "cii_main_function_outage_minutes", gte: 30, guide: "III.n2" },
  { id: "population_prefecture_m", level: "major", fact: "prefecture_population_pct", gte: 30, guide: "III.n3" },
  // Derived from III.n3: a province-level region's share is its prefecture-level regions' share taken together.
  { id: "population_province_m", level: "major", fact: "province_population_pct", gte: 30, guide: "III.n3" },
  { id: "essential_m", level: "major", fact: "essential_services_people", gte: 100_000, guide: "III.n3" },
  { id: "personal_info_m", level: "major", fact: "personal_info_people", gte: 1_000_000, guide: "III.n5" },
  // 党政机关、企事业单位门户网站，重点新闻网站，网络平台等: any site, so no tier condition.
  { id: "content_homepage_m", level: "major", fact: "illegal_content_homepage_hours", gte: 0.5, guide: "III.n6(1)" },
  { id: "content_other_page_m", level: "major", fact: "illegal_content_other_page_hours", gte: 2, guide: "III.n6(1)" },
  { id: "content_shares_m", level: "major", fact: "illegal_content_shares", gte: 1_000, guide: "III.n6(2)" },
  { id: "content_views_m", level: "major", fact: "illegal_content_views", gte: 10_000, guide: "III.n6(3)" },
  { id: "spread_declared_m", level: "major", fact: "spread_declared", in: ["relatively_large"], guide: "III.n6(4)" },
  { id: "loss_m", level: "major", fact: "direct_loss_rmb", gte: 5_000_000, guide: "III.n7" },
];

/** "II.n6(1)" → the section's Roman numeral and its item, as the pack's clause names them. */
function clauseMatches(guide: string, clauseEn: string | undefined): boolean {
  return guide.split(", ").every((part) => {
    const m = /^(I{1,3})\.(n?)(\d)(?:\((\d)\))?$/.exec(part);
    if (!m || !clauseEn) return false;
    const [, section, normally, item, sub] = m;
    const itemText = normally ? `normally-criteria item ${item}${sub ? `(${sub})` : ""}` : `item ${item}`;
    return clauseEn.startsWith(`Guide ${section} (`) && clauseEn.includes(itemText);
  });
}

describe("the rule pack matches the classification guide (hand-written table)", () => {
  it("has every criterion of the guide, and nothing is silently dropped", () => {
    const ids = pack.criteria.map((c) => c.id);
    for (const row of SPEC) expect(ids).toContain(row.id);
    expect(pack.criteria.length).toBeGreaterThanOrEqual(SPEC.length);
  });

  it.each(SPEC)("$id: level, fact, threshold, site tier and confirmation as in the guide", (row) => {
    const c = criterion(row.id);
    expect(c.level).toBe(row.level);
    expect(c.when.fact).toBe(row.fact);
    if (row.gte !== undefined) expect(c.when.gte).toBe(row.gte);
    if (row.in !== undefined) expect(c.when.in).toEqual(row.in);
    if (row.tiers) {
      expect(c.also).toEqual([{ fact: row.tiers.fact, in: row.tiers.in }]);
    } else {
      expect(c.also ?? []).toEqual([]);
    }
    // Every figure here stands in the official text.
    expect(c.confirmed).toBe(true);
    expect(c.source).toBe("guide");
    expect(clauseMatches(row.guide, c.clause?.en), `${row.id}: clause ${c.clause?.en} should be Guide ${row.guide}`).toBe(true);
    expect(c.clause?.zh).toMatch(/《分级指南》/);
    expect(c.en.length).toBeGreaterThan(0);
    expect(c.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  // Literal facts, literal expectations: independent of how the pack is iterated. Each threshold
  // at, just below and just above, from the official Guide.
  it.each([
    [{ personal_info_people: 999_999 }, "general"],
    [{ personal_info_people: 1_000_000 }, "major"],
    [{ personal_info_people: 9_999_999 }, "major"],
    [{ personal_info_people: 10_000_000 }, "significant"],
    [{ personal_info_people: 99_999_999 }, "significant"],
    [{ personal_info_people: 100_000_000 }, "particularly_significant"],
    [{ direct_loss_rmb: 4_999_999.99 }, "general"],
    [{ direct_loss_rmb: 5_000_000 }, "major"],
    [{ direct_loss_rmb: 19_999_999 }, "major"],
    [{ direct_loss_rmb: 20_000_000 }, "significant"],
    [{ direct_loss_rmb: 99_999_999 }, "significant"],
    [{ direct_loss_rmb: 100_000_000 }, "particularly_significant"],
    [{ cii_full_outage_minutes: 9 }, "general"],
    [{ cii_full_outage_minutes: 10 }, "major"],
    [{ cii_full_outage_minutes: 59 }, "major"],
    // Guide II.n2: 1 h of whole outage is significant (the 2023 draft said 2 h).
    [{ cii_full_outage_minutes: 60 }, "significant"],
    [{ cii_full_outage_minutes: 90 }, "significant"],
    [{ cii_full_outage_minutes: 359 }, "significant"],
    [{ cii_full_outage_minutes: 360 }, "particularly_significant"],
    [{ cii_main_function_outage_minutes: 29 }, "general"],
    [{ cii_main_function_outage_minutes: 30 }, "major"],
    [{ cii_main_function_outage_minutes: 179 }, "major"],
    // Guide II.n2: 3 h of main functions down is significant (the 2023 draft said 6 h).
    [{ cii_main_function_outage_minutes: 180 }, "significant"],
    [{ cii_main_function_outage_minutes: 1439 }, "significant"],
    [{ cii_main_function_outage_minutes: 1440 }, "particularly_significant"],
    [{ prefecture_population_pct: 29.9 }, "general"],
    [{ prefecture_population_pct: 30 }, "major"],
    [{ prefecture_population_pct: 49.9 }, "major"],
    [{ prefecture_population_pct: 50 }, "significant"],
    [{ province_population_pct: 29.9 }, "general"],
    [{ province_population_pct: 30 }, "major"],
    [{ province_population_pct: 49.9 }, "major"],
    [{ province_population_pct: 50 }, "particularly_significant"],
    [{ essential_services_people: 99_999 }, "general"],
    [{ essential_services_people: 100_000 }, "major"],
    [{ essential_services_people: 999_999 }, "major"],
    [{ essential_services_people: 1_000_000 }, "significant"],
    [{ essential_services_people: 9_999_999 }, "significant"],
    [{ essential_services_people: 10_000_000 }, "particularly_significant"],
    [{ portal_tier: "provincial_or_central", portal_outage_hours: 1.99 }, "general"],
    [{ portal_tier: "provincial_or_central", portal_outage_hours: 2 }, "major"],
    [{ portal_tier: "provincial_or_central", portal_outage_hours: 6 }, "significant"],
    [{ portal_tier: "provincial_or_central", portal_outage_hours: 23.99 }, "significant"],
    [{ portal_tier: "provincial_or_central", portal_outage_hours: 24 }, "particularly_significant"],
    [{ portal_tier: "prefecture_or_provincial_news", portal_outage_hours: 24 }, "significant"],
    // 企事业单位门户网站 at the major and significant levels (Guide II.n1, III.n1), never particularly significant.
    [{ portal_tier: "enterprise_or_institution", portal_outage_hours: 1.99 }, "general"],
    [{ portal_tier: "enterprise_or_institution", portal_outage_hours: 2 }, "major"],
    [{ portal_tier: "enterprise_or_institution", portal_outage_hours: 6 }, "significant"],
    [{ portal_tier: "enterprise_or_institution", portal_outage_hours: 1000 }, "significant"],
    [{ portal_tier: "other", portal_outage_hours: 1000 }, "general"],
    // Guide III.n6(1): 30 min on the home page of any tampered site is major.
    [{ tampered_site_tier: "enterprise", illegal_content_homepage_hours: 0.49 }, "general"],
    [{ tampered_site_tier: "enterprise", illegal_content_homepage_hours: 0.5 }, "major"],
    [{ tampered_site_tier: "enterprise", illegal_content_homepage_hours: 1 }, "major"],
    [{ tampered_site_tier: "other", illegal_content_homepage_hours: 1.99 }, "major"],
    [{ tampered_site_tier: "enterprise", illegal_content_homepage_hours: 2 }, "significant"],
    [{ tampered_site_tier: "other", illegal_content_homepage_hours: 1000 }, "major"],
    [{ tampered_site_tier: "prefecture_or_large_platform", illegal_content_homepage_hours: 5.99 }, "significant"],
    [{ tampered_site_tier: "provincial_or_central", illegal_content_homepage_hours: 6 }, "particularly_significant"],
    [{ tampered_site_tier: "other", illegal_content_other_page_hours: 1.99 }, "general"],
    [{ tampered_site_tier: "other", illegal_content_other_page_hours: 2 }, "major"],
    [{ tampered_site_tier: "enterprise", illegal_content_other_page_hours: 12 }, "significant"],
    [{ tampered_site_tier: "provincial_or_central", illegal_content_other_page_hours: 24 }, "particularly_significant"],
    [{ illegal_content_shares: 999 }, "general"],
    [{ illegal_content_shares: 1_000 }, "major"],
    [{ illegal_content_views: 9_999 }, "general"],
    [{ illegal_content_views: 10_000 }, "major"],
    [{ tampered_site_tier: "other", illegal_content_shares: 99_999_999 }, "major"],
    [{ tampered_site_tier: "enterprise", illegal_content_shares: 9_999 }, "major"],
    [{ tampered_site_tier: "enterprise", illegal_content_shares: 10_000 }, "significant"],
    [{ tampered_site_tier: "prefecture_or_large_platform", illegal_content_shares: 10_000 }, "significant"],
    [{ tampered_site_tier: "prefecture_or_large_platform", illegal_content_shares: 100_000 }, "significant"],
    [{ tampered_site_tier: "provincial_or_central", illegal_content_shares: 99_999 }, "significant"],
    [{ tampered_site_tier: "provincial_or_central", illegal_content_shares: 100_000 }, "particularly_significant"],
    [{ tampered_site_tier: "enterprise", illegal_content_views: 100_000 }, "significant"],
    [{ tampered_site_tier: "provincial_or_central", illegal_content_views: 1_000_000 }, "particularly_significant"],
    [{ spread_declared: "none" }, "general"],
    [{ spread_declared: "relatively_large" }, "major"],
    [{ spread_declared: "large" }, "significant"],
    [{ spread_declared: "particularly_large" }, "particularly_significant"],
    [{ system_loss: "none" }, "general"],
    [{ system_loss: "major" }, "major"],
    [{ system_loss: "significant" }, "significant"],
    [{ system_loss: "particularly_significant" }, "particularly_significant"],
    [{ important_data_harm: "none" }, "general"],
    [{ important_data_harm: "major" }, "major"],
    [{ important_data_harm: "significant" }, "significant"],
    [{ important_data_harm: "particularly_significant" }, "particularly_significant"],
    [{ other_harm: "major" }, "major"],
    [{ other_harm: "significant" }, "significant"],
    [{ other_harm: "particularly_significant" }, "particularly_significant"],
  ] as [Record<string, unknown>, string][])("%j is %s", (input, level) => {
    const result = run(input);
    expect(result.level).toBe(level);
    // One harmless fact leaves the others open: general so far, reportability undetermined.
    expect(result.reportable).toBe(level !== "general" ? true : null);
    if (level === "general") {
      const settled = run({ ...NONE_FIRES, ...input });
      expect(settled.level).toBe("general");
      expect(settled.reportable).toBe(false);
    }
  });
});

/** Below / above a numeric threshold: the smallest and a unit step. */
/** Counts (people, shares, views) are whole numbers: only other facts are probed by a fraction. */
function isInteger(fact: string): boolean {
  return pack.facts.find((f) => f.name === fact)?.integer === true;
}
function belowValues(t: number, fact: string): number[] {
  return [...(isInteger(fact) ? [] : [t - 0.001]), t - 1].filter((v) => v >= 0);
}
function aboveValues(t: number, max: number | undefined, fact: string): number[] {
  return [...(isInteger(fact) ? [] : [t + 0.001]), t + 1].filter((v) => max === undefined || v <= max);
}
function maxOf(fact: string): number | undefined {
  return pack.facts.find((f) => f.name === fact)?.max;
}

function expectFiredAsDeclared(c: Criterion, input: Record<string, unknown>, value: unknown): void {
  const result = run(input);
  const fired = result.criteria.find((f) => f.id === c.id);
  expect(fired, `${c.id} should fire on ${JSON.stringify(input)}`).toBeDefined();
  const threshold = c.when.gte ?? c.when.gt ?? (c.when.in && c.when.in.length === 1 ? c.when.in[0] : c.when.in) ?? c.when.equals;
  expect(fired).toMatchObject({
    id: c.id,
    level: c.level,
    fact: c.when.fact,
    value,
    threshold,
    text_en: c.en,
    text_zh: c.zh,
    confirmed: c.confirmed,
  });
  expect(result.level).toBe(c.level);
  expect(result.reportable).toBe(true);
}

describe("every criterion in the pack (data-driven)", () => {
  it("the pack has criteria at every reportable level", () => {
    for (const level of pack.levels.filter((l) => l.reportable)) {
      expect(pack.criteria.some((c) => c.level === level.id), level.id).toBe(true);
    }
  });

  // Only gte and in are used by criteria today; a new kind of comparison must get its tests.
  it("every criterion compares with gte or in", () => {
    for (const c of pack.criteria) expect(c.when.gte !== undefined || c.when.in !== undefined, c.id).toBe(true);
  });

  describe.each(pack.criteria.filter((c) => c.when.gte !== undefined).map((c) => [c.id, c] as const))(
    "%s (numeric)",
    (_id, c) => {
      const t = c.when.gte as number;
      const fact = c.when.fact;
      const tiers = alsoSatisfied(c);

      it(`fires at the threshold ${t}, at level ${c.level}`, () => {
        expectFiredAsDeclared(c, { ...tiers, [fact]: t }, t);
      });

      it("does not fire just below the threshold", () => {
        const values = belowValues(t, fact);
        expect(values.length).toBeGreaterThan(0);
        for (const v of values) {
          const result = run({ ...tiers, [fact]: v });
          expect(firedIds(result), `${fact}=${v}`).not.toContain(c.id);
          expect(rankOf(result.level)).toBeLessThan(rankOf(c.level));
        }
      });

      it("fires just above the threshold", () => {
        const values = aboveValues(t, maxOf(fact), fact);
        expect(values.length).toBeGreaterThan(0);
        for (const v of values) expectFiredAsDeclared(c, { ...tiers, [fact]: v }, v);
      });

      it("with nothing known, its fact is listed as missing", () => {
        expect(run({}).missing).toContain(fact);
      });

      for (const a of c.also ?? []) {
        const wrong = enumValues(a.fact).filter((v) => !(a.in ?? []).includes(v));
        if (wrong.length) {
          it.each(wrong)(`does not fire, even well above the threshold, when ${a.fact} is %s`, (tier) => {
            const result = run({ ...tiers, [a.fact]: tier, [fact]: t * 10 });
            expect(firedIds(result)).not.toContain(c.id);
            expect(rankOf(result.level)).toBeLessThan(rankOf(c.level));
          });
        }
        for (const ok of a.in ?? []) {
          it(`fires when ${a.fact} is ${ok}`, () => {
            expect(firedIds(run({ ...tiers, [a.fact]: ok, [fact]: t }))).toContain(c.id);
          });
        }
        it(`does not fire while ${a.fact} is unknown, and lists ${a.fact} as missing`, () => {
          const rest = { ...tiers };
          delete rest[a.fact];
          const result = run({ ...rest, [fact]: t });
          expect(firedIds(result)).not.toContain(c.id);
          expect(rankOf(result.level)).toBeLessThan(rankOf(c.level));
          expect(result.missing).toContain(a.fact);
        });
      }
    },
  );

  describe.each(pack.criteria.filter((c) => c.when.in !== undefined).map((c) => [c.id, c] as const))("%s (enum)", (_id, c) => {
    const fact = c.when.fact;
    const listed = c.when.in ?? [];
    const others = enumValues(fact).filter((v) => !listed.includes(v));
    const tiers = alsoSatisfied(c);

    it.each(listed)(`fires on %s, at level ${c.level}`, (value) => {
      expectFiredAsDeclared(c, { ...tiers, [fact]: value }, value);
    });

    it("does not fire on any other value of the fact", () => {
      expect(others.length).toBeGreaterThan(0);
      for (const v of others) expect(firedIds(run({ ...tiers, [fact]: v })), `${fact}=${v}`).not.toContain(c.id);
    });

    it("with nothing known, its fact is listed as missing", () => {
      expect(run({}).missing).toContain(fact);
    });
  });
});
