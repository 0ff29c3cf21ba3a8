import { describe, expect, it } from "vitest";
import { renderMessage, actionName } from "../../adapters/slack/render.js";
import { blockErrors, renderModal, stateToValues } from "../../adapters/slack/modal.js";
import { channelName } from "../../adapters/slack/port.js";
import type { FormDef } from "../../src/bot/forms.js";

type AnyBlock = { type: string; block_id?: string; text?: { text: string }; fields?: { text: string }[]; elements?: { action_id: string }[]; element?: Record<string, unknown>; label?: { text: string } };

describe("Block Kit rendering of messages", () => {
  it("keeps intended user mentions and makes broadcast and group pings inert", () => {
    const r = renderMessage({
      text: "<@UALICE> <!channel> <!subteam^S123> 1 < 2 & 3",
      body: "Title: <!here> **urgent** by <@UBOB|bob>\n- first\n- second",
      mentions: ["UALICE"],
    });
    expect(r.text).toContain("<@UALICE>");
    expect(r.text).not.toMatch(/<!(channel|subteam)/);
    expect(r.text).toContain("&lt;!channel&gt;");
    expect(r.text).toContain("1 &lt; 2 &amp; 3");
    const json = JSON.stringify(r.blocks);
    expect(json).not.toContain("<!here>");
    expect(json).toContain("<@UBOB>");
    // The mention the core asked for leads the message, since the body does not carry it.
    expect((r.blocks[0] as AnyBlock).text?.text).toBe("<@UALICE>");
    expect((r.blocks[1] as AnyBlock).text?.text).toContain("*urgent*");
    expect((r.blocks[1] as AnyBlock).text?.text).toContain("• first");
  });

  it("lays short fields side by side, at most ten per section, and buttons with unique action ids", () => {
    const fields = Array.from({ length: 12 }, (_, i) => ({ label: `F${i}`, value: "x".repeat(3000), short: true }));
    const r = renderMessage({
      text: "card",
      title: "T".repeat(200),
      fields: [...fields, { label: "Long", value: "y" }],
      buttons: [
        { action: "facts", label: "L".repeat(100), value: "1" },
        { action: "facts", label: "Again", value: "2" },
      ],
    });
    const blocks = r.blocks as AnyBlock[];
    expect(blocks[0]?.type).toBe("header");
    expect([...(blocks[0]?.text?.text ?? "")].length).toBe(150);
    const sections = blocks.filter((b) => b.fields);
    expect(sections.map((s) => s.fields?.length)).toEqual([10, 2]);
    for (const f of sections.flatMap((s) => s.fields ?? [])) expect(f.text.length).toBeLessThanOrEqual(2000);
    const actions = blocks.at(-1);
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(["facts", "facts#1"]);
    expect(actions?.elements?.map((e) => actionName(e.action_id))).toEqual(["facts", "facts"]);
  });
});

const form: FormDef = {
  id: "demo_form",
  title: { en: "A title far longer than twenty-four characters", zh: "标题" },
  submitLabel: { en: "Save", zh: "保存" },
  fields: [
    { name: "count", type: "number", label: { en: "Count", zh: "数量" }, group: { en: "Numbers", zh: "数字" } },
    { name: "flag", type: "boolean", label: { en: "Flag", zh: "标志" }, group: { en: "Numbers", zh: "数字" } },
    {
      name: "pick",
      type: "select",
      required: true,
      label: { en: "Pick", zh: "选择" },
      options: [{ value: "a", label: { en: "A".repeat(100), zh: "甲" } }, { value: "b", label: { en: "B", zh: "乙" } }],
      group: { en: "Choices", zh: "选项" },
    },
    { name: "when", type: "datetime", label: { en: "When", zh: "时间" } },
    { name: "notes", type: "textarea", label: { en: "Notes", zh: "备注" }, maxLength: 500 },
  ],
};

describe("Slack modals from FormDefs", () => {
  it("renders inputs by type, prefilled, within Slack's limits", () => {
    const view = renderModal(
      { form, values: { count: "12", flag: "true", pick: "b", when: "2026-03-02T09:00", notes: "hello" }, context: { incidentId: 7, channelId: "C1" } },
      "Asia/Shanghai",
    );
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.parse(view.private_metadata)).toEqual({ formId: "demo_form", incidentId: 7, channelId: "C1" });
    const blocks = view.blocks as AnyBlock[];
    expect(blocks.map((b) => b.type)).toEqual(["header", "input", "input", "header", "input", "input", "input"]);
    const input = (id: string) => blocks.find((b) => b.block_id === id) as AnyBlock & { optional: boolean };
    expect(input("count").element).toMatchObject({ type: "number_input", is_decimal_allowed: true, initial_value: "12" });
    expect(input("flag").element).toMatchObject({ type: "static_select", initial_option: { value: "true" } });
    const pick = input("pick");
    expect(pick.optional).toBe(false);
    expect(input("count").optional).toBe(true);
    const options = pick.element?.options as { text: { text: string }; value: string }[];
    expect([...(options[0]?.text.text ?? "")].length).toBe(75);
    expect(pick.element?.initial_option).toMatchObject({ value: "b" });
    // No offset typed: China Standard Time.
    expect(input("when").element).toMatchObject({ type: "datetimepicker", initial_date_time: Date.UTC(2026, 2, 2, 1, 0) / 1000 });
    expect(input("notes").element).toMatchObject({ type: "plain_text_input", multiline: true, max_length: 500, initial_value: "hello" });
  });

  it("keeps every field reachable past the 100-block limit by dropping headers", () => {
    const many: FormDef = {
      ...form,
      fields: Array.from({ length: 60 }, (_, i) => ({ name: `f${i}`, type: "text" as const, label: { en: `F${i}`, zh: `F${i}` }, group: { en: `G${i}`, zh: `G${i}` } })),
    };
    const view = renderModal({ form: many, values: {}, context: { channelId: "C1" } }, "Asia/Shanghai");
    expect(view.blocks).toHaveLength(60);
    expect(view.blocks.every((b) => b.type === "input")).toBe(true);
  });

  it("reads submitted state back as the strings the core parses", () => {
    const values = stateToValues(
      {
        count: { count: { type: "number_input", value: "1200000" } },
        flag: { flag: { type: "static_select", selected_option: { value: "false" } } },
        pick: { pick: { type: "static_select", selected_option: null } },
        when: { when: { type: "datetimepicker", selected_date_time: Date.UTC(2026, 2, 2, 1, 30) / 1000 } },
        notes: { notes: { type: "plain_text_input", value: null } },
      },
      "Asia/Shanghai",
    );
    expect(values).toEqual({ count: "1200000", flag: "false", pick: "", when: "2026-03-02T09:30:00+08:00", notes: "" });
  });

  it("puts errors for fields not in the view on the first block", () => {
    expect(blockErrors({ count: "must be ≥ 0", ghost: "unknown item" }, ["count", "flag"])).toEqual({ count: "must be ≥ 0; ghost: unknown item" });
  });
});

describe("channel names", () => {
  it("lower-cases, replaces what Slack refuses, and keeps suffixes within 80 characters", () => {
    expect(channelName("INC-20260302 Payment DB: outage!")).toBe("inc-20260302-payment-db-outage");
    expect(channelName("支付")).toBe("incident");
    const long = channelName("x".repeat(100), "-12");
    expect(long.length).toBe(80);
    expect(long.endsWith("-12")).toBe(true);
  });
});
