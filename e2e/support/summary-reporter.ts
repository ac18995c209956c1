/**
 * Prints, after every other reporter, the skipped tests with their reasons and then one plain
 * final line: `N passed, N failed` (plus `, N skipped` when any were skipped), counting test
 * cases by their final outcome — the same line as the unit tests' (test/support/summary-reporter.ts),
 * so .ci/run can add the two up.
 *
 * A test that passed only on retry counts as passed (and is named above the line as flaky). An
 * error outside any test (a spec that does not load, a global setup that throws) counts as one
 * failure, and so does a run that failed or timed out with no failing test — the line never
 * reads "0 failed" for a run that failed.
 */
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private root: Suite | undefined;
  private globalErrors = 0;

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.root = suite;
  }

  onError(_error: TestError): void {
    this.globalErrors++;
  }

  onEnd(result: FullResult): void {
    let passed = 0;
    let failed = 0;
    const skipped: TestCase[] = [];
    const flaky: TestCase[] = [];
    for (const test of this.root?.allTests() ?? []) {
      switch (test.outcome()) {
        case 'expected':
          passed++;
          break;
        case 'flaky':
          passed++;
          flaky.push(test);
          break;
        case 'skipped':
          skipped.push(test);
          break;
        case 'unexpected':
          failed++;
          break;
      }
    }
    failed += this.globalErrors;
    if (failed === 0 && result.status !== 'passed') failed = 1;

    const out: string[] = [''];
    if (skipped.length > 0) {
      out.push('Skipped:');
      for (const test of skipped) out.push(`  - ${title(test)}: ${skipReason(test)}`);
    }
    if (flaky.length > 0) {
      out.push('Flaky (passed on retry):');
      for (const test of flaky) out.push(`  - ${title(test)}`);
    }
    if (result.status === 'timedout') out.push('The run hit its global timeout.');
    if (result.status === 'interrupted') out.push('The run was interrupted.');

    let line = `${passed} passed, ${failed} failed`;
    if (skipped.length > 0) line += `, ${skipped.length} skipped`;
    out.push(line);
    process.stdout.write(`${out.join('\n')}\n`);
  }
}

function title(test: TestCase): string {
  return test.titlePath().filter(Boolean).join(' › ');
}

function skipReason(test: TestCase): string {
  const annotation = [...test.annotations, ...(test.results.at(-1)?.annotations ?? [])].find(
    (a) => a.type === 'skip' || a.type === 'fixme',
  );
  return annotation?.description || 'skipped';
}
