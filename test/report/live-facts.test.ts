import { describe, expect, it } from 'vitest';
import { REPORTERS } from '../../src/report/index.js';
import type { AuditReport, LiveFacts } from '../../src/report/types.js';
import { sampleReportV2 } from './support.js';

const O = { color: false, all: false, width: 200 };
const T = Date.UTC(2026, 11, 3, 9, 46, 5, 120) / 1000;

function liveReport(live: Partial<LiveFacts> = {}): AuditReport {
  return {
    ...sampleReportV2(),
    live: { startedAt: T, stoppedAt: T + 4.2, stoppedBy: 'ctrl-c', interface: 'lo', filter: 'udp and host 127.0.0.78', engine: 'cap', kernelDrops: null, ...live },
  };
}

describe('live facts in the reports', () => {
  it('JSON puts live after inputs, its keys in documented order', () => {
    const doc = JSON.parse(REPORTERS.json(liveReport({ engine: 'tcpdump', kernelDrops: 3 }), O)) as Record<string, unknown>;
    const keys = Object.keys(doc);
    expect(keys.indexOf('live')).toBe(keys.indexOf('inputs') + 1);
    expect(doc.live).toEqual({ startedAt: T, stoppedAt: T + 4.2, stoppedBy: 'ctrl-c', interface: 'lo', filter: 'udp and host 127.0.0.78', engine: 'tcpdump', kernelDrops: 3 });
    expect(Object.keys(doc.live as object)).toEqual(['startedAt', 'stoppedAt', 'stoppedBy', 'interface', 'filter', 'engine', 'kernelDrops']);
  });

  it('NDJSON summary line carries the live facts', () => {
    const lines = REPORTERS.ndjson(liveReport({ stoppedBy: 'duration' }), O).trim().split('\n');
    const summary = JSON.parse(lines.at(-1)!) as { type: string; live: LiveFacts };
    expect(summary.type).toBe('summary');
    expect(summary.live.stoppedBy).toBe('duration');
  });

  it('table and markdown say what stopped the capture, with interface, filter, engine and drops', () => {
    const t = REPORTERS.table(liveReport(), O).replace(/\n +/g, ' ');
    expect(t).toContain('Live capture      captured 4.200 s, 2026-12-03 09:46:05.120 to 09:46:09.320 UTC, stopped by Ctrl-C; interface "lo", filter "udp and host 127.0.0.78", engine cap, kernel drops not counted');
    const m = REPORTERS.markdown(liveReport({ stoppedBy: 'sigterm', engine: 'tcpdump', kernelDrops: 1, filter: null }), O);
    expect(m).toMatch(/- \*\*Live capture:\*\* captured 4\.200 s, .* stopped by SIGTERM; interface "lo", filter none, engine tcpdump, 1 kernel drop\n/);
    expect(REPORTERS.table(liveReport({ stoppedBy: 'q' }), O)).toContain('stopped by the q key');
  });

  it('a control character in the filter is escaped, never sent to the terminal', () => {
    const t = REPORTERS.table(liveReport({ filter: 'udp\x1b[2J' }), O);
    expect(t).not.toContain('\x1b');
    expect(t).toContain('filter "udp\\u001b[2J"');
  });

  it('an audit report has no live key and no live line', () => {
    const r = sampleReportV2();
    expect(Object.keys(JSON.parse(REPORTERS.json(r, O)) as object)).not.toContain('live');
    expect(REPORTERS.table(r, O)).not.toContain('Live capture');
    expect(REPORTERS.markdown(r, O)).not.toContain('Live capture');
  });
});
