import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { runTs } from "../support/run-ts.js";

const future = DateTime.utc().plus({ days: 2 }).toISO();

// Each case is its own process: run them side by side.
describe.concurrent("warroom classify refuses implausible fact values", () => {
  it.each([
    ["a fraction of a person", { personal_info_people: 0.5 }, /^warroom: personal_info_people: must be a whole number$/],
    ["1e300 people", { personal_info_people: 1e300 }, /^warroom: personal_info_people: must be at most 10,000,000,000$/],
    ["1e300 yuan", { direct_loss_rmb: 1e300 }, /^warroom: direct_loss_rmb: must be at most /],
    ["a date without a time", { aware_at: "2026-03-02" }, /^warroom: aware_at: "2026-03-02" needs a date and a time/],
    ["an offset of +99:00", { aware_at: "2026-03-02T09:00+99:00" }, /^warroom: aware_at: .*within ±14:00/],
    ["the year 1900", { aware_at: "1900-03-02T09:00+08:00" }, /^warroom: aware_at: .*before 2000-01-01/],
    ["the year 275760", { aware_at: "+275760-09-13T00:00:00Z" }, /^warroom: aware_at: "\+275760-09-13T00:00:00Z" is not an ISO-8601 date and time/],
    ["an awareness in the future", { aware_at: future }, /^warroom: aware_at: the time of awareness cannot be in the future$/],
  ])("exits 2 with one line on stderr for %s", async (_name, facts, pattern) => {
    const r = await runTs("bin/warroom.ts", ["classify", "-"], { input: JSON.stringify(facts) });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(pattern);
  });
});
