// `npm run bench`: bundles every bench/*.bench.ts (or those matching the arguments) and runs
// each in its own Node process, one after another so they do not compete for the 2 cores.
// Benchmarks print their own figures, always as a ratio against a baseline measured in the same run.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { requireNode } from './node-runtime.mjs';

requireNode();

const filters = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .map((f) => join('bench', f));
if (files.length === 0) {
  console.error('no benchmarks match');
  process.exit(1);
}
rmSync('out/bench', { recursive: true, force: true });
await esbuild.build({
  entryPoints: files,
  outdir: 'out/bench',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  define: { __VERSION__: '"bench"' },
  logLevel: 'warning',
});
let failed = 0;
for (const f of files) {
  const out = join('out/bench', f.slice('bench/'.length).replace(/\.ts$/, '.mjs'));
  console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, ['--expose-gc', out], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
