// Bundles the four entry points — the extension host (no AWS SDK), the AWS layer loaded on first
// use (src/awsBundle.ts → dist/aws.js), the CLI and the webview — and the extension-host test suite.
// `--watch` rebuilds on change; `--production` minifies. Prints each bundle's size.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // dist/aws.js is loaded on first use (src/ui/awsBundle.ts), so activation never parses the SDK.
    external: ['vscode', './aws.js'],
  },
  {
    entryPoints: ['src/awsBundle.ts'],
    outfile: 'dist/aws.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
  {
    entryPoints: ['test/suite/index.ts'],
    outfile: 'dist/test/suite/index.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  },
].filter((b) => existsSync(b.entryPoints[0]));

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  legalComments: 'none',
  logLevel: 'warning',
  loader: { '.css': 'text' },
  define: { __VERSION__: JSON.stringify(pkg.version) },
};

function printSizes() {
  for (const b of builds) {
    const kb = (statSync(b.outfile).size / 1024).toFixed(1);
    console.log(`  ${b.outfile.padEnd(28)} ${kb.padStart(8)} KB`);
  }
}

if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context({ ...common, ...b })));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b })));
  console.log(`built${production ? ' (production)' : ''}:`);
  printSizes();
}
