// The five .wasm files of the call-site finder gathered from node_modules into one temporary
// folder, as `npm run build` gathers them into dist/tree-sitter/ (the unit tests run unbuilt).
import { copyFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export function codeWasmDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'timeout-lens-wasm-'));
  const sources = [
    require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
    join(require.resolve('tree-sitter-javascript/package.json'), '..', 'tree-sitter-javascript.wasm'),
    join(require.resolve('tree-sitter-typescript/package.json'), '..', 'tree-sitter-typescript.wasm'),
    join(require.resolve('tree-sitter-typescript/package.json'), '..', 'tree-sitter-tsx.wasm'),
    join(require.resolve('tree-sitter-python/package.json'), '..', 'tree-sitter-python.wasm'),
  ];
  for (const s of sources) copyFileSync(s, join(dir, s.slice(s.lastIndexOf('/') + 1)));
  return dir;
}
