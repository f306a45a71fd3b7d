import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { CoveragePanel } from '../../src/ui/CoveragePanel.js';
import { FindingsLog } from '../../src/ui/FindingsLog.js';
import { Footer } from '../../src/ui/Footer.js';
import { Header } from '../../src/ui/Header.js';
import { TopFlows } from '../../src/ui/TopFlows.js';
import { COVERAGE, FINDINGS, TOP_FLOWS, expectFits, expectGolden, fileSnapshot, liveSnapshot, plain, row } from './fixtures.js';

const WIDTHS = [80, 120] as const;

describe('Header', () => {
  for (const width of WIDTHS) {
    it(`live capture at ${width} columns`, () => {
      const text = plain(render(<Header snapshot={liveSnapshot()} width={width} />).lastFrame());
      expectFits(text, width);
      expectGolden(`header-live-${width}`, text);
    });
    it(`file input at ${width} columns`, () => {
      const text = plain(render(<Header snapshot={fileSnapshot()} width={width} />).lastFrame());
      expectFits(text, width);
      expectGolden(`header-file-${width}`, text);
    });
  }
  it('marks that kernel drops are unknown only when live', () => {
    expect(plain(render(<Header snapshot={liveSnapshot()} width={80} />).lastFrame())).toContain('cap cannot report');
    expect(plain(render(<Header snapshot={fileSnapshot()} width={80} />).lastFrame())).not.toContain('kernel drops');
  });
  it('with the tcpdump engine: drops counted when tcpdump exits, then the count (or that it gave none)', () => {
    const first = (snap: ReturnType<typeof liveSnapshot>) => plain(render(<Header snapshot={snap} width={120} />).lastFrame()).split('\n')[0];
    expect(first(liveSnapshot({ capture: { engine: 'tcpdump', kernelDrops: null } })))
      .toBe('wfo-audit · live eth1 · kernel drops: counted when tcpdump exits');
    expect(first(liveSnapshot({ done: true, capture: { engine: 'tcpdump', kernelDrops: 1234 } })))
      .toBe('wfo-audit · live eth1 · capture stopped · kernel drops: 1,234');
    expect(first(liveSnapshot({ done: true, capture: { engine: 'tcpdump', kernelDrops: 0 } })))
      .toBe('wfo-audit · live eth1 · capture stopped · kernel drops: 0');
    expect(first(liveSnapshot({ done: true, capture: { engine: 'tcpdump', kernelDrops: null } })))
      .toBe('wfo-audit · live eth1 · capture stopped · kernel drops: unknown (tcpdump did not report them)');
    expect(first(liveSnapshot({ capture: { engine: 'cap', kernelDrops: null } })))
      .toBe('wfo-audit · live eth1 · kernel drops: unknown (cap cannot report them)');
  });
  it('says it is waiting before the first snapshot, still three lines high', () => {
    const text = plain(render(<Header snapshot={null} width={80} />).lastFrame());
    expect(text.split('\n')).toHaveLength(3);
    expect(text.split('\n')[0]).toBe('wfo-audit · waiting for the first packets…');
  });
  it('shows the read size for stdin input, whose total is unknown', () => {
    const text = plain(render(<Header snapshot={fileSnapshot({ source: '-', totalBytes: 0, bytesRead: 5_500_000 })} width={80} />).lastFrame());
    expect(text.split('\n')[2]).toBe('decode problems 0 · loss est. n/a · read 5.5 MB');
  });
  it('says the input ended on the final snapshot', () => {
    const text = plain(render(<Header snapshot={fileSnapshot({ done: true })} width={120} />).lastFrame());
    expect(text.split('\n')[0]).toBe('wfo-audit · files site-a-monday.pcapng, site-a-tuesday.pcapng · input ended');
  });
});

describe('FindingsLog burst line', () => {
  it('says how many new findings were not logged one by one, by verdict, cut to the width', () => {
    const burst = { kind: 'burst' as const, key: 'burst#3', count: 1949, byVerdict: { blocked: 715, 'wrong-direction': 0, unexpected: 1234 } };
    const text = plain(render(<FindingsLog entries={[FINDINGS[0]!, burst]} width={100} />).lastFrame());
    expect(text.trimEnd().split('\n').at(-1)).toBe('… 1949 more new findings (715 blocked, 1234 unexpected): see the final report');
    const narrow = plain(render(<FindingsLog entries={[burst]} width={40} />).lastFrame()).trimEnd();
    expectFits(narrow, 40);
    expect(narrow).toBe('… 1949 more new findings (715 blocked, …');
  });
});

describe('CoveragePanel', () => {
  for (const width of WIDTHS) {
    it(`lists every rule at ${width} columns, blocked first`, () => {
      const text = plain(render(<CoveragePanel rows={COVERAGE} width={width} height={20} />).lastFrame());
      expectFits(text, width);
      expectGolden(`coverage-${width}`, text);
    });
  }
  it('says how many rules it had to leave out on a short screen', () => {
    const text = plain(render(<CoveragePanel rows={COVERAGE} width={80} height={6} />).lastFrame());
    const lines = text.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^html5-player +hybrid\.html5-player +2020\/tcp +blocked$/);
    expect(lines[5]).toBe('… 8 more rules');
  });
  it('keeps the rule id at 80 columns: rules of one service, port and status stay apart', () => {
    const sql = ['api-server.sql.1433', 'archiver.sql.1433', 'cti-core.sql.1433', 'logger.sql.1433'].map((id) => row(id, 'sql', '1433', 'seen', 3));
    const text = plain(render(<CoveragePanel rows={sql} width={80} height={10} />).lastFrame());
    expectFits(text, 80);
    const lines = text.split('\n').slice(2);
    expect(lines).toHaveLength(4);
    expect(new Set(lines).size).toBe(4);
    for (const [i, id] of ['api-server.sql.1433', 'archiver.sql.1433', 'cti-core.sql.1433', 'logger.sql.1433'].entries()) expect(lines[i]).toContain(id);
  });
  it('says so when the design has no active rule', () => {
    const text = plain(render(<CoveragePanel rows={[]} width={80} height={6} />).lastFrame());
    expect(text.split('\n')[2]).toBe('no active rules');
  });
});

describe('TopFlows', () => {
  for (const width of WIDTHS) {
    it(`lists the busiest flows at ${width} columns`, () => {
      const text = plain(render(<TopFlows flows={TOP_FLOWS} filter="all" width={width} height={12} />).lastFrame());
      expectFits(text, width);
      expectGolden(`top-flows-${width}`, text);
    });
  }
  it('shows only the filtered verdict', () => {
    const text = plain(render(<TopFlows flows={TOP_FLOWS} filter="blocked" width={80} height={12} />).lastFrame());
    const lines = text.split('\n');
    expect(lines[0]).toBe('Top flows · verdict: blocked · 1 of 1');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('html5-player');
  });
  it('says when no flow has the filtered verdict', () => {
    const text = plain(render(<TopFlows flows={TOP_FLOWS.slice(0, 2)} filter="unexpected" width={80} height={12} />).lastFrame());
    expect(text.split('\n')[2]).toBe('no unexpected flows');
  });
  it('shows the server port at every width, the client\'s port too on wide screens', () => {
    const narrow = plain(render(<TopFlows flows={TOP_FLOWS} filter="all" width={80} height={12} />).lastFrame()).split('\n');
    const wide = plain(render(<TopFlows flows={TOP_FLOWS} filter="all" width={120} height={12} />).lastFrame()).split('\n');
    const first = TOP_FLOWS.find((c) => c.flow.serverPort === 443)!.flow;
    expect(narrow[2]).toMatch(/^10\.20\.1\.15 +-> 10\.20\.0\.10 +tcp\/443 /);
    expect(wide[2]).toMatch(new RegExp(`^10\\.20\\.1\\.15:${first.clientPort} +-> 10\\.20\\.0\\.10 +tcp/443 `));
    // a flow with no service says "none", as every human format does
    expect(narrow.find((l) => l.includes('tcp/3389'))).toMatch(/ none +unexpected /);
  });
  it('keeps to its height', () => {
    const text = plain(render(<TopFlows flows={TOP_FLOWS} filter="all" width={80} height={4} />).lastFrame());
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Top flows · verdict: all · 2 of 7');
  });
});

describe('FindingsLog', () => {
  for (const width of WIDTHS) {
    it(`writes one line per finding at ${width} columns`, () => {
      const text = plain(render(<FindingsLog entries={FINDINGS} width={width} />).lastFrame());
      expectFits(text, width);
      expectGolden(`findings-${width}`, text);
    });
  }
});

describe('Footer', () => {
  const base = { paused: false, filter: 'all', panel: 'coverage', quitting: false, ended: false } as const;
  it('shows the keys with the current filter and panel', () => {
    expect(plain(render(<Footer state={base} width={80} />).lastFrame()))
      .toBe('q quit  p pause  v verdict: all  tab panel: coverage');
  });
  it('marks a paused display', () => {
    expect(plain(render(<Footer state={{ ...base, paused: true, filter: 'wrong-direction', panel: 'flows' }} width={80} />).lastFrame()))
      .toBe('PAUSED  q quit  p resume  v verdict: wrong-direction  tab panel: top flows');
  });
  it('truncates with an ellipsis instead of wrapping', () => {
    expect(plain(render(<Footer state={base} width={20} />).lastFrame())).toBe('q quit  p pause  v …');
  });
  it('says the capture is stopping after q, and that the report follows at the end', () => {
    expect(plain(render(<Footer state={{ ...base, quitting: true }} width={80} />).lastFrame())).toBe('stopping the capture…');
    expect(plain(render(<Footer state={{ ...base, ended: true }} width={80} />).lastFrame())).toBe('done: the final report follows');
  });
});
