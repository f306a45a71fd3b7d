import { defineConfig } from 'vitest/config';

// Left-out test groups (test/support/requires.ts) are printed once each at the end of the run.
export default defineConfig({
  test: { globalSetup: ['test/support/groups-setup.ts'] },
});
