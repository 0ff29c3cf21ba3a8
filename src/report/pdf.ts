import PDFDocument from "pdfkit";
import type { FormRow, FormSection } from "./layout.js";
import { canDraw, FACE_NAMES, FALLBACKS, fontBytes, type Face, type Weight } from "./fonts.js";

const MARGIN = 50;
const LABEL_WIDTH = 140;
const PAD = 4;
const MISSING_COLOR = "#c00000";

type Doc = PDFKit.PDFDocument;
type TextOptions = PDFKit.Mixins.TextOptions;

/** A stretch of text one face draws, or characters none of the embedded faces can (`face` undefined). */
interface Run {
  face: Face | undefined;
  text: string;
}

/** What a character no face can draw becomes on the page: visible, and named. */
export const undrawableMark = (codePoint: number) => `[U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}]`;

/**
 * Split text into runs by the first face that can draw each character. Line breaks and other
 * controls stay with the run they are in; a character no face has is never dropped: it is
 * drawn as its code point, in red, and counted.
 */
export function runsOf(text: string, weight: Weight, undrawable: Set<number>): Run[] {
  const out: Run[] = [];
  let current: Run | undefined;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const control = cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
    const face = control ? (current?.face ?? FALLBACKS[weight][0]) : FALLBACKS[weight].find((f) => canDraw(f, cp));
    const shown = face === undefined ? undrawableMark(cp) : ch;
    if (face === undefined) undrawable.add(cp);
    if (current && current.face === face) current.text += shown;
    else out.push((current = { face, text: shown }));
  }
  return out;
}

/** The page's renderer, counting what it could not draw. */
class Writer {
  /** Characters no embedded face can draw, in this section. */
  undrawable = new Set<number>();

  constructor(readonly doc: Doc) {}

  /** Text at (x, y), or where the cursor is, in runs of the faces that can draw it. */
  text(text: string, weight: Weight, color: string, at: { x: number; y: number } | undefined, options: TextOptions): void {
    const runs = runsOf(text, weight, this.undrawable);
    runs.forEach((run, i) => {
      const last = i === runs.length - 1;
      this.doc.font(run.face ?? FALLBACKS[weight][1] ?? "latin-regular").fillColor(run.face ? color : MISSING_COLOR);
      const opts = { ...options, continued: !last };
      if (i === 0 && at) this.doc.text(run.text, at.x, at.y, opts);
      else if (i === 0) this.doc.text(run.text, opts);
      else this.doc.text(run.text, opts);
    });
    this.doc.fillColor("black");
  }

  /** The height the text takes (measured in the weight's first face, the marks as drawn). */
  height(text: string, weight: Weight, width: number): number {
    const shown = runsOf(text, weight, new Set()).map((r) => r.text).join("");
    return this.doc.font(FALLBACKS[weight][0] as Face).heightOfString(shown, { width });
  }
}

/** Rows grow with their text; a row that would cross the bottom margin starts a new page. */
function headerTable(w: Writer, rows: FormRow[]): void {
  const doc = w.doc;
  const width = doc.page.width - 2 * MARGIN;
  const valueWidth = width - LABEL_WIDTH;
  doc.fontSize(9.5);
  for (const r of rows) {
    const labelHeight = w.height(r.label, "bold", LABEL_WIDTH - 2 * PAD);
    const valueHeight = w.height(r.value, r.missing ? "bold" : "regular", valueWidth - 2 * PAD);
    const height = Math.max(labelHeight, valueHeight) + 2 * PAD;
    if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
    const y = doc.y;
    doc.save().rect(MARGIN, y, LABEL_WIDTH, height).fill("#ededed").restore();
    doc.lineWidth(0.5).strokeColor("#808080").rect(MARGIN, y, LABEL_WIDTH, height).rect(MARGIN + LABEL_WIDTH, y, valueWidth, height).stroke();
    w.text(r.label, "bold", "black", { x: MARGIN + PAD, y: y + PAD }, { width: LABEL_WIDTH - 2 * PAD });
    w.text(r.value, r.missing ? "bold" : "regular", r.missing ? MISSING_COLOR : "black", { x: MARGIN + LABEL_WIDTH + PAD, y: y + PAD }, { width: valueWidth - 2 * PAD });
    doc.x = MARGIN;
    doc.y = y + height;
  }
  doc.moveDown(0.8);
}

function heading(w: Writer, text: string): void {
  const doc = w.doc;
  // A heading never sits alone at the foot of a page.
  if (doc.y + 60 > doc.page.height - MARGIN) doc.addPage();
  doc.moveDown(0.4).fontSize(12);
  w.text(text, "bold", "black", { x: MARGIN, y: doc.y }, { width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.2);
}

function body(w: Writer, text: string, options: { missing?: boolean; small?: boolean; bullet?: boolean } = {}): void {
  const doc = w.doc;
  doc.fontSize(options.small ? 8 : 10.5);
  w.text(`${options.bullet ? "• " : ""}${text}`, options.missing ? "bold" : "regular", options.missing ? MISSING_COLOR : options.small ? "#555555" : "black", { x: MARGIN, y: doc.y }, {
    width: doc.page.width - 2 * MARGIN,
  });
}

/** A section's own words for the characters it could not draw (from the templates). */
export type UndrawableNote = (lang: "zh" | "en", count: number) => string;

function section(w: Writer, s: FormSection, note: UndrawableNote): void {
  const doc = w.doc;
  w.undrawable = new Set();
  doc.fontSize(17);
  w.text(s.title, "bold", "black", { x: MARGIN, y: doc.y }, { align: "center", width: doc.page.width - 2 * MARGIN });
  doc.moveDown(0.8);
  headerTable(w, s.header);
  for (const i of s.items) {
    heading(w, i.heading);
    if (i.note) body(w, i.note, { small: true });
    body(w, i.text, { missing: i.missing });
    for (const x of i.details) body(w, `${x.label}: ${x.value}`, { missing: x.missing });
  }
  for (const b of s.blocks) {
    if (b.heading) heading(w, b.heading);
    else doc.moveDown(0.6);
    for (const line of b.lines) body(w, line, { bullet: Boolean(b.heading), small: !b.heading });
  }
  doc.moveDown(1);
  for (const line of s.footer) body(w, line, { small: true });
  // Said in the document itself: nothing typed is dropped without a word.
  if (w.undrawable.size) {
    const count = w.undrawable.size;
    doc.moveDown(0.5);
    body(w, note(s.lang, count), { missing: true });
  }
}

export interface PdfMeta {
  title: string;
  pageLabel: (page: number) => string;
  createdAt: Date;
  undrawable: UndrawableNote;
}

/**
 * The form as an A4 PDF, every language section from a new page, page numbers at the foot.
 * The text is real text in embedded subsets of the faces that can draw it: pdftotext returns
 * the Chinese, the Greek and the Cyrillic; what none of them can draw is marked and said.
 */
export function renderPdf(sections: FormSection[], meta: PdfMeta): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, bufferPages: true, info: { Title: meta.title, Creator: "warroom", CreationDate: meta.createdAt } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  for (const face of FACE_NAMES) doc.registerFont(face, fontBytes(face));
  const w = new Writer(doc);
  sections.forEach((s, i) => {
    if (i > 0) doc.addPage();
    section(w, s, meta.undrawable);
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
