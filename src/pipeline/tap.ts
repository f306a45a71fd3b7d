/**
 * A packet tap: a second sink that sees every packet of a run beside the engine (the
 * evidence writer, src/report/evidence.ts), offline and live alike.
 */
import type { PacketSink } from '../capture/types.js';

/** A sink that sees every packet of the run too, told which input is being read. */
export interface PacketTap extends PacketSink {
  /**
   * Reading input `index` (position in `inputs[]`) starts; `readOnce` when it cannot be read
   * again (a live interface; the tap decides for paths when not given).
   */
  startInput(index: number, path: string, readOnce?: boolean): void;
}

/** The engine, and the tap when there is one: every call goes to both. */
export function withTap(engine: PacketSink, tap: PacketTap | undefined): PacketSink {
  if (tap === undefined) return engine;
  return {
    packet(buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface) {
      tap.packet(buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface);
      engine.packet(buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface);
    },
    endTime(ts) { tap.endTime?.(ts); engine.endTime?.(ts); },
    interfaceAdded(iface, linkType, tsresol, snaplen) { tap.interfaceAdded?.(iface, linkType, tsresol, snaplen); },
  };
}

/** Two taps as one (the evidence writer and --write), either of which may be absent. */
export function bothTaps(a: PacketTap | undefined, b: PacketTap | undefined): PacketTap | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return {
    startInput(index, path, readOnce) { a.startInput(index, path, readOnce); b.startInput(index, path, readOnce); },
    packet(buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface) {
      a.packet(buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface);
      b.packet(buf, offset, caplen, origLen, tsSec, tsNsec, linkType, iface);
    },
    endTime(ts) { a.endTime?.(ts); b.endTime?.(ts); },
    interfaceAdded(iface, linkType, tsresol, snaplen) { a.interfaceAdded?.(iface, linkType, tsresol, snaplen); b.interfaceAdded?.(iface, linkType, tsresol, snaplen); },
  };
}
