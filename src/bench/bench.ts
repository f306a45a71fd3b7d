/**
 * `npm run bench` (issue 6): generates synthetic WFO captures with our own writer,
 * then measures, alternating on the same files, the full audit against tshark's
 * conversation tables and tcpdump's raw read, each under `/usr/bin/time` (CPU =
 * user + sys, peak RSS), plus reader-only throughput of our pcap reader against
 * npm `pcap-parser`. Never asserts on time: it measures and prints.
 *
 * Usage: node dist/bench/bench.js [--sizes 1000000,5000000] [--smoke] [--out DIR]
 *        [--site FILE] [--repeat N] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTraffic, type TrafficStats } from '../synth/traffic.js';
import { writeSynFlood } from '../synth/syn-flood.js';
import { benchRecords } from './records-bench.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Parsed command line of the bench. */
export interface BenchOptions {
  sizes: number[];
  smoke: boolean;
  out: string | null;
  site: string;
  repeat: number;
  keep: boolean;
}

/** Parses bench arguments (pure; throws Error with a one-line message on bad input). */
export function parseBenchArgs(argv: string[]): BenchOptions {
  const o: BenchOptions = {
    sizes: [1_000_000, 5_000_000], smoke: false, out: null,
    site: join(ROOT, 'fixtures/sites/premises-all.yaml'), repeat: 1, keep: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--sizes':
        o.sizes = val().split(',').map((s) => Number(s.replace(/_/g, '')));
        if (o.sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error('--sizes takes positive integers, e.g. 1000000,5000000');
        break;
      case '--smoke': o.smoke = true; break;
      case '--out': o.out = val(); break;
      case '--site': o.site = resolve(val()); break;
      case '--repeat': o.repeat = Math.max(1, Number(val()) | 0); break;
      case '--keep': o.keep = true; break;
      default: throw new Error(`unknown option ${a} (options: --sizes, --smoke, --out, --site, --repeat, --keep)`);
    }
  }
  if (o.smoke) o.sizes = [2000];
  return o;
}

/** One measured command. */
export interface Measurement {
  tool: string;
  packets: number;
  /** Wall-clock seconds, user and system CPU seconds, peak RSS in KiB (from GNU time). */
  wall: number;
  user: number;
  sys: number;
  maxRssKb: number;
  exitCode: number | null;
  /** Last line of stderr when the command failed. */
  error: string | null;
}

/** Runs a command under `/usr/bin/time -f '%e %U %S %M'` with stdout discarded. */
export function measure(tool: string, packets: number, cmd: string, args: string[], timeFile: string): Measurement {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, cmd, ...args], {
    cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024,
  });
  let wall = NaN, user = NaN, sys = NaN, rss = NaN;
  try {
    // GNU time prefixes "Command exited with non-zero status N" on failure; the numbers are the last line.
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    [wall, user, sys, rss] = lines[lines.length - 1]!.split(' ').map(Number) as [number, number, number, number];
  } catch { /* time could not run the command: reported through exitCode/error */ }
  const stderr = (r.stderr?.toString() ?? '').trim();
  const failed = r.status !== 0;
  return {
    tool, packets, wall, user, sys, maxRssKb: rss, exitCode: r.status,
    error: failed ? (stderr.split('\n').filter((l) => !/^Running as user/.test(l)).pop() ?? r.error?.message ?? 'failed') : null,
  };
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fmt = (n: number, d = 2): string => (Number.isFinite(n) ? n.toFixed(d) : '-');
const pad = (s: string, n: number, right = false): string => (right ? s.padStart(n) : s.padEnd(n));

/** Table header printed before the measurements (the smoke test looks for it). */
export const TABLE_HEADER =
  `${pad('TOOL', 24)}${pad('PACKETS', 12, true)}${pad('CPU s', 9, true)}${pad('PACKETS/CPU s', 15, true)}` +
  `${pad('PEAK RSS MB', 13, true)}${pad('CPU vs WFO', 12, true)}${pad('RSS vs WFO', 12, true)}  EXIT`;

/** Formats one row; `ref` is the wfo-audit measurement on the same file. */
export function formatRow(m: Measurement, ref: Measurement | undefined): string {
  const cpu = m.user + m.sys;
  const refCpu = ref ? ref.user + ref.sys : NaN;
  const ok = m.exitCode === 0;
  const ratio = (a: number, b: number): string => (ok && ref && ref.exitCode === 0 && b > 0 ? `${fmt(a / b, a / b < 0.95 ? 2 : 1)}x` : '-');
  return `${pad(m.tool, 24)}${pad(fmtInt(m.packets), 12, true)}${pad(fmt(cpu), 9, true)}` +
    `${pad(ok && cpu > 0 ? fmtInt(m.packets / cpu) : '-', 15, true)}${pad(fmt(m.maxRssKb / 1024, 0), 13, true)}` +
    `${pad(ratio(cpu, refCpu), 12, true)}${pad(ratio(m.maxRssKb, ref?.maxRssKb ?? NaN), 12, true)}  ` +
    `${m.exitCode ?? 'signal'}${m.error ? ` (${m.error.slice(0, 100)})` : ''}`;
}

/** Reader-only mode (run as a child under /usr/bin/time): counts packets with one reader and prints the count. */
async function readerOnly(which: string, file: string): Promise<void> {
  let n = 0;
  if (which === 'ours') {
    const { readInput } = await import('../capture/open.js');
    const sink = { packet(): void { n++; } };
    await readInput(file, 0, sink);
  } else {
    const require = createRequire(import.meta.url);
    const pcapp = require('pcap-parser') as { parse(p: string): NodeJS.EventEmitter };
    await new Promise<void>((res, rej) => {
      const p = pcapp.parse(file);
      p.on('packet', () => { n++; });
      p.on('end', () => res());
      p.on('error', (e: Error) => rej(e));
    });
  }
  process.stdout.write(`${n}\n`);
}

/** Runs the bench; returns the process exit code (0 even when a measured tool fails). */
/**
 * A fresh machine may lack the tools compared against: as root with apt, install
 * them (Debian packages tshark, tcpdump, time), as issue 6 allows; otherwise only say so.
 */
function installMissing(log: (s?: string) => void): void {
  const pkgs = [['tshark', have('tshark')], ['tcpdump', have('tcpdump')], ['time', existsSync('/usr/bin/time')]]
    .filter(([, ok]) => !ok).map(([name]) => name as string);
  if (pkgs.length === 0 || process.getuid?.() !== 0 || !have('apt-get')) return;
  log(`installing ${pkgs.join(', ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'ignore', env }).status;
  if (install() !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
    if (install() !== 0) log(`apt-get could not install ${pkgs.join(', ')}`);
  }
}

export async function runBench(argv: string[]): Promise<number> {
  if (argv[0] === '--reader') {
    await readerOnly(argv[1]!, argv[2]!);
    return 0;
  }
  let o: BenchOptions;
  try { o = parseBenchArgs(argv); } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const out = o.out ? resolve(o.out) : mkdtempSync(join(tmpdir(), 'wfo-bench-'));
  mkdirSync(out, { recursive: true });
  const timeFile = join(out, 'time.txt');
  const log = (s = ''): void => { process.stdout.write(`${s}\n`); };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  log(`wfo-audit benchmark: ${cpus().length} cores (${cpu}), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  log(`captures in ${out}${o.keep || o.out ? '' : ' (removed at the end)'}; site ${o.site.replace(`${ROOT}/`, '')}`);

  if (!o.smoke) installMissing(log);
  const tools = { tshark: have('tshark'), tcpdump: have('tcpdump'), time: existsSync('/usr/bin/time') };
  if (!tools.time) {
    log('/usr/bin/time is missing: install it (apt-get install -y time); cannot measure CPU and RSS.');
    return 1;
  }
  const missing = (['tshark', 'tcpdump'] as const).filter((t) => !tools[t]);
  if (missing.length) log(`missing: ${missing.join(', ')} (install with: apt-get install -y tshark tcpdump); continuing without`);
  const bin = join(ROOT, 'bin/wfo-audit.js');
  const self = fileURLToPath(import.meta.url);
  const concurrency = o.smoke ? 200 : 50_000;

  const results: { size: number; gen: TrafficStats; genSec: number; file: string; rows: Measurement[]; readers: Measurement[] }[] = [];
  for (const size of o.sizes) {
    const file = join(out, `wfo-traffic-${size}.pcap`);
    const t0 = process.hrtime.bigint();
    const gen = generateTraffic(file, { packets: size, concurrency });
    const genSec = Number(process.hrtime.bigint() - t0) / 1e9;
    log();
    log(`== ${fmtInt(size)} packets: ${file}`);
    log(`   ${fmt(statSync(file).size / 1e6, 0)} MB, ${fmtInt(gen.flows)} flows, ${fmtInt(concurrency)} slots kept busy, ` +
      `${fmt(gen.durationSec, 0)} s of capture time; generated in ${fmt(genSec, 1)} s`);

    const byTool = new Map<string, Measurement[]>();
    const add = (m: Measurement): void => { byTool.set(m.tool, [...(byTool.get(m.tool) ?? []), m]); };
    for (let rep = 0; rep < o.repeat; rep++) {
      // Alternate the tools within each repetition so that machine noise hits all of them alike.
      add(measure('wfo-audit audit --json', size, process.execPath, [bin, 'audit', '--site', o.site, '--format', 'json', '--fail-on', 'none', '--no-progress', file], timeFile));
      // The table report keeps no per-flow list, so its memory is the flow table's own.
      add(measure('wfo-audit audit (table)', size, process.execPath, [bin, 'audit', '--site', o.site, '--format', 'table', '--fail-on', 'none', '--no-progress', file], timeFile));
      if (tools.tshark) add(measure('tshark -z conv,tcp/udp', size, 'tshark', ['-n', '-q', '-z', 'conv,tcp', '-z', 'conv,udp', '-r', file], timeFile));
      if (tools.tcpdump) add(measure('tcpdump -r -w /dev/null', size, 'tcpdump', ['-n', '-r', file, '-w', '/dev/null'], timeFile));
    }
    const best = (ms: Measurement[]): Measurement =>
      ms.reduce((a, b) => (b.exitCode === 0 && (a.exitCode !== 0 || b.user + b.sys < a.user + a.sys) ? b : a));
    const rows = [...byTool.values()].map(best);
    const readers = [
      measure('reader: ours (readInput)', size, process.execPath, [self, '--reader', 'ours', file], timeFile),
      measure('reader: pcap-parser', size, process.execPath, [self, '--reader', 'pcap-parser', file], timeFile),
    ];
    log();
    log(TABLE_HEADER);
    for (const m of rows) log(formatRow(m, rows[0]));
    log();
    log(`${pad('READER ONLY (count packets)', 24)}`);
    for (const m of readers) log(formatRow(m, readers[1]).replace(/vs WFO/g, 'vs pcap-parser'));
    results.push({ size, gen, genSec, file, rows, readers });
    // The first capture also feeds the nfdump-store row below.
    if (!o.keep && !o.out && results.length > 1) rmSync(file, { force: true });
  }

  // Flow-record inputs (issue 15): a Zeek conn log of zeekRows rows, and an nfdump store of the first capture.
  const zeekRows = o.smoke ? 2000 : Math.max(1_000_000, o.sizes[0]!);
  benchRecords({ out, bin, site: o.site, zeekRows, ipfixRecords: zeekRows, timeFile, log, measure, formatRow, tableHeader: TABLE_HEADER,
    capture: results[0] && existsSync(results[0].file) ? results[0].file : null, smoke: o.smoke });

  if (results.length >= 2) {
    const first = results[0]!, last = results[results.length - 1]!;
    log();
    for (const tool of ['wfo-audit audit --json', 'wfo-audit audit (table)']) {
      const a = first.rows.find((m) => m.tool === tool), b = last.rows.find((m) => m.tool === tool);
      if (!a || !b || a.exitCode !== 0 || b.exitCode !== 0) {
        log(`MEMORY FLATNESS (${tool}): not measured (it did not finish on both files)`);
        continue;
      }
      const change = (b.maxRssKb / a.maxRssKb - 1) * 100;
      log(`MEMORY FLATNESS (${tool}): peak RSS ${fmt(a.maxRssKb / 1024, 0)} MB at ${fmtInt(first.size)} packets (${fmtInt(first.gen.flows)} flows), ` +
        `${fmt(b.maxRssKb / 1024, 0)} MB at ${fmtInt(last.size)} (${fmtInt(last.gen.flows)} flows): ${change >= 0 ? '+' : ''}${fmt(change, 1)}% (target within ±10%); ` +
        `≈ ${fmtInt((b.maxRssKb * 1024 - smokeBaselineBytes) / concurrency)} bytes per concurrent flow slot (peak RSS less a ${fmt(smokeBaselineBytes / 1048576, 0)} MB idle Node, over ${fmtInt(concurrency)} slots)`);
    }
  }
  for (const r of results) {
    const ref = r.rows[0]!;
    const ts = r.rows.find((m) => m.tool.startsWith('tshark'));
    if (ts && ts.exitCode === 0 && ref.exitCode === 0) {
      log(`TARGETS at ${fmtInt(r.size)}: CPU ${fmt((ts.user + ts.sys) / (ref.user + ref.sys), 1)}x faster than tshark (target >= 25x); ` +
        `peak RSS ${fmt((ref.maxRssKb / ts.maxRssKb) * 100, 1)}% of tshark's (target <= 10%); ` +
        `${fmtInt(r.size / (ref.user + ref.sys))} packets/CPU s (target >= 1,200,000)`);
    }
  }
  // Every flow a finding (issue 11): single SYNs from distinct random sources (outside every role, so each is
  // unexpected with a reason naming its address) to 50817, 50 a second; the grouper and the paths must stay
  // O(1) per flow and their memory bounded by paths, not clients.
  const floodSizes = o.smoke ? [2000, 4000] : [100_000, 500_000];
  const flood: Measurement[] = [];
  for (const n of floodSizes) {
    const file = join(out, `finding-flood-${n}.pcap`);
    writeSynFlood(file, { sources: n, port: 50817, rate: 50 });
    flood.push(measure(`every flow a finding ${fmtInt(n)}`, n, process.execPath,
      [bin, 'audit', '--site', o.site, '--format', 'table', '--fail-on', 'none', '--no-progress', file], timeFile));
    if (!o.keep && !o.out) rmSync(file, { force: true });
  }
  log();
  log('EVERY FLOW A FINDING (one SYN per client, distinct clients, 20 ms apart; table report)');
  log(TABLE_HEADER);
  for (const m of flood) log(formatRow(m, flood[0]));
  const [fa, fb] = [flood[0]!, flood[flood.length - 1]!];
  if (fa.exitCode === 0 && fb.exitCode === 0) {
    log(`   ${fmtInt(Math.round(floodSizes[floodSizes.length - 1]! / (fb.user + fb.sys)))} finding flows per CPU s; peak RSS ${fmt(fa.maxRssKb / 1024, 0)} MB at ` +
      `${fmtInt(floodSizes[0]!)} clients, ${fmt(fb.maxRssKb / 1024, 0)} MB at ${fmtInt(floodSizes[floodSizes.length - 1]!)} (the retained part is bounded by paths: ` +
      'node --max-old-space-size=96 runs the larger one too; docs/performance.md)');
  }
  rmSync(timeFile, { force: true });
  if (!o.keep && !o.out) rmSync(out, { recursive: true, force: true });
  else if (results[0] && !o.keep) rmSync(results[0].file, { force: true });
  return 0;
}

/** RSS of a Node process doing nothing much (measured once, for the per-flow estimate). */
let smokeBaselineBytes = 45 * 1048576;

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  if (process.argv[2] !== '--reader') {
    const base = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, '-e', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const kb = Number((base.stderr?.toString() ?? '').trim().split('\n').pop());
    if (Number.isFinite(kb) && kb > 0) smokeBaselineBytes = kb * 1024;
  }
  runBench(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
