/**
 * The site fixtures and target variants the firewall-rule tests share: every site
 * fixture with every target, plus option variants on the dual-stack site.
 */
import { loadSite } from '../../../src/design/site.js';
import { resolveDesign, type ResolvedDesign } from '../../../src/design/resolve.js';
import { DEFAULT_TARGET_OPTIONS, type TargetOptions } from '../../../src/design/targets/options.js';
import { TARGET_NAMES, type TargetName } from '../../../src/design/targets/index.js';

/** Site fixtures by short name (paths relative to the repository root, as the CLI is given them). */
export const SITES: Readonly<Record<string, string>> = {
  premises: 'fixtures/sites/premises-all.yaml',
  hybrid: 'fixtures/sites/hybrid.yaml',
  'wfm-v2': 'fixtures/sites/wfm-v2.yaml',
  reasons: 'fixtures/sites/reasons.yaml',
  'dual-stack': 'fixtures/sites/dual-stack.yaml',
  demo: 'fixtures/demo/site.yaml',
  domain: 'fixtures/sites/domain.yaml',
};

/** Golden file extension per target. */
export const EXTENSIONS: Readonly<Record<TargetName, string>> = {
  nftables: 'nft', iptables: 'iptables', ip6tables: 'ip6tables', 'windows-firewall': 'ps1', netsh: 'cmd',
  'cisco-asa': 'asa', paloalto: 'pan', csv: 'csv',
};

/** One golden: a site, a target, its options, the CLI flags that give them, and the file name. */
export interface RulesCase {
  site: string;
  target: TargetName;
  options: TargetOptions;
  flags: string[];
  file: string;
}

const VARIANTS: readonly { target: TargetName; suffix: string; options: Partial<TargetOptions>; flags: string[] }[] = [
  { target: 'nftables', suffix: 'enforce-forward', options: { enforce: true, chain: 'forward' }, flags: ['--enforce', '--chain', 'forward'] },
  { target: 'iptables', suffix: 'enforce', options: { enforce: true }, flags: ['--enforce'] },
  { target: 'ip6tables', suffix: 'enforce-forward', options: { enforce: true, chain: 'forward' }, flags: ['--enforce', '--chain', 'forward'] },
  { target: 'windows-firewall', suffix: 'host', options: { host: '2001:db8:10::10' }, flags: ['--host', '2001:db8:10::10'] },
  { target: 'netsh', suffix: 'host', options: { host: '10.10.0.11' }, flags: ['--host', '10.10.0.11'] },
  { target: 'cisco-asa', suffix: 'inside', options: { asaInterface: 'inside' }, flags: ['--asa-interface', 'inside'] },
  { target: 'paloalto', suffix: 'zones', options: { panFrom: 'trust', panTo: 'servers' }, flags: ['--pan-from', 'trust', '--pan-to', 'servers'] },
];

/** Every golden case. */
export const CASES: readonly RulesCase[] = [
  ...Object.keys(SITES).flatMap((site) => TARGET_NAMES.map((target) => ({
    site, target, options: DEFAULT_TARGET_OPTIONS, flags: [], file: `${site}.${EXTENSIONS[target]}`,
  }))),
  ...VARIANTS.map((v) => ({
    site: 'dual-stack', target: v.target, options: { ...DEFAULT_TARGET_OPTIONS, ...v.options }, flags: v.flags,
    file: `dual-stack-${v.suffix}.${EXTENSIONS[v.target]}`,
  })),
];

const designs = new Map<string, ResolvedDesign>();

/** The resolved design of a site fixture (loaded once). */
export function designOf(site: string): ResolvedDesign {
  let d = designs.get(site);
  if (!d) {
    d = resolveDesign(loadSite(SITES[site]!));
    designs.set(site, d);
  }
  return d;
}
