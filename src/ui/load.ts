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
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadDashboard(): Promise<typeof import('./dashboard.js')> {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    return await import('./dashboard.js');
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
