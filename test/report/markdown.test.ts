import { describe, expect, it } from 'vitest';
import { markdown, mdText } from '../../src/report/markdown.js';
import { emptyReport, sampleReport } from './support.js';

/** Cells of a GFM table row, honouring backslash-escaped pipes. */
function cells(row: string): string[] {
  return row.slice(2, -2).split(/(?<!\\) \| /);
}

describe('markdown reporter', () => {
  it('has the sign-off document sections in order', () => {
    const text = markdown(sampleReport(), { color: false, all: false, width: 80 });
    const heads = text.split('\n').filter((l) => l.startsWith('#'));
    expect(heads.filter((h) => h.startsWith('## '))).toEqual([
      '## Inputs', '## Summary', '## Coverage of the design', '## Findings', '## Conflicts in the design', '## Sign-off',
    ]);
    expect(heads[0]).toBe('# WFO traffic audit');
    expect(text).toContain('- [ ] Every blocked finding');
    expect(text).not.toContain('\x1b');
  });

  it('keeps every table row the width of its header', () => {
    for (const all of [false, true]) {
      const rows = markdown(sampleReport(), { color: false, all, width: 80 }).split('\n');
      let n = -1;
      for (const row of rows) {
        if (!row.startsWith('| ')) { n = -1; continue; }
        if (n < 0) n = cells(row).length;
        else expect(cells(row)).toHaveLength(n);
      }
    }
  });

  it('lists all flows only when asked', () => {
    const r = sampleReport();
    expect(markdown(r, { color: false, all: false, width: 80 })).not.toContain('192.168.7.1');
    expect(markdown(r, { color: false, all: true, width: 80 })).toContain('## All flows (13)');
  });

  it('escapes text that markdown would interpret', () => {
    expect(mdText('a|b *c* _d_ `e` <f> [g] \\')).toBe('a\\|b \\*c\\* \\_d\\_ \\`e\\` \\<f\\> \\[g\\] \\\\');
    expect(mdText('two\nlines')).toBe('two lines');
    const r = { ...sampleReport(), conflicts: [{ kind: 'port', message: 'a | b' }] };
    expect(markdown(r, { color: false, all: false, width: 80 })).toContain('- **port:** a \\| b');
  });

  it('renders an empty report', () => {
    const text = markdown(emptyReport(), { color: false, all: false, width: 80 });
    expect(text).toContain('None, but no flow could be judged: this proves nothing');
    expect(text).toContain('Nothing here can be signed off');
    expect(text).toContain('**Duration:** no packets');
  });
});
