/**
 * `wfo-audit rules` and `design --format csv` through the built CLI: output to
 * stdout and to --out, the same text as the goldens, and one-line usage errors with
 * exit code 2 (issue 18).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { oneLineError, runCli } from '../support/cli.js';

const golden = (name: string) => readFileSync(new URL(`../../fixtures/golden/rules/${name}`, import.meta.url), 'utf8');

describe('wfo-audit rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-rules-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the target to stdout, the same text as the golden file', () => {
    const r = runCli(['rules', '--site', 'fixtures/demo/site.yaml', '--target', 'nftables']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden('demo.nft'));
  });

  it('writes to --out and nothing to stdout; target options reach the renderer', () => {
    const out = join(dir, 'wfo.ps1');
    const r = runCli(['rules', '--site', 'fixtures/sites/dual-stack.yaml', '--target', 'windows-firewall', '--host', '2001:db8:10::10', '--out', out]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(readFileSync(out, 'utf8')).toBe(golden('dual-stack-host.ps1'));
  });

  it('design --format csv prints the same CSV as rules --target csv', () => {
    const a = runCli(['design', '--site', 'fixtures/sites/hybrid.yaml', '--format', 'csv']);
    const b = runCli(['rules', '--site', 'fixtures/sites/hybrid.yaml', '--target', 'csv']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toBe(golden('hybrid.csv'));
  });

  const ERRORS: readonly [string, string[], RegExp][] = [
    ['an unknown target', ['--target', 'pf'], /^wfo-audit: --target: "pf" is not valid \(allowed: nftables, iptables/],
    ['no target', [], /required option '-t, --target <target>' not specified/],
    ['an option of another target', ['--target', 'cisco-asa', '--enforce'], /^wfo-audit: --enforce: not an option of --target cisco-asa \(it takes --asa-interface\)$/],
    ['a bad chain', ['--target', 'nftables', '--chain', 'output'], /--chain: "output" is not one of: input, forward/],
    ['a --host that is not a WFO server', ['--target', 'netsh', '--host', '10.10.0.20'], /^wfo-audit: --host: 10\.10\.0\.20 is not a WFO server of the site \(wfo-servers and pins: 10\.10\.0\.10, 10\.10\.0\.11\)$/],
    ['a --host that is not an address', ['--target', 'windows-firewall', '--host', 'srv01'], /^wfo-audit: --host: "srv01" is not an IPv4 address or CIDR$/],
    ['an interface name with spaces', ['--target', 'cisco-asa', '--asa-interface', 'in side'], /--asa-interface: "in side" is not a name/],
    ['a zone name too long', ['--target', 'paloalto', '--pan-from', 'z'.repeat(40)], /--pan-from: "z+" is not a name .*at most 31 characters/],
  ];
  for (const [what, args, message] of ERRORS) {
    it(`${what}: one line, exit 2`, () => {
      const r = runCli(['rules', '--site', 'fixtures/demo/site.yaml', ...args]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(oneLineError(r)).toMatch(message);
    });
  }

  it('no site, a missing site file and a bad one: one line, exit 2', () => {
    const none = runCli(['rules', '--target', 'csv']);
    expect(none.code).toBe(2);
    expect(oneLineError(none)).toMatch(/required option '-s, --site <file>'/);
    const missing = runCli(['rules', '--site', join(dir, 'nope.yaml'), '--target', 'csv']);
    expect(missing.code).toBe(2);
    expect(oneLineError(missing)).toContain('nope.yaml');
    const bad = runCli(['rules', '--site', 'fixtures/sites/bad/bad-mode.yaml', '--target', 'nftables']);
    expect(bad.code).toBe(2);
    expect(oneLineError(bad)).toMatch(/^wfo-audit: fixtures\/sites\/bad\/bad-mode\.yaml:\d+:\d+: mode: /);
  });

  it('an --out in a directory that does not exist: one line, exit 2', () => {
    const r = runCli(['rules', '--site', 'fixtures/demo/site.yaml', '--target', 'csv', '--out', join(dir, 'no', 'such', 'x.csv')]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/cannot write .*x\.csv: no such directory/);
  });
});
