/** Human formats that do not go to a terminal honour COLUMNS (as ls and tshark do); 100 otherwise. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { reportWidth } from '../../src/cli/common.js';
import { ROOT } from '../support/cli.js';

function table(columns: string | undefined, flags: string[] = []): string[] {
  const { COLUMNS: _c, ...env } = process.env;
  const r = spawnSync(process.execPath, ['bin/wfo-audit.js', 'audit', '--site', 'fixtures/demo/site.yaml', ...flags, 'fixtures/demo/demo.pcap'], {
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

  it('the per-rule coverage table keeps RULE at 80 columns: no two rows alike', () => {
    const lines = table('80', ['--coverage', 'rules']);
    const start = lines.findIndex((l) => l.startsWith('COVERAGE OF THE DESIGN'));
    const head = lines.findIndex((l, i) => i > start && /^ {2}\S/.test(l));
    expect(lines[head]).toMatch(/\bRULE\b/);
    const rows = [];
    for (let i = head + 1; /^ {2}\S/.test(lines[i] ?? ''); i++) rows.push(lines[i]!);
    expect(rows.length).toBeGreaterThan(20);
    expect(new Set(rows).size).toBe(rows.length);
    for (const id of ['api-server.sql.1433', 'archiver.sql.1433', 'logger.sql.1433']) expect(rows.some((r) => r.includes(` ${id} `))).toBe(true);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  });

  it('one word for no service in every human format of the demo: none, never (none) or no rule', () => {
    const { COLUMNS: _c, ...env } = process.env;
    for (const format of ['table', 'markdown', 'html']) {
      const r = spawnSync(process.execPath, ['bin/wfo-audit.js', 'audit', '--site', 'fixtures/demo/site.yaml', '--format', format, '--all', 'fixtures/demo/demo.pcap'], {
        cwd: ROOT, encoding: 'utf8', env: { ...env, NO_COLOR: '1', TZ: 'UTC' },
      });
      expect(r.status, format).toBe(1);
      expect(r.stdout, format).not.toContain('(none)');
      expect(r.stdout, format).not.toMatch(/\bno rule\b(?! (for|allows|matched))/);
      expect(r.stdout, format).toMatch(/\bnone\b/);
    }
  }, 30_000);

  it('ignores values that are not a width', () => {
    for (const v of ['abc', '10', '-5', '']) expect(reportWidth(false, { COLUMNS: v })).toBe(100);
    expect(reportWidth(false, { COLUMNS: '132' })).toBe(132);
  });
});
