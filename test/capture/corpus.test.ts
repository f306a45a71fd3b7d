import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readInput } from '../../src/capture/open.js';
import type { PacketSink } from '../../src/capture/types.js';
import { CaptureError } from '../../src/errors.js';
import { CORPUS_DIR, needsCorpus } from '../support/requires.js';

const corpus = pathToFileURL(CORPUS_DIR);
const withCorpus = needsCorpus();
const rows = !withCorpus ? [] : readFileSync(new URL('MANIFEST.tsv', corpus), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split('\t')).map(([file, category, expected]) => ({ file: file!, category: category!, expected: expected! }));

function oracle(file: string): { tshark: { packets: number; sum_frame_len: number } } {
  return JSON.parse(readFileSync(new URL(`oracle/${file}.json`, corpus), 'utf8'));
}

/** Counts packets and checks every record stays inside the buffer it was handed. */
function countingSink(): PacketSink & { n: number; outOfBounds: number } {
  return {
    n: 0,
    outOfBounds: 0,
    packet(buf, offset, caplen, _o, _s, tsNsec) {
      this.n++;
      if (offset < 0 || offset + caplen > buf.length || tsNsec < 0 || tsNsec >= 1e9) this.outOfBounds++;
    },
  };
}

describe.runIf(withCorpus)('corpus: every MANIFEST row does what `expected` says', () => {
  it('has the 150 rows', () => {
    expect(rows.length).toBe(150);
  });
  for (const row of rows) {
    it(`${row.file} -> ${row.expected}`, async () => {
      const path = fileURLToPath(new URL(`captures/${row.file}`, corpus));
      const sink = countingSink();
      let info;
      let rejected: unknown = null;
      try {
        info = await readInput(path, 0, sink);
      } catch (e) {
        rejected = e;
      }
      if (rejected !== null && !(rejected instanceof CaptureError)) throw rejected;
      expect(sink.outOfBounds).toBe(0);
      const want = oracle(row.file).tshark.packets;
      if (row.expected === 'read') {
        expect(rejected).toBeNull();
        expect(info!.error).toBeNull();
        expect(info!.packets).toBe(want);
        expect(sink.n).toBe(want);
      } else if (row.expected === 'reject') {
        expect(rejected).toBeInstanceOf(CaptureError);
        expect(sink.n).toBe(0);
        expect((rejected as Error).message).toContain(path);
      } else if (row.expected.startsWith('error_after:')) {
        const n = Number(row.expected.slice('error_after:'.length));
        expect(rejected).toBeNull();
        expect(info!.packets).toBe(n);
        expect(sink.n).toBe(n);
        expect(info!.error).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
        expect(info!.error).not.toContain('\n');
      } else if (row.expected === 'reject_or_read') {
        if (rejected === null) {
          expect(info!.error).toBeNull();
          expect(info!.packets).toBe(want);
        } else {
          expect(sink.n).toBe(0);
        }
      } else {
        throw new Error(`unknown expectation ${row.expected}`);
      }
    });
  }
});
