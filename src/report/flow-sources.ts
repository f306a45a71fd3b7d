/**
 * Where each flow of the report came from (`flows[].sources`, issue 14/15): the input it
 * was read from (its `inputs[].path`: a capture file, a Zeek log, an nfdump file, `-` for
 * stdin, the interface of a live capture), or for records of exporters (IPFIX, NetFlow)
 * the exporter and domain as its `sources[]` row is named (`192.0.2.1:2055 domain 0`).
 * When several inputs saw one connection (src/records/merge.ts), the kept flow lists the
 * sources of the copies that were dropped too, in the order they were found.
 *
 * One instance per run: the pipeline names each input as it opens it and tells the copies;
 * the JSON writers ask it per flow. The copies kept here are bounded like the merger's index.
 */
import type { FlowRecord } from '../flow/types.js';

export class FlowSourceNames {
  /** One shared list per input: a flow of that input lists only it. */
  private readonly single: (readonly string[])[] = [];
  /** Flow id → the sources of the copies of it that other inputs had (dropped as duplicates). */
  private readonly copies = new Map<number, string[]>();

  /** Names input `i` (its `inputs[].path`). */
  setInput(i: number, path: string): void {
    this.single[i] = [path];
  }

  /** The sources of a flow as it was read (before any copy of it was found). */
  of(f: FlowRecord): readonly string[] {
    return f.sources ?? this.single[f.input] ?? ['(unknown input)'];
  }

  /** A copy of flow `id` came from another input (`dup`, which was dropped). */
  addCopy(id: number, dup: FlowRecord): void {
    const l = this.copies.get(id);
    const names = this.of(dup);
    if (l === undefined) this.copies.set(id, names.slice());
    else for (const n of names) if (!l.includes(n)) l.push(n);
  }

  /** Whether any flow has copies (the writers look them up only then). */
  get hasCopies(): boolean {
    return this.copies.size > 0;
  }

  /** A flow's full list: its own sources, then those of its copies; `own` when it has none. */
  withCopies(id: number, own: readonly string[]): readonly string[] {
    const extra = this.copies.get(id);
    if (extra === undefined) return own;
    const out = own.slice();
    for (const n of extra) if (!out.includes(n)) out.push(n);
    return out;
  }
}

/** A map key for a list of sources (no path or exporter name holds a NUL; one name is its own key). */
export function sourcesKey(l: readonly string[]): string {
  return l.length === 1 ? l[0]! : '\0' + l.join('\0');
}
