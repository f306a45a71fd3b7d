import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'ui' && dir === SRC.replace(/\/$/, '') ? [] : sources(p);
    return /\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('loading the dashboard', () => {
  it('nothing outside src/ui imports it statically (Ink costs ~2 s to load)', () => {
    const files = sources(SRC.replace(/\/$/, ''));
    expect(files.length).toBeGreaterThan(0);
    const offenders = files.filter((f) => /^\s*(import|export)\b[^;]*?from\s+['"][^'"]*\/ui\//m.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
  it('nothing outside src/ui imports ink or react', () => {
    const files = sources(SRC.replace(/\/$/, ''));
    const offenders = files.filter((f) => /from\s+['"](ink|react)(\/[^'"]*)?['"]/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
