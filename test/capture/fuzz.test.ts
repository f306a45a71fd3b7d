import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readInput, readStream } from '../../src/capture/open.js';
import type { PacketSink } from '../../src/capture/types.js';
import { CaptureError } from '../../src/errors.js';
import { rng } from '../support/prng.js';
import { CORPUS_DIR, needsCorpus } from '../support/requires.js';

const dir = pathToFileURL(`${CORPUS_DIR}captures/`);
const withCorpus = needsCorpus();
// Small files keep thousands of runs within seconds; together they cover pcap µs/ns, both byte orders, pcapng, gzip.
const seeds = (withCorpus ? readdirSync(dir) : []).filter((f) => statSync(new URL(f, dir)).size <= 16384).sort()
  .map((f) => ({ f, bytes: readFileSync(new URL(f, dir)) }));

function mutate(src: Buffer, r: () => number): Buffer {
  const b = Buffer.from(src);
  const kind = Math.floor(r() * 5);
  const at = (n: number) => Math.floor(r() * Math.max(1, b.length - n));
  const rounds = 1 + Math.floor(r() * 4);
  for (let k = 0; k < rounds; k++) {
    if (kind === 0 && b.length > 0) { const i = at(1); b[i]! ^= 1 << Math.floor(r() * 8); }
    else if (kind === 1) return b.subarray(0, Math.floor(r() * b.length));
    else if (b.length >= 4) {
      // length fields sit on 4-byte boundaries in both containers
      const i = at(4) & ~3;
      const v = kind === 2 ? 0 : kind === 3 ? 0xffffffff : [0x7fffffff, 0x40000, 0x40001, 0x1000000, 12, 13][Math.floor(r() * 6)]!;
      if (r() < 0.5) b.writeUInt32LE(v, i); else b.writeUInt32BE(v, i);
    }
  }
  return b;
}

describe.runIf(withCorpus)('fuzz: mutated corpus files', () => {
  it('has seed files of every container', () => {
    expect(seeds.length).toBeGreaterThan(50);
    expect(seeds.some((s) => s.f.endsWith('.pcapng'))).toBe(true);
  });

  it('never lets anything but CaptureError escape, never hands out bytes outside the buffer, always ends', async () => {
    const r = rng(20240611);
    const tmp = join(mkdtempSync(join(tmpdir(), 'wfo-fuzz-')), 'mutant.cap');
    let runs = 0, rejected = 0, stopped = 0, clean = 0, packets = 0, bad = 0;
    const sink: PacketSink = {
      packet(buf, off, caplen, _o, _s, tsNsec) {
        packets++;
        if (off < 0 || caplen < 0 || off + caplen > buf.length || !(tsNsec >= 0 && tsNsec < 1e9)) bad++;
      },
    };
    for (let i = 0; i < 4000; i++) {
      const seed = seeds[Math.floor(r() * seeds.length)]!;
      let bytes = mutate(seed.bytes, r);
      if (i % 50 === 0) bytes = gzipSync(bytes);
      const chunkSize = [5, 64, 4096, 1 << 20][i & 3]!;
      try {
        // every tenth run goes through a real file, where the size is known up front
        const info = i % 10 === 0
          ? (writeFileSync(tmp, bytes), await readInput(tmp, 0, sink, { chunkSize }))
          : await readStream(`${seed.f}#${i}`, Readable.from([bytes]), sink, { chunkSize });
        if (info.error === null) clean++; else { stopped++; expect(info.error).not.toContain('\n'); }
      } catch (e) {
        if (!(e instanceof CaptureError)) throw new Error(`${seed.f} mutation ${i}: ${String(e)}`);
        expect(e.message).not.toContain('\n');
        rejected++;
      }
      runs++;
    }
    expect(runs).toBe(4000);
    expect(bad).toBe(0);
    // the mutations must exercise all three endings, or the fuzz proves little
    expect(rejected).toBeGreaterThan(100);
    expect(stopped).toBeGreaterThan(100);
    expect(clean).toBeGreaterThan(100);
    expect(packets).toBeGreaterThan(1000);
  }, 120_000);
});
