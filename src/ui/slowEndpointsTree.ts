// The "Slow Endpoints" view: routes ranked by p99 against their budget, with 504 counts.
// Empty until a source has produced endpoint stats; the view's welcome content shows then.
import * as vscode from 'vscode';
import type { EndpointStats } from '../core/report';
import { byRisk, endpointRisk as risk } from '../core/endpoints';
import { THRESHOLDS } from '../core/thresholds';

export class SlowEndpointsTree implements vscode.TreeDataProvider<EndpointStats>, vscode.Disposable {
  private endpoints: EndpointStats[] = [];
  private readonly changed = new vscode.EventEmitter<EndpointStats | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly set = new vscode.EventEmitter<readonly EndpointStats[]>();
  /** Fires with each new snapshot (the code hints take Live Updates' numbers from it). */
  readonly onDidSetEndpoints = this.set.event;

  /** Replaces the shown endpoints (a complete snapshot, never a delta). */
  setEndpoints(endpoints: EndpointStats[]): void {
    this.endpoints = [...endpoints].sort(byRisk);
    this.changed.fire(undefined);
    this.set.fire(this.endpoints);
  }

  getChildren(element?: EndpointStats): EndpointStats[] {
    return element ? [] : this.endpoints;
  }

  getTreeItem(e: EndpointStats): vscode.TreeItem {
    const item = new vscode.TreeItem(`${e.method} ${e.route}`, vscode.TreeItemCollapsibleState.None);
    const pct = Math.round(risk(e) * 100);
    item.description = `p99 ${(e.p99Ms / 1000).toFixed(1)} s · ${pct}% of ${(e.budgetMs / 1000).toFixed(0)} s${e.timeouts ? ` · ${e.timeouts}× 504` : ''}`;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${e.method} ${e.route}** — ${e.api}/${e.stage}`,
        '',
        `| | |`,
        `|---|---|`,
        `| requests | ${e.count} |`,
        `| p50 / p95 / p99 | ${e.p50Ms} / ${e.p95Ms} / ${e.p99Ms} ms |`,
        `| max | ${e.maxMs} ms |`,
        `| budget | ${e.budgetMs} ms |`,
        `| 504 timeouts | ${e.timeouts} |`,
        `| 5xx | ${e.errors5xx} |`,
        `| cold starts | ${e.coldStarts} |`,
      ].join('\n'),
    );
    item.iconPath = new vscode.ThemeIcon(
      e.timeouts > 0 ? 'error' : risk(e) >= THRESHOLDS.nearShareOfBudget ? 'warning' : 'pass',
      new vscode.ThemeColor(e.timeouts > 0 ? 'errorForeground' : risk(e) >= THRESHOLDS.nearShareOfBudget ? 'editorWarning.foreground' : 'testing.iconPassed'),
    );
    item.contextValue = 'endpoint';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    this.set.dispose();
  }
}
