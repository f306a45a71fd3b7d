/**
 * What the table and markdown reporters show of the finding groups: the groups
 * with most flows per section (all of them with --all), a closing line for the
 * rest, and the cell texts of folded groups. Shared so both reports agree.
 */
import { plural } from './facts.js';
import { compareByFlows } from './grouper.js';
import { NONE, type FlowGroup } from './types.js';

/** Groups each findings section lists before "… and N more groups" (all of them with --all). */
export const TOP_GROUPS = 20;

/** The groups a section lists: the TOP_GROUPS with most flows (ties: group order), or all by flows with `all`. */
export function topGroups<G extends FlowGroup>(gs: readonly G[], all: boolean): G[] {
  const byFlows = gs.slice().sort(compareByFlows);
  return all ? byFlows : byFlows.slice(0, TOP_GROUPS);
}

/** The line under a cut section: how many groups and flows were left out, and where to find them. */
export function moreGroupsText(gs: readonly FlowGroup[], shown: readonly FlowGroup[]): string {
  const total = (xs: readonly FlowGroup[]) => xs.reduce((s, g) => s + g.count, 0);
  return `… and ${plural(gs.length - shown.length, 'more group', 'more groups')} (${plural(total(gs) - total(shown), 'flow')}): see --format json, or --all`;
}

/** "443/tcp", or just the protocol for ICMP (no ports). */
export function portText(proto: string, port: number): string {
  return proto === 'icmp' || proto === 'icmp6' ? proto : `${port}/${proto}`;
}

/** The SERVICE cell: "none" without a service, "(other)" for the catch-all group. */
export function groupService(g: FlowGroup): string {
  if (g.folded === 'all') return '(other)';
  return g.service ?? NONE;
}

/** The PORT cell: "(other ports)" for the catch-all group. */
export function groupPort(g: FlowGroup): string {
  return g.folded === 'all' ? '(other ports)' : portText(g.proto, g.port);
}

/** The FROM and TO cells: the host pair, or "(other hosts)" for a folded group. */
export function groupHosts(g: FlowGroup): { from: string; to: string } {
  return g.folded ? { from: '(other hosts)', to: '(other hosts)' } : { from: g.clientIp, to: g.serverIp };
}
