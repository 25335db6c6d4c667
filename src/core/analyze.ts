// The pipeline every surface runs: parsed inputs → the Report of REPORT_FORMAT.md, worst request
// first. Pure: the CLI reads files and the extension fetches from AWS, both end here.
import type { AccessLogRecord, ExecutionLogRecord, IngestError, Invocation, Trace } from './model';
import type { Report, ReportError, TraceReport } from './report';
import { REPORT_SCHEMA_VERSION, VERDICT_SEVERITY } from './report';
import { apiTypeOf, type BudgetOptions } from './budget';
import { breakdownTrace, type AnalyzedTrace, type FrontDoorEvidence } from './breakdown';
import { traceFindings } from './findings';
import { EndpointAccumulator, routeIdKey, type RouteTableRow } from './endpoints';
import { correlate, logFindings } from './logFindings';
import { REST_API_DEFAULT_BUDGET_MS, HTTP_API_DEFAULT_BUDGET_MS } from './budget';
import { describeUnexpected } from './unexpectedError';
import { endpointsOfTrace } from './endpoints';
import { basisWindow, routeWhatIf, traceWhatIf, whatIfWindow, type WhatIfOptions } from './whatIf';
import type { EndpointStats, WhatIfFixKind } from './report';
import { RetryLog } from './retries';
import type { PricingOptions } from './pricing';

/** The pricing options, with the Region of the first function ARN the traces name when none is given. */
function pricingWithRegion(pricing: PricingOptions | undefined, analyzed: AnalyzedTrace[]): PricingOptions {
  if (pricing?.region) return pricing;
  for (const a of analyzed) {
    const arn = a.breakdown.anatomy.fn?.resourceArn ?? a.breakdown.anatomy.lambdaService?.resourceArn;
    const region = arn?.startsWith('arn:aws:lambda:') ? arn.split(':')[3] : undefined;
    // A Region's shape only: the ARN comes from a trace, and the Region is printed.
    if (region && /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) return { ...pricing, region };
  }
  return pricing ?? {};
}

export interface AnalyzeInput {
  traces: Trace[];
  errors: IngestError[];
  /** Lambda REPORT lines and friends, one per request id. */
  invocations?: Invocation[];
  /** Access-log records: all of them, or (with routeLatencies) those worth keeping (5xx, traced). */
  accessLogs?: AccessLogRecord[];
  /** Every request's latency per route, when the access log was streamed (LogCollector). */
  routeLatencies?: EndpointAccumulator;
  /** Every request's client, route and time, when the access log was streamed (LogCollector): the retries after 504s. */
  retryLog?: RetryLog;
  executionLogs?: ExecutionLogRecord[];
  /**
   * Routes whose count, percentiles and max were computed over every request of the window
   * where the logs are (Logs Insights): they replace the local histograms of those routes,
   * whose `accessLogs` records are then the fetched 5xx and near-budget requests.
   */
  routeTables?: RouteTableRow[];
}

export interface AnalyzeOptions extends BudgetOptions {
  /** Function name → its configured timeout in ms, when known. */
  functionTimeouts?: Record<string, number>;
  /** Function name → its Lambda runtime (`nodejs20.x`, `python3.12`), when known: fixes are worded for its language. */
  functionRuntimes?: Record<string, string>;
  /** Function name → its memory size in MB, when known (else a REPORT line's Memory Size): the memory what-if needs it. */
  functionMemoryMb?: Record<string, number>;
  /** The assumptions of the what-if predictions (headroom, concurrency, a downstream timeout…). */
  whatIf?: WhatIfOptions;
  /** The price of Lambda work and the functions' architectures and memory (core/pricing.ts); the Region defaults to the functions' ARNs'. */
  pricing?: PricingOptions;
  /** How soon after a 504 a call of the same client and route counts as a retry (ms, default 60 000). */
  retryWindowMs?: number;
  /** The span of time the logs were read for (Trace 504's window): the per-day rates scale it; without it, the access log's first to last request. */
  logWindowMs?: number;
}

export type { AnalyzedTrace } from './breakdown';


/** Worst first: timeouts, then other 5xx, then near the budget; within each, the biggest share of the budget. */
export function compareWorstFirst(a: TraceReport, b: TraceReport): number {
  const v = VERDICT_SEVERITY[b.verdict] - VERDICT_SEVERITY[a.verdict];
  if (v) return v;
  const share = (r: TraceReport): number => (r.budgetMs ? r.totalMs / r.budgetMs : r.totalMs / 1e9);
  return share(b) - share(a) || b.totalMs - a.totalMs || a.traceId.localeCompare(b.traceId);
}

/** What an access-log record says of the front door in front of a trace. */
export function evidenceOf(r: AccessLogRecord | undefined): FrontDoorEvidence {
  if (!r) return {};
  const out: FrontDoorEvidence = {};
  const apiType = r.apiType ? apiTypeOf(r.apiType) : undefined;
  if (apiType) out.apiType = apiType;
  if (r.status !== undefined) out.status = r.status;
  if (r.responseLatencyMs !== undefined) out.responseLatencyMs = r.responseLatencyMs;
  return out;
}

/** The runtime of the function a trace ran, when the options know it. */
function runtimeOf(b: ReturnType<typeof breakdownTrace>, options: AnalyzeOptions): { runtime?: string } {
  const fn = b.anatomy.fn?.name ?? b.anatomy.lambdaService?.name;
  // `fn` is a span name: an own field of the map, never one of its prototype's (`constructor`).
  const runtime = fn && options.functionRuntimes && Object.hasOwn(options.functionRuntimes, fn) ? options.functionRuntimes[fn] : undefined;
  return runtime ? { runtime } : {};
}

export function analyzeTrace(trace: Trace, options: AnalyzeOptions = {}, evidence: FrontDoorEvidence = {}): AnalyzedTrace {
  const b = breakdownTrace(trace, options, evidence);
  const report: TraceReport = {
    traceId: trace.traceId,
    entry: b.entry,
    budgetMs: b.budget.budgetMs,
    budgetSource: b.budget.source,
    totalMs: b.totalMs,
    verdict: b.verdict,
    breakdown: b.breakdown,
    functionEndAtMs: b.functionEndAtMs,
    cutAtMs: b.cutAtMs,
    afterCutMs: b.afterCutMs,
    findings: traceFindings(trace.traceId, b, runtimeOf(b, options)),
    startTimeMs: Math.round(b.originMs),
  };
  return { trace, breakdown: b, report };
}

/**
 * Analyzes every trace, joins the logs to them, and computes the endpoints from the access
 * logs; `analyzed` keeps the traces beside their reports, in the report's order.
 */
export function analyze(input: AnalyzeInput, options: AnalyzeOptions = {}): { report: Report; analyzed: AnalyzedTrace[] } {
  const invocations = input.invocations ?? [];
  const accessLogs = input.accessLogs ?? [];
  // The access log's record of a traced request says what the client got, even when the
  // trace starts at the function (HTTP APIs are not traced by API Gateway).
  const recordOf = new Map<string, AccessLogRecord>();
  for (const r of accessLogs) if (r.xrayTraceId) recordOf.set(r.xrayTraceId, r);
  const analyzed: AnalyzedTrace[] = [];
  const damage: ReportError[] = [];
  for (const t of input.traces) {
    if (!t.entry) continue;
    try {
      analyzed.push(analyzeTrace(t, options, evidenceOf(recordOf.get(t.traceId))));
    } catch (e) {
      // A fault of ours on this trace costs this trace only: the others are still reported.
      damage.push({ source: t.entry.source, message: `Trace ${t.traceId} could not be analyzed: an unexpected error (${describeUnexpected(e)}).`, kind: 'skipped' });
    }
  }
  for (const a of analyzed) for (const [span, message] of a.breakdown.anatomy.damaged) damage.push({ source: span.source, message, kind: 'repaired' });
  const executionLogs = input.executionLogs ?? [];
  const pricing = pricingWithRegion(options.pricing, analyzed);
  const invocationOf = correlate(analyzed, invocations, pricing);
  const predictions = addWhatIf(analyzed, invocationOf, options, damage);
  analyzed.sort((x, y) => compareWorstFirst(x.report, y.report));
  let acc = input.routeLatencies;
  if (!acc) {
    acc = new EndpointAccumulator();
    for (const r of accessLogs) acc.add(r);
  }
  const cold = new Set(invocations.filter((i) => i.initDurationMs !== undefined && i.xrayTraceId).map((i) => i.xrayTraceId!));
  const endpoints = acc.stats(options, accessLogs, cold, input.routeTables ?? []);
  addRouteWhatIf(endpoints, analyzed, predictions, options.whatIf?.headroom);
  const defaultBudgetMs = options.overrideMs ?? (options.apiType === 'http' ? HTTP_API_DEFAULT_BUDGET_MS : REST_API_DEFAULT_BUDGET_MS);
  let retryLog = input.retryLog;
  if (!retryLog && accessLogs.length) {
    retryLog = new RetryLog();
    for (const r of accessLogs) retryLog.add(r);
  }
  const findings =
    invocations.length || accessLogs.length || executionLogs.length || options.functionTimeouts
      ? logFindings({
          analyzed,
          invocations,
          accessLogs,
          executionLogs,
          endpoints,
          defaultBudgetMs,
          ...(options.functionTimeouts ? { functionTimeouts: options.functionTimeouts } : {}),
          ...(retryLog ? { retryLog } : {}),
          ...(options.retryWindowMs !== undefined ? { retryWindowMs: options.retryWindowMs } : {}),
          pricing,
          ...(options.logWindowMs !== undefined ? { logWindowMs: options.logWindowMs } : {}),
          ...(input.routeTables?.length ? { summarizedRoutes: new Set(input.routeTables.map(routeIdKey)) } : {}),
        })
      : [];
  return {
    analyzed,
    report: {
      schemaVersion: REPORT_SCHEMA_VERSION,
      traces: analyzed.map((a) => a.report),
      endpoints,
      findings,
      errors: [...input.errors.map((e): ReportError => ({ source: e.source, message: e.message, kind: e.repaired ? 'repaired' : 'skipped' })), ...damage],
    },
  };
}

/**
 * Each trace's what-if (report.whatIf), with each target's p50 over all the traces as the window;
 * returns each trace's per-kind predictions for the routes. A fault of ours costs that trace's
 * what-if only.
 */
function addWhatIf(analyzed: AnalyzedTrace[], invocationOf: Map<string, Invocation>, options: AnalyzeOptions, damage: ReportError[]): Map<AnalyzedTrace, Map<WhatIfFixKind, number>> {
  const out = new Map<AnalyzedTrace, Map<WhatIfFixKind, number>>();
  const window = whatIfWindow(analyzed.map((a) => a.breakdown));
  for (const a of analyzed) {
    const fn = a.breakdown.anatomy.fn?.name ?? a.breakdown.anatomy.lambdaService?.name;
    // `fn` is a span name: an own field of the map, never one of its prototype's.
    const configured = fn && options.functionMemoryMb && Object.hasOwn(options.functionMemoryMb, fn) ? options.functionMemoryMb[fn] : undefined;
    const memoryMb = configured ?? invocationOf.get(a.trace.traceId)?.memorySizeMb;
    try {
      const whatIfOptions = { ...options.whatIf, ...(memoryMb !== undefined ? { memoryMb } : {}) };
      const r = traceWhatIf(a.breakdown, a.report.findings, whatIfOptions, window);
      a.report.whatIf = r.whatIf;
      // Kept for the waterfall's predicted bars: only the window's part this trace's fixes read.
      const kept = basisWindow(r.whatIf, window);
      a.whatIfBasis = { findings: a.report.findings, options: whatIfOptions, ...(kept ? { window: kept } : {}) };
      out.set(a, r.byKind);
    } catch (e) {
      damage.push({ source: a.trace.entry?.source ?? a.trace.traceId, message: `The what-if of trace ${a.trace.traceId} could not be computed: an unexpected error (${describeUnexpected(e)}).`, kind: 'repaired' });
    }
  }
  return out;
}

/** Each route's p99 after each kind of fix, over the traces whose request is of that route. */
function addRouteWhatIf(endpoints: EndpointStats[], analyzed: AnalyzedTrace[], predictions: Map<AnalyzedTrace, Map<WhatIfFixKind, number>>, headroom: number | undefined): void {
  if (!endpoints.length || !predictions.size) return;
  // Endpoints by method (ANY among each), so a trace is matched against its method's routes only.
  const byMethod = new Map<string, EndpointStats[]>();
  const any = endpoints.filter((e) => e.method === 'ANY');
  for (const e of endpoints) {
    let list = byMethod.get(e.method);
    if (!list) byMethod.set(e.method, (list = [...(e.method === 'ANY' ? [] : any)]));
    if (e.method !== 'ANY') list.push(e);
  }
  const items = new Map<EndpointStats, Array<{ totalMs: number; byKind: Map<WhatIfFixKind, number> }>>();
  for (const a of analyzed) {
    const byKind = predictions.get(a);
    if (!byKind) continue;
    const method = a.report.entry.method?.toUpperCase();
    const candidates = method ? (byMethod.get(method) ?? any) : endpoints;
    for (const e of endpointsOfTrace(a.report, undefined, candidates)) {
      let list = items.get(e);
      if (!list) items.set(e, (list = []));
      list.push({ totalMs: a.report.totalMs, byKind });
    }
  }
  for (const [e, list] of items) {
    const w = routeWhatIf(list, e.budgetMs, headroom);
    if (w) e.whatIf = w;
  }
}
