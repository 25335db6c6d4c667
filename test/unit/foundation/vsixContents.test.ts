// The .vsix holds what the extension loads and nothing else: its bundles (dist/extension.js, the
// lazily required dist/aws.js and dist/code.js, the webview's dist/webview.js, the parser's
// .wasm files), media/, README, LICENSE, CHANGELOG and package.json. Not the CLI (dist/cli.js:
// nothing in the extension offers it; npm installs it), no source maps, no tests, no sources.
// The file list comes from @vscode/vsce's own listFiles (what `vsce package` would pack) over a
// copy of the repository's tree in which every bundle esbuild.mjs writes, with its map, exists.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import vsce from '@vscode/vsce';
import { execFileSync } from 'node:child_process';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** Build products and tool state: not part of the tree a package is made from (the fixture adds the bundles itself). */
const SKIPPED = new Set(['node_modules', '.git', 'dist', 'dist-vsix', 'out', 'test-results', 'bench-results', '.vscode-test']);

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (dir === ROOT && SKIPPED.has(entry.name)) continue;
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(relative(ROOT, p).replace(/\\/g, '/'));
  }
  return out;
}

/** Every file esbuild.mjs writes: each bundle with its source map (a development build's), and the parser's .wasm files. */
function buildOutputs(): string[] {
  const script = readFileSync(join(ROOT, 'esbuild.mjs'), 'utf8');
  const bundles = [...script.matchAll(/outfile:\s*'([^']+)'/g)].map((m) => m[1]!);
  assert.ok(bundles.includes('dist/extension.js') && bundles.includes('dist/cli.js'), `esbuild.mjs writes ${bundles.join(', ')}`);
  const wasm = [...script.matchAll(/'(tree-sitter-[a-z]+|web-tree-sitter)\.wasm'/g)].map((m) => `dist/tree-sitter/${m[1]}.wasm`);
  assert.ok(wasm.length > 0, 'esbuild.mjs copies .wasm files');
  return [...bundles, ...bundles.map((b) => `${b}.map`), ...wasm];
}

const fixture = mkdtempSync(join(tmpdir(), 'timeout-lens-vsix-'));
after(() => rmSync(fixture, { recursive: true, force: true }));

let packed: string[] | undefined;

/** What vsce would put in the .vsix, made from the fixture tree (dependencies are bundled: none are packed). */
async function packedFiles(): Promise<string[]> {
  if (packed) return packed;
  const files = [...walk(ROOT), ...buildOutputs(), 'dist-vsix/timeout-lens-0.1.0.vsix', 'out/unit/foundation/vsixContents.test.mjs'];
  for (const f of files) {
    mkdirSync(dirname(join(fixture, f)), { recursive: true });
    const real = ['package.json', '.vscodeignore', 'README.md'].includes(f);
    writeFileSync(join(fixture, f), real ? readFileSync(join(ROOT, f)) : '');
  }
  packed = (await vsce.listFiles({ cwd: fixture, packageManager: vsce.PackageManager.None })).map((f) => f.replace(/\\/g, '/')).sort();
  return packed;
}

/** What the extension loads at run time, read from the code: package.json's main, the bundles required beside it, the webview's script, the manifest's media. */
function loadedByTheExtension(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
  const ui = readdirSync(join(ROOT, 'src', 'ui')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(ROOT, 'src', 'ui', f), 'utf8'));
  const required = ui.flatMap((t) => [...t.matchAll(/require\('\.\/([\w-]+\.js)'\)/g)].map((m) => `dist/${m[1]}`));
  const webview = ui.flatMap((t) => [...t.matchAll(/joinPath\([^)]*'dist', '([\w.-]+)'\)/g)].map((m) => `dist/${m[1]}`));
  const media = [...readFileSync(join(ROOT, 'package.json'), 'utf8').matchAll(/"\.?\/?(media\/[^"]+)"/g)].map((m) => m[1]!);
  assert.ok(required.length >= 2 && webview.length >= 1 && media.length >= 3, `${required} ${webview} ${media}`);
  return [pkg.main.replace(/^\.\//, ''), ...required, ...webview, ...media];
}

test('the .vsix ships what the extension loads', async () => {
  const files = new Set(await packedFiles());
  for (const f of [...loadedByTheExtension(), 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']) assert.ok(files.has(f), `${f} is packed`);
  assert.ok([...files].some((f) => /^dist\/tree-sitter\/[\w-]+\.wasm$/.test(f)), 'the parser’s .wasm files are packed');
});

test('and nothing else: no CLI, no source maps, no tests, no sources, no build leftovers', async () => {
  const files = await packedFiles();
  const allowed = [/^dist\/(extension|aws|code|webview)\.js$/, /^dist\/webview\.css$/, /^dist\/tree-sitter\/[\w-]+\.wasm$/, /^media\//, /^(package\.json|README\.md|LICENSE|CHANGELOG\.md)$/];
  assert.deepEqual(
    files.filter((f) => !allowed.some((a) => a.test(f))),
    [],
    'only the bundles the extension loads, the parser, media and the four top-level files',
  );
  assert.ok(!files.includes('dist/cli.js'), 'the CLI is not in the .vsix');
  assert.deepEqual(files.filter((f) => f.endsWith('.map')), [], 'no source maps');
  assert.deepEqual(files.filter((f) => /(^|\/)(test|tests|__tests__)\//.test(f) || /\.test\.[mc]?[jt]s$/.test(f)), [], 'no tests (dist/test/ included)');
  assert.deepEqual(files.filter((f) => /\.(ts|tsx|mjs|vsix)$/.test(f) || /^(src|webview|scripts|bench|out)\//.test(f)), [], 'no sources, scripts or build leftovers');
});

test('nothing in the extension offers the CLI, so it need not be packed', () => {
  const extension = [join(ROOT, 'src', 'extension.ts'), ...readdirSync(join(ROOT, 'src', 'ui'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, 'src', 'ui', f))];
  const offering = extension.filter((f) => /cli\.js|\bsrc\/cli\b|from '\.\.\/cli'/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offering.map((f) => relative(ROOT, f)), [], 'an extension file names the CLI: pack dist/cli.js (.vscodeignore) if it is offered');
});

/** The text of `name` (any case) inside the zip at `path`, read by python3's zipfile (CI has python3; the project needs no zip library). */
function zipEntry(path: string, name: string): string {
  const script = 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nn = [i for i in z.namelist() if i.lower() == sys.argv[2].lower()]\nsys.stdout.write(z.read(n[0]).decode("utf-8") if n else "")';
  const text = execFileSync('python3', ['-c', script, path, name], { encoding: 'utf8' });
  assert.ok(text, `${name} is in ${path}`);
  return text;
}

test('the packed README shows its pictures on the Marketplace: each image an https URL into the repository, whose file exists', async () => {
  await packedFiles();
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { repository?: { url?: string } };
  const repo = /^https:\/\/github\.com\/([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(pkg.repository?.url ?? '')?.[1];
  assert.ok(repo, `package.json's repository is a GitHub URL (${pkg.repository?.url}): vsce turns the README's relative links into links there`);
  const vsix = join(fixture, 'readme-check.vsix');
  // vsce prints the packed tree: keep the test's output to the test.
  const log = console.log;
  console.log = () => undefined;
  try {
    await vsce.createVSIX({ cwd: fixture, packagePath: vsix, dependencies: false });
  } finally {
    console.log = log;
  }
  const packedReadme = zipEntry(vsix, 'extension/README.md');
  const source = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const sourceImages = [...source.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  assert.ok(sourceImages.length >= 5, `the README shows screenshots (${sourceImages.length})`);
  for (const image of sourceImages) assert.ok(existsSync(join(ROOT, image)), `${image} exists in the repository`);
  const packedImages = [...packedReadme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
  assert.deepEqual(
    packedImages,
    sourceImages.map((i) => `https://github.com/${repo}/raw/HEAD/${i}`),
    'each image of the packed README is an absolute https URL of the same file in the repository',
  );
});
