/** docs/protocols.md is checked against the identifier table, so the two cannot drift apart. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { IDENTIFIERS, USUAL_PORTS } from '../../../src/decode/app/index.js';

const doc = readFileSync(new URL('../../../docs/protocols.md', import.meta.url), 'utf8');

describe('docs/protocols.md', () => {
  it('has a section for every app value and for unknown', () => {
    for (const { app } of IDENTIFIERS) expect(doc).toContain(`### \`${app}\``);
    expect(doc).toContain('### `unknown`');
  });

  it('lists the usual ports exactly as USUAL_PORTS', () => {
    for (const [app, ports] of Object.entries(USUAL_PORTS)) {
      expect(doc).toContain(`| \`${app}\` | ${ports.join(', ')} |`);
    }
  });

  it('states the tie-break order of IDENTIFIERS', () => {
    const order = IDENTIFIERS.map((e) => e.app).join(', ');
    expect(doc.replace(/\s+/g, ' ')).toContain(`\`${order}\``.replace(/\s+/g, ' '));
  });

  it('links to the per-rule expectations in docs/design.md', () => {
    expect(doc).toContain('(design.md#expected-application-protocol-per-rule)');
  });
});
