import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/capture/open.js';
import type { PacketSink } from '../../src/capture/types.js';
import { decodePacket } from '../../src/decode/decode.js';
import { formatIp } from '../../src/decode/ip-format.js';
import { DecodedPacket, L4_TCP, L4_UDP } from '../../src/decode/packet.js';
import { PROBLEMS, ProblemCounter } from '../../src/decode/problems.js';
import { CORPUS_DIR, needsCorpus } from '../support/requires.js';

const corpus = pathToFileURL(CORPUS_DIR);
const withCorpus = needsCorpus();
const CATEGORIES = new Set(['linktype', 'linktype-unsupported', 'vlan', 'ipv6-ext', 'icmp', 'malformed-packet', 'fragments']);
const rows = !withCorpus ? [] : readFileSync(new URL('MANIFEST.tsv', corpus), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split('\t'))
  .map(([file, category, expected, caveat]) => ({ file: file!, category: category!, expected: expected!, caveat: caveat ?? '' }))
  .filter((r) => CATEGORIES.has(r.category));

interface Oracle {
  tshark: { packets: number };
  conversation_counts: { tcp: number; udp: number };
  conv_tcp: { a: string; b: string }[];
  conv_udp: { a: string; b: string }[];
  defrag_sensitive?: boolean;
  conv_nodefrag?: { conv_tcp: { a: string; b: string }[]; conv_udp: { a: string; b: string }[] };
  conv_tcp_fields_based_unvalidated?: { a: string; b: string }[];
  conv_udp_fields_based_unvalidated?: { a: string; b: string }[];
}

/**
 * MANIFEST caveats where the decoder makes tshark's choice, so the oracle still
 * applies: truncated transport headers join no flow, 228 is decoded by the version
 * nibble, the NULL Ethertype fallback, VLAN ids outside the flow key, no reassembly
 * (compared with `conv_nodefrag`), and IPv6 header addresses (compared with the
 * per-packet field view, `conv_*_fields_based_unvalidated`).
 */
const SAME_AS_TSHARK = new Set(['truncated-l4-not-counted', 'ipv6-in-linktype-ipv4', 'null-header-ethertype-fallback',
  'vlan-not-in-flow-key', 'defrag-sensitive', 'ipv6-pseudo-header-address']);
let compared = 0;
const oracle = (file: string): Oracle => JSON.parse(readFileSync(new URL(`oracle/${file}.json`, corpus), 'utf8'));

/** Numeric fields of DecodedPacket that must never become NaN. */
const NUMERIC = Object.entries(new DecodedPacket()).filter(([, v]) => typeof v === 'number').map(([k]) => k);

interface Seen {
  packets: number;
  nan: number;
  tcp: Set<string>;
  udp: Set<string>;
  problems: ProblemCounter;
  quoted: number;
  quotedPorts: string[];
}

function endpoint(q: DecodedPacket, src: boolean): string {
  const ip = src ? formatIp(q.ipVersion as 4 | 6, q.src0, q.src1, q.src2, q.src3) : formatIp(q.ipVersion as 4 | 6, q.dst0, q.dst1, q.dst2, q.dst3);
  return `${ip}:${src ? q.srcPort : q.dstPort}`;
}

async function decodeFile(file: string): Promise<Seen> {
  const p = new DecodedPacket();
  const seen: Seen = { packets: 0, nan: 0, tcp: new Set(), udp: new Set(), problems: new ProblemCounter(), quoted: 0, quotedPorts: [] };
  const sink: PacketSink = {
    packet(buf, offset, caplen, _origLen, _s, _ns, linkType) {
      decodePacket(p, buf, offset, caplen, linkType);
      seen.packets++;
      seen.problems.add(p);
      for (const k of NUMERIC) if (Number.isNaN((p as unknown as Record<string, number>)[k])) seen.nan++;
      if (p.l4 === L4_TCP || p.l4 === L4_UDP) {
        const pair = [endpoint(p, true), endpoint(p, false)].sort().join(' ');
        (p.l4 === L4_TCP ? seen.tcp : seen.udp).add(pair);
      }
      if (p.quoted) {
        seen.quoted++;
        seen.quotedPorts.push(`${p.qProto}:${p.qSrcPort}>${p.qDstPort}`);
      }
    },
  };
  await readInput(fileURLToPath(new URL(`captures/${file}`, corpus)), 0, sink);
  return seen;
}

/** tshark's rows as unordered endpoint pairs. */
const pairs = (rows: { a: string; b: string }[]) => new Set(rows.map((r) => [r.a, r.b].sort().join(' ')));

describe.runIf(withCorpus)('corpus: every packet decodes without throwing', () => {
  it('covers the decoder categories', () => {
    expect(rows.length).toBeGreaterThanOrEqual(50);
  });
  for (const row of rows) {
    it(row.file, async () => {
      const seen = await decodeFile(row.file);
      const o = oracle(row.file);
      expect(seen.packets).toBe(o.tshark.packets);
      expect(seen.nan).toBe(0);
      // The TCP/UDP endpoint pairs agree exactly with tshark's, read the way the decoder
      // is documented to read packets (no reassembly, IPv6 header addresses).
      const caveats = row.caveat.split(',').filter((c) => c !== '' && !SAME_AS_TSHARK.has(c));
      if (caveats.length === 0) {
        const view = o.defrag_sensitive ? o.conv_nodefrag! : o;
        const headerAddresses = row.caveat.includes('ipv6-pseudo-header-address');
        const tcpRows = (headerAddresses ? o.conv_tcp_fields_based_unvalidated : undefined) ?? view.conv_tcp;
        const udpRows = (headerAddresses ? o.conv_udp_fields_based_unvalidated : undefined) ?? view.conv_udp;
        expect([...seen.tcp].sort()).toEqual([...pairs(tcpRows)].sort());
        expect([...seen.udp].sort()).toEqual([...pairs(udpRows)].sort());
        compared++;
      }
    });
  }
});

describe.runIf(withCorpus)('corpus: facts from the oracle and the README', () => {
  it('compared the flow pairs of most files with the oracle', () => {
    expect(compared).toBeGreaterThanOrEqual(55);
  });

  it('quoted headers in ICMP errors are decoded but make no flow', async () => {
    const udp = await decodeFile('zeek__icmp__icmp-destunreach-udp.pcap');
    expect(udp.udp.size).toBe(0);
    expect(udp.quoted).toBe(1);
    expect(udp.quotedPorts[0]).toMatch(/^17:(53>\d+|\d+>53)$/);
    const v6 = await decodeFile('zeek__icmp__icmp6-destunreach-ip6ext-udp.pcap');
    expect([v6.udp.size, v6.quoted]).toEqual([0, 1]);
    expect(v6.quotedPorts[0]).toMatch(/^17:\d+>\d+$/);
    const none = await decodeFile('zeek__icmp__icmp-destunreach-no-context.pcap');
    expect(none.problems.toRecord()).toEqual({ truncated_icmp_quote: 1 });
  });

  it('PCP/DEI bits never leak: the tagged and untagged packets form one TCP flow', async () => {
    const s = await decodeFile('zeek__vlan-pcp-dei.pcapng');
    expect(s.tcp.size).toBe(1);
    expect(s.problems.total()).toBe(0);
  });

  it('unsupported link types are counted by value', async () => {
    const s = await decodeFile('pcapplusplus__microsecs_big_endian.pcap');
    expect(s.problems.toRecord()).toEqual({ 'unsupported_link_type:253': 13 });
    expect((await decodeFile('zeek__radiotap.pcap')).problems.toRecord()).toEqual({ 'unsupported_link_type:127': 3 });
  });

  it('malformed packets give the expected problem names', async () => {
    const expectProblem = async (file: string, name: string) => {
      const rec = (await decodeFile(file)).problems.toRecord();
      expect(rec[name], `${file}: ${JSON.stringify(rec)}`).toBeGreaterThan(0);
    };
    await expectProblem('tcpdump__ipv4_invalid_hdr_length.pcap', 'bad_ipv4_header_length');
    await expectProblem('tcpdump__ipv6-bad-version.pcap', 'bad_ip_version');
    await expectProblem('tcpdump__udp-length-heapoverflow.pcap', 'truncated_udp_header');
    await expectProblem('tcpdump__tcp_header_heapoverflow.pcap', 'truncated_tcp_header');
    await expectProblem('pcapplusplus__tcp-malformed.pcap', 'bad_tcp_data_offset');
    await expectProblem('zeek__trunc__ip6-ext-trunc.pcap', 'truncated_ipv6_ext');
    await expectProblem('tcpdump__LINKTYPE_IPV4_invalid.pcap', 'ip_version_mismatch');
    await expectProblem('zeek__ipv4__fragmented-syn.pcap', 'truncated_tcp_header');
    await expectProblem('zeek__ipv6-mobility-dst-opts.pcap', 'bad_ipv6_ext_chain');
    expect(PROBLEMS.length).toBeGreaterThan(20);
  });
});
