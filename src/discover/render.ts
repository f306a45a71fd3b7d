/**
 * A draft as a site file: YAML that `check-site` loads, with a comment on every line
 * giving its evidence and confidence, and `# CHECK:` lines for what the draft did not
 * decide. Only addresses and numbers we format ourselves reach the file; input paths are
 * stripped of control characters so that none can end a comment line.
 */
import { HOST_ROLES } from '../design/rules.js';
import type { Draft, DraftItem, HostRole } from './infer.js';
import { count, span } from './wording.js';

const ROLE_NOTES: Record<HostRole, string> = {
  'wfo-servers': 'accept WFO server ports',
  sql: 'accepts 1433 (SQL Server) from the WFO servers',
  'file-server': 'accepts 445 (CIFS) from the WFO servers',
  clients: 'opened client ports (80, 943, 4510, 2007, 5633, ...) on the WFO servers',
  pbx: 'sent SIP to 5060 on the WFO servers',
  'snmp-manager': 'receives 162/udp (SNMP traps) from the WFO servers',
  'smtp-relay': 'accepts 25 (SMTP) from the WFO servers',
};

/** A path or other input text made safe for one comment line. */
function safe(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

function line(indent: string, text: string, comment: string, width = 28): string {
  return `${`${indent}${text}`.padEnd(width)}  # ${comment}`;
}

function items(out: string[], indent: string, list: readonly DraftItem[]): void {
  for (const it of list) {
    out.push(line(`${indent}- `, it.value, it.comment));
    for (const c of it.checks) out.push(`${indent}  # CHECK: ${c}`);
  }
}

/** Writes the draft as site-file YAML; `inputs` are named in the header. */
export function renderDraft(d: Draft, inputs: readonly string[]): string {
  const out: string[] = [
    `# Draft site file written by \`wfo-audit discover\` from ${count(d.flows, 'flow')}${d.flows > 0 ? `, ${span(d.first, d.last)}` : ''}.`,
    `# Inputs: ${inputs.map(safe).join(', ')}`,
    '# Every value rests only on the traffic: review each line before you audit with it',
    '# (docs/site-file.md, "Start from a draft"). "# CHECK:" lines are guesses and conflicts',
    '# the draft did not decide. Confidence: high (several flows from several hosts), medium,',
    '# low (one flow, or attempts only: connections that were never answered or refused).',
    line('', `mode: ${d.mode.value}`, d.mode.comment),
  ];
  for (const c of d.mode.checks) out.push(`# CHECK: ${c}`);
  if (d.modules.length === 0) out.push(line('', 'modules: []', d.mode.value === 'wfm-v2' ? 'WFM v2 has no optional modules' : 'no port of an optional module carried traffic'));
  else {
    out.push(line('', 'modules:', 'optional modules whose own ports carried traffic'));
    items(out, '  ', d.modules);
  }
  for (const n of d.moduleNotes) out.push(`  # ${n}`);
  const roles = HOST_ROLES.filter((r) => d.hosts[r].length > 0);
  out.push(line('', roles.length ? 'hosts:' : 'hosts: {}', 'role -> addresses, from what each host did'));
  for (const r of roles) {
    out.push(line('  ', `${r}:`, ROLE_NOTES[r]));
    items(out, '    ', d.hosts[r]);
  }
  for (const c of d.roleChecks) out.push(`  # ${c}`);
  if (d.services.length > 0) {
    out.push(line('', 'services:', 'pins: services seen on some of the WFO servers only'));
    for (const s of d.services) {
      out.push(line('  ', `${s.service}:`, `runs only on these servers`));
      items(out, '    ', s.items);
    }
  }
  if (d.allow.length > 0) {
    out.push(line('', 'allow:', 'infrastructure the WFO servers use that the design does not list'));
    for (const a of d.allow) {
      out.push(line('  ', `- { name: ${a.name}, proto: ${a.proto}, port: ${a.port}, to: [${a.to.join(', ')}] }`, a.comment, 0));
    }
  }
  if (d.unexplained.length > 0) {
    out.push('# Traffic of the drafted hosts that no rule explains (the audit calls it unexpected):');
    for (const u of d.unexplained.slice(0, 50)) out.push(`#   ${u}`);
    if (d.unexplained.length > 50) out.push(`#   ... and ${d.unexplained.length - 50} more`);
  }
  for (const n of d.notes) out.push(`# ${n}`);
  return `${out.join('\n')}\n`;
}
