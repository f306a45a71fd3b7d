/**
 * Enforcement (issue 18): two network namespaces joined by a veth pair (private
 * addresses only, IPv4 and IPv6). The server side loads the nftables rules that
 * `wfo-audit rules --target nftables --enforce` writes; `nft -j list ruleset` must
 * show a destination port on every tcp/udp accept and exactly the report's designed
 * connection ids. Then a client makes designed and undesigned connections (bounded
 * probes of at least 2 s), tcpdump captures them inside the server namespace until
 * --syn-grace + 1 s past the last probe, and the built CLI audits the capture:
 * designed with a listener -> expected, designed without one -> blocked (refused),
 * undesigned -> dropped, unexpected, no answer. Last, without the neighbour-discovery
 * rule an IPv6 connection to a designed port fails. The same probes against the
 * iptables + ip6tables output (`iptables-save` shows every designed id, each tcp/udp
 * ACCEPT with its port), and against `--chain forward` on a router namespace between a
 * client and a server subnet. The namespaces are removed in afterAll, also when a test fails.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, requireTools, requires } from '../support/requires.js';
import { runCli } from '../support/cli.js';
import { designedConnections } from '../../src/design/connections.js';
import { resolveDesign } from '../../src/design/resolve.js';
import { loadSite } from '../../src/design/site.js';

const enforce = requires('root', isRoot(), 'needs root (network namespaces, nft in a namespace, tcpdump)')
  && requireTools('netns-nft-tcpdump', ['ip', 'nft', 'tcpdump'], 'iproute2 nftables tcpdump');

const id = process.pid;
const NS_SERVER = `wfoa-srv-${id}`;
const NS_CLIENT = `wfoa-cli-${id}`;
const VETH_SERVER = `wfoa-s${id}`.slice(0, 15);
const VETH_CLIENT = `wfoa-c${id}`.slice(0, 15);
const SERVER4 = '10.199.0.1', CLIENT4 = '10.199.0.2';
const SERVER6 = 'fd00:199::1', CLIENT6 = 'fd00:199::2';
/** --syn-grace of the audit; the capture runs this + 1 s past the last probe. */
const SYN_GRACE = 1;
/** Each probe lasts at least this long (a dropped SYN is retried within it). */
const PROBE_MS = 2500;

/** A site where every role has private addresses, so that every designed connection has a rule. */
function siteFile(server4: string, server6: string): string {
  return `# enforcement test site (test/e2e/rules-enforcement.test.ts)
mode: premises
modules: []
hosts:
  wfo-servers: [${server4}, "${server6}"]
  clients: [${CLIENT4}, "${CLIENT6}"]
  sql: [10.199.1.20]
  file-server: [10.199.1.30]
  pbx: [10.199.1.5]
  snmp-manager: [10.199.1.40]
  smtp-relay: [10.199.1.41]
`;
}

const SITE = siteFile(SERVER4, SERVER6);

interface Probe { name: string; host: string; port: number; listener: boolean; designed: boolean }

/** Designed with a listener, designed without one, undesigned; each over IPv4 and IPv6. */
function probesTo(server4: string, server6: string): Probe[] {
  return [
    { name: 'portal v4', host: server4, port: 80, listener: true, designed: true },
    { name: 'portal v6', host: server6, port: 80, listener: true, designed: true },
    { name: 'silverlight policy v4 (no listener)', host: server4, port: 943, listener: false, designed: true },
    { name: 'silverlight player v6 (no listener)', host: server6, port: 4510, listener: false, designed: true },
    { name: 'undesigned v4', host: server4, port: 9999, listener: false, designed: false },
    { name: 'undesigned v6', host: server6, port: 9998, listener: false, designed: false },
  ];
}

const PROBES: readonly Probe[] = probesTo(SERVER4, SERVER6);

/** What the firewall must do to each probe. */
function enforced(probes: readonly Probe[]): string[] {
  return probes.map((p) => (!p.designed ? 'timeout' : p.listener ? 'connected' : 'refused'));
}

/**
 * Opens every probe at once; each lasts PROBE_MS (a connected one holds its connection that
 * long, an unanswered one is given up after it, a refused one waits it out). Prints the outcomes as JSON.
 */
const PROBE_SCRIPT = `
const net = require('node:net');
const probes = JSON.parse(process.argv[1]);
Promise.all(probes.map((p) => new Promise((done) => {
  let outcome = 'timeout';
  const s = net.connect({ host: p.host, port: p.port });
  s.on('connect', () => { outcome = 'connected'; s.write('GET / HTTP/1.0\\r\\n\\r\\n'); });
  s.on('data', () => {});
  s.on('error', (e) => { if (e.code === 'ECONNREFUSED') outcome = 'refused'; });
  setTimeout(() => { s.destroy(); done(outcome); }, ${PROBE_MS});
}))).then((r) => { process.stdout.write(JSON.stringify(r)); });
`;

/** A listener on port 80 (IPv4 and IPv6) that answers and keeps the connection until the client ends it. */
const LISTENER_SCRIPT = `
const net = require('node:net');
net.createServer((s) => { s.on('error', () => {}); s.on('data', () => {}); s.write('HTTP/1.0 200 OK\\r\\n\\r\\nwfo\\n'); })
  .listen({ port: 80, host: '::', ipv6Only: false }, () => process.stdout.write('ready\\n'));
`;

function sh(args: string[]): string {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: exit ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

function inNs(ns: string, args: string[]): string {
  return sh(['ip', 'netns', 'exec', ns, ...args]);
}

/** Two namespaces joined by a veth pair: the server end gets SERVER4/SERVER6 (or the given pair), the client end CLIENT4/CLIENT6. */
function addNamespaces(server: string, client: string, vethServer: string, vethClient: string,
  [server4, server6]: readonly [string, string] = [SERVER4, SERVER6]): void {
  sh(['ip', 'netns', 'add', server]);
  sh(['ip', 'netns', 'add', client]);
  sh(['ip', 'link', 'add', vethServer, 'netns', server, 'type', 'veth', 'peer', 'name', vethClient, 'netns', client]);
  for (const [ns, dev, a4, a6] of [[server, vethServer, server4, server6], [client, vethClient, CLIENT4, CLIENT6]] as const) {
    inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
    inNs(ns, ['ip', 'addr', 'add', `${a4}/24`, 'dev', dev]);
    // nodad: the address is usable at once instead of after duplicate address detection
    inNs(ns, ['ip', '-6', 'addr', 'add', `${a6}/64`, 'dev', dev, 'nodad']);
    inNs(ns, ['ip', 'link', 'set', dev, 'up']);
  }
}

/** Removes both namespaces (the veth pair goes with them), also half-made ones; checks they are gone. */
function removeNamespaces(...names: string[]): void {
  for (const ns of names) spawnSync('ip', ['netns', 'del', ns]);
  const left = sh(['ip', 'netns', 'list']);
  for (const ns of names) expect(left).not.toContain(ns);
}

/** Starts a background process and resolves once `ready` shows on the given stream. */
function startUntil(args: string[], stream: 'stdout' | 'stderr', ready: RegExp): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const p = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: not ready after 20 s: ${seen}`)), 20_000);
    p[stream]!.on('data', (b: Buffer) => {
      seen += b.toString();
      if (ready.test(seen)) { clearTimeout(timer); resolve(p); }
    });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${args.join(' ')} exited ${code}: ${seen}`)); });
  });
}

/** Stops a background process of ours and waits for it to exit. */
function stop(p: ChildProcess | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.removeAllListeners('exit');
    p.on('exit', () => resolve());
    p.kill(signal);
  });
}

interface NftRule { rule?: { family: string; table: string; chain: string; comment?: string; expr: Record<string, unknown>[] } }

/** Accept rules of `nft -j` output that match tcp or udp but no destination port. */
function acceptsWithoutPort(rules: NonNullable<NftRule['rule']>[]): NonNullable<NftRule['rule']>[] {
  return rules.filter((r) => {
    if (!r.expr.some((e) => 'accept' in e)) return false;
    const text = JSON.stringify(r.expr);
    const l4 = /"protocol":"(tcp|udp)"|"key":"l4proto"\}+,"right":(\{"set":\[[^\]]*)?"(tcp|udp)"/.test(text);
    return l4 && !/"protocol":"(tcp|udp)","field":"dport"/.test(text);
  });
}

interface Flow { client: string; server: string; proto: string; state: string; verdict: string; reasonCode: string }

describe.runIf(enforce)('nftables --enforce between two network namespaces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-enforce-'));
  const sitePath = join(dir, 'site.yaml');
  const rulesPath = join(dir, 'wfo.nft');
  const capture = join(dir, 'probes.pcap');
  let listener: ChildProcess | null = null;
  let tcpdump: ChildProcess | null = null;
  let outcomes: string[] = [];
  let report: { flows: Flow[]; connections?: { id: string }[] } = { flows: [] };

  beforeAll(async () => {
    writeFileSync(sitePath, SITE);
    addNamespaces(NS_SERVER, NS_CLIENT, VETH_SERVER, VETH_CLIENT);
    const gen = runCli(['rules', '--site', sitePath, '--target', 'nftables', '--enforce', '--out', rulesPath]);
    if (gen.code !== 0) throw new Error(`rules: ${gen.stderr}`);
    inNs(NS_SERVER, ['nft', '-f', rulesPath]);
    listener = await startUntil(['ip', 'netns', 'exec', NS_SERVER, process.execPath, '-e', LISTENER_SCRIPT], 'stdout', /ready/);
    tcpdump = await startUntil(['ip', 'netns', 'exec', NS_SERVER, 'tcpdump', '-i', VETH_SERVER, '-U', '-n', '-s', '0', '-w', capture, 'tcp'], 'stderr', /listening on/);
    outcomes = JSON.parse(inNs(NS_CLIENT, [process.execPath, '-e', PROBE_SCRIPT, JSON.stringify(PROBES)])) as string[];
    // The capture runs --syn-grace + 1 s past the last probe, so no probe's SYN is "near the end".
    await new Promise((r) => setTimeout(r, (SYN_GRACE + 1) * 1000));
    await stop(tcpdump, 'SIGINT');
    const audit = runCli(['audit', '--site', sitePath, '--format', 'json', '--syn-grace', String(SYN_GRACE), '--fail-on', 'none', capture]);
    if (audit.code !== 0) throw new Error(`audit exit ${audit.code}: ${audit.stderr}`);
    report = JSON.parse(audit.stdout) as typeof report;
  }, 120_000);

  afterAll(async () => {
    await stop(tcpdump, 'SIGINT');
    await stop(listener);
    removeNamespaces(NS_SERVER, NS_CLIENT);
    rmSync(dir, { recursive: true, force: true });
  });

  it('nft -j list ruleset: every tcp/udp accept has a destination port; the connection ids are the report\'s connections[]', () => {
    const doc = JSON.parse(inNs(NS_SERVER, ['nft', '-j', 'list', 'ruleset'])) as { nftables: NftRule[] };
    const rules = doc.nftables.flatMap((x) => (x.rule && x.rule.table === 'wfo_audit' ? [x.rule] : []));
    const accepts = rules.filter((r) => r.expr.some((e) => 'accept' in e));
    expect(accepts.length).toBeGreaterThan(10);
    expect(acceptsWithoutPort(rules).map((r) => r.comment)).toEqual([]);
    const ids = new Set<string>();
    for (const r of accepts) {
      if (r.comment && !r.comment.startsWith('wfo-audit: ') && !r.comment.startsWith('allow:')) ids.add(r.comment);
    }
    expect(rules.find((r) => r.chain === 'input')).toBeDefined();
    const chains = doc.nftables.flatMap((x) => ('chain' in x ? [(x as { chain: { table: string; policy?: string } }).chain] : []));
    expect(chains.filter((c) => c.table === 'wfo_audit').map((c) => c.policy)).toEqual(['drop']);
    const designed = (report.connections ?? []).map((c) => c.id).sort();
    expect(designed.length).toBeGreaterThan(10);
    expect([...ids].sort()).toEqual(designed);
  });

  it('the port check catches an accept without a destination port (a table with no hook, removed again)', () => {
    const table = 'wfoa_check';
    inNs(NS_SERVER, ['nft', `add table inet ${table}; add chain inet ${table} c; add rule inet ${table} c meta l4proto tcp accept comment "no-port"; add rule inet ${table} c meta l4proto { tcp, udp } accept comment "no-port-set"; add rule inet ${table} c tcp dport 80 accept comment "port"`]);
    try {
      const doc = JSON.parse(inNs(NS_SERVER, ['nft', '-j', 'list', 'table', 'inet', table])) as { nftables: NftRule[] };
      const rules = doc.nftables.flatMap((x) => (x.rule ? [x.rule] : []));
      expect(rules).toHaveLength(3);
      expect(acceptsWithoutPort(rules).map((r) => r.comment)).toEqual(['no-port', 'no-port-set']);
    } finally {
      inNs(NS_SERVER, ['nft', 'delete', 'table', 'inet', table]);
    }
  });

  it('the firewall let the designed connections through and dropped the undesigned ones', () => {
    expect(outcomes).toEqual(enforced(PROBES));
  });

  it('the audit of the capture: designed with a listener expected, without one blocked (refused), undesigned unexpected with no answer', () => {
    for (const p of PROBES) {
      const server = p.host.includes(':') ? `[${p.host}]:${p.port}` : `${p.host}:${p.port}`;
      const flows = report.flows.filter((f) => f.server === server && f.proto === 'tcp');
      expect(flows.length, p.name).toBe(1);
      const f = flows[0]!;
      if (!p.designed) {
        expect([f.verdict, f.state], p.name).toEqual(['unexpected', 'unanswered']);
      } else if (p.listener) {
        expect([f.verdict, f.reasonCode], p.name).toEqual(['expected', 'expected']);
      } else {
        expect([f.verdict, f.reasonCode], p.name).toEqual(['blocked', 'blocked-refused']);
      }
    }
  });

  // Runs last: it changes the loaded ruleset.
  it('without the neighbour-discovery rule IPv6 never reaches a designed port (why the rules accept it)', () => {
    const doc = JSON.parse(inNs(NS_SERVER, ['nft', '-j', 'list', 'chain', 'inet', 'wfo_audit', 'input'])) as { nftables: (NftRule & { rule?: { handle?: number } })[] };
    const nd = doc.nftables.find((x) => x.rule?.comment === 'wfo-audit: IPv6 neighbour discovery')?.rule as { handle: number } | undefined;
    expect(nd).toBeDefined();
    inNs(NS_SERVER, ['nft', 'delete', 'rule', 'inet', 'wfo_audit', 'input', 'handle', String(nd!.handle)]);
    for (const [ns, dev] of [[NS_SERVER, VETH_SERVER], [NS_CLIENT, VETH_CLIENT]] as const) inNs(ns, ['ip', '-6', 'neigh', 'flush', 'dev', dev]);
    const portal6 = [PROBES[1]!, PROBES[0]!];
    expect(JSON.parse(inNs(NS_CLIENT, [process.execPath, '-e', PROBE_SCRIPT, JSON.stringify(portal6)]))).toEqual(['timeout', 'connected']);
  });
});

const enforceIptables = enforce && requireTools('iptables-save', ['iptables-restore', 'ip6tables-restore', 'iptables-save', 'ip6tables-save'], 'iptables');

describe.runIf(enforceIptables)('iptables and ip6tables --enforce between two network namespaces', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-enforce-ipt-'));
  const sitePath = join(dir, 'site.yaml');
  const server = `wfoa-isrv-${id}`, client = `wfoa-icli-${id}`;
  let listener: ChildProcess | null = null;
  let outcomes: string[] = [];

  beforeAll(async () => {
    writeFileSync(sitePath, SITE);
    addNamespaces(server, client, `wfoa-is${id}`.slice(0, 15), `wfoa-ic${id}`.slice(0, 15));
    for (const target of ['iptables', 'ip6tables']) {
      const file = join(dir, `wfo.${target}`);
      const gen = runCli(['rules', '--site', sitePath, '--target', target, '--enforce', '--out', file]);
      if (gen.code !== 0) throw new Error(`rules: ${gen.stderr}`);
      inNs(server, [`${target}-restore`, file]);
    }
    listener = await startUntil(['ip', 'netns', 'exec', server, process.execPath, '-e', LISTENER_SCRIPT], 'stdout', /ready/);
    outcomes = JSON.parse(inNs(client, [process.execPath, '-e', PROBE_SCRIPT, JSON.stringify(PROBES)])) as string[];
  }, 120_000);

  afterAll(async () => {
    await stop(listener);
    removeNamespaces(server, client);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the loaded rules (iptables-save, ip6tables-save) carry every designed connection id; every tcp/udp ACCEPT has its port', () => {
    const lines = [...inNs(server, ['iptables-save']).split('\n'), ...inNs(server, ['ip6tables-save']).split('\n')];
    expect(lines.filter((l) => l.startsWith(':INPUT DROP '))).toHaveLength(2);
    const accepts = lines.filter((l) => l.startsWith('-A INPUT') && l.endsWith('-j ACCEPT'));
    for (const l of accepts) if (/ -p (tcp|udp) /.test(l)) expect(l).toMatch(/ --dports? \d/);
    const ids = new Set(accepts.flatMap((l) => {
      const m = /--comment "?([^"\s]+)"?/.exec(l);
      return m && !m[1]!.startsWith('wfo-audit:') && !m[1]!.startsWith('allow:') ? [m[1]!] : [];
    }));
    const designed = designedConnections(resolveDesign(loadSite(sitePath))).map((c) => c.id).sort();
    expect(designed.length).toBeGreaterThan(10);
    expect([...ids].sort()).toEqual(designed);
  });

  it('the firewall let the designed connections through and dropped the undesigned ones', () => {
    expect(outcomes).toEqual(enforced(PROBES));
  });
});

describe.runIf(enforce)('nftables --chain forward --enforce on a router between the client and the server subnets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wfo-enforce-fwd-'));
  const sitePath = join(dir, 'site.yaml');
  const rulesPath = join(dir, 'wfo.nft');
  const client = `wfoa-fcli-${id}`, router = `wfoa-frtr-${id}`, server = `wfoa-fsrv-${id}`;
  const fwd4 = '10.199.2.1', fwd6 = 'fd00:199:2::1';
  const probes = probesTo(fwd4, fwd6);
  let listener: ChildProcess | null = null;
  let outcomes: string[] = [];

  beforeAll(async () => {
    writeFileSync(sitePath, siteFile(fwd4, fwd6));
    // client 10.199.0.2 -- 10.199.0.254 router 10.199.2.254 -- 10.199.2.1 server (and the same in fd00:199::/64, fd00:199:2::/64)
    addNamespaces(router, client, `wfoa-rc${id}`.slice(0, 15), `wfoa-fc${id}`.slice(0, 15), ['10.199.0.254', 'fd00:199::fe']);
    sh(['ip', 'netns', 'add', server]);
    const rs = `wfoa-rs${id}`.slice(0, 15), fs = `wfoa-fs${id}`.slice(0, 15);
    sh(['ip', 'link', 'add', rs, 'netns', router, 'type', 'veth', 'peer', 'name', fs, 'netns', server]);
    for (const [ns, dev, a4, a6] of [[router, rs, '10.199.2.254', 'fd00:199:2::fe'], [server, fs, fwd4, fwd6]] as const) {
      inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
      inNs(ns, ['ip', 'addr', 'add', `${a4}/24`, 'dev', dev]);
      inNs(ns, ['ip', '-6', 'addr', 'add', `${a6}/64`, 'dev', dev, 'nodad']);
      inNs(ns, ['ip', 'link', 'set', dev, 'up']);
    }
    inNs(client, ['ip', 'route', 'add', 'default', 'via', '10.199.0.254']);
    inNs(client, ['ip', '-6', 'route', 'add', 'default', 'via', 'fd00:199::fe']);
    inNs(server, ['ip', 'route', 'add', 'default', 'via', '10.199.2.254']);
    inNs(server, ['ip', '-6', 'route', 'add', 'default', 'via', 'fd00:199:2::fe']);
    inNs(router, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    const gen = runCli(['rules', '--site', sitePath, '--target', 'nftables', '--chain', 'forward', '--enforce', '--out', rulesPath]);
    if (gen.code !== 0) throw new Error(`rules: ${gen.stderr}`);
    inNs(router, ['nft', '-f', rulesPath]);
    listener = await startUntil(['ip', 'netns', 'exec', server, process.execPath, '-e', LISTENER_SCRIPT], 'stdout', /ready/);
    outcomes = JSON.parse(inNs(client, [process.execPath, '-e', PROBE_SCRIPT, JSON.stringify(probes)])) as string[];
  }, 120_000);

  afterAll(async () => {
    await stop(listener);
    removeNamespaces(client, router, server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the router forwards the designed connections and drops the undesigned ones', () => {
    expect(inNs(router, ['nft', 'list', 'chain', 'inet', 'wfo_audit', 'forward'])).toContain('type filter hook forward priority filter; policy drop;');
    expect(outcomes).toEqual(enforced(probes));
  });
});
