import { describe, expect, it } from "vitest";
import { harness, type Harness } from "../support/harness.js";
import { docxParts, pdfFonts, pdfText } from "../support/documents.js";
import { buildDraft } from "../../src/report/draft.js";
import { documentContext, renderDocument } from "../../src/report/documents.js";
import { loadTemplates } from "../../src/report/templates.js";
import type { SubmissionKind } from "../../src/incidents/model.js";

const t = loadTemplates();

/** An incident taken through every report: initial (items 1-2 only), supplementary, update, final. */
async function incidentWithEveryReport(): Promise<Harness> {
  const h = harness("2026-03-02T09:00:00+08:00", "Asia/Shanghai");
  await h.say("open 支付数据库故障 Payment DB outage");
  await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false ransomware=true");
  await h.say("role compliance @carol");
  await h.say("report edit 1 ACME Pay Ltd（阿克米支付有限公司）；支付数据库集群 db-3\nSecond line of item 1");
  await h.say("report edit 2 客户记录经配置错误的副本泄露；副本已于09:20隔离");
  await h.say("report edit ransom_amount 5 BTC");
  return h;
}

async function render(h: Harness, kind: SubmissionKind, format: "docx" | "pdf", lang: "zh" | "en" | "both") {
  const snap = await h.app.core.service.snapshot(1);
  const draft = buildDraft(h.app.pack, t, snap, kind, h.clock.now());
  const file = await renderDocument(draft, t, { format, lang, context: await documentContext(h.app.core.service, snap, "warroom@acme.example") });
  return { file, draft, integrity: await h.app.core.service.integrityOf(1) };
}

describe("filing-ready documents", () => {
  it("PDF: the official form with real Chinese text in an embedded font subset", async () => {
    const h = await incidentWithEveryReport();
    const { file, integrity } = await render(h, "initial", "pdf", "both");
    expect(file).toMatchObject({ filename: "incident-1-initial.pdf", mime: "application/pdf" });
    const text = pdfText(file.content as Uint8Array);
    for (const expected of [
      "网络安全事件报告（初次报告）",
      "报告单位",
      "ACME Pay Ltd（阿克米支付有限公司）；支付数据库集群 db-3",
      "事件级别",
      "较大",
      "泄露100万人以上公民个人信息",
      "发现或获知时间",
      "2026-03-02 09:00 CST",
      "报告时限",
      "2026-03-02 13:00 CST (4 h)",
      "报送对象",
      "报告人及联系方式",
      "carol，warroom@acme.example",
      "1. 涉事单位名称及涉事系统或设施基本情况",
      "客户记录经配置错误的副本泄露；副本已于09:20隔离",
      "要求支付赎金的金额: 5 BTC",
      "要求支付赎金的方式: 【待补充】",
      "3. 事态发展趋势及可能造成的进一步影响和危害",
      "【待补充】",
      "生成时间: 2026-03-02 09:00 CST",
      `${integrity?.events}:${integrity?.hash}`,
      "Network security incident report (initial report)",
      "[MISSING]",
      "第1页",
    ]) {
      expect(text, expected).toContain(expected);
    }
    // Chinese comes first; the English copy starts on a later page.
    expect(text.indexOf("网络安全事件报告（初次报告）")).toBeLessThan(text.indexOf("Network security incident report (initial report)"));
    expect(pdfFonts(file.content as Uint8Array)).toMatch(/\+NotoSansSC-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
  });

  it("DOCX: the same form, its text in the document and East Asian fonts set for Word", async () => {
    const h = await incidentWithEveryReport();
    const { file, integrity } = await render(h, "initial", "docx", "zh");
    expect(file).toMatchObject({ filename: "incident-1-initial-zh.docx", mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
    const { text, styles, document } = await docxParts(file.content as Uint8Array);
    for (const expected of [
      "网络安全事件报告（初次报告）",
      "报告单位",
      "ACME Pay Ltd（阿克米支付有限公司）；支付数据库集群 db-3",
      "较大；定级依据：泄露100万人以上公民个人信息",
      "2026-03-02 13:00 CST (4 h)",
      "1. 涉事单位名称及涉事系统或设施基本情况",
      "客户记录经配置错误的副本泄露；副本已于09:20隔离",
      "【待补充】",
      `${integrity?.events}:${integrity?.hash}`,
    ]) {
      expect(text, expected).toContain(expected);
    }
    expect(text).not.toContain("Network security incident report");
    // The reporter's line breaks are kept as breaks, not run together.
    expect(document).toMatch(/db-3<\/w:t><\/w:r><w:r><w:br\/><w:t[^>]*>Second line of item 1/);
    // Word picks the East Asian slot for Chinese: body SimSun, headings SimHei, language zh-CN.
    expect(styles).toMatch(/<w:rFonts w:ascii="Times New Roman"[^>]*w:eastAsia="SimSun"/);
    expect(styles).toMatch(/w:eastAsia="SimHei"/);
    expect(styles).toMatch(/<w:lang [^>]*w:eastAsia="zh-CN"/);
    // Missing items stand out in red.
    expect(document).toMatch(/<w:color w:val="C00000"\/>.*?【待补充】/s);
  });

  it("renders every report kind, the post-incident summary with its Article 8 sections", async () => {
    const h = await incidentWithEveryReport();
    await h.say("submitted hotline REF-1");
    await h.say("update Attackers also reached the backup cluster");
    h.clock.advance({ hours: 2 });
    await h.say("resolve");
    await h.say("final edit 1 A replica was left open to the internet during a migration");
    const expectations: [SubmissionKind, string[]][] = [
      ["supplementary", ["网络安全事件报告（补充报告）", "3. 事态发展趋势及可能造成的进一步影响和危害"]],
      ["update", ["网络安全事件报告（续报）", "新的重要情况及调查阶段性进展", "Attackers also reached the backup cluster"]],
      ["final", ["网络安全事件总结报告", "处置完毕时间", "1. 事件发生原因", "A replica was left open to the internet during a migration", "2. 应急处置措施", "3. 造成的危害", "4. 责任追究", "5. 完善整改情况", "6. 教训"]],
    ];
    for (const [kind, expected] of expectations) {
      const pdf = pdfText((await render(h, kind, "pdf", "zh")).file.content as Uint8Array);
      const docx = (await docxParts((await render(h, kind, "docx", "zh")).file.content as Uint8Array)).text;
      for (const e of expected) {
        expect(pdf, `${kind} pdf: ${e}`).toContain(e);
        expect(docx, `${kind} docx: ${e}`).toContain(e);
      }
    }
    const en = pdfText((await render(h, "final", "pdf", "en")).file.content as Uint8Array);
    expect(en).toContain("Post-incident summary report");
    expect(en).toContain("6. Lessons");
    expect(en).toContain("Page 1");
    expect(en).not.toContain("网络安全事件总结报告");
  });

  it("keeps a long report readable: items of thousands of characters flow over pages", async () => {
    const h = await incidentWithEveryReport();
    const long = "很长的说明文字。".repeat(1200);
    await h.say(`report edit 3 ${long}`);
    const { file } = await render(h, "initial", "pdf", "both");
    const raw = pdfText(file.content as Uint8Array);
    expect(raw).toContain("第4页");
    // Page numbers are stamped at each foot: the extracted flow has them between the lines.
    const text = raw.replace(/第\d+页/g, "").replace(/\s+/g, "");
    expect(text.includes(long), "the long item survives whole").toBe(true);
  });
});
