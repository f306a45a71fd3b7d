/**
 * Hand-built first-payload samples for the identifier tests, each made from the
 * field layout in the cited spec (not copied from captures).
 */

/** Concatenates byte arrays, numbers (single bytes) and ASCII strings. */
export function bytes(...parts: (Uint8Array | number[] | string | number)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p & 0xff);
    else if (typeof p === 'string') for (let i = 0; i < p.length; i++) out.push(p.charCodeAt(i) & 0xff);
    else out.push(...p);
  }
  return Uint8Array.from(out);
}

const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const be24 = (v: number): number[] => [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
const le16 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff];
const le32 = (v: number): number[] => [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff];
const zeros = (n: number): number[] => new Array<number>(n).fill(0);

// ---------------------------------------------------------------- HTTP (RFC 9112)
export const httpGet = bytes('GET /agent/login.aspx HTTP/1.1\r\nAccept: */*\r\nHost: portal.wfo.example\r\nConnection: keep-alive\r\n\r\n');
export const httpResponse = bytes('HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n');
export const httpPostNoHost = bytes('POST /api/v1/schedule HTTP/1.0\r\n\r\n');

// ---------------------------------------------------------------- TLS (RFC 8446)
function ext(type: number, body: number[]): number[] {
  return [...be16(type), ...be16(body.length), ...body];
}

/** A ClientHello record with optional SNI and supported_versions (RFC 8446 §4.1.2, RFC 6066 §3). */
export function tlsClientHello(opts: { sni?: string; versions?: number[]; legacy?: number } = {}): Uint8Array {
  const exts: number[] = [];
  if (opts.sni !== undefined) {
    const name = Array.from(opts.sni, (c) => c.charCodeAt(0));
    const entry = [0, ...be16(name.length), ...name];
    exts.push(...ext(0, [...be16(entry.length), ...entry]));
  }
  exts.push(...ext(10, [0, 2, 0, 29])); // supported_groups: x25519
  if (opts.versions !== undefined) {
    const list = opts.versions.flatMap(be16);
    exts.push(...ext(43, [list.length, ...list]));
  }
  const body = [
    ...be16(opts.legacy ?? 0x0303), ...new Array<number>(32).fill(0x5a), 32, ...new Array<number>(32).fill(0x11),
    0, 4, 0x13, 0x01, 0xc0, 0x2f, 1, 0, ...be16(exts.length), ...exts,
  ];
  const hs = [1, ...be24(body.length), ...body];
  return bytes(22, 3, 1, be16(hs.length), hs);
}

/** A ServerHello record; with `selected`, a supported_versions extension (TLS 1.3 style). */
export function tlsServerHello(selected?: number): Uint8Array {
  const exts = selected === undefined ? [] : ext(43, be16(selected));
  const body = [...be16(0x0303), ...new Array<number>(32).fill(0x33), 0, 0x13, 0x01, 0, ...be16(exts.length), ...exts];
  const hs = [2, ...be24(body.length), ...body];
  return bytes(22, 3, 3, be16(hs.length), hs);
}

// ---------------------------------------------------------------- TDS ([MS-TDS])
function tdsPacket(type: number, status: number, body: number[], window = 0): Uint8Array {
  return bytes(type, status, be16(body.length + 8), 0, 0, 1, window, body);
}

/** PRELOGIN option table (§2.2.6.5): VERSION, ENCRYPTION, INSTOPT, THREADID, MARS, terminator, data. */
function preloginBody(encrypt: number): number[] {
  const opts: [number, number[]][] = [
    [0x00, [16, 0, ...be16(1000), 0, 0]],
    [0x01, [encrypt]],
    [0x02, [0]],
    [0x03, [0, 0, 0x12, 0x34]],
    [0x04, [0]],
  ];
  let off = opts.length * 5 + 1;
  const table: number[] = [];
  const data: number[] = [];
  for (const [token, value] of opts) {
    table.push(token, ...be16(off), ...be16(value.length));
    data.push(...value);
    off += value.length;
  }
  return [...table, 0xff, ...data];
}
export const tdsPrelogin = tdsPacket(0x12, 0x01, preloginBody(0));
export const tdsPreloginResponse = tdsPacket(0x04, 0x01, preloginBody(1));
/** LOGIN7 (§2.2.6.4): Length, TDSVersion 7.4, PacketSize 4096, then the rest of the 94-byte fixed part. */
export const tdsLogin7 = tdsPacket(0x10, 0x01, [...le32(94), ...le32(0x74000004), ...le32(4096), ...zeros(94 - 12)]);
/** SQLBatch with ALL_HEADERS (§2.2.5.3) holding one transaction descriptor header, then UCS-2 text. */
export const tdsSqlBatch = tdsPacket(0x01, 0x01, [
  ...le32(22), ...le32(18), ...le16(2), ...zeros(8), ...le32(1),
  ...Array.from('SELECT 1', (c) => [c.charCodeAt(0), 0]).flat(),
]);
/** A server token stream starting with DONE (§2.2.7.6). */
export const tdsDone = tdsPacket(0x04, 0x01, [0xfd, ...le16(0), ...le16(0xc1), ...le32(0)]);
export { tdsPacket, preloginBody };

// ---------------------------------------------------------------- SMB ([MS-SMB2], [MS-CIFS], RFC 1002)
/** An SMB2 message in a direct-TCP frame: 64-byte header (§2.2.1.2) then `body`. */
export function smb2(command: number, serverToClient: boolean, body: number[]): Uint8Array {
  const hdr = [
    0xfe, 0x53, 0x4d, 0x42, ...le16(64), ...le16(1), ...le32(0), ...le16(command), ...le16(1),
    ...le32(serverToClient ? 1 : 0), ...le32(0), ...zeros(8), ...le32(0), ...le32(0), ...zeros(8), ...zeros(16),
  ];
  const msg = [...hdr, ...body];
  return bytes(0, be24(msg.length), msg);
}
/** NEGOTIATE request body (§2.2.3): StructureSize 36, two dialects. */
export const smb2NegotiateRequest = smb2(0, false, [...le16(36), ...le16(2), ...le16(1), 0, 0, ...le32(0), ...zeros(16), ...zeros(8), ...le16(0x0302), ...le16(0x0311)]);
/** NEGOTIATE response body (§2.2.4): StructureSize 65, SecurityMode, DialectRevision 3.1.1. */
export const smb2NegotiateResponse = smb2(0, true, [...le16(65), ...le16(1), ...le16(0x0311), ...le16(0), ...zeros(16), ...zeros(40)]);
/** SMB1 NEGOTIATE (MS-CIFS §2.2.4.52.1) offering NT LM 0.12 and SMB 2.002. */
export const smb1Negotiate = (() => {
  const dialects = bytes(2, 'NT LM 0.12', 0, 2, 'SMB 2.002', 0);
  const hdr = [0xff, 0x53, 0x4d, 0x42, 0x72, ...le32(0), 0x18, ...le16(0xc853), ...zeros(12), ...le16(0xffff), ...le16(0xfeff), ...le16(0), ...le16(0)];
  const msg = [...hdr, 0, ...le16(dialects.length), ...dialects];
  return bytes(0, be24(msg.length), msg);
})();
/** RFC 1002 §4.3.2 session request, called FILESRV<20>, calling CLIENT<00> (RFC 1001 §14.1 encoding). */
export function nbssSessionRequest(called = 'FILESRV'): Uint8Array {
  const enc = (name: string, suffix: number): number[] => {
    const raw = Array.from(name.padEnd(15, ' '), (c) => c.charCodeAt(0)).concat(suffix);
    return [32, ...raw.flatMap((c) => [0x41 + (c >> 4), 0x41 + (c & 0xf)]), 0];
  };
  const body = [...enc(called, 0x20), ...enc('CLIENT', 0x00)];
  return bytes(0x81, 0, be16(body.length), body);
}
/** SMB3 transform header (§2.2.41): ProtocolId 0xFD 'SMB', 52 bytes, then ciphertext. */
export const smb3Encrypted = bytes(0, be24(52 + 16), 0xfd, 'SMB', zeros(48), zeros(16));

// ---------------------------------------------------------------- AMQP 0-9-1
export const amqpHeader = bytes('AMQP', 0, 0, 9, 1);
function longstr(s: string): number[] {
  return [...be32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}
/** connection.start (class 10 method 10): version 0-9, empty server-properties, mechanisms, locales. */
export const amqpConnectionStart = (() => {
  const payload = [...be16(10), ...be16(10), 0, 9, ...be32(0), ...longstr('PLAIN AMQPLAIN'), ...longstr('en_US')];
  return bytes(1, be16(0), be32(payload.length), payload, 0xce);
})();
/** basic.publish on channel 1 (class 60 method 40): reserved-1, exchange "", routing key "q", flags. */
export const amqpBasicPublish = (() => {
  const payload = [...be16(60), ...be16(40), ...be16(0), 0, 1, 0x71, 0];
  return bytes(1, be16(1), be32(payload.length), payload, 0xce);
})();
export const amqpHeartbeat = bytes(8, 0, 0, 0, 0, 0, 0, 0xce);

// ---------------------------------------------------------------- SIP (RFC 3261)
export const sipInvite = bytes(
  'INVITE sip:2001@pbx.wfo.example SIP/2.0\r\n',
  'Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK776asdhds\r\n',
  'CSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n',
);
export const sipRinging = bytes('SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 10.0.0.5:5060\r\nCSeq: 314159 INVITE\r\n\r\n');
export const sipOptions = bytes('OPTIONS sip:recorder.wfo.example SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n');

// ---------------------------------------------------------------- SNMP (X.690 BER)
/** One BER TLV with a definite length (short or long form). */
export function tlv(tag: number, ...content: (number[] | Uint8Array)[]): number[] {
  const c = content.flatMap((x) => Array.from(x));
  const len = c.length < 0x80 ? [c.length] : c.length < 0x100 ? [0x81, c.length] : [0x82, ...be16(c.length)];
  return [tag, ...len, ...c];
}
const int = (v: number): number[] => tlv(0x02, v < 0x80 ? [v] : v < 0x8000 ? be16(v) : [0, ...be24(v)]);
const octets = (s: string | number[]): number[] => tlv(0x04, typeof s === 'string' ? Array.from(s, (c) => c.charCodeAt(0)) : s);
const oid = [0x06, 8, 0x2b, 6, 1, 2, 1, 1, 1, 0]; // 1.3.6.1.2.1.1.1.0 sysDescr
const varbinds = tlv(0x30, tlv(0x30, oid, [0x05, 0]));
/** v1/v2c message: version, community, PDU with request-id, error-status, error-index, varbinds. */
export function snmpMessage(version: number, pduTag: number, community = 'public'): Uint8Array {
  return Uint8Array.from(tlv(0x30, int(version), octets(community), tlv(pduTag, int(4242), int(0), int(0), varbinds)));
}
/** v1 Trap-PDU (RFC 1157 §4.1.6): enterprise, agent-addr, generic, specific, time-stamp, varbinds. */
export const snmpV1Trap = Uint8Array.from(tlv(0x30, int(0), octets('public'), tlv(0xa4,
  [0x06, 6, 0x2b, 6, 1, 4, 1, 311], [0x40, 4, 10, 0, 0, 9], int(6), int(1), [0x43, 1, 100], varbinds)));
/** v3 message (RFC 3412 §6) with the given msgFlags; clear ScopedPDU unless privacy is on. */
export function snmpV3(flags: number, pduTag = 0xa0): Uint8Array {
  const global = tlv(0x30, int(7), int(65507), octets([flags]), int(3));
  const usm = octets(tlv(0x30, octets([0x80, 0, 0x1f, 0x88]), int(1), int(100), octets('ops'), octets([]), octets([])));
  const data = (flags & 2) !== 0
    ? octets([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4])
    : tlv(0x30, octets([0x80, 0, 0x1f, 0x88]), octets(''), tlv(pduTag, int(1), int(0), int(0), varbinds));
  return Uint8Array.from(tlv(0x30, int(3), global, usm, data));
}

// ---------------------------------------------------------------- SMTP (RFC 5321)
export const smtpBanner = bytes('220 mail.wfo.example ESMTP Postfix\r\n');
export const smtpMultiBanner = bytes('220-relay.wfo.example Microsoft ESMTP MAIL Service ready\r\n220 ok\r\n');
export const smtpEhlo = bytes('EHLO wfo-app01.wfo.example\r\n');
export const ftpBanner = bytes('220 ProFTPD 1.3.8 Server (FTP) ready.\r\n');

// ---------------------------------------------------------------- Silverlight socket policy
export const policyRequest = bytes('<policy-file-request/>');
export const accessPolicy = bytes(
  '<?xml version="1.0" encoding="utf-8"?>\r\n<access-policy><cross-domain-access><policy>',
  '<allow-from><domain uri="*"/></allow-from><grant-to><socket-resource port="4502-4534" protocol="tcp"/></grant-to>',
  '</policy></cross-domain-access></access-policy>',
);
export const flashPolicy = bytes('<?xml version="1.0"?><cross-domain-policy><allow-access-from domain="*" to-ports="*"/></cross-domain-policy>', 0);

// ---------------------------------------------------------------- DNS (RFC 1035)
function qname(name: string): number[] {
  if (name === '') return [0];
  return [...name.split('.').flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]), 0];
}
/** A DNS message: header fields, one question (or none with `question: false`), and raw trailing records. */
export function dnsMessage(o: {
  id?: number; flags: number; qd?: number; an?: number; ns?: number; ar?: number;
  name?: string; qtype?: number; qclass?: number; question?: boolean; rest?: number[];
}): Uint8Array {
  const q = o.question === false ? [] : [...qname(o.name ?? 'wfo.example.com'), ...be16(o.qtype ?? 1), ...be16(o.qclass ?? 1)];
  return bytes(be16(o.id ?? 0x1234), be16(o.flags), be16(o.qd ?? 1), be16(o.an ?? 0), be16(o.ns ?? 0), be16(o.ar ?? 0), q, o.rest ?? []);
}
export const dnsQuery = dnsMessage({ flags: 0x0100, name: 'db01.wfo.example', qtype: 1 });
export const dnsNxdomain = dnsMessage({ flags: 0x8183, name: 'db01.wfo.example', qtype: 28, ns: 0 });
/** The same query over TCP (RFC 1035 §4.2.2): 2-byte length prefix. */
export const dnsQueryTcp = bytes(be16(dnsQuery.length), dnsQuery);
/** mDNS response without a question (RFC 6762 §6): one A record for printer.local. */
export const mdnsResponse = dnsMessage({
  id: 0, flags: 0x8400, qd: 0, an: 1, question: false,
  rest: [...qname('printer.local'), ...be16(1), ...be16(0x8001), ...be32(120), ...be16(4), 10, 0, 0, 7],
});

// ---------------------------------------------------------------- RDP (RFC 1006, X.224, [MS-RDPBCGR])
/** Client X.224 Connection Request with cookie and RDP_NEG_REQ asking for TLS + CredSSP. */
export const rdpConnectionRequest = (() => {
  const rest = [...Array.from('Cookie: mstshash=agent7\r\n', (c) => c.charCodeAt(0)), 0x01, 0x00, 0x08, 0x00, ...le32(3)];
  const x224 = [0xe0, 0, 0, 0, 0, 0, ...rest];
  return bytes(3, 0, be16(4 + 1 + x224.length), x224.length, x224);
})();
/** Server X.224 Connection Confirm with RDP_NEG_RSP selecting TLS. */
export const rdpConnectionConfirm = bytes(3, 0, be16(19), 14, 0xd0, 0, 0, 0x12, 0x34, 0, 0x02, 0x00, 0x08, 0x00, le32(1));
/** A pre-negotiation client (RDP 5.x): bare X.224 CR. */
export const rdpBareRequest = bytes(3, 0, 0, 11, 6, 0xe0, 0, 0, 0, 0, 0);
/** ISO-TSAP CR as S7comm sends it on 102: TPDU size and TSAP parameters; not RDP. */
export const cotpS7Request = bytes(3, 0, 0, 22, 17, 0xe0, 0, 0, 0, 1, 0, 0xc0, 1, 0x0a, 0xc1, 2, 1, 0, 0xc2, 2, 1, 2);
