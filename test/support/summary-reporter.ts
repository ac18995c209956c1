/**
 * Prints one plain final line after the run: `N passed, N failed` (plus `, N skipped` when any
 * were skipped), counting test cases. CI greps for it, so it is always the last thing printed.
 *
 * A test file that fails without any failing test case (it threw while loading, or in a
 * beforeAll/afterAll hook) and each unhandled error also count as one failure, so the line never
 * reads "0 failed" for a run that failed.
 */
import type { Reporter, SerializedError, TestModule, TestRunEndReason } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
    _reason: TestRunEndReason,
  ): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      let moduleFailedTests = 0;
      for (const testCase of testModule.children.allTests()) {
        const { state } = testCase.result();
        if (state === 'passed') passed++;
        else if (state === 'failed') moduleFailedTests++;
        else if (state === 'skipped') skipped++;
      }
      failed += moduleFailedTests;
      if (moduleFailedTests === 0 && testModule.state() === 'failed') failed++;
    }
    failed += unhandledErrors.length;

    let line = `${passed} passed, ${failed} failed`;
    if (skipped > 0) line += `, ${skipped} skipped`;
    process.stdout.write(`\n${line}\n`);
  }
}
