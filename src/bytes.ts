/**
 * Fixed-width integer reads from byte arrays, shared by the capture readers, the
 * decoders and the protocol identifiers. The caller checks the bounds (every
 * decoder does, against its captured end); these stay tiny so V8 inlines them.
 */

/** Unsigned 16-bit big-endian (network order) read. */
export function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Unsigned 24-bit big-endian read. */
export function u24be(b: Uint8Array, o: number): number {
  return (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!;
}

/** Unsigned 32-bit big-endian (network order) read. */
export function u32be(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** Unsigned 32-bit little-endian read. */
export function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Unsigned 32-bit read in the given byte order. */
export function u32(b: Uint8Array, o: number, le: boolean): number {
  return le ? u32le(b, o) : u32be(b, o);
}

/** Unsigned 16-bit read in the given byte order. */
export function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? (b[o]! | (b[o + 1]! << 8)) : u16be(b, o);
}
