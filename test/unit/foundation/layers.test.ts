// The layer rule of ARCHITECTURE.md, checked on the real import graph: nothing reachable from
// src/core, src/ingest or src/code imports `vscode` or the AWS SDK; core imports no other layer;
// src/code imports only core (and yaml, smol-toml, web-tree-sitter); the webview reaches only
// src/protocol.ts outside its own folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = process.cwd();

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/**
 * Import specifiers of a module: static imports/exports, dynamic import(), require(). `import type`
 * and `export type … from` are left out unless `types` is set: they are erased at build time, so
 * they cannot load a package, but they still tie a module to the file they name.
 */
export function importsOf(source: string, types = false): string[] {
  const specs: string[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of source.matchAll(re)) {
    if (m[2] && !types) continue;
    const spec = m[3] ?? m[4] ?? m[5];
    if (spec) specs.push(spec);
  }
  return specs;
}

function resolveLocal(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(c) && statSync(c).isFile()) return c;
  return null;
}

/** Every bare (package) import reachable from `entry`, with the chain that reaches it. */
function reachable(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const stack: Array<{ file: string; chain: string[] }> = [{ file: entry, chain: [relative(ROOT, entry)] }];
  while (stack.length) {
    const { file, chain } = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const next = resolveLocal(file, spec);
        if (next) stack.push({ file: next, chain: [...chain, relative(ROOT, next)] });
      } else if (!packages.has(spec)) packages.set(spec, chain);
    }
  }
  return packages;
}

test('the import scanner sees value imports and ignores type-only imports', () => {
  const specs = importsOf(`import type { A } from 'vscode';\nimport * as x from "./a";\nexport { b } from './b';\nconst c = await import('@aws-sdk/client-xray');`);
  assert.deepEqual(specs, ['./a', './b', '@aws-sdk/client-xray']);
});

test('asked for type imports, the scanner sees them too (import type, export type … from)', () => {
  const source = `import type { A } from 'vscode';\nimport type {\n  B,\n  C,\n} from '../core/report';\nexport type { D } from "./d";\nimport { e } from './e';`;
  assert.deepEqual(importsOf(source, true), ['vscode', '../core/report', './d', './e']);
  assert.deepEqual(importsOf(source), ['./e']);
});

test('nothing reachable from src/core and src/ingest imports vscode or the AWS SDK', () => {
  const files = [...tsFiles(join(ROOT, 'src/core')), ...tsFiles(join(ROOT, 'src/ingest'))];
  assert.ok(files.length > 0, 'src/core has modules');
  const offences: string[] = [];
  for (const f of files) {
    for (const [pkg, chain] of reachable(f)) {
      if (pkg === 'vscode' || pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/')) offences.push(`${pkg} via ${chain.join(' → ')}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('nothing reachable from src/code imports vscode or the AWS SDK; src/code imports only src/core and its parsers', () => {
  const files = tsFiles(join(ROOT, 'src/code'));
  assert.ok(files.length > 0, 'src/code has modules');
  const offences: string[] = [];
  const allowedPackages = /^(node:|yaml$|smol-toml$|web-tree-sitter$)/;
  for (const f of files) {
    for (const [pkg, chain] of reachable(f)) {
      if (pkg === 'vscode' || pkg.startsWith('@aws-sdk/') || pkg.startsWith('@smithy/')) offences.push(`${pkg} via ${chain.join(' → ')}`);
    }
    // Types included: src/code is a layer beside ingest and aws, knowing only core.
    for (const spec of importsOf(readFileSync(f, 'utf8'), true)) {
      if (!spec.startsWith('.')) {
        if (!allowedPackages.test(spec)) offences.push(`${relative(ROOT, f)} imports package ${spec}`);
        continue;
      }
      const target = resolveLocal(f, spec);
      if (!target) continue;
      const rel = relative(ROOT, target);
      if (!rel.startsWith('src/code/') && !rel.startsWith('src/core/')) offences.push(`${relative(ROOT, f)} → ${rel}`);
    }
  }
  assert.deepEqual(offences, []);
});

test('src/core imports no other layer', () => {
  const offences: string[] = [];
  for (const f of tsFiles(join(ROOT, 'src/core'))) {
    for (const spec of importsOf(readFileSync(f, 'utf8'))) {
      const target = spec.startsWith('.') ? resolveLocal(f, spec) : null;
      if (target && relative(join(ROOT, 'src/core'), target).startsWith('..')) offences.push(`${relative(ROOT, f)} → ${spec}`);
    }
  }
  assert.deepEqual([...new Set(offences)], []);
});

test('webview/ reaches nothing outside itself but src/protocol.ts, types included', () => {
  const offences: string[] = [];
  for (const f of tsFiles(join(ROOT, 'webview'))) {
    // Type imports count here: the webview's picture of the host is the protocol, nothing else.
    for (const spec of importsOf(readFileSync(f, 'utf8'), true)) {
      if (!spec.startsWith('.')) {
        offences.push(`${relative(ROOT, f)} imports package ${spec}`);
        continue;
      }
      const target = resolveLocal(f, spec);
      if (!target) continue;
      const rel = relative(ROOT, target);
      if (!rel.startsWith('webview/') && rel !== 'src/protocol.ts') offences.push(`${relative(ROOT, f)} → ${rel}`);
    }
  }
  assert.deepEqual(offences, []);
});
