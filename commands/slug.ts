import { pinyin } from "pinyin-pro";

/**
 * Channel names are `inc-<yyyymmdd>-<slug>`: lower-case ASCII letters, digits and dashes,
 * valid on every platform (Slack: at most 80 characters of a-z 0-9 - _; Discord: 100).
 * The slug leaves room for the date and a clash suffix (-2, -3 …) within Slack's 80.
 */
export const SLUG_MAX = 50;

/**
 * A title as a slug. Chinese is written in pinyin without tones, a word per syllable
 * (支付数据库故障 → zhi-fu-shu-ju-ku-gu-zhang); accented Latin loses its accents; what has
 * no ASCII spelling is dropped. A title with nothing left becomes "incident". Cut at a
 * word boundary where one falls within `max`.
 */
export function slugify(title: string, max = SLUG_MAX): string {
  // Only Han runs go through pinyin (which would also split Latin letters such as ü).
  const words = title.split(/(\p{Script=Han}+)/u).flatMap((run, i) => (i % 2 ? pinyin(run, { toneType: "none", type: "array", v: true }) : [run]));
  const slug = words
    .join("-")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= max) return slug || "incident";
  const cut = slug.slice(0, max + 1);
  const boundary = cut.lastIndexOf("-");
  return (boundary > 0 ? cut.slice(0, boundary) : cut.slice(0, max)).replace(/-+$/, "") || "incident";
}
