/**
 * SNMP identification from the BER-encoded message.
 *
 * X.690 §8.1.2 identifier, §8.1.3 definite length (short form, or 0x81-0x84 long form).
 * RFC 1157 §4 / RFC 1901 §3 / RFC 3416 §3: Message ::= SEQUENCE { version INTEGER
 * (0 v1, 1 v2c), community OCTET STRING, data PDUs }; PDU tags [0]-[8] context
 * constructed (0xa0 GetRequest, 0xa1 GetNextRequest, 0xa2 Response, 0xa3 SetRequest,
 * 0xa4 v1 Trap, 0xa5 GetBulkRequest, 0xa6 InformRequest, 0xa7 SNMPv2-Trap, 0xa8 Report).
 * RFC 3412 §6: SNMPv3Message ::= SEQUENCE { msgVersion INTEGER (3), msgGlobalData
 * SEQUENCE { msgID, msgMaxSize, msgFlags OCTET STRING (SIZE(1)), msgSecurityModel },
 * msgSecurityParameters OCTET STRING, msgData (ScopedPDU SEQUENCE or encrypted OCTET STRING) }.
 */
import type { AppMatch } from './bytes.js';

const PDU_NAMES = [
  'get-request', 'get-next-request', 'response', 'set-request', 'trap',
  'get-bulk-request', 'inform-request', 'snmpV2-trap', 'report',
];
const TAG_SEQUENCE = 0x30;
const TAG_INTEGER = 0x02;
const TAG_OCTETS = 0x04;

/** Set by `tlv`: end of the element's contents (may lie beyond the captured bytes). */
let contentEnd = 0;

/**
 * When `b[i]` is `tag` with a definite length whose contents end within `limit`,
 * returns the start of the contents (and sets `contentEnd`); otherwise -1.
 */
function tlv(b: Uint8Array, i: number, limit: number, tag: number): number {
  if (i + 2 > b.length || b[i] !== tag) return -1;
  const first = b[i + 1]!;
  let len = 0;
  let at = i + 2;
  if (first < 0x80) {
    len = first;
  } else {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || at + n > b.length) return -1;
    for (let k = 0; k < n; k++) len = len * 256 + b[at + k]!;
    at += n;
  }
  if (at + len > limit) return -1;
  contentEnd = at + len;
  return at;
}

/** Small INTEGER value at `i` (at most 4 content bytes, non-negative), or -1. */
function smallInt(b: Uint8Array, i: number, limit: number): number {
  const at = tlv(b, i, limit, TAG_INTEGER);
  if (at < 0 || contentEnd - at < 1 || contentEnd - at > 5 || contentEnd > b.length) return -1;
  if (b[at]! & 0x80) return -1;
  let v = 0;
  for (let k = at; k < contentEnd; k++) v = v * 256 + b[k]!;
  return v;
}

/**
 * Identifies an SNMP v1/v2c message (detail: version and PDU type, never the
 * community) or an SNMPv3 message (detail: security level and, when in clear, the PDU type).
 */
export function identifySnmp(b: Uint8Array, _fromClient: boolean): AppMatch | null {
  const outer = tlv(b, 0, 0x7fffffff, TAG_SEQUENCE);
  if (outer < 0) return null;
  const end = contentEnd;
  const version = smallInt(b, outer, end);
  if (version !== 0 && version !== 1 && version !== 3) return null;
  const afterVersion = contentEnd;
  if (version === 3) return v3(b, afterVersion, end);
  const community = tlv(b, afterVersion, end, TAG_OCTETS);
  if (community < 0) return null;
  const p = contentEnd;
  if (p >= b.length) return null;
  const tag = b[p]!;
  if (tag < 0xa0 || tag > 0xa8 || tlv(b, p, end, tag) < 0) return null;
  // Trap-PDU ([4]) exists only in v1; GetBulk/Inform/v2-trap/report only from v2c on.
  if (version === 0 && tag > 0xa4) return null;
  if (version === 1 && tag === 0xa4) return null;
  return { detail: `${version === 0 ? 'v1' : 'v2c'} ${PDU_NAMES[tag - 0xa0]}` };
}

function v3(b: Uint8Array, i: number, end: number): AppMatch | null {
  const global = tlv(b, i, end, TAG_SEQUENCE);
  if (global < 0) return null;
  const globalEnd = contentEnd;
  if (smallInt(b, global, globalEnd) < 0) return null;
  const maxSize = smallInt(b, contentEnd, globalEnd);
  if (maxSize < 484) return null;
  const flagsAt = tlv(b, contentEnd, globalEnd, TAG_OCTETS);
  if (flagsAt < 0 || contentEnd !== flagsAt + 1 || flagsAt >= b.length) return null;
  const flags = b[flagsAt]!;
  // RFC 3412 §6.4: privacy without authentication is invalid.
  if ((flags & 0xf8) !== 0 || (flags & 3) === 2) return null;
  if (smallInt(b, contentEnd, globalEnd) < 1) return null;
  const level = (flags & 2) ? 'authPriv' : (flags & 1) ? 'authNoPriv' : 'noAuthNoPriv';
  let detail = `v3 ${level}`;
  const secAt = tlv(b, globalEnd, end, TAG_OCTETS);
  if (secAt >= 0 && (flags & 2) === 0) {
    const scoped = tlv(b, contentEnd, end, TAG_SEQUENCE);
    if (scoped >= 0) {
      const scopedEnd = contentEnd;
      if (tlv(b, scoped, scopedEnd, TAG_OCTETS) >= 0 && tlv(b, contentEnd, scopedEnd, TAG_OCTETS) >= 0) {
        const p = contentEnd;
        if (p < b.length && b[p]! >= 0xa0 && b[p]! <= 0xa8 && b[p] !== 0xa4) detail += ` ${PDU_NAMES[b[p]! - 0xa0]}`;
      }
    }
  }
  return { detail };
}
