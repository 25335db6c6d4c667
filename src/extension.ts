// Composition root: creates the logger, the views and the commands, and pushes every
// registration to context.subscriptions. Nothing heavy here: the AWS SDK loads on first use
// (dist/aws.js), so activation stays in the low milliseconds.
import * as vscode from 'vscode';
import { Commands, Views } from './constants';
import { createLogger, createOutputChannel, type Logger } from './ui/logger';
import { SlowEndpointsTree } from './ui/slowEndpointsTree';
import { selectProfile, selectRegion } from './ui/awsSettingsCommands';
import { loadTraceFiles, pathsOfRestoreKey, pickTraceFiles, reportSkipped } from './ui/openTraceFile';
import { registerWaterfallSerializer, showWaterfall, type WaterfallHooks } from './ui/waterfallPanel';
import { ConnectionState } from './ui/connection';
import { runTrace504 } from './ui/trace504Command';
import { RequestLogDocuments, openRequestLogs } from './ui/openLogs';
import { LiveUpdates } from './ui/liveUpdates';

async function openTraceFiles(
  context: vscode.ExtensionContext,
  log: Logger,
  hooks: WaterfallHooks,
  endpoints: SlowEndpointsTree,
  arg?: vscode.Uri | string,
  all?: vscode.Uri[],
): Promise<void> {
  const paths = all?.length ? all.map((u) => u.fsPath) : arg instanceof vscode.Uri ? [arg.fsPath] : typeof arg === 'string' ? [arg] : await pickTraceFiles();
  if (!paths?.length) return;
  const loaded = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Timeout Lens: reading traces…' },
    () => loadTraceFiles(paths),
  );
  log.info(`read ${loaded.files.map((f) => `${f.path} (${f.kind})`).join(', ') || 'nothing'}: ${loaded.report.traces.length} trace(s)`);
  if (loaded.report.endpoints.length) endpoints.setEndpoints(loaded.report.endpoints);
  reportSkipped(loaded.report, log);
  if (loaded.input) showWaterfall(context, loaded.input, hooks);
  else if (!loaded.report.errors.length) void vscode.window.showInformationMessage('Timeout Lens found no traces in the chosen file(s).');
}

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const channel = createOutputChannel();
  context.subscriptions.push(channel);
  const log = createLogger(channel, 'extension');
  const hooks: WaterfallHooks = { log: log.child('waterfall') };

  const endpoints = new SlowEndpointsTree();
  const connection = new ConnectionState(log.child('connection'), log.child('aws'));
  const endpointsView = vscode.window.createTreeView(Views.slowEndpoints, { treeDataProvider: endpoints });
  const live = new LiveUpdates(endpointsView, endpoints, connection, log.child('live'));
  const logDocs = new RequestLogDocuments();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(RequestLogDocuments.scheme, logDocs));
  hooks.openLogs = (m) => openRequestLogs(m, connection, logDocs, log.child('logs'));
  context.subscriptions.push(
    endpoints,
    endpointsView,
    live,
    connection,
    vscode.commands.registerCommand(Commands.selectProfile, () => selectProfile(log.child('profile'))),
    vscode.commands.registerCommand(Commands.selectRegion, () => selectRegion(log.child('region'))),
    vscode.commands.registerCommand(Commands.showOutput, () => channel.show(true)),
    vscode.commands.registerCommand(Commands.trace504, (preset?: { api?: string; functionName?: string; minutes?: number }) =>
      runTrace504(context, connection, endpoints, hooks, log.child('trace504'), preset, live),
    ),
    vscode.commands.registerCommand(Commands.toggleLiveUpdates, () => live.toggle()),
    vscode.commands.registerCommand(Commands.trySampleAccount, async () => {
      try {
        const endpoint = await connection.startSample();
        void vscode.window.showInformationMessage(
          `The sample account is running at ${endpoint}: a living orders-api whose POST /reports times out at 29 s. Trace 504 now reads from it.`,
        );
        await runTrace504(context, connection, endpoints, hooks, log.child('trace504'), { api: 'orders-api', minutes: 60 }, live);
      } catch (e) {
        const m = e instanceof Error ? e.message : String(e);
        log.error(`sample account: ${m}`);
        void vscode.window.showErrorMessage(`Timeout Lens could not start the sample account: ${m}`);
      }
    }),
    vscode.commands.registerCommand(Commands.openTraceFile, (arg?: vscode.Uri | string, all?: vscode.Uri[]) =>
      openTraceFiles(context, log.child('open'), hooks, endpoints, arg, all),
    ),
  );
  registerWaterfallSerializer(
    context,
    async (key, traceId) => {
      const paths = pathsOfRestoreKey(key);
      return paths ? (await loadTraceFiles(paths, traceId)).input : undefined;
    },
    hooks,
  );

  const ms = performance.now() - started;
  log.info(`activated in ${ms.toFixed(1)} ms (version ${String(context.extension.packageJSON.version)})`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
