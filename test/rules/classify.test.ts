import { describe, expect, it } from "vitest";
import { classify, deadlineBasis } from "../../src/rules/classify.js";
import { facts, firedIds, NONE_FIRES, pack, rankOf, run } from "./helpers.js";
import { criterion } from "./helpers.js";

describe("highest level wins", () => {
  it("several criteria at different levels: the highest is the level, all are listed highest first", () => {
    const result = run({
      personal_info_people: 1_200_000, // major
      direct_loss_rmb: 30_000_000, // significant (and major)
      province_population_pct: 60, // particularly significant
      other_harm: "major", // major
    });
    expect(result.level).toBe("particularly_significant");
    expect(result.reportable).toBe(true);
    expect(new Set(firedIds(result))).toEqual(
      // 60% of a province also reaches the major level's 30% (its prefecture-level regions taken together).
      new Set(["population_province_ps", "loss_s", "loss_m", "personal_info_m", "other_harm_m", "population_province_m"]),
    );
    expect(result.criteria[0]?.id).toBe("population_province_ps");
    const ranks = result.criteria.map((c) => rankOf(c.level));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(ranks[0]).toBe(3);
    expect(ranks.at(-1)).toBe(1);
  });

  it("a major and a significant criterion: significant, both listed", () => {
    const result = run({ cii_main_function_outage_minutes: 45, spread_declared: "large" });
    expect(result.level).toBe("significant");
    expect(firedIds(result)).toEqual(["spread_declared_s", "cii_main_m"]);
  });

  it("the lower criteria of the same fact fire alongside the higher one", () => {
    const result = run({ personal_info_people: 150_000_000 });
    expect(result.level).toBe("particularly_significant");
    expect(firedIds(result)).toEqual(["personal_info_ps", "personal_info_s", "personal_info_m"]);
    for (const c of result.criteria) expect(c.value).toBe(150_000_000);
    expect(result.criteria.map((c) => c.threshold)).toEqual([100_000_000, 10_000_000, 1_000_000]);
  });

  it("a fired criterion reports its fact, value, threshold and both texts", () => {
    const [fired] = run({ tampered_site_tier: "provincial_or_central", illegal_content_homepage_hours: 7.5 }).criteria;
    expect(fired).toMatchObject({
      id: "content_homepage_ps",
      level: "particularly_significant",
      fact: "illegal_content_homepage_hours",
      value: 7.5,
      threshold: 6,
      confirmed: true,
    });
    expect(fired?.text_en).toContain("home page");
    // The official wording: 在主页上出现并持续6小时以上 (Guide I.n6(1)).
    expect(fired?.text_zh).toContain("主页");
  });

  it("every criterion of the shipped pack stands in the official text; one that does not says so", () => {
    const [fired] = run({ essential_services_people: 1_000_000 }).criteria;
    expect(fired?.id).toBe("essential_s");
    expect(fired?.confirmed).toBe(true);
    expect(fired?.source).toBe("Guide II (significant), normally-criteria item 3");
    const local = { ...pack, criteria: [...pack.criteria, { ...criterion("essential_s"), id: "essential_local", level: "major", when: { fact: "essential_services_people", gte: 50_000 }, confirmed: false }] };
    const [own] = run({ essential_services_people: 60_000 }, local).criteria;
    expect(own).toMatchObject({ id: "essential_local", confirmed: false });
  });

  it("nothing known is general so far, reportability undetermined, on the strictest clock (1 h), with no criteria", () => {
    const result = run({});
    expect(result).toMatchObject({ level: "general", reportable: null, provisional: true, criteria: [], deadline: null, deadline_hours: 1 });
    expect(result.recipients.map((r) => r.id)).toEqual(["cii_protection_department", "public_security", "department_cyberspace_office", "provincial_cac"]);
  });

  it("clock, crime and ransomware facts alone do not change the level", () => {
    const result = run({
      aware_at: "2026-03-02T09:00+08:00",
      operator_type: "central_state_organ",
      cii_affected: true,
      suspected_crime: true,
      ransomware: true,
    });
    expect(result.level).toBe("general");
    expect(result.criteria).toEqual([]);
  });

  it("assessed 'none' values do not fire", () => {
    const result = run({ important_data_harm: "none", other_harm: "none", spread_declared: "none" });
    expect(result.level).toBe("general");
    expect(result.criteria).toEqual([]);
  });
});

describe("missing facts", () => {
  /** Every fact named by a criterion condition. */
  const criterionFacts = new Set(pack.criteria.flatMap((c) => [c.when.fact, ...(c.also ?? []).map((a) => a.fact)]));

  it("with nothing known, every fact any criterion uses is missing, and the clock facts and aware_at, in pack order, and nothing else", () => {
    const { missing } = run({});
    expect(new Set(missing)).toEqual(new Set([...criterionFacts, "aware_at", "operator_type", "cii_affected"]));
    const order = pack.facts.map((f) => f.name).filter((n) => missing.includes(n));
    expect(missing).toEqual(order);
    for (const f of ["personal_info_people", "direct_loss_rmb", "portal_tier", "portal_outage_hours", "tampered_site_tier", "other_harm"]) {
      expect(missing).toContain(f);
    }
    for (const f of ["suspected_crime", "ransomware"]) expect(missing).not.toContain(f);
  });

  it("once nothing reportable can fire, the clock facts and aware_at are no longer missing", () => {
    const { missing, reportable } = run(NONE_FIRES);
    expect(reportable).toBe(false);
    expect(missing).toEqual([]);
  });

  it("a known fact is never missing", () => {
    const { missing } = run({ direct_loss_rmb: 100, important_data_harm: "none" });
    expect(missing).not.toContain("direct_loss_rmb");
    expect(missing).not.toContain("important_data_harm");
    expect(missing).toContain("personal_info_people");
  });

  it("portal_tier = other rules out the portal outage", () => {
    const { missing } = run({ portal_tier: "other" });
    expect(missing).not.toContain("portal_outage_hours");
    expect(missing).not.toContain("portal_tier");
    expect(missing).toContain("direct_loss_rmb");
  });

  it("a portal outage below every portal threshold makes the tier irrelevant", () => {
    const { missing } = run({ portal_outage_hours: 1 });
    expect(missing).not.toContain("portal_tier");
  });

  it("a portal outage above a threshold with the tier unknown: the tier is missing", () => {
    const result = run({ portal_outage_hours: 30 });
    expect(result.level).toBe("general");
    expect(result.missing).toContain("portal_tier");
  });

  it("any tampered site counts at the major level: with the tier known to be 'other', the dwell times, shares and views still decide reportability", () => {
    const { missing, reportable } = run({ tampered_site_tier: "other" });
    expect(reportable).toBe(null);
    for (const f of ["illegal_content_homepage_hours", "illegal_content_other_page_hours", "illegal_content_shares", "illegal_content_views"]) expect(missing).toContain(f);
    // At significant, an 'other' site feeds only major criteria: nothing there could raise the level.
    const s = run({ tampered_site_tier: "other", direct_loss_rmb: 30_000_000 });
    for (const f of ["illegal_content_homepage_hours", "illegal_content_other_page_hours", "illegal_content_shares", "illegal_content_views"]) expect(s.missing).not.toContain(f);
    // A company portal reaches significant (stricter reading), never particularly significant.
    const e = run({ tampered_site_tier: "enterprise", direct_loss_rmb: 30_000_000 });
    expect(e.missing).not.toContain("illegal_content_shares");
    const m = run({ tampered_site_tier: "enterprise", personal_info_people: 1_200_000 });
    expect(m.missing).toContain("illegal_content_shares");
  });

  it("at major, only facts that could raise the level above major are missing", () => {
    const result = run({ personal_info_people: 1_200_000, important_data_harm: "major" });
    expect(result.level).toBe("major");
    expect(result.missing).not.toContain("personal_info_people");
    expect(result.missing).not.toContain("important_data_harm");
    expect(result.missing).toContain("direct_loss_rmb");
    expect(result.missing).toContain("cii_full_outage_minutes");
    // With the site tier unknown, shares could still reach significant ...
    expect(result.missing).toContain("illegal_content_shares");
    // ... but on an 'other' site they only feed major criteria, which cannot raise the level.
    const t = run({ tampered_site_tier: "other", personal_info_people: 1_200_000 });
    expect(t.missing).not.toContain("illegal_content_shares");
    expect(t.missing).not.toContain("illegal_content_views");
  });

  it("at significant, facts that only reach significant are no longer missing", () => {
    const result = run({ direct_loss_rmb: 30_000_000 });
    expect(result.level).toBe("significant");
    // prefecture_population_pct reaches significant at most.
    expect(result.missing).not.toContain("prefecture_population_pct");
    expect(result.missing).toContain("province_population_pct");
    expect(result.missing).toContain("spread_declared");
  });

  it("a particularly significant incident misses only what decides or fixes the deadline", () => {
    expect(run({ personal_info_people: 100_000_000 }).missing).toEqual(["aware_at", "operator_type", "cii_affected"]);
    expect(run({ important_data_harm: "particularly_significant", cii_affected: true, aware_at: "2026-03-02T09:00+08:00" }).missing).toEqual([]);
  });

  it("all facts known below every threshold: nothing missing, general", () => {
    const result = run({ ...NONE_FIRES, portal_outage_hours: 0, illegal_content_homepage_hours: 0, illegal_content_other_page_hours: 0 });
    expect(result.level).toBe("general");
    expect(result.missing).toEqual([]);
  });
});

describe("worked examples (cac-measures.md)", () => {
  it("1. ordinary operator, PI of 1,200,000 leaked, aware 09:00 CST: major, 13:00 CST, provincial CAC", () => {
    const result = run({ operator_type: "ordinary", cii_affected: false, aware_at: "2026-03-02T09:00+08:00", personal_info_people: 1_200_000 });
    expect(result.provisional).toBe(false);
    expect(result.level).toBe("major");
    expect(result.reportable).toBe(true);
    expect(firedIds(result)).toEqual(["personal_info_m"]);
    expect(result.criteria[0]).toMatchObject({ fact: "personal_info_people", value: 1_200_000, threshold: 1_000_000 });
    expect(result.deadline).toBe("2026-03-02T13:00:00+08:00");
    expect(result.deadline_hours).toBe(4);
    expect(result.recipients.map((r) => r.id)).toEqual(["provincial_cac"]);
    expect(result.recipients[0]?.text_zh).toBe("属地省级网信部门");
  });

  it("1 (text form). the same facts typed as name=value pairs", async () => {
    const { parseFactsText, knownFacts } = await import("../../src/rules/facts.js");
    const typed = knownFacts(parseFactsText(pack, "operator_type=ordinary cii_affected=false personal_info_people=1200000 aware_at=2026-03-02T09:00"));
    const result = classify(pack, typed);
    expect(result.level).toBe("major");
    expect(result.deadline).toBe("2026-03-02T13:00:00+08:00");
  });

  it("2. CII affected, main functions down 45 min, aware 22:10 CST: major, 23:10 CST, protection department + public security", () => {
    const result = run({ cii_affected: true, cii_main_function_outage_minutes: 45, aware_at: "2026-03-02T22:10+08:00" });
    expect(result.level).toBe("major");
    expect(result.reportable).toBe(true);
    expect(firedIds(result)).toEqual(["cii_main_m"]);
    expect(result.criteria[0]).toMatchObject({ value: 45, threshold: 30 });
    expect(result.deadline).toBe("2026-03-02T23:10:00+08:00");
    expect(result.deadline_hours).toBe(1);
    expect(result.recipients.map((r) => r.id)).toEqual(["cii_protection_department", "public_security"]);
  });

  it("3. unit affiliated to a state organ, loss RMB 30,000,000, aware 08:00 CST: significant, 10:00 CST, its cyberspace-affairs office", () => {
    const result = run({ operator_type: "central_state_organ", cii_affected: false, direct_loss_rmb: 30_000_000, aware_at: "2026-03-02T08:00+08:00" });
    expect(result.level).toBe("significant");
    expect(result.reportable).toBe(true);
    expect(firedIds(result)).toEqual(["loss_s", "loss_m"]);
    expect(result.criteria[0]).toMatchObject({ value: 30_000_000, threshold: 20_000_000 });
    expect(result.deadline).toBe("2026-03-02T10:00:00+08:00");
    expect(result.deadline_hours).toBe(2);
    expect(result.recipients.map((r) => r.id)).toEqual(["department_cyberspace_office"]);
    const rule = pack.deadlines.find((d) => d.id === "central_state_organ");
    expect(rule?.onward.en).toMatch(/1 hour/);
  });

  it("4. company website defaced, shared 800 times, loss RMB 1,000,000: general, not reportable, no deadline", () => {
    const typed = { tampered_site_tier: "enterprise", illegal_content_shares: 800, direct_loss_rmb: 1_000_000, aware_at: "2026-03-02T09:00+08:00" };
    // With the rest still unknown the example is not yet "not reportable": views could still reach 10,000.
    const partial = run(typed);
    expect(partial.level).toBe("general");
    expect(partial.reportable).toBeNull();
    expect(partial.provisional).toBe(true);
    expect(partial.deadline).toBe("2026-03-02T10:00:00+08:00");
    expect(partial.missing).not.toContain("illegal_content_shares");
    expect(partial.missing).toContain("illegal_content_views");
    // Once every other criterion is known not to fire, it is general and not reportable.
    const result = run({ ...NONE_FIRES, ...typed });
    expect(result.level).toBe("general");
    expect(result.reportable).toBe(false);
    expect(result.criteria).toEqual([]);
    expect(result.deadline).toBeNull();
    expect(result.deadline_hours).toBeNull();
    expect(result.recipients).toEqual([]);
  });

  it("5. nothing known yet: general so far, facts to enter, provisional clock on the strictest deadline (1 h)", () => {
    const known = facts({ aware_at: "2026-03-02T09:00+08:00" });
    const result = classify(pack, known);
    expect(result.level).toBe("general");
    expect(result.reportable).toBeNull();
    expect(result.provisional).toBe(true);
    expect(result.deadline).toBe("2026-03-02T10:00:00+08:00");
    expect(result.missing.length).toBeGreaterThan(10);
    const rule = deadlineBasis(pack, known).rule;
    expect(rule.id).toBe("cii");
    expect(rule.hours).toBe(1);
  });
});
