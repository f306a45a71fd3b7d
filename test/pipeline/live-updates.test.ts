/**
 * The live dashboard's view of a long-lived connection, for real: libpcap on lo,
 * a TCP connection this test opens between 127.0.0.x addresses and holds open.
 * The rule must show as seen, and the wrong-way connection as a finding, while both
 * connections are still open (interim updates), and each counts once at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDesign } from '../../src/cli/common.js';
import { runLive } from '../../src/pipeline/live.js';
import type { DashboardSnapshot } from '../../src/pipeline/types.js';
import { needsRoot, requireTools } from '../support/requires.js';

const root = needsRoot();
const tcpdump = requireTools('tcpdump', ['tcpdump']);

const WFO = '127.0.0.31', SQL = '127.0.0.32', AGENT = '127.0.1.33';
const DIR = mkdtempSync(join(tmpdir(), 'wfo-live-updates-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

/** Listens on host:port and answers nothing; resolves with the server. */
async function listen(host: string, port: number): Promise<net.Server> {
  const s = net.createServer(() => {});
  await new Promise<void>((r) => s.listen(port, host, r));
  return s;
}

/** Opens a connection from `from` to host:port and keeps it open. */
async function hold(from: string, host: string, port: number): Promise<net.Socket> {
  const c = net.connect({ host, port, localAddress: from });
  await new Promise<void>((r, j) => { c.once('connect', r); c.once('error', j); });
  return c;
}

describe.runIf(root)('live interim updates', () => {
  it('counts held-open connections in coverage and findings before they end', async () => {
    const site = join(DIR, 'site.yaml');
    writeFileSync(site, `mode: premises\nmodules: []\nhosts:\n  wfo-servers: [${WFO}]\n  sql: [${SQL}]\n  clients: [127.0.1.0/24]\n`);
    const { design, site: siteInfo } = loadDesign(site);
    const servers = [await listen(SQL, 1433), await listen(AGENT, 5672)];
    const abort = new AbortController();
    const frames: DashboardSnapshot[] = [];
    const sockets: net.Socket[] = [];
    let opened = false;
    let seenWhileOpen: DashboardSnapshot | null = null;
    const report = runLive({
      iface: 'lo',
      filter: `tcp and (host ${SQL} or host ${AGENT})`,
      design, site: siteInfo, keepFlows: false,
      durationSec: 40, snapshotMs: 100, updateEvery: 1,
      signal: abort.signal,
      onReady: () => {
        void (async () => {
          sockets.push(await hold(WFO, SQL, 1433));       // the API server's SQL pool: expected
          sockets.push(await hold(WFO, AGENT, 5672));     // AMQP opened toward an agent PC: the wrong way
          opened = true;
        })();
      },
      onSnapshot: (s) => {
        frames.push(s);
        if (!opened || seenWhileOpen || s.done) return;
        const sql = s.coverage.find((r) => r.rule === 'api-server.sql.1433');
        if (sql?.status === 'seen' && s.findings.some((f) => f.port === 5672)) {
          seenWhileOpen = s;
          abort.abort();
        }
      },
    });
    const r = await report;
    for (const c of sockets) c.destroy();
    for (const s of servers) s.close();
    expect(seenWhileOpen).not.toBeNull();
    const during = seenWhileOpen!;
    expect(during.liveFlows).toBeGreaterThanOrEqual(2);
    expect(during.findings.find((f) => f.port === 5672)).toMatchObject({
      verdict: 'wrong-direction', service: 'rabbitmq', clientIp: WFO, serverIp: AGENT, count: 1,
    });
    // the final report has each connection once (ended by the end of the capture)
    const sqlRow = r.coverage.find((x) => x.rule === 'api-server.sql.1433')!;
    expect(sqlRow).toMatchObject({ status: 'seen', flows: 1 });
    expect(r.summary['wrong-direction']).toBe(1);
    const last = frames.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.coverage.find((x) => x.rule === 'api-server.sql.1433')).toMatchObject({ flows: 1 });
  }, 60_000);

  it.runIf(tcpdump)('with the tcpdump engine, frames say drops are counted at exit, and the final frame has the count', async () => {
    const site = join(DIR, 'site2.yaml');
    writeFileSync(site, `mode: premises\nmodules: []\nhosts:\n  wfo-servers: [${WFO}]\n  sql: [${SQL}]\n`);
    const { design, site: siteInfo } = loadDesign(site);
    const frames: DashboardSnapshot[] = [];
    // Stopped once three interim frames are out (a condition); the duration is only a bound.
    const abort = new AbortController();
    const r = await runLive({
      iface: 'lo', engine: 'tcpdump', filter: `host ${SQL} and port 1`,
      design, site: siteInfo, keepFlows: false, durationSec: 40, snapshotMs: 100,
      signal: abort.signal,
      onSnapshot: (s) => { frames.push(s); if (frames.length >= 3) abort.abort(); },
    });
    expect(frames.length).toBeGreaterThan(2);
    expect(frames[0]!.capture).toEqual({ engine: 'tcpdump', kernelDrops: null });
    const last = frames.at(-1)!;
    expect(last.done).toBe(true);
    expect(last.capture).toEqual({ engine: 'tcpdump', kernelDrops: 0 });
    expect(r.inputs[0]!.kernelDrops).toBe(0);
  }, 60_000);
});
