/**
 * The bench's flow-record rows (issue 15): `audit` of a synthetic Zeek conn log (rows per
 * CPU second, target ≥ 500,000), and `audit` of an nfdump store against `nfdump` alone
 * printing the same store as JSON (the floor: the audit reads through it). The store is
 * written by softflowd exporting the bench's first capture as IPFIX to nfcapd on 127.0.0.1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { writeZeekLog } from './zeek-log.js';
import { writeIpfixFile } from './ipfix-file.js';

/** A measured command, as bench.ts measures it. */
interface M { tool: string; packets: number; user: number; sys: number; exitCode: number | null }

/** What the records bench needs from bench.ts. */
export interface RecordsBenchContext<T extends M> {
  out: string;
  bin: string;
  site: string;
  zeekRows: number;
  /** Records of the synthetic IPFIX file (issue 14). */
  ipfixRecords: number;
  timeFile: string;
  capture: string | null;
  smoke: boolean;
  log: (s?: string) => void;
  measure: (tool: string, packets: number, cmd: string, args: string[], timeFile: string) => T;
  formatRow: (m: T, ref: T | undefined) => string;
  tableHeader: string;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/** Writes an nfcapd store of `capture` into `dir` (softflowd -> nfcapd on 127.0.0.1); false when it could not. */
function makeStore(capture: string, dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  const port = 20000 + (process.pid % 30000);
  const pid = join(dir, '..', 'nfcapd.pid');
  const nfcapd = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(port), '-w', dir, '-t', '86400', '-P', pid], { stdio: 'ignore' });
  spawnSync('sleep', ['0.5']);
  const sf = spawnSync('softflowd', ['-r', capture, '-d', '-c', 'none', '-p', join(dir, '..', 'softflowd.pid'), '-6',
    '-n', `127.0.0.1:${port}`, '-v', '10', '-A', 'milli'], { stdio: 'ignore', timeout: 600_000 });
  spawnSync('sleep', ['1']);
  nfcapd.kill('SIGTERM');
  spawnSync('sleep', ['1']);
  return sf.status === 0 && existsSync(dir) && readdirSync(dir).some((f) => /^nfcapd\.\d+$/.test(f));
}

/** Runs and prints the flow-record rows. */
export function benchRecords<T extends M>(c: RecordsBenchContext<T>): void {
  const { log } = c;
  const file = join(c.out, `conn-${c.zeekRows}.log`);
  const bytes = writeZeekLog(file, c.zeekRows);
  log();
  log(`== Zeek conn log: ${c.zeekRows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(0)} MB: ${file}`);
  log(c.tableHeader.replace('PACKETS/CPU s', '   ROWS/CPU s').replace('PACKETS', '   ROWS'));
  const z = c.measure('wfo-audit audit (zeek)', c.zeekRows, process.execPath,
    [c.bin, 'audit', '--site', c.site, '--format', 'table', '--fail-on', 'none', '--no-progress', file], c.timeFile);
  log(c.formatRow(z, z));
  if (z.exitCode === 0) {
    log(`TARGET: ${Math.round(c.zeekRows / (z.user + z.sys)).toLocaleString('en-US')} rows/CPU s (target >= 500,000)`);
  }
  benchIpfix(c);
  benchCollector(c);
  if (c.capture === null || c.smoke) return;
  if (!have('nfcapd') || !have('nfdump') || !have('softflowd')) {
    log('nfdump store row: needs nfcapd, nfdump and softflowd (apt-get install -y nfdump softflowd); left out');
    return;
  }
  const store = join(c.out, 'nfdump-store');
  if (!makeStore(c.capture, store)) { log('nfdump store row: softflowd/nfcapd could not write a store; left out'); return; }
  const nfFile = join(store, readdirSync(store).find((f) => /^nfcapd\.\d+$/.test(f))!);
  const records = spawnSync('nfdump', ['-r', nfFile, '-I'], { encoding: 'utf8' }).stdout.match(/^Flows:\s*(\d+)/m)?.[1];
  const n = Number(records ?? 0);
  log();
  log(`== nfdump store of the first capture: ${n.toLocaleString('en-US')} records: ${nfFile}`);
  log('   (the ratios are against nfdump alone printing the store as JSON)');
  log(c.tableHeader.replace('PACKETS/CPU s', 'RECORDS/CPU s').replace('PACKETS', 'RECORDS').replace(/vs WFO/g, 'vs REF'));
  const ours = c.measure('wfo-audit audit (nfcapd)', n, process.execPath,
    [c.bin, 'audit', '--site', c.site, '--format', 'table', '--fail-on', 'none', '--no-progress', nfFile], c.timeFile);
  const alone = c.measure('nfdump -o json', n, 'sh', ['-c', `TZ=UTC nfdump -r '${nfFile}' -o json > /dev/null`], c.timeFile);
  log(c.formatRow(alone, alone));
  log(c.formatRow(ours, alone));
}

/**
 * The IPFIX row (issue 14): `audit` of a synthetic IPFIX file (records per CPU second, target
 * ≥ 500,000), against `nfdump -r STORE -o json > /dev/null` reading the same records from an
 * nfcapd store (the file's messages replayed to nfcapd on 127.0.0.1 at a rate it keeps up with).
 */
function benchIpfix<T extends M>(c: RecordsBenchContext<T>): void {
  const { log } = c;
  const file = join(c.out, `export-${c.ipfixRecords}.ipfix`);
  const w = writeIpfixFile(file, c.ipfixRecords);
  log();
  log(`== IPFIX file: ${w.records.toLocaleString('en-US')} records, ${(w.bytes / 1e6).toFixed(0)} MB: ${file}`);
  log(c.tableHeader.replace('PACKETS/CPU s', 'RECORDS/CPU s').replace('PACKETS', 'RECORDS').replace(/vs WFO/g, 'vs REF'));
  const ours = c.measure('wfo-audit audit (ipfix)', w.records, process.execPath,
    [c.bin, 'audit', '--site', c.site, '--format', 'json', '--out', '/dev/null', '--fail-on', 'none', '--no-progress', file], c.timeFile);
  let ref: T | undefined;
  if (!c.smoke && have('nfcapd') && have('nfdump')) {
    const store = join(c.out, 'ipfix-store');
    mkdirSync(store, { recursive: true });
    const port = 21000 + (process.pid % 30000);
    const nfcapd = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(port), '-w', store, '-t', '86400', '-P', join(c.out, 'nfcapd-ipfix.pid')], { stdio: 'ignore' });
    spawnSync('sleep', ['0.5']);
    spawnSync(process.execPath, [join(c.bin, '..', '..', 'dist', 'bench', 'ipfix-file.js'), 'send', file, '127.0.0.1', String(port)], { stdio: 'ignore', timeout: 900_000 });
    spawnSync('sleep', ['1']);
    nfcapd.kill('SIGTERM');
    spawnSync('sleep', ['1']);
    const f = readdirSync(store).find((x) => /^nfcapd\.\d+$/.test(x));
    if (f !== undefined) {
      const nfFile = join(store, f);
      const got = Number(spawnSync('nfdump', ['-r', nfFile, '-I'], { encoding: 'utf8' }).stdout.match(/^Flows:\s*(\d+)/m)?.[1] ?? 0);
      log(`   reference: nfdump -r ${nfFile} -o json > /dev/null (${got.toLocaleString('en-US')} of the records reached the store)`);
      ref = c.measure('nfdump -o json', got, 'sh', ['-c', `TZ=UTC nfdump -r '${nfFile}' -o json > /dev/null`], c.timeFile);
      log(c.formatRow(ref, ref));
    }
  } else if (!c.smoke) log('   reference row: needs nfcapd and nfdump (apt-get install -y nfdump); left out');
  log(c.formatRow(ours, ref ?? ours));
  if (ours.exitCode === 0) {
    log(`TARGET: ${Math.round(w.records / (ours.user + ours.sys)).toLocaleString('en-US')} records/CPU s (target >= 500,000)`);
  }
}

/** UDP datagrams the kernel dropped for a full receive buffer, host-wide (/proc/net/snmp `Udp: RcvbufErrors`). */
function udpRcvbufErrors(): number | null {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
    const keys = lines[0]!.split(/\s+/), vals = lines[1]!.split(/\s+/);
    const i = keys.indexOf('RcvbufErrors');
    return i < 0 ? null : Number(vals[i]);
  } catch {
    return null;
  }
}

/**
 * The collector's row (issue 14): `collect` on 127.0.0.1 takes the bench mix as IPFIX at
 * 50,000 records/s for 60 s (a separate sender process paces the messages, 28 records
 * each) and must lose none by sequence number. Prints records sent, received, lost by
 * sequence, the kernel's receive-buffer drops over the run, and the collector's CPU.
 */
export function benchCollector<T extends M>(c: RecordsBenchContext<T>): void {
  const { log } = c;
  const seconds = c.smoke ? 3 : 60;
  const rate = 50_000;
  const records = rate * seconds;
  const file = join(c.out, `collect-${records}.ipfix`);
  const w = writeIpfixFile(file, records, 15);
  const port = 22000 + (process.pid % 30000);
  const report = join(c.out, 'collect-report.json');
  const perMs = rate / 28 / 1000;
  const sender = join(c.bin, '..', '..', 'dist', 'bench', 'ipfix-file.js');
  log();
  log(`== Collector: ${w.records.toLocaleString('en-US')} IPFIX records at ${rate.toLocaleString('en-US')} records/s for ${seconds} s to 127.0.0.1:${port}`);
  const before = udpRcvbufErrors();
  // The collector runs under the shell's `time`-like measure: its own CPU, the sender apart.
  // The sender starts once the collector says it listens; the collector is stopped (SIGTERM) 2 s after the
  // sender is done: what it got by then is what it took.
  const sent = join(c.out, 'collect-sender.txt'), errs = join(c.out, 'collect-stderr.txt');
  const script = `${process.execPath} ${c.bin} collect --listen 127.0.0.1:${port} --site '${c.site}' `
    + `--format json --out '${report}' --no-dashboard --fail-on none 2>'${errs}' & C=$!; `
    + `n=0; until grep -q 'collecting on' '${errs}' || [ $n -ge 300 ]; do sleep 0.1; n=$((n+1)); done; ${process.execPath} '${sender}' send '${file}' 127.0.0.1 ${port} ${perMs} > '${sent}'; sleep 2; kill -TERM $C; wait $C`;
  const m = c.measure('wfo-audit collect', w.records, 'sh', ['-c', script], c.timeFile);
  const after = udpRcvbufErrors();
  let got: { sources?: { records: number; lostRecords: number; messages: number }[] } = {};
  // The report of millions of flows is larger than a string can be: its last key, `sources`, is read from its end.
  try {
    const fd = openSync(report, 'r');
    try {
      const size = fstatSync(fd).size, n = Math.min(size, 8 << 20);
      const tail = Buffer.alloc(n);
      readSync(fd, tail, 0, n, size - n);
      const text = tail.toString('utf8');
      const at = text.lastIndexOf('\n  "sources": [');
      if (at >= 0) got = JSON.parse(`{${text.slice(at)}`) as typeof got;
    } finally { closeSync(fd); }
  } catch { /* no report: said below */ }
  const rows = got.sources ?? [];
  const received = rows.reduce((a, r) => a + r.records, 0);
  const lost = rows.reduce((a, r) => a + r.lostRecords, 0);
  const drops = before !== null && after !== null ? after - before : null;
  log(`   sent ${w.records.toLocaleString('en-US')} records; collector received ${received.toLocaleString('en-US')}, lost by sequence number ${lost.toLocaleString('en-US')}`
    + `; kernel receive-buffer drops during the run: ${drops === null ? 'unknown' : drops.toLocaleString('en-US')}`);
  let pace = '';
  try { pace = readFileSync(sent, 'utf8').trim(); } catch { /* said as unknown */ }
  log(`   sender: ${pace || 'unknown'} (${Math.round(w.records / 28).toLocaleString('en-US')} messages of 28 records planned over ${seconds} s)`);
  log(`   CPU of collector and sender together: ${(m.user + m.sys).toFixed(2)} s for ${seconds} s of traffic`);
  log(`TARGET: ${received === w.records && lost === 0 ? 'met' : 'NOT met'}: ${rate.toLocaleString('en-US')} records/s for ${seconds} s with ${lost} lost records (target: 0 lost)`);
}
