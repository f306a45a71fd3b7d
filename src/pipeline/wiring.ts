/**
 * One pipeline, shared by every consumer: engine -> flow batches -> classify
 * (RxJS) -> share() -> accumulator, NDJSON stream, dashboard.
 */
import { Subject, share, type Observable } from 'rxjs';
import type { ClassifiedFlow } from '../classify/types.js';
import type { ResolvedDesign } from '../design/resolve.js';
import type { FlowTableOptions } from '../flow/flow-table.js';
import type { FlowRecord } from '../flow/types.js';
import type { FlowSourceNames } from '../report/flow-sources.js';
import { ReportAccumulator } from './accumulator.js';
import { classifyFlows } from './classify-operator.js';
import { PacketEngine } from './packet-engine.js';

/** The wired stages. */
export interface Pipeline {
  engine: PacketEngine;
  acc: ReportAccumulator;
  /** The shared verdict stream (batches of final classified flows). */
  verdicts$: Observable<ClassifiedFlow[]>;
  /** Pushes the flows ended since the last call into the stream. */
  drain(): void;
  /** Pushes finished flows from outside the packet engine (flow-record inputs) into the stream. */
  push(batch: FlowRecord[]): void;
  /** Ends every live flow, drains, and completes the stream. */
  finish(): void;
}

/** Wires the stages for one run. */
export function createPipeline(design: ResolvedDesign, flow: FlowTableOptions | undefined, keepFlows: boolean,
  onFlows: ((batch: ClassifiedFlow[]) => void) | undefined, names: FlowSourceNames): Pipeline {
  const engine = new PacketEngine({ ...flow, serverPortHint: design.serverPortHint }, flow?.dedupWindow ?? 0.001);
  const acc = new ReportAccumulator(design, keepFlows, names);
  const batches = new Subject<FlowRecord[]>();
  const verdicts$ = batches.pipe(classifyFlows(design), share());
  verdicts$.subscribe((b) => acc.add(b));
  if (onFlows) verdicts$.subscribe(onFlows);
  const drain = (): void => {
    const b = engine.drain();
    if (b.length > 0) batches.next(b);
  };
  return {
    engine, acc, verdicts$, drain,
    push: (b) => { if (b.length > 0) batches.next(b); },
    finish: () => { engine.flush(); drain(); batches.complete(); },
  };
}
