import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATUS_COLOR, VERDICT_COLOR } from '../../src/ui/theme.js';
import { VERDICT_FILTERS } from '../../src/ui/state.js';

const doc = readFileSync(new URL('../../docs/dashboard.md', import.meta.url), 'utf8');
const golden = (name: string) => readFileSync(new URL(`./golden/${name}.txt`, import.meta.url), 'utf8').trimEnd();

/** The colour name as the doc spells it. */
const spelled = (c: string) => (c === 'gray' ? 'grey' : c);

describe('docs/dashboard.md', () => {
  it('shows the dashboard exactly as the tests render it', () => {
    for (const name of ['app-live-80x24', 'app-file-flows-80x24', 'app-live-120x30']) {
      expect(doc, name).toContain('```text\n' + golden(name) + '\n```');
    }
  });
  it('gives every verdict and coverage status its theme colour', () => {
    for (const [verdict, color] of Object.entries(VERDICT_COLOR)) expect(doc).toContain(`| ${verdict} | ${spelled(color)} |`);
    for (const [status, color] of Object.entries(STATUS_COLOR)) expect(doc).toContain(`| ${status} | ${spelled(color)} |`);
  });
  it('lists the verdict filter cycle in its order', () => {
    expect(doc).toContain([...VERDICT_FILTERS, VERDICT_FILTERS[0]].join(' -> '));
  });
});
