#!/usr/bin/env node
// Shim into dist/, which `npm run build` makes (`npm ci` runs it through `prepare`).
import { existsSync } from 'node:fs';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('wfo-audit: not built yet: run `npm run build` in the wfo-audit directory first\n');
  process.exitCode = 2;
} else {
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
}
