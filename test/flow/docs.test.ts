import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLOW_ENDS, FLOW_OUTCOMES } from '../../src/flow/types.js';

const doc = readFileSync(new URL('../../docs/flows.md', import.meta.url), 'utf8');

describe('docs/flows.md', () => {
  for (const o of FLOW_OUTCOMES) {
    it(`documents outcome ${o} in a table row`, () => {
      expect(doc).toContain(`| \`${o}\` |`);
    });
  }
  for (const e of FLOW_ENDS) {
    it(`documents end ${e} in a table row`, () => {
      expect(doc).toContain(`| \`${e}\` |`);
    });
  }
});
