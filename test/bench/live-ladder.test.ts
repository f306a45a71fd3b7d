import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LADDER_HEADER } from '../../src/bench/live-ladder.js';
import { needsRoot, requireTools } from '../support/requires.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const built = fileURLToPath(new URL('../../dist/bench/live-ladder.js', import.meta.url));

// A smoke test only: the ladder must run and print its table. Loss and speed are measured by
// `npm run bench:live`, never asserted. It replays 500 generated packets onto lo (and only lo).
describe.runIf(requireTools('tcpreplay', ['tcpreplay']) && requireTools('tcpdump', ['tcpdump']) && needsRoot())('npm run bench:live (smoke)', () => {
  it('replays a tiny loopback capture at one low rate and prints a wfo-audit row and a tcpdump row', () => {
    expect(existsSync(built), 'run `npm run build` first (npm test does)').toBe(true);
    const r = spawnSync(process.execPath, [built, '--packets', '500', '--rates', '1000', '--seconds', '1', '--tail', '1'],
      { cwd: root, encoding: 'utf8', timeout: 150_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(LADDER_HEADER);
    // rate asked, achieved, tool, packets sent (> 0), seen
    const row = (tool: string): RegExp => new RegExp(`^\\s+1,000\\s+[\\d,]+\\s+${tool}\\s+([\\d,]+)\\s+[\\d,]+\\s`, 'm');
    for (const tool of ['wfo-audit \\(cap\\)', 'wfo-audit \\(tcpdump engine\\)', 'tcpdump -w /dev/null']) {
      const m = row(tool).exec(r.stdout);
      expect(m, `${tool} row in:\n${r.stdout}`).not.toBeNull();
      expect(Number(m![1]!.replace(/,/g, ''))).toBeGreaterThan(0);
    }
  }, 160_000);
});
