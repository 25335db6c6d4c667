// `npm run test:integration`: installs (once, cached) code-server = VS Code 1.100.3, packages the
// extension into a .vsix, builds the extension-host suite, and runs test/integration/**/*.test.ts
// with Node's test runner, one file at a time (each starts its own VS Code on a free port).
// `npm run test:integration -- <substring>` runs only matching files.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { installCodeServer } from './install-code-server.mjs';

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`Chromium is needed to drive VS Code and was not found at ${chromium}: sudo apt-get install -y chromium`);
  process.exit(1);
}
const codeServer = installCodeServer();
const vsix = execFileSync(process.execPath, ['scripts/package.mjs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  .trim()
  .split('\n')
  .pop();
// The development-mode suite runs from dist/ (not the .vsix), so build it unminified with sourcemaps.
execFileSync(process.execPath, ['esbuild.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
const r = spawnSync(
  process.execPath,
  ['scripts/test-unit.mjs', '--dir=test/integration', '--test-concurrency=1', '--test-timeout=240000', ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, CODE_SERVER_BIN: codeServer, TIMEOUT_LENS_VSIX: vsix, CHROMIUM_PATH: chromium } },
);
process.exit(r.status ?? 1);
