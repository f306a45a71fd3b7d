/**
 * The evidence file (`--evidence FILE.pcapng`): every packet of every flagged flow
 * (blocked, wrong-direction, unexpected by default), plus the ICMP errors that quote
 * them, as pcapng with original timestamps, link types and timestamp resolutions; a
 * packet comment on the first packet of each flagged flow says why it was flagged, and
 * the section comment says what the file holds (docs/evidence.md).
 *
 * Memory stays bounded: capture files are read a second time after the audit, taking
 * the packets of the flagged flows as they pass; stdin, FIFOs and devices, which can be
 * read once only, keep the first EVIDENCE_FLOW_PACKETS packets of every flow still
 * undecided (at most --evidence-max-mb) and let go of them once the flow is judged
 * otherwise. A packet belongs to a flagged flow when its 5-tuple matches (either way)
 * and its time lies inside the flow's first..last; an ICMP error when its quoted
 * 5-tuple matches and it came at most ICMP_ERROR_WINDOW seconds after the flow's last packet.
 */
import { closeSync, openSync, readSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { readInput } from '../capture/open.js';
import type { PacketSink } from '../capture/types.js';
import type { ClassifiedFlow } from '../classify/types.js';
import { decodePacket } from '../decode/decode.js';
import { DecodedPacket } from '../decode/packet.js';
import { connectionIdOf } from '../design/connections.js';
import type { ResolvedDesign } from '../design/resolve.js';
import { CaptureError } from '../errors.js';
import type { FlowRecord } from '../flow/types.js';
import type { PacketTap } from '../pipeline/tap.js';
import { endpoint } from './build.js';
import { flowCutKey, flowKey, inScope, mayOwnCutQuote, packetKey, within } from './evidence-match.js';
import { enhancedPacket, interfaceDescription, interfaceStatistics, sectionHeader } from './evidence-pcapng.js';
import { fmtTime } from './format.js';
import type { AuditReport } from './types.js';

/** Packets kept per undecided flow of an input that can be read only once. */
export const EVIDENCE_FLOW_PACKETS = 32;
/** Flagged flows remembered for the evidence; past it further flagged flows are counted, not written. */
export const MAX_EVIDENCE_FLOWS = 200_000;
/** Default --evidence-max-mb. */
export const DEFAULT_EVIDENCE_MB = 256;
/** Bytes a held packet costs besides its data (object, arrays), for the --evidence-max-mb count. */
const HELD_OVERHEAD = 120;

/** Formats whose packets can be read again (files; stdin and pipes are kept while reading). */
const PACKET_FORMATS = new Set(['pcap', 'pcap-ns', 'pcapng']);

/** What the evidence writer was asked for. */
export interface EvidenceOptions {
  /** Verdicts that put a flow in the evidence; `protocol-mismatch` adds flows with that flag. */
  verdicts: ReadonlySet<string>;
  /** Bytes the packets held for read-once inputs may take. */
  maxBytes: number;
}

/** Where the evidence goes, opened before the run (a live capture drops root before it ends). */
export interface EvidenceFiles {
  path: string;
  /** The evidence file, opened for writing. */
  fd: number;
  /** An unlinked scratch file beside it for the packet blocks, opened for reading and writing. */
  partFd: number;
}

/**
 * Opens the evidence file and its scratch file (unlinked at once, so nothing is left behind).
 * @throws CaptureError naming the file when either cannot be written
 */
export function openEvidenceFiles(path: string): EvidenceFiles {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new CaptureError(`cannot write ${path}: ${writeReason(e)}`);
  }
  const part = `${path}.part`;
  let partFd: number;
  try {
    partFd = openSync(part, 'w+');
    unlinkSync(part);
  } catch (e) {
    closeSync(fd);
    throw new CaptureError(`cannot write ${part}: ${writeReason(e)}`);
  }
  return { path, fd, partFd };
}

function writeReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException)?.code) {
    case 'ENOENT': return 'no such directory';
    case 'EISDIR': return 'is a directory';
    case 'EACCES': case 'EPERM': return 'permission denied';
    default: return (e as Error)?.message ?? String(e);
  }
}

/** What the evidence file ended up holding. */
export interface EvidenceResult {
  path: string;
  /** Flagged flows of the run. */
  flagged: number;
  /** Of them, flows with at least one packet in the file, and packet comments written (one per such flow). */
  withPackets: number;
  comments: number;
  /** Packets written (ICMP errors included). */
  packets: number;
  /** Flagged flows from flow-record inputs (Zeek, nfdump): they have no packets. */
  fromRecords: number;
  /** Flagged flows of read-once inputs that lost packets to --evidence-max-mb, and the packets not kept. */
  cutFlows: number;
  cutPackets: number;
  /** Flagged flows of read-once inputs with more than EVIDENCE_FLOW_PACKETS packets (only the first are in the file). */
  trimmedFlows: number;
  /** Flagged flows past MAX_EVIDENCE_FLOWS, not in the file. */
  notKept: number;
  /** Flagged flows of packet inputs for which no packet was found (an input that changed or could not be read again). */
  notFound: number;
  /** Inputs that could not be read a second time, with the reason. */
  rereadErrors: string[];
}

interface Iface {
  /** Interface id in the evidence file. */
  id: number;
  input: number;
  linkType: number;
  tsresol: number;
  snaplen: number;
  /** Index of the interface within its input. */
  local: number;
}

/** What a packet comment says, kept as the classifier's (mostly shared) strings: the comment is built when written. */
interface CommentParts {
  verdict: string;
  conn: string | null;
  rule: string | null;
  reason: string;
  reasonCode: string;
  mismatch: string | null;
  proto: string;
  clientIp: string;
  clientPort: number;
  serverIp: string;
  serverPort: number;
  id: number;
}

interface Flagged {
  first: number;
  last: number;
  input: number;
  /** The client's cut-quote key when an ICMP error with a cut quote could be this flow's, else null. */
  cutKey: string | null;
  parts: CommentParts;
  /** Packets of the flow the flow table counted (ICMP errors not included). */
  flowPackets: number;
  written: number;
  commented: boolean;
}

interface Held {
  seq: number;
  input: number;
  iface: number;
  tsSec: number;
  tsNsec: number;
  ts: number;
  data: Uint8Array;
  origLen: number;
  icmpError: boolean;
  comment: string | null;
}

/** The packet comment of a flagged flow: verdict, client -> server, connection, rule, reason, flow id. */
function commentText(c: CommentParts): string {
  const conn = c.conn ?? `${c.proto}/${c.serverPort} (outside the design)`;
  const mismatch = c.mismatch !== null ? `; protocol mismatch: ${c.mismatch} on this port` : '';
  // The reason of a designed rule starts with "service proto/port (rule id): ", which the comment says already.
  const reason = c.reason.replace(/^[\w-]+ (?:tcp|udp)\/\d+ \(rule [^)]+\): /, '');
  return `wfo-audit ${c.verdict}: client ${endpoint(c.clientIp, c.clientPort)} \u2192 server ${endpoint(c.serverIp, c.serverPort)}; `
    + `${conn}, rule ${c.rule ?? 'none'}; ${reason} [${c.reasonCode}]${mismatch}; flow ${c.id}`;
}


/** Whether an input is read once (stdin, a FIFO, a device): its packets must be kept while reading. */
function readOnce(path: string): boolean {
  if (path === '-') return true;
  try { return !statSync(path).isFile(); } catch { return false; }
}

/** Blocks gathered into large writes (one write per packet block was most of the evidence's time). */
class BlockChunk {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private n = 0;
  constructor(private readonly fd: number) {}
  add(b: Uint8Array): void {
    if (this.n + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) { writeSync(this.fd, b); return; }
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  flush(): void {
    if (this.n > 0) writeSync(this.fd, this.buf, 0, this.n);
    this.n = 0;
  }
}

/** Collects the evidence during the audit (as the run's packet tap and flow consumer) and writes the file after it. */
export class EvidenceCollector implements PacketTap {
  private readonly pkt = new DecodedPacket();
  private readonly keyOut = { icmpError: false };
  private readonly connOf = new Map<string, string>();
  private readonly ifaces = new Map<number, Iface>();
  private readonly ifaceList: Iface[] = [];
  private readonly readOnceInputs = new Set<number>();
  private input = 0;
  private buffering = false;
  /** Earliest and latest packet (seconds and nanoseconds), and the latest stated end (pcapng ISB). */
  private firstTs = NaN;
  private first: [number, number] = [0, 0];
  private lastTs = NaN;
  private last: [number, number] = [0, 0];
  private statedEnd = NaN;
  /** Flagged flows by 5-tuple, in order of their first packet per tuple. */
  private readonly flagged = new Map<string, Flagged[]>();
  private flaggedCount = 0;
  private notKept = 0;
  /** Read-once inputs: packets of flows still undecided, by 5-tuple; packets of flagged flows. */
  private readonly pending = new Map<string, Held[]>();
  private readonly held: Held[] = [];
  private heldBytes = 0;
  private seq = 0;
  private cutPackets = 0;
  private readonly cutKeys = new Set<string>();
  private cutFlows = 0;
  private trimmedFlows = 0;

  /** Whether a read-once packet may belong to a flow that can be flagged (null: every packet may). */
  private readonly mayMatter: ((p: DecodedPacket) => boolean) | null;

  constructor(design: ResolvedDesign, private readonly opts: EvidenceOptions) {
    for (const r of design.rules) this.connOf.set(r.id, connectionIdOf(r));
    // With a site file, a flow with neither end a WFO host nor the cloud is `ignored` (classify.ts):
    // unless ignored flows are asked for, their packets need not be kept at all.
    this.mayMatter = design.site === null || opts.verdicts.has('ignored') ? null : inScope(design);
  }

  /** PacketTap: input `index` starts. */
  startInput(index: number, path: string, once?: boolean): void {
    this.input = index;
    this.buffering = once ?? readOnce(path);
    if (this.buffering) this.readOnceInputs.add(index);
  }

  /** PacketSink: an interface of the current input. */
  interfaceAdded(iface: number, linkType: number, tsresol: number, snaplen: number): void {
    if (this.ifaces.has(iface)) return;
    const local = this.ifaceList.filter((x) => x.input === this.input).length;
    const entry: Iface = { id: this.ifaceList.length, input: this.input, linkType, tsresol, snaplen, local };
    this.ifaces.set(iface, entry);
    this.ifaceList.push(entry);
  }

  /** PacketSink: the input's stated end. */
  endTime(ts: number): void {
    if (Number.isFinite(ts) && !(ts <= this.statedEnd)) this.statedEnd = ts;
  }

  /** PacketSink: every packet of the run, during the audit. */
  packet(buf: Uint8Array, offset: number, caplen: number, origLen: number,
    tsSec: number, tsNsec: number, linkType: number, iface: number): void {
    const ts = tsSec + tsNsec / 1e9;
    if (!(ts >= this.firstTs)) { this.firstTs = ts; this.first = [tsSec, tsNsec]; }
    if (!(ts <= this.lastTs)) { this.lastTs = ts; this.last = [tsSec, tsNsec]; }
    if (!this.buffering) return;
    const itf = this.ifaces.get(iface);
    if (itf === undefined) return; // every reader announces its interfaces before their packets
    const p = this.pkt;
    decodePacket(p, buf, offset, caplen, linkType);
    const key = packetKey(p, this.keyOut);
    if (key === null || (this.mayMatter !== null && !this.mayMatter(p))) return;
    let list = this.pending.get(key);
    if (list !== undefined && list.length >= EVIDENCE_FLOW_PACKETS) return;
    const cost = caplen + HELD_OVERHEAD;
    if (this.heldBytes + cost > this.opts.maxBytes) {
      this.cutPackets++;
      if (this.cutKeys.size < MAX_EVIDENCE_FLOWS) this.cutKeys.add(key);
      return;
    }
    if (list === undefined) { list = []; this.pending.set(key, list); }
    this.heldBytes += cost;
    list.push({
      seq: this.seq++, input: this.input, iface: itf.id, tsSec, tsNsec, ts,
      data: Uint8Array.prototype.slice.call(buf, offset, offset + caplen), origLen, icmpError: this.keyOut.icmpError, comment: null,
    });
  }

  /** Whether a classified flow goes into the evidence. */
  private isFlagged(cf: ClassifiedFlow): boolean {
    return this.opts.verdicts.has(cf.verdict) || (cf.protocolMismatch && this.opts.verdicts.has('protocol-mismatch'));
  }

  /** What the packet comment of a flagged flow will say. */
  private commentParts(cf: ClassifiedFlow): CommentParts {
    const f = cf.flow;
    const icmp = f.proto === 'icmp' || f.proto === 'icmp6';
    const designed = cf.verdict !== 'unexpected' && cf.rule !== null ? this.connOf.get(cf.rule) : undefined;
    return {
      verdict: cf.verdict, conn: designed ?? null, rule: cf.rule, reason: cf.reason, reasonCode: cf.reasonCode,
      mismatch: cf.protocolMismatch ? cf.app : null, proto: f.proto, clientIp: f.clientIp, clientPort: icmp ? 0 : f.clientPort,
      serverIp: f.serverIp, serverPort: icmp ? 0 : f.serverPort, id: f.id,
    };
  }

  /** Every batch of classified flows, as flows end: flagged ones are remembered, held packets of the others let go. */
  onFlows(batch: readonly ClassifiedFlow[]): void {
    for (const cf of batch) {
      const f = cf.flow;
      const flagged = this.isFlagged(cf);
      const key = this.pending.size > 0 || flagged ? flowKey(f) : '';
      let taken = this.pending.size > 0 ? this.take(key, f) : null;
      if (this.pending.size > 0 && mayOwnCutQuote(f)) {
        const errs = this.take(flowCutKey(f), f);
        if (errs !== null && errs.length > 0) taken = [...(taken ?? []), ...errs];
      }
      if (flagged) {
        this.flaggedCount++;
        if (this.flaggedCount > MAX_EVIDENCE_FLOWS) this.notKept++;
      }
      if (!flagged || this.flaggedCount > MAX_EVIDENCE_FLOWS) {
        if (taken !== null) for (const h of taken) this.heldBytes -= h.data.length + HELD_OVERHEAD;
        continue;
      }
      const fl: Flagged = {
        first: f.first, last: f.last, input: f.input, cutKey: mayOwnCutQuote(f) ? flowCutKey(f) : null, parts: this.commentParts(cf),
        flowPackets: f.packets.client + f.packets.server, written: 0, commented: false,
      };
      if (taken !== null && taken.length > 0) {
        const opener = taken.find((h) => !h.icmpError) ?? taken[0]!;
        opener.comment = commentText(fl.parts);
        fl.commented = true;
        fl.written = taken.length;
        for (const h of taken) this.held.push(h);
        const own = taken.filter((h) => !h.icmpError).length;
        if (this.cutKeys.has(key) && own < fl.flowPackets) this.cutFlows++;
        else if (own < fl.flowPackets) this.trimmedFlows++;
      } else if (this.cutKeys.has(key)) {
        this.cutFlows++;
      }
      let list = this.flagged.get(key);
      if (list === undefined) { list = []; this.flagged.set(key, list); }
      list.push(fl);
    }
  }

  /**
   * Takes the held packets of a flow that was just judged; older leftovers of the same
   * 5-tuple go too (not those under a client's cut-quote key: other flows of the client may own them).
   */
  private take(key: string, f: FlowRecord): Held[] | null {
    const dropOlder = !key.startsWith('cut|');
    const list = this.pending.get(key);
    if (list === undefined) return null;
    const mine: Held[] = [];
    const rest: Held[] = [];
    for (const h of list) {
      if (within(f, h.ts, h.icmpError)) mine.push(h);
      else if (h.ts > f.last || !dropOlder) rest.push(h);
      else this.heldBytes -= h.data.length + HELD_OVERHEAD;
    }
    if (rest.length === 0) this.pending.delete(key); else this.pending.set(key, rest);
    // Packets not flagged are let go at once; flagged ones stay counted against the limit.
    return mine;
  }

  /** Lets go of the packets of flows that were never judged (at the end of the run). */
  private dropPending(): void {
    for (const list of this.pending.values()) for (const h of list) this.heldBytes -= h.data.length + HELD_OVERHEAD;
    this.pending.clear();
  }

  /**
   * Writes the evidence file after the audit: the flagged packets of read-once inputs
   * from memory, those of capture files read a second time, each input in report order.
   * @throws CaptureError when the file cannot be written
   */
  async write(out: EvidenceFiles, report: AuditReport, signal?: AbortSignal): Promise<EvidenceResult> {
    this.dropPending();
    const { fd, partFd, path } = out;
    let packets = 0;
    const rereadErrors: string[] = [];
    // The blocks go to the unlinked part file first: the section comment counts them, and comes first.
    const chunk = new BlockChunk(partFd);
    const writeBlock = (b: Uint8Array): void => { chunk.add(b); packets++; };
    try {
      for (let i = 0; i < report.inputs.length; i++) {
        const info = report.inputs[i]!;
        if (this.readOnceInputs.has(i)) {
          const mine = this.held.filter((h) => h.input === i).sort((a, b) => a.seq - b.seq);
          for (const h of mine) {
            const itf = this.ifaceList[h.iface]!;
            writeBlock(enhancedPacket(h.iface, itf.tsresol, h.tsSec, h.tsNsec, h.data, h.origLen, h.comment));
          }
          continue;
        }
        if (!PACKET_FORMATS.has(info.format) || info.packets === 0 || this.flagged.size === 0) continue;
        try {
          await readInput(info.path, i, this.secondPass(writeBlock), { ifaceBase: i << 16, signal });
        } catch (e) {
          if (!(e instanceof CaptureError)) throw e;
          rereadErrors.push(e.message);
        }
      }
      chunk.flush();
      const result = this.result(path, report, packets, rereadErrors);
      writeSync(fd, sectionHeader(`wfo-audit ${report.version}`, this.sectionComment(report, result)));
      for (const itf of this.ifaceList) {
        const input = report.inputs[itf.input]?.path ?? '?';
        writeSync(fd, interfaceDescription(itf.linkType, itf.snaplen, itf.tsresol, `${input}#${itf.local}`,
          `input ${itf.input + 1} (${input}), interface ${itf.local}`));
      }
      const buf = Buffer.allocUnsafe(1 << 20);
      for (let pos = 0; ;) {
        const n = readSync(partFd, buf, 0, buf.length, pos);
        if (n <= 0) break;
        writeSync(fd, buf, 0, n);
        pos += n;
      }
      const end = this.endOfInput();
      if (end !== null) {
        for (const itf of this.ifaceList) writeSync(fd, interfaceStatistics(itf.id, itf.tsresol, this.first, end));
      }
      return result;
    } catch (e) {
      if (e instanceof CaptureError) throw e;
      throw new CaptureError(`cannot write ${path}: ${(e as Error).message}`);
    } finally {
      closeSync(partFd);
      closeSync(fd);
    }
  }

  /** The end of the input as the audit saw it (latest packet or stated end), as seconds and nanoseconds; null without packets. */
  private endOfInput(): [number, number] | null {
    if (Number.isNaN(this.lastTs)) return null;
    if (!(this.statedEnd > this.lastTs)) return this.last;
    const sec = Math.floor(this.statedEnd);
    return [sec, Math.min(999_999_999, Math.round((this.statedEnd - sec) * 1e9))];
  }

  private cuts: Map<string, Flagged[]> | null = null;

  /** Flagged flows that an ICMP error with a cut quote can belong to, by their client's address. */
  private cutIndex(): Map<string, Flagged[]> {
    if (this.cuts !== null) return this.cuts;
    const m = new Map<string, Flagged[]>();
    for (const list of this.flagged.values()) {
      for (const fl of list) {
        if (fl.cutKey === null) continue;
        const l = m.get(fl.cutKey);
        if (l === undefined) m.set(fl.cutKey, [fl]); else l.push(fl);
      }
    }
    this.cuts = m;
    return m;
  }

  /** The sink of the second pass over a capture file: packets of flagged flows become blocks. */
  private secondPass(writeBlock: (b: Uint8Array) => void): PacketSink {
    const p = new DecodedPacket();
    const out = { icmpError: false };
    return {
      packet: (buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface) => {
        decodePacket(p, buf, offset, caplen, linkType);
        const key = packetKey(p, out);
        if (key === null) return;
        // ICMP errors with a cut quote are rare: the index by client address is built at the first one.
        const list = key.startsWith('cut|') ? this.cutIndex().get(key) : this.flagged.get(key);
        if (list === undefined) return;
        const ts = tsSec + tsNsec / 1e9;
        // The flagged flow of this tuple that started last at or before the packet.
        let fl: Flagged | undefined;
        for (const x of list) if (x.first <= ts && (fl === undefined || x.first >= fl.first) && !this.readOnceInputs.has(x.input)) fl = x;
        if (fl === undefined || !within(fl, ts, out.icmpError)) return;
        const itf = this.ifaces.get(iface);
        if (itf === undefined) return;
        const comment = !fl.commented && !out.icmpError ? commentText(fl.parts) : null;
        if (comment !== null) fl.commented = true;
        fl.written++;
        writeBlock(enhancedPacket(itf.id, itf.tsresol, tsSec, tsNsec, buf.subarray(offset, offset + caplen), origLen, comment));
      },
    };
  }

  private result(path: string, report: AuditReport, packets: number, rereadErrors: string[]): EvidenceResult {
    let withPackets = 0, comments = 0, notFound = 0, fromRecords = 0;
    for (const list of this.flagged.values()) {
      for (const fl of list) {
        if (fl.written > 0) withPackets++;
        if (fl.commented) comments++;
        const fmt = report.inputs[fl.input]?.format ?? 'unknown';
        if (!PACKET_FORMATS.has(fmt) && !this.readOnceInputs.has(fl.input)) fromRecords++;
        else if (fl.written === 0 && !this.readOnceInputs.has(fl.input)) notFound++;
      }
    }
    return {
      path, flagged: this.flaggedCount, withPackets, comments, packets, fromRecords,
      cutFlows: this.cutFlows, cutPackets: this.cutPackets, trimmedFlows: this.trimmedFlows,
      notKept: this.notKept, notFound, rereadErrors,
    };
  }

  /** The section comment: tool, site, inputs, time window, verdict counts, what is not in the file and why. */
  private sectionComment(r: AuditReport, res: EvidenceResult): string {
    const lines: string[] = [];
    lines.push(`wfo-audit ${r.version} evidence: every packet of the flows with verdict ${[...this.opts.verdicts].join(', ')}, and the ICMP errors that quote them`);
    lines.push(`site: ${r.site.path ?? '(none: built-in design)'}, mode ${r.site.mode}, modules ${r.site.modules.length > 0 ? r.site.modules.join(', ') : 'none'}`);
    lines.push(`inputs: ${r.inputs.map((i) => `${i.path} (${i.format}${i.gzip ? ', gzip' : ''})`).join(', ')}`);
    const end = this.endOfInput();
    if (r.stats.first !== null && r.stats.last !== null) {
      const endTs = end === null ? r.stats.last : Math.max(r.stats.last, end[0] + end[1] / 1e9);
      lines.push(`window: ${fmtTime(r.stats.first)} to ${fmtTime(endTs)} UTC (first packet to end of input)`);
    }
    lines.push(`verdicts: ${Object.entries(r.summary).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    lines.push(`flagged flows: ${res.flagged}; in this file: ${res.withPackets} (${res.packets} packets, a comment on the first packet of each)`);
    const missing: string[] = [];
    if (res.fromRecords > 0) missing.push(`${res.fromRecords} came from flow records (Zeek conn logs, nfdump), which hold no packets`);
    if (res.cutFlows > 0) missing.push(`${res.cutFlows} lost packets to --evidence-max-mb (${res.cutPackets} packets not kept)`);
    if (res.notKept > 0) missing.push(`${res.notKept} came after the first ${MAX_EVIDENCE_FLOWS} flagged flows`);
    if (res.notFound > 0) missing.push(`${res.notFound} had no packet when the inputs were read again${res.rereadErrors.length > 0 ? ` (${res.rereadErrors.join('; ')})` : ''}`);
    if (missing.length > 0) lines.push(`not in this file: ${missing.join('; ')}`);
    if (res.trimmedFlows > 0) lines.push(`${res.trimmedFlows} flagged flows of stdin or a pipe hold only their first ${EVIDENCE_FLOW_PACKETS} packets`);
    return lines.join('\n');
  }
}
