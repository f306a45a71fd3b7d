/**
 * A synthetic IPFIX file for the bench (issue 14): `records` uniflow records (two per
 * connection) between the hosts of fixtures/sites/premises-all.yaml, with the mix of a busy
 * site (mostly established SQL, SMB, API and RabbitMQ; some unanswered and refused attempts;
 * DNS and SNMP over UDP), 28 records per message as softflowd sends them. Seeded: the same
 * arguments always write the same bytes. Also a sender that replays such a file to a UDP
 * port at a bounded rate (for nfcapd, which drops what it cannot take).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import dgram from 'node:dgram';
import { ipfixMessage, ipfixTemplates, set, UNIFLOW4, uniflow4 } from '../synth/export-writer.js';
import { mulberry32 } from '../synth/prng.js';

/** [client ('pc': a client PC), server, port, proto, client flags, server flags (-1: no reply record), share] */
const KINDS: readonly [string, string, number, number, number, number, number][] = [
  ['10.10.0.10', '10.10.0.20', 1433, 6, 0x1b, 0x1b, 40],
  ['10.10.0.10', '10.10.0.30', 445, 6, 0x1b, 0x1b, 15],
  ['pc', '10.10.0.10', 5620, 6, 0x1a, 0x1a, 10],
  ['10.10.0.11', '10.10.0.10', 5672, 6, 0x1b, 0x1b, 8],
  ['10.10.0.11', '10.10.0.30', 445, 6, 0x02, -1, 6],
  ['10.10.0.11', '10.10.0.20', 1433, 6, 0x02, 0x14, 4],
  ['pc', '10.10.0.10', 2012, 6, 0x18, 0x18, 2],
  ['pc', '10.10.0.2', 53, 17, 0, 0, 10],
  ['10.10.0.10', '10.10.0.40', 162, 17, 0, -1, 5],
];

const PER_MESSAGE = 28;

/** Writes the file; returns its size in bytes and the records written. */
export function writeIpfixFile(path: string, records: number, seed = 14): { bytes: number; records: number } {
  const rnd = mulberry32(seed);
  const total = KINDS.reduce((a, k) => a + k[6], 0);
  const fd = openSync(path, 'w');
  let size = 0, seq = 0, n = 0;
  let t = 1_768_464_000_000;
  let pending: Buffer[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const sets = [set(256, Buffer.concat(pending))];
    if (seq % (PER_MESSAGE * 1000) === 0) sets.unshift(ipfixTemplates([{ id: 256, fields: UNIFLOW4 }]));
    size += writeSync(fd, ipfixMessage({ exportSec: Math.floor(t / 1000), seq, domain: 1 }, sets));
    seq += pending.length;
    pending = [];
  };
  try {
    while (n < records) {
      let pick = rnd() % total, k = KINDS[0]!;
      for (const x of KINDS) { pick -= x[6]; if (pick < 0) { k = x; break; } }
      const [who, server, port, proto, cf, sf] = k;
      const client = who === 'pc' ? `10.20.${1 + (rnd() % 19)}.${1 + (rnd() % 250)}` : who;
      const cport = 49152 + (rnd() % 16000);
      t += rnd() % 4;
      const dur = proto === 6 ? rnd() % 5000 : 1;
      pending.push(uniflow4(client, server, cport, port, proto, cf, 6, 600, t, t + dur));
      n++;
      if (sf >= 0 && n < records) { pending.push(uniflow4(server, client, port, cport, proto, sf, 5, 900, t, t + dur)); n++; }
      if (pending.length >= PER_MESSAGE) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { bytes: size, records: n };
}

/** Sends the messages of an IPFIX file to host:port, `perMs` messages per millisecond at most. */
export async function sendIpfixFile(path: string, host: string, port: number, perMs = 2): Promise<number> {
  const b = readFileSync(path);
  const sock = dgram.createSocket('udp4');
  let p = 0, sent = 0;
  const start = Date.now();
  while (p + 4 <= b.length) {
    const len = (b[p + 2]! << 8) | b[p + 3]!;
    if (len < 16 || p + len > b.length) break;
    await new Promise<void>((r) => sock.send(b.subarray(p, p + len), port, host, () => r()));
    p += len;
    sent++;
    const ahead = sent / perMs - (Date.now() - start);
    if (ahead > 5) await new Promise((r) => setTimeout(r, ahead));
  }
  sock.close();
  return sent;
}

// `node dist/bench/ipfix-file.js send FILE HOST PORT [MESSAGES_PER_MS]`: the sender as a program, for the bench.
if (process.argv[2] === 'send' && process.argv[1]?.endsWith('ipfix-file.js')) {
  const t0 = Date.now();
  sendIpfixFile(process.argv[3]!, process.argv[4]!, Number(process.argv[5]), process.argv[6] ? Number(process.argv[6]) : undefined)
    .then((n) => { process.stdout.write(`${n} messages in ${((Date.now() - t0) / 1000).toFixed(2)} s\n`); });
}
