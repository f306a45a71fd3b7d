/**
 * `--evidence FILE.pcapng` of the audit command: the options, and the step after the
 * audit that writes the file (src/report/evidence.ts) and warns in the report when
 * --evidence-max-mb cut packets.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { ResolvedDesign } from '../design/resolve.js';
import { DEFAULT_EVIDENCE_MB, EvidenceCollector, MAX_EVIDENCE_FLOWS, openEvidenceFiles, type EvidenceFiles, type EvidenceResult } from '../report/evidence.js';
import type { AuditReport } from '../report/types.js';
import { sortWarnings, warning } from '../report/warnings.js';
import { DEFAULT_FAIL_ON, parseNumber, parseVerdictList } from './options.js';

/** The evidence flags as commander gives them. */
export interface EvidenceFlags {
  evidence?: string;
  evidenceVerdicts?: string;
  evidenceMaxMb?: string;
}

/** Whether two paths name one file (the same path, or the same device and inode): the evidence must never overwrite an input. */
function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const x = statSync(a), y = statSync(b);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** The default --evidence-verdicts: the findings (the default --fail-on). */
export const DEFAULT_EVIDENCE_VERDICTS = DEFAULT_FAIL_ON;

/** A collector for the run and where it writes, or null without --evidence. */
export interface EvidencePlan {
  path: string;
  files: EvidenceFiles;
  collector: EvidenceCollector;
}

/**
 * Checks the evidence options and opens the file before anything is read (a live capture
 * drops root before it ends): refused when it cannot be written or is one of the inputs.
 */
export function planEvidence(flags: EvidenceFlags, design: ResolvedDesign, inputs: readonly string[]): EvidencePlan | null {
  const verdicts = parseVerdictList('--evidence-verdicts', flags.evidenceVerdicts ?? DEFAULT_EVIDENCE_VERDICTS);
  const mb = parseNumber('--evidence-max-mb', flags.evidenceMaxMb ?? String(DEFAULT_EVIDENCE_MB),
    { min: 0, minExclusive: true, max: 65536, words: 'MiB > 0, at most 65536' })!;
  const path = flags.evidence;
  if (path === undefined) {
    if (flags.evidenceVerdicts !== undefined) throw new UsageError('--evidence-verdicts needs --evidence FILE.pcapng');
    if (flags.evidenceMaxMb !== undefined) throw new UsageError('--evidence-max-mb needs --evidence FILE.pcapng');
    return null;
  }
  if (path === '-' || path === '') throw new UsageError('--evidence: give a file name (the evidence is pcapng, not for a terminal)');
  if (inputs.some((i) => i !== '-' && sameFile(i, path))) throw new UsageError(`--evidence: ${path} is one of the inputs`);
  const files = openEvidenceFiles(path);
  return { path, files, collector: new EvidenceCollector(design, { verdicts, maxBytes: mb * 1024 * 1024 }) };
}

/** Writes the evidence file after the audit; a cut by --evidence-max-mb becomes a warning of the report. */
export async function writeEvidence(plan: EvidencePlan, report: AuditReport, signal?: AbortSignal): Promise<EvidenceResult> {
  const res = await plan.collector.write(plan.files, report, signal);
  const cut: string[] = [];
  if (res.cutFlows > 0) cut.push(`${res.cutFlows} flagged flows lost packets to --evidence-max-mb (${res.cutPackets} packets of stdin or a pipe not kept; raise it)`);
  if (res.notKept > 0) cut.push(`${res.notKept} flagged flows came after the first ${MAX_EVIDENCE_FLOWS} and are not in it`);
  if (cut.length > 0) {
    report.warnings = sortWarnings([...(report.warnings ?? []),
      warning('evidence-cut', `the evidence file ${plan.path} is incomplete: ${cut.join('; ')}`, res.cutFlows + res.notKept)]);
  }
  return res;
}
