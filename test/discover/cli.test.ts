/**
 * `wfo-audit discover` as a user runs it (the built CLI): help with examples, a draft on
 * stdout or in --out that check-site accepts, one-line errors with exit code 2.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneLineError, runCli } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'wfo-discover-cli-'));

describe('wfo-audit discover', () => {
  it('--help explains the command with examples', () => {
    const r = runCli(['discover', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('wfo-audit discover');
    expect(r.stdout).toMatch(/CHECK/);
    expect(runCli(['--help']).stdout).toContain('discover');
  });

  it('writes a draft to stdout that check-site accepts', () => {
    const out = join(tmp, 'stdout.yaml');
    const r = runCli(['discover', 'fixtures/demo/demo.pcap']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^mode: (premises|hybrid)/m);
    expect(r.stdout).toContain('10.10.0.10');
    const o = runCli(['discover', '--out', out, 'fixtures/demo/demo.pcap']);
    expect(o.code).toBe(0);
    expect(o.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
    // docs/site-file.md shows this very draft ("What a draft looks like")
    expect(readFileSync('docs/site-file.md', 'utf8')).toContain(`\`\`\`yaml\n${r.stdout}\`\`\``);
    const c = runCli(['check-site', out]);
    expect(c.code).toBe(0);
    expect(c.stdout).toContain('OK');
    expect(c.stderr).not.toMatch(/overlap|in two roles|twice/i);
  });

  it('reads a capture from stdin (-) like audit', () => {
    const file = runCli(['discover', 'fixtures/captures/wfo/wfm-v2.pcap']);
    const piped = runCli(['discover', '-'], { input: readFileSync('fixtures/captures/wfo/wfm-v2.pcap') });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^mode: wfm-v2/m);
    // the same draft but for the input named in the header
    expect(piped.stdout.split('\n').slice(2)).toEqual(file.stdout.split('\n').slice(2));
  });

  it('the same capture gives the same draft (time from the data)', () => {
    const a = runCli(['discover', 'fixtures/captures/wfo/premises.pcap']);
    const b = runCli(['discover', 'fixtures/captures/wfo/premises.pcap'], { env: { ...process.env, TZ: 'Asia/Tokyo', NO_COLOR: '1' } });
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('2026-01-15 08:30:00');
  });

  it('a missing input is one line and exit 2, with no draft', () => {
    const r = runCli(['discover', join(tmp, 'nope.pcap')]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/nope\.pcap.*no such file/);
    expect(r.stdout).toBe('');
  });

  it('no input at all is a usage error', () => {
    const r = runCli(['discover']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/missing required argument/);
  });
});
