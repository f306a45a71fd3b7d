/**
 * SMB identification over the NetBIOS session service / direct TCP transport.
 *
 * RFC 1002 §4.3.1 session packet: TYPE(1) FLAGS(1) LENGTH(2), FLAGS bit 0 extends the
 * length to 17 bits; [MS-SMB2] §2.1 direct TCP (445): 0x00 then a 3-byte length.
 * Session message type 0x00 carries SMB; RFC 1002 §4.3.2 SESSION REQUEST (0x81) with
 * two first-level-encoded NetBIOS names (RFC 1001 §14.1), §4.3.3 POSITIVE RESPONSE (0x82),
 * §4.3.4 NEGATIVE RESPONSE (0x83) open a session on 139.
 * [MS-CIFS] §2.2.3.1 SMB1 header: 0xFF 'SMB', Command(1) (0x72 NEGOTIATE).
 * [MS-SMB2] §2.2.1 SMB2 header: 0xFE 'SMB', StructureSize 64 (LE), Command at 12 (LE),
 * Flags at 16 (bit 0 SERVER_TO_REDIR); §2.2.4 NEGOTIATE response DialectRevision at body+4;
 * §2.2.41 transform header 0xFD 'SMB' (encrypted SMB3); §2.2.42 compression 0xFC 'SMB'.
 */
import { type AppMatch, hasAscii, u24be } from './bytes.js';

const NBSS_MESSAGE = 0x00;
const NBSS_REQUEST = 0x81;
const NBSS_POSITIVE = 0x82;
const NBSS_NEGATIVE = 0x83;
const SMB1_NEGOTIATE = 0x72;

const SMB2_COMMANDS = [
  'negotiate', 'session-setup', 'logoff', 'tree-connect', 'tree-disconnect', 'create', 'close', 'flush',
  'read', 'write', 'lock', 'ioctl', 'cancel', 'echo', 'query-directory', 'change-notify', 'query-info',
  'set-info', 'oplock-break',
];

/** Length of the NBSS session message at the start of `b`, or -1 when the 4-byte header is not one. */
function sessionMessageLength(b: Uint8Array): number {
  if (b.length < 8 || b[0] !== NBSS_MESSAGE) return -1;
  return u24be(b, 1);
}

/**
 * Identifies SMB1 (CIFS): an NBSS session message holding 0xFF 'SMB', or the NetBIOS
 * session request / response that opens a session on 139 (detail names which).
 */
export function identifySmb(b: Uint8Array, _fromClient: boolean): AppMatch | null {
  if (b.length >= 4 && b[1]! <= 1) {
    const t = b[0];
    const len = ((b[1]! & 1) << 16) | (b[2]! << 8) | b[3]!;
    if (t === NBSS_REQUEST) return sessionRequest(b, len);
    if ((t === NBSS_POSITIVE && len === 0) || (t === NBSS_NEGATIVE && len === 1)) {
      return { detail: t === NBSS_POSITIVE ? 'netbios-session-positive' : 'netbios-session-negative' };
    }
  }
  const len = sessionMessageLength(b);
  if (len < 32 || b[4] !== 0xff || !hasAscii(b, 5, 'SMB')) return null;
  if (b.length <= 8) return { detail: null };
  const cmd = b[8]!;
  if (cmd !== SMB1_NEGOTIATE) return { detail: `command=0x${cmd.toString(16).padStart(2, '0')}` };
  // A client negotiate that offers "SMB 2.002"/"SMB 2.???" is about to switch to SMB2.
  for (let i = 36; i + 5 <= b.length; i++) {
    if (b[i] === 0x02 && hasAscii(b, i + 1, 'SMB 2')) return { detail: 'negotiate (offers SMB2)' };
  }
  return { detail: 'negotiate' };
}

/** RFC 1002 §4.3.2: two names of 34 bytes (length 32, 32 letters 'A'-'P', terminating 0) in a 68-byte trailer. */
function sessionRequest(b: Uint8Array, len: number): AppMatch | null {
  if (len < 68) return null;
  let called: string | null = null;
  if (b.length >= 4 + 34) {
    if (b[4] !== 0x20 || b[37] !== 0x00) return null;
    let name = '';
    for (let i = 5; i < 37; i += 2) {
      const hi = b[i]! - 0x41;
      const lo = b[i + 1]! - 0x41;
      if (hi < 0 || hi > 15 || lo < 0 || lo > 15) return null;
      const c = (hi << 4) | lo;
      name += c >= 0x21 && c <= 0x7e ? String.fromCharCode(c) : c === 0x20 ? ' ' : '?';
    }
    called = name.slice(0, 15).trimEnd();
  } else if (b.length > 4 && b[4] !== 0x20) {
    return null;
  }
  return { detail: called === null ? 'netbios-session-request' : `netbios-session-request called=${called}` };
}

/**
 * Identifies SMB2/SMB3: an NBSS/direct-TCP message holding 0xFE 'SMB' (detail: command,
 * and the dialect of a negotiate response), 0xFD 'SMB' (encrypted) or 0xFC 'SMB' (compressed).
 */
export function identifySmb2(b: Uint8Array, _fromClient: boolean): AppMatch | null {
  const len = sessionMessageLength(b);
  if (len < 16 || !hasAscii(b, 5, 'SMB')) return null;
  const magic = b[4];
  if (magic === 0xfd) return len >= 52 ? { detail: 'encrypted' } : null;
  if (magic === 0xfc) return { detail: 'compressed' };
  if (magic !== 0xfe || len < 64) return null;
  if (b.length < 18) return { detail: null };
  if (b[8] !== 64 || b[9] !== 0) return null;
  const cmd = b[16]! | (b[17]! << 8);
  const name = SMB2_COMMANDS[cmd];
  if (name === undefined) return null;
  if (cmd === 0 && b.length >= 4 + 64 + 6 && (b[20]! & 1) === 1) {
    const body = 4 + 64;
    return { detail: `negotiate dialect=${dialectName(b[body + 4]! | (b[body + 5]! << 8))}` };
  }
  return { detail: name };
}

/** [MS-SMB2] §2.2.3 dialect revision values. */
function dialectName(d: number): string {
  switch (d) {
    case 0x0202: return '2.0.2';
    case 0x0210: return '2.1';
    case 0x0300: return '3.0';
    case 0x0302: return '3.0.2';
    case 0x0311: return '3.1.1';
    case 0x02ff: return '2.x';
    default: return `0x${d.toString(16).padStart(4, '0')}`;
  }
}
