/**
 * `wfo-audit rules --site S --target T [--out FILE]`: firewall rules generated from
 * the resolved design (src/design/targets/). Options that do not apply to the
 * target are usage errors, so a flag is never silently ignored.
 */
import { UsageError } from '../errors.js';
import { loadSite } from '../design/site.js';
import { resolveDesign } from '../design/resolve.js';
import { TARGET_NAMES, TARGET_OPTIONS, TARGETS, type TargetName } from '../design/targets/index.js';
import { DEFAULT_TARGET_OPTIONS, type TargetOptions } from '../design/targets/options.js';
import { Output } from './common.js';
import { EXIT_CODES } from './exit-codes.js';

/** Flags of `wfo-audit rules` as commander gives them. */
export interface RulesFlags {
  site: string;
  target: string;
  out?: string;
  chain?: string;
  enforce?: boolean;
  host?: string;
  asaInterface?: string;
  panFrom?: string;
  panTo?: string;
}

const FLAG_NAMES: Record<keyof TargetOptions, string> = {
  chain: '--chain', enforce: '--enforce', host: '--host', asaInterface: '--asa-interface', panFrom: '--pan-from', panTo: '--pan-to',
};

/** An interface or zone name as the vendor's CLI takes it. */
function checkName(flag: string, v: string | undefined, max: number): string | null {
  if (v === undefined) return null;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v) || v.length > max) {
    throw new UsageError(`${flag}: "${v}" is not a name (letters, digits, ".", "_", "-"; at most ${max} characters)`);
  }
  return v;
}

/** Target options from the flags; refuses a flag the target does not read. */
export function targetOptions(flags: RulesFlags): { target: TargetName; options: TargetOptions } {
  if (!(TARGET_NAMES as string[]).includes(flags.target)) {
    throw new UsageError(`--target: "${flags.target}" is not one of: ${TARGET_NAMES.join(', ')}`);
  }
  const target = flags.target as TargetName;
  const given = (Object.keys(FLAG_NAMES) as (keyof TargetOptions)[]).filter((k) => flags[k] !== undefined && flags[k] !== false);
  const stray = given.filter((k) => !TARGET_OPTIONS[target].includes(k));
  if (stray.length) {
    const takes = TARGET_OPTIONS[target].map((k) => FLAG_NAMES[k]);
    throw new UsageError(`${stray.map((k) => FLAG_NAMES[k]).join(', ')}: not an option of --target ${target} (${takes.length ? `it takes ${takes.join(', ')}` : 'it takes none'})`);
  }
  if (flags.chain !== undefined && flags.chain !== 'input' && flags.chain !== 'forward') {
    throw new UsageError(`--chain: "${flags.chain}" is not one of: input, forward`);
  }
  return {
    target,
    options: {
      ...DEFAULT_TARGET_OPTIONS,
      chain: (flags.chain as TargetOptions['chain'] | undefined) ?? 'input',
      enforce: flags.enforce === true,
      host: flags.host ?? null,
      asaInterface: checkName('--asa-interface', flags.asaInterface, 48),
      panFrom: checkName('--pan-from', flags.panFrom, 31),
      panTo: checkName('--pan-to', flags.panTo, 31),
    },
  };
}

/** Writes the target's rules to stdout or --out. */
export function rulesCommand(flags: RulesFlags): number {
  const { target, options } = targetOptions(flags);
  const text = TARGETS[target](resolveDesign(loadSite(flags.site)), options);
  const out = new Output(flags.out);
  try {
    out.write(text);
  } finally {
    out.close();
  }
  return EXIT_CODES.ok;
}
