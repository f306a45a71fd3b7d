/**
 * Every reporter against golden files in fixtures/golden/report/. Run with
 * UPDATE_GOLDEN=1 to rewrite them after an intended change (then review the diff).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPORTERS, type ReportFormat } from '../../src/report/index.js';
import type { ReportOptions } from '../../src/report/options.js';
import { emptyReport, sampleReport } from './support.js';

const goldenDir = new URL('../../fixtures/golden/report/', import.meta.url);
const update = process.env.UPDATE_GOLDEN === '1';

const EXT: Record<ReportFormat, string> = { table: 'txt', json: 'json', ndjson: 'ndjson', markdown: 'md', html: 'html' };

const cases: { name: string; format: ReportFormat; report: () => ReturnType<typeof sampleReport>; o: ReportOptions }[] = [];
for (const format of Object.keys(REPORTERS) as ReportFormat[]) {
  cases.push({ name: `sample.${EXT[format]}`, format, report: sampleReport, o: { color: false, all: false, width: 80 } });
  cases.push({ name: `empty.${EXT[format]}`, format, report: emptyReport, o: { color: false, all: false, width: 80 } });
}
cases.push({ name: 'sample-all.txt', format: 'table', report: sampleReport, o: { color: false, all: true, width: 80 } });
cases.push({ name: 'sample-all-120.txt', format: 'table', report: sampleReport, o: { color: false, all: true, width: 120 } });
cases.push({ name: 'sample-color.txt', format: 'table', report: sampleReport, o: { color: true, all: false, width: 100 } });
cases.push({ name: 'sample-all.md', format: 'markdown', report: sampleReport, o: { color: false, all: true, width: 80 } });

describe('golden reports', () => {
  for (const c of cases) {
    it(`${c.name} matches its golden file`, () => {
      const text = REPORTERS[c.format](c.report(), c.o);
      const file = new URL(c.name, goldenDir);
      if (update) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(file, text);
      }
      expect(existsSync(file), `missing golden ${c.name}: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }
});
