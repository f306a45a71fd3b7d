/**
 * The result line at the top of the HTML report: what the exit code says, with the
 * `--fail-on` in force, and how many flows were inconclusive. It follows the CLI's
 * rules (docs/usage.md "Exit codes"): an input not read to the end, or no flow that
 * could be judged, gives 2 whatever --fail-on says; else any verdict listed in
 * --fail-on gives 1; else 0.
 */
import { INPUT_ERROR_SIGNOFF, reportState } from '../facts.js';
import { fmtInt } from '../format.js';
import { judgedCount } from '../judged.js';
import type { AuditReport } from '../types.js';
import { esc } from './escape.js';

/** The exit code the CLI gives for this report under `failOn`. */
export function exitCodeOf(r: AuditReport, failOn: readonly string[]): 0 | 1 | 2 {
  if (r.inputs.some((i) => i.error !== null)) return 2;
  if (judgedCount(r.summary) === 0) return 2;
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
  const bad = r.inputs.filter((i) => i.error !== null).length;
  if (code === 2 && bad > 0) {
    text = `Exit code 2: ${bad === 1 ? 'an input was' : `${bad} inputs were`} not read to the end (see Inputs); this report covers what was read.`;
  } else if (code === 2) {
    const why = (r.warnings ?? []).find((w) => w.code === 'nothing-judged')?.message ?? 'no flows could be judged';
    text = `Exit code 2, whatever --fail-on says: ${esc(why)}. This report proves nothing about the design.`;
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

/**
 * The sign-off statement for the report's state (reportState, worded as the other
 * formats word it in signoffText), with its numbers keyed: never more than the data shows.
 */
export function signoffHtml(r: AuditReport, failOn: readonly string[], unseen: number): string {
  const state = reportState(r, failOn);
  const unseenText = unseen > 0
    ? ` ${keyed('connectionStatus.unseen', unseen)} designed connection${unseen === 1 ? ' was' : 's were'} not seen in this window: this capture does not prove ${unseen === 1 ? 'it works' : 'they work'}.`
    : '';
  const n = r.summary.inconclusive;
  switch (state) {
    case 'input-error':
      return INPUT_ERROR_SIGNOFF;
    case 'nothing-judged':
      return 'Nothing here can be signed off: no flow could be judged, so this report proves nothing about the design.';
    case 'findings':
      return `Not ready to sign off: there are findings of the --fail-on kinds. Sign off only once each is fixed or accepted in writing.${unseenText}`;
    case 'inconclusive':
      return `No findings among the judged flows, but ${keyed('summary.inconclusive', n)} flow${n === 1 ? ' is' : 's are'} inconclusive: ${n === 1 ? 'it' : 'they'} neither prove nor disprove the design; re-capture or check them before signing.${unseenText}`;
    default:
      return `Every judged flow matched the design (no findings of the --fail-on kinds).${unseenText}`;
  }
}
