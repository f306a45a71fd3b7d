/**
 * The real validators on the generated rules (issue 18): `nft -c -f` for every
 * nftables variant and `iptables-restore --test` / `ip6tables-restore --test` for
 * every iptables one, on every site fixture. Each runs in a fresh user and network
 * namespace (`unshare -rn`), so nothing on this machine's firewall is read or changed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../../../src/design/targets/index.js';
import { DEFAULT_TARGET_OPTIONS, type TargetOptions } from '../../../src/design/targets/options.js';
import { requireTools, requires } from '../../support/requires.js';
import { SITES, designOf } from './cases.js';

/** Can this process make a user + network namespace? (root, or unprivileged user namespaces enabled) */
function canUnshare(): boolean {
  return spawnSync('unshare', ['-rn', 'true']).status === 0;
}

const tools = requireTools('nftables-iptables', ['nft', 'iptables-restore', 'ip6tables-restore', 'unshare'], 'nftables iptables util-linux')
  && requires('unshare-rn', canUnshare(), 'needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or root');

const VARIANTS: readonly { name: string; options: TargetOptions }[] = [
  { name: 'input', options: DEFAULT_TARGET_OPTIONS },
  { name: 'input --enforce', options: { ...DEFAULT_TARGET_OPTIONS, enforce: true } },
  { name: 'forward --enforce', options: { ...DEFAULT_TARGET_OPTIONS, chain: 'forward', enforce: true } },
];

describe.runIf(tools)('real validators', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `cmd args... FILE` in a new user+network namespace; returns status and stderr. */
  function check(cmd: string, args: string[], text: string, name: string): { status: number | null; stderr: string } {
    const file = join(dir, name);
    writeFileSync(file, text);
    const r = spawnSync('unshare', ['-rn', cmd, ...args, file], { encoding: 'utf8', timeout: 30_000 });
    return { status: r.status, stderr: r.stderr };
  }

  for (const site of Object.keys(SITES)) {
    for (const v of VARIANTS) {
      it(`${site} (${v.name}): nft -c -f accepts the nftables ruleset`, () => {
        const r = check('nft', ['-c', '-f'], TARGETS.nftables(designOf(site), v.options), `${site}.nft`);
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      });
      it(`${site} (${v.name}): iptables-restore --test and ip6tables-restore --test accept the restore files`, () => {
        const r4 = check('iptables-restore', ['--test'], TARGETS.iptables(designOf(site), v.options), `${site}.iptables`);
        expect(r4.stderr).toBe('');
        expect(r4.status).toBe(0);
        const r6 = check('ip6tables-restore', ['--test'], TARGETS.ip6tables(designOf(site), v.options), `${site}.ip6tables`);
        expect(r6.stderr).toBe('');
        expect(r6.status).toBe(0);
      });
    }
  }

  it('the validators do fail: an accept with a port on a rule without a protocol is refused', () => {
    const bad = TARGETS.nftables(designOf('demo'), DEFAULT_TARGET_OPTIONS).replace(' tcp dport 80 ', ' dport 80 ');
    expect(check('nft', ['-c', '-f'], bad, 'bad.nft').status).not.toBe(0);
    const bad4 = TARGETS.iptables(designOf('demo'), DEFAULT_TARGET_OPTIONS).replace('-p tcp -m tcp --dport 80', '--dport 80');
    expect(check('iptables-restore', ['--test'], bad4, 'bad.iptables').status).not.toBe(0);
  });
});
