/**
 * Loads the dashboard module (Ink, React and the components) on demand.
 *
 * Ink decides once, when it is first loaded, whether it runs "in CI": when the
 * environment has CI or CONTINUOUS_INTEGRATION set, it never redraws and writes
 * only the last frame when it unmounts. The dashboard is started only on an
 * interactive terminal, where that would leave the screen blank for the whole
 * capture (a CI job that runs `wfo-audit live` in tmux, or a shell that simply
 * has CI=true exported). So those two variables are hidden while Ink loads and
 * put back right after; nothing else in the process sees a change.
 *
 * React picks its build when it is loaded, too: without NODE_ENV=production it loads
 * the development build, which records every component render with
 * performance.measure() and diffs of their props. On a capture with thousands of
 * findings that made `audit --dashboard` on a terminal 20 times slower and grow to
 * 3 GB (the measures are kept). So NODE_ENV is production while React loads, unless
 * the user set it (tests run with NODE_ENV=test and get the development build).
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadDashboard(): Promise<typeof import('./dashboard.js')> {
  const saved = [...CI_VARIABLES, 'NODE_ENV'].map((name) => [name, process.env[name]] as const);
  for (const name of CI_VARIABLES) delete process.env[name];
  process.env.NODE_ENV ??= 'production';
  try {
    return await import('./dashboard.js');
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
