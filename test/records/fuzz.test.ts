/**
 * Fuzz: damaged flow-record inputs (the corpus's Zeek conn logs with flipped bytes, cut
 * lines, shuffled header lines, truncated gzip; nfdump-shaped JSON cut anywhere) are read
 * to the end or stopped with a one-line error, never thrown.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync, createGunzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { JsonArrayStream } from '../../src/records/json-array-stream.js';
import { NfdumpFlows } from '../../src/records/nfdump-flows.js';
import { readZeekStream } from '../../src/records/zeek-read.js';
import { CORPUS } from '../support/cli.js';
import { rng } from '../support/prng.js';
import { havePath, requires } from '../support/requires.js';

const LOGS = `${CORPUS}zeek-logs/`;

function mutate(src: Buffer, r: () => number): Buffer {
  const b = Buffer.from(src);
  const kind = Math.floor(r() * 4);
  if (kind === 0) { for (let k = 0; k < 1 + r() * 6; k++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256); return b; }
  if (kind === 1) return b.subarray(0, Math.floor(r() * b.length));
  const lines = b.toString('latin1').split('\n');
  if (kind === 2) { const i = Math.floor(r() * lines.length), j = Math.floor(r() * lines.length); [lines[i], lines[j]] = [lines[j]!, lines[i]!]; }
  else lines.splice(Math.floor(r() * lines.length), 1, lines[Math.floor(r() * lines.length)]!.slice(0, Math.floor(r() * 40)));
  return Buffer.from(lines.join('\n'), 'latin1');
}

describe.runIf(requires('corpus', havePath(LOGS), 'put the public corpus at ../shared/corpus'))('fuzz: damaged Zeek conn logs', () => {
  // Read inside the tests: vitest runs a skipped describe's body too, to collect its tests.
  const seedFiles = (): Buffer[] => readdirSync(LOGS).filter((f) => f.endsWith('.log')).sort().map((f) => readFileSync(`${LOGS}${f}`));

  it('every mutation is read without throwing; flows, rows and bad lines add up', async () => {
    const seeds = seedFiles();
    const r = rng(1515);
    for (let k = 0; k < 600; k++) {
      const bytes = mutate(seeds[Math.floor(r() * seeds.length)]!, r);
      let n = 0, id = 0;
      const res = await readZeekStream('fuzz.log', Readable.from([bytes]), false, { nextId: () => id++, flow: () => { n++; } }, { input: 0 });
      expect(res.counts.flows).toBe(n);
      expect(res.counts.rows).toBeGreaterThanOrEqual(n);
      if (res.error !== null) expect(res.error).not.toMatch(/\n/);
    }
  });

  it('a truncated gzip stops with a one-line error after the rows before the cut', async () => {
    const gz = gzipSync(seedFiles()[0]!);
    for (const cut of [10, Math.floor(gz.length / 2), gz.length - 4]) {
      let n = 0, id = 0;
      const stream = Readable.from([gz.subarray(0, cut)]).pipe(createGunzip());
      const res = await readZeekStream('cut.log.gz', stream, true, { nextId: () => id++, flow: () => { n++; } }, { input: 0 });
      expect(res.error ?? '').toMatch(/^cut\.log\.gz: (gzip data damaged after line \d+|not a Zeek conn log)/);
      expect(res.counts.flows).toBe(n);
    }
  });
});

describe('fuzz: nfdump JSON cut and flipped', () => {
  const rec = (i: number) => `{\n\t"type" : "FLOW",\n\t"first" : "2024-03-12T14:00:0${i % 10}.000",\n\t"last" : "2024-03-12T14:00:0${i % 10}.500",\n\t"in_packets" : ${1 + i},\n\t"in_bytes" : ${60 * (1 + i)},\n\t"proto" : ${[6, 17, 1][i % 3]},\n\t"tcp_flags" : "...AP.S.",\n\t"src_port" : ${50000 + i},\n\t"dst_port" : 1433,\n\t"src4_addr" : "10.0.0.${i % 250}",\n\t"dst4_addr" : "10.0.1.1"\n}`;
  const doc = `[\n${Array.from({ length: 40 }, (_, i) => rec(i)).join(',\n')}\n]\n`;
  it('never throws; an unfinished array is the splitter\'s error', () => {
    const r = rng(1414);
    for (let k = 0; k < 400; k++) {
      const chars = doc.split('');
      const cut = r() < 0.5 ? Math.floor(r() * chars.length) : chars.length;
      for (let j = 0; j < Math.floor(r() * 4); j++) chars[Math.floor(r() * cut)] = String.fromCharCode(32 + Math.floor(r() * 95));
      const text = chars.slice(0, cut).join('');
      let id = 0;
      const flows = new NfdumpFlows('store', 0, { nextId: () => id++, flow: () => {} });
      const s = new JsonArrayStream((v) => flows.record(v, s.elements), () => {});
      for (let at = 0; at < text.length; at += 97) s.write(text.slice(at, at + 97));
      s.end();
      flows.finish();
      if (cut < doc.trimEnd().length) expect(s.error === null && flows.counts.rows === 40).toBe(false);
      expect(flows.counts.flows).toBeLessThanOrEqual(flows.counts.rows);
    }
  });
});
