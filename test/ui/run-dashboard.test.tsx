/**
 * runDashboard on fake terminals, loaded the way the CLI loads it (src/ui/load.ts).
 * This file imports nothing from Ink statically: Ink reads CI and
 * CONTINUOUS_INTEGRATION once, when it is first loaded, and in "CI mode" it never
 * redraws. CI is set here on purpose, so these tests prove the dashboard still
 * draws on a terminal wherever it runs (CI machines set CI=true).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { Subject, of } from 'rxjs';
import { loadDashboard } from '../../src/ui/load.js';
import type { DashboardSnapshot } from '../../src/pipeline/types.js';
import { FINDINGS, expectGolden, fileSnapshot, liveSnapshot, plain } from './fixtures.js';
import { FakeIn, FakeOut, settle } from './streams.js';

let runDashboard: Awaited<ReturnType<typeof loadDashboard>>['runDashboard'];

beforeAll(async () => {
  process.env.CI = 'true';
  ({ runDashboard } = await loadDashboard());
  expect(process.env.CI).toBe('true');
});

describe('runDashboard', () => {
  it('draws on a terminal, quits on q, and resolves once the final frame is drawn', async () => {
    const out = new FakeOut(true, 100, 30);
    const inp = new FakeIn();
    const snapshots = new Subject<DashboardSnapshot>();
    const onQuit = vi.fn(() => {
      snapshots.next(liveSnapshot({ done: true, elapsed: 99 }));
      snapshots.complete();
    });
    let resolved = false;
    const done = runDashboard(snapshots, { onQuit, stdout: out.stream, stdin: inp.stream }).then(() => {
      resolved = true;
    });
    snapshots.next(liveSnapshot());
    await settle();
    expect(plain(out.text)).toContain('Coverage · 7 of 11 rules seen');
    expect(resolved).toBe(false);
    inp.type('q');
    await done;
    expect(onQuit).toHaveBeenCalledTimes(1);
    const text = plain(out.text);
    expect(text).toContain('wfo-audit · live eth1 · capture stopped');
    expect(text).toContain('elapsed 0:01:39');
    expect(text).toContain('done: the final report follows');
  });

  it('writes only the final frame when stdout is not a terminal', async () => {
    const out = new FakeOut(false, 80, 0);
    const snapshots = new Subject<DashboardSnapshot>();
    const done = runDashboard(snapshots, { onQuit: () => {}, stdout: out.stream, stdin: new FakeIn().stream });
    snapshots.next(liveSnapshot({ findings: FINDINGS.slice(0, 1) }));
    snapshots.next(liveSnapshot());
    await settle();
    expect(out.chunks).toEqual([]);
    snapshots.next(liveSnapshot({ done: true }));
    await done;
    expect(out.chunks).toHaveLength(1);
    expectGolden('final-frame-80', plain(out.text).trimEnd());
  });

  it('resolves on a stream that ends synchronously', async () => {
    const out = new FakeOut(false, 80, 0);
    await runDashboard(of(fileSnapshot({ done: true })), { onQuit: () => {}, stdout: out.stream });
    expect(plain(out.text)).toContain('input ended');
  });

  it('rejects with the stream error after unmounting', async () => {
    const out = new FakeOut(true, 80, 24);
    const snapshots = new Subject<DashboardSnapshot>();
    const done = runDashboard(snapshots, { onQuit: () => {}, stdout: out.stream, stdin: new FakeIn().stream });
    snapshots.next(liveSnapshot());
    snapshots.error(new Error('capture failed'));
    await expect(done).rejects.toThrow('capture failed');
  });
});

describe('loadDashboard', () => {
  const built = fileURLToPath(new URL('../../dist/ui/load.js', import.meta.url));
  /** Loads the dashboard in a fresh node (npm test builds dist/ first); which React build came in, and the environment after. */
  function load(nodeEnv: string | undefined): { react: string[]; nodeEnv: string | null; ci: string | null } {
    const script = [
      "import { createRequire } from 'node:module';",
      `const { loadDashboard } = await import(${JSON.stringify(built)});`,
      'await loadDashboard();',
      // Node's ESM loader puts both branches of react/index.js in the cache unexecuted (it lexes their exports): count the executed ones.
      'const cache = createRequire(import.meta.url).cache;',
      'const files = Object.keys(cache).filter((k) => cache[k].loaded && /[\\/]react[\\/]cjs[\\/]/.test(k));',
      'console.log(JSON.stringify({ react: files.map((k) => k.split(/[\\/]/).pop()), nodeEnv: process.env.NODE_ENV ?? null, ci: process.env.CI ?? null }));',
    ].join('\n');
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
    if (nodeEnv === undefined) delete env.NODE_ENV;
    else env.NODE_ENV = nodeEnv;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return JSON.parse(r.stdout);
  }

  it("loads React's production build when NODE_ENV is unset (the development build records every render), and puts the environment back", () => {
    const r = load(undefined);
    expect(r.react).toContain('react.production.js');
    expect(r.react.filter((f) => !f.endsWith('.production.js'))).toEqual([]);
    expect(r).toMatchObject({ nodeEnv: null, ci: 'true' });
  });

  it('follows NODE_ENV when the user set it', () => {
    const r = load('development');
    expect(r.react).toContain('react.development.js');
    expect(r.react.filter((f) => !f.endsWith('.development.js'))).toEqual([]);
    expect(r).toMatchObject({ nodeEnv: 'development', ci: 'true' });
  });
});
