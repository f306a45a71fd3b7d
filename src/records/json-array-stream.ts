/**
 * Splits a JSON text that is one big array of objects (nfdump's `-o json`) into its
 * elements as they arrive, without holding the whole document: each top-level element
 * is handed to JSON.parse on its own. String state and escapes are tracked so that
 * braces inside strings do not count (RFC 8259 §7).
 */

/** Characters that change the structure outside strings. */
const STRUCT = /["{}[\],]/g;
/** Characters that matter inside a string. */
const STR = /["\\]/g;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

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
    const b = base === 0 ? text : this.buf + text;
    let i = base;
    const n = b.length;
    // Jump from one structural character to the next (regex scans are far faster than a JS loop over
    // every character of nfdump's pretty-printed output); inside strings, from quote or backslash to the next.
    while (i < n) {
      if (this.inString) {
        if (this.escaped) { this.escaped = false; i++; continue; }
        STR.lastIndex = i;
        const m = STR.exec(b);
        if (m === null) { i = n; break; }
        if (b.charCodeAt(m.index) === 0x5c) { this.escaped = true; i = m.index + 1; continue; }
        this.inString = false;
        i = m.index + 1;
        continue;
      }
      if (!this.started) {
        const ch = b.charCodeAt(i);
        if (isSpace(ch)) { i++; continue; }
        if (ch !== 0x5b /* [ */) { this.error = 'output is not a JSON array'; return; }
        this.started = true;
        this.depth = 1;
        i++;
        continue;
      }
      STRUCT.lastIndex = i;
      const m = STRUCT.exec(b);
      const at = m === null ? n : m.index;
      // Plain characters before the next structural one: at depth 0 they are trailing text; at depth 1 they
      // start a scalar element (a number, true, false, null).
      if (this.depth === 0 || (this.depth === 1 && this.elemStart < 0)) {
        for (let j = i; j < at; j++) {
          if (isSpace(b.charCodeAt(j))) continue;
          if (this.depth === 0) { this.error = 'text after the end of the JSON array'; return; }
          this.elemStart = j;
          break;
        }
      }
      if (m === null) { i = n; break; }
      const ch = b.charCodeAt(at);
      if (this.depth === 0) { this.error = 'text after the end of the JSON array'; return; }
      if (ch === 0x7b && this.depth === 1 && this.elemStart < 0) {
        // nfdump writes one key per line and the element's closing brace at the start of a line. A raw
        // newline cannot be inside a JSON string, so the first "\n}" is the element's end or a nested
        // object's; only the element's end makes the text parse. Anything else goes the general way.
        const close = b.indexOf('\n}', at);
        if (close >= 0) {
          let v: unknown;
          let ok = true;
          try { v = JSON.parse(b.slice(at, close + 2)); } catch { ok = false; }
          if (ok) {
            this.elements++;
            this.onValue(v);
            i = close + 2;
            continue;
          }
        }
      }
      if (ch === 0x22) {
        this.inString = true;
        if (this.depth === 1 && this.elemStart < 0) this.elemStart = at;
      } else if (ch === 0x7b || ch === 0x5b) {
        if (this.depth === 1 && this.elemStart < 0) this.elemStart = at;
        this.depth++;
      } else if (ch === 0x7d || ch === 0x5d) {
        this.depth--;
        if (this.depth === 1 && this.elemStart >= 0) this.emit(b.slice(this.elemStart, at + 1));
        else if (this.depth === 0 && this.elemStart >= 0) this.emit(b.slice(this.elemStart, at));
      } else if (this.depth === 1 && this.elemStart >= 0) {
        this.emit(b.slice(this.elemStart, at)); // a comma after a scalar element
      }
      i = at + 1;
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
