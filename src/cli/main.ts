/**
 * The command line: parsing (commander), the one error boundary, exit codes.
 * Ink and React are loaded only for the dashboard (importing them costs ~2 s).
 */
import { Command, CommanderError, Option } from 'commander';
import { AuditError } from '../errors.js';
import { EXIT_CODES, EXIT_CODE_HELP } from './exit-codes.js';
import { VERSION } from '../pipeline/finish.js';
import { auditCommand, type AuditFlags } from './audit-command.js';
import { liveCommand, type LiveFlags } from './live-command.js';
import { collectCommand, type CollectFlags } from './collect-command.js';
import { designCommand, checkSiteCommand } from './design-command.js';
import { discoverCommand, type DiscoverFlags } from './discover-command.js';
import { DEFAULT_FAIL_ON, FAIL_ON_VALUES, invalidOption } from './options.js';
import { REPORT_FORMATS } from '../report/index.js';
import { printable } from '../report/format.js';
import { addRulesCommand } from './rules-program.js';
import { addDiffCommand } from './diff-command.js';

const FORMATS = REPORT_FORMATS;
const DESIGN_FORMATS = ['table', 'markdown', 'json', 'csv'] as const;

const failOnHelp = `comma-separated verdicts that make the exit code 1 (${FAIL_ON_VALUES.join(', ')}), or "none"`;

const exitHelp = `\nExit codes:\n${EXIT_CODE_HELP.map(([c, t]) => `  ${c}  ${t}`).join('\n')}\n`;

/** Builds the commander program; actions store their exit code in `result`. */
function buildProgram(result: { code: number }): Command {
  const program = new Command();
  program
    .name('wfo-audit')
    .description('Does the traffic on this network match the inContact WFO design?')
    .version(VERSION, '-V, --version')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      // commander's own error lines are turned into our one-line errors below
      writeErr: () => {},
    })
    .addHelpText('after', `
Examples:
  wfo-audit audit --site site.yaml capture.pcapng
  tcpdump -i eth1 -w - | wfo-audit audit --site site.yaml -
  wfo-audit live -i eth1 --site site.yaml
  wfo-audit design --site site.yaml --format markdown
  wfo-audit rules --site site.yaml --target nftables --out wfo.nft
  wfo-audit check-site site.yaml
  wfo-audit discover capture.pcapng > site.yaml
  wfo-audit diff before.json after.json
${exitHelp}`);

  const audit = program.command('audit')
    .description('audit capture files (pcap, pcapng, gzip), Zeek conn logs, nfdump stores, or stdin (-) against the design')
    .argument('<capture...>', 'capture files, Zeek conn logs, nfcapd files or directories, or - for stdin')
    .option('-s, --site <file>', 'site file (YAML): roles, mode, modules')
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('table'))
    .option('-o, --out <file>', 'write the report to a file instead of stdout')
    .option('--fail-on <list>', failOnHelp, DEFAULT_FAIL_ON)
    .option('-a, --all', 'list every flow, ignored ones included (the JSON always lists every flow)')
    .option('--dashboard', 'show the live dashboard while reading the files')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--max-flows <n>', 'maximum live flows before the oldest idle ones are evicted', '1000000')
    .option('--tcp-timeout <s>', 'TCP idle timeout in seconds of capture time', '300')
    .option('--udp-timeout <s>', 'UDP idle timeout in seconds of capture time', '60')
    .option('--syn-grace <s>', 'a single unanswered SYN this close to the end of the input is inconclusive, not blocked', '3')
    .option('--coverage <view>', 'coverage section per designed connection (connections) or per rule (rules)', 'connections')
    .option('--dedup-window <ms>', 'identical frames this close together are one packet recorded twice (pktmon, overlapping spans); 0 = off', '1')
    .option('--from <time>', 'flow records (nfdump, Zeek) from this time on: epoch seconds or ISO 8601 (UTC unless it says)')
    .option('--to <time>', 'flow records up to this time: epoch seconds or ISO 8601')
    .option('--evidence <file>', 'also write every packet of the flagged flows, with comments, to this pcapng file (docs/evidence.md)')
    .option('--evidence-verdicts <list>', `verdicts whose flows go into --evidence (default ${DEFAULT_FAIL_ON})`)
    .option('--evidence-max-mb <MiB>', 'memory for the packets kept while reading stdin or a pipe for --evidence (default 256)')
    .addHelpText('after', `
Examples:
  wfo-audit audit --site fixtures/demo/site.yaml fixtures/demo/demo.pcap
  wfo-audit audit --site site.yaml --format json --out report.json ring_00001.pcapng ring_00002.pcapng
  wfo-audit audit --site site.yaml --format markdown --fail-on blocked day1.pcap.gz > signoff.md
  wfo-audit audit --site site.yaml --format html --out signoff.html capture.pcapng
  tcpdump -i eth1 -w - 'tcp or udp' | wfo-audit audit --site site.yaml -
  kcat -C -t zeek-conn -e | wfo-audit audit --site site.yaml -
  wfo-audit audit --site site.yaml --from 2024-03-12T14:00Z --to 2024-03-12T15:00Z /var/cache/nfdump
${exitHelp}`)
    .action(async (captures: string[], flags: AuditFlags) => {
      result.code = await auditCommand(captures, flags);
    });
  void audit;

  program.command('live')
    .description('capture live on an interface (libpcap) and audit as traffic flows')
    .requiredOption('-i, --interface <iface>', 'interface to capture on (e.g. eth1, a span/mirror port)')
    .option('--filter <bpf>', 'BPF capture filter, e.g. "tcp port 1433 or udp port 162"')
    .option('-s, --site <file>', 'site file (YAML)')
    .option('--ndjson <file>', 'also write every verdict event to this file (one JSON object per line)')
    .option('-o, --out <file>', 'write the final report to this file (the dashboard or NDJSON events stay on the terminal/stdout)')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C or q)')
    .addOption(new Option('-f, --format <format>', 'final report format (default: table on a terminal, ndjson otherwise)').choices(FORMATS))
    .option('--fail-on <list>', failOnHelp, DEFAULT_FAIL_ON)
    .option('--buffer-size <MiB>', 'kernel capture buffer in MiB, 1 to 2047 (cap drops packets with small buffers)', '256')
    .option('--coverage <view>', 'coverage section per designed connection (connections) or per rule (rules)', 'connections')
    .option('--no-dashboard', 'never show the dashboard, even on a terminal')
    .option('--user <name>', 'started as root: drop to this user once the capture and output files are open', 'nobody')
    .option('--keep-root', 'started as root: keep root for the whole run (not recommended)')
    .addOption(new Option('--engine <engine>', 'capture engine: cap (in-process libpcap) or tcpdump (reports kernel drops)').choices(['cap', 'tcpdump']).default('cap'))
    .option('--evidence <file>', 'also write every packet of the flagged flows (their first 32), with comments, to this pcapng file (docs/evidence.md)')
    .option('--evidence-verdicts <list>', `verdicts whose flows go into --evidence (default ${DEFAULT_FAIL_ON})`)
    .option('--evidence-max-mb <MiB>', 'memory for the packets kept for --evidence (default 256)')
    .option('--report-every <dur>', 'also a report per interval (15m, 30s, 1h or seconds; aligned to UTC): FILE-YYYYMMDDTHHMMSSZ.ext beside --out, an "interval" line in --ndjson')
    .option('--write <file>', 'also keep every captured packet in this pcapng file')
    .option('--write-size <MB>', 'with --write: start a new file FILE_00001_YYYYMMDDHHMMSS.pcapng before one passes this size (1 MB = 1,000,000 bytes)')
    .option('--write-files <n>', 'with --write-size: keep only the newest n files, deleting older ones (a ring, as dumpcap -b files)')
    .addHelpText('after', `
On a terminal the dashboard shows; otherwise verdict events are written to stdout
as NDJSON, followed by the final report. Ctrl-C (or q, or --duration) ends the
capture cleanly and prints the same final report "audit" would.

Live capture needs root (dropped to --user once the capture is open) or
capabilities on tcpdump with --engine tcpdump; see docs/capture.md.

Examples:
  wfo-audit live -i eth1 --site site.yaml
  wfo-audit live -i eth1 --filter 'not port 22' --duration 600 --ndjson events.ndjson
  wfo-audit live -i eth1 --site site.yaml --report-every 15m --out /var/lib/wfo/day.json -f json
  wfo-audit live -i eth1 --write /var/lib/wfo/cap.pcapng --write-size 100 --write-files 48
${exitHelp}`)
    .action(async (flags: LiveFlags) => {
      result.code = await liveCommand(flags);
    });

  program.command('collect')
    .description('collect IPFIX, NetFlow v9 and v5 flow records on a UDP port and audit them as they come')
    .requiredOption('-l, --listen <host:port>', 'address and UDP port to listen on, e.g. 0.0.0.0:2055 or [::]:4739')
    .option('--exporter <ip,...>', 'only these exporters feed the audit (others are counted and warned about, never classified)')
    .option('-s, --site <file>', 'site file (YAML)')
    .option('--ndjson <file>', 'also write every verdict event to this file (one JSON object per line)')
    .option('-o, --out <file>', 'write the final report to this file (the dashboard or NDJSON events stay on the terminal/stdout)')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C or q)')
    .addOption(new Option('-f, --format <format>', 'final report format (default: table on a terminal, ndjson otherwise)').choices(FORMATS))
    .option('--fail-on <list>', failOnHelp, DEFAULT_FAIL_ON)
    .option('--coverage <view>', 'coverage section per designed connection (connections) or per rule (rules)', 'connections')
    .option('--template-timeout <s>', 'drop templates an exporter has not refreshed for this long (RFC 7011 §8.4)', '1800')
    .option('--no-dashboard', 'never show the dashboard, even on a terminal')
    .addHelpText('after', `
One port takes IPFIX (10), NetFlow v9 and v5: the version is read per datagram.
The collector only listens; it never sends a packet. Without --exporter every
exporter is listed in the report's sources, so a stranger's records cannot hide.
Point exporters at it as docs/flow-records.md shows (Cisco, ASA, Palo Alto,
Fortinet, softflowd). Ctrl-C (or q, or --duration) ends the run and prints the
same final report "audit" would; no record received at all exits 2.

Examples:
  wfo-audit collect --listen 0.0.0.0:2055 --site site.yaml --duration 3600 --out report.json -f json
  wfo-audit collect --listen 10.0.0.5:4739 --exporter 10.0.0.1,10.0.0.2 --site site.yaml
${exitHelp}`)
    .action(async (flags: CollectFlags) => {
      result.code = await collectCommand(flags);
    });

  program.command('design')
    .description('print the WFO port matrix (with a site: resolved to concrete hosts) for the firewall team')
    .option('-s, --site <file>', 'site file (YAML)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(DESIGN_FORMATS).default('table'))
    .addHelpText('after', `
Examples:
  wfo-audit design
  wfo-audit design --site site.yaml --format csv > firewall-request.csv
`)
    .action((flags: { site?: string; format: (typeof DESIGN_FORMATS)[number] }) => {
      result.code = designCommand(flags);
    });

  addRulesCommand(program, result);
  addDiffCommand(program, result, exitHelp);

  program.command('check-site')
    .description('validate a site file and print the resolved roles')
    .argument('<file>', 'site file (YAML)')
    .option('--strict', 'exit 1 when the site file has warnings (overlapping roles, duplicates, empty roles)')
    .addHelpText('after', `
Warnings (file:line:col) go to stderr; with --strict they make the exit code 1.

Examples:
  wfo-audit check-site site.yaml
  wfo-audit check-site --strict site.yaml
`)
    .action((file: string, flags: { strict?: boolean }) => {
      result.code = checkSiteCommand(file, !!flags.strict);
    });

  program.command('discover')
    .description('draft a site file from traffic: roles, mode, modules, each line with its evidence')
    .argument('<input...>', 'capture files (what audit reads), or - for stdin')
    .option('-o, --out <file>', 'write the draft to a file instead of stdout')
    .option('--tcp-timeout <s>', 'TCP idle timeout in seconds of capture time', '300')
    .option('--udp-timeout <s>', 'UDP idle timeout in seconds of capture time', '60')
    .addHelpText('after', `
Reads the same inputs as audit and writes a site file drafted from what the hosts did
(who accepted which WFO port, who opened which). Every line carries its evidence (flows,
ports, first and last time, UTC) and a confidence; "# CHECK:" lines are guesses and
conflicts to decide by hand. Connections that were refused or never answered count too.
Nothing is sent on the network (no DNS lookups): the draft names addresses only.
Review it (docs/site-file.md, "Start from a draft"), then check it with check-site.

Examples:
  wfo-audit discover fixtures/demo/demo.pcap > site.yaml
  wfo-audit discover --out site.yaml ring_00001.pcapng ring_00002.pcapng
  wfo-audit check-site site.yaml && wfo-audit audit --site site.yaml ring_00001.pcapng
${exitHelp}`)
    .action(async (inputs: string[], flags: DiscoverFlags) => {
      result.code = await discoverCommand(inputs, flags);
    });

  for (const c of program.commands) {
    c.exitOverride();
    c.configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: () => {} });
  }
  return program;
}

/** Prints one error line. */
function fail(message: string): number {
  // Messages quote paths and site-file text: control characters from them never reach the terminal.
  process.stderr.write(`wfo-audit: ${printable(message).replace(/\n/g, ' ')}\n`);
  return EXIT_CODES.error;
}

/**
 * The single error boundary: runs the CLI and returns the exit code. Typed
 * errors become one line; nothing reaches the user as a stack trace.
 */
export async function main(argv: string[]): Promise<number> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // a closed pipe (`| head`) is not an error of ours
    if (e.code === 'EPIPE') process.exit(0);
  });
  const result = { code: EXIT_CODES.ok as number };
  const program = buildProgram(result);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_CODES.error;
    }
    await program.parseAsync(argv, { from: 'user' });
    return result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT_CODES.ok;
      // A value outside an option's choices reads like every other refused value.
      const choice = /^error: option '(?:-\w, )?(--[\w-]+)[^']*' argument '(.*)' is invalid\. Allowed choices are (.*)\.$/.exec(e.message);
      if (choice) return fail(invalidOption(choice[1]!, choice[2]!, choice[3]!).message);
      return fail(`${e.message.replace(/^error: /, '')} (see wfo-audit --help)`);
    }
    if (e instanceof AuditError) return fail(e.message);
    if (process.env.WFO_AUDIT_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return fail(`internal error: ${(e as Error).message ?? String(e)} (set WFO_AUDIT_DEBUG=1 for details)`);
  }
}
