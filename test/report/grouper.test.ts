import { describe, expect, it } from 'vitest';
import { groupFindings, groupMismatches } from '../../src/report/build.js';
import { FindingGrouper, reportFindings } from '../../src/report/grouper.js';
import { markdown } from '../../src/report/markdown.js';
import { TOP_GROUPS } from '../../src/report/shown.js';
import { table } from '../../src/report/table.js';
import { classified, flowRecord, manyFlows, reportOf, sampleFlows, sampleReport, T0, toReportFlow } from './support.js';

const o = { color: false, all: false, width: 80 };

describe('FindingGrouper', () => {
  it('groups classified flows as they stream exactly as groupFindings groups the flow list', () => {
    const flows = manyFlows(3000);
    const r = reportOf(flows);
    const g = new FindingGrouper({ maxIds: Infinity }).addAll(flows);
    expect(g.groups()).toEqual(groupFindings(r.flows));
    expect(g.mismatchGroups()).toEqual(groupMismatches(r.flows));
    expect(new FindingGrouper().addAll(sampleFlows()).result()).toEqual(reportFindings(sampleReport()));
  });

  it('does not depend on the order flows arrive in', () => {
    const flows = manyFlows(2000);
    const a = new FindingGrouper().addAll(flows).result();
    const b = new FindingGrouper().addAll(flows.slice().reverse()).result();
    expect(b).toEqual(a);
  });

  it('keeps the first ids of a group in report order, up to maxIds, and counts them all', () => {
    const flows = [9, 3, 7, 1, 5].map((id) => classified(flowRecord({ id, clientIp: '10.0.0.1', serverIp: '10.0.0.2' }), {
      verdict: 'blocked', reasonCode: 'tcp-rst', reason: 'refused',
    }));
    const [g] = new FindingGrouper({ maxIds: 3 }).addAll(flows).groups();
    expect(g!.count).toBe(5);
    expect(g!.ids).toEqual([1, 3, 5]);
    expect(g!.first).toBe(T0 + 1);
  });

  it('folds host pairs past maxGroups into "other hosts" groups, then one group per verdict, losing no flow', () => {
    const flows = Array.from({ length: 400 }, (_, i) => classified(flowRecord({
      id: i + 1, clientIp: `10.1.${i >> 8}.${i & 255}`, serverIp: '10.0.0.2', serverPort: 1000 + (i % 40),
    }), { verdict: 'unexpected', reasonCode: 'no-rule', reason: 'no rule', service: null, rule: null }));
    const g = new FindingGrouper({ maxGroups: 20 }).addAll(flows);
    const groups = g.groups();
    expect(groups.length).toBeLessThanOrEqual(20 + 2 + 1);
    expect(groups.reduce((s, x) => s + x.count, 0)).toBe(400);
    const hosts = groups.filter((x) => x.folded === 'hosts');
    expect(hosts.length).toBe(2);
    expect(hosts[0]).toMatchObject({ clientIp: '*', serverIp: '*' });
    const all = groups.filter((x) => x.folded === 'all');
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ key: 'unexpected|*', service: null, port: 0, rule: null });
    // Folding is deterministic for the same arrival order.
    expect(new FindingGrouper({ maxGroups: 20 }).addAll(flows).groups()).toEqual(groups);
  });

  it('takes report flows and classified flows alike', () => {
    const a = new FindingGrouper().addAll(sampleFlows()).result();
    const b = new FindingGrouper().addAll(sampleFlows().map(toReportFlow)).result();
    expect(b).toEqual(a);
  });
});

describe('reports from grouped findings', () => {
  it('render the same table and markdown from findings as from the flow list', () => {
    const r = sampleReport();
    const grouped = { ...r, flows: [], findings: new FindingGrouper().addAll(sampleFlows()).result() };
    expect(table(grouped, o)).toBe(table(r, o));
    expect(markdown(grouped, o)).toBe(markdown(r, o));
  });

  it('list the top groups per verdict by flows, then one line for the rest; all of them with --all', () => {
    // 30 blocked host pairs with 1..30 flows each.
    const flows = [];
    let id = 0;
    for (let h = 1; h <= 30; h++) {
      for (let k = 0; k < h; k++) {
        id++;
        flows.push(classified(flowRecord({ id, clientIp: `10.20.1.${h}`, serverIp: '10.10.0.11', serverPort: 2012 }), {
          service: 'cti-core', rule: 'premises.cti-core.2012', verdict: 'blocked', reasonCode: 'tcp-rst', reason: 'refused by the host (RST)',
        }));
      }
    }
    const r = { ...reportOf(flows), findings: new FindingGrouper().addAll(flows).result(), flows: [] };
    const text = table(r, o);
    const rows = text.split('\n').filter((l) => /^ {4}cti-core /.test(l));
    expect(rows).toHaveLength(TOP_GROUPS);
    expect(rows[0]).toMatch(/10\.20\.1\.30 +10\.10\.0\.11 +30 /);
    expect(text).toContain('… and 10 more groups (55 flows): see --format json');
    expect(text.split('\n').filter((l) => l.length > 80)).toEqual([]);
    const all = table(r, { ...o, all: true });
    expect(all.split('\n').filter((l) => /^ {4}cti-core /.test(l))).toHaveLength(30);
    expect(all).not.toContain('more groups');
    const md = markdown(r, o);
    expect(md.split('\n').filter((l) => l.startsWith('| cti-core | 2012/tcp |'))).toHaveLength(TOP_GROUPS);
    expect(md).toContain('… and 10 more groups (55 flows): see --format json');
  });

  it('show folded groups as other hosts and other ports', () => {
    const flows = manyFlows(3000);
    const r = { ...reportOf(flows), findings: new FindingGrouper({ maxGroups: 10 }).addAll(flows).result() };
    const text = table(r, { ...o, all: true });
    expect(text).toContain('(other hosts)');
    expect(text).toContain('(other ports)');
    expect(text.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });
});
