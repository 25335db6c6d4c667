// Bundles the five entry points — the extension host (no AWS SDK), the AWS layer loaded on first
// use (src/awsBundle.ts → dist/aws.js), the call-site finder loaded on first use (src/codeBundle.ts
// → dist/code.js), the CLI and the webview — and the extension-host test suite; copies the
// parser's .wasm files into dist/tree-sitter/. `--watch` rebuilds on change; `--production`
// minifies. Prints each bundle's size.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// web-tree-sitter's ESM build (what an `import` resolves to) finds itself through import.meta.url,
// which a CommonJS bundle lacks: give it the bundle's own file URL.
const importMetaUrl = {
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

/** @type {import('esbuild').BuildOptions[]} */
const builds = [
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // dist/aws.js and dist/code.js are loaded on first use (src/ui/awsBundle.ts, src/ui/codeBundle.ts),
    // so activation never parses the SDK or web-tree-sitter.
    external: ['vscode', './aws.js', './code.js'],
  },
  {
    entryPoints: ['src/awsBundle.ts'],
    outfile: 'dist/aws.js',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['vscode'],
  },
  {
    entryPoints: ['src/codeBundle.ts'],
    outfile: 'dist/code.js',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['vscode'],
    ...importMetaUrl,
  },
  {
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    define: importMetaUrl.define,
    banner: { js: `#!/usr/bin/env node\n${importMetaUrl.banner.js}` },
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
    target: 'node22',
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

// The call-site finder's runtime and grammars, loaded from dist/tree-sitter/ by dist/code.js and dist/cli.js.
const require = createRequire(import.meta.url);
const wasmFiles = [
  require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  join(dirname(require.resolve('tree-sitter-javascript/package.json')), 'tree-sitter-javascript.wasm'),
  join(dirname(require.resolve('tree-sitter-typescript/package.json')), 'tree-sitter-typescript.wasm'),
  join(dirname(require.resolve('tree-sitter-typescript/package.json')), 'tree-sitter-tsx.wasm'),
  join(dirname(require.resolve('tree-sitter-python/package.json')), 'tree-sitter-python.wasm'),
];

function copyWasm() {
  mkdirSync('dist/tree-sitter', { recursive: true });
  for (const f of wasmFiles) copyFileSync(f, join('dist/tree-sitter', basename(f)));
}

function printSizes() {
  for (const b of builds) {
    const kb = (statSync(b.outfile).size / 1024).toFixed(1);
    console.log(`  ${b.outfile.padEnd(28)} ${kb.padStart(8)} KB`);
  }
  const wasmKb = wasmFiles.reduce((sum, f) => sum + statSync(join('dist/tree-sitter', basename(f))).size, 0) / 1024;
  console.log(`  ${'dist/tree-sitter/*.wasm'.padEnd(28)} ${wasmKb.toFixed(1).padStart(8)} KB`);
}

copyWasm();
if (watch) {
  const ctxs = await Promise.all(builds.map((b) => esbuild.context({ ...common, ...b, define: { ...common.define, ...b.define } })));
  await Promise.all(ctxs.map((c) => c.watch()));
  console.log('watching for changes…');
} else {
  await Promise.all(builds.map((b) => esbuild.build({ ...common, ...b, define: { ...common.define, ...b.define } })));
  console.log(`built${production ? ' (production)' : ''}:`);
  printSizes();
}
