/**
 * classifyFlow tries only the rules the design's port index holds for the flow's
 * port, checks the ends once per shape of rules, and shares alsoMatched arrays.
 * None of that may change the answer: here the first fitting active rule and the
 * others that fit are found the slow way (every active rule in design order) and
 * compared, over seeded random flows, on the fixture designs and on a design whose
 * port is held by more rules than a bit mask has bits.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { classifyFlow } from '../../src/classify/classify.js';
import { MASK_BITS } from '../../src/design/rule-index.js';
import { resolveDesign, type ResolvedDesign, type ResolvedRule } from '../../src/design/resolve.js';
import { RULES } from '../../src/design/rules.js';
import { loadSite, parseSite } from '../../src/design/site.js';
import { flow } from './flows.js';
import { rng } from '../support/prng.js';

const sites = fileURLToPath(new URL('../../fixtures/sites/', import.meta.url));
const base = 'mode: premises\nhosts:\n  wfo-servers: [10.10.0.10, 10.10.0.11]\n  sql: [10.10.0.20]\n  clients: [10.20.0.0/16]\n';
/** Every premises TCP rule with a port moved to 1433, next to the SQL rows already there. */
const crowded = resolveDesign(parseSite(`${base}ports:\n${RULES
  .filter((r) => r.transport === 'tcp' && r.ports.length > 0 && r.modes.includes('premises'))
  .map((r) => `  ${r.id}: 1433\n`).join('')}`, 'crowded.yaml'));

const DESIGNS: [string, ResolvedDesign][] = [
  ['premises-all', resolveDesign(loadSite(`${sites}premises-all.yaml`))],
  ['hybrid', resolveDesign(loadSite(`${sites}hybrid.yaml`))],
  ['wfm-v2', resolveDesign(loadSite(`${sites}wfm-v2.yaml`))],
  ['no site', resolveDesign(null)],
  ['crowded 1433', crowded],
];

const ADDRESSES = ['10.10.0.10', '10.10.0.11', '10.10.0.20', '10.10.0.30', '10.10.0.40', '10.10.0.41', '10.20.1.5',
  '10.30.0.5', '207.166.100.9', '192.0.2.7'];

/** The rule fits a connection opened by `opener` to `listener`'s `port` (the design's definition, rule by rule). */
function fitsSlowly(r: ResolvedRule, opener: readonly number[], listener: readonly number[], port: number): boolean {
  if (!r.ports.includes(port)) return false;
  const inbound = r.hostSet.has(4, listener) && r.peerSet.has(4, opener);
  const outbound = r.hostSet.has(4, opener) && r.peerSet.has(4, listener);
  return r.direction === 'inbound' ? inbound : r.direction === 'outbound' ? outbound : inbound || outbound;
}

describe('the port index gives the answer of trying every rule', () => {
  it('the crowded design really has a port with more rules than a mask has bits', () => {
    expect(crowded.activeByPort.at('tcp', 1433).length).toBeGreaterThan(MASK_BITS);
    expect(crowded.activeByPort.shapes('tcp', 1433)).toBeNull();
  });

  it.each(DESIGNS)('%s: first fitting rule and alsoMatched', (_name, d) => {
    const r = rng(0xc1a55 + _name.length);
    const ports = [...new Set(d.rules.flatMap((x) => x.ports)), 9999];
    const activePorts = [...new Set(d.active.flatMap((x) => x.ports))];
    const wrong: string[] = [];
    let matched = 0;
    for (let n = 0; n < 4000; n++) {
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const proto = r() < 0.8 ? 'tcp' : 'udp';
      const f = flow(`${pick(ADDRESSES)}:50000`, `${pick(ADDRESSES)}:${pick(r() < 0.8 ? activePorts : ports)}`, { proto, outcome: proto === 'udp' ? 'replied' : 'established' });
      const fitting = d.active.filter((x) => x.transport === proto && fitsSlowly(x, f.clientWords, f.serverWords, f.serverPort));
      const cf = classifyFlow(f, d, 'unknown');
      const inScope = d.site === null || [f.clientWords, f.serverWords].some((w) => d.wfo.has(4, w) || d.cloud.has(4, w));
      if (!inScope || fitting.length === 0) {
        if (cf.verdict === 'expected' && cf.reasonCode === 'expected') wrong.push(`${n}: matched ${cf.rule} though no rule fits`);
        continue;
      }
      matched++;
      const want = { rule: fitting[0]!.id, also: fitting.slice(1).map((x) => x.id) };
      const got = { rule: cf.rule, also: [...(cf.alsoMatched ?? [])] };
      if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${n} ${f.clientIp} -> ${f.serverIp}:${f.serverPort}/${proto}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
    }
    expect(wrong).toEqual([]);
    expect(matched).toBeGreaterThan(20);
  });

  it('flows that fit the same rules share one frozen alsoMatched array', () => {
    const d = DESIGNS[0]![1];
    const a = classifyFlow(flow('10.10.0.10:1', '10.10.0.20:1433'), d, 'tds');
    const b = classifyFlow(flow('10.10.0.10:2', '10.10.0.20:1433'), d, 'tds');
    expect(a.alsoMatched!.length).toBeGreaterThan(1);
    expect(b.alsoMatched).toBe(a.alsoMatched);
    expect(Object.isFrozen(a.alsoMatched)).toBe(true);
  });
});
