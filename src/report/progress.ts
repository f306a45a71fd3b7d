/**
 * The stderr progress bar for file input: bytes read of total with a percentage,
 * packets per second and an ETA. `renderProgress` is pure (tested at fixed widths);
 * `ProgressBar` only throttles and redraws one line with `\r`. The caller decides
 * whether stderr is a TTY; this never writes a newline.
 */
import { fmtBytes, fmtClock, fmtRate } from './format.js';

/** What one progress frame shows. */
export interface ProgressState {
  /** Bytes of the input consumed so far. */
  bytesRead: number;
  /** Total bytes, or 0 when unknown (pipes): then no bar, percentage or ETA. */
  totalBytes: number;
  packets: number;
  /** Seconds since reading started (monotonic, from the caller). */
  elapsedSec: number;
}

/**
 * One line, at most `width - 1` characters (the last column is left free so a
 * terminal never wraps): "[#####-----]  45%  12.3 MB / 27.0 MB  51.2k pkt/s  ETA 0:07".
 */
export function renderProgress(s: ProgressState, width: number): string {
  const room = Math.max(20, Math.floor(width) - 1);
  const rate = s.elapsedSec > 0 ? s.packets / s.elapsedSec : 0;
  const pps = `${fmtRate(rate)} pkt/s`;
  if (!(s.totalBytes > 0)) {
    return cut(`${fmtBytes(s.bytesRead)} read  ${pps}`, room);
  }
  const share = Math.min(1, Math.max(0, s.bytesRead / s.totalBytes));
  const pct = `${Math.floor(share * 100)}%`.padStart(4);
  const amount = `${fmtBytes(s.bytesRead)} / ${fmtBytes(s.totalBytes)}`;
  const byteRate = s.elapsedSec > 0 ? s.bytesRead / s.elapsedSec : 0;
  // No ETA until there is a rate to extrapolate from.
  const eta = byteRate > 0 && share > 0
    ? `ETA ${fmtClock((s.totalBytes - s.bytesRead) / byteRate)}`
    : 'ETA --:--';
  const text = `${pct}  ${amount}  ${pps}  ${eta}`;
  const barWidth = Math.min(30, room - text.length - 3);
  if (barWidth < 5) return cut(text.trimStart(), room);
  const filled = Math.floor(share * barWidth);
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${text}`;
}

function cut(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n);
}

/** ANSI "erase to end of line": a shorter frame must not leave the tail of a longer one. */
const CLEAR_EOL = '\x1b[K';

/** Redraws the progress line in place on a TTY stream, at most about 10 times a second. */
export class ProgressBar {
  private lastDraw = -Infinity;
  private drawn = false;

  /**
   * @param stream where to draw (stderr); its `columns` sets the width
   * @param now    monotonic milliseconds (injectable for tests)
   */
  constructor(private readonly stream: NodeJS.WriteStream,
    private readonly now: () => number = () => performance.now()) {}

  /** Draw `s` unless the last frame was under 100 ms ago. */
  update(s: ProgressState): void {
    const t = this.now();
    if (t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.drawn = true;
    this.stream.write('\r' + renderProgress(s, this.stream.columns || 80) + CLEAR_EOL);
  }

  /** Clear the line so the report (or an error) starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write('\r' + CLEAR_EOL);
    this.drawn = false;
  }
}
