/**
 * Escaping for the HTML report: every string that comes from the input (file names,
 * site-file text, reasons quoting packet data) goes through `esc` or `attr`, so that
 * markup in it renders as text (HTML Living Standard §13.1.2.6: `&`, `<`, `>` in text,
 * plus `"` and `'` in quoted attribute values). Control characters and the bidi
 * overrides that could reorder what a reader sees are shown as visible `\xNN`/`\uNNNN`.
 */

/** C0/C1 controls, DEL, lone surrogates, bidi embeddings/overrides/isolates, line/paragraph separators. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** A character that must not reach the page raw, as visible text. */
function visible(c: string): string {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}

/** Text content: markup characters as entities, invisible characters as visible escapes. */
export function esc(s: string): string {
  return s.replace(INVISIBLE, visible).replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

/** A quoted attribute value (always written with double quotes): the same escaping as text. */
export function attr(s: string): string {
  return esc(s);
}

/** A number as SVG/CSS coordinates write it: at most two decimals, no exponent, no -0. */
export function num(n: number): string {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}
