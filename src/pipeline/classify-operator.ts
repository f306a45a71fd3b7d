/**
 * The classification stage as an RxJS operator: a thin `map` over the pure
 * per-flow decision. Batches of flows go through, never single packets.
 */
import { map, type OperatorFunction } from 'rxjs';
import type { FlowRecord } from '../flow/types.js';
import type { ClassifiedFlow } from '../classify/types.js';
import { classifyFlow } from '../classify/classify.js';
import { identifyAppProto } from '../decode/app/index.js';
import type { ResolvedDesign } from '../design/resolve.js';

/** Identifies the application protocol of a flow and classifies it against the design. */
export function classifyOne(f: FlowRecord, design: ResolvedDesign): ClassifiedFlow {
  const app = identifyAppProto(f.payloadClient, f.payloadServer, f.proto, f.serverPort);
  return classifyFlow(f, design, app);
}

/** Operator: batch of flows in, batch of classified flows out. */
export function classifyFlows(design: ResolvedDesign): OperatorFunction<FlowRecord[], ClassifiedFlow[]> {
  return map((batch) => batch.map((f) => classifyOne(f, design)));
}
