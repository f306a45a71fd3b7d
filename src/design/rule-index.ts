/**
 * Rules looked up by (transport, port): built once when the design is resolved,
 * so that classifying a flow tries only the few rules that hold its port instead
 * of scanning the whole matrix. A flat Uint16Array maps every (transport, port)
 * to a list; rules keep their design order within each list.
 */
import type { Transport } from './rules.js';

/** The part of a rule the index needs. */
interface Ported {
  readonly id: string;
  readonly transport: Transport;
  readonly ports: readonly number[];
}

const NONE: readonly never[] = [];

/** Longest list `ids` takes a bit mask of (bits 0-30 of a small integer). */
export const MASK_BITS = 31;

/** Rules grouped by transport and port, each group in the order the rules were given. */
export class RuleIndex<R extends Ported> {
  /** (port * 2 + (udp ? 1 : 0)) -> index into `lists`; 0 means no rule. */
  private readonly slot = new Uint16Array(65536 * 2);
  private readonly lists: R[][] = [[]];
  /** Per list: bit mask -> the ids of those rules (shared arrays, built on first use). */
  private readonly idSets: Map<number, readonly string[]>[] = [new Map()];

  /** Indexes `rules` (each rule under every port it lists). */
  constructor(rules: readonly R[]) {
    for (const r of rules) {
      for (const p of r.ports) {
        const k = p * 2 + (r.transport === 'udp' ? 1 : 0);
        let i = this.slot[k]!;
        if (i === 0) {
          i = this.lists.length;
          this.lists.push([]);
          this.idSets.push(new Map());
          this.slot[k] = i;
        }
        const list = this.lists[i]!;
        // A rule listing the same port twice is indexed once.
        if (list[list.length - 1] !== r) list.push(r);
      }
    }
  }

  /** The rules of `transport` that list `port`, in design order (a shared empty list when none). */
  at(transport: Transport, port: number): readonly R[] {
    const i = this.slot[port * 2 + (transport === 'udp' ? 1 : 0)]!;
    return i === 0 ? NONE : this.lists[i]!;
  }

  /**
   * Ids of the rules of `at(transport, port)` whose bits are set in `mask` (bit i:
   * the i-th rule; lists of at most MASK_BITS rules), in list order. Flows that fit
   * the same rules share one frozen array.
   */
  ids(transport: Transport, port: number, mask: number): readonly string[] {
    const i = this.slot[port * 2 + (transport === 'udp' ? 1 : 0)]!;
    const memo = this.idSets[i]!;
    let ids = memo.get(mask);
    if (ids === undefined) {
      ids = Object.freeze(this.lists[i]!.filter((_, k) => k < MASK_BITS && (mask & (1 << k)) !== 0).map((r) => r.id));
      memo.set(mask, ids);
    }
    return ids;
  }
}
