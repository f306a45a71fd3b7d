import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { oneLineError, runCli } from '../support/cli.js';
import { needsRoot } from '../support/requires.js';

const tmp = mkdtempSync(join(tmpdir(), 'wfo-audit-e2e-'));
const root = needsRoot();

describe('every error a user can cause is one line with a documented exit code', () => {
  it('missing capture file', () => {
    const r = runCli(['audit', join(tmp, 'nope.pcap')]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/nope\.pcap.*(no such file|not found)/i);
  });

  it('unreadable capture (a directory)', () => {
    const d = join(tmp, 'dir.pcap');
    mkdirSync(d, { recursive: true });
    const r = runCli(['audit', d]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain('dir.pcap');
  });

  it('not a capture: names the file and the bytes found', () => {
    const f = join(tmp, 'notes.txt');
    writeFileSync(f, 'hello world, not a capture\n');
    const r = runCli(['audit', f]);
    expect(r.code).toBe(2);
    const line = oneLineError(r);
    expect(line).toContain('notes.txt');
    expect(line).toMatch(/68 65 6c 6c/);
    // nothing could be read: no empty report, only the error
    expect(r.stdout).toBe('');
  });

  it('bad site file: file, line:col and key path', () => {
    const f = join(tmp, 'site.yaml');
    writeFileSync(f, 'mode: premises\nhosts:\n  wfo-servers: [10.10.0.300]\n');
    const r = runCli(['check-site', f]);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/site\.yaml:3:\d+: hosts\.wfo-servers/);
  });

  it('check-site: allow: ports, ranges and proto any are accepted and shown; each wrong form is one line with file, line:col and key path', () => {
    const ok = runCli(['check-site', 'fixtures/sites/domain.yaml']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('  dc-tcp: tcp/53,88,135,389,445,464,636,3268,3269,49152-65535 to ');
    expect(ok.stdout).toContain('  jump-host: any to 10.10.0.10, 10.10.0.11 from 10.10.0.99');
    const bad: [string, RegExp][] = [
      ['{ name: a, proto: tcp, ports: [135, "65535-49152"] }', /site\.yaml:4:\d+: allow\[0\]\.ports\[1\]: the range "65535-49152" runs backwards/],
      ['{ name: a, proto: tcp, port: 0-10 }', /site\.yaml:4:\d+: allow\[0\]\.port: port 0 is out of range 1\.\.65535/],
      ['{ name: a, proto: any, port: 53, to: [10.0.0.2] }', /site\.yaml:4:\d+: allow\[0\]\.port: a proto any allow entry takes no port/],
      ['{ name: a, proto: any }', /site\.yaml:4:\d+: allow\[0\]\.proto: a proto any allow entry needs to: or from:/],
      ['{ name: a, proto: tcp, port: 1, ports: [2] }', /site\.yaml:4:\d+: allow\[0\]\.ports: give port or ports, not both/],
    ];
    for (const [entry, want] of bad) {
      const f = join(tmp, 'site.yaml');
      writeFileSync(f, `mode: premises\nhosts: { wfo-servers: [10.0.0.1] }\nallow:\n  - ${entry}\n`);
      const r = runCli(['check-site', f]);
      expect(r.code, entry).toBe(2);
      expect(oneLineError(r), entry).toMatch(want);
    }
  });

  it('broken YAML', () => {
    const f = join(tmp, 'broken.yaml');
    writeFileSync(f, 'mode: [premises\nhosts: {\n');
    const r = runCli(['audit', '--site', f, 'fixtures/demo/demo.pcap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toContain('broken.yaml');
  });

  it('unknown option', () => {
    const r = runCli(['audit', '--bogus', 'x.pcap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/unknown option '--bogus'/);
  });

  it('unknown command', () => {
    const r = runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/unknown command/);
  });

  it('bad --format value', () => {
    const r = runCli(['audit', '--format', 'xml', 'fixtures/demo/demo.pcap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/xml/);
  });

  it('bad --fail-on value', () => {
    const r = runCli(['audit', '--fail-on', 'blocked,oops', 'fixtures/demo/demo.pcap']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/^wfo-audit: --fail-on: "blocked,oops" is not valid \(allowed: none, or a comma-separated list of expected, /);
  });

  it.runIf(root)('unknown interface', () => {
    const r = runCli(['live', '-i', 'nosuchif0', '--duration', '1']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/nosuchif0/);
  });

  it.runIf(root)('bad BPF filter: libpcap\'s words', () => {
    const r = runCli(['live', '-i', 'lo', '--filter', 'tcp prt 80', '--duration', '1']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/filter/i);
  });

  it('no permission to capture: says how to fix it', () => {
    // as an unprivileged user: root drops to nobody, anyone else already is one
    const r = runCli(['live', '-i', 'lo', '--duration', '1'], root ? { uid: 65534, gid: 65534 } : {});
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/root|setcap|cap_net_raw/);
  });

  it('--help and --version exit 0', () => {
    const h = runCli(['audit', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Examples:');
    expect(h.stdout).toContain('Exit codes:');
    const v = runCli(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
