/**
 * Helpers for the Zeek conn-log tests: parse text with ZeekConnParser, write conn logs
 * (TSV with Zeek's header, or JSON lines) from row objects, and turn a TSV log into
 * the JSON-lines form Zeek writes with `LogAscii::use_json` (unset fields left out).
 */
import type { FlowRecord } from '../../src/flow/types.js';
import { ZeekConnParser } from '../../src/records/zeek-conn.js';

/** Parses `text` as one input and returns the flows (in emission order) and the parser (counts). */
export function parseConn(text: string, name = 'conn.log', synGrace = 3): { flows: FlowRecord[]; parser: ZeekConnParser } {
  const flows: FlowRecord[] = [];
  let id = 0;
  const p = new ZeekConnParser(name, 0, { nextId: () => id++, flow: (f) => flows.push(f) }, synGrace);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) p.line(lines[i]!, i + 1);
  p.finish();
  return { flows, parser: p };
}

/** The conn.log columns of Zeek 6 (with ip_proto), in order, with their types. */
export const FIELDS: readonly [string, string][] = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'], ['proto', 'enum'], ['service', 'string'], ['duration', 'interval'], ['orig_bytes', 'count'],
  ['resp_bytes', 'count'], ['conn_state', 'string'], ['local_orig', 'bool'], ['local_resp', 'bool'],
  ['missed_bytes', 'count'], ['history', 'string'], ['orig_pkts', 'count'], ['orig_ip_bytes', 'count'],
  ['resp_pkts', 'count'], ['resp_ip_bytes', 'count'], ['tunnel_parents', 'set[string]'], ['ip_proto', 'count'],
];

/** One row as field name -> text ('-' unset). Missing fields are unset. */
export type Row = Record<string, string>;

/** A TSV conn log as Zeek writes it, from rows (extra columns appended when `extra` names them). */
export function tsvLog(rows: Row[], extra: [string, string][] = []): string {
  const f = [...FIELDS, ...extra];
  const head = [
    '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn',
    '#open\t2024-03-12-14-00-00',
    `#fields\t${f.map((x) => x[0]).join('\t')}`, `#types\t${f.map((x) => x[1]).join('\t')}`,
  ];
  const body = rows.map((r) => f.map(([k]) => r[k] ?? '-').join('\t'));
  return [...head, ...body, '#close\t2024-03-12-15-00-00', ''].join('\n');
}

/** A conn row with defaults: 10.0.0.1:50000 -> 10.0.0.2:443 tcp SF, 1 s at t=1710252000. */
export function row(over: Row): Row {
  return {
    ts: '1710252000.000000', uid: 'Cabc', 'id.orig_h': '10.0.0.1', 'id.orig_p': '50000', 'id.resp_h': '10.0.0.2',
    'id.resp_p': '443', proto: 'tcp', duration: '1.000000', orig_bytes: '100', resp_bytes: '200', conn_state: 'SF',
    missed_bytes: '0', history: 'ShADadFf', orig_pkts: '5', orig_ip_bytes: '400', resp_pkts: '5', resp_ip_bytes: '500',
    ip_proto: '6', ...over,
  };
}

const NUMERIC = new Set(['time', 'interval', 'count', 'port', 'int', 'double']);

/**
 * The JSON-lines form of a TSV conn log, as `LogAscii::use_json` writes it: one object per
 * row, numbers as numbers, sets as arrays, unset fields left out; a masked ts is kept as text.
 */
export function tsvToJson(tsv: string): string {
  let sep = '\t', unset = '-', empty = '(empty)', setSep = ',';
  let names: string[] = [], types: string[] = [];
  const out: string[] = [];
  for (const line of tsv.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#separator ')) { sep = line.slice(11).replace(/\\x([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))); continue; }
    if (line.startsWith('#')) {
      const [k, ...v] = line.split(sep);
      const value = v.join(sep);
      if (k === '#unset_field') unset = value;
      else if (k === '#empty_field') empty = value;
      else if (k === '#set_separator') setSep = value;
      else if (k === '#fields') names = v;
      else if (k === '#types') types = v;
      continue;
    }
    const vals = line.split(sep);
    const o: Record<string, unknown> = {};
    names.forEach((n, i) => {
      const s = vals[i]!;
      const t = types[i] ?? 'string';
      if (s === unset) return;
      if (t.startsWith('set[') || t.startsWith('vector[')) o[n] = s === empty ? [] : s.split(setSep);
      else if (t === 'bool') o[n] = s === 'T';
      else if (NUMERIC.has(t) && /^-?[0-9.]+(e[-+]?\d+)?$/i.test(s)) o[n] = Number(s);
      else o[n] = s === empty ? '' : s;
    });
    out.push(JSON.stringify(o));
  }
  return out.join('\n') + '\n';
}
