/**
 * AMQP identification from the protocol header or the server's first frame.
 *
 * AMQP 0-9-1 specification §4.2.2 protocol header: "AMQP" %d0 %d0 %d9 %d1 (older
 * brokers and clients: "AMQP" %d1 %d1 %d0 %d9 for 0-9 and %d1 %d1 %d8 %d0 for 0-8);
 * OASIS AMQP 1.0 §2.2: "AMQP" protocol-id(0 AMQP, 2 TLS, 3 SASL) 1 0 0.
 * §4.2.3 general frame: type(1: method) channel(2) size(4) payload frame-end(0xCE);
 * §4.2.4 method payload: class-id(2) method-id(2); connection.start is class 10,
 * method 10, whose first arguments are version-major(0) version-minor(9).
 */
import { type AppMatch, hasAscii, u16be, u32be } from './bytes.js';

const FRAME_METHOD = 1;
const FRAME_END = 0xce;
const CLASS_CONNECTION = 10;
const METHOD_START = 10;

/**
 * Identifies an AMQP protocol header (either side: a broker answers an unsupported
 * version with its own header) or a connection.start method frame from the server.
 */
export function identifyAmqp(b: Uint8Array, fromClient: boolean): AppMatch | null {
  if (hasAscii(b, 0, 'AMQP')) {
    if (b.length < 8) return null;
    const v = `${b[4]}.${b[5]}.${b[6]}.${b[7]}`;
    switch (v) {
      case '0.0.9.1': return { detail: 'header 0-9-1' };
      case '1.1.0.9': return { detail: 'header 0-9' };
      case '1.1.8.0': return { detail: 'header 0-8' };
      case '0.1.0.0': return { detail: 'header 1.0' };
      case '2.1.0.0': return { detail: 'header 1.0 tls' };
      case '3.1.0.0': return { detail: 'header 1.0 sasl' };
      default: return null;
    }
  }
  if (fromClient || b.length < 11 || b[0] !== FRAME_METHOD || b[1] !== 0 || b[2] !== 0) return null;
  const size = u32be(b, 3);
  // connection.start carries two tables/strings; the 4096-octet frame-min-size bounds it before tune.
  if (size < 4 + 2 + 4 + 4 + 4 || size > 65536) return null;
  if (u16be(b, 7) !== CLASS_CONNECTION || u16be(b, 9) !== METHOD_START) return null;
  // 0-9-1 announces 0-9; 0-8 brokers announce 8-0.
  let version = '';
  if (b.length >= 13) {
    if (b[11] === 0 && b[12] === 9) version = ' 0-9';
    else if (b[11] === 8 && b[12] === 0) version = ' 0-8';
    else return null;
  }
  if (b.length > 7 + size && b[7 + size] !== FRAME_END) return null;
  return { detail: `connection.start${version}` };
}
