/**
 * A small reader of the seed's port tables (wfo-environment-requirements.txt),
 * independent of src/design/rules.ts so that the test can hold the rules to the seed.
 * Tables are flattened: a header (`Port |` or `Process |` ... ) ends at a `---|` line;
 * cells end with `|`; a row is a port cell (digits or "xxx") followed by a transport cell.
 */
import { readFileSync } from 'node:fs';
import { SEED_FILE } from '../support/requires.js';

export const SEED_PATH = SEED_FILE;

export interface SeedRow { table: number; row: number; port: string; transport: string; text: string }

const TRANSPORT = /^(TCP|UDP|HTTP|HTTPS|UDP\/TCP|\?)$/;
const PORT = /^(\d+|xxx)$/;

export function readSeedRows(): { tables: number; rows: SeedRow[] } {
  const lines = readFileSync(SEED_PATH, 'utf8').split('\n');
  const rows: SeedRow[] = [];
  let tables = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!.trim();
    if (!/^(Port|Process) \|/.test(line) && !/^(Port|Process) \|$/.test(line)) { i++; continue; }
    const header: string[] = [];
    while (i < lines.length && !lines[i]!.startsWith('---')) {
      header.push(...lines[i]!.split('|').map((c) => c.trim()).filter((c) => c !== ''));
      i++;
    }
    i++;
    if (!header.includes('Port')) continue;
    const withDir = header.includes('Direction');
    const cells: string[] = [];
    while (i < lines.length && lines[i]!.includes('|')) {
      const parts = lines[i]!.split('|').map((c) => c.trim());
      parts.pop(); // text after the last "|" (the cell terminator)
      cells.push(...parts);
      i++;
    }
    tables++;
    const width = withDir ? 4 : 3;
    let process = '';
    let lastEnd = -1;
    let n = 0;
    for (let k = 0; k + 1 < cells.length; k++) {
      if (!PORT.test(cells[k]!) || !TRANSPORT.test(cells[k + 1]!)) continue;
      if (k - 1 > lastEnd && cells[k - 1]) process = cells[k - 1]!;
      const row = cells.slice(k, k + width);
      lastEnd = k + width - 1;
      n++;
      rows.push({ table: tables, row: n, port: row[0]!, transport: row[1]!, text: (withDir ? [process, ...row] : row).join(' | ') });
      k = lastEnd;
    }
  }
  return { tables, rows };
}
