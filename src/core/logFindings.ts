// Logs joined to traces, and the findings only logs can show. Correlation: the REPORT line's
// XRAY SegmentId is the function segment, its RequestId the AWS::Lambda segment's
// aws.request_id, and the access log's xrayTraceId the trace. A trace whose function segment
// is cut short or missing learns from its REPORT how long the function really ran.
import type { AccessLogRecord, ExecutionLogRecord, Invocation } from './model';
import type { EndpointStats, Finding } from './report';
import type { AnalyzedTrace } from './breakdown';
import { makeFinding, shownName } from './findings';
import { sec } from './duration';
import { isIntegrationTimeout, routeIdKey, routeKey as recordRouteKey } from './endpoints';
import { REST_API_DEFAULT_BUDGET_MS } from './budget';
import { THRESHOLDS } from './thresholds';
import { memoryOf, type PricingOptions } from './pricing';
import { afterCutCost, afterCutCostText, afterCutEvidence, priceTraceAfterCut, type AfterCutItem } from './money';
import { DEFAULT_RETRY_WINDOW_MS, retryFindings, type RetryLog } from './retries';

/** The Invocation (REPORT) of each trace, by trace id. */
export function correlate(analyzed: AnalyzedTrace[], invocations: Invocation[], pricing?: PricingOptions): Map<string, Invocation> {
  const bySegment = new Map<string, Invocation>();
  const byRequest = new Map<string, Invocation>();
  const byTrace = new Map<string, Invocation>();
  for (const i of invocations) {
    if (i.segmentId) bySegment.set(i.segmentId, i);
    byRequest.set(i.requestId, i);
    if (i.xrayTraceId) byTrace.set(i.xrayTraceId, i);
  }
  const out = new Map<string, Invocation>();
  for (const a of analyzed) {
    const { fn, lambdaService, entry } = a.breakdown.anatomy;
    const inv =
      (fn ? bySegment.get(fn.id) : undefined) ??
      (lambdaService?.aws?.requestId ? byRequest.get(lambdaService.aws.requestId) : undefined) ??
      byTrace.get(a.trace.traceId);
    if (!inv) continue;
    out.set(a.trace.traceId, inv);
    const r = a.report;
    // Only fill in what the trace does not know: a missing or still-running function segment.
    if (inv.durationMs === undefined || !entry || (fn && !fn.inProgress)) continue;
    const handlerStart = fn ? fn.startMs : (lambdaService?.startMs ?? entry.startMs) + (inv.initDurationMs ?? 0);
    r.functionEndAtMs = Math.round(handlerStart + inv.durationMs - entry.startMs);
    if (r.cutAtMs !== null) {
      r.afterCutMs = Math.max(0, r.functionEndAtMs - r.cutAtMs);
      if (r.afterCutMs > 0 && !r.findings.some((f) => f.id === 'work-after-cut')) {
        r.findings.push(
          makeFinding('work-after-cut', {
            traceId: r.traceId,
            ...(inv.functionName ? { function: inv.functionName } : {}),
            detail: `API Gateway gave up at ${sec(r.cutAtMs)}; the function’s REPORT line says it ran ${sec(inv.durationMs)}, until ${sec(r.functionEndAtMs)}: ${sec(r.afterCutMs)} nobody waited for (the trace itself lost that part).`,
            evidence: { cutAtMs: r.cutAtMs, functionEndAtMs: r.functionEndAtMs, afterCutMs: r.afterCutMs, reportDurationMs: inv.durationMs, requestId: inv.requestId },
            spanIds: [fn?.id ?? lambdaService?.id].filter((x): x is string => !!x),
          }),
        );
      }
    }
  }
  // The price of each request's work after the cut, at its REPORT's memory (or the configuration's).
  for (const a of analyzed) {
    const r = a.report;
    if (r.afterCutMs === null || r.afterCutMs <= 0) continue;
    const f = r.findings.find((x) => x.id === 'work-after-cut');
    if (!f) continue;
    const inv = out.get(r.traceId);
    const fnName = inv?.functionName ?? a.breakdown.anatomy.fn?.name ?? a.breakdown.anatomy.lambdaService?.name;
    const memory = memoryOf(inv?.memorySizeMb, fnName, pricing);
    priceTraceAfterCut(f, r.afterCutMs, memory.known ? memory.mb : undefined, fnName, pricing);
  }
  return out;
}

/** The span of the request times of `records` (0 for fewer than two). */
function spanOf(records: readonly AccessLogRecord[]): number {
  let first = Infinity;
  let last = -Infinity;
  for (const r of records) {
    if (r.timeMs === undefined) continue;
    if (r.timeMs < first) first = r.timeMs;
    if (r.timeMs > last) last = r.timeMs;
  }
  return last > first ? last - first : 0;
}

export interface LogFindingInput {
  analyzed: AnalyzedTrace[];
  invocations: Invocation[];
  accessLogs: AccessLogRecord[];
  executionLogs: ExecutionLogRecord[];
  endpoints: EndpointStats[];
  /** Function name → configured timeout (ms), when known (from the account or a flag). */
  functionTimeouts?: Record<string, number>;
  /** The budget for functions whose route is not known (default: 29 000 ms). */
  defaultBudgetMs?: number;
  /** Every access-log request's client, route and time: the retries after 504s. */
  retryLog?: RetryLog;
  /** How soon after a 504 a call of the same client and route is a retry (default DEFAULT_RETRY_WINDOW_MS). */
  retryWindowMs?: number;
  /** The price of Lambda work (core/pricing.ts), and the functions' architectures and memory. */
  pricing?: PricingOptions;
  /** Route keys whose access log was summarized by Logs Insights, not read line by line. */
  summarizedRoutes?: ReadonlySet<string>;
  /** The span of time the logs were read for, when the reader knows it (Trace 504's window). */
  logWindowMs?: number;
}

export function logFindings(x: LogFindingInput): Finding[] {
  const out: Finding[] = [];
  const traced = new Set(x.analyzed.map((a) => a.trace.traceId));
  const budgetOf = new Map(x.endpoints.map((e) => [routeIdKey(e), e]));
  const invByTrace = new Map(x.invocations.filter((i) => i.xrayTraceId).map((i) => [i.xrayTraceId!, i]));
  // Two stages (or APIs) with the same route are told apart by name.
  const several = new Set(x.endpoints.map((e) => `${e.api}/${e.stage}`)).size > 1;
  const routeName = (e: EndpointStats): string => `${e.method} ${e.route}${several ? ` (${e.api}/${e.stage})` : ''}`;
  // The same in prose: names from the logs are cut there (shownName), as span names are.
  const routeProse = (e: EndpointStats): string => `${shownName(e.method)} ${shownName(e.route)}${several ? ` (${shownName(e.api)}/${shownName(e.stage)})` : ''}`;

  // The rates per day scale the window the logs were read for, else the one the access log covers
  // (every request of it when the retry log saw them, else the kept ones), to 24 h.
  const rateWindowMs = x.logWindowMs ?? (x.retryLog?.records ? x.retryLog.windowMs() : spanOf(x.accessLogs));

  // The kept records by route, once: a filter of all of them per endpoint was quadratic for a
  // log of many routes.
  const recordsOf = new Map<string, AccessLogRecord[]>();
  for (const r of x.accessLogs) {
    const key = recordRouteKey(r);
    const list = recordsOf.get(key);
    if (list) list.push(r);
    else recordsOf.set(key, [r]);
  }

  // Per endpoint: timeouts, closeness to the budget, work after the cut.
  for (const e of x.endpoints) {
    const key = routeIdKey(e);
    const records = (recordsOf.get(key) ?? []).filter((r) => isIntegrationTimeout(r, e.budgetMs));
    if (e.timeouts > 0) {
      out.push(
        makeFinding('integration-timeout', {
          route: routeName(e),
          detail: `${e.timeouts} of ${e.count} requests to ${routeProse(e)} got a 504 at the ${sec(e.budgetMs)} integration timeout (access logs).`,
          evidence: { timeouts: e.timeouts, count: e.count, budgetMs: e.budgetMs, p99Ms: e.p99Ms },
        }),
      );
      // The requests that came close without timing out are the next 504s.
      if (e.nearMisses) {
        out.push(
          makeFinding('approaching-budget', {
            route: routeName(e),
            title: 'More requests came close to the integration timeout',
            detail: `Besides its ${e.timeouts} timeout(s), ${e.nearMisses} more request(s) to ${routeProse(e)} took at least ${Math.round(100 * THRESHOLDS.nearShareOfBudget)}% of the ${sec(e.budgetMs)} budget (${sec(THRESHOLDS.nearShareOfBudget * e.budgetMs)} or more) without timing out: they are the next 504s.`,
            evidence: { nearMisses: e.nearMisses, timeouts: e.timeouts, count: e.count, budgetMs: e.budgetMs, thresholdMs: Math.round(THRESHOLDS.nearShareOfBudget * e.budgetMs) },
          }),
        );
      }
    } else if (e.p99Ms >= THRESHOLDS.nearShareOfBudget * e.budgetMs) {
      out.push(
        makeFinding('approaching-budget', {
          route: routeName(e),
          detail: `p99 of ${routeProse(e)} is ${sec(e.p99Ms)}, ${Math.round((100 * e.p99Ms) / e.budgetMs)}% of its ${sec(e.budgetMs)} budget (${e.count} requests; max ${sec(e.maxMs)}).`,
          evidence: { p99Ms: e.p99Ms, budgetMs: e.budgetMs, count: e.count, maxMs: e.maxMs },
        }),
      );
    }
    // The function's REPORT says how long it ran after the 504; memory × time × price is what it cost.
    const after: AfterCutItem[] = [];
    for (const r of records) {
      const inv = r.xrayTraceId ? invByTrace.get(r.xrayTraceId) : undefined;
      if (!inv || inv.durationMs === undefined) continue;
      const ran = (inv.initDurationMs ?? 0) + inv.durationMs;
      const ms = ran - e.budgetMs;
      if (ms <= 0) continue;
      const memory = memoryOf(inv.memorySizeMb, inv.functionName, x.pricing);
      after.push({ ms, memoryMb: memory.mb, memoryKnown: memory.known, ...(inv.functionName ? { fn: inv.functionName } : {}) });
    }
    if (after.length) {
      const avgMs = after.reduce((a, b) => a + b.ms, 0) / after.length;
      const cost = afterCutCost(after, e.timeouts, rateWindowMs, x.pricing);
      e.afterCutCost = cost;
      out.push(
        makeFinding('work-after-cut', {
          route: routeName(e),
          ...(after[0]!.fn ? { function: after[0]!.fn } : {}),
          detail: `After the 504s of ${routeProse(e)}, the function ran on for ${sec(avgMs)} on average (${after.length} REPORT lines matched): ${cost.gbSecondsPerRequest.toFixed(2)} GB-s per request, about ${cost.gbSecondsPerDay.toFixed(0)} GB-s a day at this rate — billed work nobody waited for.${afterCutCostText(cost, after)}`,
          evidence: { matched: after.length, avgAfterCutMs: Math.round(avgMs), gbSecondsPerRequest: Math.round(cost.gbSecondsPerRequest * 100) / 100, gbSecondsPerDay: Math.round(cost.gbSecondsPerDay), ...afterCutEvidence(cost) },
        }),
      );
    }
  }

  // Clients that called a route again after its 504 (every request's client is in the retry log).
  if (x.retryLog) {
    const byRoute = x.retryLog.retries(x.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS, (route) => budgetOf.get(route)?.budgetMs ?? x.defaultBudgetMs ?? REST_API_DEFAULT_BUDGET_MS);
    out.push(
      ...retryFindings({
        endpoints: x.endpoints,
        retries: byRoute,
        windowMs: x.retryWindowMs ?? DEFAULT_RETRY_WINDOW_MS,
        clientKey: x.retryLog.clientKey(),
        ...(x.retryLog.clientField ? { clientField: x.retryLog.clientField } : {}),
        invByTrace,
        routeName,
        routeProse,
        ...(x.summarizedRoutes ? { summarized: x.summarizedRoutes } : {}),
      }),
    );
  }

  // Timeouts the traces do not show: X-Ray sampled them out (or HTTP APIs are not traced).
  const timeouts = x.accessLogs.filter((r) => isIntegrationTimeout(r, budgetOf.get(recordRouteKey(r))?.budgetMs ?? x.defaultBudgetMs ?? REST_API_DEFAULT_BUDGET_MS));
  const untraced = timeouts.filter((r) => !r.xrayTraceId || !traced.has(r.xrayTraceId));
  if (untraced.length) {
    out.push(
      makeFinding('unsampled-timeouts', {
        detail: `${untraced.length} of ${timeouts.length} timeouts in the access logs have no trace among the ${traced.size} given${
          untraced.every((r) => !r.xrayTraceId && r.apiType === 'http-api')
            ? ' (an HTTP API’s access log names no trace, so its 504s cannot be matched to the traces of its functions)'
            : untraced.some((r) => !r.xrayTraceId)
              ? ' (X-Ray did not sample them)'
              : ''
        }: the waterfalls show a sample, the endpoint table counts them all.`,
        evidence: { timeouts: timeouts.length, withoutTrace: untraced.length, traces: traced.size },
      }),
    );
  }
  if (!x.accessLogs.length) {
    const exec = x.executionLogs.filter((r) => r.timedOut);
    if (exec.length) {
      out.push(
        makeFinding('integration-timeout', {
          detail: `${exec.length} request(s) failed with "Execution failed due to a timeout error" in the execution logs (e.g. ${exec[0]!.requestId}).`,
          evidence: { timeouts: exec.length, example: exec[0]!.requestId },
        }),
      );
    }
  }

  // Functions that hit their own timeout. Who answered the client depends on which limit came
  // first: the function's timeout below the budget → 502 (REST) / 500 (HTTP API); above it, the
  // front door had already answered 504 and the function ran on for nobody.
  const frontOf = new Map<string, { budgetMs: number | null; kind: string }>();
  for (const a of x.analyzed) {
    const name = a.breakdown.anatomy.fn?.name ?? a.breakdown.anatomy.lambdaService?.name;
    if (name && !frontOf.has(name)) frontOf.set(name, { budgetMs: a.report.budgetMs, kind: a.report.entry.kind });
  }
  const byFn = new Map<string, Invocation[]>();
  for (const i of x.invocations) {
    if (i.status !== 'timeout') continue;
    // Pushed, not copied: a copy per invocation was quadratic in a function's timeouts.
    const fn = i.functionName ?? '(function)';
    const list = byFn.get(fn);
    if (list) list.push(i);
    else byFn.set(fn, [i]);
  }
  for (const [fn, list] of byFn) {
    // The log's own word first: a timed-out invocation's Duration is its timeout.
    // `fn` is a name from the logs: an own field of the map, never one of its prototype's.
    const limit = list[0]!.timedOutAfterMs ?? list[0]!.durationMs ?? (x.functionTimeouts && Object.hasOwn(x.functionTimeouts, fn) ? x.functionTimeouts[fn] : undefined);
    const front = frontOf.get(fn);
    const budget = front?.budgetMs ?? x.defaultBudgetMs ?? null;
    const gatewayFirst = budget !== null && limit !== undefined && limit >= budget;
    const answer = front?.kind === 'http-api' ? '500 (HTTP API)' : front?.kind === 'rest-api' ? '502 (REST API)' : '502 (REST API) or 500 (HTTP API)';
    out.push(
      makeFinding('lambda-timed-out', {
        function: fn,
        detail: gatewayFirst
          ? `${shownName(fn)} hit its own timeout ${list.length} time(s) (after ${sec(limit!)}), but the ${sec(budget!)} integration timeout in front of it is shorter: the gateway had already answered those requests with 504, and the function worked ${sec(limit! - budget!)} more for nobody.`
          : `${shownName(fn)} hit its own timeout ${list.length} time(s)${limit ? ` (after ${sec(limit)})` : ''}: the function stopped before the gateway gave up${budget !== null ? ` (${sec(budget)})` : ''}, so the client got ${answer}, not 504.`,
        evidence: { count: list.length, timeoutMs: limit ?? null, budgetMs: budget, gatewayAnsweredFirst: gatewayFirst, example: list[0]!.requestId },
        ...(gatewayFirst
          ? { fix: `Set the timeout of ${shownName(fn)} below the ${sec(budget!)} integration timeout (e.g. ${Math.max(1, Math.floor(budget! / 1000) - 1)} s) so it stops when the client is gone, and make the work faster or asynchronous.` }
          : {}),
      }),
    );
  }

  // A function allowed to run longer than the API waits.
  for (const [fn, timeoutMs] of Object.entries(x.functionTimeouts ?? {})) {
    const budget = frontOf.get(fn)?.budgetMs ?? x.defaultBudgetMs ?? REST_API_DEFAULT_BUDGET_MS;
    if (timeoutMs > budget) {
      out.push(
        makeFinding('lambda-timeout-exceeds-integration', {
          function: fn,
          detail: `${shownName(fn)} may run ${sec(timeoutMs)}, but the API in front of it waits ${sec(budget)}: for ${sec(timeoutMs - budget)} it can work for a client that is gone.`,
          evidence: { functionTimeoutMs: timeoutMs, budgetMs: budget },
          fix: `Set the timeout of ${shownName(fn)} to ${Math.max(1, Math.floor(budget / 1000) - 1)} s (below the ${sec(budget)} integration timeout), or make the route asynchronous.`,
        }),
      );
    }
  }
  return out;
}
