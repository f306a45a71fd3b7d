/**
 * The real thing: the built CLI's live dashboard in a 100x30 tmux pane,
 * capturing on lo while this test makes traffic between 127.0.x addresses.
 * Needs tmux, a built dist/ (npm test builds first) and capture rights on lo.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { needsRoot, requireTools } from '../support/requires.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** One tmux server per test: a server being killed still holds its socket for a moment. */
let SOCKET = `wfo-ui-e2e-${process.pid}`;
const SOCKETS = [SOCKET, `${SOCKET}-out`];
const SERVER = '127.0.0.10';
const CLIENT = '127.0.1.5';
const DIR = mkdtempSync(join(tmpdir(), 'wfo-ui-e2e-'));

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

/** The visible pane, or with `history` everything since the start. */
function screen(history = false): string {
  return history ? tmux('capture-pane', '-p', '-S', '-') : tmux('capture-pane', '-p');
}

/** Polls the pane until `test` holds; fails with the last screen after `seconds`. */
async function waitFor(test: (text: string) => boolean, seconds: number, history = false): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  let text = '';
  while (Date.now() < deadline) {
    text = screen(history);
    if (test(text)) return text;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the screen never matched; last screen:\n${text}`);
}

/** One TCP connection from CLIENT to SERVER:port; resolves with 'ok' or the error code (refused). */
function connect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect({ host: SERVER, port, localAddress: CLIENT });
    c.on('connect', () => c.write('GET / HTTP/1.0\r\n\r\n'));
    c.on('data', () => {});
    c.on('end', () => resolve('ok'));
    c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

afterAll(() => {
  for (const sock of SOCKETS) {
    SOCKET = sock;
    let socketPath = '';
    try {
      socketPath = tmux('display-message', '-p', '#{socket_path}').trim();
      tmux('kill-server');
    } catch {
      // Already gone: the session ended on its own.
    }
    // kill-server can leave the socket file behind; it is ours (named by our pid), so remove it.
    if (socketPath.endsWith(SOCKET)) rmSync(socketPath, { force: true });
  }
  rmSync(DIR, { recursive: true, force: true });
});

describe.runIf(requireTools('tmux', ['tmux']) && needsRoot())('live dashboard in tmux', () => {
  it('shows live traffic on lo, answers keys, and leaves the final frame above the report', async () => {
    const site = join(DIR, 'site.yaml');
    writeFileSync(site, [
      'mode: premises',
      'modules: [screen-recording]',
      'hosts:',
      `  wfo-servers: [${SERVER}]`,
      '  sql: [127.0.0.20]',
      '  clients: [127.0.1.0/24]',
      '',
    ].join('\n'));
    // CI=true on purpose: Ink stops redrawing when it sees CI set; the dashboard must draw anyway.
    // NODE_ENV unset, as for a user (vitest sets it to test): the dashboard loads React's production build.
    const cmd = `env -u NODE_ENV CI=true node bin/wfo-audit.js live -i lo --site ${site} --duration 600; echo EXIT=$?; sleep 600`;
    tmux('new-session', '-d', '-x', '100', '-y', '30', '-c', ROOT, cmd);

    const first = await waitFor((t) => t.includes('kernel drops'), 20);
    expect(first).toContain('wfo-audit · live lo · kernel drops: unknown (cap cannot report them)');
    expect(first).toMatch(/Coverage · 0 of \d+ rules seen · 0 blocked · \d+ unseen/);
    expect(first).toContain('q quit  p pause  v verdict: all  tab panel: coverage');

    const http = net.createServer((s) => s.on('data', () => s.end('HTTP/1.0 200 OK\r\n\r\nhello')));
    await new Promise<void>((r) => http.listen(80, SERVER, r));
    // Port 80 is a designed web-portal port (answered); 5620 is the API server's (nobody listens: blocked); 3389 is in no rule.
    expect([await connect(80), await connect(5620), await connect(3389)]).toEqual(['ok', 'ECONNREFUSED', 'ECONNREFUSED']);
    http.close();

    const counted = await waitFor((t) => /total [1-9]\d* pkts/.test(t), 15);
    expect(counted).toMatch(/live flows \d+ · total \d+ pkts \/ \d+(\.\d)? k?B/);

    tmux('send-keys', 'v');
    await waitFor((t) => t.includes('v verdict: blocked'), 10);
    tmux('send-keys', 'Tab');
    const flows = await waitFor((t) => t.includes('Top flows · verdict: blocked'), 10);
    expect(flows).toContain('tab panel: top flows');
    tmux('send-keys', 'p');
    await waitFor((t) => t.includes('PAUSED  q quit  p resume'), 10);
    tmux('send-keys', 'p');
    await waitFor((t) => !t.includes('PAUSED'), 10);
    tmux('send-keys', 'Tab');
    await waitFor((t) => t.includes('tab panel: coverage'), 10);

    tmux('send-keys', 'q');
    const all = await waitFor((t) => /EXIT=\d/.test(t), 30, true);
    expect(all).toContain('EXIT=1');
    expect(all).toMatch(/\d\d:\d\d:\d\d blocked api-server tcp\/5620 127\.0\.1\.5 -> 127\.0\.0\.10 \(1 flow\)/);
    expect(all).toMatch(/\d\d:\d\d:\d\d unexpected none tcp\/3389 127\.0\.1\.5 -> 127\.0\.0\.10 \(1 flow\)/);
    expect(all).toContain('wfo-audit · live lo · capture stopped · kernel drops: unknown (cap cannot report them)');
    expect(all).toMatch(/api-server .*5620\/tcp +blocked/);
    expect(all).toMatch(/web-portal .*80\/tcp +seen/);
    const frameEnd = all.indexOf('done: the final report follows');
    expect(frameEnd).toBeGreaterThan(0);
    expect(all.indexOf('WFO traffic audit')).toBeGreaterThan(frameEnd);
  }, 240_000);
});

describe.runIf(requireTools('tmux', ['tmux']) && needsRoot())('live dashboard with --out in tmux', () => {
  it('the dashboard keeps the terminal, the final report goes to the file, and q is recorded as what stopped it', async () => {
    try { tmux('kill-server'); } catch { /* no server left from the test above */ }
    SOCKET = SOCKETS[1]!;
    const out = join(DIR, 'live-report.json');
    const cmd = `env -u NODE_ENV CI=true node bin/wfo-audit.js live -i lo --filter 'udp and host 127.0.0.83' --out ${out} --format json; echo EXIT=$?; sleep 120`;
    tmux('new-session', '-d', '-x', '100', '-y', '30', '-c', ROOT, cmd);
    await waitFor((t) => t.includes('q quit'), 20);
    tmux('send-keys', 'q');
    const all = await waitFor((t) => /EXIT=\d/.test(t), 30, true);
    expect(all).toContain('wfo-audit · live lo · capture stopped');
    // the report is in the file, not on the terminal
    expect(all).not.toContain('"schemaVersion"');
    const report = JSON.parse(readFileSync(out, 'utf8')) as { live: { stoppedBy: string; interface: string } };
    expect(report.live).toMatchObject({ stoppedBy: 'q', interface: 'lo' });
  }, 120_000);
});
