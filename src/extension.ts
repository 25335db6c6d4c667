// Composition root: creates the logger, the views and the commands, and pushes every
// registration to context.subscriptions. Nothing heavy here: the AWS SDK and the engine's
// sources load on first use, so activation stays in the low milliseconds.
import * as vscode from 'vscode';
import { Commands, Views } from './constants';
import { createLogger, createOutputChannel } from './ui/logger';
import { SlowEndpointsTree } from './ui/slowEndpointsTree';
import { selectProfile, selectRegion } from './ui/awsSettingsCommands';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const channel = createOutputChannel();
  context.subscriptions.push(channel);
  const log = createLogger(channel, 'extension');

  const endpoints = new SlowEndpointsTree();
  context.subscriptions.push(
    endpoints,
    vscode.window.registerTreeDataProvider(Views.slowEndpoints, endpoints),
    vscode.commands.registerCommand(Commands.selectProfile, () => selectProfile(log.child('profile'))),
    vscode.commands.registerCommand(Commands.selectRegion, () => selectRegion(log.child('region'))),
    vscode.commands.registerCommand(Commands.showOutput, () => channel.show(true)),
  );

  const ms = performance.now() - started;
  log.info(`activated in ${ms.toFixed(1)} ms (version ${String(context.extension.packageJSON.version)})`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
