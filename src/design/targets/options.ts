/**
 * Options of `wfo-audit rules` that change a target's output. Each target reads the
 * ones that apply to it; src/cli/rules-command.ts checks that no other is given.
 */

/** Target options, already validated. */
export interface TargetOptions {
  /** nftables/iptables: the chain the rules go in (a host firewall, or a firewall between subnets). */
  chain: 'input' | 'forward';
  /** nftables/iptables: drop what the design does not allow (policy drop). */
  enforce: boolean;
  /** windows-firewall/netsh: the one WFO server to write rules for (null: a section per server). */
  host: string | null;
  /** cisco-asa: the interface of the access-group line (null: a CHECK placeholder). */
  asaInterface: string | null;
  /** paloalto: source and destination zones (null: CHECK placeholders per role). */
  panFrom: string | null;
  panTo: string | null;
}

/** Defaults: input chain, no enforcement, no host, placeholders. */
export const DEFAULT_TARGET_OPTIONS: TargetOptions = {
  chain: 'input', enforce: false, host: null, asaInterface: null, panFrom: null, panTo: null,
};
