/**
 * Rules looked up by (transport, port): built once when the design is resolved,
 * so that classifying a flow tries only the few rules that hold its port instead
 * of scanning the whole matrix. A flat Uint16Array maps every (transport, port)
 * to a list; rules keep their design order within each list. Rules of a list with
 * the same ends and direction (every service's SQL row, say) form one shape, so a
 * flow's addresses are checked once per shape rather than once per rule.
 */
import type { AddressSet } from './address.js';
import type { Direction, Transport } from './rules.js';

/** The part of a rule the index needs. */
interface Placed {
  readonly id: string;
  readonly transport: Transport;
  readonly ports: readonly number[];
  readonly direction: Direction;
  readonly hostSet: AddressSet;
  readonly peerSet: AddressSet;
}

/** Rules of one list that fit exactly the same connections: same direction and ends. */
export interface RuleShape {
  readonly direction: Direction;
  readonly hostSet: AddressSet;
  readonly peerSet: AddressSet;
  /** Bit i set: the i-th rule of the list has this shape. */
  readonly mask: number;
}

const NONE: readonly never[] = [];

/** Longest list `ids` takes a bit mask of (bits 0-30 of a small integer). */
export const MASK_BITS = 31;

/** Rules grouped by transport and port, each group in the order the rules were given. */
export class RuleIndex<R extends Placed> {
  /** (port * 2 + (udp ? 1 : 0)) -> index into `lists`; 0 means no rule. */
  private readonly slot = new Uint16Array(65536 * 2);
  private readonly lists: R[][] = [[]];
  /** Per list: bit mask -> the ids of those rules (shared arrays, built on first use). */
  private readonly idSets: Map<number, readonly string[]>[] = [new Map()];
  /** Per list: its shapes, or null when the list is longer than MASK_BITS. */
  private readonly shapeLists: (readonly RuleShape[] | null)[] = [[]];

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
    for (let i = 1; i < this.lists.length; i++) this.shapeLists.push(shapesOf(this.lists[i]!));
  }

  /**
   * The shapes of `at(transport, port)`, in order of their first rule (an empty list
   * when no rule holds the port); null when the list is too long for bit masks.
   */
  shapes(transport: Transport, port: number): readonly RuleShape[] | null {
    return this.shapeLists[this.slot[port * 2 + (transport === 'udp' ? 1 : 0)]!]!;
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

function shapesOf(list: readonly Placed[]): RuleShape[] | null {
  if (list.length > MASK_BITS) return null;
  const out: { direction: Direction; hostSet: AddressSet; peerSet: AddressSet; mask: number }[] = [];
  list.forEach((r, i) => {
    const same = out.find((s) => s.direction === r.direction && s.hostSet === r.hostSet && s.peerSet === r.peerSet);
    if (same) same.mask |= 1 << i;
    else out.push({ direction: r.direction, hostSet: r.hostSet, peerSet: r.peerSet, mask: 1 << i });
  });
  return out;
}
