import { describe, expect, it } from "vitest";
import { commandText, OptionError } from "../../adapters/discord/commands.js";
import { FormStore, modalFor, paginate, parseModalId, modalId } from "../../adapters/discord/modals.js";
import { describeErrors } from "../../src/bot/forms.js";
import { nonceFor, renderMessage } from "../../adapters/discord/render.js";
import { loadRulePack } from "../../src/rules/pack.js";
import { parseArgs, tokens } from "../../src/bot/args.js";
import { open } from "../../commands/open.js";
import { parseFactsText } from "../../src/rules/facts.js";
import { factsForm } from "../../commands/forms.js";

const pack = loadRulePack();

describe("slash options → the router's text form", () => {
  it("maps kebab-case fact options back to snake_case pairs the facts parser accepts", () => {
    const text = commandText(pack, "facts", [
      { name: "personal-info-people", value: 1200000 },
      { name: "cii-affected", value: false },
      { name: "operator-type", value: "ordinary" },
      { name: "aware-at", value: "2026-03-02 08:30" },
    ]);
    expect(text).toBe('facts aware_at="2026-03-02 08:30" operator_type=ordinary cii_affected=false personal_info_people=1200000');
    expect(parseFactsText(pack, text.slice("facts ".length))).toMatchObject({ personal_info_people: 1200000, cii_affected: false, operator_type: "ordinary" });
  });

  it("keeps a title with spaces and quotes one word, and turns flags into --flags", () => {
    const text = commandText(pack, "open", [
      { name: "title", value: `Payment "core" DB` },
      { name: "private", value: true },
      { name: "aware", value: "2026-03-02T08:00+08:00" },
    ]);
    const args = parseArgs(tokens(text).slice(1), { value: open.valueFlags, boolean: open.booleanFlags });
    expect(args.positional).toEqual([`Payment "core" DB`]);
    expect(args.flags).toEqual({ private: true, aware: "2026-03-02T08:00+08:00" });
  });

  it("builds role, report edit, submitted and --incident text", () => {
    expect(commandText(pack, "role", [{ name: "role", value: "commander" }, { name: "user", value: "123456789012345678" }])).toBe("role commander <@123456789012345678>");
    expect(commandText(pack, "report-edit", [{ name: "item", value: 1 }, { name: "text", value: "ACME  Pay\nLtd" }, { name: "incident", value: 4 }])).toBe("report edit --incident 4 1 ACME Pay Ltd");
    expect(commandText(pack, "report-edit", [])).toBe("report edit");
    expect(commandText(pack, "submitted", [{ name: "channel", value: "hotline" }, { name: "reference", value: "REF 1" }, { name: "kind", value: "initial" }])).toBe('submitted hotline "REF 1" --kind initial');
    expect(commandText(pack, "police", [{ name: "reported", value: true }, { name: "note", value: "Station 3, case 42" }])).toBe("police reported Station 3, case 42");
  });

  it("rejects options it does not know or of the wrong type", () => {
    expect(() => commandText(pack, "facts", [{ name: "no-such-fact", value: 1 }])).toThrow(OptionError);
    expect(() => commandText(pack, "facts", [{ name: "cii-affected", value: "yes" }])).toThrow(OptionError);
    expect(() => commandText(pack, "nope", [])).toThrow(OptionError);
  });
});

describe("forms as Discord modals", () => {
  const form = factsForm(pack);

  it("splits the 24 facts into pages of at most five inputs within Discord's limits", () => {
    const pages = paginate(form);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 4]);
    for (let page = 0; page < pages.length; page++) {
      const modal = modalFor(form, pages, { formId: form.id, context: { incidentId: 999999999, channelId: "12345678901234567890" }, page, pages: pages.length }, {});
      expect(modal.title.length).toBeLessThanOrEqual(45);
      expect(modal.custom_id.length).toBeLessThanOrEqual(100);
      for (const row of modal.components) {
        const [input] = row.components;
        expect(input.label.length).toBeLessThanOrEqual(45);
        expect((input.placeholder ?? "").length).toBeLessThanOrEqual(100);
      }
    }
    const operator = modalFor(form, pages, { formId: form.id, context: { channelId: "1" }, page: 0, pages: 5 }, {}).components[1]?.components[0];
    expect(operator?.placeholder).toBe("ordinary | central_state_organ");
  });

  it("round-trips the form context through the custom_id", () => {
    const ref = { formId: "incident_facts", context: { incidentId: 12, channelId: "987654321098765432" }, page: 2, pages: 5 };
    expect(parseModalId(modalId(ref))).toEqual(ref);
    expect(parseModalId(modalId({ ...ref, context: { channelId: "5" } }))?.context).toEqual({ channelId: "5" });
    expect(parseModalId("wrm:incident_facts:1:2:7:5")).toBeUndefined();
  });

  it("forgets an abandoned form once it goes stale", () => {
    let now = 0;
    const store = new FormStore({ ttlMs: 1000, now: () => now });
    const session = store.start("u1", { form, values: {}, context: { incidentId: 1, channelId: "c" } });
    store.savePage(session, 0, { operator_type: "ordinary" });
    const ref = store.ref(session, 1);
    expect(store.get("u1", ref)?.values.operator_type).toBe("ordinary");
    expect(store.get("u2", ref)).toBeUndefined();
    now = 5000;
    expect(store.get("u1", ref)).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it("names refused fields by label and revisits only their pages", () => {
    const store = new FormStore();
    const session = store.start("u1", { form, values: {}, context: { channelId: "c" } });
    const errors = { ransomware: "expected a boolean", portal_tier: "unknown value" };
    expect(store.markErrors(session, errors)).toBe(1);
    expect(session.todo).toEqual([1, 4]);
    expect(describeErrors(errors, form)).toEqual([expect.stringContaining("(portal_tier): unknown value"), expect.stringContaining("(ransomware): expected a boolean")]);
  });
});

describe("messages as Discord payloads", () => {
  it("pings exactly the mentioned users, from the content, and nobody else", () => {
    const r = renderMessage({ text: "<@1> <@2> due", title: "Due", body: "text with <@3> and @everyone", mentions: ["1", "2"], tone: "danger" });
    expect(r.content).toBe("<@1> <@2>");
    expect(r.allowed_mentions).toEqual({ parse: [], users: ["1", "2"] });
    // @everyone is shown as text (a zero-width space after the @), not only kept from pinging.
    expect(r.embeds[0]).toMatchObject({ title: "Due", description: "text with <@3> and @\u200beveryone", color: 0xdc2626 });
  });

  it("keeps within Discord's limits and carries the key", () => {
    const long = "x".repeat(5000);
    const r = renderMessage(
      { text: long, fields: Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: long })), buttons: Array.from({ length: 7 }, (_, i) => ({ action: `a${i}`, label: `B${i}`, value: "1" })) },
      { ref: "k1" },
    );
    const embed = r.embeds[0];
    expect(embed?.fields?.length).toBeLessThanOrEqual(25);
    expect(embed?.fields?.every((f) => f.value.length <= 1024)).toBe(true);
    const total = (embed?.description?.length ?? 0) + (embed?.footer?.text.length ?? 0) + (embed?.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(renderMessage({ text: "t", fields: Array.from({ length: 30 }, (_, i) => ({ label: `f${i}`, value: "v" })) }).embeds[0]?.fields).toHaveLength(25);
    expect(r.components.map((row) => row.components.length)).toEqual([5, 2]);
    expect(r.components[0]?.components[0]?.custom_id).toBe("warroom:a0:1");
    expect(r.embeds[0]?.footer?.text).toBe("ref k1");
    expect(nonceFor("k1")).toHaveLength(25);
    expect(nonceFor("k1")).toBe(nonceFor("k1"));
    expect(nonceFor("k2")).not.toBe(nonceFor("k1"));
  });
});
