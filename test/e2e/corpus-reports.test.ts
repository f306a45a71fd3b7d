/**
 * Every corpus capture through the human-readable report with a site file: no
 * internal error, no stack trace, only the documented exit codes. (score.py checks
 * the JSON without a site; this covers the table path and classification with roles.)
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORPUS, runCli } from '../support/cli.js';
import { needsCorpus } from '../support/requires.js';

describe.runIf(needsCorpus())('corpus through the table report with a site', () => {
  it('every capture ends with exit 0, 1 or 2, one-line errors, never an internal error', () => {
    const files = readdirSync(`${CORPUS}captures`).sort();
    expect(files.length).toBeGreaterThanOrEqual(150);
    const bad: string[] = [];
    for (const f of files) {
      const r = runCli(['audit', '--site', 'fixtures/sites/hybrid.yaml', '--all', `${CORPUS}captures/${f}`]);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      if (r.code === null || r.code > 2 || /internal error|\n\s+at /.test(r.stderr) || lines.length > 1) {
        bad.push(`${f}: exit ${r.code}: ${r.stderr.slice(0, 200)}`);
      }
      if (r.code !== 2) expect(r.stdout, f).toContain('SUMMARY BY VERDICT');
    }
    expect(bad).toEqual([]);
  }, 600_000);
});
