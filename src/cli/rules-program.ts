/**
 * The `rules` subcommand's options and help, added to the program in src/cli/main.ts.
 */
import { Option, type Command } from 'commander';
import { TARGET_NAMES } from '../design/targets/index.js';
import { rulesCommand, type RulesFlags } from './rules-command.js';

/** Adds `wfo-audit rules` to the program; the action stores its exit code in `result`. */
export function addRulesCommand(program: Command, result: { code: number }): void {
  program.command('rules')
    .description('generate firewall rules from the design for a site (nftables, iptables, Windows, ASA, Palo Alto, CSV)')
    .requiredOption('-s, --site <file>', 'site file (YAML)')
    .addOption(new Option('-t, --target <target>', 'firewall syntax').choices(TARGET_NAMES).makeOptionMandatory())
    .option('-o, --out <file>', 'write the rules to a file instead of stdout')
    .option('--chain <chain>', 'nftables/iptables: input (host firewall on a WFO server) or forward (between subnets); default input')
    .option('--enforce', 'nftables/iptables: policy drop for everything the design does not list (also cuts RDP/SSH)')
    .option('--host <ip>', 'windows-firewall/netsh: rules for this one WFO server only')
    .option('--asa-interface <nameif>', 'cisco-asa: interface of the access-group line')
    .option('--pan-from <zone>', 'paloalto: source zone of every rule')
    .option('--pan-to <zone>', 'paloalto: destination zone of every rule')
    .addHelpText('after', `
Targets: ${TARGET_NAMES.join(', ')}.
Every rule carries its connection id (<from-role>><to-role>:<port>/<proto>); the
header maps each id to its seed rows. Syntax reference per target: docs/firewall-rules.md.

Examples:
  wfo-audit rules --site site.yaml --target nftables --chain input --out wfo.nft && nft -c -f wfo.nft
  wfo-audit rules --site site.yaml --target iptables --out wfo.rules && iptables-restore --test wfo.rules
  wfo-audit rules --site site.yaml --target windows-firewall --host 10.10.0.10 --out wfo.ps1
  wfo-audit rules --site site.yaml --target cisco-asa --asa-interface inside
  wfo-audit rules --site site.yaml --target csv --out firewall-request.csv
`)
    .action((flags: RulesFlags) => {
      result.code = rulesCommand(flags);
    });
}
