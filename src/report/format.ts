/**
 * Text helpers shared by the human-readable reporters (table, markdown) and the
 * progress bar. Everything here is pure and locale-independent so the same report
 * always renders to the same bytes (no Intl, no wall clock).
 */

/** Integer with thousands separators ("12,345"); non-integers keep up to `digits` decimals. */
export function fmtInt(n: number): string {
  const neg = n < 0;
  const s = String(Math.round(Math.abs(n)));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return neg ? '-' + out : out;
}

/** Byte count in SI units as capinfos prints them ("512 B", "56.7 kB", "1.2 GB"). */
export function fmtBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  // 999.96 kB would print as "1000.0 kB"; move up a unit instead.
  if (v.toFixed(1) === '1000.0' && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** A rate with a k/M/G suffix ("51.2k"), for packets per second. */
export function fmtRate(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '0';
  if (n < 1000) return String(Math.round(n));
  const units = ['k', 'M', 'G'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)}${units[u]}`;
}

/** A share 0..1 as a percentage; tiny non-zero shares are not rounded down to a misleading "0%". */
export function fmtPercent(share: number): string {
  const p = share * 100;
  if (p === 0) return '0%';
  if (p < 0.1) return '<0.1%';
  if (p < 10 && Math.round(p) !== p) return `${p.toFixed(1)}%`;
  if (p > 99 && p < 100) return `${p.toFixed(1)}%`;
  return `${Math.round(p)}%`;
}

/** A duration in seconds for people ("0.250 s", "12.3 s", "4 min 05 s", "2 h 03 min"). */
export function fmtDuration(sec: number): string {
  if (!(sec > 0)) return '0 s';
  if (sec < 10) return `${sec.toFixed(3)} s`;
  if (sec < 60) return `${sec.toFixed(1)} s`;
  const total = Math.round(sec);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h === 0) return `${m} min ${pad2(s)} s`;
  if (h < 48) return `${h} h ${pad2(m)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Clock-style duration for an ETA ("0:07", "1:02:03"). */
export function fmtClock(sec: number): string {
  const total = Math.max(0, Math.round(sec));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${m}:${pad2(s)}`;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/**
 * A capture timestamp in UTC ("2026-11-26 15:27:55.123"). Capture time, not wall
 * clock: the same capture always prints the same text. TZ is never consulted.
 */
export function fmtTime(epochSec: number): string {
  const iso = isoTime(epochSec); // 2026-11-26T15:27:55.123Z
  return iso === null ? rawTime(epochSec) : `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** Time of day in UTC ("15:27:55"), for rows inside a capture that spans one day. */
export function fmtTimeOfDay(epochSec: number): string {
  const iso = isoTime(epochSec);
  return iso === null ? rawTime(epochSec) : iso.slice(11, 19);
}

/**
 * ISO text of a capture time, or null when no calendar date can hold it: damaged or
 * odd files carry timestamps such as 2^64 µs (tshark shows them as plain seconds too).
 */
export function isoTime(epochSec: number): string | null {
  const ms = Math.floor(epochSec * 1000);
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : null;
}

/** A capture time no date can hold, as seconds since the epoch. */
function rawTime(epochSec: number): string {
  return `${Number.isFinite(epochSec) ? epochSec.toFixed(3) : String(epochSec)} s`;
}

/**
 * A formatter for times inside one report: time of day when the whole capture lies in
 * one UTC day (short rows), otherwise month-day and time.
 */
export function timeFormatter(first: number | null, last: number | null): (t: number) => string {
  const oneDay = first !== null && last !== null
    && fmtTime(first).slice(0, 10) === fmtTime(last).slice(0, 10);
  return oneDay
    ? fmtTimeOfDay
    : (t: number) => (isoTime(t) === null ? rawTime(t) : fmtTime(t).slice(5, 19));
}

/** Cut `s` to at most `width` characters, marking the cut with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (s.length <= width) return s;
  if (width === 1) return '…';
  return s.slice(0, width - 1) + '…';
}

/** Pad (or cut) to exactly `width` characters. */
export function fit(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const t = truncate(s, width);
  const padding = ' '.repeat(Math.max(0, width - t.length));
  return align === 'left' ? t + padding : padding + t;
}

/** Word-wrap `text` to lines of at most `width` characters, each prefixed by `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(10, width - indent.length);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (line === '') {
      line = word;
    } else if (line.length + 1 + word.length <= room) {
      line += ' ' + word;
    } else {
      lines.push(line);
      line = word;
    }
    while (line.length > room) {
      lines.push(line.slice(0, room));
      line = line.slice(room);
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines.map((l) => indent + l);
}

/** SGR codes used by the table reporter; only these, so tests can strip them exactly. */
export const ANSI = {
  reset: '\x1b[0m',
  bold: '\x1b[1m',
  dim: '\x1b[2m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  grey: '\x1b[90m',
} as const;

/** Wrap `s` in an SGR code when colour is on; the visible width is unchanged. */
export function paint(s: string, code: string, color: boolean): string {
  return color && s !== '' ? code + s + ANSI.reset : s;
}

/** One column of a text table. */
export interface Column<T> {
  header: string;
  align?: 'left' | 'right';
  /** The cell text. */
  get: (row: T) => string;
  /** Narrowest the column may be squeezed to (defaults to the header's width). */
  min?: number;
  /** Widest the column may grow to. */
  max?: number;
  /** Free text that may be cut before any column is dropped (notes, paths, messages). */
  flex?: boolean;
  /** Cut long cells at the start ("…/dir/file.pcap") instead of the end: for paths. */
  cutStart?: boolean;
  /** Optional columns: lower numbers are dropped first when cutting flex columns is not enough. */
  drop?: number;
  /** Optional colour of the cell (SGR code), applied after padding so widths stay exact. */
  color?: (row: T) => string | null;
}

/** Filled in by renderTable when asked: the columns kept and their final widths. */
export interface TableLayout<T> {
  columns: Column<T>[];
  widths: number[];
}

/**
 * Lay out rows as a fixed-width text table no wider than `width`. Columns take their
 * natural width; free-text (flex) columns are cut first, then optional columns are
 * dropped (lowest `drop` first), and only then are other columns cut, widest first.
 * Cut cells end (or start) with an ellipsis. Returns lines without trailing spaces.
 */
export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[], width: number,
  opts: { indent?: string; color?: boolean; gap?: number; layout?: TableLayout<T> } = {}): string[] {
  const indent = opts.indent ?? '';
  const gap = opts.gap ?? 2;
  const room = width - indent.length;
  const all = rows.map((r) => columns.map((c) => c.get(r)));
  const natural = columns.map((c, i) => {
    let w = c.header.length;
    for (const row of all) w = Math.max(w, row[i]!.length);
    return Math.min(w, c.max ?? Infinity);
  });
  const minOf = (i: number) => Math.min(natural[i]!, Math.max(columns[i]!.min ?? 0, columns[i]!.header.length));
  let keep = columns.map((_, i) => i);
  let widths: number[] = [];
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * Math.max(0, widths.length - 1);
  // Shrink the widest eligible column one character at a time: fair and deterministic.
  const shrink = (eligible: (i: number) => boolean) => {
    while (total() > room) {
      let best = -1;
      keep.forEach((ci, k) => {
        if (eligible(ci) && widths[k]! > minOf(ci) && (best < 0 || widths[k]! > widths[best]!)) best = k;
      });
      if (best < 0) return;
      widths[best]!--;
    }
  };
  for (;;) {
    widths = keep.map((ci) => natural[ci]!);
    shrink((ci) => !!columns[ci]!.flex);
    if (total() <= room) break;
    let victim = -1;
    for (const ci of keep) {
      const d = columns[ci]!.drop;
      if (d !== undefined && (victim < 0 || d < columns[victim]!.drop!)) victim = ci;
    }
    if (victim < 0) break;
    keep = keep.filter((ci) => ci !== victim);
  }
  shrink(() => true);
  const cols = keep.map((ci) => columns[ci]!);
  if (opts.layout) {
    opts.layout.columns = cols;
    opts.layout.widths = widths;
  }
  const sep = ' '.repeat(gap);
  const line = (texts: string[], colors: (string | null)[]) => {
    const parts = texts.map((t, k) => {
      const c = cols[k]!;
      const w = widths[k]!;
      const cut = c.cutStart && t.length > w ? '…' + t.slice(t.length - w + 1) : t;
      const cell = fit(cut, w, c.align ?? 'left');
      const code = colors[k];
      if (code && opts.color) {
        const visible = cell.trimEnd();
        return paint(visible, code, true) + cell.slice(visible.length);
      }
      return cell;
    });
    return (indent + parts.join(sep)).trimEnd();
  };
  const out = [line(cols.map((c) => c.header), cols.map(() => opts.color ? ANSI.bold : null))];
  rows.forEach((r, ri) => {
    out.push(line(keep.map((ci) => all[ri]![ci]!), cols.map((c) => c.color?.(r) ?? null)));
  });
  return out;
}

/**
 * Text from the input (file names, site-file text, interface names) made safe for a
 * terminal: control characters (C0 but newline, DEL, C1) become \xHH, so nothing from
 * the input can move the cursor or change colours.
 */
export function printable(s: string): string {
  return s.replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
