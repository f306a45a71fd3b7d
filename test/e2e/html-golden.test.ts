/**
 * `--format html` on every golden scenario and the demo (issue 16): byte-stable pages
 * in fixtures/golden/html/ (UPDATE_GOLDEN=1 rewrites them; review the diff), every keyed
 * number equal to the same run's JSON report, the result line's exit code equal to the
 * CLI's, and a capture, site file and allow entry named with markup and control
 * characters rendered as text; `live --format html` on lo (root, tcpdump) writes a page too.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/report/types.js';
import { esc } from '../../src/report/html/escape.js';
import { disagreements, keyedNumbers } from '../report/html-keys.js';
import { BIN, ROOT, runCli } from '../support/cli.js';
import { isRoot, requires, requireTools } from '../support/requires.js';

const goldenDir = new URL('../../fixtures/golden/html/', import.meta.url);
const update = process.env.UPDATE_GOLDEN === '1';

/** The scenarios of test/e2e/golden.test.ts: capture, site file (or none). */
const CASES: readonly { name: string; capture: string; site: string | null }[] = [
  { name: 'premises', capture: 'fixtures/captures/wfo/premises.pcap', site: 'fixtures/sites/premises-all.yaml' },
  { name: 'hybrid', capture: 'fixtures/captures/wfo/hybrid.pcap', site: 'fixtures/sites/hybrid.yaml' },
  { name: 'wfm-v2', capture: 'fixtures/captures/wfo/wfm-v2.pcap', site: 'fixtures/sites/wfm-v2.yaml' },
  { name: 'reasons', capture: 'fixtures/captures/wfo/reasons.pcap', site: 'fixtures/sites/reasons.yaml' },
  { name: 'demo', capture: 'fixtures/demo/demo.pcap', site: 'fixtures/demo/site.yaml' },
  { name: 'premises-no-site', capture: 'fixtures/captures/wfo/premises.pcap', site: null },
];

function audit(format: string, c: { capture: string; site: string | null }, extra: string[] = []) {
  return runCli(['audit', ...(c.site === null ? [] : ['--site', c.site]), '--format', format, ...extra, c.capture]);
}

/** The trust and connection scenarios of test/e2e/trust.test.ts (goldens in fixtures/golden/html/trust/). */
const TRUST_SITE = 'fixtures/sites/trust.yaml';
const trust = (n: string) => `fixtures/captures/${n}.pcap`;
const TRUST_CASES: readonly { name: string; args: string[] }[] = [
  ...['port-reuse-after-drop', 'syn-rst-same-isn', 'syn-retried-at-end', 'syn-single-at-end', 'firewall-drops', 'header-only',
    'all-unsupported-linktype', 'snap-40', 'icmp-quote-ipv6-snap60', 'icmp-quote-ambiguous-snap60', 'wrong-direction-only', 'scan-5633']
    .map((n) => ({ name: n, args: ['--site', TRUST_SITE, trust(`trust/${n}`)] })),
  { name: 'header-only-fail-on-none', args: ['--site', TRUST_SITE, '--fail-on', 'none', trust('trust/header-only')] },
  { name: 'hosts-absent', args: ['--site', 'fixtures/sites/absent.yaml', trust('wfo/premises')] },
  ...['three-sql', 'pcs-refused-5633', 'duplicate-frames'].map((n) => ({ name: n, args: ['--site', TRUST_SITE, trust(`connections/${n}`)] })),
  { name: 'overlap-site', args: ['--site', 'fixtures/sites/overlap.yaml', trust('connections/three-sql')] },
  { name: 'duplicate-input', args: ['--site', TRUST_SITE, trust('connections/three-sql'), trust('connections/three-sql')] },
];

describe('golden HTML reports', () => {
  for (const c of CASES) {
    it(`${c.name}.html: byte-stable, numbers equal to the JSON report, exit code as stated`, () => {
      const page = audit('html', c);
      expect(page.stderr).toBe('');
      const file = new URL(`${c.name}.html`, goldenDir);
      if (update) {
        mkdirSync(goldenDir, { recursive: true });
        writeFileSync(file, page.stdout);
      }
      expect(existsSync(file), `missing golden fixtures/golden/html/${c.name}.html: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(page.stdout).toBe(readFileSync(file, 'utf8'));
      const stated = /data-exit-code="(\d)"/.exec(page.stdout);
      expect(stated?.[1]).toBe(String(page.code));
      const doc = JSON.parse(audit('json', c).stdout) as AuditReport;
      const keys = keyedNumbers(page.stdout);
      expect(keys.length).toBeGreaterThan(40);
      expect(disagreements(doc, keys)).toEqual([]);
    });
  }

  for (const c of TRUST_CASES) {
    it(`trust/${c.name}.html: byte-stable, numbers equal to the JSON report, exit code as stated`, () => {
      const page = runCli(['audit', ...c.args, '--format', 'html']);
      const file = new URL(`trust/${c.name}.html`, goldenDir);
      if (update) {
        mkdirSync(new URL('trust/', goldenDir), { recursive: true });
        writeFileSync(file, page.stdout);
      }
      expect(existsSync(file), `missing golden fixtures/golden/html/trust/${c.name}.html: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(page.stdout).toBe(readFileSync(file, 'utf8'));
      expect(/data-exit-code="(\d)"/.exec(page.stdout)?.[1]).toBe(String(page.code));
      const doc = JSON.parse(runCli(['audit', ...c.args, '--format', 'json'], { maxBuffer: 256 << 20 }).stdout) as AuditReport;
      expect(disagreements(doc, keyedNumbers(page.stdout))).toEqual([]);
    });
  }

  it('--fail-on none: exit 0, and the page says so', () => {
    const c = CASES.find((x) => x.name === 'demo')!;
    const page = audit('html', c, ['--fail-on', 'none']);
    expect(page.code).toBe(0);
    const file = new URL('demo-fail-on-none.html', goldenDir);
    if (update) writeFileSync(file, page.stdout);
    expect(page.stdout).toBe(readFileSync(file, 'utf8'));
    expect(page.stdout).toContain('data-exit-code="0"');
    expect(page.stdout).toContain('<code>--fail-on none</code>, so no finding fails the run');
  });
});

describe('HTML report of hostile names', () => {
  const EVIL = `<script>alert("x")</script><img src=x onerror=alert('y')>\u0007`;
  const dir = mkdtempSync(join(tmpdir(), 'wfo-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // A slash cannot be in a file name: the directory and file names use % for it.
  const name = EVIL.replace(/\//g, '%');
  const sub = join(dir, name);
  mkdirSync(sub);
  const capture = join(sub, `cap${name}.pcap`);
  copyFileSync(join(ROOT, 'fixtures/demo/demo.pcap'), capture);
  const site = join(sub, `site${name}.yaml`);
  const yamlName = JSON.stringify(EVIL); // a YAML double-quoted scalar
  writeFileSync(site, readFileSync(join(ROOT, 'fixtures/demo/site.yaml'), 'utf8')
    .replace(/^allow:\n/m, `allow:\n  - { name: ${yamlName}, proto: tcp, port: 2010 }\n  - { name: "x'\\"<b>", proto: tcp, port: 3389 }\n`));

  it('the capture name, the site path and the allow-entry names render as text', () => {
    const r = runCli(['audit', '--site', site, '--format', 'html', capture]);
    expect(r.stderr).toBe('');
    const page = r.stdout;
    const tags = page.match(/<[^>]*>/g)!.map((t) => t.replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /^<\/?(script|img)\b/i.test(t) || /\son\w+=/i.test(t))).toEqual([]);
    expect(page).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    expect(page).toContain(`<code>${esc(capture)}</code>`);
    expect(page).toContain(`<code>${esc(site)}</code>`);
    expect(page).toContain(`<code>${esc(EVIL)}</code>`);
    expect(page).toContain(`<code>${esc(`x'"<b>`)}</code>`);
    expect(esc(EVIL)).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(&#39;y&#39;)&gt;\\x07');
    const doc = JSON.parse(runCli(['audit', '--site', site, '--format', 'json', capture]).stdout) as AuditReport;
    expect(disagreements(doc, keyedNumbers(page))).toEqual([]);
  });
});

describe.runIf(requireTools('tcpdump', ['tcpdump']) && requires('root', isRoot(), 'run as root to capture on lo'))('live --format html', () => {
  it("writes the final report as a page whose stated exit code is the CLI's", async () => {
    // The test's own traffic only: 127.0.0.1 -> 127.0.0.81 on lo.
    const dst = '127.0.0.81';
    const port = 47131;
    const child = spawn(process.execPath, [BIN, 'live', '-i', 'lo', '--engine', 'tcpdump', '--no-dashboard', '--duration', '4',
      '--filter', `udp and host ${dst} and port ${port}`, '--format', 'html'], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString('utf8'); });
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const sender = setInterval(() => sock.send(Buffer.from('wfo-audit html live test'), port, dst), 100);
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    clearInterval(sender);
    sock.close();
    expect(stderr).toBe('');
    expect(stdout.startsWith('<!DOCTYPE html>\n')).toBe(true);
    expect(stdout.endsWith('</html>\n')).toBe(true);
    expect(stdout).toContain('<td><code>lo</code></td><td>live</td>');
    expect(/data-exit-code="(\d)"/.exec(stdout)?.[1]).toBe(String(code));
  }, 30_000);
});

describe('npm run demo', () => {
  it('says how to get the HTML report, and the command it gives writes the page', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const hint = /node bin\/wfo-audit\.js (audit [^\\']*--format html --out demo\.html [^\\']*)/.exec(pkg.scripts.demo!);
    expect(hint, 'the demo script names an --format html command').not.toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'wfo-html-demo-'));
    try {
      const out = join(dir, 'demo.html');
      const r = runCli(hint![1]!.trim().split(/\s+/).map((a) => (a === 'demo.html' ? out : a)));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(readFileSync(out, 'utf8')).toBe(readFileSync(new URL('demo-fail-on-none.html', goldenDir), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
