// What the traces and logs the user already has say about each function, in a small JSON shape
// that survives a reload (workspace state) and that the code hints read: the routes in front of
// the function with their latency from the logs, the traced requests, the worst one's breakdown,
// and every kind of downstream call with its counts and durations. Pure: no vscode.
import type { AnalyzedTrace } from '../core/breakdown';
import { endpointsOfTrace, type FunctionRoute } from '../core/endpoints';
import type { Span } from '../core/model';
import type { EndpointStats, Verdict } from '../core/report';
import { VERDICT_SEVERITY } from '../core/report';

/** A route in front of the function, with what its access log said over the window. */
export type RouteEvidence = Pick<EndpointStats, 'api' | 'stage' | 'method' | 'route' | 'count' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'timeouts' | 'coldStarts' | 'budgetMs'>;

/** The fields of an endpoint row the hints keep (the rest stays in Slow Endpoints). */
export function routeEvidence(e: EndpointStats): RouteEvidence {
  return { api: e.api, stage: e.stage, method: e.method, route: e.route, count: e.count, p50Ms: e.p50Ms, p95Ms: e.p95Ms, p99Ms: e.p99Ms, timeouts: e.timeouts, coldStarts: e.coldStarts, budgetMs: e.budgetMs };
}

/** One kind of downstream call (service and operation, or remote host) the function made. */
export interface CallEvidence {
  namespace: 'aws' | 'remote' | null;
  /** The subsegment's name: `DynamoDB`, `S3`, or a remote call's host. */
  name: string;
  operation?: string;
  /** A remote call's host (from its URL, else its name). */
  host?: string;
  /**
   * The request where these calls took the longest together: how many it made and their own
   * durations summed (the worst request for an N+1; for a call the worst request did not finish,
   * the request where it did).
   */
  worstCalls: number;
  worstMs: number;
  /** That request's trace id and budget (for the share `worstMs / budgetMs`; null when none is known). */
  worstTraceId: string;
  budgetMs: number | null;
  /** Every call of this kind over all the traces: how many, and their durations' p50/p95/max. */
  calls: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Traces that made at least one such call. */
  traces: number;
  /** The most such calls in one trace. */
  maxPerTrace: number;
  /** Throttles and faults seen on these calls. */
  throttled: number;
  faults: number;
  /** Where a stack frame of these calls' exceptions says the code is (`/var/task/src/x.js`, line 1-based). */
  frames: Array<{ path: string; line: number; workingDirectory?: string }>;
}

/** The worst request of a function, as a small table. */
export interface WorstRequest {
  traceId: string;
  totalMs: number;
  verdict: Verdict;
  status: number | null;
  budgetMs: number | null;
  afterCutMs: number | null;
  /** Gateway, cold start, handler, each downstream kind, overhead: label and ms, in that order. */
  rows: Array<{ label: string; ms: number }>;
  /** Its most severe finding, with the fix. */
  finding?: { id: string; title: string; detail: string; fix: string };
}

/** Everything known about one function, from one source of data. */
export interface FunctionEvidence {
  functionName: string;
  /** What the data came from, for the hover: `Trace 504 on orders-api (last 60 min)`, `traces.json`. */
  source: string;
  /** When it was read (epoch ms). */
  capturedAtMs: number;
  /** The window the data covers, when it is a Trace 504 run. */
  windowMinutes?: number;
  routes: RouteEvidence[];
  /** Over the traced requests (a Trace 504 run fetches the slow ones: not a sample of all). */
  traced: {
    count: number;
    p50Ms: number;
    p95Ms: number;
    p99Ms: number;
    timeouts: number;
    coldStarts: number;
    /** The mean time a cold start added, over the traces that had one. */
    coldStartMeanMs: number;
    budgetMs: number | null;
  };
  worst: WorstRequest;
  calls: CallEvidence[];
}

/** Where the evidence came from, for the hover and the store. */
export interface EvidenceMeta {
  source: string;
  capturedAtMs: number;
  windowMinutes?: number;
  /**
   * The routes the account says invoke each function: how a trace that starts at the function
   * (an HTTP API's, which API Gateway does not trace) finds the endpoint rows of its routes.
   */
  routes?: readonly FunctionRoute[];
}

/** Nearest-rank percentile of sorted values. */
function pct(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const duration = (s: Span): number => (s.endMs === null ? 0 : Math.max(0, s.endMs - s.startMs));

/** A remote call's host: from its URL, else its name when that looks like a host. */
export function hostOf(s: Pick<Span, 'name' | 'http'>): string | undefined {
  const url = s.http?.url;
  if (url) {
    try {
      return new URL(url).hostname.toLowerCase();
    } catch {
      // fall through to the name
    }
  }
  return /^[A-Za-z0-9.-]+$/.test(s.name) && s.name.includes('.') ? s.name.toLowerCase() : undefined;
}

/**
 * Where OpenTelemetry says a call was made: the `code.filepath` and `code.lineno` attributes of
 * its span: read from an OpenTelemetry span itself (`codeLocation`, ingest/otel.ts, old and new
 * attribute names), or as the X-Ray exporter writes them, as annotations (dots as underscores) or metadata.
 */
export function otelCodeFrame(s: Pick<Span, 'annotations' | 'metadata'> & Partial<Pick<Span, 'codeLocation'>>): { path: string; line: number } | undefined {
  const loc = s.codeLocation;
  if (loc?.path && loc.line !== undefined && loc.path.length < 1024 && Number.isInteger(loc.line) && loc.line >= 1) return { path: loc.path, line: loc.line };
  const meta = (s.metadata?.['default'] ?? {}) as Record<string, unknown>;
  const get = (k: string): unknown => s.annotations[k] ?? s.annotations[k.replace(/\./g, '_')] ?? meta[k];
  const path = get('code.filepath');
  const line = Number(get('code.lineno'));
  return typeof path === 'string' && path.length > 0 && path.length < 1024 && Number.isInteger(line) && line >= 1 ? { path, line } : undefined;
}

/** The function an analyzed trace ran: its function segment's name (the deployed name). */
export function functionOf(a: AnalyzedTrace): string | undefined {
  const fn = a.breakdown.anatomy.fn;
  if (fn) return fn.name;
  const svc = a.breakdown.anatomy.lambdaService;
  return svc?.name;
}

function callKey(s: Span): string {
  return s.namespace === 'remote' ? `remote\u0000${hostOf(s) ?? s.name}` : `${s.namespace ?? ''}\u0000${s.name}\u0000${s.aws?.operation ?? ''}`;
}

interface CallAcc {
  sample: Span;
  durations: number[];
  traces: number;
  maxPerTrace: number;
  throttled: number;
  faults: number;
  worstCalls: number;
  worstMs: number;
  worstTraceId: string;
  worstBudgetMs: number | null;
  frames: CallEvidence['frames'];
}

/** The rows of the worst request's table. */
function worstRows(a: AnalyzedTrace): WorstRequest['rows'] {
  const b = a.report.breakdown;
  const rows: WorstRequest['rows'] = [];
  if (b.gatewayMs) rows.push({ label: 'Gateway', ms: b.gatewayMs });
  if (b.coldStartMs) rows.push({ label: b.coldStartKind === 'restore' ? 'Cold start (Restore)' : 'Cold start (Init)', ms: b.coldStartMs });
  rows.push({ label: 'Handler', ms: b.handlerMs });
  for (const d of b.downstream) rows.push({ label: `${d.name}${d.operation ? ` ${d.operation}` : ''} × ${d.calls}`, ms: d.ms });
  if (b.overheadMs) rows.push({ label: 'Overhead', ms: b.overheadMs });
  return rows;
}

const SEVERITY_RANK: Readonly<Record<string, number>> = { high: 3, elevated: 2, info: 1 };

/**
 * The evidence per function in a set of analyzed traces (worst first or not) and the endpoint
 * rows the same run read from the logs. Traces without a function (a service entry) are left out.
 */
export function functionEvidence(analyzed: readonly AnalyzedTrace[], endpoints: readonly EndpointStats[], meta: EvidenceMeta): FunctionEvidence[] {
  const byFn = new Map<string, AnalyzedTrace[]>();
  for (const a of analyzed) {
    const fn = functionOf(a);
    if (!fn) continue;
    const list = byFn.get(fn) ?? [];
    list.push(a);
    byFn.set(fn, list);
  }
  const out: FunctionEvidence[] = [];
  for (const [functionName, list] of byFn) {
    const worst = [...list].sort(
      (x, y) => VERDICT_SEVERITY[y.report.verdict] - VERDICT_SEVERITY[x.report.verdict] || y.report.totalMs - x.report.totalMs,
    )[0]!;
    const totals = list.map((a) => a.report.totalMs).sort((x, y) => x - y);
    const colds = list.filter((a) => a.report.breakdown.coldStartMs > 0);
    const routes = new Map<string, RouteEvidence>();
    for (const a of list) {
      for (const e of endpointsOfTrace(a.report, functionName, endpoints, meta.routes)) {
        routes.set(`${e.api}\u0000${e.stage}\u0000${e.method}\u0000${e.route}`, routeEvidence(e));
      }
    }
    const calls = new Map<string, CallAcc>();
    for (const a of list) {
      const perTrace = new Map<string, { n: number; ms: number }>();
      for (const s of a.breakdown.anatomy.downstreamCalls) {
        const key = callKey(s);
        let acc = calls.get(key);
        if (!acc) {
          acc = { sample: s, durations: [], traces: 0, maxPerTrace: 0, throttled: 0, faults: 0, worstCalls: 0, worstMs: -1, worstTraceId: '', worstBudgetMs: null, frames: [] };
          calls.set(key, acc);
        }
        const ms = duration(s);
        acc.durations.push(ms);
        if (s.throttle) acc.throttled++;
        if (s.fault) acc.faults++;
        const t = perTrace.get(key) ?? { n: 0, ms: 0 };
        perTrace.set(key, { n: t.n + 1, ms: t.ms + ms });
        const otel = otelCodeFrame(s);
        if (otel && acc.frames.length < 5 && !acc.frames.some((x) => x.path === otel.path && x.line === otel.line)) acc.frames.push(otel);
        for (const ex of s.cause?.exceptions ?? []) {
          for (const f of ex.stack) {
            if (f.path && f.line && acc.frames.length < 5 && !acc.frames.some((x) => x.path === f.path && x.line === f.line)) {
              acc.frames.push({ path: f.path, line: f.line, ...(s.cause?.workingDirectory ? { workingDirectory: s.cause.workingDirectory } : {}) });
            }
          }
        }
      }
      for (const [key, t] of perTrace) {
        const acc = calls.get(key)!;
        acc.traces++;
        acc.maxPerTrace = Math.max(acc.maxPerTrace, t.n);
        // Ties go to the worst request.
        if (t.ms > acc.worstMs || (t.ms === acc.worstMs && a === worst)) {
          acc.worstMs = t.ms;
          acc.worstCalls = t.n;
          acc.worstTraceId = a.report.traceId;
          acc.worstBudgetMs = a.report.budgetMs;
        }
      }
    }
    const finding = [...worst.report.findings].sort((x, y) => (SEVERITY_RANK[y.severity] ?? 0) - (SEVERITY_RANK[x.severity] ?? 0))[0];
    out.push({
      functionName,
      source: meta.source,
      capturedAtMs: meta.capturedAtMs,
      ...(meta.windowMinutes !== undefined ? { windowMinutes: meta.windowMinutes } : {}),
      routes: [...routes.values()],
      traced: {
        count: list.length,
        p50Ms: pct(totals, 50),
        p95Ms: pct(totals, 95),
        p99Ms: pct(totals, 99),
        timeouts: list.filter((a) => a.report.verdict === 'timeout').length,
        coldStarts: colds.length,
        coldStartMeanMs: colds.length ? Math.round(colds.reduce((t, a) => t + a.report.breakdown.coldStartMs, 0) / colds.length) : 0,
        budgetMs: worst.report.budgetMs,
      },
      worst: {
        traceId: worst.report.traceId,
        totalMs: worst.report.totalMs,
        verdict: worst.report.verdict,
        status: worst.report.entry.status,
        budgetMs: worst.report.budgetMs,
        afterCutMs: worst.report.afterCutMs,
        rows: worstRows(worst),
        ...(finding ? { finding: { id: finding.id, title: finding.title, detail: finding.detail, fix: finding.fix } } : {}),
      },
      calls: [...calls.values()]
        .map((acc): CallEvidence => {
          const d = acc.durations.sort((x, y) => x - y);
          const s = acc.sample;
          const host = s.namespace === 'remote' ? hostOf(s) : undefined;
          return {
            namespace: s.namespace ?? null,
            name: s.name,
            ...(s.aws?.operation ? { operation: s.aws.operation } : {}),
            ...(host ? { host } : {}),
            worstCalls: acc.worstCalls,
            worstMs: Math.max(0, acc.worstMs),
            worstTraceId: acc.worstTraceId,
            budgetMs: acc.worstBudgetMs,
            calls: d.length,
            p50Ms: pct(d, 50),
            p95Ms: pct(d, 95),
            maxMs: d[d.length - 1] ?? 0,
            traces: acc.traces,
            maxPerTrace: acc.maxPerTrace,
            throttled: acc.throttled,
            faults: acc.faults,
            frames: acc.frames,
          };
        })
        .sort((x, y) => y.worstMs - x.worstMs || y.calls - x.calls),
    });
  }
  return out;
}
