import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { harness, textOf, type Harness } from "../support/harness.js";
import { FactsError, knownFacts, parseFacts, parseFactsText, parseFactsUpdate } from "../../src/rules/facts.js";
import { classify } from "../../src/rules/classify.js";
import { loadRulePack } from "../../src/rules/pack.js";
import { parseArgs, tokens } from "../../src/bot/args.js";
import { UsageError } from "../../src/bot/errors.js";
import { COMMANDS } from "../../commands/index.js";
import { FORM_IDS } from "../../commands/forms.js";

const pack = loadRulePack();
/** 200 runs keep the suite fast; PROPERTY_RUNS=5000 (and a longer --testTimeout) explores further. */
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };

/** Pieces that have broken parsers and terminals before: escapes, bidi, mentions, quotes, numbers, names. */
const PIECES = [
  "\u001b]0;pwned\u0007", "\u001b[31m", "\u0000", "\u0007", "\u009b", "\u007f", "\r", "\n", "\t", "\u202e", "\u2066", "\u2069", "\u200b", "\ufeff",
  "\ud800", "\udc00", "😀", "支付数据库", "é", "<@U123>", "<@U123|bob>", "<!channel>", "<!subteam^S1>", "<#C1>", "@everyone", "[x](https://e.example)",
  '"', "'", "“", "”", "=", " ", "  ", "--", "--incident", "--incident=", "--aware", "--private", "--bogus", "#", "1e3", "0x10", "1.0", "-1", "1_2", "1,200,000",
  "NaN", "Infinity", "1e400", "null", "unknown", "true", "是", "aware_at=", "personal_info_people=", "direct_loss_rmb=", "operator_type=", "cii_affected=",
  "2026-03-02", "2026-03-02T09:00+99:00", "1900-01-01T00:00Z", "+275760-09-13T00:00:00Z", "9".repeat(400), "x".repeat(3000),
];
const FACT_NAMES = pack.facts.map((f) => f.name);

const hostileText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: fc.constantFrom(...PIECES), maxLength: 30 }),
  fc.array(fc.oneof(fc.constantFrom(...FACT_NAMES).map((n) => `${n}=`), fc.constantFrom(...PIECES), fc.string({ unit: "binary", maxLength: 20 })), { maxLength: 20 }).map((parts) => parts.join("")),
  fc.constantFrom("y".repeat(20_000), `personal_info_people=${"9".repeat(30_000)}`, `"${"q".repeat(15_000)}`, "\u001b".repeat(12_000)),
);

/** A thrown error of the domain's own kinds is a refusal; anything else is a bug. */
function outcome(fn: () => unknown, ...allowed: (new (...args: never[]) => Error)[]): "ok" | "refused" {
  try {
    fn();
    return "ok";
  } catch (err) {
    if (allowed.some((k) => err instanceof k)) return "refused";
    throw err;
  }
}

/** Every row of every table: a refused command must leave this exactly as it was. */
function contents(h: Harness): string {
  const tables = h.app.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return JSON.stringify(tables.map((t) => [t, h.app.db.prepare(`SELECT * FROM ${t}`).all()]));
}

const STORED_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("hostile input, property-based", () => {
  it("the facts text parser returns valid facts or throws FactsError, and what it returns classifies", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        let parsed: ReturnType<typeof parseFactsText> | undefined;
        const r = outcome(() => (parsed = parseFactsText(pack, text)), FactsError);
        if (r === "ok" && parsed) {
          // What it returns is what the JSON path accepts, and classify takes it.
          expect(parseFactsUpdate(pack, parsed)).toEqual(parsed);
          classify(pack, knownFacts(parsed));
        }
      }),
      RUNS,
    );
  });

  it("the tokenizer and parseArgs return or throw UsageError, for every command's declared options", () => {
    fc.assert(
      fc.property(hostileText, fc.constantFrom(...COMMANDS), (text, def) => {
        const words = tokens(text);
        for (const w of words) expect(typeof w.text).toBe("string");
        outcome(() => parseArgs(words, { value: ["incident", ...(def.valueFlags ?? [])], boolean: def.booleanFlags, freeText: def.freeText }), UsageError);
      }),
      RUNS,
    );
  });

  it("parseFacts and classify take any JSON: facts or FactsError, never another error", () => {
    const value = fc.oneof(fc.jsonValue(), hostileText, fc.double(), fc.constantFrom(0.5, 1e300, -0, Number.MAX_VALUE, 2 ** 53, "2026-03-02", "2026-03-02T09:00+08:00"));
    const factsObject = fc.dictionary(fc.oneof(fc.constantFrom(...FACT_NAMES), hostileText), value, { maxKeys: 8 });
    fc.assert(
      fc.property(fc.oneof(factsObject, fc.jsonValue()), (json) => {
        let facts: ReturnType<typeof parseFacts> | undefined;
        if (outcome(() => (facts = parseFacts(pack, json)), FactsError) === "ok" && facts) {
          const result = classify(pack, facts);
          expect(pack.levels.map((l) => l.id)).toContain(result.level);
        }
      }),
      RUNS,
    );
  });

  it("the router answers any command text; a refusal writes nothing, and nothing stored carries a control character", async () => {
    const h = harness();
    await h.say("open Outage");
    const room = h.room();
    const verbs = ["", "open ", "facts ", "update ", "report edit 2 ", "role compliance ", "submitted hotline ", "disclose block ", "police reported ", "status --incident ", "timeline "];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...verbs), hostileText, async (verb, text) => {
        const before = contents(h);
        const reply = await h.app.router.command({ actor: { platform: "test", id: "alice", name: text.slice(0, 200) }, channelId: room, text: `${verb}${text}` });
        await h.app.outbox.deliver();
        const said = textOf(reply);
        expect(said).not.toContain("Something went wrong");
        if (said.startsWith("⚠️")) {
          // A refusal: one line (and the usage line), quoting little of what was typed.
          expect(reply.ephemeral).toBe(true);
          expect(said.split("\n").length).toBeLessThanOrEqual(2);
          expect(said.length).toBeLessThan(2_000);
          expect(contents(h)).toBe(before);
        }
        expect(contents(h)).not.toMatch(STORED_CONTROL);
        expect(h.errors).toEqual([]);
      }),
      RUNS,
    );
  });

  it("a form submission with any values is saved or answered field by field, writing nothing when refused", async () => {
    const h = harness();
    await h.say("open Outage");
    const room = h.room();
    const forms = [FORM_IDS.facts, FORM_IDS.open, FORM_IDS.report, FORM_IDS.submission];
    const fields = [...FACT_NAMES, "title", "description", "cause", "trend", "channel", "reference", "submitted_at", "kind"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...forms), fc.dictionary(fc.constantFrom(...fields), hostileText, { maxKeys: 4 }), async (formId, values) => {
        const before = contents(h);
        const result = await h.app.router.submitForm({ actor: { platform: "test", id: "alice" }, formId, values, context: { incidentId: 1, channelId: room } });
        await h.app.outbox.deliver();
        if (!result.ok) {
          for (const message of Object.values(result.errors)) expect(message.length).toBeLessThan(1_000);
          expect(contents(h)).toBe(before);
        } else {
          expect(textOf(result.reply)).not.toContain("Something went wrong");
        }
        expect(contents(h)).not.toMatch(STORED_CONTROL);
        expect(h.errors).toEqual([]);
      }),
      RUNS,
    );
  });
});
