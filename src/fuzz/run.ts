/**
 * `npm run fuzz -- --count N --seed S`: mutates the corpus captures, the corpus's Zeek conn logs
 * and generated IPFIX files (src/fuzz/mutate.ts, record-seeds.ts)
 * and runs each mutant through the whole built CLI (`bin/wfo-audit.js audit`), cycling
 * the report formats. A crash is an exit code other than 0/1/2, more than one line on
 * stderr, a stack frame (`    at `) or an "internal error"; a hang is no exit within
 * 10 s of the run's own CPU time (or 100 s of wall time, for a wait that never ends).
 * Crashing inputs are kept (--keep DIR) so they can be replayed by hand.
 *
 * Usage: node dist/fuzz/run.js [--count 1000] [--seed 1] [--jobs 2] [--corpus DIR]
 *        [--max-size 65536] [--keep DIR] [--timeout 10] [--in-process]
 * --in-process runs main() of the built CLI in long-lived workers (src/fuzz/worker.ts):
 * the same audit without a process start per case, for runs of many thousand cases.
 * Exit: 0 no crash and no hang (or no corpus: skipped), 1 crashes or hangs, 2 bad arguments.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Choices, mutate, MUTATIONS, type Mutant } from './mutate.js';
import type { WorkerAnswer, WorkerCase } from './worker.js';
import { ipfixSeeds } from './record-seeds.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'wfo-audit.js');
const FORMATS = ['table', 'json', 'ndjson', 'markdown'] as const;

/** Parsed command line of the fuzzer. */
export interface FuzzOptions {
  count: number;
  seed: number;
  jobs: number;
  corpus: string;
  maxSize: number;
  keep: string;
  timeoutSec: number;
  /** Run main() of the built CLI in long-lived worker processes instead of one process per case. */
  inProcess: boolean;
}

/** Parses the fuzzer's arguments (pure; throws Error with a one-line message on bad input). */
export function parseFuzzArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): FuzzOptions {
  const o: FuzzOptions = {
    count: 1000, seed: 1, jobs: 2,
    corpus: resolve(env.WFO_CORPUS ?? join(ROOT, '..', 'shared', 'corpus')),
    maxSize: 65536, keep: join(ROOT, 'fuzz-crashes'), timeoutSec: 10, inProcess: false,
  };
  const whole = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`${name}: ${JSON.stringify(v ?? '')} is not valid (allowed: a whole number >= ${min})`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--count': o.count = whole(a, argv[++i], 1); break;
      case '--seed': o.seed = whole(a, argv[++i], 0); break;
      case '--jobs': o.jobs = whole(a, argv[++i], 1); break;
      case '--max-size': o.maxSize = whole(a, argv[++i], 1); break;
      case '--timeout': o.timeoutSec = whole(a, argv[++i], 1); break;
      case '--corpus': o.corpus = resolve(argv[++i] ?? ''); break;
      case '--keep': o.keep = resolve(argv[++i] ?? ''); break;
      case '--in-process': o.inProcess = true; break;
      default: throw new Error(`unknown option ${a} (options: --count, --seed, --jobs, --corpus, --max-size, --keep, --timeout, --in-process)`);
    }
  }
  return o;
}

/** What one CLI run did. */
export interface CaseResult {
  code: number | null;
  signal: string | null;
  stderr: string;
  stdoutHasStack: boolean;
  hung: boolean;
  /** An exception that escaped main() (in-process runs only). */
  escaped?: string | null;
}

/** Why a run counts as a crash, or null when it behaved (exit 0/1/2, at most one stderr line, no stack). */
export function crashReason(r: CaseResult): string | null {
  if (r.hung) return null;
  if (r.escaped) return `exception escaped main(): ${r.escaped.split('\n')[0]}`;
  if (r.code === null) return `killed by ${r.signal}`;
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) return `exit code ${r.code}`;
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  if (/^\s+at /m.test(r.stderr) || r.stdoutHasStack) return 'stack frame in the output';
  if (lines.length > 1) return `${lines.length} lines on stderr`;
  if (/internal error/.test(r.stderr)) return 'internal error';
  return null;
}

/** CPU seconds (user + system) process `pid` has used, from /proc; null when it cannot be read. */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name in parentheses: utime is the 14th field, stime the 15th (proc(5))
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** USER_HZ: the unit of /proc/PID/stat times, 100 on every Linux architecture node runs on. */
const CLOCK_TICKS = 100;

/** Runs the CLI on one file; kills it (a hang) after `timeoutSec` of CPU time (or 10x that of wall time). */
function runCase(file: string, format: string, all: boolean, site: boolean, timeoutSec: number): Promise<CaseResult> {
  return new Promise((resolveRun) => {
    const args = [BIN, ...caseArgs(file, format, all, site)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' } });
    let stderr = '';
    let tail = '';
    let stdoutHasStack = false;
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 65536) stderr += d; });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      // a stack frame could straddle two chunks: look at the seam too
      if (!stdoutHasStack && STACK_FRAME.test(tail + d)) stdoutHasStack = true;
      tail = d.slice(-200);
    });
    let hung = false;
    // A hang is `timeoutSec` of the child's own CPU time (an endless loop), or ten times that
    // on the wall clock (a wait that never ends): on a loaded machine a nice'd child can
    // need more than 10 s of wall time for well under a second of work.
    const started = Date.now();
    const timer = setInterval(() => {
      const cpu = cpuSeconds(child.pid);
      const wall = (Date.now() - started) / 1000;
      if ((cpu ?? wall) >= timeoutSec || wall >= 10 * timeoutSec) { hung = true; child.kill('SIGKILL'); }
    }, 250);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolveRun({ code, signal, stderr, stdoutHasStack, hung });
    });
  });
}

/** The audit command line of a case. */
function caseArgs(file: string, format: string, all: boolean, site: boolean): string[] {
  const args = ['audit', '--format', format, '--no-progress', '--fail-on', 'blocked'];
  // With the site most corpus flows are out of scope; without it flows are matched by port.
  if (site) args.push('--site', join(ROOT, 'fixtures/sites/hybrid.yaml'));
  if (all) args.push('--all');
  args.push(file);
  return args;
}

/** A stack frame in output: `    at f (file.js:1:2)` or `    at file.js:1:2`. */
const STACK_FRAME = /\n\s+at .*:\d+:\d+\)?\n/;

/**
 * A long-lived worker (src/fuzz/worker.ts) that runs main() of the built CLI per case.
 * A hang or an escaped exception ends the worker; the next case starts a new one.
 */
class InProcessRunner {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private pending: ((a: WorkerAnswer | null) => void) | null = null;
  private stdoutStack = false;
  private tail = '';
  private extraStderr = '';
  private nextId = 0;

  private start(): Promise<void> {
    const child = fork(join(ROOT, 'dist', 'fuzz', 'worker.js'), [], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, NO_COLOR: '1', TZ: 'UTC' },
    });
    this.child = child;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      if (STACK_FRAME.test(this.tail + d)) this.stdoutStack = true;
      this.tail = d.slice(-200);
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { this.extraStderr += d; });
    this.ready = new Promise((r) => {
      child.once('message', () => r());
    });
    child.on('message', (a: WorkerAnswer) => {
      if (a.id >= 0 || a.escaped) { const p = this.pending; this.pending = null; p?.(a); }
    });
    child.on('exit', () => {
      if (this.child === child) { this.child = null; this.ready = null; }
      const p = this.pending; this.pending = null; p?.(null);
    });
    return this.ready;
  }

  /** Runs one case; a hang is timeoutSec of the worker's CPU time (or ten times that of wall time). */
  async run(file: string, format: string, all: boolean, site: boolean, timeoutSec: number): Promise<CaseResult> {
    if (!this.child) await this.start(); else await this.ready;
    const child = this.child!;
    this.stdoutStack = false;
    this.tail = '';
    this.extraStderr = '';
    const msg: WorkerCase = { id: this.nextId++, argv: caseArgs(file, format, all, site) };
    const cpu0 = cpuSeconds(child.pid) ?? 0;
    const started = Date.now();
    let hung = false;
    const answer = await new Promise<WorkerAnswer | null>((resolveCase) => {
      this.pending = resolveCase;
      const timer = setInterval(() => {
        const cpu = cpuSeconds(child.pid);
        const wall = (Date.now() - started) / 1000;
        if ((cpu === null ? wall : cpu - cpu0) >= timeoutSec || wall >= 10 * timeoutSec) { hung = true; child.kill('SIGKILL'); }
      }, 250);
      const done = this.pending;
      this.pending = (a) => { clearInterval(timer); done(a); };
      child.send(msg);
    });
    const stderr = (answer?.stderr ?? '') + this.extraStderr;
    if (hung) return { code: null, signal: 'SIGKILL', stderr, stdoutHasStack: this.stdoutStack, hung: true };
    // The CLI ended the process itself (process.exit): judged by that exit code, as for a process per case.
    if (answer === null) return { code: child.exitCode, signal: child.signalCode, stderr, stdoutHasStack: this.stdoutStack, hung: false };
    return { code: answer.code, signal: null, stderr, stdoutHasStack: this.stdoutStack, hung: false, escaped: answer.escaped };
  }

  /** Ends the worker. */
  close(): void {
    this.child?.kill('SIGKILL');
  }
}

/** A seed input from the corpus. */
interface Seed { name: string; bytes: Buffer }

/**
 * The corpus captures and Zeek conn logs no larger than maxSize, sorted by name (the same seed
 * list on every machine), and the generated IPFIX seeds (record-seeds.ts).
 */
function loadSeeds(corpus: string, maxSize: number): Seed[] {
  const from = (dir: string, only?: RegExp): Seed[] => (existsSync(dir) ? readdirSync(dir).sort() : [])
    .filter((f) => (only === undefined || only.test(f)) && (() => { const s = statSync(join(dir, f)); return s.isFile() && s.size <= maxSize; })())
    .map((f) => ({ name: f, bytes: readFileSync(join(dir, f)) }));
  return [...from(join(corpus, 'captures')), ...from(join(corpus, 'zeek-logs'), /\.log$/), ...ipfixSeeds()];
}

/** Runs the fuzzer; returns the exit code. */
export async function fuzz(o: FuzzOptions, log: (s: string) => void): Promise<number> {
  if (!existsSync(join(o.corpus, 'captures'))) {
    log(`fuzz: skipped: no corpus at ${o.corpus} (set WFO_CORPUS=<dir> or --corpus DIR)`);
    return 0;
  }
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` first');
  const seeds = loadSeeds(o.corpus, o.maxSize);
  if (seeds.length === 0) throw new Error(`no capture of at most ${o.maxSize} bytes in ${o.corpus}/captures`);
  const work = mkdtempSync(join(tmpdir(), 'wfo-fuzz-'));
  const started = Date.now();
  const codes = new Map<string, number>();
  const byKind = new Map<string, number>();
  let crashes = 0, hangs = 0, done = 0;
  const c = new Choices(o.seed);
  // Mutants are made in case order from one seeded stream, so the runs' order cannot change them.
  const make = (i: number): { seed: Seed; m: Mutant; format: string; all: boolean; site: boolean } => {
    const seed = seeds[c.int(seeds.length)]!;
    const other = seeds[c.int(seeds.length)]!;
    const m = mutate(seed.bytes, other.bytes, c.int(MUTATIONS.length), c);
    return { seed, m, format: FORMATS[i % FORMATS.length]!, all: c.chance(0.25), site: c.chance(0.5) };
  };
  let next = 0;
  const runners: InProcessRunner[] = [];
  const worker = async (): Promise<void> => {
    const runner = o.inProcess ? new InProcessRunner() : null;
    if (runner) runners.push(runner);
    for (;;) {
      const i = next++;
      if (i >= o.count) return;
      const { seed, m, format, all, site } = make(i);
      const file = join(work, `case-${i}`);
      writeFileSync(file, m.bytes);
      const r = runner ? await runner.run(file, format, all, site, o.timeoutSec) : await runCase(file, format, all, site, o.timeoutSec);
      byKind.set(m.mutation, (byKind.get(m.mutation) ?? 0) + 1);
      const what = `case ${i}: ${seed.name}, ${m.mutation} (${m.detail}), --format ${format}${all ? ' --all' : ''}${site ? ' --site hybrid.yaml' : ''}`;
      const crash = crashReason(r);
      if (r.hung || crash) {
        mkdirSync(o.keep, { recursive: true });
        const kept = join(o.keep, `seed${o.seed}-case${i}-${seed.name}`);
        copyFileSync(file, kept);
        if (r.hung) { hangs++; log(`HANG  ${what}: no exit within ${o.timeoutSec} s; input kept as ${kept}`); }
        else { crashes++; log(`CRASH ${what}: ${crash}; input kept as ${kept}\n${r.stderr.split('\n').slice(0, 12).map((l) => `      ${l}`).join('\n')}`); }
      } else {
        const k = String(r.code);
        codes.set(k, (codes.get(k) ?? 0) + 1);
      }
      rmSync(file, { force: true });
      done++;
      if (done % 500 === 0) log(`fuzz: ${done}/${o.count} cases, ${crashes} crashes, ${hangs} hangs`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(o.jobs, o.count) }, () => worker()));
  } finally {
    for (const r of runners) r.close();
    rmSync(work, { recursive: true, force: true });
  }
  const sec = (Date.now() - started) / 1000;
  const exits = ['0', '1', '2'].map((k) => `${k}: ${codes.get(k) ?? 0}`).join(', ');
  const kinds = MUTATIONS.map((k) => `${k} ${byKind.get(k) ?? 0}`).join(', ');
  log(`fuzz: ${o.count} cases (seed ${o.seed}) from ${seeds.length} seeds (corpus captures and Zeek logs, generated IPFIX) of at most ${o.maxSize} bytes: ` +
    `${crashes} crashes, ${hangs} hangs; exit codes ${exits}; mutations ${kinds}; ${sec.toFixed(0)} s with ${o.jobs} jobs` +
    (o.inProcess ? ' (in-process: main() of the built CLI in long-lived workers)' : ' (one CLI process per case)'));
  return crashes + hangs > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  let opts: FuzzOptions;
  try {
    opts = parseFuzzArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`fuzz: ${(e as Error).message}\n`);
    process.exit(2);
  }
  fuzz(opts, (s) => process.stdout.write(`${s}\n`)).then((code) => { process.exitCode = code; }, (e: Error) => {
    process.stderr.write(`fuzz: ${e.message}\n`);
    process.exitCode = 2;
  });
}
