/**
 * The whole dashboard as a pure function of (state, width, height): the
 * findings log above, then header, the active panel and the key help.
 */
import { Box } from 'ink';
import { CoveragePanel } from './CoveragePanel.js';
import { FindingsLog } from './FindingsLog.js';
import { Footer } from './Footer.js';
import { HEADER_HEIGHT, Header } from './Header.js';
import type { UiState } from './state.js';
import { TopFlows } from './TopFlows.js';

/** Lines of the live region that are not the panel: header, the blank line under it, and the key help. */
const CHROME_HEIGHT = HEADER_HEIGHT + 2;

/** Smallest panel we draw (title, column heads and one row), even on a very short screen. */
const MIN_PANEL = 3;

/**
 * Renders `state` at `width` columns; the live region stays below `height`
 * lines (one spare, because Ink clears the whole screen on every frame once the
 * output is as tall as the terminal). Pass Infinity for height to list everything.
 */
export function App({ state, width, height }: { state: UiState; width: number; height: number }) {
  const panelHeight = Math.max(MIN_PANEL, height - 1 - CHROME_HEIGHT);
  const snap = state.shown;
  return (
    <>
      <FindingsLog entries={state.log} width={width} />
      <Box flexDirection="column" width={width}>
        <Header snapshot={snap} width={width} />
        <Box height={1} />
        {/* No panel before the first snapshot: an empty coverage table would read as "no active rules". */}
        {snap === null ? null : state.panel === 'coverage' ? (
          <CoveragePanel rows={snap.coverage} width={width} height={panelHeight} />
        ) : (
          <TopFlows flows={snap.topFlows} filter={state.filter} width={width} height={panelHeight} />
        )}
        <Footer state={state} width={width} />
      </Box>
    </>
  );
}
