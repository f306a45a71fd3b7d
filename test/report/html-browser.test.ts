/**
 * The HTML report in a real browser (issue 16): Debian's chromium, headless, driven by
 * playwright-core. Every request but the file:// page itself is refused (and counted),
 * so a page that fetched anything fails; so does a console error (a CSP violation is
 * one) or a dialog (a script that escaped). Every data-key number is compared with the
 * same run's JSON report with JavaScript on and off; the page prints to A4 with nothing
 * wider than the page; a 1280 px screenshot is written to test-results/html/ for people
 * to look at (never compared: fonts differ between machines).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/report/types.js';
import { isRoot, requireTools } from '../support/requires.js';
import { ROOT, runCli } from '../support/cli.js';
import { disagreements, type KeyedNumber } from './html-keys.js';

const haveChromium = requireTools('chromium', ['chromium']);

/** The page's printable width on A4 with the stylesheet's 12 mm margins, in CSS px (96 per inch). */
const A4_CONTENT_PX = Math.floor(((210 - 2 * 12) / 25.4) * 96);

/** A page written by the CLI, with the JSON report of the same run. */
interface Rendered {
  url: string;
  json: AuditReport;
}

/** What one visit of a page did besides showing it. */
interface Visit {
  page: Page;
  requests: string[];
  refused: string[];
  errors: string[];
  dialogs: string[];
}

describe.runIf(haveChromium)('the HTML report in chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'wfo-html-browser-'));
  const artifacts = join(ROOT, 'test-results/html');

  /** Runs the CLI for the html page (to a file) and the JSON report. */
  function render(name: string, args: string[]): Rendered {
    const file = join(dir, `${name}.html`);
    const h = runCli(['audit', ...args, '--format', 'html', '--out', file]);
    expect(h.stderr).toBe('');
    const j = runCli(['audit', ...args, '--format', 'json']);
    return { url: pathToFileURL(file).href, json: JSON.parse(j.stdout) as AuditReport };
  }

  beforeAll(async () => {
    const which = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).stdout.trim();
    const args = ['--disable-background-networking', '--disable-component-update', '--disable-default-apps',
      '--disable-sync', '--no-first-run', '--disable-gpu', '--metrics-recording-only', '--disable-features=Translate,MediaRouter',
      // Anything that still tries the network meets a closed port.
      '--proxy-server=127.0.0.1:9', '--proxy-bypass-list=<-loopback>'];
    if (isRoot()) args.push('--no-sandbox');
    browser = await chromium.launch({ executablePath: which, args, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens `url` with the network cut: only the navigation to the file itself is let through. */
  async function visit(url: string, javaScriptEnabled: boolean): Promise<Visit> {
    const ctx = await browser.newContext({ javaScriptEnabled, serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
    const v: Visit = { page: await ctx.newPage(), requests: [], refused: [], errors: [], dialogs: [] };
    await ctx.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      v.refused.push(u);
      return route.abort();
    });
    v.page.on('request', (r) => v.requests.push(r.url()));
    v.page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') v.errors.push(m.text()); });
    v.page.on('pageerror', (e) => v.errors.push(e.message));
    v.page.on('dialog', (d) => { v.dialogs.push(d.message()); void d.dismiss(); });
    await v.page.goto(url, { waitUntil: 'load' });
    return v;
  }

  /** Every keyed element as the browser sees it. */
  async function keyedOnPage(page: Page): Promise<KeyedNumber[]> {
    return page.locator('[data-key]').evaluateAll((els) => els.map((e) => {
      const b = e.closest('[data-start]');
      return {
        key: e.getAttribute('data-key')!, value: e.getAttribute('data-value'), text: e.textContent ?? '',
        start: b?.getAttribute('data-start') ?? null, end: b?.getAttribute('data-end') ?? null,
      };
    }));
  }

  const cases: [string, string[]][] = [
    ['demo', ['--site', 'fixtures/demo/site.yaml', 'fixtures/demo/demo.pcap']],
    ['reasons', ['--site', 'fixtures/sites/reasons.yaml', 'fixtures/captures/wfo/reasons.pcap']],
    ['premises-no-site', ['fixtures/captures/wfo/premises.pcap']],
  ];

  for (const [name, args] of cases) {
    for (const js of [true, false]) {
      it(`${name}, JavaScript ${js ? 'on' : 'off'}: no request but the page, no console error, every keyed number equals the JSON`, async () => {
        const r = render(name, args);
        const v = await visit(r.url, js);
        try {
          expect(v.requests).toEqual([r.url]);
          expect(v.refused).toEqual([]);
          expect(v.errors).toEqual([]);
          expect(v.dialogs).toEqual([]);
          const keys = await keyedOnPage(v.page);
          expect(keys.length).toBeGreaterThan(40);
          expect(disagreements(r.json, keys)).toEqual([]);
          // The map and the timeline are there and drawn (an SVG of some size).
          for (const sel of ['svg.map', 'svg.timeline']) {
            const box = await v.page.locator(sel).boundingBox();
            expect(box?.width ?? 0, sel).toBeGreaterThan(300);
          }
        } finally {
          await v.page.context().close();
        }
      });
    }
  }

  it('the checks are not vacuous: a page that tries to fetch is seen requesting and refused by its CSP', async () => {
    const r = render('doctored', cases[0]![1]);
    const file = new URL(r.url).pathname;
    writeFileSync(file, readFileSync(file, 'utf8').replace('<body>', '<body><img src="http://192.0.2.1/x.png">'));
    const v = await visit(r.url, false);
    try {
      expect(v.requests).toEqual([r.url, 'http://192.0.2.1/x.png']);
      expect(v.errors.some((e) => e.includes('Content Security Policy'))).toBe(true);
    } finally {
      await v.page.context().close();
    }
  });

  it('prints to A4 pages with nothing wider than the page, also with a 200-character unbreakable file name', async () => {
    // No hyphen or space in it: nothing but the stylesheet may break it.
    const long = join(dir, `${'verylongcapturename_'.repeat(10)}x.pcap`);
    copyFileSync(join(ROOT, 'fixtures/demo/demo.pcap'), long);
    await printCheck(render('demo-print', cases[0]![1]), 'demo-a4.pdf');
    await printCheck(render('long-name-print', ['--site', 'fixtures/demo/site.yaml', long]), null);
  });

  /** The page in print layout at A4's printable width: nothing wider; then the PDF's pages are A4. */
  async function printCheck(r: Rendered, artifact: string | null): Promise<void> {
    const v = await visit(r.url, true);
    try {
      await v.page.emulateMedia({ media: 'print' });
      await v.page.setViewportSize({ width: A4_CONTENT_PX, height: 1100 });
      const wide = await v.page.evaluate((limit) => {
        const out: string[] = [];
        if (document.documentElement.scrollWidth > limit) out.push(`document ${document.documentElement.scrollWidth}px`);
        for (const e of Array.from(document.body.querySelectorAll('*'))) {
          const box = e.getBoundingClientRect();
          if (box.width > 0 && box.right > limit + 0.5) out.push(`${e.tagName.toLowerCase()}.${e.getAttribute('class') ?? ''} right ${Math.round(box.right)}px`);
        }
        return out.slice(0, 10);
      }, A4_CONTENT_PX);
      expect(wide).toEqual([]);
      const pdf = await v.page.pdf({ format: 'A4' });
      const text = pdf.toString('latin1');
      expect(text.startsWith('%PDF-')).toBe(true);
      const boxes = [...text.matchAll(/\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2])]);
      const pages = (text.match(/\/Type\s*\/Page\b(?!s)/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(boxes.length).toBeGreaterThanOrEqual(1);
      // A4 is 210 x 297 mm = 595.3 x 841.9 pt (playwright's A4 is 8.27 x 11.7 in).
      for (const [w, h] of boxes) {
        expect(Math.abs(w! - 595.3)).toBeLessThan(2);
        expect(Math.abs(h! - 841.9)).toBeLessThan(2);
      }
      if (artifact) {
        mkdirSync(artifacts, { recursive: true });
        writeFileSync(join(artifacts, artifact), pdf);
      }
    } finally {
      await v.page.context().close();
    }
  }

  it('a 1280 px screenshot of the demo report is kept in test-results/html/', async () => {
    const r = render('demo-shot', cases[0]![1]);
    const v = await visit(r.url, false);
    try {
      mkdirSync(artifacts, { recursive: true });
      const file = join(artifacts, 'demo-1280.png');
      const png = await v.page.screenshot({ fullPage: true, path: file });
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(1280);
    } finally {
      await v.page.context().close();
    }
  });

  it('hostile capture, site and allow names: no dialog, no request, shown as text', async () => {
    const evil = `<script>alert("x")</script><img src=x onerror=alert('y')>`;
    const name = evil.replace(/\//g, '%');
    const sub = join(dir, name);
    mkdirSync(sub, { recursive: true });
    const capture = join(sub, `cap${name}.pcap`);
    copyFileSync(join(ROOT, 'fixtures/demo/demo.pcap'), capture);
    const site = join(sub, `site${name}.yaml`);
    writeFileSync(site, readFileSync(join(ROOT, 'fixtures/demo/site.yaml'), 'utf8')
      .replace(/^allow:\n/m, `allow:\n  - { name: ${JSON.stringify(evil)}, proto: tcp, port: 2010 }\n`));
    const r = render('hostile', ['--site', site, capture]);
    const v = await visit(r.url, true);
    try {
      expect(v.dialogs).toEqual([]);
      expect(v.requests).toEqual([r.url]);
      expect(v.errors).toEqual([]);
      expect(await v.page.locator('script, img, iframe, object, embed').count()).toBe(0);
      const text = await v.page.locator('body').innerText();
      expect(text).toContain(evil);
      expect(text).toContain(`cap${name}.pcap`);
    } finally {
      await v.page.context().close();
    }
  });
});
