/**
 * The result line at the top of the HTML report: what the exit code says, with the
 * `--fail-on` in force, and how many flows were inconclusive. It follows the CLI's
 * rules (docs/usage.md "Exit codes"): an input not read to the end gives 2; else any
 * verdict listed in --fail-on gives 1; else 0.
 */
import { fmtInt } from '../format.js';
import type { AuditReport } from '../types.js';
import { esc } from './escape.js';

/** The CLI's default --fail-on, used when a report is rendered without one. */
export const DEFAULT_FAIL_ON: readonly string[] = ['blocked', 'wrong-direction', 'unexpected'];

/** The exit code the CLI gives for this report under `failOn`. */
export function exitCodeOf(r: AuditReport, failOn: readonly string[]): 0 | 1 | 2 {
  if (r.inputs.some((i) => i.error !== null)) return 2;
  const counts = r.summary as Record<string, number>;
  return failOn.some((v) => v !== 'input-error' && (counts[v] ?? 0) > 0) ? 1 : 0;
}

/** A count with its data-key, as the page writes every number. */
export function keyed(key: string, n: number): string {
  return `<span class="n" data-key="${esc(key)}">${fmtInt(n)}</span>`;
}

/** The result line as HTML (numbers keyed to the summary), and its exit code for the page's colour. */
export function resultHtml(r: AuditReport, failOn: readonly string[]): { code: 0 | 1 | 2; html: string } {
  const code = exitCodeOf(r, failOn);
  const counts = r.summary as Record<string, number>;
  const flag = failOn.length === 0 ? '--fail-on none' : `--fail-on ${failOn.join(',')}`;
  let text: string;
  if (code === 2) {
    const bad = r.inputs.filter((i) => i.error !== null).length;
    text = `Exit code 2: ${bad === 1 ? 'an input was' : `${bad} inputs were`} not read to the end (see Inputs); this report covers what was read.`;
  } else {
    const hits = failOn.filter((v) => v !== 'input-error' && (counts[v] ?? 0) > 0);
    if (code === 1) {
      text = `Exit code 1: ${hits.map((v) => `${keyed(`summary.${v}`, counts[v]!)} ${esc(v)}`).join(', ')} found, which <code>${esc(flag)}</code> fails on.`;
    } else if (failOn.length === 0) {
      text = 'Exit code 0: <code>--fail-on none</code>, so no finding fails the run; read the findings below.';
    } else {
      text = `Exit code 0: nothing that <code>${esc(flag)}</code> fails on was found.`;
    }
  }
  const inconclusive = counts.inconclusive ?? 0;
  if (inconclusive > 0) {
    text += ` ${keyed('summary.inconclusive', inconclusive)} inconclusive: the input cannot tell whether ${inconclusive === 1 ? 'that flow' : 'those flows'} worked, so ${inconclusive === 1 ? 'it proves' : 'they prove'} nothing either way.`;
  }
  return { code, html: text };
}
