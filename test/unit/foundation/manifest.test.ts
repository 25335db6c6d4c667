// package.json and src/constants.ts must agree: every contributed id is one the code knows,
// and the manifest keeps the rules of the foundation (implicit activation, engine, bundles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Colors, Commands, Settings, Views } from '../../../src/constants';

interface Manifest {
  name: string;
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  bin: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsWelcome: Array<{ view: string; contents: string }>;
    configuration: { properties: Record<string, unknown> };
    colors: Array<{ id: string; defaults: Record<string, string> }>;
  };
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

test('implicit activation only, and an engine the oldest tested VS Code (1.103.2) satisfies', () => {
  assert.ok(!pkg.activationEvents.includes('*'));
  assert.match(pkg.engines.vscode, /^\^1\.(\d|[1-9]\d|10[0-3])\.\d+$/);
  assert.equal(pkg.main, './dist/extension.js');
  assert.equal(pkg.bin['timeout-lens'], 'dist/cli.js');
});

test('every contributed command is a known id with a "Timeout Lens" category', () => {
  const known = new Set<string>(Object.values(Commands));
  for (const c of pkg.contributes.commands) {
    assert.ok(known.has(c.command), `${c.command} is in src/constants.ts`);
    assert.equal(c.category, 'Timeout Lens');
  }
});

test('the welcome content links only to contributed commands', () => {
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  for (const w of pkg.contributes.viewsWelcome) {
    assert.equal(w.view, Views.slowEndpoints);
    for (const m of w.contents.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(contributed.has(m[1]!), `${m[1]} is contributed`);
  }
});

test('settings and colors match the constants, with light, dark and high-contrast defaults', () => {
  const props = Object.keys(pkg.contributes.configuration.properties);
  for (const key of [Settings.profile, Settings.region, Settings.endpoint, Settings.budgetMs, Settings.traceWindowMinutes, Settings.maxTraces]) {
    assert.ok(props.includes(`${Settings.section}.${key}`), `setting ${key}`);
  }
  const colors = new Map(pkg.contributes.colors.map((c) => [c.id, c.defaults]));
  for (const id of Object.values(Colors)) {
    const d = colors.get(id);
    assert.ok(d, `color ${id}`);
    for (const k of ['light', 'dark', 'highContrast']) assert.match(d[k] ?? '', /^#[0-9A-Fa-f]{6}$/, `${id}.${k}`);
  }
});
