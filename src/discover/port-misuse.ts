/**
 * WFO ports that may carry something else: a protocol none of the port's rules expects
 * (TLS on 80, HTTP on 1433), or a port other software often takes (1024).
 */
import { APP_NAMES, appContradicts } from '../classify/classify.js';
import type { AppProto } from '../classify/types.js';
import { RULES } from '../design/rules.js';
import type { Tuple } from './evidence.js';
import { keyOf, push, type HostRole } from './draft.js';
import { SHARED_PORTS, portKey } from './ports.js';
import { names } from './wording.js';

/** Designed application protocols by `proto/port` (ports whose rules name one). */
const PORT_APPS: ReadonlyMap<string, AppProto[]> = (() => {
  const m = new Map<string, AppProto[]>();
  for (const r of RULES) for (const p of r.ports) if (r.app) push(m, portKey(r.transport, p), r.app);
  return m;
})();

/**
 * `# CHECK:` lines, by listener, for WFO and dependency ports that carried a protocol none of
 * their rules expects (TLS on 80, HTTP on 1433), and for WFO ports other software often takes
 * (1024): another service may be using the port.
 */
export function portMisuse(tuples: readonly Tuple[], role: ReadonlyMap<string, HostRole>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const byListener = new Map<string, Map<string, Tuple[]>>();
  for (const t of tuples) {
    const want = PORT_APPS.get(keyOf(t));
    if (!want || !role.has(t.server) || role.get(t.server) === 'clients') continue;
    for (const app of t.apps) {
      if (!want.every((w) => appContradicts(w, app))) continue;
      let m = byListener.get(t.server);
      if (!m) byListener.set(t.server, (m = new Map()));
      push(m, `${app}|${keyOf(t)}`, t);
    }
  }
  const shared = new Map<string, Map<string, Tuple[]>>();
  for (const t of tuples) {
    if (!SHARED_PORTS.has(keyOf(t)) || role.get(t.server) !== 'wfo-servers') continue;
    let m = shared.get(t.server);
    if (!m) shared.set(t.server, (m = new Map()));
    push(m, keyOf(t), t);
  }
  for (const [ip, m] of shared) {
    for (const [k, ts] of m) {
      const { rule, why } = SHARED_PORTS.get(k)!;
      push(out, ip, `${names(ts)}: ${k} is ${why}. If this is not the WFO service, turn the rule off (rules: { ${rule}: { enabled: false } }; the audit then calls these flows unexpected)`);
    }
  }
  for (const [ip, m] of byListener) {
    for (const [k, ts] of m) {
      const app = k.split('|')[0] as AppProto;
      const want = [...new Set(PORT_APPS.get(keyOf(ts[0]!))!)].map((a) => APP_NAMES[a]).join(' or ');
      push(out, ip, `${names(ts)} carried ${APP_NAMES[app]}, not ${want}: is another service using the port? (the audit reports a protocol mismatch)`);
    }
  }
  return out;
}
