/**
 * The firewall targets of `wfo-audit rules`, one renderer per file, registered in
 * one map; the `--target` choices are its keys. Each renderer is a pure function of
 * the resolved design and the target options.
 */
import type { ResolvedDesign } from '../resolve.js';
import { renderCiscoAsa } from './cisco-asa.js';
import { renderCsv } from './csv.js';
import { renderIp6tables, renderIptables } from './iptables.js';
import { renderNetsh } from './netsh.js';
import { renderNftables } from './nftables.js';
import type { TargetOptions } from './options.js';
import { renderPaloAlto } from './paloalto.js';
import { renderWindowsFirewall } from './windows-firewall.js';

/** Renders one target's text. */
export type TargetRenderer = (d: ResolvedDesign, o: TargetOptions) => string;

/** Every target, in documentation order. */
export const TARGETS = {
  nftables: renderNftables,
  iptables: (d, o) => renderIptables(d, o, 4),
  ip6tables: renderIp6tables,
  'windows-firewall': renderWindowsFirewall,
  netsh: renderNetsh,
  'cisco-asa': renderCiscoAsa,
  paloalto: renderPaloAlto,
  csv: renderCsv,
} as const satisfies Record<string, TargetRenderer>;

/** A target name. */
export type TargetName = keyof typeof TARGETS;

/** Target names, in documentation order. */
export const TARGET_NAMES = Object.keys(TARGETS) as TargetName[];

/** The options each target reads besides the design (the CLI refuses the others). */
export const TARGET_OPTIONS: Readonly<Record<TargetName, readonly (keyof TargetOptions)[]>> = {
  nftables: ['chain', 'enforce'],
  iptables: ['chain', 'enforce'],
  ip6tables: ['chain', 'enforce'],
  'windows-firewall': ['host'],
  netsh: ['host'],
  'cisco-asa': ['asaInterface'],
  paloalto: ['panFrom', 'panTo'],
  csv: [],
};
