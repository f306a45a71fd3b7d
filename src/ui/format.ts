/**
 * Text helpers of the dashboard: fixed-width cells and human units. Everything
 * here is pure and assumes one terminal column per UTF-16 unit, which holds for
 * what we print (addresses, service ids, ASCII labels and the ellipsis).
 */

/** Ellipsis that marks a truncated cell (one column wide). */
export const ELLIPSIS = '…';

/** Gap between table columns. */
export const GAP = ' ';

/**
 * Cutting and padding cells is the reports' own (an ellipsis marks a cut): `fit` pads
 * to exactly `width`, `clip` only cuts (for the last cell of a line).
 */
export { fit, truncate as clip } from '../report/format.js';
import { isoTime } from '../report/format.js';

/** One column of a table: a fixed width, or `flex` to take what the others leave. */
export interface ColumnSpec {
  /** Fixed width in columns; ignored when `flex` is set. */
  width: number;
  /** Takes the width left over by the fixed columns (at least `width`, at most `max`). */
  flex?: boolean;
  /** Upper bound of a flex column (e.g. its longest cell), so a wide screen does not push the next columns far right. */
  max?: number;
  align?: 'left' | 'right';
}

/**
 * Resolves a table's column widths for a line of `total` columns: the fixed
 * columns keep their width, the flex column gets the rest (never below its own
 * `width`, so a too-narrow screen truncates the line instead of the column;
 * never above its `max`).
 */
export function columnWidths(specs: readonly ColumnSpec[], total: number): number[] {
  let fixed = 0;
  for (const s of specs) if (!s.flex) fixed += s.width;
  const gaps = Math.max(0, specs.length - 1) * GAP.length;
  const rest = total - fixed - gaps;
  return specs.map((s) => (s.flex ? Math.max(s.width, Math.min(rest, s.max ?? rest)) : s.width));
}

const SI = ['', 'k', 'M', 'G', 'T'];

/** Scales `value` to SI prefixes: 3 significant digits at most ("987", "1.2k", "45M"). */
function scaled(value: number): { num: string; prefix: string } {
  let v = Math.max(0, value);
  let i = 0;
  while (v >= 999.5 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  const num = i === 0 ? String(Math.round(v)) : v < 9.95 ? v.toFixed(1) : String(Math.round(v));
  return { num, prefix: SI[i]! };
}

/** Bits per second in human units: "0 b/s", "850 b/s", "1.2 kb/s", "34 Mb/s". */
export function humanBits(bitsPerSec: number): string {
  const { num, prefix } = scaled(bitsPerSec);
  return `${num} ${prefix}b/s`;
}

/** A byte count in human units (SI, as tshark and Zeek print them): "512 B", "1.5 kB", "12 MB". */
export function humanBytes(bytes: number): string {
  const { num, prefix } = scaled(bytes);
  return `${num} ${prefix}B`;
}

/** A count in human units: "987", "1.2k", "45M". */
export function humanCount(n: number): string {
  const { num, prefix } = scaled(n);
  return num + prefix;
}

/** Elapsed seconds as h:mm:ss ("0:01:23"); capture time, so never negative. */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** Capture time (seconds since the epoch) as UTC "HH:MM:SS", so the same capture always prints the same. */
export function formatClock(epochSeconds: number | null): string {
  if (epochSeconds === null) return '-';
  const iso = isoTime(Math.floor(epochSeconds));
  return iso === null ? '?' : iso.slice(11, 19);
}

/** A 0..1 share as a percentage with one decimal ("0.4%"), or "n/a" when unknown. */
export function formatShare(share: number | null): string {
  if (share === null) return 'n/a';
  return `${(share * 100).toFixed(1)}%`;
}

/** A text progress bar of `width` columns for `done` of `total` ("[####......]"). */
export function progressBar(done: number, total: number, width: number): string {
  const inner = Math.max(0, width - 2);
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  // Floor, so the bar is only full once everything is read.
  const full = Math.floor(ratio * inner);
  return `[${'#'.repeat(full)}${'.'.repeat(inner - full)}]`;
}
