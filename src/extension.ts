// Composition root: creates the logger, the views and the commands, and pushes every
// registration to context.subscriptions. Nothing heavy here: the AWS SDK loads on first use
// (dist/aws.js), so activation stays in the low milliseconds.
import * as vscode from 'vscode';
import { Commands, Views } from './constants';
import { createLogger, createOutputChannel } from './ui/logger';
import { SlowEndpointsTree, type EndpointNode } from './ui/slowEndpointsTree';
import { applyFilter, filterEndpoints, openAccessLogQuery, sortEndpoints } from './ui/endpointsViewCommands';
import { selectProfile, selectRegion } from './ui/awsSettingsCommands';
import { loadTraceFiles, openTraceFiles } from './ui/openTraceFile';
import { RestoreKeys } from './ui/restoreKeys';
import { WaterfallPanels } from './ui/waterfallPanel';
import { ConnectionState } from './ui/connection';
import { EndpointConsent } from './ui/endpointConsent';
import { forgetAllowedEndpoints } from './ui/forgetEndpoints';
import { runTrace504, type Trace504Preset } from './ui/trace504Command';
import { RequestLogDocuments, openRequestLogs } from './ui/openLogs';
import { LiveUpdates } from './ui/liveUpdates';
import { ConnectionStatusBar } from './ui/statusBar';
import type { Services } from './ui/services';
import { EvidenceStore } from './ui/code/evidenceStore';
import { CodeHintsController } from './ui/code/codeHintsController';

export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  const channel = createOutputChannel();
  context.subscriptions.push(channel);
  // Read-only log documents: a request's Lambda logs, and the log of one run a message offers.
  const logDocs = new RequestLogDocuments();
  const log = createLogger(channel, 'extension', logDocs);

  const endpoints = new SlowEndpointsTree(context.workspaceState);
  // The endpoints the user allowed live in global state: a workspace cannot allow one itself.
  const consent = new EndpointConsent(context.globalState);
  const connection = new ConnectionState(log.child('connection'), consent, log.child('aws'));
  const endpointsView = vscode.window.createTreeView(Views.slowEndpoints, { treeDataProvider: endpoints, showCollapseAll: true });
  const live = new LiveUpdates(endpointsView, endpoints, connection, log.child('live'));
  const evidence = new EvidenceStore(context.workspaceState);
  // The code hints open waterfalls, and the waterfall asks them where a call is in the code.
  const code = new CodeHintsController(context, evidence, (input) => waterfalls.show(input), connection, log.child('code'));
  const waterfalls = new WaterfallPanels(context, {
    log: log.child('waterfall'),
    openLogs: (m) => openRequestLogs(m, connection, logDocs, log.child('logs')),
    callSiteOf: (span, fn) => code.hints.callSiteOf(span, fn),
  });
  // What a restored panel may reopen: only files the user opened here, by an id the webview cannot forge.
  const restoreKeys = new RestoreKeys(context.workspaceState);
  const services: Services = { context, log, connection, endpoints, live, waterfalls, evidence, restoreKeys, handlerOf: (fn) => code.hints.handlerOf(fn) };
  context.subscriptions.push(
    evidence,
    endpoints.onDidSetEndpoints((e) => evidence.updateEndpoints(e)),
    code,
    endpoints,
    endpointsView,
    live,
    connection,
    new ConnectionStatusBar(connection, live, log.child('status')),
    waterfalls,
    vscode.workspace.registerTextDocumentContentProvider(RequestLogDocuments.scheme, logDocs),
    vscode.commands.registerCommand(Commands.selectProfile, () => selectProfile(log.child('profile'))),
    vscode.commands.registerCommand(Commands.selectRegion, () => selectRegion(log.child('region'))),
    vscode.commands.registerCommand(Commands.showOutput, () => channel.show(true)),
    vscode.commands.registerCommand(Commands.forgetAllowedEndpoints, () => forgetAllowedEndpoints(consent, log.child('connection'))),
    vscode.commands.registerCommand(Commands.trace504, (preset?: Trace504Preset) => runTrace504(services, preset)),
    vscode.commands.registerCommand(Commands.toggleLiveUpdates, () => live.toggle()),
    vscode.commands.registerCommand(Commands.openTracedRequest, (traceId?: string) => {
      const found = typeof traceId === 'string' ? endpoints.request(traceId) : undefined;
      if (found) waterfalls.show({ ...found.request, others: found.others });
    }),
    vscode.commands.registerCommand(Commands.traceApi, (node?: EndpointNode) => {
      const api = node?.kind === 'api' ? node.api : node?.kind === 'route' ? node.e.api : undefined;
      return runTrace504(services, api ? { api } : undefined);
    }),
    vscode.commands.registerCommand(Commands.copyRouteStats, (node?: EndpointNode) => (node?.kind === 'route' ? copy(SlowEndpointsTree.routeStats(node.e), 'route statistics') : undefined)),
    vscode.commands.registerCommand(Commands.copyFinding, (node?: EndpointNode) => (node?.kind === 'finding' ? copy(SlowEndpointsTree.findingText(node.f), 'finding') : undefined)),
    vscode.commands.registerCommand(Commands.openAccessLogQuery, (node?: EndpointNode) => (node?.kind === 'route' ? openAccessLogQuery(endpoints, node.e, connection) : undefined)),
    vscode.commands.registerCommand(Commands.sortEndpoints, () => sortEndpoints(endpoints)),
    vscode.commands.registerCommand(Commands.filterEndpoints, () => filterEndpoints(endpoints, endpointsView)),
    vscode.commands.registerCommand(Commands.clearEndpointsFilter, () => applyFilter(endpoints, endpointsView, '')),
    vscode.commands.registerCommand(Commands.trySampleAccount, async () => {
      try {
        const endpoint = await connection.startSample();
        void vscode.window.showInformationMessage(
          `The sample account is running at ${endpoint}: a living orders-api whose POST /reports times out at 29 s. Trace 504 now reads from it.`,
        );
        await runTrace504(services, { api: 'orders-api', minutes: 60 });
      } catch (e) {
        const m = e instanceof Error ? e.message : String(e);
        log.error(`sample account: ${m}`);
        void vscode.window.showErrorMessage(`Timeout Lens could not start the sample account: ${m}`);
      }
    }),
    vscode.commands.registerCommand(Commands.openTraceFile, (arg?: vscode.Uri | string, all?: vscode.Uri[]) => openTraceFiles(services, arg, all)),
    waterfalls.registerSerializer(async (key, traceId) => {
      const paths = restoreKeys.pathsOf(key);
      return paths ? (await loadTraceFiles(paths, traceId, key)).input : undefined;
    }),
  );

  const ms = performance.now() - started;
  log.info(`activated in ${ms.toFixed(1)} ms (version ${String(context.extension.packageJSON.version)})`);
}

/** Puts a tree item's text on the clipboard and says so in the status bar. */
async function copy(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.setStatusBarMessage(`Timeout Lens: ${what} copied`, 3000);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
