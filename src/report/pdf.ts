import PDFDocument from "pdfkit";
import type { FormRow, FormSection } from "./layout.js";
import { cjkFont } from "./fonts.js";

const MARGIN = 50;
const LABEL_WIDTH = 140;
const PAD = 4;
const MISSING_COLOR = "#c00000";

type Doc = PDFKit.PDFDocument;

/** Rows grow with their text; a row that would cross the bottom margin starts a new page. */
function headerTable(doc: Doc, rows: FormRow[]): void {
  const width = doc.page.width - 2 * MARGIN;
  const valueWidth = width - LABEL_WIDTH;
  doc.fontSize(9.5);
  for (const r of rows) {
    doc.font("bold");
    const labelHeight = doc.heightOfString(r.label, { width: LABEL_WIDTH - 2 * PAD });
    doc.font(r.missing ? "bold" : "regular");
    const valueHeight = doc.heightOfString(r.value, { width: valueWidth - 2 * PAD });
    const height = Math.max(labelHeight, valueHeight) + 2 * PAD;
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    doc.save().rect(MARGIN, y, LABEL_WIDTH, height).fill("#ededed").restore();
    doc.lineWidth(0.5).strokeColor("#808080").rect(MARGIN, y, LABEL_WIDTH, height).rect(MARGIN + LABEL_WIDTH, y, valueWidth, height).stroke();
    doc.font("bold").fillColor("black").text(r.label, MARGIN + PAD, y + PAD, { width: LABEL_WIDTH - 2 * PAD });
    doc.font(r.missing ? "bold" : "regular").fillColor(r.missing ? MISSING_COLOR : "black").text(r.value, MARGIN + LABEL_WIDTH + PAD, y + PAD, { width: valueWidth - 2 * PAD });
    doc.fillColor("black");
    doc.x = MARGIN;
    doc.y = y + height;
  }
  doc.moveDown(0.8);
}

function heading(doc: Doc, text: string): void {
  // A heading never sits alone at the foot of a page.
  if (doc.y + 60 > doc.page.height - MARGIN) doc.addPage();
  doc.moveDown(0.4).font("bold").fontSize(12).fillColor("black").text(text, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.2);
}

function body(doc: Doc, text: string, options: { missing?: boolean; small?: boolean; bullet?: boolean } = {}): void {
  doc
    .font(options.missing ? "bold" : "regular")
    .fontSize(options.small ? 8 : 10.5)
    .fillColor(options.missing ? MISSING_COLOR : options.small ? "#555555" : "black")
    .text(`${options.bullet ? "• " : ""}${text}`, MARGIN, doc.y, { width: doc.page.width - 2 * MARGIN });
  doc.fillColor("black");
}

function section(doc: Doc, s: FormSection): void {
  doc.font("bold").fontSize(17).text(s.title, MARGIN, doc.y, { align: "center", width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.8);
  headerTable(doc, s.header);
  for (const i of s.items) {
    heading(doc, i.heading);
    if (i.note) body(doc, i.note, { small: true });
    body(doc, i.text, { missing: i.missing });
    for (const x of i.details) body(doc, `${x.label}: ${x.value}`, { missing: x.missing });
  }
  for (const b of s.blocks) {
    if (b.heading) heading(doc, b.heading);
    else doc.moveDown(0.6);
    for (const line of b.lines) body(doc, line, { bullet: Boolean(b.heading), small: !b.heading });
  }
  doc.moveDown(1);
  for (const line of s.footer) body(doc, line, { small: true });
}

/**
 * The form as an A4 PDF, every language section from a new page, page numbers at the foot.
 * The text is real text in an embedded subset of a CJK font: pdftotext returns the Chinese.
 */
export function renderPdf(sections: FormSection[], meta: { title: string; pageLabel: (page: number) => string; createdAt: Date }): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, bufferPages: true, info: { Title: meta.title, Creator: "warroom", CreationDate: meta.createdAt } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.registerFont("regular", cjkFont("regular"));
  doc.registerFont("bold", cjkFont("bold"));
  sections.forEach((s, i) => {
    if (i > 0) doc.addPage();
    section(doc, s);
  });
  const range = doc.bufferedPageRange();
  for (let p = range.start; p < range.start + range.count; p++) {
    doc.switchToPage(p);
    // Writing below the bottom margin would make pdfkit start a new page: lift it while stamping.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("regular").fontSize(8).fillColor("#555555").text(meta.pageLabel(p + 1), MARGIN, doc.page.height - MARGIN + 15, { width: doc.page.width - 2 * MARGIN, align: "center", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
