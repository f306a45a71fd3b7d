import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { HINT_TCP, HINT_UDP, resolveDesign } from '../../src/design/resolve.js';
import { describeSite, renderDesign } from '../../src/design/render.js';
import { designedConnections } from '../../src/design/connections.js';
import { RULES } from '../../src/design/rules.js';
import { loadSite, parseSite } from '../../src/design/site.js';
import { v4 } from '../classify/flows.js';

const sites = fileURLToPath(new URL('../../fixtures/sites/', import.meta.url));
const site = loadSite(`${sites}premises-all.yaml`);
const P = resolveDesign(site);

describe('resolveDesign', () => {
  it('premises: hybrid and WFM v2 rules are inactive with the mode as reason', () => {
    const r = (id: string) => P.rules.find((x) => x.id === id)!;
    expect(r('connection-pooling.cloud.2010').inactive).toEqual({ kind: 'mode', modes: ['hybrid'] });
    expect(r('wfm-v2.in.443').active).toBe(false);
    expect(r('cti-core.integration').inactive).toEqual({ kind: 'no-ports' });
    expect(r('survey.in.5060.udp').active).toBe(true);
    expect(P.rules.length).toBe(RULES.length);
  });
  it('modules not enabled make their rules inactive with the module named', () => {
    const d = resolveDesign(parseSite('mode: premises\nmodules: [survey]\nhosts: { wfo-servers: [10.0.0.1] }\n', 'm.yaml'));
    expect(d.rules.find((x) => x.id === 'screen-recording.in.5633')!.inactive).toEqual({ kind: 'module', module: 'screen-recording' });
    expect(d.rules.find((x) => x.id === 'survey.in.5060.tcp')!.active).toBe(true);
  });
  it('a pinned host that is also a WFO server appears once among the wfo-servers peers', () => {
    const cti = P.rules.find((x) => x.id === 'cti-core.in.5685')!;
    expect(cti.peer).toBe('wfo-servers');
    expect(cti.peerSet.describe()).toBe('10.10.0.10, 10.10.0.11');
    expect(renderDesign(P, 'table')).not.toContain('10.10.0.11, 10.10.0.11');
  });
  it('pins and roles compile to address sets', () => {
    const cti = P.rules.find((x) => x.id === 'cti-core.in.6620')!;
    expect(cti.pinned).toBe(true);
    expect(cti.hostSet.has(4, v4('10.10.0.11'))).toBe(true);
    expect(cti.hostSet.has(4, v4('10.10.0.10'))).toBe(false);
    expect(P.wfo.has(4, v4('10.10.0.10'))).toBe(true);
    expect(P.roles.clients.has(4, v4('10.20.255.1'))).toBe(true);
    expect(P.roles.clients.has(4, v4('10.21.0.1'))).toBe(false);
    expect(P.cloud.has(4, v4('207.166.101.200'))).toBe(true);
    expect(P.cloud.has(4, v4('207.166.102.1'))).toBe(false);
  });
  it('serverPortHint marks active server ports per transport', () => {
    const h = P.serverPortHint;
    expect(h.length).toBe(65536);
    expect(h[1433]! & HINT_TCP).toBe(HINT_TCP);
    expect(h[162]).toBe(HINT_UDP);
    expect(h[5060]).toBe(HINT_TCP | HINT_UDP);
    expect(h[53]).toBe(HINT_UDP); // allow entry
    expect(h[2010]).toBe(0); // hybrid only
    expect(h[50000]).toBe(0);
  });
  it('no site: every mode and module active, hosts unknown', () => {
    const d = resolveDesign(null);
    expect(d.mode).toBe('any');
    expect(d.active.length).toBe(RULES.length - 1); // only the integration rule, which has no port
    expect(d.wfo.any).toBe(true);
    expect(d.serverPortHint[2010]).toBe(HINT_TCP);
  });
});

describe('render', () => {
  it('table and markdown list every rule', () => {
    const t = renderDesign(P, 'table');
    expect(t.split('\n')[0]).toBe(`WFO design for ${sites}premises-all.yaml: mode premises, modules screen-recording, desktop-analytics, survey, speech-analytics, on-demand`);
    expect(t).toContain('sql: 10.10.0.20');
    expect(t).toContain('cti-core pin: 10.10.0.11');
    const md = renderDesign(P, 'markdown').trimEnd().split('\n');
    expect(md.length).toBe(RULES.length + 2);
    expect(md[0]).toBe('| rule | service | proto | ports | direction | host | peer | module | modes | app | status | seed |');
  });
  it('csv has one row per designed connection and allow entry, like rules --target csv', () => {
    const csv = renderDesign(P, 'csv').trimEnd().split('\n');
    expect(csv.length).toBe(1 + designedConnections(P).length + P.allow.length);
    expect(csv.filter((l) => l.includes(',1433,tcp,'))).toHaveLength(1);
    expect(csv).toContain('wfo-servers>snmp-manager:162/udp,wfo-servers,"10.10.0.10, 10.10.0.11",snmp-manager,10.10.0.40,162,udp,snmp,logger.snmp.162,premises-server#22,');
    expect(csv.some((l) => l.startsWith('allow:dns,'))).toBe(true);
  });
  it('json resolves hosts with a site', () => {
    const doc = JSON.parse(renderDesign(P, 'json')) as { rules: { id: string; hostAddresses: string[]; peerAddresses: string[] | null }[]; conflicts: unknown[] };
    const r = doc.rules.find((x) => x.id === 'cti-core.sql.1433')!;
    expect(r.hostAddresses).toEqual(['10.10.0.11']);
    expect(r.peerAddresses).toEqual(['10.10.0.20']);
    expect(doc.conflicts).toHaveLength(1);
  });
  it('describeSite shows roles, pins, allow entries and conflicts', () => {
    const s = describeSite(site, P);
    expect(s).toContain('mode: premises');
    expect(s).toContain('  clients       10.20.0.0/16');
    expect(s).toContain('  cloud         207.166.100.0/23');
    expect(s).toContain('  cti-core      10.10.0.11');
    expect(s).toContain('  dns: udp/53 to 10.10.0.2');
    expect(s).toContain('survey-cti-core-port:');
  });
});
