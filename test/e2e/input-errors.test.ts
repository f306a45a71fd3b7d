/**
 * Errors that name the real problem: damaged and cut-short gzip, --out on a directory,
 * link types named in the human formats (the JSON keys stay as they are).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { PcapWriter } from '../../src/capture/writer.js';
import { oneLineError, ROOT, runCli } from '../support/cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'wfo-input-errors-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
const DEMO = readFileSync(join(ROOT, 'fixtures/demo/demo.pcap'));

function file(name: string, bytes: Uint8Array): string {
  const p = join(DIR, name);
  writeFileSync(p, bytes);
  return p;
}

describe('gzip', () => {
  it('a damaged gzip stream says so, not "empty file"', () => {
    const gz = Buffer.from(gzipSync(DEMO));
    for (let i = 20; i < 60; i++) gz[i]! ^= 0x55;
    const p = file('damaged.pcap.gz', gz);
    const r = runCli(['audit', '--format', 'json', p]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(new RegExp(`^wfo-audit: ${p}: damaged gzip stream at offset \\d+ of the decompressed data: .+ \\(.+\\)$`));
    expect(r.stderr).not.toContain('empty file');
  });

  it('a gzip cut short says so, with the offset reached in the decompressed stream, after the report of what was read', () => {
    const gz = gzipSync(DEMO);
    const p = file('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const r = runCli(['audit', '--format', 'json', '--fail-on', 'none', p]);
    expect(r.code).toBe(2);
    const line = oneLineError(r);
    const m = new RegExp(`^wfo-audit: ${p}: gzip stream cut short at offset (\\d+) of the decompressed data \\((\\d+) packets read\\); the file is incomplete$`).exec(line);
    expect(m, line).not.toBeNull();
    const doc = JSON.parse(r.stdout) as { stats: { packets: number }; inputs: { error: string }[] };
    expect(doc.stats.packets).toBe(Number(m![2]));
    expect(doc.stats.packets).toBeGreaterThan(0);
    expect(Number(m![1])).toBeLessThan(DEMO.length);
    expect(doc.inputs[0]!.error).toBe(line.replace(/^wfo-audit: /, ''));
  });
});

describe('--out', () => {
  it('on a directory is one line saying so', () => {
    const d = join(DIR, 'a-directory');
    mkdirSync(d);
    const r = runCli(['audit', '--out', d, 'fixtures/demo/demo.pcap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toBe(`wfo-audit: cannot write ${d}: is a directory (--out takes a file name)`);
  });
});

describe('unsupported link types', () => {
  const w = new PcapWriter({ linkType: 127 });
  for (let i = 0; i < 3; i++) w.write({ tsSec: 1_700_000_000 + i, tsNsec: 0, data: new Uint8Array(40) });
  const p = file('radiotap.pcap', w.close());

  it('are named in the table and markdown reports', () => {
    const t = runCli(['audit', p]);
    expect(t.code).toBe(2); // nothing could be judged
    expect(t.stdout).toMatch(/none of the 3 packets\s+could be decoded into a flow \(unsupported link type IEEE 802\.11 radiotap \(127\)\)/);
    expect(t.stdout).not.toContain('unsupported_link_type');
    expect(t.stdout).toMatch(/Decode problems +3 packets: unsupported link type IEEE 802\.11 radiotap \(127\) 3/);
    const m = runCli(['audit', '--format', 'markdown', p]);
    expect(m.stdout).toContain('- **Decode problems:** 3 packets: unsupported link type IEEE 802.11 radiotap (127) 3');
    expect(m.stdout).not.toContain('unsupported\\_link\\_type');
  });

  it('keep their key in the JSON report', () => {
    const j = runCli(['audit', '--format', 'json', p]);
    expect((JSON.parse(j.stdout) as { stats: { decodeErrors: Record<string, number> } }).stats.decodeErrors)
      .toEqual({ 'unsupported_link_type:127': 3 });
  });
});

describe('the result line says the exit code the CLI returns', () => {
  it('an input cut short: every human format says exit 2, and the CLI exits 2, findings or not', () => {
    const p = file('cut.pcap', DEMO.subarray(0, 3000));
    for (const format of ['table', 'markdown', 'html']) {
      const r = runCli(['audit', '--site', 'fixtures/demo/site.yaml', '--format', format, p]);
      expect(r.code).toBe(2);
      if (format === 'html') expect(r.stdout).toContain('data-exit-code="2">Exit code 2: an input was not read to the end');
      else expect(r.stdout).toContain('INCOMPLETE INPUT (exit 2, whatever --fail-on says)');
      expect(r.stdout).not.toContain('FINDINGS (exit 1');
      if (format !== 'table') expect(r.stdout).toContain('Not ready to sign off: an input was not read to the end');
    }
  });

  it('control characters in a path never reach the terminal raw', () => {
    const site = join(DIR, 'bad\x1b[2Jsite.yaml');
    writeFileSync(site, 'mode: nope\n');
    const r = runCli(['audit', '--site', site, 'fixtures/demo/demo.pcap']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('\x1b');
    expect(r.stderr).toContain('bad\\x1b[2Jsite.yaml');
    const cut = file('cut\x07bell.pcap', DEMO.subarray(0, 3000));
    const t = runCli(['audit', '--site', 'fixtures/demo/site.yaml', cut]);
    expect(t.stdout + t.stderr).not.toContain('\x07');
  });
});
