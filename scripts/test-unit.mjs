// Runs the plain-Node unit tests: bundles every test/unit/**/*.test.ts with esbuild
// (node_modules stay external) into out/unit and hands them to Node's own test runner.
// `npm run test:unit -- <filter>` runs only the files whose path contains <filter>.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { requireNode } from './node-runtime.mjs';

requireNode();

// `--dir=test/browser` runs another folder of node:test files the same way.
const dirArg = process.argv.find((a) => a.startsWith('--dir='));
const testDir = dirArg ? dirArg.slice('--dir='.length).replace(/\/$/, '') : 'test/unit';
const outDir = join('out', testDir.replace(/^test\//, ''));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--') && !a.startsWith('--dir='));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = walk(testDir).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no unit test files match ${filters.join(' ')}`);
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: files,
  outdir: outDir,
  outbase: testDir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  sourcemap: 'inline',
  packages: 'external',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
});
const outs = files.map((f) => join(outDir, relative(testDir, f)).replace(/\.ts$/, '.mjs'));
const r = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...passThrough, ...outs], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
