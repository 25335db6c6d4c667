// The extension-host test suite (mocha, the real `vscode` API). Its `run()` is the
// extensionTestsPath module: @vscode/test-electron runs it in a downloaded VS Code
// (`npm run test:electron`), and the integration harness runs it in code-server (`npm test`).
// The extension host exits 0 even when run() rejects, so the results are also written to the
// file named by TIMEOUT_LENS_SUITE_REPORT, which the harness reads.
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

interface SuiteReport {
  passes: number;
  failures: number;
  tests: Array<{ title: string; state: 'passed' | 'failed'; error?: string }>;
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false });
  // The test files are bundled into this file; they call describe/it when imported, so give
  // them mocha's globals first (what mocha.loadFiles does for files on disk).
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  await import('./extension.test');
  const report: SuiteReport = { passes: 0, failures: 0, tests: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => {
      report.passes++;
      report.tests.push({ title: t.fullTitle(), state: 'passed' });
    });
    runner.on('fail', (t, err: unknown) => {
      report.failures++;
      const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
      report.tests.push({ title: t.fullTitle(), state: 'failed', error: message });
      console.error(`[suite] FAIL ${t.fullTitle()}: ${message}`);
    });
  });
  const out = process.env.TIMEOUT_LENS_SUITE_REPORT;
  if (out) writeFileSync(out, JSON.stringify(report, null, 2));
  if (report.failures > 0) throw new Error(`${report.failures} extension-host test(s) failed`);
}
