/**
 * The hash of a resolved design (`design.hash` of the JSON report): SHA-256 of everything
 * that decides a verdict (mode, modules, every rule with its ports, reading and activity,
 * the role addresses, the cloud, service pins, allow entries and rule overrides), so two
 * reports judged against the same design carry the same hash whatever the site file is
 * called or how it is laid out. `wfo-audit diff` warns when the hashes differ.
 */
import { createHash } from 'node:crypto';
import type { ResolvedDesign } from './resolve.js';
import { portRangesText, singlePort } from './port-range.js';

/** Lower-case hex SHA-256 of the resolved design. */
export function designHash(d: ResolvedDesign): string {
  const site = d.site;
  const texts = (list: readonly { text: string }[] | null | undefined) => (list ? list.map((a) => a.text) : null);
  const canonical = {
    mode: d.mode,
    modules: [...d.modules].sort(),
    rules: d.rules.map((r) => [r.id, r.active, [...r.ports], r.transport, r.direction, r.host, r.peer, r.peers ? [...r.peers] : null, r.app]),
    hosts: site ? Object.entries(site.hosts).sort(([a], [b]) => a.localeCompare(b)).map(([role, list]) => [role, texts(list)]) : null,
    cloud: site ? texts(site.cloud) : null,
    services: site ? Object.entries(site.services).sort(([a], [b]) => a.localeCompare(b)).map(([s, list]) => [s, texts(list)]) : null,
    allow: site ? site.allow.map((a) => [a.name, a.proto, singlePort(a.ports) ?? (a.ports.length ? portRangesText(a.ports) : null), texts(a.to), texts(a.from)]) : null,
    overrides: site ? Object.entries(site.rules).sort(([a], [b]) => a.localeCompare(b)) : null,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
