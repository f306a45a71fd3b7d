/**
 * Live capture through libpcap via the optional `cap` module. cap hands every
 * packet in one reused Buffer with no timestamp, no original length and no drop
 * counters, so packets are stamped on arrival and delivered to the sink
 * synchronously inside cap's callback (the Buffer is overwritten by the next one).
 */
import { CaptureError } from '../errors.js';
import type { PacketSink } from './types.js';
import { linkTypeFromCapName } from './link-types.js';

/** Options for a live capture. */
export interface LiveOptions {
  /** Interface name as libpcap knows it (`ip link`, `tcpdump -D`). */
  iface: string;
  /** BPF filter (pcap-filter(7) syntax); empty or absent captures everything. */
  filter?: string;
  /** Kernel capture buffer in bytes (default 256 MiB: 1 MiB lost ~90% of a loopback flood here). */
  bufferSize?: number;
  /** Bytes kept per packet (default 65535, the most cap lets libpcap capture). */
  snaplen?: number;
  /** tcpdump engine only: the user tcpdump drops to once its capture is open (`-Z`). */
  user?: string;
}

/** A running live capture. */
export interface LiveCapture {
  /** LINKTYPE_* of the interface. */
  linkType: number;
  /** Stops capturing; safe to call more than once. */
  stop(): void;
  /** Packets delivered so far. */
  packets: number;
  /** Sum of their lengths as captured (cap does not report original lengths). */
  bytes: number;
  /** Packets longer than the snaplen buffer, delivered cut to it. */
  truncated: number;
}

/** The part of cap's Cap object we use. */
interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): void;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
}

/** Injected for tests: how to load the cap module. */
export interface LiveDeps {
  loadCap?: () => Promise<unknown>;
}

/** Default kernel buffer: 256 MiB. */
export const DEFAULT_LIVE_BUFFER = 256 * 1024 * 1024;

/**
 * Cap objects that must never be garbage-collected, for the life of the process:
 * - one whose open() failed: cap leaves libpcap's handle set but its poll handle
 *   uninitialised, and its destructor then aborts the process;
 * - one that was closed: cap's close() stops its libuv poll handle but never closes
 *   it, so the handle stays in the event loop's handle list; once the object is
 *   collected that list points into freed memory, and the process crashes later
 *   (seen as a test worker dying at random after a capture).
 * A process opens a handful of captures, so keeping them costs nothing.
 */
const keepAlive: unknown[] = [];

const SETCAP_HINT = 'run as root (live drops to --user, default nobody, once the capture is open), or grant tcpdump the capabilities and use --engine tcpdump: sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(command -v tcpdump))';

/** The message for a cap/libpcap failure to open, in libpcap's own words plus what to do. */
export function liveOpenMessage(iface: string, filter: string, libpcapText: string): string {
  const text = libpcapText.trim().replace(/\s+/g, ' ');
  if (/operation not permitted|permission|not permitted|EPERM|EACCES/i.test(text)) {
    return `live capture on ${iface}: ${text}; ${SETCAP_HINT}`;
  }
  if (/no such device|doesn't exist|does not exist|not found|no such file/i.test(text)) {
    return `live capture on ${iface}: ${text} (no interface named "${iface}"; list them with \`ip link\` or \`tcpdump -D\`)`;
  }
  if (filter !== '') return `live capture on ${iface}: bad filter "${filter}": ${text}`;
  return `live capture on ${iface}: ${text}`;
}

async function defaultLoadCap(): Promise<unknown> {
  // A variable specifier keeps TypeScript from demanding cap's (absent) type declarations.
  const name = 'cap';
  return import(name);
}

/**
 * Opens a live capture on `opts.iface` (promiscuous, as cap always opens) and
 * delivers each packet to the sink as it arrives. Interface indices are 0.
 * @throws CaptureError (one line) when cap cannot load, or libpcap refuses the interface, permission or filter
 */
export async function openLive(opts: LiveOptions, sink: PacketSink, deps: LiveDeps = {}): Promise<LiveCapture> {
  let mod: { Cap?: new () => CapHandle; default?: { Cap?: new () => CapHandle } };
  try {
    mod = (await (deps.loadCap ?? defaultLoadCap)()) as typeof mod;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new CaptureError('live capture needs the optional `cap` module and libpcap: ' +
      `apt-get install libpcap-dev, then npm rebuild cap (${why})`);
  }
  const Cap = (mod.default ?? mod).Cap ?? mod.Cap;
  if (typeof Cap !== 'function') {
    throw new CaptureError('live capture needs the optional `cap` module and libpcap: ' +
      'apt-get install libpcap-dev, then npm rebuild cap (the module has no Cap class)');
  }
  const filter = opts.filter ?? '';
  // Check the name first: for an unknown interface cap's open() prints its own warning line on stderr.
  const deviceList = (Cap as unknown as { deviceList?: () => { name: string }[] }).deviceList;
  if (typeof deviceList === 'function') {
    let names: string[] | null = null;
    try { names = deviceList().map((d) => d.name); } catch { names = null; }
    if (names && !names.includes(opts.iface)) {
      throw new CaptureError(liveOpenMessage(opts.iface, filter, 'No such device exists'));
    }
  }
  const snaplen = Math.max(64, Math.min(opts.snaplen ?? 65535, 262144));
  const buffer = Buffer.alloc(snaplen);
  const c = new Cap();
  let capName: string;
  try {
    capName = c.open(opts.iface, filter, opts.bufferSize ?? DEFAULT_LIVE_BUFFER, buffer);
  } catch (e) {
    // cap must not be closed (nor collected) after a failed open: its poll handle was never initialised.
    keepAlive.push(c);
    throw new CaptureError(liveOpenMessage(opts.iface, filter, e instanceof Error ? e.message : String(e)));
  }
  const linkType = linkTypeFromCapName(capName);
  if (linkType < 0) {
    c.close();
    keepAlive.push(c);
    throw new CaptureError(`live capture on ${opts.iface}: unsupported link type (${capName})`);
  }
  // Wall-clock origin once, then a monotonic offset per packet: no per-packet allocation (hrtime() returns arrays).
  const epochMs = Date.now();
  const perf0 = performance.now();
  const sec0 = Math.floor(epochMs / 1000);
  const ns0 = (epochMs - sec0 * 1000) * 1e6;
  let stopped = false;
  const live: LiveCapture = {
    linkType,
    packets: 0,
    bytes: 0,
    truncated: 0,
    stop() {
      if (stopped) return;
      stopped = true;
      c.close();
      keepAlive.push(c);
    },
  };
  c.on('packet', (nbytes: number, trunc: boolean) => {
    if (stopped) return;
    const ns = ns0 + (performance.now() - perf0) * 1e6;
    const carry = Math.floor(ns / 1e9);
    let nsec = Math.floor(ns - carry * 1e9);
    if (nsec > 999999999) nsec = 999999999;
    live.packets++;
    live.bytes += nbytes;
    if (trunc) live.truncated++;
    sink.packet(buffer, 0, nbytes, nbytes, sec0 + carry, nsec, linkType, 0);
  });
  return live;
}
