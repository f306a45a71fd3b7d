/**
 * `wfo-audit design` and `wfo-audit check-site`.
 */
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
export function checkSiteCommand(file: string): number {
  const site = loadSite(file);
  process.stdout.write(describeSite(site, resolveDesign(site)));
  return EXIT_CODES.ok;
}
