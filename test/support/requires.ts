/**
 * Test groups that need something outside the repository: the public corpus, the
 * seed document, root, or a program (tshark, tcpdump, tmux, chromium, softflowd, nft...).
 * Without it a group is left out with one printed line saying what and how to get it;
 * with WFO_REQUIRE_ALL=1 (.ci/run) a left-out group fails the run instead.
 *
 *   const corpus = requires('corpus', haveDir(CORPUS), 'put the public corpus at ../shared/corpus');
 *   describe.runIf(corpus)('...', () => { ... });
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';

const reported = new Set<string>();

/**
 * Whether a group's need is met. When it is not: under WFO_REQUIRE_ALL=1 a failing test
 * names the group; otherwise one line on stderr says what was left out and how to get it.
 */
export function requires(group: string, met: boolean, how: string): boolean {
  if (met) return true;
  if (process.env.WFO_REQUIRE_ALL === '1') {
    describe(`required group ${group}`, () => {
      it(`${group} is available (WFO_REQUIRE_ALL=1)`, () => {
        throw new Error(`test group "${group}" cannot run: ${how}`);
      });
    });
  } else if (!reported.has(group)) {
    reported.add(group);
    process.stderr.write(`wfo-audit tests: left out group "${group}": ${how}\n`);
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
