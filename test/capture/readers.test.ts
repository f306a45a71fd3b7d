import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { orderInputs, readInput, readStream } from '../../src/capture/open.js';
import type { InputInfo, PacketSink, ReadProgress } from '../../src/capture/types.js';
import { PcapWriter, PcapngWriter, type WriteRecord } from '../../src/capture/writer.js';
import { CaptureError } from '../../src/errors.js';
import { CORPUS_DIR, needsCorpus } from '../support/requires.js';

const dir = mkdtempSync(join(tmpdir(), 'wfo-capture-'));
const corpus = (f: string) => `${CORPUS_DIR}captures/${f}`;
const withCorpus = needsCorpus();
let seq = 0;
function file(bytes: Uint8Array, name = `f${seq++}.cap`): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

interface Pkt { data: string; caplen: number; origLen: number; tsSec: number; tsNsec: number; linkType: number; iface: number }
function collector(): PacketSink & { pkts: Pkt[] } {
  return {
    pkts: [],
    packet(buf, off, caplen, origLen, tsSec, tsNsec, linkType, iface) {
      if (off < 0 || off + caplen > buf.length) throw new Error('record outside its buffer');
      this.pkts.push({ data: Buffer.from(buf.subarray(off, off + caplen)).toString('hex'), caplen, origLen, tsSec, tsNsec, linkType, iface });
    },
  };
}

/** Three packets of distinct sizes and times, one cut by the snaplen (origLen > data). */
const RECS: WriteRecord[] = [
  { tsSec: 1700000000, tsNsec: 123456789, data: Uint8Array.from({ length: 60 }, (_, i) => i) },
  { tsSec: 1700000001, tsNsec: 1000, data: Uint8Array.from({ length: 15 }, (_, i) => 255 - i), origLen: 1514 },
  { tsSec: 1700000002, tsNsec: 999999999, data: Uint8Array.from({ length: 1 }, () => 7) },
];
const hex = (r: WriteRecord) => Buffer.from(r.data).toString('hex');

async function read(p: string, opts = {}): Promise<{ info: InputInfo; pkts: Pkt[] }> {
  const s = collector();
  const info = await readInput(p, 0, s, opts);
  return { info, pkts: s.pkts };
}

describe('classic pcap', () => {
  for (const nanos of [false, true]) {
    for (const bigEndian of [false, true]) {
      it(`reads ${nanos ? 'ns' : 'µs'} ${bigEndian ? 'big' : 'little'}-endian`, async () => {
        const w = new PcapWriter({ linkType: 113, nanos, bigEndian });
        RECS.forEach((r) => w.write(r));
        const { info, pkts } = await read(file(w.close()));
        expect(info).toEqual({ path: info.path, format: nanos ? 'pcap-ns' : 'pcap', gzip: false, linkTypes: [113],
          packets: 3, bytes: 60 + 1514 + 1, error: null });
        expect(pkts.map((p) => p.data)).toEqual(RECS.map(hex));
        expect(pkts.map((p) => [p.tsSec, p.tsNsec])).toEqual(RECS.map((r) =>
          [r.tsSec, nanos ? r.tsNsec : Math.floor(r.tsNsec / 1000) * 1000]));
        expect(pkts.map((p) => [p.caplen, p.origLen, p.linkType, p.iface])).toEqual(
          [[60, 60, 113, 0], [15, 1514, 113, 0], [1, 1, 113, 0]]);
      });
    }
  }

  it('rejects version 2.5 and 1.4 as libpcap does, before any packet', async () => {
    for (const [maj, min] of [[2, 5], [1, 4]]) {
      const w = new PcapWriter({ linkType: 1 });
      w.write(RECS[0]!);
      const b = w.close();
      b.writeUInt16LE(maj!, 4); b.writeUInt16LE(min!, 6);
      const p = file(b);
      await expect(read(p)).rejects.toThrow(new CaptureError(`${p}: unsupported pcap version ${maj}.${min} (libpcap reads 2.0 to 2.4)`));
    }
  });

  it('swaps caplen and len for versions before 2.3', async () => {
    const w = new PcapWriter({ linkType: 1 });
    w.write({ tsSec: 1, tsNsec: 0, data: new Uint8Array(20), origLen: 100 });
    const b = w.close();
    b.writeUInt16LE(2, 6);
    b.writeUInt32LE(100, 24 + 8); b.writeUInt32LE(20, 24 + 12); // an old writer put len first
    const { info, pkts } = await read(file(b));
    expect(info.error).toBeNull();
    expect(pkts.map((p) => [p.caplen, p.origLen])).toEqual([[20, 100]]);
  });

  it('masks FCS bits of the link-type field but rejects reserved bits', async () => {
    const w = new PcapWriter({ linkType: 1 });
    w.write(RECS[0]!);
    const b = w.close();
    b.writeUInt32LE(0x30000001, 20);
    expect((await read(file(b))).info.linkTypes).toEqual([1]);
    b.writeUInt32LE(0x00300001, 20);
    const p = file(b);
    await expect(read(p)).rejects.toThrow(`${p}: unsupported pcap link-type field 0x00300001 (reserved bits set)`);
  });

  it('carries out-of-range fractions into the seconds', async () => {
    const w = new PcapWriter({ linkType: 1 });
    w.write({ tsSec: 10, tsNsec: 0, data: new Uint8Array(4) });
    const b = w.close();
    b.writeUInt32LE(2500000, 24 + 4); // 2.5 s of microseconds
    const { pkts } = await read(file(b));
    expect([pkts[0]!.tsSec, pkts[0]!.tsNsec]).toEqual([12, 500000000]);
  });

  it('stops at an absurd caplen naming packet and offset, keeping the packets before', async () => {
    const w = new PcapWriter({ linkType: 1 });
    RECS.forEach((r) => w.write(r));
    const b = w.close();
    const second = 24 + 16 + 60;
    b.writeUInt32LE(0x7fffffff, second + 8);
    const p = file(b);
    const { info, pkts } = await read(p);
    expect(pkts.length).toBe(1);
    expect(info.error).toBe(`${p}: packet 2 at offset ${second}: captured length 2147483647 exceeds the 262144-byte maximum (corrupt record header)`);
  });

  it('truncated at every byte: never throws past the header, delivers the complete records, says cut short', async () => {
    const w = new PcapWriter({ linkType: 1 });
    RECS.forEach((r) => w.write(r));
    const whole = w.close();
    const ends = [24, 24 + 16 + 60, 24 + 16 + 60 + 16 + 15, whole.length];
    for (let n = 0; n <= whole.length; n++) {
      const p = file(whole.subarray(0, n), 'trunc.pcap');
      if (n < 24) {
        await expect(read(p)).rejects.toBeInstanceOf(CaptureError);
        continue;
      }
      const { info, pkts } = await read(p, { chunkSize: 7 });
      const complete = ends.filter((e) => e <= n).length - 1;
      expect(pkts.length, `prefix ${n}`).toBe(complete);
      if (ends.includes(n)) expect(info.error).toBeNull();
      else expect(info.error).toMatch(new RegExp(`: cut short in the middle of packet ${complete + 1} \\(record at offset \\d+ needs \\d+ bytes, \\d+ left\\)$`));
    }
  });
});

/** Builds a Simple Packet Block by hand (draft-ietf-opsawg-pcapng §4.4). */
function spb(data: number[], origLen: number): Buffer {
  const pad = (data.length + 3) & ~3;
  const b = Buffer.alloc(16 + pad);
  b.writeUInt32LE(3, 0); b.writeUInt32LE(b.length, 4); b.writeUInt32LE(origLen, 8);
  Buffer.from(data).copy(b, 12);
  b.writeUInt32LE(b.length, b.length - 4);
  return b;
}

describe('pcapng', () => {
  for (const bigEndian of [false, true]) {
    it(`reads ${bigEndian ? 'big' : 'little'}-endian with two interfaces of different link types`, async () => {
      const w = new PcapngWriter({ bigEndian, interfaces: [{ linkType: 1 }, { linkType: 0, tsresol: 9 }] });
      RECS.forEach((r, i) => w.write({ ...r, iface: i % 2 }));
      const { info, pkts } = await read(file(w.close()), { ifaceBase: 100 });
      expect(info).toMatchObject({ format: 'pcapng', linkTypes: [0, 1], packets: 3, bytes: 1575, error: null });
      expect(pkts.map((p) => p.data)).toEqual(RECS.map(hex));
      expect(pkts.map((p) => [p.linkType, p.iface])).toEqual([[1, 100], [0, 101], [1, 100]]);
      expect(pkts.map((p) => [p.tsSec, p.tsNsec])).toEqual([[1700000000, 123456000], [1700000001, 1000], [1700000002, 999999000]]);
    });
  }

  it('keeps nanoseconds exactly at if_tsresol 9 (1.000001234 stays 1.000001234)', async () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1, tsresol: 9 }] });
    w.write({ tsSec: 1, tsNsec: 1234 + 1000, data: new Uint8Array(4) });
    w.write({ tsSec: 1700000000, tsNsec: 999999999, data: new Uint8Array(4) });
    const { pkts } = await read(file(w.close()));
    expect(pkts.map((p) => [p.tsSec, p.tsNsec])).toEqual([[1, 2234], [1700000000, 999999999]]);
  });

  it('scales base-2 resolutions (if_tsresol 0x88 = 2^-8 s)', async () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1, tsresol: 0x88 }, { linkType: 1, tsresol: 0x80 | 30 }] });
    w.write({ tsSec: 1700000000, tsNsec: 500000000, data: new Uint8Array(4) });
    w.write({ tsSec: 1700000000, tsNsec: 3906250, data: new Uint8Array(4) }); // exactly 1/256 s
    w.write({ tsSec: 1700000000, tsNsec: 250000000, data: new Uint8Array(4), iface: 1 });
    const { pkts } = await read(file(w.close()));
    expect(pkts.map((p) => [p.tsSec, p.tsNsec])).toEqual([[1700000000, 500000000], [1700000000, 3906250], [1700000000, 250000000]]);
  });

  it('reads several sections with interface ids restarting per section, and SPBs', async () => {
    const a = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    a.write(RECS[0]!);
    const b = new PcapngWriter({ bigEndian: true, interfaces: [{ linkType: 113, snaplen: 8 }, { linkType: 101 }] });
    b.write({ ...RECS[1]!, iface: 1 });
    b.write({ ...RECS[2]!, iface: 0 });
    const sec2 = b.close();
    // an SPB in the little-endian first section: caplen = min(origLen, snaplen, block room)
    const p = file(Buffer.concat([a.close(), spb([1, 2, 3, 4, 5, 6], 5), sec2]));
    const { info, pkts } = await read(p, { chunkSize: 64 });
    expect(info).toMatchObject({ linkTypes: [1, 101, 113], packets: 4, error: null });
    expect(pkts.map((p) => [p.linkType, p.iface, p.caplen, p.origLen])).toEqual([[1, 0, 60, 60], [1, 0, 5, 5], [101, 2, 15, 1514], [113, 1, 1, 1]]);
    expect(pkts[1]!.data).toBe('0102030405');
    // an SPB has no timestamp: it reuses the previous packet's time
    expect(pkts[1]!.tsSec).toBe(1700000000);
  });

  it('stops at a packet for an undefined interface, naming the block offset', async () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    w.write(RECS[0]!);
    w.write({ ...RECS[1]!, iface: 3 });
    const b = w.close();
    const p = file(b);
    const off = 28 + 20 + 32 + 60;
    const { info, pkts } = await read(p);
    expect(pkts.length).toBe(1);
    expect(info.error).toBe(`${p}: block at offset ${off}: packet references interface 3, but the section defines 1 (after 1 packets)`);
  });

  it('stops at bad block lengths and trailer mismatches', async () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    RECS.forEach((r) => w.write(r));
    const good = w.close();
    const off = 28 + 20 + 32 + 60;
    for (const [len, want] of [[13, 'bad block length 13'], [8, 'bad block length 8'],
      [0xfffffff0, 'bad block length 4294967280'], [1000, 'block length 1000 runs past the end of the file'],
      [52, 'block length 52 in the header but 6 in the trailer']] as const) {
      const b = Buffer.from(good);
      b.writeUInt32LE(len, off + 4);
      const p = file(b);
      const { info, pkts } = await read(p);
      expect(pkts.length).toBe(1);
      expect(info.error).toContain(`${p}: block at offset ${off}: ${want}`);
    }
  });

  it('rejects an unsupported first-section version at open and a later one after its packets', async () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    w.write(RECS[0]!);
    const one = w.close();
    const bad = Buffer.from(one); bad.writeUInt16LE(2, 12);
    const p = file(bad);
    await expect(read(p)).rejects.toThrow(`${p}: block at offset 0: unsupported pcapng section version 2.0`);
    const q = file(Buffer.concat([one, bad]));
    const { info, pkts } = await read(q);
    expect(pkts.length).toBe(1);
    expect(info.error).toBe(`${q}: block at offset ${one.length}: unsupported pcapng section version 2.0 (after 1 packets)`);
  });

  it('truncated at every byte: no throw after the SHB, complete packets kept, error set', async () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    RECS.forEach((r) => w.write(r));
    const whole = w.close();
    const ends = [28 + 20, 28 + 20 + 92, 28 + 20 + 92 + 48, whole.length];
    for (let n = 0; n <= whole.length; n++) {
      const bytes = whole.subarray(0, n);
      const s = collector();
      // a stream cannot know the size in advance, so this exercises the end-of-input path too
      const viaStream = readStream(`prefix-${n}`, Readable.from([Buffer.from(bytes)]), s, { chunkSize: 5 });
      if (n < 28) { await expect(viaStream).rejects.toBeInstanceOf(CaptureError); continue; }
      const info = await viaStream;
      const complete = Math.max(0, ends.filter((e) => e <= n).length - 1);
      expect(s.pkts.length, `prefix ${n}`).toBe(complete);
      if (ends.includes(n) || n === 28) expect(info.error).toBeNull();
      else expect(info.error).toMatch(/cut short in the middle of the block at offset \d+/);
      const f = await read(file(bytes, 'trunc.pcapng'));
      expect(f.pkts.length).toBe(complete);
      expect(f.info.error === null).toBe(info.error === null);
    }
  });
});

describe('sources', () => {
  it('reads gzip-compressed files and streams transparently', async () => {
    const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
    RECS.forEach((r) => w.write(r));
    const gz = gzipSync(w.close());
    const { info, pkts } = await read(file(gz, 'x.pcapng.gz'), { chunkSize: 7 });
    expect(info).toMatchObject({ format: 'pcapng', gzip: true, packets: 3, error: null });
    expect(pkts.map((p) => p.data)).toEqual(RECS.map(hex));
    const s = collector();
    const si = await readStream('-', Readable.from([gz.subarray(0, 1), gz.subarray(1, 10), gz.subarray(10)]), s);
    expect(si).toMatchObject({ path: '-', gzip: true, packets: 3, error: null });
  });

  it('reports damaged gzip after the packets it could read', async () => {
    const w = new PcapWriter({ linkType: 1 });
    for (let i = 0; i < 200; i++) w.write({ tsSec: i, tsNsec: 0, data: Uint8Array.from({ length: 100 }, (_, j) => (i * j) & 255) });
    const gz = gzipSync(w.close());
    const p = file(gz.subarray(0, gz.length - 40));
    const { info, pkts } = await read(p);
    expect(pkts.length).toBeGreaterThan(0);
    expect(pkts.length).toBeLessThan(200);
    const m = new RegExp(`^${p}: gzip stream cut short at offset (\\d+) of the decompressed data \\((\\d+) packets read\\); the file is incomplete$`)
      .exec(info.error ?? '');
    expect(m, info.error ?? 'no error').not.toBeNull();
    expect(Number(m![2])).toBe(pkts.length);
    // the offset reached lies within the record after the last whole one (24-byte header, 116-byte records)
    expect(Number(m![1])).toBeGreaterThanOrEqual(24 + 116 * pkts.length);
    expect(Number(m![1])).toBeLessThan(24 + 116 * (pkts.length + 1));
  });

  it('reads stdin-like streams in any chunking', async () => {
    const w = new PcapWriter({ linkType: 1, nanos: true, bigEndian: true });
    RECS.forEach((r) => w.write(r));
    const b = w.close();
    const s = collector();
    const parts = Array.from({ length: b.length }, (_, i) => b.subarray(i, i + 1));
    const info = await readStream('-', Readable.from(parts), s);
    expect(info).toMatchObject({ path: '-', format: 'pcap-ns', packets: 3, error: null });
    expect(s.pkts.map((p) => p.tsNsec)).toEqual(RECS.map((r) => r.tsNsec));
  });

  it.runIf(withCorpus)('gives the same packets whatever the chunk size (7, 64, 4 MiB)', async () => {
    for (const f of ['rusticata__err-buffertoosmall.pcapng', 'hadrielk__output_le__test202.pcapng', 'zeek__smtp.pcap', 'scapy__pfcp.pcap']) {
      const lists = [];
      for (const chunkSize of [7, 64, 4 << 20]) lists.push(JSON.stringify((await read(corpus(f), { chunkSize })).pkts));
      expect(lists[0]).toBe(lists[2]);
      expect(lists[1]).toBe(lists[2]);
      expect(JSON.parse(lists[2]!).length).toBeGreaterThan(0);
    }
  });

  it.runIf(withCorpus)('reports progress up to the file size', async () => {
    const p = corpus('rusticata__wireshark_samples-test.pcapng');
    const size = readFileSync(p).length;
    const seen: ReadProgress[] = [];
    const { info } = await read(p, { chunkSize: 256 * 1024, onProgress: (x: ReadProgress) => seen.push({ ...x }) });
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((x) => x.totalBytes === size)).toBe(true);
    expect(seen.at(-1)).toEqual({ bytesRead: size, totalBytes: size, packets: info.packets });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytesRead).toBeGreaterThanOrEqual(seen[i - 1]!.bytesRead);
  });

  it.runIf(withCorpus)('stops between chunks when aborted', async () => {
    const ac = new AbortController();
    const { info } = await read(corpus('rusticata__wireshark_samples-test.pcapng'), {
      chunkSize: 4096, onProgress: () => ac.abort(), signal: ac.signal });
    expect(info.packets).toBeGreaterThan(0);
    expect(info.packets).toBeLessThan(5898);
  });

  it.runIf(withCorpus)('names snoop and modified pcap', async () => {
    const snoop = corpus('pcapplusplus__solaris.snoop');
    await expect(read(snoop)).rejects.toThrow(`${snoop}: not a pcap or pcapng file: a Solaris snoop file; convert it with \`editcap -F pcap\` (starts with 73 6e 6f 6f 70 00 00 00)`);
    const mod = corpus('rusticata__modified-format.pcap');
    await expect(read(mod)).rejects.toThrow(/Kuznetzov modified pcap \(magic a1b2cd34\), not supported/);
  });

  it('rejects unknown formats naming the bytes', async () => {
    const txt = file(Buffer.from('hello world\n'));
    await expect(read(txt)).rejects.toThrow(`${txt}: not a pcap or pcapng file (starts with 68 65 6c 6c 6f 20 77 6f)`);
    const empty = file(Buffer.alloc(0));
    await expect(read(empty)).rejects.toThrow(`${empty}: empty file, not a pcap or pcapng capture`);
  });

  it('says cannot read FILE: no such file / is a directory, in one line', async () => {
    await expect(read('/nonexistent/x.pcap')).rejects.toThrow(new CaptureError('cannot read /nonexistent/x.pcap: no such file'));
    await expect(read(dir)).rejects.toThrow(new CaptureError(`cannot read ${dir}: is a directory`));
  });

  it('orders ring-buffer files by their first packet, stdin first, unreadable last', async () => {
    const mk = (t: number) => { const w = new PcapWriter({ linkType: 1 }); w.write({ tsSec: t, tsNsec: 0, data: new Uint8Array(4) }); return w.close(); };
    const late = file(mk(300), 'ring_00001.pcap');
    const early = file(mk(100), 'ring_00003.pcap');
    const mid = file(gzipSync(mk(200)), 'ring_00002.pcap.gz');
    const tie = file(mk(100), 'ring_00004.pcap');
    expect(await orderInputs([late, '/nonexistent.pcap', early, mid, '-', tie])).toEqual(['-', early, tie, mid, late, '/nonexistent.pcap']);
  });
});
