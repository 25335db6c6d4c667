// The "Slow Endpoints" view: routes ranked by p99 against their budget, with 504 counts.
// Empty until a source has produced endpoint stats; the view's welcome content shows then.
import * as vscode from 'vscode';
import type { EndpointStats } from '../core/report';

function risk(e: EndpointStats): number {
  return e.budgetMs > 0 ? e.p99Ms / e.budgetMs : 0;
}

export class SlowEndpointsTree implements vscode.TreeDataProvider<EndpointStats>, vscode.Disposable {
  private endpoints: EndpointStats[] = [];
  private readonly changed = new vscode.EventEmitter<EndpointStats | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  /** Replaces the shown endpoints (a complete snapshot, never a delta). */
  setEndpoints(endpoints: EndpointStats[]): void {
    this.endpoints = [...endpoints].sort((a, b) => risk(b) - risk(a) || b.timeouts - a.timeouts);
    this.changed.fire(undefined);
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
      e.timeouts > 0 ? 'error' : pct >= 80 ? 'warning' : 'pass',
      new vscode.ThemeColor(e.timeouts > 0 ? 'errorForeground' : pct >= 80 ? 'editorWarning.foreground' : 'testing.iconPassed'),
    );
    item.contextValue = 'endpoint';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
