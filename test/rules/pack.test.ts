import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_PACK_PATH, RulePackError, loadRulePack, mergeOverride, parseRulePack } from "../../src/rules/pack.js";
import { classify } from "../../src/rules/classify.js";
import { parseFacts } from "../../src/rules/facts.js";
import { criterion, pack, rawCriterion, rawPack, run, type RawPack } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "warroom-rules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function writeTemp(content: string): string {
  const path = join(dir, `override-${++n}.json`);
  writeFileSync(path, content, "utf8");
  return path;
}

/** The RulePackError thrown by fn (fails the test if none is thrown). */
function packError(fn: () => unknown): string {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, "expected a RulePackError").toBeInstanceOf(RulePackError);
  return (caught as Error).message;
}

describe("the shipped pack", () => {
  it("loads and validates", () => {
    const p = loadRulePack();
    expect(p.id).toBe("cac-2025");
    expect(p.authority_zone).toBe("Asia/Shanghai");
    expect(p.levels.map((l) => [l.id, l.rank, l.reportable])).toEqual([
      ["particularly_significant", 3, true],
      ["significant", 2, true],
      ["major", 1, true],
      ["general", 0, false],
    ]);
    expect(p.deadlines.map((d) => [d.id, d.hours])).toEqual([
      ["cii", 1],
      ["central_state_organ", 2],
      ["ordinary", 4],
    ]);
    expect(p.deadlines.find((d) => d.id === "ordinary")?.when_any).toEqual([]);
  });

  it("is cached: loading twice gives the same object", () => {
    expect(loadRulePack()).toBe(loadRulePack());
  });

  it("the raw file parses with parseRulePack to the same pack", () => {
    expect(parseRulePack(rawPack(), DEFAULT_PACK_PATH)).toEqual(pack);
  });

  it("every criterion names a source the pack defines, and ids are unique", () => {
    const ids = pack.criteria.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of pack.criteria) expect(Object.keys(pack.sources), c.id).toContain(c.source);
  });
});

describe("a broken pack throws RulePackError naming the bad entry", () => {
  function broken(mutate: (raw: RawPack) => void): string {
    const raw = rawPack();
    mutate(raw);
    return packError(() => parseRulePack(raw, "test-pack.json"));
  }

  it("criterion with an unknown level", () => {
    const msg = broken((raw) => {
      rawCriterion(raw, "loss_m").level = "catastrophic";
    });
    expect(msg).toContain('"loss_m"');
    expect(msg).toContain("catastrophic");
    expect(msg).toContain("test-pack.json");
  });

  it("criterion on an unknown fact", () => {
    const msg = broken((raw) => {
      rawCriterion(raw, "loss_m").when.fact = "loss_in_dollars";
    });
    expect(msg).toContain('"loss_m"');
    expect(msg).toContain("loss_in_dollars");
  });

  it("criterion with an unknown fact in its also condition", () => {
    const msg = broken((raw) => {
      const c = rawCriterion(raw, "portal_ps");
      c.also = [{ fact: "site_kind", in: ["x"] }];
    });
    expect(msg).toContain('"portal_ps"');
    expect(msg).toContain("site_kind");
  });

  it("criterion with a negative threshold", () => {
    const msg = broken((raw) => {
      rawCriterion(raw, "loss_m").when.gte = -1;
    });
    expect(msg).toContain('"loss_m"');
    expect(msg).toContain("gte");
  });

  it("criterion with a non-numeric threshold", () => {
    const msg = broken((raw) => {
      (rawCriterion(raw, "loss_m").when as unknown as Record<string, unknown>).gte = "5000000";
    });
    expect(msg).toContain('"loss_m"');
  });

  it("criterion with no comparison", () => {
    const msg = broken((raw) => {
      rawCriterion(raw, "loss_m").when = { fact: "direct_loss_rmb" };
    });
    expect(msg).toContain('"loss_m"');
  });

  it("duplicate criterion id", () => {
    const msg = broken((raw) => {
      const copy = { ...rawCriterion(raw, "loss_m"), level: "significant" };
      raw.criteria.push(copy);
    });
    expect(msg).toContain('"loss_m"');
    expect(msg).toMatch(/duplicate/i);
  });

  it("enum criterion with a value the fact does not have", () => {
    const msg = broken((raw) => {
      rawCriterion(raw, "other_harm_m").when.in = ["moderate"];
    });
    expect(msg).toContain('"other_harm_m"');
    expect(msg).toContain("moderate");
  });

  it("numeric comparison on a non-number fact", () => {
    const msg = broken((raw) => {
      rawCriterion(raw, "important_data_m").when = { fact: "important_data_harm", gte: 1 };
    });
    expect(msg).toContain('"important_data_m"');
    expect(msg).toContain("important_data_harm");
  });

  it("criterion with an unknown source", () => {
    const msg = broken((raw) => {
      rawCriterion(raw, "loss_s").source = "rumour";
    });
    expect(msg).toContain('"loss_s"');
    expect(msg).toContain("rumour");
  });

  it("criterion with an unknown field", () => {
    const msg = broken((raw) => {
      (rawCriterion(raw, "essential_m") as unknown as Record<string, unknown>).threshold = 5;
    });
    expect(msg).toContain('"essential_m"');
  });

  it("deadline condition on an unknown fact", () => {
    const msg = broken((raw) => {
      const d = raw.deadlines.find((x) => x.id === "cii");
      if (d) d.when_any = [{ fact: "is_cii", equals: true }];
    });
    expect(msg).toContain('"cii"');
    expect(msg).toContain("is_cii");
  });

  it("no catch-all deadline", () => {
    const msg = broken((raw) => {
      raw.deadlines = raw.deadlines.filter((d) => d.id !== "ordinary");
    });
    expect(msg).toContain("deadlines");
  });

  it("deadline with a non-positive number of hours", () => {
    const msg = broken((raw) => {
      const d = raw.deadlines.find((x) => x.id === "central_state_organ");
      if (d) d.hours = 0;
    });
    expect(msg).toContain('"central_state_organ"');
  });

  it("invalid authority zone", () => {
    const msg = broken((raw) => {
      raw.authority_zone = "China/Beijing";
    });
    expect(msg).toContain("authority_zone");
  });

  it.each([null, [], "pack", 1])("not an object (%j)", (raw) => {
    packError(() => parseRulePack(raw, "x.json"));
  });

  it("RulePackError is an Error", () => {
    expect(new RulePackError("x")).toBeInstanceOf(Error);
  });
});

describe("deployment override file", () => {
  const OVERRIDE = '{"criteria":[{"id":"loss_m","when":{"fact":"direct_loss_rmb","gte":3000000}}]}';

  it("changing one threshold changes classification", () => {
    const p = loadRulePack(writeTemp(OVERRIDE));
    expect(criterion("loss_m", p).when.gte).toBe(3_000_000);
    const facts = parseFacts(p, { direct_loss_rmb: 3_000_000 });
    const result = classify(p, facts);
    expect(result.level).toBe("major");
    expect(result.criteria[0]).toMatchObject({ id: "loss_m", value: 3_000_000, threshold: 3_000_000 });
    expect(classify(p, parseFacts(p, { direct_loss_rmb: 2_999_999 })).level).toBe("general");
    // The shipped pack is untouched.
    expect(run({ direct_loss_rmb: 3_000_000 }).level).toBe("general");
    expect(criterion("loss_m").when.gte).toBe(5_000_000);
    expect(loadRulePack().criteria).toEqual(pack.criteria);
  });

  it("leaves the other criteria and the rest of loss_m intact", () => {
    const p = loadRulePack(writeTemp(OVERRIDE));
    expect(p.criteria.map((c) => c.id)).toEqual(pack.criteria.map((c) => c.id));
    for (const c of p.criteria) {
      if (c.id === "loss_m") continue;
      expect(c, c.id).toEqual(criterion(c.id));
    }
    const { when: _w, ...rest } = criterion("loss_m", p);
    const { when: _w0, ...rest0 } = criterion("loss_m");
    expect(rest).toEqual(rest0);
    expect(p.deadlines).toEqual(pack.deadlines);
    expect(p.facts).toEqual(pack.facts);
    expect(p.levels).toEqual(pack.levels);
    const s = classify(p, parseFacts(p, { direct_loss_rmb: 20_000_000 }));
    expect(s.level).toBe("significant");
  });

  it("an override may add a criterion", () => {
    const extra = {
      id: "loss_local",
      level: "major",
      when: { fact: "personal_info_people", gte: 500_000 },
      confirmed: false,
      source: "local",
      en: "Local rule",
      zh: "本地规则",
    };
    // A criterion names its source; an override adding one adds the source it stands on.
    const p = loadRulePack(writeTemp(JSON.stringify({ sources: { local: "Group policy 7.2" }, criteria: [extra] })));
    expect(p.criteria.length).toBe(pack.criteria.length + 1);
    expect(classify(p, parseFacts(p, { personal_info_people: 600_000 })).criteria.map((c) => c.id)).toEqual(["loss_local"]);
  });

  it("an override may change a deadline", () => {
    const p = loadRulePack(writeTemp('{"deadlines":[{"id":"ordinary","hours":3}]}'));
    const r = classify(p, parseFacts(p, { personal_info_people: 1_200_000, operator_type: "ordinary", cii_affected: false, aware_at: "2026-03-02T09:00+08:00" }));
    expect(r.deadline).toBe("2026-03-02T12:00:00+08:00");
    expect(r.deadline_hours).toBe(3);
  });

  it("an invalid override throws RulePackError naming the entry", () => {
    const msg = packError(() => loadRulePack(writeTemp('{"criteria":[{"id":"loss_m","level":"catastrophic"}]}')));
    expect(msg).toContain('"loss_m"');
    expect(msg).toContain("catastrophic");
    const neg = packError(() => loadRulePack(writeTemp('{"criteria":[{"id":"loss_s","when":{"fact":"direct_loss_rmb","gte":-5}}]}')));
    expect(neg).toContain('"loss_s"');
  });

  it("an override file that is not valid JSON throws RulePackError", () => {
    const path = writeTemp('{"criteria": [ {"id": "loss_m", ');
    const msg = packError(() => loadRulePack(path));
    expect(msg).toContain(path);
    expect(msg).toMatch(/JSON/);
  });

  it("an override file that is a JSON array throws RulePackError", () => {
    packError(() => loadRulePack(writeTemp("[]")));
  });

  it("a missing override file throws RulePackError", () => {
    const path = join(dir, "does-not-exist.json");
    const msg = packError(() => loadRulePack(path));
    expect(msg).toContain(path);
  });
});

describe("mergeOverride", () => {
  it("merges arrays of entries by id and objects by key, replaces the rest", () => {
    const base = { a: [{ id: "x", v: 1, w: { p: 1, q: 2 } }, { id: "y", v: 2 }], b: { c: 1, d: 2 }, e: [1, 2], f: "s" };
    const out = mergeOverride(base, { a: [{ id: "x", w: { q: 3 } }, { id: "z", v: 9 }], b: { d: 5 }, e: [3], f: "t" });
    expect(out).toEqual({
      a: [{ id: "x", v: 1, w: { p: 1, q: 3 } }, { id: "y", v: 2 }, { id: "z", v: 9 }],
      b: { c: 1, d: 5 },
      e: [3],
      f: "t",
    });
    // The base is not mutated.
    expect(base.a[0]).toEqual({ id: "x", v: 1, w: { p: 1, q: 2 } });
    expect(base.b).toEqual({ c: 1, d: 2 });
  });

  it("merges facts by name", () => {
    const out = mergeOverride({ facts: [{ name: "a", en: "A" }, { name: "b", en: "B" }] }, { facts: [{ name: "b", en: "Bee" }] });
    expect(out).toEqual({ facts: [{ name: "a", en: "A" }, { name: "b", en: "Bee" }] });
  });
});
