// Extension-host tests: the extension as VS Code sees it, through the public `vscode` API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe, it, before } from 'mocha';
import { Commands, EXTENSION_ID, Settings, Views } from '../../src/constants';
import { AWS_REGIONS } from '../../src/aws/regions';

/** Polls `fn` until it gives a value (the quick pick opens, a setting is written), at most 10 s. */
async function waitUntil<T>(fn: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
  }
}

interface ManifestCommand {
  command: string;
  title: string;
}

describe('Timeout Lens in the extension host', () => {
  let ext: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `extension ${EXTENSION_ID} is installed`);
    ext = found;
    await ext.activate();
  });

  it('activates', () => {
    assert.equal(ext.isActive, true);
  });

  it('registers every command it contributes', async () => {
    const contributed = (ext.packageJSON as { contributes: { commands: ManifestCommand[] } }).contributes.commands.map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
    assert.ok(contributed.includes(Commands.selectProfile));
  });

  it('reads its settings with their defaults', () => {
    const c = vscode.workspace.getConfiguration(Settings.section);
    assert.equal(c.get(Settings.traceWindowMinutes), 60);
    assert.equal(c.get(Settings.maxTraces), 50);
    assert.equal(c.get(Settings.profile), '');
    assert.equal(c.get(Settings.budgetMs), null);
  });

  it('Select Region: the picker, driven by its keys, writes the chosen Region', async () => {
    const c = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(Settings.section);
    await c().update(Settings.region, undefined, vscode.ConfigurationTarget.Global);
    const done = vscode.commands.executeCommand(Commands.selectRegion);
    // The picker opens on the first Region (no API tells when it is shown: give it a moment);
    // one step down is the second, then Enter.
    await new Promise((r) => setTimeout(r, 1_000));
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await done;
    const chosen = await waitUntil(() => c().get<string>(Settings.region) || undefined);
    assert.equal(chosen, AWS_REGIONS[1]!.id);
    await c().update(Settings.region, undefined, vscode.ConfigurationTarget.Global);
  });

  it('contributes the Slow Endpoints view in its own container', () => {
    const pkg = ext.packageJSON as { contributes: { views: Record<string, Array<{ id: string }>> } };
    assert.ok(pkg.contributes.views[Views.container]?.some((v) => v.id === Views.slowEndpoints));
  });
});
