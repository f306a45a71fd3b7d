import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as problems from '../../src/decode/problems.js';
import { PROBLEMS, PROBLEM_DESCRIPTIONS, ProblemCounter, SOFT_PROBLEMS } from '../../src/decode/problems.js';
import { DecodedPacket } from '../../src/decode/packet.js';
import { decodePacket } from '../../src/decode/decode.js';

describe('problem vocabulary', () => {
  it('is a frozen list of unique snake_case names starting with none', () => {
    expect(Object.isFrozen(PROBLEMS)).toBe(true);
    expect(PROBLEMS[0]).toBe('none');
    expect(new Set(PROBLEMS).size).toBe(PROBLEMS.length);
    for (const n of PROBLEMS) expect(n).toMatch(/^[a-z0-9]+(_[a-z0-9]+)*$/);
  });

  it('has one named constant per name, equal to its index', () => {
    const consts = Object.entries(problems).filter(([k, v]) => typeof v === 'number' && /^[A-Z0-9_]+$/.test(k));
    expect(consts.length).toBe(PROBLEMS.length);
    for (const [k, v] of consts) {
      const name = k === 'PROBLEM_NONE' ? 'none' : k.toLowerCase();
      expect(PROBLEMS[v as number], k).toBe(name);
    }
  });

  it('describes every problem and nothing else', () => {
    expect(Object.keys(PROBLEM_DESCRIPTIONS).sort()).toEqual([...PROBLEMS].sort());
    for (const s of SOFT_PROBLEMS) expect(PROBLEM_DESCRIPTIONS[PROBLEMS[s]!]).toMatch(/soft/);
  });

  it('docs/decoding.md lists every problem with its description', () => {
    const doc = readFileSync(new URL('../../docs/decoding.md', import.meta.url), 'utf8');
    for (const name of PROBLEMS) {
      if (name === 'none') continue;
      expect(doc, name).toContain(`| \`${name}\` | ${PROBLEM_DESCRIPTIONS[name]} |`);
    }
  });
});

describe('ProblemCounter', () => {
  it('counts by code, unsupported link types and Ethertypes by value, keys sorted', () => {
    const p = new DecodedPacket();
    const c = new ProblemCounter();
    const eth = (type: number) => new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, type >> 8, type & 255, 0]);
    decodePacket(p, new Uint8Array(4), 0, 4, 253); c.add(p); c.add(p);
    decodePacket(p, new Uint8Array(4), 0, 4, 127); c.add(p);
    decodePacket(p, eth(0x0806), 0, 15, 1); c.add(p);
    decodePacket(p, eth(0x88cc), 0, 15, 1); c.add(p);
    decodePacket(p, eth(0x0800), 0, 15, 1); c.add(p);
    decodePacket(p, eth(0x0800), 0, 10, 1); c.add(p);
    decodePacket(p, new Uint8Array([0x45]), 0, 1, 101); c.add(p);
    expect(c.toRecord()).toEqual({
      truncated_ipv4_header: 2,
      truncated_link_header: 1,
      'unsupported_ethertype:2054': 1,
      'unsupported_ethertype:35020': 1,
      'unsupported_link_type:127': 1,
      'unsupported_link_type:253': 2,
    });
    expect(Object.keys(c.toRecord())).toEqual([...Object.keys(c.toRecord())].sort());
    expect(c.total()).toBe(8);
    expect(c.count(problems.UNSUPPORTED_LINK_TYPE)).toBe(3);
    const d = new ProblemCounter();
    d.merge(c); d.merge(c);
    expect(d.toRecord()['unsupported_link_type:253']).toBe(4);
    expect(d.total()).toBe(16);
  });

  it('ignores packets without a problem', () => {
    const c = new ProblemCounter();
    c.add(new DecodedPacket());
    expect(c.toRecord()).toEqual({});
    expect(c.total()).toBe(0);
  });

  it('a stopping problem replaces a soft one; a later soft one does not replace the first', () => {
    const p = new DecodedPacket();
    problems.softProblem(p, problems.IPV4_TOTAL_LENGTH_EXCEEDS_CAPTURE);
    problems.softProblem(p, problems.TRUNCATED_ICMP_QUOTE);
    expect(p.problem).toBe(problems.IPV4_TOTAL_LENGTH_EXCEEDS_CAPTURE);
    problems.stopProblem(p, problems.TRUNCATED_UDP_HEADER, -1);
    expect(p.problem).toBe(problems.TRUNCATED_UDP_HEADER);
  });
});
