/**
 * Test groups that need something outside the repository: the public corpus, the
 * seed document, root, or a program (tshark, tcpdump, tmux, chromium, softflowd, nft...).
 * Without it a group is left out, and the run ends with one printed line per group
 * saying what was left out and how to get it; with WFO_REQUIRE_ALL=1 (.ci/run) a
 * left-out group fails the run instead.
 *
 *   describe.runIf(needsCorpus())('...', () => { ... });
 *   describe.runIf(requireTools('tshark', ['tshark']))('...', () => { ... });
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** The public corpus of real captures: ../shared/corpus beside the clone, or $WFO_CORPUS. */
export const CORPUS_DIR = dirWithSlash(process.env.WFO_CORPUS
  ?? fileURLToPath(new URL('../../../shared/corpus/', import.meta.url)));
/** The seed document (reference design): ../shared/seed/…, or $WFO_SEED. */
export const SEED_FILE = resolve(process.env.WFO_SEED
  ?? fileURLToPath(new URL('../../../shared/seed/wfo-environment-requirements.txt', import.meta.url)));

function dirWithSlash(p: string): string {
  const r = resolve(p);
  return r.endsWith('/') ? r : `${r}/`;
}

const reported = new Set<string>();

/**
 * Whether a group's need is met. When it is not: under WFO_REQUIRE_ALL=1 a failing test
 * names the group; otherwise the group is noted once for the line printed at the end of
 * the run (test/support/groups-setup.ts), or printed here when vitest runs without it.
 */
export function requires(group: string, met: boolean, how: string): boolean {
  if (met) return true;
  if (process.env.WFO_REQUIRE_ALL === '1') {
    describe(`required group ${group}`, () => {
      it(`${group} is available (WFO_REQUIRE_ALL=1)`, () => {
        throw new Error(`test group "${group}" cannot run: ${how}`);
      });
    });
    return false;
  }
  const line = `left out test group "${group}": ${how}`;
  const dir = process.env.WFO_LEFT_OUT_DIR;
  if (dir) {
    // One file per group: every test file of the group writes the same line, the run prints it once.
    writeFileSync(join(dir, encodeURIComponent(group)), `${line}\n`);
  } else if (!reported.has(group)) {
    reported.add(group);
    process.stderr.write(`wfo-audit tests: ${line}\n`);
  }
  return false;
}

/** A program on PATH (or an absolute path) that can be run. */
export function haveProgram(name: string): boolean {
  if (name.startsWith('/')) return existsSync(name);
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '';
}

/** A directory or file that exists. */
export function havePath(path: string): boolean {
  return existsSync(path);
}

/** Running as root (capture on lo, network namespaces). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** `requires` for a list of programs, e.g. requireTools('nftables', ['nft']). */
export function requireTools(group: string, programs: readonly string[], pkg = programs.join(' ')): boolean {
  const missing = programs.filter((p) => !haveProgram(p));
  return requires(group, missing.length === 0, `needs ${missing.join(', ')} (apt-get install ${pkg})`);
}

/** The corpus group: tests that read ../shared/corpus. */
export function needsCorpus(): boolean {
  return requires('corpus', havePath(`${CORPUS_DIR}MANIFEST.tsv`),
    `needs the public capture corpus at ${CORPUS_DIR} (or set WFO_CORPUS=<dir>)`);
}

/** The seed group: tests that check the design against the reference document. */
export function needsSeed(): boolean {
  return requires('seed', havePath(SEED_FILE), `needs the seed document at ${SEED_FILE} (or set WFO_SEED=<file>)`);
}

/** The root group: live capture on lo, dropping privileges, network namespaces. */
export function needsRoot(): boolean {
  return requires('root', isRoot(), 'needs root for live capture on lo (run the tests as root, e.g. sudo npm test)');
}
