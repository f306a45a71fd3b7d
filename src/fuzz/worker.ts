/**
 * The fuzzer's in-process runner (`npm run fuzz -- --in-process`): one Node process that
 * loads the built CLI once and runs `main(argv)` of dist/cli/main.js per case, the whole
 * audit minus process start-up (which is most of a small case's time). It receives cases
 * over IPC and answers with the exit code and what the case wrote to stderr; stdout goes
 * to the parent's pipe, which scans it for stack frames. An exception that escapes main()
 * is answered as a crash, and the process ends (the parent starts a new one).
 */
import { pathToFileURL } from 'node:url';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A case: the CLI arguments. */
export interface WorkerCase { id: number; argv: string[] }

/** The answer: main()'s exit code and the case's stderr, or the exception that escaped. */
export interface WorkerAnswer { id: number; code: number | null; stderr: string; escaped: string | null }

async function serve(): Promise<void> {
  const { main } = (await import(pathToFileURL(join(ROOT, 'dist', 'cli', 'main.js')).href)) as { main: (argv: string[]) => Promise<number> };
  let current: WorkerCase | null = null;
  let stderr = '';
  const realErr = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    if (current !== null) {
      stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      cb?.();
      return true;
    }
    return realErr(chunk as string);
  }) as typeof process.stderr.write;
  const escaped = (e: unknown): void => {
    const c = current;
    process.send?.({ id: c?.id ?? -1, code: null, stderr, escaped: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies WorkerAnswer);
    process.exit(70);
  };
  process.on('uncaughtException', escaped);
  process.on('unhandledRejection', escaped);
  process.on('message', (m: WorkerCase) => {
    current = m;
    stderr = '';
    // main() adds a stdout 'error' listener per call: take it off again so the next case starts clean.
    const before = new Set(process.stdout.listeners('error'));
    main(m.argv).then((code) => {
      for (const l of process.stdout.listeners('error')) if (!before.has(l)) process.stdout.off('error', l as (...a: unknown[]) => void);
      // the case's stdout is flushed before the answer, so a stack frame in it belongs to this case
      process.stdout.write('', () => {
        process.send?.({ id: m.id, code, stderr, escaped: null } satisfies WorkerAnswer);
        current = null;
      });
    }, escaped);
  });
  process.send?.({ id: -1, code: 0, stderr: '', escaped: null } satisfies WorkerAnswer);
}

void serve();
