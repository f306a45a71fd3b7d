/**
 * Windows Firewall with Advanced Security through PowerShell: `New-NetFirewallRule`
 * (NetSecurity module; Microsoft Learn, "New-NetFirewallRule"), one rule per
 * designed connection a WFO server takes part in, all in the group `wfo-audit` so
 * `Remove-NetFirewallRule -Group 'wfo-audit'` removes them as one. One section per
 * server (run on each, it adds only its own), or `--host` for one server.
 */
import { portRangesText } from '../port-range.js';
import { Address6 } from 'ip-address';
import type { AddressSpec } from '../address.js';
import { firewallPlan, planHeader, ruleLabel, seedText, type PlanEnd, type PlanRule } from './plan.js';
import { serverSections, type ServerRule } from './servers.js';
import type { TargetOptions } from './options.js';
import type { ResolvedDesign } from '../resolve.js';
import { UsageError } from '../../errors.js';

/** A PowerShell single-quoted string. */
function ps(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function remoteAddress(e: PlanEnd): string {
  return e.set.any ? 'Any' : e.set.specs.map((s) => ps(s.text)).join(',');
}

/** What `Get-NetIPAddress` shows for a single address (IPv6 in its compressed form). */
export function shownAddress(s: AddressSpec): string {
  const bare = s.text.replace(/\/\d+$/, '');
  return s.family === 6 ? new Address6(bare).correctForm() : bare;
}

/** The Windows protocol names of a rule: TCP, UDP, Any, or ICMPv4 and ICMPv6. */
export function windowsProtocols(r: PlanRule, remote: PlanEnd): string[] {
  if (r.proto === 'any') return ['Any'];
  if (r.proto !== 'icmp') return [r.proto.toUpperCase()];
  const fams = remote.set.any ? [4, 6] : [...new Set(remote.set.specs.map((s) => s.family))].sort();
  return fams.map((f) => `ICMPv${f}`);
}

/** The description every Windows target gives a rule: id, services, rules, seed rows. */
export function windowsDescription(r: PlanRule): string {
  const seed = r.seed.length ? `; seed ${r.seed.map(seedText).join(', ')}` : '; site file allow: entry';
  return `${ruleLabel(r)}; ${r.services.join(', ')}; rules ${r.rules.join(', ')}${seed}${r.check ? `; CHECK: ${r.check}` : ''}`;
}

function ruleLines(s: ServerRule, indent: string): string[] {
  const r = s.rule;
  const out: string[] = [];
  if (r.check) out.push(`${indent}# CHECK: ${r.id}: ${r.check}`);
  for (const proto of windowsProtocols(r, s.remote)) {
    const port = r.ports.length === 0 ? '' : ` -${s.direction === 'in' ? 'LocalPort' : 'RemotePort'} ${portRangesText(r.ports)}`;
    out.push(`${indent}New-NetFirewallRule -Group 'wfo-audit' -DisplayName ${ps(`wfo-audit ${s.direction} ${r.id}${r.reverse ? ' (reverse)' : ''}`)}`
      + ` -Direction ${s.direction === 'in' ? 'Inbound' : 'Outbound'} -Action Allow -Protocol ${proto}${port}`
      + ` -RemoteAddress ${remoteAddress(s.remote)} -Description ${ps(windowsDescription(r))} | Out-Null`);
  }
  return out;
}

/** The PowerShell script of a resolved design. */
export function renderWindowsFirewall(d: ResolvedDesign, o: TargetOptions): string {
  const plan = firewallPlan(d);
  const sections = serverSections(plan, o.host);
  if (typeof sections === 'string') throw new UsageError(sections);
  const head = planHeader(plan, 'windows-firewall');
  head.push('');
  head.push(o.host ? `Rules for the WFO server ${o.host} only (--host).`
    : 'One section per WFO server: run the whole script on each server; a section runs only on the server whose address it names.');
  head.push('Inbound: the designed connections this server listens for. Outbound: the ones it opens (rows whose opener is');
  head.push('"any" are left out there: Windows allows outbound by default, and the listener has the inbound rule).');
  head.push('Connections between other hosts (client PCs to SQL, say) are not on a server and have no rule here.');
  head.push("Run in an elevated PowerShell. Remove every rule of this script: Remove-NetFirewallRule -Group 'wfo-audit'");
  head.push('Running it again replaces the rules: it first removes the group wfo-audit on this host.');
  const out = ['#Requires -RunAsAdministrator', ...head.map((l) => (l === '' ? '#' : `# ${l}`)), '', "$ErrorActionPreference = 'Stop'",
    "Get-NetFirewallRule -Group 'wfo-audit' -ErrorAction SilentlyContinue | Remove-NetFirewallRule"];
  if (!o.host) out.push('$local = @(Get-NetIPAddress | ForEach-Object { $_.IPAddress })');
  for (const sec of sections) {
    const s = sec.server;
    const single = s.prefix === (s.family === 4 ? 32 : 128);
    out.push('', `# === WFO server ${s.text}: ${sec.rules.filter((r) => r.direction === 'in').length} inbound, ${sec.rules.filter((r) => r.direction === 'out').length} outbound ===`);
    let indent = '';
    if (!o.host && single) {
      out.push(`if ($local -contains ${ps(shownAddress(s))}) {`);
      indent = '  ';
    } else if (!o.host) {
      out.push(`# CHECK: ${s.text} is a network: this section adds its rules on every host that runs the script`);
    }
    for (const r of sec.rules) {
      out.push(`${indent}# ${r.direction === 'in' ? 'inbound' : 'outbound'} ${ruleLabel(r.rule)}`);
      out.push(...ruleLines(r, indent));
    }
    if (indent) out.push('}');
  }
  return `${out.join('\n')}\n`;
}
