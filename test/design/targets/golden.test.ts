/**
 * Every target on every site fixture against golden files in fixtures/golden/rules/
 * (issue 18). Run with UPDATE_GOLDEN=1 to rewrite them after an intended change, then
 * review the diff. The Windows, netsh, ASA and Palo Alto goldens are the only check
 * of those targets short of a vendor's device: read their diffs with the syntax
 * reference in docs/firewall-rules.md at hand.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../../src/design/targets/index.js';
import { CASES, designOf } from './cases.js';

const goldenDir = new URL('../../../fixtures/golden/rules/', import.meta.url);
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden firewall rules', () => {
  for (const c of CASES) {
    it(`${c.file}: --target ${c.target} ${c.flags.join(' ')}`, () => {
      const text = TARGETS[c.target](designOf(c.site), c.options);
      const file = new URL(c.file, goldenDir);
      if (update) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(file, text);
      }
      expect(existsSync(file), `missing golden fixtures/golden/rules/${c.file}: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(file, 'utf8'));
    });
  }
});
