import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Choices, mutate, MUTATIONS } from '../../src/fuzz/mutate.js';
import { crashReason, parseFuzzArgs } from '../../src/fuzz/run.js';
import { PcapWriter, PcapngWriter } from '../../src/capture/writer.js';

function pcap(): Buffer {
  const w = new PcapWriter({ linkType: 1 });
  for (let i = 0; i < 5; i++) w.write({ tsSec: 100 + i, tsNsec: 0, data: new Uint8Array(60).fill(i) });
  return w.close();
}

function pcapng(): Buffer {
  const w = new PcapngWriter({ interfaces: [{ linkType: 1 }] });
  for (let i = 0; i < 5; i++) w.write({ tsSec: 100 + i, tsNsec: 0, data: new Uint8Array(60).fill(i) });
  return w.close();
}

describe('fuzz mutations', () => {
  it('are the same for the same seed and differ from the input', () => {
    for (const src of [pcap(), pcapng(), gzipSync(pcap())]) {
      for (let k = 0; k < MUTATIONS.length; k++) {
        const a = mutate(src, pcap(), k, new Choices(7 + k));
        const b = mutate(src, pcap(), k, new Choices(7 + k));
        expect(a.bytes.equals(b.bytes)).toBe(true);
        expect(a.detail).toBe(b.detail);
      }
    }
    const changed = Array.from({ length: 50 }, (_, i) => mutate(pcap(), pcapng(), i, new Choices(i)))
      .filter((m) => !m.bytes.equals(pcap())).length;
    expect(changed).toBeGreaterThan(40);
  });

  it('set a classic pcap record length when asked to', () => {
    const src = pcap();
    const m = mutate(src, src, MUTATIONS.indexOf('pcap-length'), new Choices(3));
    expect(m.mutation).toBe('pcap-length');
    expect(m.detail).toMatch(/^(record at \d+: (caplen|len|ts_frac)|file header offset (16|20)) = \d+$/);
  });

  it('damage gzip so that it no longer decompresses cleanly, or keep it compressed', () => {
    let broken = 0;
    for (let s = 0; s < 30; s++) {
      const m = mutate(pcap(), pcap(), MUTATIONS.indexOf('gzip-damage'), new Choices(s));
      expect(m.mutation).toBe('gzip-damage');
      try { gunzipSync(m.bytes); } catch { broken++; }
    }
    expect(broken).toBeGreaterThan(10);
  });
});

describe('fuzz verdict on a run', () => {
  const ok = { code: 2, signal: null, stderr: 'wfo-audit: x: cut short\n', stdoutHasStack: false, hung: false };
  it('accepts exit 0/1/2 with one stderr line', () => {
    expect(crashReason(ok)).toBeNull();
    expect(crashReason({ ...ok, code: 0, stderr: '' })).toBeNull();
  });
  it('calls other exits, extra lines, stack frames and internal errors crashes', () => {
    expect(crashReason({ ...ok, code: 134 })).toBe('exit code 134');
    expect(crashReason({ ...ok, code: null, signal: 'SIGSEGV' })).toBe('killed by SIGSEGV');
    expect(crashReason({ ...ok, stderr: 'a\nb\n' })).toBe('2 lines on stderr');
    expect(crashReason({ ...ok, stderr: 'Error: x\n    at f (file.js:1:2)\n' })).toBe('stack frame in the output');
    expect(crashReason({ ...ok, stderr: 'wfo-audit: internal error: boom (set WFO_AUDIT_DEBUG=1 for details)\n' })).toBe('internal error');
  });
  it('parses --count and --seed, refusing nonsense', () => {
    expect(parseFuzzArgs(['--count', '300', '--seed', '1'], {})).toMatchObject({ count: 300, seed: 1, timeoutSec: 10 });
    expect(() => parseFuzzArgs(['--count', '0'], {})).toThrow('--count: "0" is not valid (allowed: a whole number >= 1)');
    expect(() => parseFuzzArgs(['--nope'], {})).toThrow(/unknown option --nope/);
  });
});
