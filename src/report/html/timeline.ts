/**
 * The timeline of the HTML report: flows per time bucket by verdict (stacked bars,
 * each verdict with its own fill pattern so the chart reads in greyscale), and under
 * it one bar per finding path from its first to its last flow, so an admin sees when
 * a failure started. Buckets are a whole number of seconds from a fixed list, aligned
 * to the epoch, at most MAX_BUCKETS over the capture. Pure functions; no DOM.
 */
import type { Verdict } from '../../classify/types.js';
import { fmtInt, fmtTime, isoTime } from '../format.js';
import type { AuditReport, FindingPath } from '../types.js';
import { attr, esc, num } from './escape.js';
import { pathKey, pathPort } from './model.js';

/** Most buckets a timeline has. */
export const MAX_BUCKETS = 48;

/** Bucket lengths tried, shortest first (seconds). */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000];

/** The verdicts the chart shows, bottom to top (ignored flows are not WFO traffic and are left out). */
export const TIMELINE_VERDICTS: readonly Exclude<Verdict, 'ignored'>[] = ['expected', 'inconclusive', 'wrong-direction', 'unexpected', 'blocked'];

/** How each verdict's bars are filled: a colour and a pattern (null: solid). */
const FILL: Record<Exclude<Verdict, 'ignored'>, { color: string; pattern: string | null }> = {
  expected: { color: '#2da44e', pattern: null },
  inconclusive: { color: '#8c959f', pattern: '<path d="M0 3H6" stroke="#fff" stroke-width="1.5"/>' },
  'wrong-direction': { color: '#8250df', pattern: '<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-width="1.2"/>' },
  unexpected: { color: '#d1242f', pattern: '<circle cx="3" cy="3" r="1.3" fill="#fff"/>' },
  blocked: { color: '#b35900', pattern: '<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="#fff" stroke-width="1.5"/>' },
};

/** The buckets of a timeline: start of the first, length, and per bucket the flows of each verdict. */
export interface Timeline {
  start: number;
  step: number;
  counts: Record<Exclude<Verdict, 'ignored'>, number>[];
}

/** The bucket length for a window of `span` seconds. */
export function bucketStep(span: number): number {
  for (const s of STEPS) if (Math.floor(span / s) + 1 <= MAX_BUCKETS) return s;
  return Math.ceil(span / (MAX_BUCKETS - 1));
}

/** Flows per bucket by verdict (by each flow's first packet), or null when the report has no flows or no window. */
export function buildTimeline(r: AuditReport): Timeline | null {
  const { first, last } = r.stats;
  if (first === null || last === null || r.flows.length === 0) return null;
  if (!Number.isFinite(first) || !Number.isFinite(last) || last < first) return null;
  const step = bucketStep(last - first);
  const start = Math.floor(first / step) * step;
  const n = Math.floor((last - start) / step) + 1;
  const counts = Array.from({ length: n }, () => ({ expected: 0, inconclusive: 0, 'wrong-direction': 0, unexpected: 0, blocked: 0 }));
  for (const f of r.flows) {
    if (f.verdict === 'ignored') continue;
    const i = Math.min(n - 1, Math.max(0, Math.floor((f.first - start) / step)));
    counts[i]![f.verdict]++;
  }
  return { start, step, counts };
}

/** A time on the axis: time of day when the window stays in one UTC day, else month-day and time. */
function axisTime(t: number, oneDay: boolean): string {
  const s = fmtTime(t);
  if (isoTime(t) === null) return s; // a time no date can hold, as seconds
  return oneDay ? s.slice(11, 19) : s.slice(5, 16);
}

/** "1 s", "5 min", "1 h", "1 d": a bucket length in words. */
export function stepText(step: number): string {
  if (step % 86400 === 0) return `${step / 86400} d`;
  if (step % 3600 === 0) return `${step / 3600} h`;
  if (step % 60 === 0) return `${step / 60} min`;
  return `${step} s`;
}

const W = 900;
const LEFT = 190;
const RIGHT = 12;
const CHART_H = 150;
const ROW_H = 16;
/** Finding paths the lower part shows (most flows first); the paths table lists every one. */
export const TIMELINE_PATHS = 15;

/** The timeline as SVG: the stacked bars (when the report has flows) and the finding paths' spans. */
export function renderTimeline(r: AuditReport, t: Timeline | null, paths: readonly FindingPath[]): string {
  const { first, last } = r.stats;
  if (first === null || last === null) return '';
  const x0 = t ? t.start : first;
  const x1 = t ? t.start + t.step * t.counts.length : Math.max(last, first + 1);
  const plot = W - LEFT - RIGHT;
  const x = (s: number) => LEFT + ((s - x0) / (x1 - x0 || 1)) * plot;
  const oneDay = fmtTime(first).slice(0, 10) === fmtTime(last).slice(0, 10);
  const shown = paths.slice().sort((a, b) => b.flows - a.flows || a.first - b.first).slice(0, TIMELINE_PATHS);
  const chartH = t ? CHART_H : 0;
  const top = 8;
  const axisY = top + chartH;
  const rowsTop = axisY + 34;
  const h = rowsTop + shown.length * ROW_H + 6;
  const out: string[] = [];
  out.push(`<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-labelledby="tl-title">`);
  out.push('<title id="tl-title">Timeline: flows per time bucket by verdict, and when each finding path was seen</title>');
  out.push('<defs>');
  for (const v of TIMELINE_VERDICTS) {
    const f = FILL[v];
    if (f.pattern) out.push(`<pattern id="fill-${v}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${f.color}"/>${f.pattern}</pattern>`);
  }
  out.push('</defs>');
  const fill = (v: Exclude<Verdict, 'ignored'>) => (FILL[v].pattern ? `url(#fill-${v})` : FILL[v].color);
  if (t) {
    const totals = t.counts.map((c) => TIMELINE_VERDICTS.reduce((s, v) => s + c[v], 0));
    const most = Math.max(0, ...totals);
    const peak = Math.max(1, most);
    const bw = plot / t.counts.length;
    out.push(`<line x1="${LEFT}" y1="${axisY}" x2="${W - RIGHT}" y2="${axisY}" stroke="#57606a"/>`);
    out.push(`<text x="${LEFT - 6}" y="${top + 10}" text-anchor="end" class="axis">most in a bucket: <tspan data-key="timeline.peak">${fmtInt(most)}</tspan></text>`);
    out.push(`<text x="${LEFT - 6}" y="${axisY - 2}" text-anchor="end" class="axis">per <tspan data-key="timeline.step" data-value="${t.step}">${esc(stepText(t.step))}</tspan></text>`);
    t.counts.forEach((c, i) => {
      let y = axisY;
      const start = t.start + i * t.step;
      const parts: string[] = [];
      for (const v of TIMELINE_VERDICTS) {
        const n = c[v];
        if (n === 0) continue;
        const bh = (n / peak) * (chartH - 14);
        y -= bh;
        parts.push(`<rect x="${num(LEFT + i * bw + 0.5)}" y="${num(y)}" width="${num(Math.max(1, bw - 1))}" height="${num(bh)}" fill="${fill(v)}" data-key="timeline.${i}.${v}" data-value="${n}"/>`);
      }
      if (parts.length === 0) return;
      const words = TIMELINE_VERDICTS.filter((v) => c[v] > 0).map((v) => `${c[v]} ${v}`).join(', ');
      out.push(`<g data-bucket="${i}" data-start="${start}" data-end="${start + t.step}"><title>${esc(`${axisTime(start, oneDay)} UTC + ${stepText(t.step)}: ${words}`)}</title>${parts.join('')}</g>`);
    });
  }
  // Axis ticks on round times: the shortest bucket length from STEPS that gives at most seven.
  const every = STEPS.find((st) => st >= (t ? t.step : 0) && Math.floor((x1 - x0) / st) <= 6) ?? (x1 - x0);
  const tickTimes: number[] = [];
  const first0 = Math.ceil(x0 / every) * every;
  // By index, at most eight: with capture times near 2^53 a repeated `+= every` would not advance.
  for (let k = 0; k < 8 && first0 + k * every <= x1 + 1e-9; k++) tickTimes.push(first0 + k * every);
  tickTimes.forEach((s) => {
    const tx = x(s);
    out.push(`<line x1="${num(tx)}" y1="${axisY}" x2="${num(tx)}" y2="${axisY + 4}" stroke="#57606a"/>`);
    const anchor = tx < LEFT + 30 ? 'start' : tx > W - RIGHT - 30 ? 'end' : 'middle';
    out.push(`<text x="${num(tx)}" y="${axisY + 16}" text-anchor="${anchor}" class="axis">${esc(axisTime(s, oneDay))}</text>`);
  });
  out.push(`<text x="${LEFT - 6}" y="${axisY + 16}" text-anchor="end" class="axis">UTC</text>`);
  if (shown.length > 0) out.push(`<text x="4" y="${rowsTop - 6}" class="axis">finding paths, first to last flow:</text>`);
  shown.forEach((p, k) => {
    const y = rowsTop + k * ROW_H;
    const color = FILL[p.verdict].color;
    const a = x(p.first);
    const b = Math.max(a + 3, x(p.last));
    const name = `${p.verdict} ${pathPort(p)} ${p.server}`;
    out.push(`<g class="span" data-path="${attr(pathKey(p))}"><title>${esc(`${name}: ${p.flows} flows, ${fmtTime(p.first)} to ${fmtTime(p.last)} UTC`)}</title>`);
    out.push(`<text x="4" y="${y + 11}" class="axis">${esc(name.length > 32 ? name.slice(0, 31) + '\u2026' : name)}</text>`);
    out.push(`<rect x="${num(a)}" y="${y + 3}" width="${num(b - a)}" height="${ROW_H - 6}" fill="${fill(p.verdict)}" stroke="${color}"/>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}

/** The legend of the bars: a swatch of each verdict's fill and its name. */
export function renderTimelineLegend(): string {
  const items = TIMELINE_VERDICTS.map((v) => {
    const f = FILL[v];
    const defs = f.pattern ? `<defs><pattern id="lg-${v}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="${f.color}"/>${f.pattern}</pattern></defs>` : '';
    return `<li><svg xmlns="http://www.w3.org/2000/svg" width="18" height="12" viewBox="0 0 18 12" aria-hidden="true">${defs}<rect width="18" height="12" fill="${f.pattern ? `url(#lg-${v})` : f.color}"/></svg> ${esc(v)}</li>`;
  });
  return `<ul class="legend legend-inline">\n${items.join('\n')}\n</ul>`;
}
