import { AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import type { FormItem, FormRow, FormSection } from "./layout.js";

/**
 * Word reads the East Asian font slot for Chinese characters: without it a machine whose
 * default Latin font lacks CJK glyphs shows boxes. SimSun (宋体) and SimHei (黑体) are the
 * faces official forms use and every Chinese Windows and Office installation carries.
 */
const BODY_FONT = { ascii: "Times New Roman", hAnsi: "Times New Roman", eastAsia: "SimSun", cs: "Times New Roman" } as const;
const HEADING_FONT = { ascii: "Arial", hAnsi: "Arial", eastAsia: "SimHei", cs: "Arial" } as const;
const MISSING_COLOR = "C00000";
const LABEL_SHADE = "EDEDED";
const thin = { style: BorderStyle.SINGLE, size: 4, color: "808080" } as const;
const borders = { top: thin, bottom: thin, left: thin, right: thin, insideHorizontal: thin, insideVertical: thin } as const;

/** Multi-line text as runs with breaks: Word keeps the lines the reporter typed. */
function runs(text: string, options: { bold?: boolean; missing?: boolean } = {}): TextRun[] {
  return text.split("\n").map((line, i) => new TextRun({ text: line, break: i > 0 ? 1 : 0, bold: options.bold, ...(options.missing ? { color: MISSING_COLOR, bold: true } : {}) }));
}

function headerTable(rows: FormRow[]): Table {
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: [2600, 6400],
    borders,
    rows: rows.map(
      (r) =>
        new TableRow({
          cantSplit: true,
          children: [
            new TableCell({
              width: { size: 28, type: WidthType.PERCENTAGE },
              shading: { type: ShadingType.CLEAR, color: "auto", fill: LABEL_SHADE },
              children: [new Paragraph({ children: runs(r.label, { bold: true }) })],
            }),
            new TableCell({ width: { size: 72, type: WidthType.PERCENTAGE }, children: [new Paragraph({ children: runs(r.value, { missing: r.missing }) })] }),
          ],
        }),
    ),
  });
}

function item(i: FormItem): Paragraph[] {
  const out = [new Paragraph({ heading: HeadingLevel.HEADING_2, children: runs(i.heading) })];
  if (i.note) out.push(new Paragraph({ children: [new TextRun({ text: i.note, italics: true })] }));
  out.push(new Paragraph({ children: runs(i.text, { missing: i.missing }) }));
  for (const x of i.details) out.push(new Paragraph({ children: [new TextRun({ text: `${x.label}: `, bold: true }), ...runs(x.value, { missing: x.missing })] }));
  return out;
}

function section(s: FormSection, first: boolean): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, pageBreakBefore: !first, children: runs(s.title) }),
    headerTable(s.header),
    ...s.items.flatMap(item),
  ];
  for (const b of s.blocks) {
    if (b.heading) out.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: runs(b.heading) }));
    for (const line of b.lines) out.push(new Paragraph({ bullet: b.heading ? { level: 0 } : undefined, children: runs(line) }));
  }
  for (const line of s.footer) out.push(new Paragraph({ children: [new TextRun({ text: line, size: 16, color: "555555" })] }));
  return out;
}

/** The form as a Word document: one section per language, each starting on a new page. */
export async function renderDocx(sections: FormSection[], meta: { title: string }): Promise<Buffer> {
  const headingRun = { font: HEADING_FONT, language: { value: "en-US", eastAsia: "zh-CN" } };
  const doc = new Document({
    title: meta.title,
    creator: "warroom",
    styles: {
      default: {
        document: { run: { font: BODY_FONT, size: 21, language: { value: "en-US", eastAsia: "zh-CN" } }, paragraph: { spacing: { after: 80 } } },
        title: { run: { ...headingRun, size: 36, bold: true, color: "000000" }, paragraph: { spacing: { after: 240 } } },
        heading2: { run: { ...headingRun, size: 24, bold: true, color: "000000" }, paragraph: { spacing: { before: 200, after: 80 } } },
      },
    },
    sections: [{ properties: { page: { size: { width: 11906, height: 16838 } } }, children: sections.flatMap((s, i) => section(s, i === 0)) }],
  });
  return Packer.toBuffer(doc);
}
