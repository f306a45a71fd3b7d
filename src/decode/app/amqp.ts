/**
 * AMQP identification from the protocol header or the server's first frame.
 *
 * AMQP 0-9-1 specification §4.2.2 protocol header: "AMQP" %d0 %d0 %d9 %d1 (older
 * brokers and clients: "AMQP" %d1 %d1 %d0 %d9 for 0-9 and %d1 %d1 %d8 %d0 for 0-8);
 * OASIS AMQP 1.0 §2.2: "AMQP" protocol-id(0 AMQP, 2 TLS, 3 SASL) 1 0 0.
 * §4.2.3 general frame: type(1: method) channel(2) size(4) payload frame-end(0xCE);
 * §4.2.4 method payload: class-id(2) method-id(2); connection.start is class 10,
 * method 10, whose first arguments are version-major(0) version-minor(9).
 * §4.2.6 heartbeat frame: type 8, channel 0, size 0. The class and method ids named
 * in details are those of the 0-9-1 XML specification (connection 10, channel 20,
 * access 30, exchange 40, queue 50, basic 60, tx 90; RabbitMQ's confirm 85).
 */
import { type AppMatch, hasAscii, u16be, u32be } from './bytes.js';

const FRAME_METHOD = 1;
const FRAME_HEARTBEAT = 8;
/** RabbitMQ's default frame_max (131072); no frame of a connection exceeds the negotiated maximum. */
const MAX_FRAME = 131072;

/** Method names per class id, indexed by method id (0-9-1 specification, RabbitMQ confirm extension). */
const METHODS: Record<number, [string, Record<number, string>]> = {
  10: ['connection', { 10: 'start', 11: 'start-ok', 20: 'secure', 21: 'secure-ok', 30: 'tune', 31: 'tune-ok',
    40: 'open', 41: 'open-ok', 50: 'close', 51: 'close-ok', 60: 'blocked', 61: 'unblocked' }],
  20: ['channel', { 10: 'open', 11: 'open-ok', 20: 'flow', 21: 'flow-ok', 40: 'close', 41: 'close-ok' }],
  30: ['access', { 10: 'request', 11: 'request-ok' }],
  40: ['exchange', { 10: 'declare', 11: 'declare-ok', 20: 'delete', 21: 'delete-ok', 30: 'bind', 31: 'bind-ok',
    40: 'unbind', 51: 'unbind-ok' }],
  50: ['queue', { 10: 'declare', 11: 'declare-ok', 20: 'bind', 21: 'bind-ok', 30: 'purge', 31: 'purge-ok',
    40: 'delete', 41: 'delete-ok', 50: 'unbind', 51: 'unbind-ok' }],
  60: ['basic', { 10: 'qos', 11: 'qos-ok', 20: 'consume', 21: 'consume-ok', 30: 'cancel', 31: 'cancel-ok',
    40: 'publish', 50: 'return', 60: 'deliver', 70: 'get', 71: 'get-ok', 72: 'get-empty', 80: 'ack',
    90: 'reject', 100: 'recover-async', 110: 'recover', 111: 'recover-ok', 120: 'nack' }],
  85: ['confirm', { 10: 'select', 11: 'select-ok' }],
  90: ['tx', { 10: 'select', 11: 'select-ok', 20: 'commit', 21: 'commit-ok', 30: 'rollback', 31: 'rollback-ok' }],
};
const FRAME_END = 0xce;
const CLASS_CONNECTION = 10;
const METHOD_START = 10;

/**
 * Identifies an AMQP protocol header (either side: a broker answers an unsupported
 * version with its own header), a connection.start method frame from the server, or,
 * on connections captured midstream, any 0-9-1 method frame with a known class and
 * method whose frame-end octet is where its size says (or beyond the captured bytes),
 * or a heartbeat frame.
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
  if (b.length >= 8 && b[0] === FRAME_HEARTBEAT && b[1] === 0 && b[2] === 0 && u32be(b, 3) === 0) {
    return b[7] === FRAME_END ? { detail: 'heartbeat' } : null;
  }
  if (b.length < 11 || b[0] !== FRAME_METHOD) return null;
  if (fromClient || b[1] !== 0 || b[2] !== 0 || u16be(b, 7) !== CLASS_CONNECTION || u16be(b, 9) !== METHOD_START) {
    return methodFrame(b);
  }
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

/** Any known method frame: class and method ids from the table, size within frame_max, frame-end in place. */
function methodFrame(b: Uint8Array): AppMatch | null {
  const size = u32be(b, 3);
  if (size < 4 || size > MAX_FRAME) return null;
  const cls = METHODS[u16be(b, 7)];
  if (cls === undefined) return null;
  const method = cls[1][u16be(b, 9)];
  if (method === undefined) return null;
  if (b.length > 7 + size && b[7 + size] !== FRAME_END) return null;
  return { detail: `${cls[0]}.${method}` };
}
