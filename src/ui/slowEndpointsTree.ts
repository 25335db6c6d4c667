// The "Slow Endpoints" view: API and stage → routes ranked by p99 against their budget, with 504
// counts → the route's traced requests, slowest first, and how many of its 504s X-Ray did not
// sample. A click on a route opens its worst request; on a request, that request. Ids are stable
// (API, route, trace id), so expansion and selection survive a refresh and Live Updates.
// Empty until a source has produced endpoint stats; the view's welcome content shows then.
import * as vscode from 'vscode';
import type { Trace } from '../core/model';
import type { FunctionRoute } from '../core/endpoints';
import type { EndpointStats, TraceReport } from '../core/report';
import { VERDICT_SEVERITY } from '../core/report';
import { byRisk, endpointRisk as risk, endpointsOfTrace, routeIdKey } from '../core/endpoints';
import { sec } from '../core/duration';
import { THRESHOLDS } from '../core/thresholds';
import { Commands } from '../constants';

/** A traced request, as the waterfall opens it. */
export interface TracedRequest {
  trace: Trace;
  report: TraceReport;
}

/** At most this many requests are listed under a route (the slowest). */
const MAX_REQUESTS_PER_ROUTE = 25;

export type EndpointNode =
  | { kind: 'api'; api: string; stage: string }
  | { kind: 'route'; e: EndpointStats }
  | { kind: 'request'; request: TracedRequest; routeKey: string }
  | { kind: 'untraced'; count: number; routeKey: string };

const apiKey = (api: string, stage: string): string => `${api}\u0000${stage}`;

export class SlowEndpointsTree implements vscode.TreeDataProvider<EndpointNode>, vscode.Disposable {
  private endpoints: EndpointStats[] = [];
  /** The traced requests of each route (by `routeIdKey`), slowest first. */
  private requests = new Map<string, TracedRequest[]>();
  private readonly changed = new vscode.EventEmitter<EndpointNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly set = new vscode.EventEmitter<readonly EndpointStats[]>();
  /** Fires with each new snapshot (the code hints take Live Updates' numbers from it). */
  readonly onDidSetEndpoints = this.set.event;

  /** Replaces the shown endpoints (a complete snapshot, never a delta); the requests already traced stay. */
  setEndpoints(endpoints: EndpointStats[]): void {
    this.endpoints = [...endpoints].sort(byRisk);
    this.changed.fire(undefined);
    this.set.fire(this.endpoints);
  }

  /**
   * A run's endpoints and its traced requests: each request goes under the route it counts
   * towards (by its URL, or by the account's routes to its function for an HTTP API's).
   */
  setRun(endpoints: EndpointStats[], requests: readonly TracedRequest[], routes: readonly FunctionRoute[] = []): void {
    const byRoute = new Map<string, TracedRequest[]>();
    for (const r of requests) {
      const fn = r.trace.spans.find((s) => s.kind === 'function')?.name ?? r.trace.spans.find((s) => s.kind === 'lambda-service')?.name;
      for (const e of endpointsOfTrace(r.report, fn, endpoints, routes).slice(0, 1)) {
        const key = routeIdKey(e);
        byRoute.set(key, [...(byRoute.get(key) ?? []), r]);
      }
    }
    for (const list of byRoute.values()) {
      list.sort((a, b) => VERDICT_SEVERITY[b.report.verdict] - VERDICT_SEVERITY[a.report.verdict] || b.report.totalMs - a.report.totalMs);
    }
    this.requests = byRoute;
    this.setEndpoints(endpoints);
  }

  /** A traced request by its trace id, with the other requests of its route (for the waterfall's list). */
  request(traceId: string): { request: TracedRequest; others: TracedRequest[] } | undefined {
    for (const list of this.requests.values()) {
      const request = list.find((r) => r.report.traceId === traceId);
      if (request) return { request, others: list };
    }
    return undefined;
  }

  getParent(node: EndpointNode): EndpointNode | undefined {
    if (node.kind === 'route') return { kind: 'api', api: node.e.api, stage: node.e.stage };
    if (node.kind === 'api') return undefined;
    const e = this.endpoints.find((x) => routeIdKey(x) === node.routeKey);
    return e ? { kind: 'route', e } : undefined;
  }

  getChildren(node?: EndpointNode): EndpointNode[] {
    if (!node) {
      // One node per API and stage, in the order of their riskiest route.
      const seen = new Map<string, EndpointNode>();
      for (const e of this.endpoints) if (!seen.has(apiKey(e.api, e.stage))) seen.set(apiKey(e.api, e.stage), { kind: 'api', api: e.api, stage: e.stage });
      return [...seen.values()];
    }
    if (node.kind === 'api') return this.endpoints.filter((e) => e.api === node.api && e.stage === node.stage).map((e) => ({ kind: 'route', e }));
    if (node.kind !== 'route') return [];
    const key = routeIdKey(node.e);
    const traced = this.requests.get(key) ?? [];
    const out: EndpointNode[] = traced.slice(0, MAX_REQUESTS_PER_ROUTE).map((request) => ({ kind: 'request', request, routeKey: key }));
    const tracedTimeouts = traced.filter((r) => r.report.verdict === 'timeout').length;
    if (node.e.timeouts > tracedTimeouts) out.push({ kind: 'untraced', count: node.e.timeouts - tracedTimeouts, routeKey: key });
    return out;
  }

  /** A route's numbers as text, for the clipboard. */
  static routeStats(e: EndpointStats): string {
    return `${e.api}/${e.stage} ${e.method} ${e.route}: ${e.count} requests · p50 ${e.p50Ms} ms · p95 ${e.p95Ms} ms · p99 ${e.p99Ms} ms · max ${e.maxMs} ms · budget ${e.budgetMs} ms · ${e.timeouts} × 504 · ${e.errors5xx} × 5xx · ${e.coldStarts} cold starts`;
  }

  getTreeItem(node: EndpointNode): vscode.TreeItem {
    switch (node.kind) {
      case 'api':
        return this.apiItem(node);
      case 'route':
        return this.routeItem(node.e);
      case 'request':
        return this.requestItem(node.request, node.routeKey);
      case 'untraced':
        return this.untracedItem(node.count, node.routeKey);
    }
  }

  private apiItem(node: { api: string; stage: string }): vscode.TreeItem {
    const item = new vscode.TreeItem(node.api, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `api:${apiKey(node.api, node.stage)}`;
    const routes = this.endpoints.filter((e) => e.api === node.api && e.stage === node.stage);
    const timeouts = routes.reduce((t, e) => t + e.timeouts, 0);
    item.description = `stage ${node.stage} · ${routes.length} route(s)${timeouts ? ` · ${timeouts}× 504` : ''}`;
    item.iconPath = new vscode.ThemeIcon('globe');
    item.contextValue = 'api';
    return item;
  }

  private routeItem(e: EndpointStats): vscode.TreeItem {
    const key = routeIdKey(e);
    const traced = this.requests.get(key) ?? [];
    const hasChildren = traced.length > 0 || e.timeouts > 0;
    const item = new vscode.TreeItem(`${e.method} ${e.route}`, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `route:${key}`;
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
        '',
        traced.length ? `Click to open its worst traced request; expand for the ${traced.length} traced.` : 'No request of this route was traced in this run.',
      ].join('\n'),
    );
    item.iconPath = new vscode.ThemeIcon(
      e.timeouts > 0 ? 'error' : risk(e) >= THRESHOLDS.nearShareOfBudget ? 'warning' : 'pass',
      new vscode.ThemeColor(e.timeouts > 0 ? 'errorForeground' : risk(e) >= THRESHOLDS.nearShareOfBudget ? 'editorWarning.foreground' : 'testing.iconPassed'),
    );
    item.accessibilityInformation = { label: `${e.method} ${e.route}, ${item.description}`, role: 'treeitem' };
    const worst = traced[0];
    if (worst) item.command = { command: Commands.openTracedRequest, title: 'Open the worst request', arguments: [worst.report.traceId] };
    item.contextValue = 'endpoint';
    return item;
  }

  private requestItem(r: TracedRequest, routeKey: string): vscode.TreeItem {
    const rep = r.report;
    const status = rep.entry.status ?? '–';
    // When it came first: the requests of a route often share status and time.
    const when = rep.startTimeMs !== undefined ? new Date(rep.startTimeMs).toLocaleTimeString() : undefined;
    const item = new vscode.TreeItem(`${status} · ${sec(rep.totalMs)}${when ? ` · ${when}` : ''}`, vscode.TreeItemCollapsibleState.None);
    item.id = `request:${routeKey}\u0000${rep.traceId}`;
    item.description = [rep.verdict === 'timeout' ? 'timed out' : rep.verdict, rep.breakdown.coldStartMs ? `cold start ${sec(rep.breakdown.coldStartMs)}` : ''].filter(Boolean).join(' · ');
    item.tooltip = `${rep.traceId}\n${rep.entry.method ?? ''} ${rep.entry.url ?? rep.entry.name}`.trim();
    item.iconPath = new vscode.ThemeIcon(rep.verdict === 'timeout' || rep.verdict === 'error' ? 'error' : rep.verdict === 'near' ? 'warning' : 'pass');
    item.command = { command: Commands.openTracedRequest, title: 'Open in the waterfall', arguments: [rep.traceId] };
    item.contextValue = 'request';
    return item;
  }

  private untracedItem(count: number, routeKey: string): vscode.TreeItem {
    const item = new vscode.TreeItem(`${count} 504(s) without a trace`, vscode.TreeItemCollapsibleState.None);
    item.id = `untraced:${routeKey}`;
    item.tooltip =
      'The access log counts every request; X-Ray samples about 1 request per second plus 5% of the rest, so these 504s have no trace. ' +
      'A sampling rule with a higher fixed rate for this route traces more of them.';
    item.iconPath = new vscode.ThemeIcon('eye-closed');
    item.contextValue = 'untraced';
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    this.set.dispose();
  }
}
