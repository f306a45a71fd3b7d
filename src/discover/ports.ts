/**
 * What the built-in design says about a port, seen from the traffic side: which WFO
 * services listen on it on a WFO server, who the design says opens it, which module
 * and modes it belongs to, and which ports are the shared dependencies' (SQL, CIFS,
 * SNMP, SMTP). Derived once from RULES (src/design/rules.ts), never written by hand.
 */
import { RULES, type Mode, type Module, type Role, type WfoService } from '../design/rules.js';

/** Who the design says opens a connection to a port: a role, or `any` for rows that name no peer. */
export type Opener = Role | 'any';

/** A port on which WFO servers listen, as the design has it. */
export interface ServerPort {
  /** `tcp/80`. */
  key: string;
  /** Services that listen on it on a WFO server. */
  services: Set<WfoService>;
  /** Who opens it. */
  openers: Set<Opener>;
  /** Modules of the rules that use it (null: core). */
  modules: Set<Module | null>;
  /** Modes in which some rule uses it. */
  modes: Set<Mode>;
}

/** The dependency roles, by the port they listen on. */
export type DependencyRole = 'sql' | 'file-server' | 'snmp-manager' | 'smtp-relay';

/** Key of a transport and port, as used in the maps below. */
export function portKey(proto: string, port: number): string {
  return `${proto}/${port}`;
}

function serverPort(map: Map<string, ServerPort>, key: string): ServerPort {
  let sp = map.get(key);
  if (!sp) {
    sp = { key, services: new Set(), openers: new Set(), modules: new Set(), modes: new Set() };
    map.set(key, sp);
  }
  return sp;
}

function build(): { server: Map<string, ServerPort>; dependency: Map<string, DependencyRole> } {
  const server = new Map<string, ServerPort>();
  const dependency = new Map<string, DependencyRole>();
  for (const r of RULES) {
    for (const p of r.ports) {
      const key = portKey(r.transport, p);
      const listensOnServer = r.host === 'wfo-servers' && r.direction !== 'outbound';
      const opensServer = (r.host === 'clients' || r.host === 'wfo-servers') && r.direction !== 'inbound' && r.peer === 'wfo-servers';
      if (listensOnServer) {
        const sp = serverPort(server, key);
        sp.services.add(r.owner);
        sp.openers.add(r.peer ?? 'any');
        if (r.direction === 'both') sp.openers.add('wfo-servers');
        sp.modules.add(r.module);
        for (const m of r.modes) sp.modes.add(m);
      }
      if (opensServer) {
        const sp = serverPort(server, key);
        sp.openers.add(r.host);
        sp.modules.add(r.module);
        for (const m of r.modes) sp.modes.add(m);
      }
      if (r.host === 'wfo-servers' && r.direction === 'outbound'
        && (r.peer === 'sql' || r.peer === 'file-server' || r.peer === 'snmp-manager' || r.peer === 'smtp-relay')) {
        dependency.set(key, r.peer);
      }
    }
  }
  return { server, dependency };
}

const TABLES = build();

/** Ports WFO servers listen on, by `proto/port`. */
export const SERVER_PORTS: ReadonlyMap<string, ServerPort> = TABLES.server;

/** Ports the dependencies listen on (1433 sql, 445 file-server, 162/udp snmp-manager, 25 smtp-relay), by `proto/port`. */
export const DEPENDENCY_PORTS: ReadonlyMap<string, DependencyRole> = TABLES.dependency;

/**
 * Ports so common outside WFO (any web server) that listening on them alone does not make a
 * public address a WFO server.
 */
export const GENERIC_PORTS: ReadonlySet<string> = new Set(['tcp/80', 'tcp/443']);

/**
 * The module a port proves when it carried a connection: the one module every rule on
 * the port belongs to (5633/2014 screen recording, 5634 desktop analytics, 2007 on-demand);
 * null when core rules share the port (5620 is the API server's too, 5060 CTI Core's).
 */
export function moduleOfPort(key: string): Module | null {
  const sp = SERVER_PORTS.get(key);
  if (!sp || sp.modules.size !== 1) return null;
  return [...sp.modules][0] ?? null;
}

/** Only clients open this port (the design's opener for every rule on it is `clients`). */
export function clientsOnly(sp: ServerPort): boolean {
  return sp.openers.size === 1 && sp.openers.has('clients');
}

/** Only WFO servers open this port. */
export function serversOnly(sp: ServerPort): boolean {
  return sp.openers.size === 1 && sp.openers.has('wfo-servers');
}

/**
 * WFO server ports other software takes just as often, with why: a flow on one may not be
 * the WFO service at all, so the draft asks (the rule can be turned off with `rules:`).
 */
export const SHARED_PORTS: ReadonlyMap<string, { rule: string; why: string }> = new Map([
  ['tcp/1024', { rule: 'service-manager.in.1024', why: "the Service Manager's port, but also the first unprivileged port, which many programs take" }],
]);

/** Services infrastructure the design does not list but every server uses, drafted as `allow:` entries. */
export const INFRASTRUCTURE: readonly { name: string; proto: 'tcp' | 'udp'; port: number }[] = [
  { name: 'dns', proto: 'udp', port: 53 },
  { name: 'dns-tcp', proto: 'tcp', port: 53 },
  { name: 'ntp', proto: 'udp', port: 123 },
];
