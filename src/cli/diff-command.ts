/**
 * `wfo-audit diff BEFORE.json AFTER.json`: what changed between two JSON reports
 * (src/diff/diff.ts), in one of the diff formats (src/diff/render.ts).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { diffExitCode, diffReports, loadReport } from '../diff/diff.js';
import { DIFF_FORMATS, DIFF_RENDERERS, type DiffFormat } from '../diff/render.js';
import { VERSION } from '../pipeline/finish.js';
import { Output } from './common.js';
import { DEFAULT_FAIL_ON, parseFailOn } from './options.js';

/** Flags of the diff command. */
export interface DiffFlags {
  format: DiffFormat;
  out?: string;
  failOn: string;
}

/** Runs the diff and returns its exit code: 1 when new findings of the --fail-on kinds appeared, else 0 (2 on bad input, thrown). */
export function diffCommand(before: string, after: string, flags: DiffFlags): number {
  const failOn = parseFailOn(flags.failOn);
  const b = loadReport(before);
  const a = loadReport(after);
  const d = diffReports(b, a, VERSION);
  const out = new Output(flags.out);
  const width = out.isTTY ? Math.max(80, process.stdout.columns ?? 100) : 100;
  out.write(DIFF_RENDERERS[flags.format](d, { failOn: [...failOn], width }));
  out.close();
  return diffExitCode(d, failOn);
}

/** Adds the diff command to the program; its action stores the exit code in `result`. */
export function addDiffCommand(program: Command, result: { code: number }, exitHelp: string): void {
  program.command('diff')
    .description('compare two JSON reports (before and after a firewall change): findings new, fixed, not re-tested; coverage changes')
    .argument('<before>', 'the earlier report (audit --format json)')
    .argument('<after>', 'the later report')
    .addOption(new Option('-f, --format <format>', 'output format').choices(DIFF_FORMATS).default('table'))
    .option('-o, --out <file>', 'write the diff to a file instead of stdout')
    .option('--fail-on <list>', 'verdicts whose new findings make the exit code 1, or "none"', DEFAULT_FAIL_ON)
    .addHelpText('after', `
A finding is a verdict on one designed connection (or port, outside the design) and server;
one that is gone is "fixed" only when the after report judged traffic of it, otherwise
"not re-tested". Exit 1 when a new finding of the --fail-on kinds appeared.

Examples:
  wfo-audit diff before.json after.json
  wfo-audit diff --format html --out change-1234.html before.json after.json
${exitHelp}`)
    .action((before: string, after: string, flags: DiffFlags) => {
      result.code = diffCommand(before, after, flags);
    });
}
