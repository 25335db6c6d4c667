// `npm run test:electron`: the extension-host suite (dist/test/suite/index.js — the same module
// the code-server run in test/integration/extensionHost.test.ts loads) under @vscode/test-electron,
// the VS Code team's runner, on desktop VS Code: the oldest version the manifest accepts and the
// current one, the same two the integration tests run in code-server. @vscode/test-electron
// downloads desktop VS Code from update.code.visualstudio.com: use it where that download works
// (it does not on machines limited to the npm registry, where `npm test` runs the suite in
// code-server). `npm run test:electron -- --vscode=oldest|current` runs one.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { target, VSCODE_TARGETS } from './install-code-server.mjs';
import { requireNode } from './node-runtime.mjs';

requireNode();

const which = process.argv.find((a) => a.startsWith('--vscode='))?.slice('--vscode='.length) ?? 'both';
const targets = (which === 'both' ? Object.keys(VSCODE_TARGETS) : [which]).map((n) => target(n));
execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
let failed = false;
for (const t of targets) {
  try {
    await runTests({
      version: t.vscode,
      extensionDevelopmentPath: resolve('.'),
      extensionTestsPath: resolve('dist/test/suite/index.js'),
      launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
    });
    console.log(`[test-electron] passed on desktop VS Code ${t.vscode}`);
  } catch (e) {
    failed = true;
    console.error(`[test-electron] extension-host tests failed on desktop VS Code ${t.vscode}: ${e instanceof Error ? e.message : e}`);
  }
}
process.exit(failed ? 1 : 0);
