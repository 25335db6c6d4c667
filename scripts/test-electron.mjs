// `npm run test:electron`: the extension-host suite under @vscode/test-electron, the VS Code
// team's runner, which downloads a desktop VS Code. Use it where that download works; on
// machines that cannot download VS Code, `npm test` runs the same suite inside code-server.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

execFileSync(process.execPath, ['esbuild.mjs'], { stdio: 'inherit' });
try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: resolve('.'),
    extensionTestsPath: resolve('dist/test/suite/index.js'),
    launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  });
} catch (e) {
  console.error(`extension-host tests failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
