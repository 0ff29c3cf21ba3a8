import { describe, expect, it } from "vitest";
import { FactsError, knownFacts, parseFacts, parseFactsText, parseFactsUpdate, parseInstant } from "../../src/rules/facts.js";
import { classify } from "../../src/rules/classify.js";
import { expectFactsError, pack } from "./helpers.js";

const numberFacts = pack.facts.filter((f) => f.type === "number").map((f) => f.name);
const enumFacts = pack.facts.filter((f) => f.type === "enum").map((f) => f.name);
const booleanFacts = pack.facts.filter((f) => f.type === "boolean").map((f) => f.name);
const pctFacts = pack.facts.filter((f) => f.unit === "%").map((f) => f.name);

describe("parseFacts (JSON)", () => {
  it("the pack declares the facts of the contract with their types", () => {
    expect(numberFacts).toEqual(
      expect.arrayContaining([
        "cii_full_outage_minutes",
        "cii_main_function_outage_minutes",
        "portal_outage_hours",
        "province_population_pct",
        "prefecture_population_pct",
        "essential_services_people",
        "personal_info_people",
        "direct_loss_rmb",
        "illegal_content_homepage_hours",
        "illegal_content_other_page_hours",
        "illegal_content_shares",
        "illegal_content_views",
      ]),
    );
    expect(enumFacts.sort()).toEqual(
      ["important_data_harm", "operator_type", "other_harm", "portal_tier", "spread_declared", "system_loss", "tampered_site_tier"].sort(),
    );
    expect(booleanFacts.sort()).toEqual(["cii_affected", "ransomware", "state_secrets", "suspected_crime"]);
    expect(pctFacts.sort()).toEqual(["prefecture_population_pct", "province_population_pct"]);
  });

  it("accepts a full valid object", () => {
    const f = parseFacts(pack, {
      aware_at: "2026-03-02T09:00+08:00",
      operator_type: "central_state_organ",
      cii_affected: false,
      direct_loss_rmb: 30_000_000,
      province_population_pct: 100,
      prefecture_population_pct: 0,
      important_data_harm: "none",
      suspected_crime: true,
      ransomware: false,
    });
    expect(f).toMatchObject({
      operator_type: "central_state_organ",
      cii_affected: false,
      direct_loss_rmb: 30_000_000,
      province_population_pct: 100,
      prefecture_population_pct: 0,
      important_data_harm: "none",
      suspected_crime: true,
      ransomware: false,
    });
    expect(new Date(f.aware_at as string).toISOString()).toBe("2026-03-02T01:00:00.000Z");
  });

  it("an empty object is valid: everything unknown", () => {
    expect(parseFacts(pack, {})).toEqual({});
  });

  it("null means unknown: dropped by parseFacts, kept by parseFactsUpdate (to clear a fact)", () => {
    const input = { direct_loss_rmb: null, operator_type: null, cii_affected: null, aware_at: null, personal_info_people: 5 };
    expect(parseFacts(pack, input)).toEqual({ personal_info_people: 5 });
    expect(parseFactsUpdate(pack, input)).toEqual({ direct_loss_rmb: null, operator_type: null, cii_affected: null, aware_at: null, personal_info_people: 5 });
    expect(knownFacts(parseFactsUpdate(pack, input))).toEqual({ personal_info_people: 5 });
  });

  it("null facts classify the same as absent ones", () => {
    const withNulls = classify(pack, parseFacts(pack, { personal_info_people: 1_200_000, direct_loss_rmb: null, portal_tier: null }));
    const without = classify(pack, parseFacts(pack, { personal_info_people: 1_200_000 }));
    expect(withNulls).toEqual(without);
    expect(withNulls.missing).toContain("direct_loss_rmb");
  });

  it.each(numberFacts)("%s: a negative number is an error naming the field", (name) => {
    expectFactsError(() => parseFacts(pack, { [name]: -1 }), name, "negative");
    expectFactsError(() => parseFacts(pack, { [name]: -0.001 }), name);
  });

  it.each(numberFacts)("%s: zero is valid", (name) => {
    expect(parseFacts(pack, { [name]: 0 })).toEqual({ [name]: 0 });
  });

  it.each([
    ['{"direct_loss_rmb":"NaN"}', "direct_loss_rmb"],
    ['{"direct_loss_rmb":"Infinity"}', "direct_loss_rmb"],
    ['{"personal_info_people":"-Infinity"}', "personal_info_people"],
    ['{"direct_loss_rmb":1e400}', "direct_loss_rmb"], // JSON.parse gives Infinity
    ['{"illegal_content_views":-1e400}', "illegal_content_views"],
    ['{"direct_loss_rmb":"5000000"}', "direct_loss_rmb"], // numbers as strings are not coerced
    ['{"direct_loss_rmb":true}', "direct_loss_rmb"],
    ['{"direct_loss_rmb":[5]}', "direct_loss_rmb"],
    ['{"direct_loss_rmb":{}}', "direct_loss_rmb"],
  ])("%s is an error naming %s", (json, field) => {
    expectFactsError(() => parseFacts(pack, JSON.parse(json) as unknown), field);
  });

  it("NaN and ±Infinity given directly are errors naming the field", () => {
    for (const v of [NaN, Infinity, -Infinity]) {
      expectFactsError(() => parseFacts(pack, { cii_full_outage_minutes: v }), "cii_full_outage_minutes");
    }
  });

  it.each(pctFacts)("%s: 100 is valid, over 100 is an error naming the field", (name) => {
    expect(parseFacts(pack, { [name]: 100 })).toEqual({ [name]: 100 });
    expectFactsError(() => parseFacts(pack, { [name]: 100.01 }), name, "100");
    expectFactsError(() => parseFacts(pack, { [name]: 250 }), name);
  });

  it("large counts are not capped", () => {
    expect(parseFacts(pack, { personal_info_people: 1_400_000_000 })).toEqual({ personal_info_people: 1_400_000_000 });
  });

  it.each(enumFacts)("%s: every declared value is valid, an unknown value is an error naming the field", (name) => {
    const def = pack.facts.find((f) => f.name === name);
    for (const v of def?.values ?? []) expect(parseFacts(pack, { [name]: v.value })).toEqual({ [name]: v.value });
    expectFactsError(() => parseFacts(pack, { [name]: "bogus" }), name);
    expectFactsError(() => parseFacts(pack, { [name]: "" }), name);
    expectFactsError(() => parseFacts(pack, { [name]: 1 }), name);
  });

  it("enum values are case-sensitive", () => {
    expectFactsError(() => parseFacts(pack, { operator_type: "Ordinary" }), "operator_type");
  });

  it.each(booleanFacts)("%s: true/false valid, strings and numbers are errors naming the field", (name) => {
    expect(parseFacts(pack, { [name]: true })).toEqual({ [name]: true });
    expect(parseFacts(pack, { [name]: false })).toEqual({ [name]: false });
    expectFactsError(() => parseFacts(pack, { [name]: "true" }), name);
    expectFactsError(() => parseFacts(pack, { [name]: 1 }), name);
  });

  it("aware_at: a non-ISO string or a number is an error naming the field", () => {
    expectFactsError(() => parseFacts(pack, { aware_at: "yesterday at 9" }), "aware_at", "yesterday at 9");
    expectFactsError(() => parseFacts(pack, { aware_at: "2026-13-02T09:00+08:00" }), "aware_at");
    expectFactsError(() => parseFacts(pack, { aware_at: 1772413200000 }), "aware_at");
    expectFactsError(() => parseFacts(pack, { aware_at: "" }), "aware_at");
  });

  it("an unknown field is an error naming it, never ignored", () => {
    expectFactsError(() => parseFacts(pack, { foo: 1 }), '"foo"');
    expectFactsError(() => parseFacts(pack, { personal_info_people: 5, direct_loss: 5 }), "direct_loss");
    // A misspelling must not be silently dropped even beside valid facts.
    expectFactsError(() => parseFacts(pack, { personalInfoPeople: 1_200_000 }), "personalInfoPeople");
  });

  it("several bad fields: every one is named", () => {
    const msg = expectFactsError(() => parseFacts(pack, { direct_loss_rmb: -1, portal_tier: "x", cii_affected: "yes" }));
    for (const f of ["direct_loss_rmb", "portal_tier", "cii_affected"]) expect(msg).toContain(f);
  });

  it.each([null, [], "facts", 42, true])("a non-object (%j) is an error", (input) => {
    expectFactsError(() => parseFacts(pack, input));
  });

  it("FactsError is an Error", () => {
    expect(new FactsError("x")).toBeInstanceOf(Error);
  });
});

describe("parseInstant", () => {
  it("keeps the given offset", () => {
    expect(parseInstant("2026-03-02T02:00-07:00", "Asia/Shanghai")?.toUTC().toISO()).toBe("2026-03-02T09:00:00.000Z");
    expect(parseInstant("2026-03-01T17:00:00Z", "Asia/Shanghai")?.toUTC().toISO()).toBe("2026-03-01T17:00:00.000Z");
  });
  it("reads a time without an offset in the authority's zone", () => {
    expect(parseInstant("2026-03-02T09:00", "Asia/Shanghai")?.toUTC().toISO()).toBe("2026-03-02T01:00:00.000Z");
    expect(parseInstant(" 2026-03-02T09:00 ", "Asia/Shanghai")?.toUTC().toISO()).toBe("2026-03-02T01:00:00.000Z");
  });
  it("returns undefined for garbage", () => {
    expect(parseInstant("not a time", "Asia/Shanghai")).toBeUndefined();
  });
});

describe("parseFactsText (name=value)", () => {
  it("the example of the product spec", () => {
    const f = parseFactsText(pack, "personal_info_people=1200000 cii_affected=true aware_at=2026-03-02T09:00+08:00");
    expect(f).toMatchObject({ personal_info_people: 1_200_000, cii_affected: true });
    expect(new Date(f.aware_at as string).toISOString()).toBe("2026-03-02T01:00:00.000Z");
  });

  it("the empty text is no facts", () => {
    expect(parseFactsText(pack, "")).toEqual({});
    expect(parseFactsText(pack, "   ")).toEqual({});
  });

  it.each([
    ["1_200_000", 1_200_000],
    ["1,200,000", 1_200_000],
    ['"1 200 000"', 1_200_000],
    ["'1 200 000'", 1_200_000],
    ["1200000", 1_200_000],
    ["1.5e6", 1_500_000],
    ["0", 0],
  ] as [string, number][])("personal_info_people=%s is %d", (text, value) => {
    expect(parseFactsText(pack, `personal_info_people=${text}`)).toEqual({ personal_info_people: value });
  });

  it("quoted values with spaces", () => {
    expect(parseFactsText(pack, 'direct_loss_rmb="30 000 000" operator_type="central_state_organ"')).toEqual({
      direct_loss_rmb: 30_000_000,
      operator_type: "central_state_organ",
    });
    expect(parseFactsText(pack, "operator_type=' ordinary ' cii_affected=\"yes\"")).toEqual({ operator_type: "ordinary", cii_affected: true });
  });

  it("a quoted value with a space that is invalid names the whole pair", () => {
    expectFactsError(() => parseFactsText(pack, 'portal_tier="central portal"'), "portal_tier=central portal");
  });

  it.each([
    ["yes", true],
    ["no", false],
    ["YES", true],
    ["No", false],
    ["true", true],
    ["false", false],
    ["y", true],
    ["n", false],
    ["1", true],
    ["0", false],
  ] as [string, boolean][])("cii_affected=%s is %s", (text, value) => {
    expect(parseFactsText(pack, `cii_affected=${text}`)).toEqual({ cii_affected: value });
  });

  it("unknown, null and an empty value mean unknown (null)", () => {
    expect(parseFactsText(pack, "direct_loss_rmb=unknown cii_affected=null portal_tier=")).toEqual({
      direct_loss_rmb: null,
      cii_affected: null,
      portal_tier: null,
    });
  });

  it("enum value none is the value none, not unknown", () => {
    expect(parseFactsText(pack, "important_data_harm=none")).toEqual({ important_data_harm: "none" });
  });

  it("an aware_at without an offset is China Standard Time", () => {
    const f = parseFactsText(pack, "aware_at=2026-03-02T09:00");
    expect(new Date(f.aware_at as string).toISOString()).toBe("2026-03-02T01:00:00.000Z");
  });

  it("an unknown name is an error naming the pair", () => {
    const msg = expectFactsError(() => parseFactsText(pack, "personal_info_people=5 foo=1"), "foo=1");
    expect(msg).toContain('unknown fact "foo"');
  });

  it("a token without = is an error naming the token", () => {
    expectFactsError(() => parseFactsText(pack, "personal_info_people=5 oops"), '"oops"', "name=value");
    expectFactsError(() => parseFactsText(pack, "1200000"), "1200000");
  });

  it.each([
    ["cii_affected=maybe", "cii_affected=maybe"],
    ["direct_loss_rmb=-5", "direct_loss_rmb=-5"],
    ["direct_loss_rmb=NaN", "direct_loss_rmb=NaN"],
    ["direct_loss_rmb=Infinity", "direct_loss_rmb=Infinity"],
    ["direct_loss_rmb=1e400", "direct_loss_rmb=1e400"],
    ["direct_loss_rmb=0x10", "direct_loss_rmb=0x10"],
    ["direct_loss_rmb=5M", "direct_loss_rmb=5M"],
    ["province_population_pct=101", "province_population_pct=101"],
    ["operator_type=government", "operator_type=government"],
    ["aware_at=yesterday", "aware_at=yesterday"],
  ])("a bad value (%s) is an error naming the pair", (text, pair) => {
    expectFactsError(() => parseFactsText(pack, `personal_info_people=5 ${text}`), pair);
  });
});
