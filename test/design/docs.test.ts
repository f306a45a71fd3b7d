import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolveDesign } from '../../src/design/resolve.js';
import { renderDesign } from '../../src/design/render.js';
import { RULES } from '../../src/design/rules.js';
import { designedConnections } from '../../src/design/connections.js';

const DOC = fileURLToPath(new URL('../../docs/design.md', import.meta.url));

function seedTable(): string {
  const groups = new Map<string, { text: string; ids: string[] }>();
  for (const r of RULES) {
    const key = `${r.seed.table}#${r.seed.row}`;
    const g = groups.get(key) ?? { text: r.seed.text, ids: [] };
    g.ids.push(r.id);
    groups.set(key, g);
  }
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return ['| seed row | text | rules |', '|---|---|---|',
    ...[...groups].map(([k, g]) => `| ${k} | ${esc(g.text)} | ${g.ids.join(', ')} |`)].join('\n') + '\n';
}

function section(doc: string, name: string, body: string): string {
  const re = new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  return doc.replace(re, `$1${body}$2`);
}

function connectionTable(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return ['| connection | rules | seed rows |', '|---|---|---|',
    ...designedConnections(resolveDesign(null)).map((c) => `| ${esc(c.id)} | ${c.rules.join(', ')} | ${c.seed.map((x) => `${x.table}#${x.row}`).join(', ')} |`)].join('\n') + '\n';
}

describe('docs/design.md', () => {
  it('carries the generated rule and seed tables', () => {
    const doc = readFileSync(DOC, 'utf8');
    const want = section(section(section(doc, 'rules', renderDesign(resolveDesign(null), 'markdown')), 'seed', seedTable()),
      'connections', connectionTable());
    if (process.env.WFO_UPDATE_DOCS === '1') writeFileSync(DOC, want);
    expect(readFileSync(DOC, 'utf8')).toBe(want);
    for (const r of RULES) expect(want).toContain(`| ${r.id} |`);
    // Every rule is in exactly one connection of the table.
    const conns = designedConnections(resolveDesign(null));
    expect(conns.flatMap((c) => c.rules).sort()).toEqual(RULES.filter((r) => r.ports.length > 0).map((r) => r.id).sort());
  });
});
