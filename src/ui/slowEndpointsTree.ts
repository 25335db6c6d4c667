// The "Slow Endpoints" view: the account and Region the numbers come from → API and stage →
// routes ranked by p99 against their budget (or by 504s, p99 or name; narrowed by a filter), with
// 504 counts → the run's findings about the route, its traced requests, slowest first, and how
// many of its 504s X-Ray did not sample. A click on a route opens its worst request; on a request,
// that request. Ids are stable (account, API, route, trace id), so expansion and selection survive
// a refresh and Live Updates. Empty until a source has produced endpoint stats; the view's
// welcome content shows then.
import * as vscode from 'vscode';
import type { Trace } from '../core/model';
import type { FunctionRoute } from '../core/endpoints';
import type { EndpointStats, Finding, TraceReport } from '../core/report';
import { filterRoutes, findingsOfRoute, isRouteOrder, sortRoutes, type RouteOrder } from '../core/routeView';
import { VERDICT_SEVERITY } from '../core/report';
import { byRisk, endpointRisk as risk, endpointsOfTrace, routeIdKey } from '../core/endpoints';
import { sec } from '../core/duration';
import { THRESHOLDS } from '../core/thresholds';
import { Commands } from '../constants';
import { findingTooltipMarkdown, routeTooltipMarkdown } from './tooltipMarkdown';

/** A traced request, as the waterfall opens it. */
export interface TracedRequest {
  trace: Trace;
  report: TraceReport;
}

/** At most this many requests are listed under a route (the slowest). */
const MAX_REQUESTS_PER_ROUTE = 25;

export type EndpointNode =
  | { kind: 'account'; label: string }
  | { kind: 'api'; api: string; stage: string }
  | { kind: 'findings'; e: EndpointStats }
  | { kind: 'finding'; f: Finding; routeKey: string; index: number }
  | { kind: 'noMatch'; filter: string }
  | { kind: 'route'; e: EndpointStats }
  | { kind: 'request'; request: TracedRequest; routeKey: string }
  | { kind: 'untraced'; count: number; routeKey: string };

const apiKey = (api: string, stage: string): string => `${api}\u0000${stage}`;

/** What a run says beside its endpoints: where the numbers come from, and its findings. */
export interface RunContext {
  /** `the sample account · us-east-1`, `profile work · eu-west-1`. */
  account?: string;
  findings?: readonly Finding[];
  /** The stages' access logs the run read (for "Open the Access Log Query"), and its window. */
  accessLogs?: ReadonlyArray<AccessLogOfStage>;
  window?: { startMs: number; endMs: number };
}

/** One stage's access log, as a run read it. */
export interface AccessLogOfStage {
  api: string;
  stage: string;
  group: string;
  kind: 'rest' | 'http' | 'websocket' | undefined;
  fields?: { route: string[]; latency: string; status: string; trace?: string };
}

const ORDER_KEY = 'timeoutLens.slowEndpoints.order';

export class SlowEndpointsTree implements vscode.TreeDataProvider<EndpointNode>, vscode.Disposable {
  /** Every route of the last snapshot, riskiest first (what the code hints and Live Updates read). */
  private endpoints: EndpointStats[] = [];
  /** The routes as shown: sorted by `order`, narrowed by `filter`. */
  private shown: EndpointStats[] = [];
  private order: RouteOrder = 'risk';
  private filter = '';
  private account: string | undefined;
  private findings: readonly Finding[] = [];
  private routes: readonly FunctionRoute[] = [];
  private accessLogs: ReadonlyArray<AccessLogOfStage> = [];
  private window: { startMs: number; endMs: number } | undefined;
  /** The traced requests of each route (by `routeIdKey`), slowest first. */
  private requests = new Map<string, TracedRequest[]>();
  private readonly changed = new vscode.EventEmitter<EndpointNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly set = new vscode.EventEmitter<readonly EndpointStats[]>();
  /** Fires with each new snapshot (the code hints take Live Updates' numbers from it). */
  readonly onDidSetEndpoints = this.set.event;

  constructor(private readonly state?: vscode.Memento) {
    const saved = state?.get<unknown>(ORDER_KEY);
    if (isRouteOrder(saved)) this.order = saved;
  }

  /** Replaces the shown endpoints (a complete snapshot, never a delta); the requests already traced stay. */
  setEndpoints(endpoints: EndpointStats[]): void {
    this.endpoints = [...endpoints].sort(byRisk);
    this.reshape();
    this.set.fire(this.endpoints);
  }

  /** How the routes are ordered (kept for the workspace). */
  get sortOrder(): RouteOrder {
    return this.order;
  }

  setOrder(order: RouteOrder): void {
    this.order = order;
    void this.state?.update(ORDER_KEY, order);
    this.reshape();
  }

  /** The words every shown route must contain; '' shows them all. */
  get filterText(): string {
    return this.filter;
  }

  setFilter(filter: string): void {
    this.filter = filter.trim().slice(0, 200);
    this.reshape();
  }

  private reshape(): void {
    this.shown = filterRoutes(sortRoutes(this.endpoints, this.order), this.filter);
    this.changed.fire(undefined);
  }

  /**
   * A run's endpoints and its traced requests: each request goes under the route it counts
   * towards (by its URL, or by the account's routes to its function for an HTTP API's).
   */
  setRun(endpoints: EndpointStats[], requests: readonly TracedRequest[], routes: readonly FunctionRoute[] = [], context: RunContext = {}): void {
    this.account = context.account;
    this.findings = context.findings ?? [];
    this.accessLogs = context.accessLogs ?? [];
    this.window = context.window;
    this.routes = routes;
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
    if (node.kind === 'api') return this.account ? { kind: 'account', label: this.account } : undefined;
    if (node.kind === 'account' || node.kind === 'noMatch') return undefined;
    if (node.kind === 'findings') return { kind: 'route', e: node.e };
    if (node.kind === 'finding') {
      const e = this.endpoints.find((x) => routeIdKey(x) === node.routeKey);
      return e ? { kind: 'findings', e } : undefined;
    }
    const e = this.endpoints.find((x) => routeIdKey(x) === node.routeKey);
    return e ? { kind: 'route', e } : undefined;
  }

  getChildren(node?: EndpointNode): EndpointNode[] {
    if (!node) {
      if (!this.endpoints.length) return [];
      // A filter that hides every route says so (an empty view would show the welcome content).
      if (!this.shown.length) return [{ kind: 'noMatch', filter: this.filter }];
      return this.account ? [{ kind: 'account', label: this.account }] : this.apiNodes();
    }
    if (node.kind === 'account') return this.apiNodes();
    if (node.kind === 'api') return this.shown.filter((e) => e.api === node.api && e.stage === node.stage).map((e) => ({ kind: 'route', e }));
    if (node.kind === 'findings') {
      const key = routeIdKey(node.e);
      return findingsOfRoute(this.findings, node.e, this.routes).map((f, index) => ({ kind: 'finding', f, routeKey: key, index }));
    }
    if (node.kind !== 'route') return [];
    const key = routeIdKey(node.e);
    const traced = this.requests.get(key) ?? [];
    // What the run found about the route (one row, expanded on demand), then its requests.
    const out: EndpointNode[] = findingsOfRoute(this.findings, node.e, this.routes).length ? [{ kind: 'findings', e: node.e }] : [];
    out.push(...traced.slice(0, MAX_REQUESTS_PER_ROUTE).map((request): EndpointNode => ({ kind: 'request', request, routeKey: key })));
    const tracedTimeouts = traced.filter((r) => r.report.verdict === 'timeout').length;
    if (node.e.timeouts > tracedTimeouts) out.push({ kind: 'untraced', count: node.e.timeouts - tracedTimeouts, routeKey: key });
    return out;
  }

  /** One node per API and stage, in the order of their first shown route. */
  private apiNodes(): EndpointNode[] {
    const seen = new Map<string, EndpointNode>();
    for (const e of this.shown) if (!seen.has(apiKey(e.api, e.stage))) seen.set(apiKey(e.api, e.stage), { kind: 'api', api: e.api, stage: e.stage });
    return [...seen.values()];
  }

  /** The access log a route's requests are in, and the window the run read. */
  accessLogOf(e: EndpointStats): { log: AccessLogOfStage; window: { startMs: number; endMs: number } } | undefined {
    const log = this.accessLogs.find((a) => a.api === e.api && a.stage === e.stage) ?? (this.accessLogs.length === 1 ? this.accessLogs[0] : undefined);
    return log && this.window ? { log, window: this.window } : undefined;
  }

  /** A finding as text, for the clipboard. */
  static findingText(f: Finding): string {
    return `${f.title}\n${f.detail}\nFix: ${f.fix}`;
  }

  /** A route's numbers as text, for the clipboard. */
  static routeStats(e: EndpointStats): string {
    return `${e.api}/${e.stage} ${e.method} ${e.route}: ${e.count} requests · p50 ${e.p50Ms} ms · p95 ${e.p95Ms} ms · p99 ${e.p99Ms} ms · max ${e.maxMs} ms · budget ${e.budgetMs} ms · ${e.timeouts} × 504 · ${e.errors5xx} × 5xx · ${e.coldStarts} cold starts`;
  }

  getTreeItem(node: EndpointNode): vscode.TreeItem {
    switch (node.kind) {
      case 'account':
        return this.accountItem(node.label);
      case 'noMatch':
        return this.noMatchItem(node.filter);
      case 'findings':
        return this.findingsItem(node.e);
      case 'finding':
        return this.findingItem(node.f, node.routeKey, node.index);
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

  private accountItem(label: string): vscode.TreeItem {
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `account:${label}`;
    const apis = this.apiNodes().length;
    item.description = `${apis} API stage(s) · ${this.shown.length} route(s)${this.filter ? ` matching “${this.filter}”` : ''}`;
    item.tooltip = `The numbers below come from ${label}.`;
    item.iconPath = new vscode.ThemeIcon('cloud');
    item.contextValue = 'account';
    return item;
  }

  private noMatchItem(filter: string): vscode.TreeItem {
    const item = new vscode.TreeItem(`No route matches “${filter}”`, vscode.TreeItemCollapsibleState.None);
    item.id = 'noMatch';
    item.description = 'select to clear the filter';
    item.tooltip = `${this.endpoints.length} route(s) are hidden by the filter “${filter}”. Select this row (or use Clear Filter in the view's title) to show them all.`;
    item.iconPath = new vscode.ThemeIcon('filter');
    item.command = { command: Commands.clearEndpointsFilter, title: 'Clear Filter' };
    item.contextValue = 'noMatch';
    return item;
  }

  private findingsItem(e: EndpointStats): vscode.TreeItem {
    const list = findingsOfRoute(this.findings, e, this.routes);
    const item = new vscode.TreeItem(`${list.length} finding${list.length === 1 ? '' : 's'}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `findings:${routeIdKey(e)}`;
    item.description = list.map((f) => f.id).join(', ');
    item.tooltip = list.map((f) => `• ${f.title}`).join('\n');
    item.iconPath = new vscode.ThemeIcon('lightbulb');
    item.accessibilityInformation = { label: `${list.length} findings about ${e.method} ${e.route}: ${list.map((f) => f.title).join('; ')}`, role: 'treeitem' };
    item.contextValue = 'findings';
    return item;
  }

  private findingItem(f: Finding, routeKey: string, index: number): vscode.TreeItem {
    const item = new vscode.TreeItem(f.title, vscode.TreeItemCollapsibleState.None);
    item.id = `finding:${routeKey}\u0000${f.id}\u0000${index}`;
    item.description = `${f.severity} · ${f.id}`;
    item.tooltip = dataMarkdown(findingTooltipMarkdown(f));
    item.iconPath = new vscode.ThemeIcon(f.severity === 'high' ? 'error' : f.severity === 'elevated' ? 'warning' : 'info');
    item.accessibilityInformation = { label: `Finding, ${f.severity}: ${f.title}. ${f.detail} Fix: ${f.fix}`, role: 'treeitem' };
    item.contextValue = 'finding';
    return item;
  }

  private apiItem(node: { api: string; stage: string }): vscode.TreeItem {
    const item = new vscode.TreeItem(node.api, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `api:${apiKey(node.api, node.stage)}`;
    const routes = this.shown.filter((e) => e.api === node.api && e.stage === node.stage);
    const timeouts = routes.reduce((t, e) => t + e.timeouts, 0);
    item.description = `stage ${node.stage} · ${routes.length} route(s)${timeouts ? ` · ${timeouts}× 504` : ''}`;
    item.iconPath = new vscode.ThemeIcon('globe');
    item.contextValue = 'api';
    return item;
  }

  private routeItem(e: EndpointStats): vscode.TreeItem {
    const key = routeIdKey(e);
    const traced = this.requests.get(key) ?? [];
    const hasChildren = traced.length > 0 || e.timeouts > 0 || findingsOfRoute(this.findings, e, this.routes).length > 0;
    const item = new vscode.TreeItem(`${e.method} ${e.route}`, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `route:${key}`;
    const pct = Math.round(risk(e) * 100);
    item.description = `p99 ${(e.p99Ms / 1000).toFixed(1)} s · ${pct}% of ${(e.budgetMs / 1000).toFixed(0)} s${e.timeouts ? ` · ${e.timeouts}× 504` : ''}`;
    item.tooltip = dataMarkdown(routeTooltipMarkdown(e, traced.length));
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

/**
 * Markdown whose data parts are escaped (tooltipMarkdown.ts) and which trusts nothing: no command
 * link runs, no HTML renders, no `$(icon)` is read, whatever the text turned out to hold.
 */
function dataMarkdown(md: string): vscode.MarkdownString {
  const m = new vscode.MarkdownString(md, false);
  m.isTrusted = false;
  m.supportHtml = false;
  return m;
}
