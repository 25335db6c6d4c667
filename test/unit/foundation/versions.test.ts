// The versions the project promises and the ones it tests hold together: the oldest VS Code the
// manifest accepts is the oldest one the integration tests run, its extension host's Node is one
// the CLI accepts, the typings match those minimums, and the lockfile holds one copy of each AWS
// SDK package. Read from the files themselves (the scripts are read as text: importing them
// would run them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { MIN_NODE_MAJOR, nodeTooOld } from '../../../src/cli/nodeVersion';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const read = (f: string): string => readFileSync(join(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  engines: { vscode: string; node: string };
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

interface Target {
  codeServer: string;
  vscode: string;
  node: string;
}

function targets(): Record<string, Target> {
  const text = read('scripts/install-code-server.mjs');
  const out: Record<string, Target> = {};
  for (const m of text.matchAll(/^\s*(\w+): \{ codeServer: '([\d.]+)', vscode: '([\d.]+)', node: '([\d.]+)'/gm)) {
    out[m[1]!] = { codeServer: m[2]!, vscode: m[3]!, node: m[4]! };
  }
  return out;
}

const minor = (v: string): [number, number] => {
  const [a, b] = v.replace(/^[\^~>=]+/, '').split('.').map(Number);
  return [a!, b!];
};
const major = (v: string): number => Number(v.replace(/^[\^~>=v]+/, '').split('.')[0]);

test('the integration tests run the oldest VS Code the manifest accepts, and a current one', () => {
  const t = targets();
  assert.ok(t.oldest && t.current, `install-code-server.mjs names an oldest and a current VS Code (${Object.keys(t)})`);
  assert.deepEqual(minor(t.oldest.vscode), minor(pkg.engines.vscode), `engines.vscode ${pkg.engines.vscode} is the oldest VS Code tested (${t.oldest.vscode})`);
  assert.equal(t.oldest.codeServer.split('.')[1], t.oldest.vscode.split('.')[1], 'code-server 4.N is VS Code 1.N');
  assert.ok(minor(t.current.vscode)[1] >= 139, `the current VS Code is 1.139 or newer (${t.current.vscode})`);
  assert.equal(pkg.devDependencies['@types/vscode'], `${minor(pkg.engines.vscode).join('.')}.0`, '@types/vscode is the minimum VS Code: no API newer than it compiles');
});

test('every Node involved is one the CLI accepts', () => {
  assert.equal(pkg.engines.node, `>=${MIN_NODE_MAJOR}`);
  assert.match(read('scripts/node-runtime.mjs'), new RegExp(`MIN_NODE_MAJOR = ${MIN_NODE_MAJOR};`));
  assert.equal(major(read('scripts/node-runtime.mjs').match(/TOOLS_NODE_VERSION = '([\d.]+)'/)![1]!), MIN_NODE_MAJOR);
  for (const [name, t] of Object.entries(targets())) assert.ok(major(t.node) >= MIN_NODE_MAJOR, `${name} VS Code runs its extension host on Node ${t.node}`);
  assert.equal(major(pkg.devDependencies['@types/node']!), MIN_NODE_MAJOR, '@types/node is the minimum Node');
  const targetsInBuild = [...read('esbuild.mjs').matchAll(/target: 'node(\d+)'/g)].map((m) => Number(m[1]));
  assert.ok(targetsInBuild.length >= 4 && targetsInBuild.every((n) => n === MIN_NODE_MAJOR), `esbuild targets node${MIN_NODE_MAJOR} (${targetsInBuild})`);
});

test('an older Node is refused with what to do; 22 and newer run', () => {
  assert.equal(nodeTooOld('v22.0.0'), undefined);
  assert.equal(nodeTooOld('v24.22.3'), undefined);
  assert.equal(nodeTooOld('v100.1.0'), undefined);
  const msg = nodeTooOld('v20.20.2');
  assert.ok(msg);
  assert.match(msg, /needs Node 22 or newer, and this is Node v20\.20\.2/);
  assert.match(msg, /Install Node 22/);
  assert.ok(nodeTooOld('v18.0.0'));
  assert.ok(nodeTooOld('nonsense'), 'an unreadable version is not taken as new enough');
});

test('the lockfile holds one version of each AWS SDK and Smithy package, the one package.json asks for', () => {
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { version?: string }> };
  const versions = new Map<string, Set<string>>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    const at = path.lastIndexOf('node_modules/');
    if (at < 0 || !entry.version) continue;
    const name = path.slice(at + 'node_modules/'.length);
    if (!/^@(aws-sdk|smithy|aws-crypto)\//.test(name)) continue;
    if (!versions.has(name)) versions.set(name, new Set());
    versions.get(name)!.add(entry.version);
  }
  assert.ok(versions.size >= 20, `the SDK is in the lockfile (${versions.size} packages)`);
  const twice = [...versions].filter(([, v]) => v.size > 1).map(([n, v]) => `${n}: ${[...v].join(', ')}`);
  assert.deepEqual(twice, [], 'no AWS SDK package is locked at two versions');
  for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
    if (!/^@(aws-sdk|smithy)\//.test(name)) continue;
    const locked = [...versions.get(name)!][0]!;
    assert.equal(range, `^${locked}`, `${name} asks for the version the lockfile holds (${locked})`);
  }
});

test('Dependabot updates the npm packages weekly, the AWS SDK as one group, and leaves the minimum typings alone', () => {
  const config = parse(read('.github/dependabot.yml')) as {
    version: number;
    updates: Array<{ 'package-ecosystem': string; groups?: Record<string, { patterns?: string[] }>; ignore?: Array<{ 'dependency-name': string }> }>;
  };
  assert.equal(config.version, 2);
  const npm = config.updates.find((u) => u['package-ecosystem'] === 'npm');
  assert.ok(npm, 'an npm entry');
  const sdk = Object.values(npm.groups ?? {}).find((g) => g.patterns?.includes('@aws-sdk/*'));
  assert.ok(sdk?.patterns?.includes('@smithy/*'), 'the SDK and its Smithy runtime update together');
  assert.ok(npm.ignore?.some((i) => i['dependency-name'] === '@types/vscode'), '@types/vscode follows engines.vscode by hand');
});
