/**
 * The UDP collector of `wfo-audit collect`: one socket for IPFIX, NetFlow v9 and v5
 * (the version is read per datagram). It only receives; it never sends a packet.
 * `exporters` limits who may feed the audit (like `nfcapd -n`): datagrams from other
 * addresses are counted per address and never decoded.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { ExportSession } from './export-session.js';

/** What the collector received. */
export interface CollectorCounts {
  datagrams: number;
  bytes: number;
  /** Datagrams from addresses outside --exporter, by address. */
  refused: Map<string, number>;
}

/** Receive buffer asked for (the kernel caps it at net.core.rmem_max). */
const RECV_BUFFER = 32 << 20;

/** A bound collector socket feeding a session. */
export class Collector {
  readonly counts: CollectorCounts = { datagrams: 0, bytes: 0, refused: new Map() };
  private sock: dgram.Socket | null = null;

  constructor(private readonly session: ExportSession, private readonly exporters: ReadonlySet<string> | null,
    private readonly onDatagram?: () => void) {}

  /** Binds host:port; rejects with a one-line reason (address in use, not an address of this host). */
  open(host: string, port: number): Promise<{ address: string; port: number }> {
    const sock = dgram.createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: RECV_BUFFER });
    this.sock = sock;
    sock.on('message', (msg, r) => {
      this.counts.datagrams++;
      this.counts.bytes += msg.length;
      const who = r.address.startsWith('::ffff:') ? r.address.slice(7) : r.address;
      if (this.exporters !== null && !this.exporters.has(who)) {
        this.counts.refused.set(who, (this.counts.refused.get(who) ?? 0) + 1);
        return;
      }
      const now = Date.now();
      this.session.message(msg, { exporter: who, port: r.port }, now, `${who}:${r.port} datagram ${this.counts.datagrams}`);
      this.session.arrived(now / 1000);
      this.onDatagram?.();
    });
    return new Promise((resolve, reject) => {
      sock.once('error', (e: NodeJS.ErrnoException) => {
        reject(new Error(`cannot listen on ${host}:${port}: ${e.code === 'EADDRINUSE' ? 'the port is in use' : e.code === 'EADDRNOTAVAIL' ? 'not an address of this host' : e.message}`));
      });
      sock.bind(port, host, () => {
        sock.removeAllListeners('error');
        sock.on('error', () => { /* a receive error on UDP is not fatal */ });
        const a = sock.address();
        resolve({ address: a.address, port: a.port });
      });
    });
  }

  /** Closes the socket. */
  stop(): void {
    try { this.sock?.close(); } catch { /* already closed */ }
    this.sock = null;
  }
}
