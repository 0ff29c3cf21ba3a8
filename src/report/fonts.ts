import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { create, type Font } from "fontkit";

/**
 * The faces the PDF embeds, each from its npm package so that `npm ci` brings them and no
 * system font is assumed (both SIL Open Font License): Noto Sans SC for Chinese (and the
 * Latin it carries), Noto Sans for Latin, Greek and Cyrillic. TrueType outlines: pdfkit
 * subsets them, embedding only the glyphs a report uses, with a ToUnicode map so the text
 * can be searched and copied.
 */
const FACES = {
  regular: "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
  bold: "@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf",
  "latin-regular": "@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf",
  "latin-bold": "@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf",
} as const;

export type Face = keyof typeof FACES;
export type Weight = "regular" | "bold";

/** Tried in this order for each character: the CJK face first, then the Latin/Greek/Cyrillic one. */
export const FALLBACKS: Record<Weight, readonly Face[]> = { regular: ["regular", "latin-regular"], bold: ["bold", "latin-bold"] };

const require = createRequire(import.meta.url);
const loaded = new Map<Face, Buffer>();
const parsed = new Map<Face, Font>();

/** The face's bytes, read once per process (about 10 MB for each CJK face). */
export function fontBytes(face: Face): Buffer {
  let bytes = loaded.get(face);
  if (!bytes) {
    bytes = readFileSync(require.resolve(FACES[face]));
    loaded.set(face, bytes);
  }
  return bytes;
}

/** Whether the face has a glyph for the character (its cmap, read once). */
export function canDraw(face: Face, codePoint: number): boolean {
  let font = parsed.get(face);
  if (!font) {
    font = create(fontBytes(face));
    parsed.set(face, font);
  }
  return font.hasGlyphForCodePoint(codePoint);
}

export const FACE_NAMES = Object.keys(FACES) as Face[];
