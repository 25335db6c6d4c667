// "Enter a trace ID…": one request the user already knows (from a support ticket, a log line,
// the X-Ray console), fetched by its id and held to the real budget of the API in front of it.
// The API is read from the trace itself (its stage segment `api/stage`, or for an untraced HTTP
// API the function, whose front door is searched for); the function's configuration words the
// fixes. Anything that cannot be read is a warning; the trace still opens.
import { analyze, type AnalyzedTrace, type AnalyzeOptions } from '../core/analyze';
import type { Report } from '../core/report';
import { parseTraceValue, type TraceParseResult } from '../ingest/xray';
import type { AwsClients } from './clients';
import { AwsSourceError, isCancellation, otherRegionHint } from './errors';
import { functionConfig, listApis, listRoutes, type ApiInfo, type RouteInfo } from './configSource';
import { batchGetTraces, segmentDestination, transactionSearchOn } from './xraySource';
import { fetchSpans } from './transactionSearch';
import { apiInFrontOf, configuredBudgets } from './trace504';

const XRAY_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const W3C_ID = /^[0-9a-f]{32}$/;

/**
 * An X-Ray trace id from what a person pastes: `1-5f84c7a1-…` as X-Ray writes it, or the 32 hex
 * digits of a W3C/OpenTelemetry trace id (X-Ray's id is those digits split after the 8th). Quotes,
 * spaces and a `Root=` prefix (as in the X-Amzn-Trace-Id header) are allowed around it.
 */
export function normalizeTraceId(text: string): string | undefined {
  const t = text.trim().replace(/^["']|["']$/g, '').replace(/^Root=/i, '').split(';')[0]!.trim().toLowerCase();
  if (XRAY_ID.test(t)) return t;
  if (W3C_ID.test(t)) return `1-${t.slice(0, 8)}-${t.slice(8)}`;
  return undefined;
}

export interface TraceByIdResult {
  report: Report;
  analyzed: AnalyzedTrace[];
  warnings: string[];
  /** What was traced, for titles: `trace 1-… (orders-api, REST API)`. */
  target: string;
  routes: Array<RouteInfo & { api: string }>;
}

/** How far after the second its id names a trace is looked for in aws/spans (a request's spans end within its timeouts). */
const SPANS_AFTER_ID_MS = 30 * 60_000;

/**
 * The trace from Transaction Search when the account has it on (GetTraceSegmentDestination), the
 * window taken from the id (its first 8 hex digits are the second the request began); undefined
 * when it is off or cannot be asked, a warning saying why when a call failed.
 */
async function fromTransactionSearch(clients: AwsClients, id: string, warnings: string[], signal?: AbortSignal): Promise<TraceParseResult | undefined> {
  try {
    if (!transactionSearchOn(await segmentDestination(clients, signal))) return undefined;
    const startMs = parseInt(id.slice(2, 10), 16) * 1000;
    const got = await fetchSpans(clients, [id], { startMs: startMs - 60_000, endMs: startMs + SPANS_AFTER_ID_MS, ...(signal ? { signal } : {}) });
    warnings.push(...got.warnings);
    if (got.parsed.traces.length) warnings.push(`X-Ray had not indexed trace ${id}: it was read from Transaction Search (aws/spans).`);
    for (const t of got.parsed.traces) t.foundBy = 'transaction-search';
    return got.parsed;
  } catch (e) {
    if (isCancellation(e)) throw e;
    warnings.push(`Could not look for the trace in Transaction Search: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export async function traceById(clients: AwsClients, rawId: string, signal?: AbortSignal): Promise<TraceByIdResult> {
  const id = normalizeTraceId(rawId);
  if (!id) throw new AwsSourceError('service', `"${rawId.slice(0, 80)}" is not a trace ID: X-Ray's look like 1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2 (or 32 hex digits from OpenTelemetry).`, 'BatchGetTraces');
  const warnings: string[] = [];
  const got = await batchGetTraces(clients, [id], signal ? { signal } : {});
  const failure = got.failures[0];
  if (failure) throw failure.error;
  let parsed = got.traces.length ? parseTraceValue({ Traces: got.traces }, 'x-ray') : undefined;
  // With Transaction Search on, X-Ray indexes only a sample: the request may be in aws/spans.
  if (!parsed) parsed = await fromTransactionSearch(clients, id, warnings, signal);
  if (!parsed?.traces.length) {
    throw new AwsSourceError(
      'service',
      `X-Ray has no trace ${id} in ${clients.describe()}. X-Ray keeps traces for 30 days, in the Region where the request ran: if it ran in another Region, ${otherRegionHint(clients.connection.surface)}.`,
      'BatchGetTraces',
    );
  }
  // A first look, to learn which front door the request came through and which function ran.
  const look = analyze(parsed, {}).analyzed[0];
  const entry = look?.report.entry;
  const anatomy = look?.breakdown.anatomy;
  const ranFn = anatomy?.fn?.name ?? anatomy?.lambdaService?.name;
  let api: ApiInfo | undefined;
  let routes: RouteInfo[] = [];
  const fn = entry?.kind === 'lambda' ? entry.name : undefined;
  try {
    if (entry && entry.kind !== 'lambda' && entry.name.includes('/')) {
      const name = entry.name.split('/')[0]!;
      api = (await listApis(clients, signal)).find((a) => a.name === name);
      if (api) routes = await listRoutes(clients, api, signal);
      else warnings.push(`No API named "${name}" in ${clients.describe()}: the trace is held to the default budget.`);
    } else if (fn) {
      const front = await apiInFrontOf(clients, fn, signal);
      if (front) {
        api = front.api;
        routes = front.routes;
      }
    }
  } catch (e) {
    if (isCancellation(e)) throw e;
    warnings.push(`Could not read the integration timeouts (the default budget is used): ${e instanceof Error ? e.message : String(e)}`);
  }
  // The function the trace ran: its timeout meets the budget, its runtime words the fixes.
  const functionTimeouts: Record<string, number> = {};
  const functionRuntimes: Record<string, string> = {};
  if (ranFn) {
    try {
      const c = await functionConfig(clients, ranFn, signal);
      if (api) functionTimeouts[c.name] = c.timeoutMs;
      if (c.runtime) functionRuntimes[c.name] = c.runtime;
    } catch (e) {
      if (isCancellation(e)) throw e;
      warnings.push(`Could not read the configuration of ${ranFn}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const options: AnalyzeOptions = {
    configured: configuredBudgets(api, routes),
    ...(api ? { apiType: api.kind } : {}),
    ...(Object.keys(functionTimeouts).length ? { functionTimeouts } : {}),
    ...(Object.keys(functionRuntimes).length ? { functionRuntimes } : {}),
  };
  const { report, analyzed } = analyze(parsed, options);
  return {
    report,
    analyzed,
    warnings,
    target: `trace ${id}${api ? ` (${api.name}, ${api.kind.toUpperCase()} API)` : ''}`,
    routes: api ? routes.map((r) => ({ ...r, api: api.name })) : [],
  };
}
