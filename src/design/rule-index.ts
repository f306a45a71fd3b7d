/**
 * Rules looked up by (transport, port): built once when the design is resolved,
 * so that classifying a flow tries only the few rules that hold its port instead
 * of scanning the whole matrix. A flat Uint16Array maps every (transport, port)
 * to a list; rules keep their design order within each list.
 */
import type { Transport } from './rules.js';

/** The part of a rule the index needs. */
interface Ported {
  readonly transport: Transport;
  readonly ports: readonly number[];
}

const NONE: readonly never[] = [];

/** Rules grouped by transport and port, each group in the order the rules were given. */
export class RuleIndex<R extends Ported> {
  /** (port * 2 + (udp ? 1 : 0)) -> index into `lists`; 0 means no rule. */
  private readonly slot = new Uint16Array(65536 * 2);
  private readonly lists: R[][] = [[]];

  /** Indexes `rules` (each rule under every port it lists). */
  constructor(rules: readonly R[]) {
    for (const r of rules) {
      for (const p of r.ports) {
        const k = p * 2 + (r.transport === 'udp' ? 1 : 0);
        let i = this.slot[k]!;
        if (i === 0) {
          i = this.lists.length;
          this.lists.push([]);
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
}
