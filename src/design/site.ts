/**
 * The site file: which hosts play which role, the mode, the modules, and local
 * overrides of the built-in design. YAML (parsed with `yaml`, positions kept with
 * a LineCounter) validated with zod; every problem becomes ONE line
 * `FILE:LINE:COL: key.path: what is wrong`, thrown as SiteFileError.
 * Reference: docs/site-file.md.
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { SiteFileError } from '../errors.js';
import { parseAddress, type AddressSpec } from './address.js';
import { normalisePortRanges, parsePortRange, type PortRange } from './port-range.js';
import {
  DEFAULT_CLOUD, DEPENDENCY_SERVICES, HOST_ROLES, MODES, MODULES, ROLES, RULES, RULES_BY_ID, SERVICE_IDS,
  WFO_SERVICES, type Direction, type Mode, type Module, type Role, type Transport, type WfoService,
} from './rules.js';

/** The transports an `allow:` entry may name; `any` is every IP protocol (and takes no port). */
export const ALLOW_PROTOS = ['tcp', 'udp', 'icmp', 'any'] as const;
/** An `allow:` entry's transport. */
export type AllowProto = typeof ALLOW_PROTOS[number];

/** An extra allowed flow (`allow:` entry): infrastructure the design does not list. */
export interface AllowEntry {
  name: string;
  proto: AllowProto;
  /** Server ports, sorted, overlaps merged (empty for icmp and any). */
  ports: PortRange[];
  /** Server side addresses (absent = any). */
  to: AddressSpec[] | null;
  /** Client side addresses (absent = any). */
  from: AddressSpec[] | null;
}

/** Per-rule reading override (`rules:` entry); absent fields keep the built-in reading. */
export interface RuleOverride {
  enabled?: boolean;
  direction?: Direction;
  /** `any` clears the peer role. */
  peer?: Role | 'any';
  transport?: Transport;
  host?: 'wfo-servers' | 'clients';
}

/** A validated site file, addresses compiled. */
export interface Site {
  path: string;
  mode: Mode;
  modules: Module[];
  /** Role -> addresses (roles not given are empty). */
  hosts: Record<Exclude<Role, 'cloud'>, AddressSpec[]>;
  /** The cloud range (built in unless `cloud:` is given). */
  cloud: AddressSpec[];
  /** Service pins: service -> the only hosts it runs on. */
  services: Partial<Record<WfoService, AddressSpec[]>>;
  /** Port overrides by rule id (service-id keys already expanded to their rules). */
  ports: Record<string, number[]>;
  /** The `ports:` keys as written, with the rules each one changed (for check-site). */
  portKeys: { key: string; rules: string[]; ports: number[] }[];
  allow: AllowEntry[];
  rules: Record<string, RuleOverride>;
  /** Where each `hosts:` entry is written, `file:line:col`, by role and index (for warnings). */
  hostsAt?: Record<Exclude<Role, 'cloud'>, string[]>;
  /** Where `cloud:` is written (or null when the built-in range is used). */
  cloudAt?: string | null;
}

const portNumber = z.number().int().min(1).max(65535);
const portSpec = z.union([z.number(), z.string()]);
const addressList = z.array(z.string().superRefine((s, ctx) => {
  const r = parseAddress(s);
  if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
}));

/** The schema of a site file (keys beyond these are errors). */
export const SITE_SCHEMA = z.strictObject({
  mode: z.enum(MODES as [Mode, ...Mode[]]),
  modules: z.array(z.enum(MODULES as [Module, ...Module[]])).optional(),
  hosts: z.strictObject(Object.fromEntries(HOST_ROLES.map((r) => [r, addressList.optional()])) as Record<Exclude<Role, 'cloud'>, z.ZodOptional<typeof addressList>>).optional(),
  services: z.record(z.string(), addressList).optional(),
  ports: z.record(z.string(), z.union([portNumber, z.array(portNumber).min(1)])).optional(),
  allow: z.array(z.strictObject({
    name: z.string().min(1),
    proto: z.enum(ALLOW_PROTOS),
    // Numbers and "LOW-HIGH" strings; checked in semanticProblems so each gets its own sentence.
    port: portSpec.optional(),
    ports: z.array(portSpec).min(1).optional(),
    to: addressList.optional(),
    from: addressList.optional(),
  })).optional(),
  cloud: addressList.optional(),
  rules: z.record(z.string(), z.strictObject({
    enabled: z.boolean().optional(),
    direction: z.enum(['inbound', 'outbound', 'both']).optional(),
    peer: z.enum(['any', ...ROLES] as [string, ...string[]]).optional(),
    transport: z.enum(['tcp', 'udp']).optional(),
    host: z.enum(['wfo-servers', 'clients']).optional(),
  })).optional(),
});

type Path = (string | number)[];

/**
 * The rules a `ports:` key changes and the port it replaces. A rule id targets that
 * rule (all its ports are replaced). A service id targets the service's listener
 * rules (inbound, on the service's own host) of the premises server table, or of
 * its own table when it has none there; they must share one port, else the key is
 * ambiguous and a sentence says which rule ids to use instead.
 */
export function portOverrideTargets(key: string): { rules: string[]; replaces: number | null } | string {
  if (RULES_BY_ID.has(key)) return { rules: [key], replaces: null };
  if (!(SERVICE_IDS as readonly string[]).includes(key)) {
    return `unknown rule or service id "${key}" (see \`wfo-audit design\` for rule ids)`;
  }
  const own = RULES.filter((r) => r.owner === key && r.service === key && r.direction === 'inbound' && r.host === 'wfo-servers');
  const server = own.filter((r) => r.seed.table === 'premises-server');
  const listeners = server.length > 0 ? server : own;
  const ports = [...new Set(listeners.flatMap((r) => r.ports))];
  if (ports.length !== 1) {
    const ids = RULES.filter((r) => r.service === key || r.owner === key).map((r) => r.id);
    return `service "${key}" has ${ports.length === 0 ? 'no listening port of its own' : `several ports (${ports.join(', ')})`}: override by rule id (${ids.join(', ')})`;
  }
  const port = ports[0]!;
  // The service's other rules on that port (e.g. both transports of Survey's 5060) move with it.
  const rules = RULES.filter((r) => r.owner === key && r.ports.includes(port) && listeners.some((l) => l.seed.table === r.seed.table)).map((r) => r.id);
  return { rules, replaces: port };
}

/** Finds the YAML node at a path (or the deepest one that exists); `onKey` returns the map key node. */
function nodeAt(root: YamlNode | null, path: Path, onKey: boolean): YamlNode | null {
  let node: unknown = root;
  let last: YamlNode | null = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return last;
      if (onKey && i === path.length - 1) return pair.key as YamlNode;
      node = pair.value;
      if (node) last = node as YamlNode;
      else return pair.key as YamlNode;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!item) return last;
      node = item;
      last = item as YamlNode;
    } else {
      return last;
    }
  }
  return last;
}

/** key.path as shown to the user: `hosts.clients[0]`, `(root)` for the document. */
function showPath(path: Path): string {
  if (path.length === 0) return '(root)';
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : (s === '' ? seg : `.${seg}`);
  return s;
}

function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `"${v}"`;
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${String(v)}`;
}

function valueAt(obj: unknown, path: Path): unknown {
  let v = obj;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

interface Problem { path: Path; onKey: boolean; message: string }

/** Turns a zod issue into our one-line wording. */
function problemOf(issue: z.core.$ZodIssue, data: unknown): Problem {
  const path = issue.path as Path;
  const value = valueAt(data, path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = parentKeys(path);
      const key = issue.keys[0]!;
      return { path: [...path, key], onKey: true, message: `unknown key "${key}"${allowed ? ` (expected one of: ${allowed})` : ''}` };
    }
    case 'invalid_type':
      if (value === undefined) return { path, onKey: true, message: `missing (required: ${issue.expected === 'string' ? 'a value' : issue.expected})` };
      return { path, onKey: false, message: `expected ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}, got ${showValue(value)}` };
    case 'invalid_value':
      if (value === undefined) return { path, onKey: true, message: `missing (one of: ${issue.values.join(', ')})` };
      return { path, onKey: false, message: `${showValue(value)} is not one of: ${issue.values.join(', ')}` };
    case 'too_small':
    case 'too_big':
      if (typeof value === 'number') return { path, onKey: false, message: `port ${value} is out of range 1..65535` };
      if (Array.isArray(value)) return { path, onKey: false, message: 'the list is empty' };
      return { path, onKey: false, message: 'must not be empty' };
    case 'invalid_union': {
      if (path[0] === 'allow' && Array.isArray(value)) return { path, onKey: false, message: `expected one port or range, got a list (a list goes under ports: ports: [53, "49152-65535"])` };
      if (path[0] === 'allow') return { path, onKey: false, message: `expected a port number or a range "LOW-HIGH", got ${showValue(value)}` };
      if (typeof value === 'number') return { path, onKey: false, message: Number.isInteger(value) ? `port ${value} is out of range 1..65535` : `port ${value} is not a whole number` };
      return { path, onKey: false, message: `expected a port number or a list of port numbers, got ${showValue(value)}` };
    }
    default:
      return { path, onKey: false, message: issue.message };
  }
}

function parentKeys(path: Path): string | null {
  if (path.length === 0) return Object.keys(SITE_SCHEMA.shape).join(', ');
  if (path.length === 1 && path[0] === 'hosts') return HOST_ROLES.join(', ');
  if (path.length === 2 && path[0] === 'allow') return 'name, proto, port, ports, to, from';
  if (path.length === 2 && path[0] === 'rules') return 'enabled, direction, peer, transport, host';
  return null;
}

/** Checks that need the rule table: service, rule and port-override keys, allow ports. */
function semanticProblems(data: z.infer<typeof SITE_SCHEMA>): Problem[] {
  const out: Problem[] = [];
  for (const key of Object.keys(data.services ?? {})) {
    if ((WFO_SERVICES as readonly string[]).includes(key)) continue;
    const dep = (DEPENDENCY_SERVICES as readonly string[]).includes(key);
    out.push({ path: ['services', key], onKey: true, message: dep
      ? `"${key}" is a shared dependency, not a WFO service: list its hosts under hosts (${key === 'cifs' ? 'file-server' : key === 'snmp' ? 'snmp-manager' : key === 'smtp' ? 'smtp-relay' : 'sql'})`
      : `unknown service "${key}" (expected one of: ${WFO_SERVICES.join(', ')})` });
  }
  for (const key of Object.keys(data.ports ?? {})) {
    const t = portOverrideTargets(key);
    if (typeof t === 'string') out.push({ path: ['ports', key], onKey: true, message: t });
  }
  for (const key of Object.keys(data.rules ?? {})) {
    if (!RULES_BY_ID.has(key)) out.push({ path: ['rules', key], onKey: true, message: `unknown rule id "${key}" (see \`wfo-audit design\` for rule ids)` });
  }
  (data.allow ?? []).forEach((a, i) => {
    const key = a.ports !== undefined ? 'ports' : 'port';
    const given = a.port !== undefined || a.ports !== undefined;
    if (a.port !== undefined && a.ports !== undefined) out.push({ path: ['allow', i, 'ports'], onKey: true, message: 'give port or ports, not both' });
    if ((a.proto === 'tcp' || a.proto === 'udp') && !given) out.push({ path: ['allow', i, 'proto'], onKey: false, message: `a ${a.proto} allow entry needs a port (port: 53, or ports: [53, "49152-65535"])` });
    if (a.proto === 'icmp' && given) out.push({ path: ['allow', i, key], onKey: true, message: 'an icmp allow entry takes no port' });
    if (a.proto === 'any' && given) out.push({ path: ['allow', i, key], onKey: true, message: 'a proto any allow entry takes no port (it allows every protocol): write one tcp and one udp entry with these ports' });
    if (a.proto === 'any' && a.to === undefined && a.from === undefined) out.push({ path: ['allow', i, 'proto'], onKey: false, message: 'a proto any allow entry needs to: or from: (without either it allows all traffic)' });
    if (a.port !== undefined) {
      const r = parsePortRange(a.port);
      if (typeof r === 'string') out.push({ path: ['allow', i, 'port'], onKey: false, message: r });
    }
    (a.ports ?? []).forEach((p, j) => {
      const r = parsePortRange(p);
      if (typeof r === 'string') out.push({ path: ['allow', i, 'ports', j], onKey: false, message: r });
    });
  });
  return out;
}

function compile(list: readonly string[] | undefined): AddressSpec[] {
  return (list ?? []).map((s) => parseAddress(s) as AddressSpec);
}

/**
 * Parses and validates site-file text. `path` is only used in messages.
 * Throws SiteFileError with one line `FILE:LINE:COL: key.path: what is wrong`.
 */
export function parseSite(text: string, path: string): Site {
  const lc = new LineCounter();
  const fail = (offset: number, keyPath: string, message: string): never => {
    const { line, col } = lc.linePos(offset);
    throw new SiteFileError(`${path}:${line}:${col}: ${keyPath}: ${message}`);
  };
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    fail(e.pos[0], '(yaml)', `not valid YAML: ${first}`);
  }
  if (doc.contents === null || text.trim() === '' || (isScalar(doc.contents) && doc.contents.value === null)) {
    fail(0, '(root)', 'the site file is empty (it needs at least `mode:` and `hosts:`)');
  }
  if (!isMap(doc.contents)) fail(doc.contents!.range?.[0] ?? 0, '(root)', `expected a mapping of keys (mode, hosts, ...), got ${isSeq(doc.contents) ? 'a list' : 'a single value'}`);
  const data: unknown = doc.toJS();
  const root = doc.contents as YamlNode;
  const report = (problems: Problem[]): never => {
    const placed = problems.map((p) => ({ p, node: nodeAt(root, p.path, p.onKey) }));
    placed.sort((a, b) => (a.node?.range?.[0] ?? 0) - (b.node?.range?.[0] ?? 0));
    const { p, node } = placed[0]!;
    return fail(node?.range?.[0] ?? 0, showPath(p.path), p.message);
  };
  const parsed = SITE_SCHEMA.safeParse(data);
  if (!parsed.success) report(parsed.error.issues.map((i) => problemOf(i, data)));
  const d = parsed.data!;
  const sem = semanticProblems(d);
  if (sem.length > 0) report(sem);

  const ports: Record<string, number[]> = {};
  const portKeys: Site['portKeys'] = [];
  for (const [key, value] of Object.entries(d.ports ?? {})) {
    const t = portOverrideTargets(key) as { rules: string[]; replaces: number | null };
    const list = typeof value === 'number' ? [value] : [...new Set(value)];
    for (const id of t.rules) {
      const base = ports[id] ?? [...RULES_BY_ID.get(id)!.ports];
      ports[id] = t.replaces === null ? list : [...new Set(base.flatMap((p) => (p === t.replaces ? list : [p])))];
    }
    portKeys.push({ key, rules: t.rules, ports: list });
  }
  const hosts = Object.fromEntries(HOST_ROLES.map((r) => [r, compile(d.hosts?.[r])])) as Site['hosts'];
  const at = (keyPath: Path): string => {
    const node = nodeAt(root, keyPath, false);
    const { line, col } = lc.linePos(node?.range?.[0] ?? 0);
    return `${path}:${line}:${col}`;
  };
  const hostsAt = Object.fromEntries(HOST_ROLES.map((r) => [r, (d.hosts?.[r] ?? []).map((_, i) => at(['hosts', r, i]))])) as Record<Exclude<Role, 'cloud'>, string[]>;
  const cloudAt = d.cloud ? at(['cloud']) : null;
  const services: Site['services'] = {};
  for (const [k, v] of Object.entries(d.services ?? {})) services[k as WfoService] = compile(v);
  return {
    path,
    mode: d.mode,
    modules: [...new Set(d.modules ?? [])],
    hosts,
    cloud: compile(d.cloud ?? [...DEFAULT_CLOUD]),
    services,
    ports,
    portKeys,
    allow: (d.allow ?? []).map((a) => ({
      name: a.name, proto: a.proto,
      ports: normalisePortRanges([...(a.port !== undefined ? [a.port] : []), ...(a.ports ?? [])].map((p) => parsePortRange(p) as PortRange)),
      to: a.to ? compile(a.to) : null, from: a.from ? compile(a.from) : null,
    })),
    rules: (d.rules ?? {}) as Record<string, RuleOverride>,
    hostsAt,
    cloudAt,
  };
}

/** Reads and validates a site file; a missing or unreadable file is a SiteFileError too. */
export function loadSite(path: string): Site {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new SiteFileError(`${path}:1:1: (file): cannot read the site file: ${why}`);
  }
  return parseSite(text, path);
}
