// Per-route statistics over access-log records, in one pass and bounded memory per route:
// latencies are integer milliseconds, so a counting histogram (dense to DENSE_LIMIT_MS, sparse
// above) gives exact nearest-rank percentiles however many requests stream through.
import type { AccessLogRecord, FrontDoorKind } from './model';
import type { EndpointStats, TraceReport } from './report';
import { budgetFor, REST_API_DEFAULT_BUDGET_MS, type BudgetOptions } from './budget';
import { THRESHOLDS } from './thresholds';

const DENSE_LIMIT_MS = 65_536;
const EMPTY = new Uint32Array(0);

/**
 * A route's values are counted in a map until it has this many: the dense array (256 KB) is
 * for the routes that carry the traffic, and a log of 100 000 routes hit once each must not ask
 * for 25 GB.
 */
const DENSE_AFTER = 1024;

/** Exact nearest-rank percentiles of integer values, in bounded memory. */
export class LatencyHistogram {
  /** Counts of the values under DENSE_LIMIT_MS, once there are DENSE_AFTER values; until then all are in `sparse`. */
  private dense: Uint32Array | null = null;
  private readonly sparse = new Map<number, number>();
  count = 0;
  max = 0;

  add(ms: number): void {
    const v = Math.max(0, Math.round(ms));
    if (this.dense !== null && v < DENSE_LIMIT_MS) this.dense[v]!++;
    else this.sparse.set(v, (this.sparse.get(v) ?? 0) + 1);
    this.count++;
    if (v > this.max) this.max = v;
    if (this.dense === null && this.count >= DENSE_AFTER) this.densify();
  }

  private densify(): void {
    const dense = new Uint32Array(DENSE_LIMIT_MS);
    for (const [v, c] of this.sparse) {
      if (v >= DENSE_LIMIT_MS) continue;
      dense[v] = c;
      this.sparse.delete(v);
    }
    this.dense = dense;
  }

  /** The values at nearest ranks ceil(p/100 × n) for each p (ascending ps). */
  percentiles(ps: number[]): number[] {
    const n = this.count;
    if (!n) return ps.map(() => 0);
    const ranks = ps.map((p) => Math.max(1, Math.ceil((p / 100) * n)));
    const out: number[] = [];
    let seen = 0;
    let k = 0;
    const dense = this.dense ?? EMPTY;
    for (let v = 0; v < dense.length && k < ranks.length; v++) {
      const c = dense[v]!;
      if (!c) continue;
      seen += c;
      while (k < ranks.length && seen >= ranks[k]!) {
        out.push(v);
        k++;
      }
    }
    if (k < ranks.length) {
      for (const v of [...this.sparse.keys()].sort((a, b) => a - b)) {
        seen += this.sparse.get(v)!;
        while (k < ranks.length && seen >= ranks[k]!) {
          out.push(v);
          k++;
        }
      }
    }
    return out;
  }

  /** How many values are at least `ms`. */
  countAtLeast(ms: number): number {
    const from = Math.max(0, Math.ceil(ms));
    let n = 0;
    const dense = this.dense ?? EMPTY;
    for (let v = from; v < dense.length; v++) n += dense[v]!;
    for (const [v, c] of this.sparse) if (v >= from) n += c;
    return n;
  }
}

interface RouteAcc {
  api: string;
  stage: string;
  method: string;
  route: string;
  /** What the record said (resourcePath → REST, routeKey → HTTP); undefined when it did not. */
  kind: FrontDoorKind | undefined;
  hist: LatencyHistogram;
}

/** The latency a record counts with: what the client waited, else the integration's. */
function latencyOf(r: AccessLogRecord): number | undefined {
  return r.responseLatencyMs ?? (r.integrationLatencyMs !== undefined && r.integrationLatencyMs >= 0 ? r.integrationLatencyMs : undefined);
}

/** Did this access-log record time out at the integration budget? (REPORT_FORMAT.md) */
export function isIntegrationTimeout(r: AccessLogRecord, budgetMs: number): boolean {
  if (r.status !== 504) return false;
  if (r.errorResponseType === 'INTEGRATION_TIMEOUT') return true;
  if (r.integrationLatencyMs === undefined || r.integrationLatencyMs === -1) return true;
  return r.integrationLatencyMs >= THRESHOLDS.timeoutShareOfBudget * budgetMs;
}

/** What a route is: one API, one stage, one method, one route template. */
export interface RouteIdentity {
  api: string;
  stage: string;
  method: string;
  route: string;
}

/** The route an access-log record counts towards (placeholders for what the format left out). */
export function routeIdentity(r: AccessLogRecord): RouteIdentity {
  return { api: r.api ?? r.apiId ?? '(api)', stage: r.stage ?? '(stage)', method: r.method ?? 'ANY', route: r.route ?? '(unknown route)' };
}

/** One key per route, the same for a record, an endpoint row or a tree node. */
export function routeIdKey(i: RouteIdentity): string {
  return `${i.api}\u0000${i.stage}\u0000${i.method}\u0000${i.route}`;
}

/** The key of the route an access-log record counts towards. */
export function routeKey(r: AccessLogRecord): string {
  return routeIdKey(routeIdentity(r));
}

/** Past this many identities under one route template, `find` looks a route up by its joined key. */
const MAX_SCANNED = 16;

/** One identity seen, and the route it counts towards (two may share one: `routeKey` decides). */
interface Seen {
  api: string;
  stage: string;
  method: string;
  acc: RouteAcc;
}

/**
 * The latencies of every request, per route, in bounded memory (a histogram per route): the
 * access log streams through `add` and only the requests that matter later (5xx, traced) are
 * kept as records by the caller. `stats` puts budgets and outcomes on top.
 */
export class EndpointAccumulator {
  /** By `routeKey`, in order of first appearance (the order ties keep in `stats`). */
  private readonly routes = new Map<string, RouteAcc>();
  /**
   * By route template, then compared field by field: `add` runs once per access-log line, and
   * building the joined key for each would cost more than the rest of the line.
   */
  private readonly byRoute = new Map<string, Seen[]>();

  private find(r: AccessLogRecord): RouteAcc | undefined {
    const seen = this.byRoute.get(r.route ?? '(unknown route)');
    if (!seen) return undefined;
    // A template seen with many APIs, stages or methods (a log can make up any number): the
    // joined key, not a scan per line that would grow with them.
    if (seen.length > MAX_SCANNED) return this.routes.get(routeKey(r));
    const api = r.api ?? r.apiId ?? '(api)';
    const stage = r.stage ?? '(stage)';
    const method = r.method ?? 'ANY';
    for (let k = 0; k < seen.length; k++) {
      const s = seen[k]!;
      if (s.method === method && s.api === api && s.stage === stage) return s.acc;
    }
    return undefined;
  }

  private accFor(r: AccessLogRecord): RouteAcc {
    let acc = this.find(r);
    if (acc) return acc;
    const id = routeIdentity(r);
    const key = routeKey(r);
    acc = this.routes.get(key);
    if (!acc) {
      acc = { ...id, kind: r.apiType, hist: new LatencyHistogram() };
      this.routes.set(key, acc);
    }
    let seen = this.byRoute.get(id.route);
    if (!seen) this.byRoute.set(id.route, (seen = []));
    seen.push({ api: id.api, stage: id.stage, method: id.method, acc });
    return acc;
  }

  /** How many requests (and the slowest) a route's histogram holds; undefined for a route not seen. */
  routeTotals(id: RouteIdentity): { count: number; maxMs: number } | undefined {
    const a = this.routes.get(routeIdKey(id));
    return a ? { count: a.hist.count, maxMs: a.hist.max } : undefined;
  }

  add(r: AccessLogRecord): void {
    const latency = latencyOf(r);
    if (latency === undefined) return;
    this.accFor(r).hist.add(latency);
  }

  /**
   * Endpoints, riskiest first (p99 against the budget, then timeouts). `outcomes` are the kept
   * records (every 5xx is among them); `coldTraceIds` the traces whose REPORT had an Init Duration.
   * `tables` are routes whose count, percentiles and max were computed elsewhere over every
   * request of the window (Logs Insights): for those the table wins over this accumulator, whose
   * histogram of such a route then holds only fetched requests — which must be every one at or
   * above the near-miss threshold, so that `nearMisses` is still exact.
   */
  stats(options: BudgetOptions = {}, outcomes: AccessLogRecord[] = [], coldTraceIds: Set<string> = new Set(), tables: readonly RouteTableRow[] = []): EndpointStats[] {
    const out = new Map<string, EndpointStats>();
    const row = (id: RouteIdentity, kindSaid: FrontDoorKind | undefined, numbers: Pick<EndpointStats, 'count' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'maxMs'>, hist: LatencyHistogram | undefined): EndpointStats => {
      const kind: FrontDoorKind = kindSaid ?? (options.apiType === 'http' ? 'http-api' : options.apiType === 'websocket' ? 'websocket-api' : 'rest-api');
      const b = budgetFor(kind, `${id.api}/${id.stage}`, options, { method: id.method, url: id.route });
      const budgetMs = b.budgetMs ?? REST_API_DEFAULT_BUDGET_MS;
      const nearMisses = hist ? hist.countAtLeast(THRESHOLDS.nearShareOfBudget * budgetMs) : 0;
      return { api: id.api, stage: id.stage, method: id.method, route: id.route, ...numbers, timeouts: 0, errors5xx: 0, coldStarts: 0, budgetMs, nearMisses };
    };
    const tabled = new Map<string, RouteTableRow>();
    for (const t of tables) tabled.set(routeIdKey(t), t);
    for (const a of this.routes.values()) {
      const key = routeIdKey(a);
      const t = tabled.get(key);
      if (t) {
        out.set(key, row(a, t.kind ?? a.kind, t, a.hist));
        continue;
      }
      const [p50, p95, p99] = a.hist.percentiles([50, 95, 99]) as [number, number, number];
      out.set(key, row(a, a.kind, { count: a.hist.count, p50Ms: p50, p95Ms: p95, p99Ms: p99, maxMs: a.hist.max }, a.hist));
    }
    for (const [key, t] of tabled) if (!out.has(key)) out.set(key, row(t, t.kind, t, undefined));
    for (const r of outcomes) {
      // A record of a route no latency was counted for (none of its lines had one) has no row.
      const a = this.find(r);
      const e = out.get(a ? routeIdKey(a) : routeKey(r));
      if (!e) continue;
      if (isIntegrationTimeout(r, e.budgetMs)) {
        e.timeouts++;
        // A timeout near the budget is in the histogram's top too: a near miss is one that was not.
        if (latencyOf(r) !== undefined && latencyOf(r)! >= THRESHOLDS.nearShareOfBudget * e.budgetMs) e.nearMisses = Math.max(0, (e.nearMisses ?? 0) - 1);
      }
      if ((r.status ?? 0) >= 500) e.errors5xx++;
      if (r.xrayTraceId && coldTraceIds.has(r.xrayTraceId)) e.coldStarts++;
    }
    return [...out.values()].sort(byRisk);
  }
}

/**
 * One route's numbers over every request of a window, computed where the data is (a Logs
 * Insights `stats … by` row): what the engine takes instead of its own histogram for that route.
 * Percentiles are nearest rank, as LatencyHistogram's.
 */
export interface RouteTableRow extends RouteIdentity {
  /** What the access log said of the front door (resourcePath → REST, routeKey → HTTP). */
  kind?: FrontDoorKind;
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** An endpoint's risk: its p99 as a share of its budget. */
export function endpointRisk(e: EndpointStats): number {
  return e.budgetMs > 0 ? e.p99Ms / e.budgetMs : 0;
}

/** Riskiest first, then most timeouts: the one order of every endpoint list. */
export function byRisk(a: EndpointStats, b: EndpointStats): number {
  return endpointRisk(b) - endpointRisk(a) || b.timeouts - a.timeouts;
}

/** Whether a record must be kept beyond the histogram: its outcome or its trace matters later. */
export function keepRecord(r: AccessLogRecord): boolean {
  return (r.status ?? 0) >= 500 || !!r.xrayTraceId;
}

/** Does a route template (`/orders/{id}`, `/files/{proxy+}`) match a request path? */
export function routeMatches(template: string, path: string): boolean {
  const t = template.split('/').filter(Boolean);
  const p = path.split('/').filter(Boolean);
  for (let i = 0; i < t.length; i++) {
    const seg = t[i]!;
    if (/^\{[^}]+\+\}$/.test(seg)) return p.length > i;
    if (p[i] === undefined) return false;
    if (!/^\{[^}]+\}$/.test(seg) && seg !== p[i]) return false;
  }
  return t.length === p.length;
}

/** The request path of a trace's entry without the stage (REST URLs carry it: `/prod/reports`). */
function entryPath(r: Pick<TraceReport, 'entry'>): { api?: string; stage?: string; method?: string; path?: string } {
  const e = r.entry;
  let path: string | undefined;
  try {
    path = e.url ? new URL(e.url).pathname : undefined;
  } catch {
    path = undefined;
  }
  const [api, stage] = e.kind === 'rest-api' || e.kind === 'websocket-api' ? e.name.split('/') : [undefined, undefined];
  if (path && stage && path.split('/')[1] === stage) path = path.slice(stage.length + 1) || '/';
  return { ...(api ? { api } : {}), ...(stage ? { stage } : {}), ...(e.method ? { method: e.method.toUpperCase() } : {}), ...(path ? { path } : {}) };
}

/** A route the account says invokes a function (Trace 504 reads them from API Gateway). */
export interface FunctionRoute {
  api: string;
  method: string;
  path: string;
  functionName?: string;
}

/**
 * The endpoint rows a traced request counts towards: by its URL (method, path without the stage)
 * or, for a trace that starts at the function (an HTTP API's: no URL), by the account's routes to
 * that function.
 */
export function endpointsOfTrace(
  report: Pick<TraceReport, 'entry'>,
  functionName: string | undefined,
  endpoints: readonly EndpointStats[],
  routes: readonly FunctionRoute[] = [],
): EndpointStats[] {
  const { api, stage, method, path } = entryPath(report);
  if (!path) {
    const own = functionName ? routes.filter((r) => r.functionName === functionName) : [];
    return endpoints.filter((e) => own.some((r) => r.api === e.api && (r.method === e.method || r.method === 'ANY' || e.method === 'ANY') && r.path === e.route));
  }
  return endpoints.filter(
    (e) =>
      (!api || e.api === api) &&
      (!stage || e.stage === stage) &&
      (!method || e.method === method || e.method === 'ANY') &&
      routeMatches(e.route, path),
  );
}
