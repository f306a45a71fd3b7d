/**
 * The key help line at the bottom of the live region, with the current
 * filter, panel and pause state.
 */
import type { Part } from './Line.js';
import { Line } from './Line.js';
import type { UiState } from './state.js';
import { THEME } from './theme.js';

/** One key and what it does. */
function key(name: string, what: string): Part[] {
  return [{ text: name, color: THEME.key, bold: true }, { text: ` ${what}  ` }];
}

/** `q` quit, `p` pause, `v` verdict filter, `tab` panel; or the end-of-run note once the input has ended. */
export function Footer({ state, width }: { state: Pick<UiState, 'paused' | 'filter' | 'panel' | 'quitting' | 'ended'>; width: number }) {
  if (state.ended) {
    return <Line parts={[{ text: 'done: the final report follows', color: THEME.dim }]} width={width} />;
  }
  if (state.quitting) {
    return <Line parts={[{ text: 'stopping the capture…', color: THEME.warn }]} width={width} />;
  }
  const parts: Part[] = [
    ...(state.paused ? [{ text: 'PAUSED  ', color: THEME.warn, bold: true }] : []),
    ...key('q', 'quit'),
    ...key('p', state.paused ? 'resume' : 'pause'),
    ...key('v', `verdict: ${state.filter}`),
    ...key('tab', `panel: ${state.panel === 'coverage' ? 'coverage' : 'top flows'}`),
  ];
  const last = parts[parts.length - 1]!;
  parts[parts.length - 1] = { ...last, text: last.text.trimEnd() };
  return <Line parts={parts} width={width} />;
}
