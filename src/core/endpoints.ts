// Per-route statistics over access-log records, in one pass and bounded memory per route:
// latencies are integer milliseconds, so a counting histogram (dense to DENSE_LIMIT_MS, sparse
// above) gives exact nearest-rank percentiles however many requests stream through.
import type { AccessLogRecord, FrontDoorKind } from './model';
import type { EndpointStats } from './report';
import { budgetFor, type BudgetOptions } from './budget';
import { THRESHOLDS } from './thresholds';

const DENSE_LIMIT_MS = 65_536;

/** Exact nearest-rank percentiles of integer values, in bounded memory. */
export class LatencyHistogram {
  private readonly dense = new Uint32Array(DENSE_LIMIT_MS);
  private readonly sparse = new Map<number, number>();
  count = 0;
  max = 0;

  add(ms: number): void {
    const v = Math.max(0, Math.round(ms));
    if (v < DENSE_LIMIT_MS) this.dense[v]!++;
    else this.sparse.set(v, (this.sparse.get(v) ?? 0) + 1);
    this.count++;
    if (v > this.max) this.max = v;
  }

  /** The values at nearest ranks ceil(p/100 × n) for each p (ascending ps). */
  percentiles(ps: number[]): number[] {
    const n = this.count;
    if (!n) return ps.map(() => 0);
    const ranks = ps.map((p) => Math.max(1, Math.ceil((p / 100) * n)));
    const out: number[] = [];
    let seen = 0;
    let k = 0;
    for (let v = 0; v < DENSE_LIMIT_MS && k < ranks.length; v++) {
      const c = this.dense[v]!;
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
}

interface RouteAcc {
  api: string;
  stage: string;
  method: string;
  route: string;
  kind: FrontDoorKind;
  hist: LatencyHistogram;
  timeouts: number;
  errors5xx: number;
  coldStarts: number;
  budgetMs: number;
}

/** Did this access-log record time out at the integration budget? (REPORT_FORMAT.md) */
export function isIntegrationTimeout(r: AccessLogRecord, budgetMs: number): boolean {
  if (r.status !== 504) return false;
  if (r.errorResponseType === 'INTEGRATION_TIMEOUT') return true;
  if (r.integrationLatencyMs === undefined || r.integrationLatencyMs === -1) return true;
  return r.integrationLatencyMs >= THRESHOLDS.timeoutShareOfBudget * budgetMs;
}

export class EndpointAccumulator {
  private readonly routes = new Map<string, RouteAcc>();

  constructor(private readonly options: BudgetOptions & { names?: { api?: string; stage?: string } } = {}) {}

  /** Adds one request; `cold` when its Lambda invocation was a cold start (from correlated REPORTs). */
  add(r: AccessLogRecord, cold = false): void {
    const latency = r.responseLatencyMs ?? (r.integrationLatencyMs !== undefined && r.integrationLatencyMs >= 0 ? r.integrationLatencyMs : undefined);
    if (latency === undefined) return;
    const api = r.api ?? this.options.names?.api ?? r.apiId ?? '(api)';
    const stage = r.stage ?? this.options.names?.stage ?? '(stage)';
    const method = r.method ?? 'ANY';
    const route = r.route ?? '(unknown route)';
    const key = `${api}\u0000${stage}\u0000${method}\u0000${route}`;
    let acc = this.routes.get(key);
    if (!acc) {
      const kind: FrontDoorKind = r.apiType ?? (this.options.apiType === 'http' ? 'http-api' : this.options.apiType === 'websocket' ? 'websocket-api' : 'rest-api');
      const b = budgetFor(kind, `${api}/${stage}`, this.options, { method, url: route });
      acc = { api, stage, method, route, kind, hist: new LatencyHistogram(), timeouts: 0, errors5xx: 0, coldStarts: 0, budgetMs: b.budgetMs ?? 29_000 };
      this.routes.set(key, acc);
    }
    acc.hist.add(latency);
    if (isIntegrationTimeout(r, acc.budgetMs)) acc.timeouts++;
    if ((r.status ?? 0) >= 500) acc.errors5xx++;
    if (cold) acc.coldStarts++;
  }

  /** Endpoints, riskiest first (p99 against the budget, then timeouts). */
  stats(): EndpointStats[] {
    const out: EndpointStats[] = [];
    for (const a of this.routes.values()) {
      const [p50, p95, p99] = a.hist.percentiles([50, 95, 99]) as [number, number, number];
      out.push({ api: a.api, stage: a.stage, method: a.method, route: a.route, count: a.hist.count, p50Ms: p50, p95Ms: p95, p99Ms: p99, maxMs: a.hist.max, timeouts: a.timeouts, errors5xx: a.errors5xx, coldStarts: a.coldStarts, budgetMs: a.budgetMs });
    }
    const risk = (e: EndpointStats): number => e.p99Ms / (e.budgetMs || 1);
    return out.sort((x, y) => risk(y) - risk(x) || y.timeouts - x.timeouts);
  }
}
