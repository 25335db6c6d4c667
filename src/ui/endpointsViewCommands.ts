// The Slow Endpoints view's title actions: sort the routes (risk, 504s, p99, name) and filter
// them by the words their rows show. The filter is said in the view's description and a context
// key shows "Clear Filter" while one is set.
import * as vscode from 'vscode';
import { ROUTE_ORDERS } from '../core/routeView';
import { ContextKeys } from '../constants';
import type { SlowEndpointsTree } from './slowEndpointsTree';

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
