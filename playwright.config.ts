/**
 * End-to-end tests (`npm run e2e`, which builds first): the real `parley-server --web` as a child
 * process (e2e/support/fixtures.ts) and the built UI in Chromium, one browser context per user.
 * e2e/electron.spec.ts drives the Electron app instead; it skips itself (with the reason) where
 * Electron cannot run.
 *
 * Chromium is Debian's (/usr/bin/chromium, `apt-get install chromium`), never a Playwright
 * download; PARLEY_CHROMIUM points elsewhere. The last line printed is `N passed, N failed[,
 * N skipped]` (e2e/support/summary-reporter.ts); .ci/run adds it to the unit tests' line.
 */
import { defineConfig } from '@playwright/test';

const CI = Boolean(process.env['CI']);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  // Each test starts its own server and browser contexts; two at a time suits 2-core CI machines.
  workers: 2,
  fullyParallel: true,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  timeout: 60_000,
  // A hung run fails instead of eating the CI job's time (a normal run takes a few minutes).
  globalTimeout: CI ? 15 * 60_000 : 0,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./e2e/support/summary-reporter.ts']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    locale: 'en-GB',
    timezoneId: 'UTC',
  },
  projects: [
    {
      name: 'chromium',
      // The Electron spec launches the app itself and needs no browser; the packaged-app smoke test
      // has its own config (playwright.packaged.config.ts, `npm run test:packaged`).
      testIgnore: ['**/electron.spec.ts', '**/packaged-app.spec.ts'],
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: process.env['PARLEY_CHROMIUM'] ?? '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
    {
      name: 'electron',
      testMatch: '**/electron.spec.ts',
    },
  ],
});
