/**
 * The deployment mode of a draft: hybrid on any traffic with the cloud (attempts included),
 * otherwise premises or WFM v2, whichever mode's rules fit more of the flows on WFO ports.
 */
import type { Mode } from '../design/rules.js';
import type { Tuple } from './evidence.js';
import { item, keyOf, type DraftItem, type HostRole } from './draft.js';
import { DEPENDENCY_PORTS, SERVER_PORTS } from './ports.js';
import { confidenceOf, confidenceText, count, firstOf, lastOf, names, portList, span, type Confidence } from './wording.js';

/** The mode: hybrid on any traffic with the cloud, else the mode whose rules fit more flows of the servers. */
export function decideMode(tuples: readonly Tuple[], cloudTuples: readonly Tuple[], servers: ReadonlySet<string>,
  role: ReadonlyMap<string, HostRole>, reversed: ReadonlySet<Tuple>): DraftItem & { value: Mode } {
  const flows = (ts: readonly Tuple[]): number => ts.reduce((n, t) => n + t.flows, 0);
  if (cloudTuples.length > 0) {
    const isPooling = (t: Tuple): boolean => servers.has(t.server) && t.port === 2010 && t.proto === 'tcp';
    const pooling = cloudTuples.filter(isPooling);
    const other = cloudTuples.filter((t) => !isPooling(t));
    const c = confidenceOf(cloudTuples, (t) => `${t.client}>${t.server}`);
    const checks: string[] = [];
    if (other.length > 0) checks.push(`traffic with the cloud other than connection pooling into a WFO server's 2010: ${names(other)}`);
    if (flows(pooling) < 3 || other.length > 0 || c === 'low') {
      checks.push(`mode hybrid rests on ${count(flows(cloudTuples), 'flow')} with the cloud (${names(cloudTuples)}): if the site is premises only, set mode: premises (these flows are then unexpected, cloud not in mode)`);
    }
    const conf: Confidence = checks.length > 0 ? 'low' : c;
    const when = span(firstOf(cloudTuples), lastOf(cloudTuples));
    return item('hybrid', `traffic with the inContact cloud: ${count(flows(cloudTuples), 'flow')} on ${portList(cloudTuples)}, ${when}; ${confidenceText(cloudTuples, conf)}`, conf, checks) as DraftItem & { value: Mode };
  }
  const fits: Record<'premises' | 'wfm-v2', Tuple[]> = { premises: [], 'wfm-v2': [] };
  const wfo: Tuple[] = [];
  for (const t of tuples) {
    const k = keyOf(t);
    const sp = SERVER_PORTS.get(k);
    const onServer = servers.has(t.server) || (reversed.has(t) && servers.has(t.client));
    if (sp && onServer) {
      wfo.push(t);
      if (sp.modes.has('premises')) fits.premises.push(t);
      if (sp.modes.has('wfm-v2')) fits['wfm-v2'].push(t);
    } else if (DEPENDENCY_PORTS.has(k) && servers.has(t.client) && role.has(t.server)) {
      wfo.push(t);
      fits.premises.push(t);
    }
  }
  const value: Mode = flows(fits['wfm-v2']) > flows(fits.premises) ? 'wfm-v2' : 'premises';
  const fitSet = new Set(fits[value as 'premises' | 'wfm-v2']);
  const misfits = wfo.filter((t) => !fitSet.has(t));
  const checks: string[] = [];
  if (wfo.length === 0) checks.push('no flow on a WFO port was seen, so the mode is only the default: is the capture from a point that sees the WFO servers?');
  if (misfits.length > 0) {
    checks.push(`${names(misfits)} ${misfits.length === 1 ? 'is' : 'are'} not on a ${value} port (the audit calls ${misfits.length === 1 ? 'it' : 'them'} unexpected, mode inactive); if the site runs ${value === 'premises' ? 'WFM v2 only or hybrid' : 'premises WFO'}, change mode`);
  }
  const c = confidenceOf(fits[value as 'premises' | 'wfm-v2'], (t) => t.client);
  const conf: Confidence = checks.length > 0 && c === 'high' ? 'medium' : c;
  const comment = `no traffic with the cloud; ${count(flows(fits[value as 'premises' | 'wfm-v2']), 'flow')} of ${flows(wfo)} on WFO ports fit ${value} (premises ${flows(fits.premises)}, wfm-v2 ${flows(fits['wfm-v2'])})${wfo.length ? `, ${span(firstOf(wfo), lastOf(wfo))}` : ''}; confidence ${conf}`;
  return item(value, comment, conf, checks) as DraftItem & { value: Mode };
}
