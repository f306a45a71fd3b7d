/**
 * Discover from flow records: a Zeek conn log, IPFIX / NetFlow v9 exports of a scenario
 * capture (softflowd -> nfcapd on 127.0.0.1 -> an nfdump store), and softflowd's IPFIX written
 * as a file. The same input path as the audit, so these run once the record readers
 * (src/records/) are part of the tree; the exports need softflowd (and nfcapd, nfdump).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { havePath, requireTools } from '../support/requires.js';
import { ROOT } from '../support/cli.js';
import { differences, draftFor } from './compare.js';
import { ipfixFile, softflowdExport } from '../support/exporters.js';

const READERS = havePath(`${ROOT}src/records/read.ts`);
const ZEEK_LOG = `${ROOT}fixtures/records/zeek-conn.log`;

/** The flows that differ and are not named by a CHECK line of the draft. */
async function unnamed(input: string, hand: string): Promise<{ total: number; same: number; unnamed: string[] }> {
  const { path, text } = await draftFor(input);
  const checks = text.split('\n').filter((l) => l.includes('# CHECK:'));
  const { total, diffs } = await differences(input, hand, path);
  return { total, same: total - diffs.length, unnamed: diffs.filter((d) => !checks.some((c) => c.includes(d.name))).map((d) => d.name) };
}

describe.runIf(READERS && havePath(ZEEK_LOG))('discover from a Zeek conn log', () => {
  it('drafts the premises roles and judges every flow as the hand-written site does (or a CHECK names it)', async () => {
    const { text } = await draftFor(ZEEK_LOG);
    expect(text).toMatch(/sql:[^\n]*\n\s+- 10\.10\.0\.20 /);
    const r = await unnamed(ZEEK_LOG, `${ROOT}fixtures/sites/premises-all.yaml`);
    expect(r.total).toBeGreaterThan(0);
    expect(r.unnamed).toEqual([]);
  });
});

/** Exports `capture` with softflowd to an nfcapd on 127.0.0.1 writing into `dir`; returns the nfcapd file. */
async function exportToStore(capture: string, dir: string, version: 9 | 10): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const port = 20000 + Math.floor(Math.random() * 30000);
  const pid = join(dir, '..', `nfcapd-${version}.pid`);
  const nfcapd = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(port), '-w', dir, '-t', '3600', '-P', pid], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => nfcapd.on('exit', () => r()));
  try {
    for (let i = 0; i < 100 && !existsSync(pid); i++) await new Promise((r) => setTimeout(r, 50));
    const sf = spawnSync('softflowd', ['-r', capture, '-d', '-c', 'none', '-p', join(dir, '..', `sf-${version}.pid`), '-6',
      '-n', `127.0.0.1:${port}`, '-v', String(version), ...(version === 10 ? ['-A', 'milli'] : ['-a'])], { timeout: 60_000 });
    expect(sf.status).toBe(0);
    // nfcapd reads what is queued on its socket before it handles the signal.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    nfcapd.kill('SIGTERM');
    await exited;
  }
  const file = readdirSync(dir).find((f) => f.startsWith('nfcapd.'));
  expect(file).toBeDefined();
  return join(dir, file!);
}

describe.runIf(READERS && requireTools('nfdump', ['nfcapd', 'nfdump', 'softflowd'], 'nfdump softflowd'))('discover from IPFIX and NetFlow v9 exports', () => {
  for (const version of [10, 9] as const) {
    it(`v${version} export of wfo/premises.pcap: every flow judged as with the hand-written site, or named by a CHECK`, async () => {
      const work = mkdtempSync(join(tmpdir(), 'wfo-discover-nf-'));
      const store = await exportToStore(`${ROOT}fixtures/captures/wfo/premises.pcap`, join(work, 'store'), version);
      const { text } = await draftFor(store);
      expect(text).toMatch(/pbx:[^\n]*\n\s+- 10\.30\.0\.5 /);
      const r = await unnamed(store, `${ROOT}fixtures/sites/premises-all.yaml`);
      expect(r.total).toBeGreaterThan(10);
      expect(r.unnamed).toEqual([]);
      expect(r.same / r.total).toBeGreaterThanOrEqual(0.95);
    });
  }
});

const SCENARIOS: [capture: string, site: string][] = [
  ['fixtures/captures/wfo/premises.pcap', 'fixtures/sites/premises-all.yaml'],
  ['fixtures/captures/wfo/hybrid.pcap', 'fixtures/sites/hybrid.yaml'],
  ['fixtures/captures/wfo/wfm-v2.pcap', 'fixtures/sites/wfm-v2.yaml'],
  ['fixtures/captures/wfo/reasons.pcap', 'fixtures/sites/reasons.yaml'],
  ['fixtures/demo/demo.pcap', 'fixtures/demo/site.yaml'],
];

describe.runIf(requireTools('softflowd', ['softflowd']))('discover from an IPFIX file', () => {
  for (const [capture, site] of SCENARIOS) {
    it(`softflowd -v 10 of ${capture} written as a file: every flow judged as with the hand-written site, or named by a CHECK`, async () => {
      // The record tests' exporter helper: softflowd's datagrams, caught on 127.0.0.1.
      const datagrams = await softflowdExport(`${ROOT}${capture}`, ['-v', '10', '-A', 'milli']);
      expect(datagrams.length).toBeGreaterThan(0);
      const file = ipfixFile(join(mkdtempSync(join(tmpdir(), 'wfo-discover-ipfix-')), 'export.ipfix'), datagrams);
      const { text } = await draftFor(file);
      expect(text).toMatch(/wfo-servers:[^\n]*\n\s+- 10\.10\.0\.10 /);
      const r = await unnamed(file, `${ROOT}${site}`);
      expect(r.total).toBeGreaterThan(5);
      expect(r.unnamed).toEqual([]);
    });
  }
});
