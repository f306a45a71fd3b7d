/**
 * The bench's flow-record rows (issue 15): `audit` of a synthetic Zeek conn log (rows per
 * CPU second, target ≥ 500,000), and `audit` of an nfdump store against `nfdump` alone
 * printing the same store as JSON (the floor: the audit reads through it). The store is
 * written by softflowd exporting the bench's first capture as IPFIX to nfcapd on 127.0.0.1.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeZeekLog } from './zeek-log.js';

/** A measured command, as bench.ts measures it. */
interface M { tool: string; packets: number; user: number; sys: number; exitCode: number | null }

/** What the records bench needs from bench.ts. */
export interface RecordsBenchContext<T extends M> {
  out: string;
  bin: string;
  site: string;
  zeekRows: number;
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
