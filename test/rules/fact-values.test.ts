import { describe, expect, it } from "vitest";
import { parseFacts, parseFactsText, parseInstant } from "../../src/rules/facts.js";
import { parseRulePack } from "../../src/rules/pack.js";
import { expectFactsError, pack, rawPack } from "./helpers.js";

const integerFacts = ["essential_services_people", "personal_info_people", "illegal_content_shares", "illegal_content_views"];

describe("fact values: counts are whole, amounts bounded, times complete and plausible", () => {
  it("the pack marks people and count facts as integers and bounds every number fact", () => {
    expect(pack.facts.filter((f) => f.integer).map((f) => f.name).sort()).toEqual([...integerFacts].sort());
    for (const f of pack.facts.filter((d) => d.type === "number")) expect(f.max, f.name).toBeGreaterThan(0);
  });

  it.each(integerFacts)("%s: a fraction is an error naming the field, in JSON and typed", (name) => {
    expectFactsError(() => parseFacts(pack, { [name]: 0.5 }), name, "whole number");
    expectFactsError(() => parseFactsText(pack, `${name}=0.5`), `${name}=0.5`, "whole number");
    expectFactsError(() => parseFactsText(pack, `${name}=12.5`), "whole number");
  });

  it("a fraction of an hour or a yuan is fine", () => {
    expect(parseFactsText(pack, "portal_outage_hours=1.5 direct_loss_rmb=1234.56")).toEqual({ portal_outage_hours: 1.5, direct_loss_rmb: 1234.56 });
  });

  it.each(pack.facts.filter((f) => f.type === "number").map((f) => f.name))("%s: 1e300 is above its maximum", (name) => {
    expectFactsError(() => parseFacts(pack, { [name]: 1e300 }), name, "at most");
    expectFactsError(() => parseFactsText(pack, `${name}=1e300`), `${name}=1e300`, "at most");
  });

  it("everyone on Earth is a count warroom takes", () => {
    expect(parseFacts(pack, { personal_info_people: 8_200_000_000 })).toEqual({ personal_info_people: 8_200_000_000 });
  });

  it.each(["1_2", "12,34", "1,2,3", "1 2", "1__000", "1,000_000", "_100", "100_", "1e3_0"])("personal_info_people=%j: digits grouped anywhere but by thousands are refused", (text) => {
    expectFactsError(() => parseFactsText(pack, `personal_info_people="${text}"`), "personal_info_people=");
  });

  it.each([
    ["1_200_000", 1_200_000],
    ["1,200,000", 1_200_000],
    ["1 200 000", 1_200_000],
    ["999", 999],
    ["1.5e6", 1_500_000],
  ])("personal_info_people=%j is still %d", (text, value) => {
    expect(parseFactsText(pack, `personal_info_people="${text}"`)).toEqual({ personal_info_people: value });
  });

  it.each([
    ["2026-03-02", "a date and a time"],
    ["2026-03-02T09", "a date and a time"],
    ["20260302T0900", "not an ISO-8601 date and time"],
    ["2026-W10-1T09:00", "not an ISO-8601 date and time"],
    ["2026-03-02T09:00+99:00", "within ±14:00"],
    ["2026-03-02T09:00+14:30", "within ±14:00"],
    ["2026-03-02T09:00-1401", "within ±14:00"],
    ["1900-03-02T09:00+08:00", "before 2000-01-01"],
    ["1999-12-31T23:59+08:00", "before 2000-01-01"],
    ["+275760-09-13T00:00:00Z", "not an ISO-8601 date and time"],
    ["275760-09-13T00:00:00Z", "not an ISO-8601 date and time"],
  ])("aware_at=%s is refused: %s", (text, reason) => {
    expectFactsError(() => parseFacts(pack, { aware_at: text }), "aware_at", reason);
    expectFactsError(() => parseFactsText(pack, `aware_at=${text}`), `aware_at=${text}`, reason);
    expect(parseInstant(text, pack.authority_zone)).toBeUndefined();
  });

  it.each([
    ["2026-03-02T09:00+08:00", "2026-03-02T01:00:00.000Z"],
    ["2026-03-02 09:00", "2026-03-02T01:00:00.000Z"],
    ["2026-03-02T09:00:30.5Z", "2026-03-02T09:00:30.500Z"],
    ["2026-03-02T09:00+14:00", "2026-03-01T19:00:00.000Z"],
    ["2026-03-02T09:00-12:00", "2026-03-02T21:00:00.000Z"],
    ["2000-01-01T00:00+08:00", "1999-12-31T16:00:00.000Z"],
  ])("aware_at=%s is taken", (text, utc) => {
    expect(parseFacts(pack, { aware_at: text })).toEqual({ aware_at: utc });
  });

  it("the pack refuses integer on a non-number fact and a number fact without a maximum", () => {
    const raw = rawPack();
    const cii = raw.facts.find((f) => f.name === "cii_affected") as Record<string, unknown>;
    cii.integer = true;
    expect(() => parseRulePack(raw, "test")).toThrow(/cii_affected.*integer/);
    const raw2 = rawPack();
    delete (raw2.facts.find((f) => f.name === "direct_loss_rmb") as Record<string, unknown>).max;
    expect(() => parseRulePack(raw2, "test")).toThrow(/direct_loss_rmb.*max/);
  });
});
