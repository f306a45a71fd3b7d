/**
 * The built-in WFO port matrix as data. Every row of every port table in the seed
 * (/work/shared/seed/wfo-environment-requirements.txt, "Environmental Requirements")
 * becomes at least one rule that points back to its table and row; test/design/rules.test.ts
 * parses the seed and fails when a row has no rule. Readings of ambiguous rows are
 * explained in docs/design.md and can be overridden from the site file (`rules:`, `ports:`, `cloud:`).
 */
import type { AppProto } from '../classify/types.js';

/** Deployment modes of the seed: premises, hybrid (premises server + cloud), WFM v2 only. */
export type Mode = 'premises' | 'hybrid' | 'wfm-v2';
/** All modes, in documentation order. */
export const MODES: readonly Mode[] = ['premises', 'hybrid', 'wfm-v2'];

/** Optional modules a site can enable; rules of a module not enabled are inactive. */
export type Module = 'screen-recording' | 'desktop-analytics' | 'survey' | 'speech-analytics' | 'on-demand';
/** All modules, in documentation order. */
export const MODULES: readonly Module[] = ['screen-recording', 'desktop-analytics', 'survey', 'speech-analytics', 'on-demand'];

/** Host roles of the site file (`hosts:` keys) plus the built-in `cloud`. */
export type Role = 'wfo-servers' | 'sql' | 'file-server' | 'clients' | 'pbx' | 'snmp-manager' | 'smtp-relay' | 'cloud';
/** Roles that the site file's `hosts:` may list (the cloud has its own `cloud:` key). */
export const HOST_ROLES: readonly Exclude<Role, 'cloud'>[] = ['wfo-servers', 'sql', 'file-server', 'clients', 'pbx', 'snmp-manager', 'smtp-relay'];
/** Every role, including the cloud. */
export const ROLES: readonly Role[] = [...HOST_ROLES, 'cloud'];

/** WFO services (processes of the seed), the ids reports and the site file share. */
export const WFO_SERVICES = [
  'web-portal', 'api-server', 'archiver', 'cti-core', 'rabbitmq', 'comet-daemon', 'info-broker', 'logger',
  'service-manager', 'transcoder', 'web-media', 'speech-analytics', 'desktop-analytics', 'on-demand',
  'screen-recording', 'survey', 'connection-pooling', 'wfm-v2',
] as const;
/** A WFO service id. */
export type WfoService = typeof WFO_SERVICES[number];
/** Shared dependencies many services open outbound (the peer holds the port). */
export const DEPENDENCY_SERVICES = ['sql', 'cifs', 'snmp', 'smtp'] as const;
/** A shared-dependency service id. */
export type DependencyService = typeof DEPENDENCY_SERVICES[number];
/** Every service id a rule can carry. */
export type ServiceId = WfoService | DependencyService;
/** Every service id, WFO services first. */
export const SERVICE_IDS: readonly ServiceId[] = [...WFO_SERVICES, ...DEPENDENCY_SERVICES];

/** Direction relative to the host that runs the rule's owner service. */
export type Direction = 'inbound' | 'outbound' | 'both';
/** Transport of a rule (HTTP/HTTPS rows are TCP). */
export type Transport = 'tcp' | 'udp';

/** Port tables of the seed, in the order they appear there. */
export const SEED_TABLES = {
  'hybrid-connection-pooling': 'Port Information for Hybrid inContact WFO: Connection Pooling on the PREMISES server',
  'hybrid-local': 'Port Information for Hybrid inContact WFO: ports that must be open at your location',
  'hybrid-screen-recording': 'Port Information for Hybrid inContact WFO: if you use inContact Screen Recording',
  'hybrid-desktop-analytics': 'Port Information for Hybrid inContact WFO: if you use inContact Desktop Analytics',
  'wfm-v2': 'Port Information for inContact WFM v2-Only Deployments',
  'premises-server': 'Port Information for Premises inContact WFO: Server and firewall Ports',
  'premises-pc': 'Port Information for Premises inContact WFO: PC and Firewall Ports',
} as const;
/** Id of a seed port table. */
export type SeedTable = keyof typeof SEED_TABLES;

/** Where a rule comes from: table id, 1-based row within the table, and the row's cells joined by " | ". */
export interface SeedRef {
  table: SeedTable;
  row: number;
  text: string;
}

/** One rule of the design. */
export interface Rule {
  /** Stable id, e.g. `cti-core.sql.1433`, `api-server.in.5620`. */
  id: string;
  /** Service reported for flows matching the rule (for SQL/CIFS/SNMP/SMTP rows: the dependency). */
  service: ServiceId;
  /** The seed process the row belongs to; decides the host (service pins) and module. */
  owner: WfoService;
  /** Ports the listener side holds (empty = not known until the site file gives them). */
  ports: readonly number[];
  transport: Transport;
  /** Relative to the owner's host: inbound = the owner listens on the port; outbound = the peer does. */
  direction: Direction;
  /** Role of the host that runs the owner service. */
  host: 'wfo-servers' | 'clients';
  /** Role of the other end, or null when the row names no single role (see `peers`). */
  peer: Role | null;
  /**
   * The roles a row names as the other end when it names several (5620 "internal ... and
   * third-party clients": wfo-servers and clients). Absent with `peer` null: any host of
   * the site's roles (never an address outside every role; docs/design.md reading 3).
   */
  peers?: readonly Role[];
  /** Module the rule belongs to, or null for core. */
  module: Module | null;
  /** Modes in which the rule applies. */
  modes: readonly Mode[];
  /** Application protocol the port should carry, or null when the seed does not imply one. */
  app: AppProto | null;
  /** Seed row the rule comes from. */
  seed: SeedRef;
  /** Rare traffic (alerts, traps): an unseen rule is no sign of a fault in a short window. */
  rare: boolean;
  /** The rule is a reading of the seed rather than a row of its own (see docs/design.md). */
  inferred: boolean;
  /**
   * The traffic is one-way by design (SNMP traps): a datagram with no reply worked. On every
   * other UDP rule a one-way flow proves nothing and is `inconclusive`.
   */
  oneWay: boolean;
}

const PREM: readonly Mode[] = ['premises', 'hybrid'];
const HYB: readonly Mode[] = ['hybrid'];
const V2: readonly Mode[] = ['wfm-v2'];

type Spec = [id: string, service: ServiceId, owner: WfoService, ports: number[], transport: Transport,
  direction: Direction, host: 'wfo-servers' | 'clients', peer: Role | null, module: Module | null,
  modes: readonly Mode[], app: AppProto | null, table: SeedTable, row: number, text: string, extra?: { rare?: boolean; inferred?: boolean; peers?: readonly Role[]; oneWay?: boolean }];

// Rows are written out as the seed has them (process carried down to continuation rows).
const S = 'premises-server' as const;
const P = 'premises-pc' as const;
const SPECS: Spec[] = [
  // Premises inContact WFO: Server and firewall Ports.
  ['api-server.in.5620', 'api-server', 'api-server', [5620], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, null, S, 1,
    'API Server | 5620 | TCP | Inbound | Listener for connections and commands from internal (CTI Core, Web Media Server, On-Demand, etc.) and third-party clients (default)', { peers: ['wfo-servers', 'clients'] }],
  ['api-server.in.5621', 'api-server', 'api-server', [5621], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, null, S, 2,
    'API Server | 5621 | TCP | Inbound | Listener for event notifications (such as call started, call stopped, and so forth) from internal (CTI Core, Web Media Server, On-Demand, etc.) and third-party clients (default)', { peers: ['wfo-servers', 'clients'] }],
  ['api-server.in.2012', 'api-server', 'api-server', [2012], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, 'http', S, 3,
    'API Server | 2012 | TCP | Inbound | Listener HTTP API Interface'],
  ['api-server.sql.1433', 'sql', 'api-server', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', null, PREM, 'tds', S, 4,
    'API Server | 1433 | TCP | Outbound | SQL Connection'],
  ['archiver.cifs.445', 'cifs', 'archiver', [445], 'tcp', 'outbound', 'wfo-servers', 'file-server', null, PREM, 'smb2', S, 5,
    'Archiver | 445 | TCP | Outbound | CIFS file operations'],
  ['archiver.sql.1433', 'sql', 'archiver', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', null, PREM, 'tds', S, 6,
    'Archiver | 1433 | TCP | Outbound | SQL Connection'],
  ['cti-core.in.5685', 'cti-core', 'cti-core', [5685], 'tcp', 'inbound', 'wfo-servers', 'wfo-servers', null, PREM, null, S, 7,
    'CTI Core | 5685 | TCP | Inbound | Inter-core communication'],
  ['cti-core.out.5685', 'cti-core', 'cti-core', [5685], 'tcp', 'outbound', 'wfo-servers', 'wfo-servers', null, PREM, null, S, 8,
    'CTI Core | 5685 | TCP | Outbound | Inter-core communication'],
  ['cti-core.cifs.445', 'cifs', 'cti-core', [445], 'tcp', 'outbound', 'wfo-servers', 'file-server', null, PREM, 'smb2', S, 9,
    'CTI Core | 445 | TCP | Outbound | CIFS file operations'],
  ['cti-core.out.5630', 'cti-core', 'cti-core', [5630], 'tcp', 'outbound', 'wfo-servers', 'wfo-servers', null, PREM, null, S, 10,
    'CTI Core | 5630 | TCP | Outbound | Communication/Streaming to Web Media Server'],
  ['cti-core.out.5633', 'cti-core', 'cti-core', [5633], 'tcp', 'outbound', 'wfo-servers', 'wfo-servers', 'screen-recording', PREM, null, S, 11,
    'CTI Core | 5633 | TCP | Outbound | Control messages to Screen Capture Server'],
  ['cti-core.in.6620', 'cti-core', 'cti-core', [6620], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, null, S, 12,
    'CTI Core | 6620 | TCP | Inbound | API control message listener'],
  ['cti-core.sql.1433', 'sql', 'cti-core', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', null, PREM, 'tds', S, 13,
    'CTI Core | 1433 | TCP | Outbound | SQL Connection'],
  ['cti-core.in.2013', 'cti-core', 'cti-core', [2013], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, 'http', S, 14,
    'CTI Core | 2013 | HTTP | Inbound | Info Broker Listen Port'],
  ['cti-core.integration', 'cti-core', 'cti-core', [], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, null, S, 15,
    'CTI Core | xxx | ? | ? | Integration Specific port usage (detailed in corresponding integration guide)'],
  ['rabbitmq.in.5672', 'rabbitmq', 'rabbitmq', [5672], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, 'amqp', S, 16,
    'RabbitMQ | 5672 | TCP | Inbound | Communication port for messaging using the RabbitMQ service bus'],
  ['comet-daemon.in.6505', 'comet-daemon', 'comet-daemon', [6505], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, null, S, 17,
    'Comet Daemon | 6505 | TCP | Inbound | Listens for service status from client loaders and Web Server', { peers: ['wfo-servers', 'clients'] }],
  ['comet-daemon.out.6505', 'comet-daemon', 'comet-daemon', [6505], 'tcp', 'outbound', 'wfo-servers', 'wfo-servers', null, PREM, null, S, 18,
    'Comet Daemon | 6505 | TCP | Outbound | Client loader status messages to master'],
  ['comet-daemon.sql.1433', 'sql', 'comet-daemon', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', null, PREM, 'tds', S, 19,
    'Comet Daemon | 1433 | TCP | Outbound | SQL Connection'],
  ['info-broker.in.50817', 'info-broker', 'info-broker', [50817], 'tcp', 'inbound', 'wfo-servers', 'wfo-servers', null, PREM, null, S, 20,
    'Info Broker | 50817 | TCP | Inbound | Used to communicate with Cores, Screen Capture Server'],
  ['logger.in.5638', 'logger', 'logger', [5638], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, null, S, 21,
    'Logger Service | 5638 | TCP | Inbound | Log message listener'],
  ['logger.snmp.162', 'snmp', 'logger', [162], 'udp', 'outbound', 'wfo-servers', 'snmp-manager', null, PREM, 'snmp', S, 22,
    'Logger Service | 162 | UDP | Outbound | SNMP Management messages', { oneWay: true, rare: true }],
  ['logger.smtp.25', 'smtp', 'logger', [25], 'tcp', 'outbound', 'wfo-servers', 'smtp-relay', null, PREM, 'smtp', S, 23,
    'Logger Service | 25 | TCP | Outbound | SMTP messages', { rare: true }],
  ['logger.sql.1433', 'sql', 'logger', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', null, PREM, 'tds', S, 24,
    'Logger Service | 1433 | TCP | Outbound | SQL Connection'],
  ['service-manager.in.1024', 'service-manager', 'service-manager', [1024], 'tcp', 'inbound', 'wfo-servers', 'wfo-servers', null, PREM, null, S, 25,
    'Service Manager | 1024 | TCP | Inbound | Listens for authorization from the Web Portal'],
  ['transcoder.cifs.445', 'cifs', 'transcoder', [445], 'tcp', 'outbound', 'wfo-servers', 'file-server', null, PREM, 'smb2', S, 26,
    'Transcoder | 445 | TCP | Outbound | CIFS file operations'],
  ['transcoder.sql.1433', 'sql', 'transcoder', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', null, PREM, 'tds', S, 27,
    'Transcoder | 1433 | TCP | Outbound | SQL Connection'],
  ['web-media.in.5630', 'web-media', 'web-media', [5630], 'tcp', 'inbound', 'wfo-servers', 'wfo-servers', null, PREM, null, S, 28,
    'Web Media Service | 5630 | TCP | Inbound | Control messages and a/v streams from CTI Cores'],
  ['web-media.in.4510', 'web-media', 'web-media', [4510], 'tcp', 'inbound', 'wfo-servers', 'clients', null, PREM, null, S, 29,
    'Web Media Service | 4510 | TCP | Inbound | Connections from Silverlight client players'],
  ['web-media.sql.1433', 'sql', 'web-media', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', null, PREM, 'tds', S, 30,
    'Web Media Service | 1433 | TCP | Outbound | SQL Connection'],
  ['web-media.in.943', 'web-media', 'web-media', [943], 'tcp', 'inbound', 'wfo-servers', 'clients', null, PREM, 'silverlight-policy', S, 31,
    'Web Media Service | 943 | TCP | Inbound | Silverlight cross domain policy listener'],
  ['web-media.in.2015', 'web-media', 'web-media', [2015], 'tcp', 'inbound', 'wfo-servers', null, null, PREM, 'http', S, 32,
    'Web Media Service | 2015 | TCP | Inbound | HTTP Listener'],
  ['web-media.cifs.445', 'cifs', 'web-media', [445], 'tcp', 'outbound', 'wfo-servers', 'file-server', null, PREM, 'smb2', S, 33,
    'Web Media Service | 445 | TCP | Outbound | CIFS file operations'],
  ['speech-analytics.cifs.445', 'cifs', 'speech-analytics', [445], 'tcp', 'outbound', 'wfo-servers', 'file-server', 'speech-analytics', PREM, 'smb2', S, 34,
    'Speech Analytics | 445 | TCP | Outbound | CIFS file operations'],
  ['speech-analytics.sql.1433', 'sql', 'speech-analytics', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', 'speech-analytics', PREM, 'tds', S, 35,
    'Speech Analytics | 1433 | TCP | Outbound | SQL Connection'],
  ['desktop-analytics.in.5634', 'desktop-analytics', 'desktop-analytics', [5634], 'tcp', 'inbound', 'wfo-servers', 'clients', 'desktop-analytics', PREM, null, S, 36,
    'Desktop Analytics Script Server | 5634 | TCP | Inbound | Listens for connections from Desktop Analytics clients'],
  ['on-demand.in.2007', 'on-demand', 'on-demand', [2007], 'tcp', 'inbound', 'wfo-servers', 'clients', 'on-demand', PREM, null, S, 37,
    'On-Demand | 2007 | TCP | Inbound | Listener for connections from On-Demand Clients'],
  ['on-demand.out.5620', 'on-demand', 'on-demand', [5620], 'tcp', 'outbound', 'wfo-servers', 'wfo-servers', 'on-demand', PREM, null, S, 38,
    'On-Demand | 5620 | TCP | Outbound | Connection to API Service for recording control and event messages'],
  ['on-demand.sql.1433', 'sql', 'on-demand', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', 'on-demand', PREM, 'tds', S, 39,
    'On-Demand | 1433 | TCP | Outbound | SQL Connection'],
  ['screen-recording.in.5633', 'screen-recording', 'screen-recording', [5633], 'tcp', 'inbound', 'wfo-servers', null, 'screen-recording', PREM, null, S, 40,
    'Screen Recording | 5633 | TCP | Inbound | Listener for Screen Recording (SR) Client connections and SR to CTI Core communication', { peers: ['wfo-servers', 'clients'] }],
  ['screen-recording.cifs.445', 'cifs', 'screen-recording', [445], 'tcp', 'outbound', 'wfo-servers', 'file-server', 'screen-recording', PREM, 'smb2', S, 41,
    'Screen Recording | 445 | TCP | Outbound | CIFS file operations'],
  ['screen-recording.sql.1433', 'sql', 'screen-recording', [1433], 'tcp', 'outbound', 'wfo-servers', 'sql', 'screen-recording', PREM, 'tds', S, 42,
    'Screen Recording | 1433 | TCP | Outbound | SQL Connection'],
  ['screen-recording.in.2014', 'screen-recording', 'screen-recording', [2014], 'tcp', 'inbound', 'wfo-servers', null, 'screen-recording', PREM, 'http', S, 43,
    'Screen Recording | 2014 | TCP | Inbound | HTTP Listener'],
  ['web-portal.in.80', 'web-portal', 'web-portal', [80], 'tcp', 'inbound', 'wfo-servers', 'clients', null, PREM, 'http', S, 44,
    'inContact WFO Web Portal | 80 | TCP | Inbound | HTTP services for inContact WFO Web Portal (default). If inContact WFM v1 is also used, a second port will be required for its Web Portal (for example, 8080).'],
  ['survey.in.5060.udp', 'survey', 'survey', [5060], 'udp', 'inbound', 'wfo-servers', 'pbx', 'survey', PREM, 'sip', S, 45,
    'inContact Survey | 5060 | UDP/TCP | Inbound | SIP trunk listener from customer PBX. The CTI Core module also uses port 5060. If Survey and Core are on the same server, Survey must be configured to use a different port.'],
  ['survey.in.5060.tcp', 'survey', 'survey', [5060], 'tcp', 'inbound', 'wfo-servers', 'pbx', 'survey', PREM, 'sip', S, 45,
    'inContact Survey | 5060 | UDP/TCP | Inbound | SIP trunk listener from customer PBX. The CTI Core module also uses port 5060. If Survey and Core are on the same server, Survey must be configured to use a different port.'],
  // Reading: "The CTI Core module also uses port 5060" (Survey row) gives CTI Core a SIP listener of its own.
  ['cti-core.in.5060.udp', 'cti-core', 'cti-core', [5060], 'udp', 'inbound', 'wfo-servers', 'pbx', null, PREM, 'sip', S, 45,
    'inContact Survey | 5060 | UDP/TCP | Inbound | SIP trunk listener from customer PBX. The CTI Core module also uses port 5060. If Survey and Core are on the same server, Survey must be configured to use a different port.', { inferred: true }],
  ['cti-core.in.5060.tcp', 'cti-core', 'cti-core', [5060], 'tcp', 'inbound', 'wfo-servers', 'pbx', null, PREM, 'sip', S, 45,
    'inContact Survey | 5060 | UDP/TCP | Inbound | SIP trunk listener from customer PBX. The CTI Core module also uses port 5060. If Survey and Core are on the same server, Survey must be configured to use a different port.', { inferred: true }],

  // Hybrid inContact WFO.
  ['connection-pooling.cloud.2010', 'connection-pooling', 'connection-pooling', [2010], 'tcp', 'inbound', 'wfo-servers', 'cloud', null, HYB, 'http', 'hybrid-connection-pooling', 1,
    '2010 | HTTP | Open on server and firewall for communication between the PREMISES server and the cloud'],
  ['web-media.hybrid.4510', 'web-media', 'web-media', [4510], 'tcp', 'inbound', 'wfo-servers', 'clients', null, HYB, null, 'hybrid-local', 1,
    '4510 | TCP | Connections from Silverlight client players'],
  ['web-portal.hybrid.2020', 'web-portal', 'web-portal', [2020], 'tcp', 'inbound', 'wfo-servers', 'clients', null, HYB, 'http', 'hybrid-local', 2,
    '2020 | HTTP | inContact WFO Web Portal connections using the HTML5 Interaction Player'],
  ['web-media.hybrid.5650', 'web-media', 'web-media', [5650], 'tcp', 'inbound', 'wfo-servers', 'clients', null, HYB, 'http', 'hybrid-local', 3,
    '5650 | HTTP | Token requests for the HTML5 Interaction Player'],
  ['web-portal.hybrid.443', 'web-portal', 'web-portal', [443], 'tcp', 'inbound', 'wfo-servers', 'clients', null, HYB, 'tls', 'hybrid-local', 4,
    '443 | HTTPS | HTTP services on the client PCs for inContact WFO Web Portal'],
  ['web-media.hybrid.943', 'web-media', 'web-media', [943], 'tcp', 'inbound', 'wfo-servers', 'clients', null, HYB, 'silverlight-policy', 'hybrid-local', 5,
    '943 | TCP | Silverlight cross-domain policy listener'],
  ['logger.hybrid.5638', 'logger', 'logger', [5638], 'tcp', 'inbound', 'wfo-servers', 'clients', null, HYB, null, 'hybrid-local', 6,
    '5638 | TCP | Logging communications between client PCs and the PREMISES server'],
  ['rabbitmq.hybrid.5672', 'rabbitmq', 'rabbitmq', [5672], 'tcp', 'inbound', 'wfo-servers', null, null, HYB, 'amqp', 'hybrid-local', 7,
    '5672 | TCP | Used by the messaging interface for various inContact WFO services'],
  ['screen-recording.hybrid.5633', 'screen-recording', 'screen-recording', [5633], 'tcp', 'outbound', 'clients', 'wfo-servers', 'screen-recording', HYB, null, 'hybrid-screen-recording', 1,
    '5633 | TCP | Open on client PCs for communication between the PC and the PREMISES server'],
  ['desktop-analytics.hybrid.5634', 'desktop-analytics', 'desktop-analytics', [5634], 'tcp', 'outbound', 'clients', 'wfo-servers', 'desktop-analytics', HYB, null, 'hybrid-desktop-analytics', 1,
    '5634 | TCP | Open on client PCs for communication between the PC and the PREMISES server'],

  // WFM v2-only deployments: "one of the following should be open".
  ['wfm-v2.in.80', 'wfm-v2', 'wfm-v2', [80], 'tcp', 'inbound', 'wfo-servers', 'clients', null, V2, 'http', 'wfm-v2', 1,
    '80 | HTTP | For communication using the Workstation site, the Portal site, or both'],
  ['wfm-v2.in.443', 'wfm-v2', 'wfm-v2', [443], 'tcp', 'inbound', 'wfo-servers', 'clients', null, V2, 'tls', 'wfm-v2', 2,
    '443 | HTTPS | For secure (SSL) communication using the Workstation site, the Portal site, or both'],

  // Premises inContact WFO: PC and Firewall Ports (the owner runs on the client PC).
  ['comet-daemon.pc.6505', 'comet-daemon', 'comet-daemon', [6505], 'tcp', 'both', 'clients', 'wfo-servers', null, PREM, null, P, 1,
    'CometDaemon & Service Manager | 6505 | TCP | Inbound & Outbound | Allows administrator access to Service Manager from client systems and receives messages from CometDaemon.'],
  ['desktop-analytics.pc.5620', 'desktop-analytics', 'desktop-analytics', [5620], 'tcp', 'outbound', 'clients', 'wfo-servers', 'desktop-analytics', PREM, null, P, 2,
    'inContact Desktop Analytics Client | 5620 | TCP | Outbound | Desktop Analytics client API connection for sending function calls'],
  ['on-demand.pc.2007', 'on-demand', 'on-demand', [2007], 'tcp', 'outbound', 'clients', 'wfo-servers', 'on-demand', PREM, null, P, 3,
    'On-Demand Client | 2007 | TCP | Outbound | Connection to On-Demand Server for recording control and event status messages'],
  ['screen-recording.pc.5633', 'screen-recording', 'screen-recording', [5633], 'tcp', 'outbound', 'clients', 'wfo-servers', 'screen-recording', PREM, null, P, 4,
    'inContact Screen Recording Client | 5633 | TCP | Outbound | Connection to Screen Recording Server for video streaming and status messages'],
  ['web-media.pc.4510', 'web-media', 'web-media', [4510], 'tcp', 'outbound', 'clients', 'wfo-servers', null, PREM, null, P, 5,
    'Web Player | 4510 | TCP | Outbound | Connection to Web Media Server for playback'],
  ['web-media.pc.943', 'web-media', 'web-media', [943], 'tcp', 'outbound', 'clients', 'wfo-servers', null, PREM, 'silverlight-policy', P, 6,
    'Web Player | 943 | TCP | Outbound | Connection to Web Media Server for policy file (Silverlight)'],
];

/** The built-in rules, in matching order (the first rule that matches a flow is the one reported). */
export const RULES: readonly Rule[] = SPECS.map(([id, service, owner, ports, transport, direction, host, peer, module, modes, app, table, row, text, extra]) => ({
  id, service, owner, ports, transport, direction, host, peer, module, modes, app,
  seed: { table, row, text }, rare: extra?.rare ?? false, inferred: extra?.inferred ?? false,
  oneWay: extra?.oneWay ?? false, ...(extra?.peers ? { peers: extra.peers } : {}),
}));

/** Rule by id. */
export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));

/** The inContact WFO cloud range ("207.166.100.0/23"), used when the site file gives no `cloud:`. */
export const DEFAULT_CLOUD: readonly string[] = ['207.166.100.0/23'];

/** Protocols that only WFO dependencies speak here; seen on a port no rule designs, they are reported. */
export const WFO_PROTOCOLS: readonly AppProto[] = ['tds', 'amqp', 'smb', 'smb2', 'sip'];
