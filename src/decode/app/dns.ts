/**
 * DNS identification from the message header and the first question.
 *
 * RFC 1035 §4.1.1 header: ID(2) flags(2: QR, Opcode(4), AA, TC, RD, RA, Z, AD, CD (RFC 4035
 * §3.2), RCODE(4)) QDCOUNT ANCOUNT NSCOUNT ARCOUNT; opcodes 0 QUERY, 1 IQUERY (obsolete,
 * RFC 3425), 2 STATUS, 4 NOTIFY (RFC 1996), 5 UPDATE (RFC 2136). §4.1.2 question:
 * QNAME as labels (length 1-63, RFC 1035 §2.3.4, name at most 255 octets) then QTYPE QCLASS;
 * classes 1 IN, 3 CH, 4 HS, 254 NONE, 255 ANY (mDNS sets the top bit, RFC 6762 §5.4).
 * §4.2.2 / RFC 7766 §8: over TCP each message is prefixed by a 2-byte length.
 * mDNS responses (RFC 6762 §6) carry no question: then the first resource record
 * (RFC 1035 §4.1.3: NAME TYPE CLASS TTL RDLENGTH) is checked instead. LLMNR (RFC 4795)
 * and mDNS use the DNS message format and are reported as dns; NetBIOS name service
 * (RFC 1002 §4.2) also borrows it, but its 32-letter encoded names with type NB (0x20)
 * or NBSTAT (0x21) are not DNS and are rejected.
 */
import { type AppMatch, NO_DETAIL, isVisible, u16be } from './bytes.js';

const HEADER = 12;
/** Questions per message: in practice 1; a few tolerated (mDNS, odd resolvers). */
const MAX_QUESTIONS = 4;
/** Upper bound on the other counts for a sane first message. */
const MAX_RECORDS = 512;
const OPCODES = ['query', 'iquery', 'status', '', 'notify', 'update'];
const RCODES = ['', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];
const QTYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV',
  35: 'NAPTR', 43: 'DS', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 251: 'IXFR', 252: 'AXFR', 255: 'ANY',
};

/** Identifies a DNS message carried as a UDP payload (detail: query/response, name, type, error rcode). */
export function identifyDns(b: Uint8Array, _fromClient: boolean, detail = true): AppMatch | null {
  return message(b, 0, b.length, detail);
}

/** Identifies a DNS message over TCP: the 2-byte length prefix (at least a header) and then the message. */
export function identifyDnsTcp(b: Uint8Array, _fromClient: boolean, detail = true): AppMatch | null {
  if (b.length < 2) return null;
  const len = u16be(b, 0);
  if (len < HEADER + 5) return null;
  return message(b, 2, Math.min(b.length, 2 + len), detail);
}

function message(b: Uint8Array, start: number, end: number, detail: boolean): AppMatch | null {
  if (end - start < HEADER + 1) return null;
  const flags = u16be(b, start + 2);
  const qr = (flags & 0x8000) !== 0;
  const opcode = (flags >> 11) & 0xf;
  const rcode = flags & 0xf;
  if (opcode > 5 || opcode === 3 || (flags & 0x0040) !== 0) return null;
  const qd = u16be(b, start + 4);
  const an = u16be(b, start + 6);
  const ns = u16be(b, start + 8);
  const ar = u16be(b, start + 10);
  if (an > MAX_RECORDS || ns > MAX_RECORDS || ar > MAX_RECORDS) return null;
  // Only a response without a question (mDNS) may omit it, and then it must carry records.
  const recordFirst = qd === 0 && qr && opcode === 0 && an + ns + ar > 0;
  if (!recordFirst && (qd < 1 || qd > MAX_QUESTIONS)) return null;
  // A query carries no error code (mDNS queries may carry known answers, RFC 6762 §7.1).
  if (!qr && rcode !== 0) return null;
  let i = start + HEADER;
  // The name text is built only for the detail; `total` > 0 once a whole label was read.
  let name = '';
  let total = 0;
  for (;;) {
    // The flow table keeps only the first bytes: a name cut by their end still counts
    // once a whole label has been checked.
    if (i >= end) return total === 0 ? null : cutName(qr, opcode, name, detail);
    const len = b[i]!;
    if (len === 0) { i++; break; }
    if (len > 63) return null; // no compression pointer can precede the first name
    if (i + 1 + len > end) {
      for (let k = i + 1; k < end; k++) if (!isVisible(b[k]!)) return null;
      return total === 0 ? null : cutName(qr, opcode, name, detail);
    }
    total += len + 1;
    if (total > 254) return null;
    for (let k = i + 1; k <= i + len; k++) if (!isVisible(b[k]!)) return null;
    if (detail) name += (name === '' ? '' : '.') + String.fromCharCode(...b.subarray(i + 1, i + 1 + len));
    i += 1 + len;
  }
  let type = '';
  if (recordFirst && i + 10 > end) return null;
  if (i + 4 <= end) {
    const qtype = u16be(b, i);
    const qclass = u16be(b, i + 2) & 0x7fff;
    if (qtype === 0 || !(qclass === 1 || qclass === 3 || qclass === 4 || qclass === 254 || qclass === 255)) return null;
    if ((qtype === 0x20 || qtype === 0x21) && isNetbiosName(b, start + HEADER)) return null;
    type = QTYPES[qtype] ?? `TYPE${qtype}`;
  }
  if (!detail) return NO_DETAIL;
  let text = `${opName(qr, opcode)} ${name === '' ? '.' : name}`;
  if (type !== '') text += ` ${type}`;
  if (qr && rcode !== 0) text += ` ${RCODES[rcode] ?? `RCODE${rcode}`}`;
  return { detail: text };
}

function opName(qr: boolean, opcode: number): string {
  return opcode === 0 ? (qr ? 'response' : 'query') : `${OPCODES[opcode]}${qr ? '-response' : ''}`;
}

/** Detail for a first name cut by the end of the bytes: what was read, marked as cut. */
function cutName(qr: boolean, opcode: number, name: string, detail: boolean): AppMatch {
  return detail ? { detail: `${opName(qr, opcode)} ${name}...` } : NO_DETAIL;
}

/** RFC 1001 §14.1: a single 32-byte label of letters 'A'-'P' (a first-level encoded NetBIOS name). */
function isNetbiosName(b: Uint8Array, i: number): boolean {
  if (b[i] !== 32 || i + 33 > b.length) return false;
  for (let k = i + 1; k <= i + 32; k++) {
    const c = b[k]!;
    if (c < 0x41 || c > 0x50) return false;
  }
  return true;
}
