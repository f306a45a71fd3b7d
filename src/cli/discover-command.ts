/**
 * `wfo-audit discover`: drafts a site file from traffic (stdout or --out).
 */
import { UsageError } from '../errors.js';
import { renderDraft } from '../discover/render.js';
import { runDiscover } from '../pipeline/discover.js';
import { EXIT_CODES } from './exit-codes.js';
import { flowOptions } from './options.js';
import { Output, stopOnSignals } from './common.js';

/** Flags of the discover command (as commander gives them). */
export interface DiscoverFlags {
  out?: string;
  tcpTimeout?: string;
  udpTimeout?: string;
}

/**
 * Runs the discover command and returns its exit code: 0 when a draft was written, 2 when
 * an input could not be read (the draft then covers the inputs that were read).
 */
export async function discoverCommand(inputs: string[], flags: DiscoverFlags): Promise<number> {
  if (inputs.filter((c) => c === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
  const flow = flowOptions(flags);
  const abort = new AbortController();
  const removeSignals = stopOnSignals(abort, true);
  let result;
  try {
    result = await runDiscover(inputs, { flow, signal: abort.signal });
  } finally {
    removeSignals();
  }
  const nothingRead = result.inputs.every((i) => i.error !== null && i.packets === 0);
  if (!nothingRead) {
    const out = new Output(flags.out);
    out.write(renderDraft(result.draft, inputs));
    out.close();
  }
  let failed = false;
  for (const input of result.inputs) {
    if (input.error) {
      process.stderr.write(`wfo-audit: ${input.error}\n`);
      failed = true;
    }
  }
  return failed ? EXIT_CODES.error : EXIT_CODES.ok;
}
