/**
 * Splits a JSON text that is one big array of objects (nfdump's `-o json`) into its
 * elements as they arrive, without holding the whole document: each top-level element
 * is handed to JSON.parse on its own. String state and escapes are tracked so that
 * braces inside strings do not count (RFC 8259 §7).
 */

/** Incremental splitter: feed text chunks, receive parsed elements (or a parse error per element). */
export class JsonArrayStream {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private buf = '';
  /** Element text start inside `buf`, -1 when between elements. */
  private elemStart = -1;
  /** Count of elements seen (for messages). */
  elements = 0;
  /** Set once something other than an array of values was found. */
  error: string | null = null;

  /**
   * @param onValue  one parsed element
   * @param onBad    an element that is not valid JSON (its number, from 1)
   */
  constructor(private readonly onValue: (v: unknown) => void, private readonly onBad: (n: number, why: string) => void) {}

  /** Feeds the next chunk of text. */
  write(text: string): void {
    if (this.error !== null) return;
    const base = this.buf.length;
    this.buf += text;
    const b = this.buf;
    for (let i = base; i < b.length; i++) {
      const ch = b.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (ch === 0x5c) this.escaped = true;
        else if (ch === 0x22) this.inString = false;
        continue;
      }
      if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) continue;
      if (!this.started) {
        if (ch !== 0x5b /* [ */) { this.error = 'output is not a JSON array'; return; }
        this.started = true;
        this.depth = 1;
        continue;
      }
      if (this.depth === 0) { this.error = 'text after the end of the JSON array'; return; }
      if (ch === 0x22) {
        this.inString = true;
        if (this.depth === 1 && this.elemStart < 0) this.elemStart = i;
      } else if (ch === 0x7b || ch === 0x5b) {
        if (this.depth === 1 && this.elemStart < 0) this.elemStart = i;
        this.depth++;
      } else if (ch === 0x7d || ch === 0x5d) {
        this.depth--;
        if (this.depth === 1 && this.elemStart >= 0) this.emit(b.slice(this.elemStart, i + 1));
        else if (this.depth === 0 && this.elemStart >= 0) this.emit(b.slice(this.elemStart, i));
      } else if (ch === 0x2c /* , */ && this.depth === 1) {
        if (this.elemStart >= 0) this.emit(b.slice(this.elemStart, i));
      } else if (this.depth === 1 && this.elemStart < 0) this.elemStart = i;
    }
    // Keep only the unfinished element.
    if (this.elemStart >= 0) {
      this.buf = b.slice(this.elemStart);
      this.elemStart = 0;
    } else this.buf = '';
  }

  private emit(text: string): void {
    this.elemStart = -1;
    const t = text.trim();
    if (t === '') return;
    this.elements++;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch (e) {
      this.onBad(this.elements, e instanceof Error ? e.message : String(e));
      return;
    }
    this.onValue(v);
  }

  /** End of text: an unfinished array is an error. */
  end(): void {
    if (this.error !== null) return;
    if (!this.started) { this.error = 'no JSON array in the output'; return; }
    if (this.depth !== 0) this.error = `the JSON array ends early (after ${this.elements} records)`;
  }
}
