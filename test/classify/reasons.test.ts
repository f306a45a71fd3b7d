import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { REASONS, REASON_CODES, reasonText } from '../../src/classify/reasons.js';
import { VERDICTS } from '../../src/classify/types.js';

const doc = readFileSync(new URL('../../docs/verdicts.md', import.meta.url), 'utf8');

describe('docs/verdicts.md matches src/classify/reasons.ts', () => {
  it('documents every verdict as a section', () => {
    const sections = [...doc.matchAll(/^## `([a-z-]+)`/gm)].map((m) => m[1]);
    expect(sections).toEqual([...VERDICTS]);
  });
  it('documents exactly the reason codes, each under its verdict, with its sentence', () => {
    const found: string[] = [];
    let verdict = '';
    for (const line of doc.split('\n')) {
      const v = /^## `([a-z-]+)`/.exec(line);
      if (v) verdict = v[1]!;
      const r = /^### `([a-z-]+)`/.exec(line);
      if (r) {
        found.push(r[1]!);
        expect(REASONS[r[1] as keyof typeof REASONS]?.verdict, r[1]).toBe(verdict);
      }
    }
    expect(found).toEqual([...REASON_CODES]);
    for (const code of REASON_CODES) {
      expect(doc, code).toContain(REASONS[code].template);
      expect(doc, code).toContain(REASONS[code].meaning);
    }
  });
  it('reasonText fills placeholders and leaves unknown ones visible', () => {
    expect(reasonText('no-rule', { proto: 'tcp', port: 9 })).toBe('no rule for tcp/9 between these hosts');
    expect(reasonText('allowed', {})).toContain('{name}');
  });
});
