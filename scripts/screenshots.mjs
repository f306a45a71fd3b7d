#!/usr/bin/env node
// Screenshots of the demo's HTML report for docs/signoff.md (`npm run screenshots`):
// runs the built CLI on the demo, opens the page in Debian's chromium (headless, every
// request but the file:// page itself refused) and writes docs/img/signoff-*.png.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = new URL('..', import.meta.url).pathname;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'wfo-shots-'));
const page = join(dir, 'demo.html');
const run = spawnSync(process.execPath, [join(root, 'bin/wfo-audit.js'), 'audit', '--site', 'fixtures/demo/site.yaml',
  '--format', 'html', '--out', page, 'fixtures/demo/demo.pcap'], { cwd: root, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
if (run.status !== 1 || run.stderr !== '') {
  process.stderr.write(`screenshots: the demo audit exited ${run.status}: ${run.stderr}\n`);
  process.exit(2);
}
const args = ['--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-default-apps', '--disable-sync', '--no-first-run', '--font-render-hinting=none'];
if (process.getuid?.() === 0) args.push('--no-sandbox');
let browser;
try {
  browser = await chromium.launch({ executablePath: chromiumPath, args });
} catch (e) {
  process.stderr.write(`screenshots: cannot start ${chromiumPath} (apt-get install chromium, or set CHROMIUM): ${String(e.message).split('\n')[0]}\n`);
  rmSync(dir, { recursive: true, force: true });
  process.exit(2);
}
try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
  const url = pathToFileURL(page).href;
  await ctx.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  const p = await ctx.newPage();
  await p.goto(url);
  const out = join(root, 'docs/img');
  mkdirSync(out, { recursive: true });
  const shots = [['header', 'header'], ['map', '#map'], ['timeline', '#timeline'], ['findings', '#findings']];
  for (const [name, sel] of shots) {
    await p.locator(sel).screenshot({ path: join(out, `signoff-${name}.png`) });
    process.stdout.write(`docs/img/signoff-${name}.png\n`);
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
