// Extension-host tests: the extension as VS Code sees it, through the public `vscode` API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { describe, it, before } from 'mocha';
import { Commands, EXTENSION_ID, Settings, Views } from '../../src/constants';

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

  it('writes the region setting where the pickers write it', async () => {
    const c = vscode.workspace.getConfiguration(Settings.section);
    await c.update(Settings.region, 'eu-central-1', vscode.ConfigurationTarget.Global);
    assert.equal(vscode.workspace.getConfiguration(Settings.section).get(Settings.region), 'eu-central-1');
    await c.update(Settings.region, undefined, vscode.ConfigurationTarget.Global);
  });

  it('contributes the Slow Endpoints view in its own container', () => {
    const pkg = ext.packageJSON as { contributes: { views: Record<string, Array<{ id: string }>> } };
    assert.ok(pkg.contributes.views[Views.container]?.some((v) => v.id === Views.slowEndpoints));
  });
});
