import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

/**
 * Noto Sans SC (SIL Open Font License) from its npm package, so `npm ci` brings it and no
 * system font is assumed. TrueType outlines: pdfkit subsets them reliably, embedding only
 * the glyphs a report uses, with a ToUnicode map so the Chinese can be searched and copied.
 */
const FACES = {
  regular: "@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
  bold: "@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf",
} as const;

export type Face = keyof typeof FACES;

const require = createRequire(import.meta.url);
const loaded = new Map<Face, Buffer>();

/** The face's bytes, read once per process (about 10 MB each). */
export function cjkFont(face: Face): Buffer {
  let bytes = loaded.get(face);
  if (!bytes) {
    bytes = readFileSync(require.resolve(FACES[face]));
    loaded.set(face, bytes);
  }
  return bytes;
}
