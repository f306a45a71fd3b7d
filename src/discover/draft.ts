/**
 * The draft's vocabulary: what a drafted site file holds before it is written (values with
 * their evidence comments and CHECK lines), and the small helpers every inference step shares.
 */
import type { Role, Mode, WfoService } from '../design/rules.js';
import type { Tuple } from './evidence.js';
import { portKey } from './ports.js';
import type { Confidence } from './wording.js';

/** A role of the site file's `hosts:`. */
export type HostRole = Exclude<Role, 'cloud'>;

/** One value of the draft with its evidence comment and the `# CHECK:` lines that go with it. */
export interface DraftItem {
  value: string;
  comment: string;
  checks: string[];
  confidence: Confidence;
}

/** A drafted site file, before it is written as YAML (src/discover/render.ts). */
export interface Draft {
  /** Flows the draft rests on, and their first and last capture time. */
  flows: number;
  first: number;
  last: number;
  mode: DraftItem & { value: Mode };
  modules: DraftItem[];
  /** Comment lines under `modules:` (modules no port can show). */
  moduleNotes: string[];
  hosts: Record<HostRole, DraftItem[]>;
  /** `# CHECK:` lines for roles without evidence. */
  roleChecks: string[];
  services: { service: WfoService; items: DraftItem[] }[];
  allow: { name: string; proto: 'tcp' | 'udp'; port: number; to: string[]; comment: string }[];
  /** Comment lines: traffic of the drafted hosts that no rule or allow entry explains. */
  unexplained: string[];
  /** Comment lines about addresses left out (public web servers). */
  notes: string[];
}

/** `proto/port` of a tuple's server port. */
export const keyOf = (t: Tuple): string => portKey(t.proto, t.port);

/**
 * Could the address be one of the site's own? IPv4: RFC 1918, CGNAT, loopback, link-local.
 * IPv6: always, since sites number their LANs with global addresses as much as with ULAs.
 */
export function isPrivate(t: { family: 4 | 6 }, words: readonly number[]): boolean {
  if (t.family === 6) return true;
  const w = words[0]! >>> 0;
  const a = w >>> 24;
  const b = (w >>> 16) & 0xff;
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168)
    || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254);
}

/** Appends to the list under a key. */
export function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A draft value. */
export function item(value: string, comment: string, confidence: Confidence, checks: string[] = []): DraftItem {
  return { value, comment, checks, confidence };
}
