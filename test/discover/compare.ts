/**
 * Audits a capture with a drafted site and with the hand-written one and lists the flows
 * whose verdicts differ (shared by the discover tests).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSite } from '../../src/design/site.js';
import { resolveDesign } from '../../src/design/resolve.js';
import { runAudit } from '../../src/pipeline/audit.js';
import { runDiscover } from '../../src/pipeline/discover.js';
import { renderDraft } from '../../src/discover/render.js';
import { tupleName } from '../../src/discover/evidence.js';

/** One flow judged differently by the two sites. */
export interface Difference {
  id: number;
  name: string;
  hand: string;
  draft: string;
}

/** Verdict of every flow of a capture under a site file, by flow id. */
export async function verdicts(capture: string, site: string): Promise<Map<number, { name: string; verdict: string }>> {
  const s = loadSite(site);
  const design = resolveDesign(s);
  const out = new Map<number, { name: string; verdict: string }>();
  await runAudit({
    paths: [capture], design, site: { path: site, mode: s.mode, modules: s.modules }, keepFlows: false,
    onFlows: (batch) => {
      for (const cf of batch) {
        const f = cf.flow;
        out.set(f.id, { name: tupleName({ client: f.clientIp, server: f.serverIp, port: f.serverPort, proto: f.proto }), verdict: cf.verdict });
      }
    },
  });
  return out;
}

/** Drafts a site from a capture into a temporary file; returns its path and text. */
export async function draftFor(capture: string): Promise<{ path: string; text: string }> {
  const { draft } = await runDiscover([capture]);
  const text = renderDraft(draft, [capture]);
  const dir = mkdtempSync(join(tmpdir(), 'wfo-discover-'));
  const path = join(dir, 'site.yaml');
  writeFileSync(path, text);
  return { path, text };
}

/** Flows whose verdict under `draft` differs from the one under `hand`. */
export async function differences(capture: string, hand: string, draft: string): Promise<{ total: number; diffs: Difference[]; byHand: Map<number, string> }> {
  const a = await verdicts(capture, hand);
  const b = await verdicts(capture, draft);
  const diffs: Difference[] = [];
  const byHand = new Map<number, string>();
  for (const [id, h] of a) {
    byHand.set(id, h.verdict);
    const d = b.get(id);
    if (!d || d.verdict !== h.verdict) diffs.push({ id, name: h.name, hand: h.verdict, draft: d?.verdict ?? 'missing' });
  }
  return { total: a.size, diffs, byHand };
}
