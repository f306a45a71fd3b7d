/**
 * Writes every scenario of src/synth/scenarios.ts under fixtures/ (run
 * `npm run build && node dist/synth/make-fixtures.js`). Deterministic: running it
 * twice gives identical bytes. Prints one line per file with its size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS, renderScenario } from './scenarios.js';

/** Writes all scenarios under `fixturesDir` and returns the paths written. */
export function writeFixtures(fixturesDir: string): string[] {
  const written: string[] = [];
  for (const s of SCENARIOS) {
    const file = join(fixturesDir, s.path);
    mkdirSync(dirname(file), { recursive: true });
    const bytes = renderScenario(s);
    writeFileSync(file, bytes);
    written.push(file);
    process.stdout.write(`${s.path}\t${bytes.length} bytes\n`);
  }
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  writeFixtures(process.argv[2] ?? join(root, 'fixtures'));
}
