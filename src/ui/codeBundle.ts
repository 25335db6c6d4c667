// Loads dist/code.js (the call-site finder and web-tree-sitter) the first time a feature needs it.
import { join } from 'node:path';
import type * as CodeBundle from '../codeBundle';

let loaded: typeof CodeBundle | undefined;

export function loadCodeBundle(): typeof CodeBundle {
  // A plain require of the sibling bundle: esbuild leaves './code.js' external (esbuild.mjs).
  loaded ??= require('./code.js') as typeof CodeBundle;
  return loaded;
}

/** The folder of the parser's .wasm files: dist/tree-sitter/, beside the bundle that asks. */
export function codeWasmDir(): string {
  return join(__dirname, 'tree-sitter');
}
