/**
 * Real-looking first payloads of the protocols a WFO deployment speaks, so the
 * fixtures exercise protocol identification the way real traffic would. Each
 * builder follows the named specification closely enough that tshark's
 * dissector recognises it.
 */
import { ascii, concat, hex } from './craft.js';

/** TDS PRELOGIN request (MS-TDS §2.2.6.5, packet header §2.2.3.1): VERSION, ENCRYPTION, INSTOPT, THREADID, MARS. */
export function tdsPrelogin(): Uint8Array {
  const opts = hex(
    '00 001a 0006' + // VERSION at 26, 6 bytes
    '01 0020 0001' + // ENCRYPTION at 32
    '02 0021 0001' + // INSTOPT at 33
    '03 0022 0004' + // THREADID at 34
    '04 0026 0001' + // MARS at 38
    'ff' +
    '0f00 07d0 0000' + // version 15.0.2000, subbuild 0
    '00' + // ENCRYPT_OFF
    '00' + // instance name "" (NUL)
    '00001234' +
    '00',
  );
  const len = 8 + opts.length;
  return concat(hex(`12 01 ${len.toString(16).padStart(4, '0')} 0000 01 00`), opts);
}

/** SMB2 NEGOTIATE request (MS-SMB2 §2.2.1.2, §2.2.3) in a NetBIOS session message (RFC 1002 §4.3.1). */
export function smb2Negotiate(): Uint8Array {
  const header = hex(
    'fe534d42' + '4000' + '0000' + '00000000' + // ProtocolId, StructureSize 64, CreditCharge, Status
    '0000' + '0100' + '00000000' + '00000000' + // Command NEGOTIATE, CreditRequest 1, Flags, NextCommand
    '0000000000000000' + '00000000' + '00000000' + // MessageId, Reserved, TreeId
    '0000000000000000' + '00000000000000000000000000000000', // SessionId, Signature
  );
  const body = hex(
    '2400' + '0200' + '0100' + '0000' + '7f000000' + // StructureSize 36, DialectCount 2, SecurityMode signing enabled, Reserved, Capabilities
    '57464f2d4155444954000000000000ee' + // ClientGuid
    '0000000000000000' + // ClientStartTime
    '0202' + '1002', // SMB 2.0.2, 2.1
  );
  const smb = concat(header, body);
  return concat(hex(`00 ${smb.length.toString(16).padStart(6, '0')}`), smb);
}

/** HTTP/1.1 GET (RFC 9112 §3) as a browser sends to the web portal. */
export function httpGet(host: string, path = '/WFO/Portal/Default.aspx'): Uint8Array {
  return ascii(
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64)\r\n` +
    'Accept: text/html,application/xhtml+xml\r\nConnection: keep-alive\r\n\r\n',
  );
}

/** HTTP/1.1 POST with a small body, as the connection-pooling service sends to the cloud. */
export function httpPost(host: string, path: string, body: string): Uint8Array {
  return ascii(
    `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
}

/** A short HTTP/1.1 200 response. */
export function httpOk(body = '<html><body>inContact WFO</body></html>'): Uint8Array {
  return ascii(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}

/** Silverlight socket policy request (sent on 943, NUL-terminated, per the Silverlight network security docs). */
export function policyFileRequest(): Uint8Array {
  return concat(ascii('<policy-file-request/>'), new Uint8Array(1));
}

/** A permissive Silverlight cross-domain policy reply. */
export function policyFileResponse(): Uint8Array {
  return concat(ascii(
    '<?xml version="1.0" encoding="utf-8"?><access-policy><cross-domain-access><policy>' +
    '<allow-from><domain uri="*"/></allow-from><grant-to><socket-resource port="4502-4534" protocol="tcp"/></grant-to>' +
    '</policy></cross-domain-access></access-policy>',
  ), new Uint8Array(1));
}

// ---- ASN.1 BER (X.690 §8) just large enough for an SNMP trap ----

function berLen(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  if (n < 0x100) return Uint8Array.of(0x81, n);
  return Uint8Array.of(0x82, n >> 8, n & 0xff);
}
function tlv(tag: number, body: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(tag), berLen(body.length), body);
}
function berInt(tag: number, v: number): Uint8Array {
  const bytes: number[] = [];
  let x = v >>> 0;
  do { bytes.unshift(x & 0xff); x >>>= 8; } while (x > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(tag, Uint8Array.from(bytes));
}
function berOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  const out: number[] = [arcs[0]! * 40 + arcs[1]!];
  for (const a of arcs.slice(2)) {
    const groups: number[] = [];
    let x = a;
    do { groups.unshift(x & 0x7f); x = Math.floor(x / 128); } while (x > 0);
    for (let i = 0; i < groups.length - 1; i++) groups[i]! |= 0x80;
    out.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** SNMPv2c SNMPv2-Trap-PDU (RFC 3416 §3, §4.2.6; RFC 1901 message) with sysUpTime.0 and snmpTrapOID.0. */
export function snmpTrap(community = 'public', requestId = 1, uptime = 123456): Uint8Array {
  const vb1 = tlv(0x30, concat(berOid('1.3.6.1.2.1.1.3.0'), berInt(0x43, uptime)));
  const vb2 = tlv(0x30, concat(berOid('1.3.6.1.6.3.1.1.4.1.0'), berOid('1.3.6.1.4.1.8072.2.3.0.1')));
  const pdu = tlv(0xa7, concat(berInt(0x02, requestId), berInt(0x02, 0), berInt(0x02, 0), tlv(0x30, concat(vb1, vb2))));
  return tlv(0x30, concat(berInt(0x02, 1), tlv(0x04, ascii(community)), pdu));
}

/** SIP INVITE (RFC 3261 §8.1.1) with a minimal SDP offer (RFC 4566), as a PBX trunk sends to the survey/CTI core. */
export function sipInvite(from: string, to: string, sport: number): Uint8Array {
  const sdp =
    `v=0\r\no=pbx 1 1 IN IP4 ${from}\r\ns=call\r\nc=IN IP4 ${from}\r\nt=0 0\r\n` +
    'm=audio 20000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
  return ascii(
    `INVITE sip:survey@${to}:5060 SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP ${from}:${sport};branch=z9hG4bK776asdhds\r\n` +
    'Max-Forwards: 70\r\n' +
    `To: <sip:survey@${to}>\r\n` +
    `From: <sip:1000@${from}>;tag=1928301774\r\n` +
    `Call-ID: a84b4c76e66710@${from}\r\n` +
    'CSeq: 314159 INVITE\r\n' +
    `Contact: <sip:1000@${from}:${sport}>\r\n` +
    'Content-Type: application/sdp\r\n' +
    `Content-Length: ${sdp.length}\r\n\r\n${sdp}`,
  );
}

/** SIP 100 Trying reply. */
export function sipTrying(from: string, sport: number): Uint8Array {
  return ascii(
    'SIP/2.0 100 Trying\r\n' +
    `Via: SIP/2.0/UDP ${from}:${sport};branch=z9hG4bK776asdhds\r\n` +
    `Call-ID: a84b4c76e66710@${from}\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n`,
  );
}

/** AMQP 0-9-1 protocol header (AMQP 0-9-1 spec §4.2.2): "AMQP" 0 0 9 1. */
export function amqpHeader(): Uint8Array {
  return concat(ascii('AMQP'), Uint8Array.of(0, 0, 9, 1));
}

/** SMTP greeting (RFC 5321 §4.2), which the server sends first. */
export function smtpGreeting(name = 'smtp-relay.example.com'): Uint8Array {
  return ascii(`220 ${name} ESMTP ready\r\n`);
}

/** SMTP EHLO (RFC 5321 §4.1.1.1). */
export function smtpEhlo(name = 'wfo-logger'): Uint8Array {
  return ascii(`EHLO ${name}\r\n`);
}

/**
 * TLS 1.2/1.3 ClientHello (RFC 8446 §4.1.2) in a handshake record (§5.1), with
 * server_name (RFC 6066 §3) and supported_versions (RFC 8446 §4.2.1).
 */
export function tlsClientHello(serverName: string): Uint8Array {
  const name = ascii(serverName);
  const sniList = concat(Uint8Array.of(0, name.length >> 8, name.length & 0xff), name);
  const sni = concat(hex('0000'), u16(sniList.length + 2), u16(sniList.length), sniList);
  const versions = hex('002b 0005 04 0304 0303');
  const groups = hex('000a 0004 0002 001d');
  const sigs = hex('000d 0006 0004 0403 0804');
  const exts = concat(sni, versions, groups, sigs);
  const random = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff);
  const suites = hex('1301 1302 c02f c030');
  const body = concat(
    hex('0303'), random, Uint8Array.of(0),
    u16(suites.length), suites,
    Uint8Array.of(1, 0),
    u16(exts.length), exts,
  );
  const hs = concat(Uint8Array.of(1, 0, body.length >> 8, body.length & 0xff), body);
  return concat(hex('16 0301'), u16(hs.length), hs);
}

function u16(n: number): Uint8Array {
  return Uint8Array.of(n >> 8, n & 0xff);
}

/** RDP connection request: TPKT (RFC 1006 §6) + X.224 CR TPDU + cookie + RDP_NEG_REQ (MS-RDPBCGR §2.2.1.1). */
export function rdpConnectionRequest(user = 'admin'): Uint8Array {
  const cookie = ascii(`Cookie: mstshash=${user}\r\n`);
  const neg = hex('01 00 0800 03000000');
  const x224Len = 6 + cookie.length + neg.length;
  const x224 = concat(Uint8Array.of(x224Len, 0xe0, 0, 0, 0, 0, 0), cookie, neg);
  const total = 4 + x224.length;
  return concat(Uint8Array.of(3, 0, total >> 8, total & 0xff), x224);
}

/** A DNS query for an A record (RFC 1035 §4.1), used as neutral background UDP. */
export function dnsQuery(id: number, qname: string): Uint8Array {
  const labels = qname.split('.').map((l) => concat(Uint8Array.of(l.length), ascii(l)));
  return concat(u16(id), hex('0100 0001 0000 0000 0000'), ...labels, hex('00 0001 0001'));
}

/** A DNS answer to `dnsQuery` with one A record. */
export function dnsAnswer(id: number, qname: string, addr: [number, number, number, number]): Uint8Array {
  const labels = qname.split('.').map((l) => concat(Uint8Array.of(l.length), ascii(l)));
  return concat(u16(id), hex('8180 0001 0001 0000 0000'), ...labels, hex('00 0001 0001'),
    hex('c00c 0001 0001 0000012c 0004'), Uint8Array.from(addr));
}

/** Opaque application bytes of a given length (deterministic), for ports whose protocol is proprietary. */
export function opaque(len: number, seed = 1): Uint8Array {
  const out = new Uint8Array(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
