// Runs the mocha extension-host suite (test/suite, the same run() module @vscode/test-electron
// runs) inside the harness's VS Code through the extensionTestsPath payload, and fails when a
// test failed or the suite's report never appeared (the extension host exits 0 either way).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startVSCode, waitFor, Workbench } from './harness';

test('the extension-host suite passes in the real VS Code', async () => {
  const reportFile = join(mkdtempSync(join(tmpdir(), 'tl-suite-')), 'report.json');
  const suite = join(ROOT, 'dist', 'test', 'suite', 'index.js');
  assert.ok(existsSync(suite), `${suite} is built by esbuild.mjs`);
  const server = await startVSCode({
    mode: 'development',
    extensionTestsPath: suite,
    env: { TIMEOUT_LENS_SUITE_REPORT: reportFile },
  });
  const wb = await Workbench.open(server);
  try {
    const raw = await waitFor('the suite report', () => (existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : undefined), 120_000);
    const report = JSON.parse(raw) as { passes: number; failures: number; tests: Array<{ title: string; state: string; error?: string }> };
    for (const t of report.tests) console.log(`# ${t.state === 'passed' ? '✔' : '✖'} ${t.title}${t.error ? `\n${t.error}` : ''}`);
    assert.equal(report.failures, 0, 'extension-host tests failed (see above)');
    assert.ok(report.passes >= 5, `the suite ran its tests (passes: ${report.passes})`);
  } catch (e) {
    console.log(wb.consoleLines.filter((l) => l.includes('[suite]') || l.startsWith('error')).slice(-20).join('\n'));
    throw e;
  } finally {
    await wb.close();
    await server.stop();
  }
});
