import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { classifyFlow } from '../../src/classify/classify.js';
import { Coverage } from '../../src/classify/coverage.js';
import { findConflicts } from '../../src/classify/conflicts.js';
import { resolveDesign } from '../../src/design/resolve.js';
import { loadSite, parseSite } from '../../src/design/site.js';
import { flow } from './flows.js';

const sites = fileURLToPath(new URL('../../fixtures/sites/', import.meta.url));
const P = resolveDesign(loadSite(`${sites}premises-all.yaml`));

describe('Coverage', () => {
  it('seen, blocked and unseen rows, with first/last, flows and apps', () => {
    const cov = new Coverage(P);
    cov.add(classifyFlow(flow('10.10.0.10:1', '10.10.0.20:1433', { first: 100, last: 110 }), P, 'tds'));
    cov.add(classifyFlow(flow('10.10.0.10:2', '10.10.0.20:1433', { first: 90, last: 95 }), P, 'tds'));
    cov.add(classifyFlow(flow('10.10.0.10:3', '10.10.0.30:445', { outcome: 'unanswered' }), P, 'unknown'));
    cov.add(classifyFlow(flow('10.20.1.1:3', '10.30.0.5:445'), P, 'unknown')); // ignored
    const rows = cov.rows(60);
    expect(rows.length).toBe(P.active.length);
    const sql = rows.find((r) => r.rule === 'api-server.sql.1433')!;
    expect(sql).toMatchObject({ status: 'seen', flows: 2, expected: 2, blocked: 0, first: 90, last: 110, apps: ['tds'], port: '1433', proto: 'tcp', service: 'sql' });
    // Every service's SQL row is credited by the same flows.
    expect(rows.find((r) => r.rule === 'logger.sql.1433')!.status).toBe('seen');
    expect(rows.find((r) => r.rule === 'archiver.cifs.445')).toMatchObject({ status: 'blocked', blocked: 1, flows: 1 });
    expect(rows.find((r) => r.rule === 'web-portal.in.80')).toMatchObject({ status: 'unseen', flows: 0, first: null, note: null });
  });
  it('rare rules say the window may be too short', () => {
    const rows = new Coverage(P).rows(300);
    expect(rows.find((r) => r.rule === 'logger.snmp.162')!.note).toBe('rare traffic (SNMP traps): a 5 min window may be too short to see it');
    expect(rows.find((r) => r.rule === 'logger.smtp.25')!.note).toContain('SMTP alerts');
  });
  it('WFM v2 needs only one of 80/443', () => {
    const d = resolveDesign(loadSite(`${sites}wfm-v2.yaml`));
    expect(d.active.map((r) => r.id)).toEqual(['wfm-v2.in.80', 'wfm-v2.in.443']);
    const cov = new Coverage(d);
    cov.add(classifyFlow(flow('10.20.1.1:1', '10.10.0.10:443'), d, 'tls'));
    const rows = cov.rows(10);
    expect(rows[0]).toMatchObject({ rule: 'wfm-v2.in.80', status: 'unseen', note: 'the seed needs only one of wfm-v2.in.80 and wfm-v2.in.443; wfm-v2.in.443 is seen' });
    expect(rows[1]).toMatchObject({ status: 'seen', apps: ['tls'] });
  });
  it('wrong-direction flows count as flows but not as seen', () => {
    const cov = new Coverage(P);
    cov.add(classifyFlow(flow('10.10.0.20:1', '10.10.0.10:1433'), P, 'unknown'));
    expect(cov.rows(1).find((r) => r.rule === 'api-server.sql.1433')).toMatchObject({ status: 'wrong-direction', flows: 1, 'wrong-direction': 1, expected: 0 });
    expect(cov.connections(1).find((c) => c.id === 'wfo-servers>sql:1433/tcp')).toMatchObject({ status: 'wrong-direction', flows: 1 });
  });

  it('precedence: seen > blocked > wrong-direction > inconclusive > unseen; only a flow that worked makes a rule seen', () => {
    const cov = new Coverage(P);
    const sql = (o: Parameters<typeof flow>[2]) => classifyFlow(flow('10.10.0.10:50000', '10.10.0.20:1433', o), P, 'tds');
    cov.add(sql({ outcome: 'no-reply-yet' }));
    expect(cov.connections(1).find((c) => c.id === 'wfo-servers>sql:1433/tcp')!.status).toBe('inconclusive');
    cov.add(classifyFlow(flow('10.10.0.20:1', '10.10.0.10:1433'), P, 'unknown'));
    expect(cov.connections(1).find((c) => c.id === 'wfo-servers>sql:1433/tcp')!.status).toBe('wrong-direction');
    cov.add(sql({ outcome: 'unanswered' }));
    expect(cov.connections(1).find((c) => c.id === 'wfo-servers>sql:1433/tcp')!.status).toBe('blocked');
    cov.add(sql({ outcome: 'established' }));
    const c = cov.connections(1).find((x) => x.id === 'wfo-servers>sql:1433/tcp')!;
    expect(c).toMatchObject({ status: 'seen', expected: 1, blocked: 1, 'wrong-direction': 1, inconclusive: 1, flows: 4 });
  });
});

describe('findConflicts', () => {
  it('Survey and CTI Core may share 10.10.0.11 on 5060', () => {
    const c = findConflicts(P);
    expect(c.map((x) => x.kind)).toEqual(['survey-cti-core-port']);
    expect(c[0]!.message).toContain('Survey must be configured to use a different port');
  });
  it('moving Survey or pinning it elsewhere clears it', () => {
    const base = 'mode: premises\nmodules: [survey]\nhosts: { wfo-servers: [10.10.0.10, 10.10.0.11] }\nservices: { cti-core: [10.10.0.11] }\n';
    expect(findConflicts(resolveDesign(parseSite(`${base}ports: { survey: 5070 }\n`, 'a.yaml')))).toEqual([]);
    expect(findConflicts(resolveDesign(parseSite(base.replace('cti-core: [10.10.0.11]', 'cti-core: [10.10.0.11], survey: [10.10.0.10]'), 'b.yaml')))).toEqual([]);
  });
  it('two services given the same port by overrides', () => {
    const d = resolveDesign(parseSite('mode: premises\nhosts: { wfo-servers: [10.10.0.10] }\nports: { web-portal: 5620 }\n', 'c.yaml'));
    const c = findConflicts(d);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ kind: 'port-clash' });
    expect(c[0]!.message).toContain('web-portal (rule web-portal.in.80) and api-server (rule api-server.in.5620) both listen on tcp/5620');
  });
  it('none without a site file', () => {
    expect(findConflicts(resolveDesign(null))).toEqual([]);
  });
});
