/** The part of fontkit (pdfkit's font engine) warroom uses: whether a face can draw a character. */
declare module "fontkit" {
  export interface Font {
    hasGlyphForCodePoint(codePoint: number): boolean;
  }
  export function create(buffer: Buffer): Font;
}
