/**
 * nfdump stores (nfcapd files, and directories of them) read through Debian's `nfdump`
 * program: `nfdump -r FILE -o json` or `nfdump -R DIR -o json`, its output stream-parsed
 * (one big JSON array, element by element: json-array-stream.ts) into nfdump-flows.ts.
 * nfdump runs with TZ=UTC so that the times it prints, and the `-t` window the audit's
 * --from/--to become, are UTC. Its wall-clock `received` field is never read.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { JsonArrayStream } from './json-array-stream.js';
import { NfdumpFlows } from './nfdump-flows.js';
import { countBad, type RecordReadOptions, type RecordReadResult, type RecordSink } from './source.js';

/** The program, overridable for tests (WFO_NFDUMP). */
function program(): string {
  return process.env.WFO_NFDUMP ?? 'nfdump';
}

/** Seconds since the epoch as nfdump's `-t` time: YYYY/MM/DD.hh:mm:ss (UTC). */
export function nfdumpTime(t: number): string {
  const d = new Date(t * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}.${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** nfdump's arguments for a path and an optional time window. */
export function nfdumpArgs(path: string, isDir: boolean, from?: number, to?: number): string[] {
  const args = [isDir ? '-R' : '-r', path, '-o', 'json'];
  if (from !== undefined || to !== undefined) {
    // nfdump wants both ends; an open end is the epoch or far in the future.
    const a = from !== undefined ? Math.floor(from) : 0;
    const b = to !== undefined ? Math.ceil(to) : 4102444800;
    args.push('-t', `${nfdumpTime(a)}-${nfdumpTime(b)}`);
  }
  return args;
}

/** Reads an nfcapd file or a directory of them through `nfdump`. */
export async function readNfdump(path: string, sink: RecordSink, opts: RecordReadOptions): Promise<RecordReadResult> {
  let isDir = false;
  try { isDir = statSync(path).isDirectory(); } catch { /* nfdump says what is wrong */ }
  const flows = new NfdumpFlows(path, opts.input, sink, opts.synGrace, opts.serverPortHint ?? null);
  const result = (error: string | null): RecordReadResult => {
    const w = biflowWarning(flows.biflowFlagsSuspect);
    return {
      format: 'nfcapd', gzip: false, counts: flows.counts, packets: flows.packets, bytes: flows.bytes,
      first: flows.first, last: flows.last, error,
      notes: w === null ? [] : [{ code: 'nfdump-biflow-flags', message: w, count: flows.biflowFlagsSuspect }],
    };
  };
  if (path === '-') return result('stdin: an nfcapd store cannot be read from stdin; give its file or directory');
  const parser = new JsonArrayStream((v) => flows.record(v, parser.elements), (n, why) => {
    flows.counts.rows++;
    countBad(flows.counts, `${path}: record ${n}`, `not JSON (${why})`);
  });
  const child = spawn(program(), nfdumpArgs(path, isDir, opts.from, opts.to), {
    env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => { if (stderr.length < 4096) stderr += d; });
  const onAbort = (): void => { child.kill('SIGTERM'); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const exited = new Promise<{ code: number | null; spawnError: NodeJS.ErrnoException | null }>((resolve) => {
    child.on('error', (e) => resolve({ code: null, spawnError: e as NodeJS.ErrnoException }));
    child.on('close', (code) => resolve({ code, spawnError: null }));
  });
  const dec = new StringDecoder('utf8');
  let bytes = 0;
  try {
    for await (const chunk of child.stdout) {
      bytes += (chunk as Buffer).length;
      parser.write(dec.write(chunk as Buffer));
      if (parser.error !== null) { child.kill('SIGTERM'); break; }
      opts.onProgress?.(bytes);
    }
  } catch { /* the exit status says what happened */ }
  const { code, spawnError } = await exited;
  opts.signal?.removeEventListener('abort', onAbort);
  if (spawnError !== null) {
    return result(spawnError.code === 'ENOENT'
      ? `${path}: reading nfcapd stores needs the nfdump program (apt-get install nfdump)`
      : `${path}: cannot run nfdump: ${spawnError.message}`);
  }
  if (opts.signal?.aborted) {
    flows.finish();
    return result(`${path}: stopped after ${flows.counts.rows} records (interrupted); the report covers those only`);
  }
  if (parser.error === null) parser.end();
  flows.finish();
  if (code !== 0) {
    const line = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '').pop() ?? `exit status ${code}`;
    return result(`${path}: nfdump failed: ${line.slice(0, 200)}`);
  }
  if (parser.error !== null) return result(`${path}: nfdump output unreadable: ${parser.error}`);
  return result(null);
}

/** The warning for biflows whose forward TCP flags nfdump overwrote, or null when none was seen. */
export function biflowWarning(suspect: number): string | null {
  return suspect > 0
    ? `${suspect} RFC 5103 biflow(s) from nfdump carry TCP flags without the forward SYN: nfdump 1.7 overwrites the forward flags with the reverse ones, so these outcomes are inferred from packet counts`
    : null;
}
