import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';
import SummaryReporter from './test/support/summary-reporter.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Child processes rather than worker threads: node:sqlite, sockets and process.exit behave
    // exactly as in production, and a crashing test file cannot take the runner down.
    pool: 'forks',
    // CI machines have 2 cores; network tests are timing-sensitive, so don't oversubscribe.
    maxWorkers: 2,
    reporters: ['default', new SummaryReporter()],
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/renderer/**'],
        },
      },
      {
        // The renderer (React UI) in a simulated DOM, against an in-memory fake ParleyApi.
        extends: true,
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['test/renderer/setup.ts'],
        },
      },
    ],
  },
});
