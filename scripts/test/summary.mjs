// Prints the plain closing line CI reads ("tests: N passed, N failed") from vitest's JSON reports
// (one or more files, summed: .ci/run runs the browser suites a second time on the npm Chromium).
import { readFileSync } from 'node:fs';

const files = process.argv.length > 2 ? process.argv.slice(2) : ['.vitest-report.json'];
let passed = 0, failed = 0, skipped = 0;
for (const file of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`summary: could not read ${file}: ${e.message}`);
    failed++;
    continue;
  }
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A suite that failed to load counts as a failure even when it ran no test.
  const failedSuites = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0).length;
  passed += report.numPassedTests;
  failed += report.numFailedTests + failedSuites;
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
