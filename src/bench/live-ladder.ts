/**
 * `npm run bench:live` (issue 6, "Live"): the live loss ladder on `lo`.
 *
 * Generates a loopback capture (every address in 127.0.0.0/8, no VLAN tags, no
 * IPv6) with our own writer, then for each rate of the ladder replays it onto
 * `lo` with `tcpreplay --pps RATE` (or `--topspeed`) three times, one after the
 * other, under each capturer: `wfo-audit live` with the cap engine, `wfo-audit
 * live --engine tcpdump`, and plain `tcpdump -w /dev/null`. Each row compares the
 * packets tcpreplay sent with the packets the capturer saw. Measures and prints;
 * never asserts on loss or time. Replays onto `lo` only, whatever the options.
 *
 * Usage: node dist/bench/live-ladder.js [--packets N] [--rates 10000,30000,top]
 *        [--seconds S] [--buffer-size MiB] [--tail S] [--out DIR] [--keep]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, readlinkSync, rmSync, statSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTraffic } from '../synth/traffic.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The only interface the ladder ever replays onto or captures on. */
const IFACE = 'lo';

/**
 * Matches the replayed frames and nothing else on `lo`: the generator gives every
 * frame locally administered MACs (02:00:…) while the kernel's own loopback
 * traffic carries all-zero MACs; the address test is a second guard.
 */
export const LADDER_FILTER = 'ether[0:2] = 0x0200 and net 127.0.0.0/8';

/** One step of the ladder: packets per second, or as fast as tcpreplay can. */
export type LadderRate = number | 'top';

/** Parsed command line of the ladder. */
export interface LadderOptions {
  /** Packets in the generated capture (the topspeed step sends all of them). */
  packets: number;
  rates: LadderRate[];
  /** A rate step sends min(packets, rate × seconds) packets, so each step lasts about this long. */
  seconds: number;
  /** Passed to `wfo-audit live --buffer-size` (MiB); null = wfo-audit's default (256). */
  bufferSize: number | null;
  /** Seconds to let a capturer drain its buffer after the replay ends, before stopping it. */
  tail: number;
  out: string | null;
  keep: boolean;
}

/** Parses ladder arguments (pure; throws Error with a one-line message on bad input). */
export function parseLadderArgs(argv: string[]): LadderOptions {
  const o: LadderOptions = {
    packets: 1_500_000, rates: [10_000, 30_000, 50_000, 100_000, 150_000, 'top'],
    seconds: 10, bufferSize: null, tail: 2, out: null, keep: false,
  };
  const positive = (name: string, s: string): number => {
    const n = Number(s.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} takes a positive number, not "${s}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--packets': o.packets = Math.round(positive(a, val())); break;
      case '--rates':
        o.rates = val().split(',').map((s) => (s === 'top' || s === 'topspeed' ? 'top' : Math.round(positive(a, s))));
        break;
      case '--seconds': o.seconds = positive(a, val()); break;
      case '--buffer-size': o.bufferSize = positive(a, val()); break;
      case '--tail': o.tail = positive(a, val()); break;
      case '--out': o.out = val(); break;
      case '--keep': o.keep = true; break;
      default: throw new Error(`unknown option ${a} (options: --packets, --rates, --seconds, --buffer-size, --tail, --out, --keep)`);
    }
  }
  return o;
}

/** What tcpreplay says it did. */
export interface ReplayResult {
  sent: number;
  /** Packets per second tcpreplay achieved. */
  pps: number;
  seconds: number;
}

/** Parses tcpreplay's closing statistics ("Actual: …", "Rated: … pps", "Successful packets: N"). */
export function parseTcpreplayOutput(text: string): ReplayResult | null {
  const actual = /Actual: (\d+) packets \(\d+ bytes\) sent in ([\d.]+) seconds/.exec(text);
  const rated = /Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps/.exec(text);
  const ok = /Successful packets:\s+(\d+)/.exec(text);
  if (!actual && !ok) return null;
  const sent = Number(ok?.[1] ?? actual![1]);
  const seconds = actual ? Number(actual[2]) : NaN;
  return { sent, pps: rated ? Number(rated[1]) : sent / seconds, seconds };
}

/** tcpdump's exit statistics. "received by filter" counts both copies of a loopback frame, so only these two are used. */
export function parseTcpdumpStats(stderr: string): { captured: number; dropped: number } | null {
  const c = /(\d+) packets? captured/.exec(stderr);
  const d = /(\d+) packets? dropped by kernel/.exec(stderr);
  return c ? { captured: Number(c[1]), dropped: d ? Number(d[1]) : NaN } : null;
}

/** The three capturers the ladder compares. */
export const TOOLS = ['wfo-audit (cap)', 'wfo-audit (tcpdump engine)', 'tcpdump -w /dev/null'] as const;
export type LadderTool = typeof TOOLS[number];

/** One replay under one capturer. */
export interface LadderRow {
  rate: LadderRate;
  tool: LadderTool;
  replay: ReplayResult | null;
  /** Packets the capturer saw. */
  seen: number;
  /** Kernel drop count where the tool reports one (tcpdump, the tcpdump engine), else null. */
  kernelDrops: number | null;
  /** wfo-audit's `stats.lossEstimate` (acknowledged bytes never captured), null for tcpdump or when unknown. */
  lossEstimate: number | null;
  /** Why the row has no numbers. */
  error: string | null;
}

const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fmtPct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(2)}%`);
const fmtRate = (r: LadderRate): string => (r === 'top' ? 'topspeed' : fmtInt(r));

const COLS: [string, number, boolean][] = [
  ['RATE ASKED', 10, true], ['ACHIEVED PPS', 13, true], ['TOOL', 28, false], ['SENT', 11, true],
  ['SEEN', 11, true], ['KERNEL DROPS', 13, true], ['LOSS', 8, true], ['LOSS EST.', 10, true],
];
const cells = (vals: string[]): string =>
  vals.map((v, i) => (COLS[i]![2] ? v.padStart(COLS[i]![1]) : v.padEnd(COLS[i]![1]))).join('  ').trimEnd();

/** Header line of the ladder table. */
export const LADDER_HEADER = cells(COLS.map((c) => c[0]));

/** Share of sent packets the capturer did not see (negative if it saw more). */
export function lossShare(row: LadderRow): number | null {
  if (row.error || !row.replay || row.replay.sent <= 0) return null;
  return (row.replay.sent - row.seen) / row.replay.sent;
}

/** One table line; a failed run shows its reason instead of numbers. */
export function formatLadderRow(row: LadderRow): string {
  const head = [fmtRate(row.rate).padStart(COLS[0]![1]), fmtInt(row.replay?.pps ?? NaN).padStart(COLS[1]![1]), row.tool.padEnd(COLS[2]![1])].join('  ');
  if (row.error) return `${head}  failed: ${row.error}`;
  return cells([fmtRate(row.rate), fmtInt(row.replay?.pps ?? NaN), row.tool, fmtInt(row.replay?.sent ?? NaN), fmtInt(row.seen),
    row.kernelDrops === null ? '-' : fmtInt(row.kernelDrops), fmtPct(lossShare(row)), fmtPct(row.lossEstimate)]);
}

/**
 * Per tool: the highest rate tcpreplay achieved over the steps before its first
 * loss (a topspeed step may achieve less than a fixed-rate one under load); and the first step where it lost packets.
 */
export function summariseLadder(rows: LadderRow[]): string[] {
  const lines: string[] = [];
  for (const tool of TOOLS) {
    const mine = rows.filter((r) => r.tool === tool);
    if (mine.length === 0) continue;
    let clean: LadderRow | null = null;
    let firstLoss: LadderRow | null = null;
    for (const r of mine) {
      const l = lossShare(r);
      if (l === null) continue;
      if (l > 0) { firstLoss = r; break; }
      if (!clean || r.replay!.pps > clean.replay!.pps) clean = r;
    }
    const cleanText = clean ? `no loss up to ${fmtInt(clean.replay!.pps)} packets/s (asked ${fmtRate(clean.rate)})` : 'lost packets at the first step';
    const lossText = firstLoss
      ? `; first loss at ${fmtInt(firstLoss.replay!.pps)} packets/s: ${fmtPct(lossShare(firstLoss))} (${fmtInt(firstLoss.replay!.sent - firstLoss.seen)} of ${fmtInt(firstLoss.replay!.sent)})`
      : '; no loss at any step';
    const worst = mine.reduce((m, r) => Math.max(m, lossShare(r) ?? 0), 0);
    lines.push(`${tool.padEnd(28)}${cleanText}${lossText}; worst ${fmtPct(worst)}`);
  }
  return lines;
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Inodes of the packet sockets that are bound and running (Linux), or null when
 * /proc does not say. libpcap creates its socket well before it binds it: the
 * 256 MiB ring takes over a second to set up here, and packets meanwhile are lost.
 */
function runningPacketSockets(): Set<string> | null {
  try {
    const lines = readFileSync('/proc/net/packet', 'utf8').trim().split('\n').slice(1);
    // columns: sk RefCnt Type Proto Iface R Rmem User Inode
    const running = lines.map((l) => l.trim().split(/\s+/)).filter((c) => c.length >= 9 && c[3] !== '0000' && c[5] === '1');
    return new Set(running.map((c) => c[8]!));
  } catch {
    return null;
  }
}

/** `pid` and every process descending from it (the tcpdump engine's capture runs in a child of wfo-audit). */
function processTree(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // the ppid is the 2nd field after the parenthesised command name
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) for (const [p, pp] of parent) if (pp === tree[i]) tree.push(p);
  return tree;
}

/**
 * Whether `pid` or a descendant holds a running packet socket: other work on the
 * machine may open and close its own, so a global count would mislead.
 */
function holdsPacketSocket(pid: number): boolean | null {
  const inodes = runningPacketSockets();
  if (inodes === null) return null;
  for (const p of processTree(pid)) {
    let fds: string[];
    try { fds = readdirSync(`/proc/${p}/fd`); } catch { continue; }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return true;
      } catch { /* closed meanwhile */ }
    }
  }
  return false;
}

/** A running capturer: its exit, and what it wrote on stderr. */
interface Running {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
}

function start(cmd: string, args: string[], stdoutFd: number | 'ignore'): Running {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', stdoutFd, 'pipe'] });
  let err = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => { if (err.length < 1 << 20) err += s; });
  const exited = new Promise<number | null>((r) => {
    child.on('close', (code) => r(code));
    child.on('error', (e) => { err += `${e.message}\n`; r(null); });
  });
  return { child, exited, stderr: () => err };
}

/**
 * Waits until the capturer (or its tcpdump) holds a running packet socket, then a little longer for the filter and the read loop.
 * @returns an error text when the capturer died first
 */
async function waitReady(run: Running): Promise<string | null> {
  let dead = false;
  void run.exited.then(() => { dead = true; });
  const limit = Date.now() + 20_000;
  for (;;) {
    const held = run.child.pid === undefined ? null : holdsPacketSocket(run.child.pid);
    if (held === null) { await sleep(3000); break; }
    if (held || dead || Date.now() > limit) break;
    await sleep(50);
  }
  await sleep(700);
  if (dead) return lastLine(run.stderr()) ?? 'exited before the replay';
  return null;
}

const lastLine = (s: string): string | null => s.trim().split('\n').filter((l) => l.trim() !== '').at(-1) ?? null;

/** Replays `file` onto lo at `rate` and returns tcpreplay's statistics (never any other interface). */
async function replay(file: string, rate: LadderRate, limit: number | null): Promise<ReplayResult | string> {
  const args = ['-i', IFACE, rate === 'top' ? '--topspeed' : `--pps=${rate}`];
  if (limit !== null) args.push(`--limit=${limit}`);
  args.push(file);
  // tcpreplay prints its statistics on stdout and its warnings on stderr: read both
  const out = await new Promise<string>((resolveOut) => {
    const child = spawn('tcpreplay', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => { text += s; });
    child.stderr.setEncoding('utf8').on('data', (s: string) => { text += s; });
    child.on('close', () => resolveOut(text));
    child.on('error', (e) => resolveOut(`${text}\n${e.message}`));
  });
  return parseTcpreplayOutput(out) ?? (lastLine(out) ?? 'tcpreplay printed nothing');
}

/** The NDJSON summary: the last line of wfo-audit's stdout that has `inputs`. */
function readSummary(path: string): { packets: number; kernelDrops: number | null; lossEstimate: number | null } | null {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 4 << 20);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').trimEnd().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      try {
        const s = JSON.parse(lines[i]!) as { inputs?: { packets: number; kernelDrops?: number | null }[]; stats?: { lossEstimate?: number | null } };
        if (s.inputs && s.inputs[0]) {
          return { packets: s.inputs[0].packets, kernelDrops: s.inputs[0].kernelDrops ?? null, lossEstimate: s.stats?.lossEstimate ?? null };
        }
      } catch { /* a partial first line or a flow event */ }
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

/** One replay under one capturer: start it, wait until it listens, replay, let it drain, stop it, read its count. */
async function runStep(tool: LadderTool, rate: LadderRate, file: string, limit: number | null, o: LadderOptions, outDir: string): Promise<LadderRow> {
  const row: LadderRow = { rate, tool, replay: null, seen: NaN, kernelDrops: null, lossEstimate: null, error: null };
  const isWfo = tool !== 'tcpdump -w /dev/null';
  const stdoutPath = join(outDir, 'live-stdout.ndjson');
  const stdoutFd = isWfo ? openSync(stdoutPath, 'w') : 'ignore';
  let run: Running;
  if (isWfo) {
    // --duration only bounds a run that is never stopped; the ladder stops it with SIGINT once the replay is done
    const args = [join(ROOT, 'bin/wfo-audit.js'), 'live', '-i', IFACE, '--filter', LADDER_FILTER, '--duration', '3600', '--fail-on', 'none', '--no-dashboard'];
    if (tool === 'wfo-audit (tcpdump engine)') args.push('--engine', 'tcpdump');
    if (o.bufferSize !== null) args.push('--buffer-size', String(o.bufferSize));
    run = start(process.execPath, args, stdoutFd as number);
  } else {
    run = start('tcpdump', ['-i', IFACE, '-n', '-w', '/dev/null', LADDER_FILTER], 'ignore');
  }
  try {
    const notReady = await waitReady(run);
    if (notReady) { row.error = notReady; return row; }
    const rep = await replay(file, rate, limit);
    if (typeof rep === 'string') row.error = `tcpreplay: ${rep}`;
    else row.replay = rep;
    await sleep(o.tail * 1000);
    run.child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([run.exited, new Promise<'timeout'>((r) => { timer = setTimeout(() => r('timeout'), 60_000); })]);
    clearTimeout(timer);
    if (code === 'timeout') { run.child.kill('SIGKILL'); row.error ??= 'did not stop within 60 s of SIGINT'; return row; }
    if (row.error) return row;
    if (isWfo) {
      const s = readSummary(stdoutPath);
      if (!s) { row.error = `no summary line (exit ${code}: ${lastLine(run.stderr()) ?? 'no stderr'})`; return row; }
      row.seen = s.packets;
      row.kernelDrops = s.kernelDrops;
      row.lossEstimate = s.lossEstimate;
    } else {
      const s = parseTcpdumpStats(run.stderr());
      if (!s) { row.error = `no statistics (exit ${code}: ${lastLine(run.stderr()) ?? 'no stderr'})`; return row; }
      row.seen = s.captured;
      row.kernelDrops = Number.isFinite(s.dropped) ? s.dropped : null;
    }
    return row;
  } finally {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    if (typeof stdoutFd === 'number') closeSync(stdoutFd);
    rmSync(stdoutPath, { force: true });
  }
}

/** Runs the ladder; returns the process exit code (0 also when tcpreplay is missing or a capturer fails). */
export async function runLadder(argv: string[]): Promise<number> {
  let o: LadderOptions;
  try { o = parseLadderArgs(argv); } catch (e) {
    process.stderr.write(`bench:live: ${(e as Error).message}\n`);
    return 2;
  }
  const log = (s = ''): void => { process.stdout.write(`${s}\n`); };
  if (!have('tcpreplay')) {
    log('tcpreplay is not installed (apt-get install -y tcpreplay): live loss ladder skipped.');
    return 0;
  }
  const hasTcpdump = have('tcpdump');
  if (!existsSync('/proc/net/packet')) log('note: /proc/net/packet is missing; waiting a fixed 3 s for each capturer to open');
  const out = o.out ? resolve(o.out) : mkdtempSync(join(tmpdir(), 'wfo-live-'));
  mkdirSync(out, { recursive: true });
  const file = join(out, `wfo-loopback-${o.packets}.pcap`);
  log(`wfo-audit live loss ladder on ${IFACE}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  const t0 = process.hrtime.bigint();
  const gen = generateTraffic(file, { packets: o.packets, loopback: true, vlanShare: 0, concurrency: Math.min(2000, Math.max(10, o.packets >> 4)) });
  log(`capture: ${file}: ${fmtInt(gen.packets)} packets, ${fmtInt(statSync(file).size / 1e6)} MB, ${fmtInt(gen.flows)} flows, all in 127.0.0.0/8; ` +
    `generated in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s`);
  log(`filter: ${LADDER_FILTER}; wfo-audit buffer ${o.bufferSize ?? 256} MiB; each rate step sends min(${fmtInt(o.packets)}, rate × ${o.seconds} s) packets; ` +
    `capturers drain for ${o.tail} s after the replay`);
  if (!hasTcpdump) log('tcpdump is not installed (apt-get install -y tcpdump): only the cap engine is measured');
  log();
  log(LADDER_HEADER);
  const rows: LadderRow[] = [];
  const tools = TOOLS.filter((t) => hasTcpdump || t === 'wfo-audit (cap)');
  try {
    for (const rate of o.rates) {
      const limit = rate === 'top' ? null : Math.min(o.packets, Math.max(1, Math.round(rate * o.seconds)));
      for (const tool of tools) {
        const row = await runStep(tool, rate, file, limit === o.packets ? null : limit, o, out);
        rows.push(row);
        log(formatLadderRow(row));
      }
    }
  } finally {
    if (!o.keep && !o.out) rmSync(out, { recursive: true, force: true });
    else if (!o.keep) rmSync(file, { force: true });
  }
  log();
  log('LOSS = (sent - seen) / sent; LOSS EST. = wfo-audit stats.lossEstimate (acknowledged TCP bytes never captured)');
  for (const l of summariseLadder(rows)) log(l);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  runLadder(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
    process.stderr.write(`bench:live: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  });
}
