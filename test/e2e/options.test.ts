/**
 * Options that refuse nonsense: one line naming the option, the value and what is
 * allowed, in the same words for every option, and exit 2 before anything is read.
 */
import { describe, expect, it } from 'vitest';
import { oneLineError, runCli } from '../support/cli.js';

const DEMO = 'fixtures/demo/demo.pcap';
const VERDICT_LIST = 'none, or a comma-separated list of expected, blocked, wrong-direction, unexpected, inconclusive, ignored, protocol-mismatch';

/** Runs the CLI and returns its one error line, after checking the exit code is 2 and stdout is empty. */
function refused(args: string[]): string {
  const r = runCli(args);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  return oneLineError(r);
}

describe('audit options out of range', () => {
  it('--tcp-timeout 0', () => {
    expect(refused(['audit', '--tcp-timeout', '0', DEMO])).toBe('wfo-audit: --tcp-timeout: "0" is not valid (allowed: seconds > 0)');
  });
  it('--udp-timeout 0', () => {
    expect(refused(['audit', '--udp-timeout', '0', DEMO])).toBe('wfo-audit: --udp-timeout: "0" is not valid (allowed: seconds > 0)');
  });
  it('--max-flows 0', () => {
    expect(refused(['audit', '--max-flows', '0', DEMO])).toBe('wfo-audit: --max-flows: "0" is not valid (allowed: a whole number >= 1)');
  });
  it('--max-flows negative, in the same words as 0', () => {
    expect(refused(['audit', '--max-flows=-5', DEMO])).toBe('wfo-audit: --max-flows: "-5" is not valid (allowed: a whole number >= 1)');
  });
  it('--max-flows not a whole number', () => {
    expect(refused(['audit', '--max-flows', '2.5', DEMO])).toBe('wfo-audit: --max-flows: "2.5" is not valid (allowed: a whole number >= 1)');
  });
  it('--syn-grace negative', () => {
    expect(refused(['audit', '--syn-grace=-1', DEMO]))
      .toBe('wfo-audit: --syn-grace: "-1" is not valid (allowed: seconds >= 0 and below --tcp-timeout 300)');
  });
  it('--syn-grace not below --tcp-timeout', () => {
    expect(refused(['audit', '--tcp-timeout', '20', '--syn-grace', '20', DEMO]))
      .toBe('wfo-audit: --syn-grace: "20" is not valid (allowed: seconds >= 0 and below --tcp-timeout 20)');
  });
  it("--fail-on ''", () => {
    expect(refused(['audit', '--fail-on', '', DEMO])).toBe(`wfo-audit: --fail-on: "" is not valid (allowed: ${VERDICT_LIST})`);
  });
  it('--fail-on none,blocked (contradictory)', () => {
    expect(refused(['audit', '--fail-on', 'none,blocked', DEMO])).toBe(`wfo-audit: --fail-on: "none,blocked" is not valid (allowed: ${VERDICT_LIST})`);
  });
  it('--fail-on input-error is no longer accepted (input errors always exit 2)', () => {
    expect(refused(['audit', '--fail-on', 'input-error', DEMO])).toBe(`wfo-audit: --fail-on: "input-error" is not valid (allowed: ${VERDICT_LIST})`);
  });
});

describe('live options out of range (refused before any capture is opened)', () => {
  it('--duration 0', () => {
    expect(refused(['live', '-i', 'lo', '--duration', '0'])).toBe('wfo-audit: --duration: "0" is not valid (allowed: seconds > 0)');
  });
  it('--buffer-size 0 and 2048', () => {
    for (const v of ['0', '2048']) {
      expect(refused(['live', '-i', 'lo', '--buffer-size', v])).toBe(`wfo-audit: --buffer-size: "${v}" is not valid (allowed: whole MiB from 1 to 2047)`);
    }
  });
  it('--fail-on none,blocked in the same words as audit', () => {
    expect(refused(['live', '-i', 'lo', '--fail-on', 'none,blocked'])).toBe(`wfo-audit: --fail-on: "none,blocked" is not valid (allowed: ${VERDICT_LIST})`);
  });
});

describe('the verdict list', () => {
  it('--fail-on accepts inconclusive, which is not in the default', () => {
    const withIt = runCli(['audit', '--fail-on', 'inconclusive', '--format', 'json', DEMO]);
    expect([0, 1]).toContain(withIt.code);
    const summary = (JSON.parse(withIt.stdout) as { summary: Record<string, number> }).summary;
    expect(withIt.code).toBe(summary.inconclusive! > 0 ? 1 : 0);
    const help = runCli(['audit', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('inconclusive');
    expect(help).toContain('(default: "blocked,wrong-direction,unexpected")');
    expect(help).not.toContain('input-error');
  });
});

describe('choice options', () => {
  it('--format outside its choices, in the same words (commander checks it)', () => {
    expect(refused(['audit', '--format', 'xml', DEMO])).toBe('wfo-audit: --format: "xml" is not valid (allowed: table, json, ndjson, markdown, html)');
  });
  it('--engine outside its choices', () => {
    expect(refused(['live', '-i', 'lo', '--engine', 'pf_ring'])).toBe('wfo-audit: --engine: "pf_ring" is not valid (allowed: cap, tcpdump)');
  });
  it('--coverage in the same words', () => {
    expect(refused(['audit', '--coverage', 'everything', DEMO])).toBe('wfo-audit: --coverage: "everything" is not valid (allowed: connections, rules)');
  });
});
