// `npm run test:integration`: runs test/integration/**/*.test.ts in two real VS Codes, one after
// the other — the oldest the manifest accepts (code-server 4.103.2 = VS Code 1.103.2 on Node 22)
// and the current one (code-server 4.139.1 = VS Code 1.139.1 on Node 24) — each installed once
// from the npm registry and cached (scripts/install-code-server.mjs). Packages the extension into
// a .vsix, builds the extension-host suite, and runs the files with Node's test runner, one at a
// time (each starts its own VS Code on a free port). Prints each VS Code's time.
//   npm run test:integration -- --vscode=current   one VS Code only (oldest | current | both)
//   npm run test:integration -- <substring>        only the matching files
// TIMEOUT_LENS_VSCODE=oldest|current|both does what --vscode= does.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { installCodeServer, target, VSCODE_TARGETS } from './install-code-server.mjs';
import { requireNode } from './node-runtime.mjs';

requireNode();

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`Chromium is needed to drive VS Code and was not found at ${chromium}: sudo apt-get install -y chromium`);
  process.exit(1);
}
const args = process.argv.slice(2);
const which = args.find((a) => a.startsWith('--vscode='))?.slice('--vscode='.length) ?? process.env.TIMEOUT_LENS_VSCODE ?? 'both';
const names = which === 'both' ? Object.keys(VSCODE_TARGETS) : [which];
const targets = names.map((n) => {
  try {
    return target(n);
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : e} (or both), e.g. npm run test:integration -- --vscode=current`);
    process.exit(2);
  }
});
const rest = args.filter((a) => !a.startsWith('--vscode='));

const vsix = execFileSync(process.execPath, ['scripts/package.mjs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  .trim()
  .split('\n')
  .pop();
// The development-mode suite runs from dist/ (not the .vsix), so build it unminified with sourcemaps.
execFileSync(process.execPath, ['esbuild.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });

const results = [];
for (const t of targets) {
  const codeServer = installCodeServer(t.name);
  const label = `VS Code ${t.vscode} (code-server ${t.codeServer}, Node ${t.node})`;
  console.log(`\n[integration] ${label}`);
  const started = Date.now();
  const r = spawnSync(
    process.execPath,
    ['scripts/test-unit.mjs', '--dir=test/integration', '--test-concurrency=1', '--test-timeout=240000', ...rest],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        CODE_SERVER_BIN: codeServer,
        CODE_SERVER_SMOKE_TEST_DRIVER: t.smokeTestDriver ? '1' : '0',
        TIMEOUT_LENS_VSCODE_VERSION: t.vscode,
        TIMEOUT_LENS_VSIX: vsix,
        CHROMIUM_PATH: chromium,
      },
    },
  );
  results.push({ label, ok: r.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}
console.log('');
for (const r of results) console.log(`[integration] ${r.ok ? 'passed' : 'FAILED'} on ${r.label} in ${r.seconds} s`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
