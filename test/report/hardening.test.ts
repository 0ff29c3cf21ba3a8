import { describe, expect, it } from "vitest";
import { harness, type Harness } from "../support/harness.js";
import { pdfFonts, pdfText } from "../support/documents.js";
import { buildDraft } from "../../src/report/draft.js";
import { formLayout } from "../../src/report/layout.js";
import { renderDocument } from "../../src/report/documents.js";
import { loadTemplates } from "../../src/report/templates.js";
import { RendererBusyError, RENDERER_LIMITS, rendererThreads, renderPdfOffThread } from "../../src/report/pdf-pool.js";
import type { SubmissionKind } from "../../src/incidents/model.js";

const t = loadTemplates();

async function filed(): Promise<Harness> {
  const h = harness("2026-03-02T09:00:00+08:00", "Asia/Shanghai");
  await h.say("open Payment DB outage");
  await h.say("facts personal_info_people=1200000 operator_type=ordinary cii_affected=false");
  await h.say("report edit 1 ACME Pay Ltd（阿克米支付有限公司）\nPayment database cluster db-3");
  await h.say("report edit 2 Customer records exposed");
  await h.say("submitted hotline A-1");
  return h;
}

const draftOf = async (h: Harness, kind: SubmissionKind) => buildDraft(h.app.pack, t, await h.app.core.service.snapshot(1), kind, h.clock.now());
const unitRow = (d: Awaited<ReturnType<typeof draftOf>>, lang: "zh" | "en") => formLayout(d, t, lang)[0]?.header[0];

describe("documents' header: the reporting unit", () => {
  it("is item 1's first line in every report kind, the 30-day summary and the supplementary and update reports too", async () => {
    const h = await filed();
    await h.say("report edit 3 Replica db-3-r2");
    await h.say("update Attacker's access revoked");
    await h.say("resolve");
    await h.say("final edit causes A misconfigured replica\nSecond line");
    for (const kind of ["supplementary", "update", "final"] as const) {
      const d = await draftOf(h, kind);
      expect(unitRow(d, "zh"), kind).toEqual({ label: "报告单位", value: "ACME Pay Ltd（阿克米支付有限公司）", missing: false });
      expect(unitRow(d, "en")?.value, kind).toBe("ACME Pay Ltd（阿克米支付有限公司）");
    }
  });
});

describe("the PDF's fonts", () => {
  it("embeds faces for Latin, Greek and Cyrillic, and marks and names what none can draw: never dropped", async () => {
    const h = harness("2026-03-02T09:00:00+08:00", "Asia/Shanghai");
    await h.say("open Сбой базы данных Ωmega");
    await h.say("report edit 1 Ελληνική Εταιρεία Πληρωμών ΑΕ / ООО «Платёжные системы»");
    await h.say("report edit 2 Leak: مرحبا שלום नमस्ते สวัสดี 안녕 🙂 客户记录");
    const snap = await h.app.core.service.snapshot(1);
    const draft = buildDraft(h.app.pack, t, snap, "initial", h.clock.now());
    const file = await renderDocument(draft, t, { format: "pdf", lang: "both" });
    const bytes = file.content as Uint8Array;
    const text = pdfText(bytes);
    for (const shown of ["Ελληνική Εταιρεία Πληρωμών ΑΕ", "ООО «Платёжные системы»", "Сбой базы данных Ωmega", "客户记录"]) expect(text, shown).toContain(shown);
    // Arabic, Hebrew, Thai, Hangul and the emoji: each character as its code point, in the text
    // (Noto Sans carries Devanagari too, so that is drawn).
    for (const mark of ["[U+0645]", "[U+05E9]", "[U+0E2A]", "[U+C548]", "[U+1F642]"]) expect(text, mark).toContain(mark);
    expect(text).not.toContain("[U+0928]");
    expect(text.replace(/\s+/g, "")).toContain("本PDF所嵌字体无法显示其中".replace(/\s+/g, ""));
    expect(text).toMatch(/character\(s\) cannot be drawn with the fonts this PDF embeds and are marked \[U\+…\]/);
    const fonts = pdfFonts(bytes);
    expect(fonts).toMatch(/NotoSans-Regular/);
    expect(fonts).toMatch(/NotoSansSC/);
    // The Word document keeps everything as typed.
    const docx = await renderDocument(draft, t, { format: "docx", lang: "zh" });
    expect(Buffer.from(docx.content as Uint8Array).length).toBeGreaterThan(0);
  });
});

describe("PDF rendering off the main thread", () => {
  it("renders on bounded worker threads and refuses at once what the queue cannot take", async () => {
    const h = await filed();
    const sections = formLayout(await draftOf(h, "initial"), t, "both");
    const meta = { title: "load", pageLang: "zh" as const, createdAt: new Date() };
    const asked = Array.from({ length: RENDERER_LIMITS.queue + RENDERER_LIMITS.workers + 8 }, () => renderPdfOffThread(sections, meta).then(() => "ok", (err: unknown) => err));
    expect(rendererThreads()).toBeGreaterThan(0);
    expect(rendererThreads()).toBeLessThanOrEqual(RENDERER_LIMITS.workers);
    const outcomes = await Promise.all(asked);
    const busy = outcomes.filter((o) => o instanceof RendererBusyError);
    expect(busy.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o === "ok").length).toBeGreaterThanOrEqual(RENDERER_LIMITS.queue);
    expect(rendererThreads()).toBeLessThanOrEqual(RENDERER_LIMITS.workers);
    expect((busy[0] as Error).message).toContain("The PDF renderer is busy");
  }, 120_000);
});
