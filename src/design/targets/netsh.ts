/**
 * Windows Firewall through `netsh advfirewall firewall add rule` (Microsoft Learn,
 * "Netsh AdvFirewall Firewall Commands"), for servers without the NetSecurity
 * PowerShell module. A batch file: called with a server's address it adds that
 * server's rules (or, with `--host`, it has only that server's).
 */
import { portRangesText } from '../port-range.js';
import { UsageError } from '../../errors.js';
import { firewallPlan, planHeader, ruleLabel, type PlanEnd } from './plan.js';
import { serverSections, type ServerRule } from './servers.js';
import { windowsDescription, windowsProtocols } from './windows-firewall.js';
import type { TargetOptions } from './options.js';
import type { ResolvedDesign } from '../resolve.js';

function remoteIp(e: PlanEnd): string {
  return e.set.any ? 'any' : e.set.specs.map((s) => s.text).join(',');
}

/** The rule's name: `wfo-audit in|out <id>`, `(reverse)` for the other way of a both-ways connection. */
function ruleName(s: ServerRule): string {
  return `wfo-audit ${s.direction} ${s.rule.id}${s.rule.reverse ? ' (reverse)' : ''}`;
}

function ruleLines(s: ServerRule): string[] {
  const r = s.rule;
  const out: string[] = [];
  if (r.check) out.push(`REM CHECK: ${r.id}: ${r.check}`);
  for (const proto of windowsProtocols(r, s.remote)) {
    const port = r.ports.length === 0 ? '' : ` ${s.direction === 'in' ? 'localport' : 'remoteport'}=${portRangesText(r.ports)}`;
    out.push(`netsh advfirewall firewall add rule name="${ruleName(s)}" dir=${s.direction}`
      + ` action=allow protocol=${proto.toLowerCase()}${port} remoteip=${remoteIp(s.remote)} description="${windowsDescription(r)}"`);
  }
  return out;
}

/** The netsh batch file of a resolved design. */
export function renderNetsh(d: ResolvedDesign, o: TargetOptions): string {
  const plan = firewallPlan(d);
  const sections = serverSections(plan, o.host);
  if (typeof sections === 'string') throw new UsageError(sections);
  const head = planHeader(plan, 'netsh');
  head.push('');
  head.push(o.host ? `Rules for the WFO server ${o.host} only (--host): run this file on it.`
    : 'Run on each WFO server with its address as the argument (as written in the site file): FILE.cmd 10.10.0.10');
  head.push('Inbound: the designed connections the server listens for. Outbound: the ones it opens (rows whose opener is');
  head.push('"any" are left out there: Windows allows outbound by default, and the listener has the inbound rule).');
  head.push('Run from an elevated command prompt. Every rule name starts with "wfo-audit"; remove one with');
  head.push('netsh advfirewall firewall delete rule name="NAME", or all at once from PowerShell:');
  head.push("Remove-NetFirewallRule -DisplayName 'wfo-audit *'. Running it again replaces that server's rules.");
  const out = ['@echo off', ...head.map((l) => (l === '' ? 'REM' : `REM ${l}`)), 'setlocal'];
  if (!o.host) {
    out.push('');
    sections.forEach((s, i) => out.push(`if "%~1"=="${s.server.text}" goto server_${i + 1}`));
    out.push(`echo usage: %~nx0 SERVER-ADDRESS (one of: ${sections.map((s) => s.server.text).join(' ')})`, 'exit /b 2');
  }
  sections.forEach((sec, i) => {
    out.push('', `REM === WFO server ${sec.server.text}: ${sec.rules.filter((r) => r.direction === 'in').length} inbound, ${sec.rules.filter((r) => r.direction === 'out').length} outbound ===`);
    if (!o.host) out.push(`:server_${i + 1}`);
    // Deleting every name first makes a second run replace the rules instead of doubling them
    // (several rules may share a name, so no delete may follow an add).
    out.push('REM remove the rules of an earlier run');
    for (const name of new Set(sec.rules.map(ruleName))) out.push(`netsh advfirewall firewall delete rule name="${name}" >nul 2>&1`);
    for (const r of sec.rules) {
      out.push(`REM ${r.direction === 'in' ? 'inbound' : 'outbound'} ${ruleLabel(r.rule)}`);
      out.push(...ruleLines(r));
    }
    out.push('exit /b 0');
  });
  return `${out.join('\r\n')}\r\n`;
}
