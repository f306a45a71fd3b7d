/**
 * The live dashboard: subscribes to the pipeline's snapshots, reads keys, and
 * draws App with Ink. The CLI loads this module only with a dynamic import(),
 * because importing Ink and React costs about two seconds on a small machine.
 */
import { render, renderToString, useInput, useStdin, useStdout, type Instance } from 'ink';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import type { Observable } from 'rxjs';
import type { DashboardSnapshot } from '../pipeline/types.js';
import { App } from './App.js';
import { initialUiState, reduceUi, type UiState } from './state.js';

/** Size used when the output stream does not report one (not a terminal). */
const DEFAULT_COLUMNS = 80;
const DEFAULT_ROWS = 24;

/** Ink redraws at most this often; snapshots come about 4 times a second, keys need a quicker echo. */
const MAX_FPS = 10;

/** Props of the live dashboard component. */
export interface DashboardProps {
  snapshots: Observable<DashboardSnapshot>;
  /** Called once when the user presses q or Ctrl-C. */
  onQuit: () => void;
  /** Called once after the final frame is committed: the final snapshot arrived, or the stream completed or failed. */
  onEnd?: (error: unknown) => void;
  /** Fixed size for tests; by default the output terminal's size, following resizes. */
  width?: number;
  height?: number;
}

/** The terminal's size, following resize events. */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || DEFAULT_COLUMNS, rows: stdout.rows || DEFAULT_ROWS });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}

/**
 * The stateful dashboard: keeps the UI state (state.ts), feeds it snapshots
 * and keys (q / Ctrl-C quit, p pause, v verdict filter, tab panel), and renders App.
 */
export function Dashboard({ snapshots, onQuit, onEnd, width, height }: DashboardProps) {
  const [state, dispatch] = useReducer(reduceUi, undefined, initialUiState);
  const failure = useRef<unknown>(undefined);
  const quitCalled = useRef(false);
  const endCalled = useRef(false);
  const size = useTerminalSize();
  const { isRawModeSupported } = useStdin();

  // A layout effect subscribes inside render(), so a stream that emits synchronously loses nothing.
  useLayoutEffect(() => {
    const sub = snapshots.subscribe({
      next: (snapshot) => dispatch({ type: 'snapshot', snapshot }),
      error: (err: unknown) => {
        failure.current = err;
        dispatch({ type: 'end' });
      },
      complete: () => dispatch({ type: 'end' }),
    });
    return () => sub.unsubscribe();
  }, [snapshots]);

  useInput(
    (input, key) => {
      if (input === 'q' || (key.ctrl && input === 'c')) {
        dispatch({ type: 'quit' });
        if (!quitCalled.current) {
          quitCalled.current = true;
          onQuit();
        }
      } else if (input === 'p') dispatch({ type: 'toggle-pause' });
      else if (input === 'v') dispatch({ type: 'cycle-filter' });
      else if (key.tab) dispatch({ type: 'switch-panel' });
    },
    { isActive: isRawModeSupported === true },
  );

  useEffect(() => {
    if (state.ended && !endCalled.current) {
      endCalled.current = true;
      onEnd?.(failure.current);
    }
  }, [state.ended, onEnd]);

  return <App state={state} width={width ?? size.columns} height={height ?? size.rows} />;
}

/** Reduces every snapshot without drawing and writes the final frame once: the dashboard for a stream that is not a terminal. */
function finalFrameOnly(snapshots: Observable<DashboardSnapshot>, stdout: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let state: UiState = initialUiState();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      const columns = stdout.columns || DEFAULT_COLUMNS;
      stdout.write(renderToString(<App state={state} width={columns} height={Number.POSITIVE_INFINITY} />, { columns }) + '\n');
      resolve();
    };
    const sub = snapshots.subscribe({
      next: (snapshot) => {
        state = reduceUi(state, { type: 'snapshot', snapshot });
        if (state.ended) {
          finish();
          // Deferred: a synchronous stream has not returned its subscription yet.
          queueMicrotask(() => sub.unsubscribe());
        }
      },
      error: (err: unknown) => {
        finished = true;
        reject(err);
      },
      complete: () => finish(),
    });
    if (finished) sub.unsubscribe();
  });
}

/**
 * Runs the dashboard until the final snapshot (done=true) has been drawn, or
 * the stream ends, and Ink has unmounted, so the caller can print the final
 * report below it. `q` and Ctrl-C call `onQuit` (the pipeline then stops the
 * capture and sends its final snapshot). When stdout is not a terminal, only
 * the final frame is written. Rejects with the stream's error, after unmounting.
 */
export async function runDashboard(
  snapshots: Observable<DashboardSnapshot>,
  opts: { onQuit: () => void; stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream },
): Promise<void> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  if (!stdout.isTTY) return finalFrameOnly(snapshots, stdout);

  let instance: Instance | undefined;
  let endedEarly = false;
  let failure: unknown;
  const onEnd = (err: unknown) => {
    failure = err;
    if (instance) instance.unmount();
    else endedEarly = true;
  };
  instance = render(<Dashboard snapshots={snapshots} onQuit={opts.onQuit} onEnd={onEnd} />, {
    stdout,
    stdin,
    exitOnCtrlC: false,
    // Ink's console patch redirects the global console, which only makes sense when we draw on the process's own stdout.
    patchConsole: stdout === process.stdout,
    maxFps: MAX_FPS,
  });
  const exited = instance.waitUntilExit();
  if (endedEarly) instance.unmount();
  await exited;
  if (failure !== undefined) throw failure;
}
