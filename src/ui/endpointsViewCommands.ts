// The Slow Endpoints view's actions beyond a click: sort the routes (risk, 504s, p99, name) and
// filter them by the words their rows show (said in the view's description; a context key shows
// "Clear Filter" while one is set), and open a route's access-log query as a document.
import * as vscode from 'vscode';
import { ROUTE_ORDERS } from '../core/routeView';
import { ContextKeys } from '../constants';
import type { EndpointStats } from '../core/report';
import type { SlowEndpointsTree } from './slowEndpointsTree';
import type { ConnectionState } from './connection';
import { loadAwsBundle } from './awsBundle';
import { readConfig } from './config';

export async function sortEndpoints(tree: SlowEndpointsTree): Promise<void> {
  const items = ROUTE_ORDERS.map((o) => ({ label: o.label, detail: o.detail, order: o.order, picked: o.order === tree.sortOrder, description: o.order === tree.sortOrder ? '(current)' : '' }));
  const pick = await vscode.window.showQuickPick(items, { title: 'Timeout Lens: Sort Routes By', placeHolder: 'How the Slow Endpoints view orders the routes' });
  if (pick) tree.setOrder(pick.order);
}

export async function filterEndpoints(tree: SlowEndpointsTree, view: vscode.TreeView<unknown>): Promise<void> {
  const text = await vscode.window.showInputBox({
    title: 'Timeout Lens: Filter Routes',
    prompt: 'Show the routes whose API, stage, method or path contain every word (e.g. "reports", "post prod", "504"); empty shows all',
    value: tree.filterText,
  });
  if (text !== undefined) await applyFilter(tree, view, text);
}

export async function applyFilter(tree: SlowEndpointsTree, view: vscode.TreeView<unknown>, text: string): Promise<void> {
  tree.setFilter(text);
  view.description = tree.filterText ? `filter: ${tree.filterText}` : undefined;
  await vscode.commands.executeCommand('setContext', ContextKeys.endpointsFiltered, !!tree.filterText);
}

/** A route's Logs Insights query over its stage's access log, in a new document beside the view. */
export async function openAccessLogQuery(tree: SlowEndpointsTree, e: EndpointStats, conn: ConnectionState): Promise<void> {
  const found = tree.accessLogOf(e);
  if (!found) {
    void vscode.window.showInformationMessage(
      `Timeout Lens has no access log for ${e.api}/${e.stage}: its numbers came from a file or its stage writes no access log. Turn on access logging for the stage (API Gateway → Stages → Logs and tracing), then run Trace 504 again.`,
    );
    return;
  }
  const c = readConfig();
  const endpoint = conn.sampleEndpoint ?? c.endpoint;
  const cli = [...(c.profile && !conn.sampleEndpoint ? ['--profile', c.profile] : []), ...(conn.sampleEndpoint ? ['--region', 'us-east-1'] : c.region ? ['--region', c.region] : []), ...(endpoint ? ['--endpoint-url', endpoint] : [])];
  const text = loadAwsBundle().accessLogQuery({ api: e.api, stage: e.stage, method: e.method, route: e.route, group: found.log.group, kind: found.log.kind, ...(found.log.fields ? { fields: found.log.fields } : {}), startMs: found.window.startMs, endMs: found.window.endMs, cliConnection: cli });
  const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
  await vscode.window.showTextDocument(doc, { preview: false });
}
