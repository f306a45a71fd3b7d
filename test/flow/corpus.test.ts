/**
 * The flow table against tshark's conversation tables on the real captures of
 * ../shared/corpus (the same comparison as `score.py flows`): for every file the
 * MANIFEST expects to `read` with no oracle caveat and no IP-defragmentation
 * sensitivity, the TCP/UDP flows as unordered endpoint pairs (summed over
 * tcp.stream) carry the same packets and bytes each way.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/capture/open.js';
import { decodePacket } from '../../src/decode/decode.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import { FlowTable } from '../../src/flow/flow-table.js';
import type { FlowRecord } from '../../src/flow/types.js';
import { CORPUS_DIR, needsCorpus } from '../support/requires.js';

const corpus = pathToFileURL(CORPUS_DIR);
const withCorpus = needsCorpus();

interface Conv { a: string; b: string; packets_a_to_b: number; bytes_a_to_b: number; packets_b_to_a: number; bytes_b_to_a: number }

/** "ip:port" (IPv6 split at the last colon) to a canonical endpoint string. */
function ep(s: string): string {
  const i = s.lastIndexOf(':');
  return `${s.slice(0, i).replace(/^\[|\]$/g, '')}|${s.slice(i + 1)}`;
}

type Counts = Map<string, Map<string, [number, number]>>;

function addEnd(m: Counts, proto: string, x: string, y: string, px: number, bx: number, py: number, by: number): void {
  const key = `${proto} ${[x, y].sort().join(' ')}`;
  let d = m.get(key);
  if (!d) { d = new Map(); m.set(key, d); }
  const add = (e: string, pk: number, b: number) => { const c = d!.get(e) ?? [0, 0]; d!.set(e, [c[0] + pk, c[1] + b]); };
  add(x, px, bx);
  if (x !== y) add(y, py, by);
}

function sorted(m: Counts): [string, [string, [number, number]][]][] {
  return [...m.entries()].map(([k, d]) => [k, [...d.entries()].sort()] as [string, [string, [number, number]][]]).sort();
}

async function tableFlows(path: string): Promise<FlowRecord[]> {
  const flows: FlowRecord[] = [];
  const table = new FlowTable({}, (f) => flows.push(f));
  const p = new DecodedPacket();
  await readInput(path, 0, {
    packet(buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface) {
      decodePacket(p, buf, offset, caplen, linkType);
      p.ts = tsSec + tsNsec / 1e9;
      p.origLen = origLen;
      p.iface = iface;
      table.add(p, 0);
    },
  }).catch(() => undefined);
  table.flush();
  return flows;
}

/**
 * Files where the table's input legitimately differs from tshark's, each with the
 * reason and the conversations (proto + sorted endpoints) that tshark has and we do not.
 */
const KNOWN_DIFFERENCES: Record<string, { reason: string; missing: string[] }> = {
  // None today: libpcap__ipv6_ext_headers.pcap (17 chained IPv6 extension headers) was one until the decoder walked the whole chain.
};

const manifest = !withCorpus ? [] : readFileSync(new URL('MANIFEST.tsv', corpus), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split('\t')).filter((r) => r[2] === 'read' && r[3] === '');
const files = manifest.map((r) => r[0]).filter((f) => {
  const o = JSON.parse(readFileSync(new URL(`oracle/${f}.json`, corpus), 'utf8')) as { defrag_sensitive?: unknown };
  return !o.defrag_sensitive;
});

/** 5-tuples whose flow split differs from tshark's for a reason of the capture itself (docs/flows.md). */
const SPLIT_EXPLAINED: Record<string, { keys: string[]; reason: string }> = {
  'pcapplusplus__pcapng-example.pcapng': {
    keys: ['tcp 127.0.0.1|3306 127.0.0.1|40304'],
    reason: 'frame 2 (the SYN-ACK) is stamped 46 years after the SYN: the SYN times out as an attempt of its own; tshark ignores time',
  },
};

describe.runIf(withCorpus)('flows match tshark conversations on the corpus', () => {
  it('has files to compare', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  for (const file of files) {
    it(file, async () => {
      const o = JSON.parse(readFileSync(new URL(`oracle/${file}.json`, corpus), 'utf8')) as Record<string, Conv[] | undefined>;
      const want: Counts = new Map();
      for (const proto of ['tcp', 'udp']) {
        for (const c of o[`conv_${proto}`] ?? []) {
          addEnd(want, proto, ep(c.a), ep(c.b), c.packets_a_to_b, c.bytes_a_to_b, c.packets_b_to_a, c.bytes_b_to_a);
        }
      }
      const got: Counts = new Map();
      // The flow split: how many flows (tshark: conversations, one per tcp.stream) each 5-tuple has.
      const wantSplit = new Map<string, number>(), gotSplit = new Map<string, number>();
      for (const proto of ['tcp', 'udp']) {
        for (const c of o[`conv_${proto}`] ?? []) {
          const k = `${proto} ${[ep(c.a), ep(c.b)].sort().join(' ')}`;
          wantSplit.set(k, (wantSplit.get(k) ?? 0) + 1);
        }
      }
      const flowsOfFile = await tableFlows(fileURLToPath(new URL(`captures/${file}`, corpus)));
      // Splits by idle timeout are ours alone (tshark never times a conversation out; Zeek does): one per gap
      // between consecutive flows of a 5-tuple longer than the idle timeout (docs/flows.md, "Agreement with tshark").
      const idleSplits = new Map<string, number>();
      const lastOf = new Map<string, number>();
      for (const f of flowsOfFile.slice().sort((a, b) => a.first - b.first)) {
        if (f.proto !== 'tcp' && f.proto !== 'udp') continue;
        const k = `${f.proto} ${[`${f.clientIp}|${f.clientPort}`, `${f.serverIp}|${f.serverPort}`].sort().join(' ')}`;
        gotSplit.set(k, (gotSplit.get(k) ?? 0) + 1);
        const prev = lastOf.get(k);
        if (prev !== undefined && f.first - prev > (f.proto === 'udp' ? 60 : 60)) idleSplits.set(k, (idleSplits.get(k) ?? 0) + 1);
        lastOf.set(k, Math.max(prev ?? -Infinity, f.last));
      }
      for (const k of KNOWN_DIFFERENCES[file]?.missing ?? []) wantSplit.delete(k);
      const splitDiff = [...new Set([...wantSplit.keys(), ...gotSplit.keys()])]
        .filter((k) => (wantSplit.get(k) ?? 0) !== (gotSplit.get(k) ?? 0) - (idleSplits.get(k) ?? 0))
        .filter((k) => !(SPLIT_EXPLAINED[file]?.keys ?? []).includes(k));
      expect(splitDiff, `${file}: 5-tuples whose flow split differs from tshark's conversations`).toEqual([]);
      for (const f of flowsOfFile) {
        if (f.proto !== 'tcp' && f.proto !== 'udp') continue;
        addEnd(got, f.proto, `${f.clientIp}|${f.clientPort}`, `${f.serverIp}|${f.serverPort}`,
          f.packets.client, f.bytes.client, f.packets.server, f.bytes.server);
      }
      const known = KNOWN_DIFFERENCES[file];
      for (const k of known?.missing ?? []) {
        expect(want.has(k), `${file}: ${known!.reason}`).toBe(true);
        want.delete(k);
      }
      expect(sorted(got)).toEqual(sorted(want));
    });
  }
});
