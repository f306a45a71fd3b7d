/**
 * RDP identification from the TPKT / X.224 connection setup.
 *
 * RFC 1006 §6 TPKT: version 3, reserved 0, length(2, big-endian, header included).
 * ITU-T X.224 §13.3 / §13.4: CR TPDU code 0xE0, CC TPDU code 0xD0 (low nibble CDT 0),
 * LI(1) code(1) DST-REF(2) SRC-REF(2) class-option(1); DST-REF is 0 in a CR.
 * [MS-RDPBCGR] §2.2.1.1 Client X.224 Connection Request: after the fixed part an
 * optional "Cookie: mstshash=..." or routing token line, then an optional RDP_NEG_REQ
 * (type 0x01, flags, length 8 LE, requestedProtocols u32 LE); §2.2.1.2 Server X.224
 * Connection Confirm: optional RDP_NEG_RSP (type 0x02, selectedProtocol) or
 * RDP_NEG_FAILURE (type 0x03). ISO-TSAP users of X.224 (e.g. S7 on 102) put variable
 * parameters (0xC0-0xC2) right after the fixed part instead, and are not RDP.
 */
import { type AppMatch, hasAscii, u16be, u32le } from './bytes.js';

const CR = 0xe0;
const CC = 0xd0;
const NEG_REQ = 0x01;
const NEG_RSP = 0x02;
const NEG_FAILURE = 0x03;

/** Names of the RDP security protocol flags ([MS-RDPBCGR] §2.2.1.1.1). */
function protocols(v: number): string {
  if (v === 0) return 'rdp';
  const names: string[] = [];
  if (v & 1) names.push('ssl');
  if (v & 2) names.push('hybrid');
  if (v & 4) names.push('rdstls');
  if (v & 8) names.push('hybrid-ex');
  if (v & 0x10) names.push('rdsaad');
  return names.length > 0 ? names.join('+') : `0x${v.toString(16)}`;
}

/**
 * Identifies an X.224 connection request (client) or confirm (server) carried in TPKT
 * in the shape RDP uses (detail: requested or selected security protocols when present).
 */
export function identifyRdp(b: Uint8Array, fromClient: boolean): AppMatch | null {
  if (b.length < 11 || b[0] !== 3 || b[1] !== 0) return null;
  const tpktLen = u16be(b, 2);
  const li = b[4]!;
  if (tpktLen < 11 || li < 6 || li !== tpktLen - 5) return null;
  const code = b[5];
  if (code !== (fromClient ? CR : CC)) return null;
  if (fromClient && (b[6] !== 0 || b[7] !== 0)) return null;
  if (b[10] !== 0) return null; // class 0, no options
  const end = Math.min(b.length, tpktLen);
  let i = 11;
  if (fromClient) {
    if (i < end && (hasAscii(b, i, 'Cookie: ') || hasAscii(b, i, 'Cookie:'))) {
      while (i < end && b[i] !== 0x0a) i++;
      i++;
    }
    if (i + 8 <= end && b[i] === NEG_REQ && b[i + 2] === 8 && b[i + 3] === 0) {
      return { detail: `connection-request requested=${protocols(u32le(b, i + 4))}` };
    }
    if (i >= end || tpktLen === 11) return { detail: 'connection-request' };
    if (i + 8 > end && b[i] === NEG_REQ) return { detail: 'connection-request' };
    return null;
  }
  if (tpktLen === 11) return { detail: 'connection-confirm' };
  if (i + 8 <= end && b[i + 2] === 8 && b[i + 3] === 0) {
    if (b[i] === NEG_RSP) return { detail: `connection-confirm selected=${protocols(u32le(b, i + 4))}` };
    if (b[i] === NEG_FAILURE) return { detail: 'connection-confirm negotiation-failure' };
  }
  if (i + 8 > end && (b[i] === NEG_RSP || b[i] === NEG_FAILURE)) return { detail: 'connection-confirm' };
  return null;
}
