/**
 * The packaged-app smoke test only (`npm run test:packaged`): e2e/packaged-app.spec.ts against the
 * executable in PARLEY_PACKAGED_APP, which the release workflow sets after electron-builder ran on
 * each OS. No browser download and no build: the spec attaches to the app's own Chromium. Without
 * PARLEY_PACKAGED_APP every test reports itself skipped with the reason. The normal e2e run
 * (playwright.config.ts) ignores this spec.
 */
import { defineConfig } from '@playwright/test';

const CI = Boolean(process.env['CI']);

export default defineConfig({
  testDir: 'e2e',
  testMatch: 'packaged-app.spec.ts',
  outputDir: 'test-results/packaged',
  // Two app instances per test, announcing on the LAN: one test at a time.
  workers: 1,
  forbidOnly: CI,
  retries: CI ? 1 : 0,
  timeout: 180_000,
  globalTimeout: CI ? 10 * 60_000 : 0,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['./e2e/support/summary-reporter.ts']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
  },
});
