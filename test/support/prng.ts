/**
 * The synthetic captures' seeded PRNG (src/synth/prng.ts) as numbers in [0, 1), so
 * random and fuzz tests see the same bytes on every run and a failure reproduces.
 */
import { mulberry32 } from '../../src/synth/prng.js';

/** A seeded generator of numbers in [0, 1). */
export function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}
