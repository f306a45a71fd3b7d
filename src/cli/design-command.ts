/**
 * `wfo-audit design` and `wfo-audit check-site`.
 */
import { siteWarnings } from '../design/site-warnings.js';
import { loadSite } from '../design/site.js';
import { resolveDesign } from '../design/resolve.js';
import { describeSite, renderDesign } from '../design/render.js';
import { EXIT_CODES } from './exit-codes.js';

/** Prints the matrix; with a site, resolved to concrete hosts. */
export function designCommand(flags: { site?: string; format: 'table' | 'markdown' | 'json' | 'csv' }): number {
  const site = flags.site ? loadSite(flags.site) : null;
  process.stdout.write(renderDesign(resolveDesign(site), flags.format));
  return EXIT_CODES.ok;
}

/** Validates a site file and prints the resolved roles. */
export function checkSiteCommand(file: string, strict = false): number {
  const site = loadSite(file);
  const design = resolveDesign(site);
  process.stdout.write(describeSite(site, design));
  const warns = siteWarnings(design);
  for (const w of warns) process.stderr.write(`wfo-audit: warning: ${w.message}\n`);
  const real = warns.filter((w) => w.code !== 'site-shared-host');
  return strict && real.length > 0 ? EXIT_CODES.findings : EXIT_CODES.ok;
}
