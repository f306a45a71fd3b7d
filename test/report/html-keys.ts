/**
 * The `data-key` contract of the HTML report, read back for tests: every number on the
 * page names the JSON report field it shows. `resolveKey` finds that field in a parsed
 * JSON report; timeline buckets are counted here from the JSON flows, independently of
 * the reporter's own bucketing (only the bucket bounds come from the page).
 */
import { reportConnections, reportPaths, pathKey } from '../../src/report/html/model.js';
import { compareByFlows, reportFindings } from '../../src/report/grouper.js';
import { TOP_GROUPS } from '../../src/report/shown.js';
import type { AuditReport } from '../../src/report/types.js';

/** One keyed element of the page. */
export interface KeyedNumber {
  key: string;
  /** data-value, when the text is formatted (bytes, shares, times). */
  value: string | null;
  text: string;
  /** data-start/data-end of the enclosing timeline bucket. */
  start: string | null;
  end: string | null;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** HTML text back to characters (the entities esc() writes). */
export function unescapeHtml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);
}

/** Every keyed element of an HTML report, read from its text (the reporter's own markup: no nesting inside keyed elements). */
export function keyedNumbers(html: string): KeyedNumber[] {
  const out: KeyedNumber[] = [];
  const bucket = /<g data-bucket="\d+" data-start="([^"]*)" data-end="([^"]*)">(.*?)<\/g>/gs;
  const inBucket = new Map<number, { start: string; end: string }>();
  for (const m of html.matchAll(bucket)) {
    const base = m.index! + m[0].indexOf(m[3]!);
    for (const k of m[3]!.matchAll(/data-key=/g)) inBucket.set(base + k.index!, { start: m[1]!, end: m[2]! });
  }
  for (const m of html.matchAll(/<(\w+)[^>]*?(data-key="([^"]*)")(?: data-value="([^"]*)")?[^>]*>([^<]*)/g)) {
    const b = inBucket.get(m.index! + m[0].indexOf(m[2]!));
    out.push({ key: unescapeHtml(m[3]!), value: m[4] ?? null, text: unescapeHtml(m[5]!), start: b?.start ?? null, end: b?.end ?? null });
  }
  return out;
}

/** The number (or text, for "≥ 10000" client counts) a key names in the JSON report. */
export function resolveKey(r: AuditReport, k: KeyedNumber): number | string | null | undefined {
  const key = k.key;
  const dot = key.indexOf('.');
  const section = key.slice(0, dot);
  const field = key.slice(key.lastIndexOf('.') + 1);
  const id = key.slice(dot + 1, key.lastIndexOf('.'));
  const counts = r.summary as Record<string, number>;
  switch (section) {
    case 'summary': return counts[key.slice(dot + 1)];
    case 'stats': {
      const rest = key.slice(dot + 1);
      if (rest === 'duration') return r.stats.first === null || r.stats.last === null ? null : r.stats.last - r.stats.first;
      if (rest.startsWith('decodeErrors.')) return r.stats.decodeErrors[rest.slice('decodeErrors.'.length)];
      return (r.stats as unknown as Record<string, number | null>)[rest];
    }
    case 'inputs': return (r.inputs[Number(id)] as unknown as Record<string, number> | undefined)?.[field];
    case 'warnings': return r.warnings?.[Number(id)]?.count;
    case 'connections': {
      const c = reportConnections(r).find((x) => x.id === id);
      return c ? (c as unknown as Record<string, number | null>)[field] : undefined;
    }
    case 'connectionStatus': {
      const cs = reportConnections(r);
      return field === 'total' ? cs.length : cs.filter((c) => c.status === field).length;
    }
    case 'paths': {
      const p = reportPaths(r).find((x) => pathKey(x) === id);
      return p ? (p as unknown as Record<string, number | string>)[field] : undefined;
    }
    case 'allowed': {
      const names = [...new Set(r.flows.filter((f) => f.rule?.startsWith('allow.')).map((f) => f.rule!.slice(6)))].sort();
      return r.flows.filter((f) => f.rule === `allow.${names[Number(id)]}`).length;
    }
    case 'pathsMore': {
      const all = reportPaths(r).filter((p) => p.verdict === id).sort((a, b) => b.flows - a.flows || a.first - b.first);
      const rest = all.slice(TOP_GROUPS);
      return field === 'paths' ? rest.length : rest.reduce((n, p) => n + p.flows, 0);
    }
    case 'mismatchesMore': {
      const rest = reportFindings(r).mismatches.slice().sort(compareByFlows).slice(TOP_GROUPS);
      return field === 'groups' ? rest.length : rest.reduce((n, g) => n + g.count, 0);
    }
    case 'mismatches': return reportFindings(r).mismatches.find((g) => g.key === id)?.count;
    case 'findings': {
      const listed = reportPaths(r).reduce((n, p) => n + p.flows, 0);
      return counts.blocked! + counts['wrong-direction']! + counts.unexpected! - listed;
    }
    case 'timeline': {
      if (field === 'peak' || field === 'step') return undefined; // checked from the buckets in disagreements
      if (k.start === null || k.end === null) return undefined;
      const a = Number(k.start);
      const b = Number(k.end);
      return r.flows.filter((f) => f.verdict === field && f.first >= a && f.first < b).length;
    }
    default: return undefined;
  }
}

/** The page's number: data-value when given, else the text without thousands separators. */
export function shownValue(k: KeyedNumber): number | string {
  if (k.value !== null) return Number(k.value);
  const t = k.text.trim();
  return /^-?[\d,]+(\.\d+)?$/.test(t) ? Number(t.replace(/,/g, '')) : t;
}

/** The keys whose page value differs from the JSON report (empty when the page agrees). */
export function disagreements(r: AuditReport, keys: readonly KeyedNumber[]): string[] {
  const bad: string[] = [];
  const buckets = new Map<string, number>();
  for (const k of keys) {
    if (k.key === 'timeline.peak' || k.key === 'timeline.step') continue;
    const want = resolveKey(r, k);
    const got = shownValue(k);
    if (k.key.startsWith('timeline.') && k.start !== null) buckets.set(k.start, (buckets.get(k.start) ?? 0) + Number(got));
    if (want === undefined || want === null || (typeof want === 'number' && typeof got === 'number' ? Math.abs(want - got) > 1e-6 : String(want) !== String(got))) {
      bad.push(`${k.key}: page ${JSON.stringify(got)}, JSON ${JSON.stringify(want)}`);
    }
  }
  const timeline = keys.some((k) => k.key.startsWith('timeline.'));
  if (timeline) {
    // Every non-ignored flow is in exactly one drawn bucket (none drawn: there are none).
    const judged = r.flows.filter((f) => f.verdict !== 'ignored').length;
    const drawn = [...buckets.values()].reduce((a, b) => a + b, 0);
    if (drawn !== judged) bad.push(`timeline: ${drawn} flows in the buckets, ${judged} non-ignored flows in the JSON`);
  }
  const steps = new Set(keys.filter((k) => k.start !== null).map((k) => Number(k.end) - Number(k.start)));
  for (const k of keys.filter((x) => x.key === 'timeline.step')) {
    if (steps.size > 1 || (steps.size === 1 && !steps.has(Number(shownValue(k))))) bad.push(`timeline.step: page ${shownValue(k)}, buckets ${[...steps].join(', ')}`);
  }
  const peak = keys.find((k) => k.key === 'timeline.peak');
  if (peak) {
    // The peak is the biggest bucket; every bucket's flows were checked against the JSON above.
    const want = Math.max(0, ...buckets.values());
    if (shownValue(peak) !== want) bad.push(`timeline.peak: page ${shownValue(peak)}, buckets ${want}`);
  }
  return bad;
}
