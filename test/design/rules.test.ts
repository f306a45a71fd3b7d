import { describe, expect, it } from 'vitest';
import { RULES, SEED_TABLES, SERVICE_IDS, WFO_SERVICES } from '../../src/design/rules.js';
import { resolveDesign } from '../../src/design/resolve.js';
import { renderDesign } from '../../src/design/render.js';
import { readSeedRows } from './seed.js';
import { needsSeed } from '../support/requires.js';

const withSeed = needsSeed();

const TABLE_IDS = Object.keys(SEED_TABLES);

describe.runIf(withSeed)('the seed port tables', () => {
  const { tables, rows } = withSeed ? readSeedRows() : { tables: 0, rows: [] };
  it('has the seven port tables and 63 rows', () => {
    expect(tables).toBe(7);
    expect(rows.length).toBe(63);
  });
  for (const row of rows) {
    const table = TABLE_IDS[row.table - 1]!;
    it(`${table}#${row.row} ${row.port}/${row.transport} has a rule`, () => {
      const matching = RULES.filter((r) => r.seed.table === table && r.seed.row === row.row);
      expect(matching.length).toBeGreaterThan(0);
      for (const r of matching) {
        expect(r.seed.text).toBe(row.text);
        if (row.port === 'xxx') expect(r.ports).toEqual([]);
        else expect(r.ports).toContain(Number(row.port));
        if (row.transport === 'UDP') expect(r.transport).toBe('udp');
        if (/^(TCP|HTTP|HTTPS)$/.test(row.transport)) expect(r.transport).toBe('tcp');
      }
      if (row.transport === 'UDP/TCP') {
        expect(new Set(matching.filter((r) => !r.inferred).map((r) => r.transport))).toEqual(new Set(['udp', 'tcp']));
      }
    });
  }
  it('every rule points at a real seed row', () => {
    const keys = new Set(rows.map((r) => `${TABLE_IDS[r.table - 1]}#${r.row}`));
    for (const r of RULES) expect(keys.has(`${r.seed.table}#${r.seed.row}`), r.id).toBe(true);
  });
});

describe('rule data', () => {
  it('ids are unique and services are known', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(SERVICE_IDS).toContain(r.service);
      expect(WFO_SERVICES).toContain(r.owner);
    }
  });
  it('every service id of the issue has at least one rule', () => {
    for (const s of SERVICE_IDS) expect(RULES.some((r) => r.service === s || r.owner === s), s).toBe(true);
  });
  it('expected protocols follow the seed', () => {
    const app = (id: string) => RULES.find((r) => r.id === id)!.app;
    expect(app('web-portal.in.80')).toBe('http');
    expect(app('web-portal.hybrid.443')).toBe('tls');
    expect(app('cti-core.sql.1433')).toBe('tds');
    expect(app('archiver.cifs.445')).toBe('smb2');
    expect(app('rabbitmq.in.5672')).toBe('amqp');
    expect(app('survey.in.5060.udp')).toBe('sip');
    expect(app('logger.snmp.162')).toBe('snmp');
    expect(app('logger.smtp.25')).toBe('smtp');
    expect(app('web-media.in.943')).toBe('silverlight-policy');
    expect(app('api-server.in.5620')).toBeNull();
  });
  it.runIf(withSeed)('renderDesign json lists every seed row with its reference', () => {
    const doc = JSON.parse(renderDesign(resolveDesign(null), 'json')) as { rules: { id: string; seed: { table: string; row: number; text: string } }[] };
    const listed = new Set(doc.rules.map((r) => `${r.seed.table}#${r.seed.row}|${r.seed.text}`));
    for (const row of readSeedRows().rows) expect(listed.has(`${TABLE_IDS[row.table - 1]}#${row.row}|${row.text}`), row.text).toBe(true);
    expect(doc.rules.length).toBe(RULES.length);
  });
});
