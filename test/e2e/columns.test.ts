/** Human formats that do not go to a terminal honour COLUMNS (as ls and tshark do); 100 otherwise. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { reportWidth } from '../../src/cli/common.js';
import { ROOT } from '../support/cli.js';

function table(columns: string | undefined): string[] {
  const { COLUMNS: _c, ...env } = process.env;
  const r = spawnSync(process.execPath, ['bin/wfo-audit.js', 'audit', '--site', 'fixtures/demo/site.yaml', 'fixtures/demo/demo.pcap'], {
    cwd: ROOT, encoding: 'utf8', env: { ...env, NO_COLOR: '1', TZ: 'UTC', ...(columns === undefined ? {} : { COLUMNS: columns }) },
  });
  expect(r.status).toBe(1);
  return r.stdout.split('\n');
}

describe('COLUMNS', () => {
  it('sets the width of a table report written to a pipe', () => {
    const wide = table('140'), plain = table(undefined), narrow = table('90');
    expect(Math.max(...plain.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(Math.max(...wide.map((l) => l.length))).toBeGreaterThan(100);
    expect(Math.max(...wide.map((l) => l.length))).toBeLessThanOrEqual(140);
    expect(Math.max(...narrow.map((l) => l.length))).toBeLessThanOrEqual(90);
    expect(Math.max(...narrow.map((l) => l.length))).toBeLessThan(Math.max(...plain.map((l) => l.length)));
  });

  it('ignores values that are not a width', () => {
    for (const v of ['abc', '10', '-5', '']) expect(reportWidth(false, { COLUMNS: v })).toBe(100);
    expect(reportWidth(false, { COLUMNS: '132' })).toBe(132);
  });
});
