import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import JSZip from "jszip";

/**
 * What a reader gets out of a document: the text pdftotext (poppler-utils) extracts from a
 * PDF, and the XML parts of a Word file. A missing pdftotext fails the test: .ci/run installs it.
 */
export function pdfText(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "warroom-pdf-"));
  const file = join(dir, "report.pdf");
  writeFileSync(file, bytes);
  try {
    return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error("pdftotext is not installed (apt-get install poppler-utils; .ci/run does it)");
    throw err;
  }
}

/** The fonts pdffonts lists: name, type, and whether each is embedded as a subset. */
export function pdfFonts(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "warroom-pdf-"));
  const file = join(dir, "report.pdf");
  writeFileSync(file, bytes);
  return execFileSync("pdffonts", [file], { encoding: "utf8" });
}

export async function docxParts(bytes: Uint8Array): Promise<{ document: string; styles: string; text: string; files: string[] }> {
  const zip = await JSZip.loadAsync(bytes);
  const read = async (name: string) => {
    const f = zip.file(name);
    if (!f) throw new Error(`the Word file has no ${name}`);
    return f.async("string");
  };
  const document = await read("word/document.xml");
  // The text a reader sees: every w:t run, paragraphs on lines of their own.
  const text = document
    .split(/<\/w:p>/)
    .map((p) => [...p.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(""))
    .filter(Boolean)
    .join("\n")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");
  return { document, styles: await read("word/styles.xml"), text, files: Object.keys(zip.files) };
}
