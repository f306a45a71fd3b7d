/**
 * A synthetic Zeek conn.log for the bench (issue 15): `rows` TSV rows in Zeek 6's columns,
 * between the hosts of fixtures/sites/premises-all.yaml (5,000 client PCs), with the conn_state mix of a busy
 * site (mostly SF, some S0, REJ, S1, OTH, DNS and SNMP over UDP). Seeded: the same
 * arguments always write the same bytes.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32 } from '../synth/prng.js';

const HEADER = [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn', '#open\t2026-01-15-08-00-00',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount',
].join('\n') + '\n';

/** [responder, port, proto, conn_state, history, share] */
const KINDS: readonly [string, number, string, string, string, number][] = [
  ['10.10.0.20', 1433, 'tcp', 'SF', 'ShADadFf', 40],
  ['10.10.0.30', 445, 'tcp', 'SF', 'ShADadFf', 15],
  ['10.10.0.10', 5620, 'tcp', 'S1', 'ShADad', 10],
  ['10.10.0.11', 5672, 'tcp', 'SF', 'ShADadfF', 8],
  ['10.10.0.30', 445, 'tcp', 'S0', 'S', 6],
  ['10.10.0.20', 1433, 'tcp', 'REJ', 'Sr', 4],
  ['10.10.0.10', 2012, 'tcp', 'OTH', 'Dd', 2],
  ['10.10.0.2', 53, 'udp', 'SF', 'Dd', 10],
  ['10.10.0.40', 162, 'udp', 'S0', 'D', 5],
];

/** Writes the log; returns its size in bytes. */
export function writeZeekLog(path: string, rows: number, seed = 15): number {
  const rnd = mulberry32(seed);
  const total = KINDS.reduce((a, k) => a + k[5], 0);
  const fd = openSync(path, 'w');
  let size = 0;
  const put = (s: string): void => { size += writeSync(fd, s); };
  try {
    put(HEADER);
    let t = 1768464000;
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      t += (rnd() % 1000) / 100000;
      let pick = rnd() % total;
      let k = KINDS[0]!;
      for (const x of KINDS) { if (pick < x[5]) { k = x; break; } pick -= x[5]; }
      // 5,000 agent PCs (a large contact centre), each in many connections.
      const client = `10.20.${rnd() % 20}.${1 + (rnd() % 250)}`;
      const cport = 49152 + (rnd() % 16000);
      const tcp = k[2] === 'tcp';
      const answered = k[3] === 'SF' || k[3] === 'S1' || k[3] === 'OTH';
      const op = tcp ? (answered ? 6 + (rnd() % 20) : 1 + (rnd() % 3)) : 1;
      const rp = answered ? (tcp ? 4 + (rnd() % 20) : 1) : k[3] === 'REJ' ? 1 : 0;
      const ob = answered ? rnd() % 20000 : 0, rb = answered ? rnd() % 200000 : 0;
      const dur = answered ? ((rnd() % 300000) / 1000).toFixed(6) : k[3] === 'S0' ? '-' : '0.000400';
      chunk += `${t.toFixed(6)}\tC${i.toString(36)}\t${client}\t${cport}\t${k[0]}\t${k[1]}\t${k[2]}\t-\t${dur}\t${ob}\t${rb}\t${k[3]}\tT\tT\t0\t${k[4]}\t${op}\t${ob + op * 52}\t${rp}\t${rb + rp * 52}\t-\t${tcp ? 6 : 17}\n`;
      if (chunk.length > 1 << 20) { put(chunk); chunk = ''; }
    }
    put(chunk);
    put('#close\t2026-01-15-18-00-00\n');
  } finally {
    closeSync(fd);
  }
  return size;
}
