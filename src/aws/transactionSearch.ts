// Transaction Search, read-only: with it on, X-Ray's segment destination is CloudWatch Logs,
// every span lands in the `aws/spans` log group in OpenTelemetry form, and only a sample (1% by
// default) is indexed for GetTraceSummaries and BatchGetTraces. Trace 504 then also finds slow
// requests with a Logs Insights query on the server spans of aws/spans, and fetches the traces
// X-Ray did not index with StartTraceRetrieval → ListRetrievedTraces (OTEL format), or, when that
// is denied, with a Logs Insights query by trace id. The span records are read by ingest/otel.ts.
import type { AwsClients } from './clients';
import { isCancellation } from './errors';
import { insights } from './logsSource';
import { retrieveTraces } from './xraySource';
import { THRESHOLDS } from '../core/thresholds';
import type { TraceParseResult } from '../ingest/xray';
import { otelTraceIdToXRay, parseSpanRecords, xrayTraceIdToOtel } from '../ingest/otel';

/** The log group Transaction Search writes spans to (AWS's own name, without a leading slash). */
export const SPANS_LOG_GROUP = 'aws/spans';

/** At most this many slow requests are read from one search (the slowest first). */
export const MAX_SPAN_HITS = 500;

/** At most this many trace ids in one Logs Insights query by trace id (its text stays well under 10 000 characters). */
const IDS_PER_QUERY = 50;

/** A request Transaction Search holds: its root server span in aws/spans. */
export interface SpanHit {
  /** X-Ray's form (`1-xxxxxxxx-…`), as the rest of the product names traces. */
  traceId: string;
  durationMs: number;
  status?: number;
  service: string;
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The Logs Insights query for the slow requests of `services` in aws/spans: the server spans of
 * those services (named by the AWS Distro's `aws.local.service`, or the resource's `service.name`
 * where a span has only that) that took at least the near-budget share of the budget or answered
 * a 5xx, the slowest first. A request can match twice (a function's service span and its own):
 * the caller keeps one row per trace.
 */
export function slowSpansQuery(services: string[], budgetMs: number, nearShare: number = THRESHOLDS.nearShareOfBudget): string {
  const nearNs = Math.round(budgetMs * nearShare) * 1_000_000;
  const names = `[${services.map(quote).join(', ')}]`;
  return [
    'fields traceId, durationNano, attributes.http.response.status_code, attributes.aws.local.service, resource.attributes.service.name',
    `| filter kind = "SERVER" and (attributes.aws.local.service in ${names} or resource.attributes.service.name in ${names}) and (durationNano >= ${nearNs} or attributes.http.response.status_code >= 500)`,
    '| sort durationNano desc',
    `| limit ${MAX_SPAN_HITS}`,
  ].join('\n');
}

export interface SpanQuery {
  startMs: number;
  endMs: number;
  signal?: AbortSignal;
  pollMs?: number;
  timeoutMs?: number;
}

/** The slow and failed requests of `services` that aws/spans holds in the window, the slowest first, one per trace. */
export async function findSlowSpans(clients: AwsClients, services: string[], budgetMs: number, q: SpanQuery): Promise<SpanHit[]> {
  const rows = await insights(clients, {
    groups: [SPANS_LOG_GROUP],
    startMs: q.startMs,
    endMs: q.endMs,
    query: slowSpansQuery(services, budgetMs),
    // Sorted and cut to the slowest: a split window could not be put back in order.
    split: false,
    ...(q.signal ? { signal: q.signal } : {}),
    ...(q.pollMs ? { pollMs: q.pollMs } : {}),
    ...(q.timeoutMs !== undefined ? { timeoutMs: q.timeoutMs } : {}),
  });
  const hits = new Map<string, SpanHit>();
  for (const r of rows) {
    const traceId = otelTraceIdToXRay(r.traceId ?? '');
    const durationNs = Number(r.durationNano);
    if (!traceId || !Number.isFinite(durationNs) || hits.has(traceId)) continue;
    const status = Number(r['attributes.http.response.status_code']);
    hits.set(traceId, { traceId, durationMs: durationNs / 1e6, ...(Number.isFinite(status) && status > 0 ? { status } : {}), service: r['attributes.aws.local.service'] ?? r['resource.attributes.service.name'] ?? '' });
  }
  return [...hits.values()];
}

/** The Logs Insights query that reads every span record of the given traces (OTel trace ids). */
export function spansOfTracesQuery(otelIds: string[]): string {
  return `fields @message\n| filter traceId in [${otelIds.map(quote).join(', ')}]\n| limit 10000`;
}

export interface FetchedSpans {
  parsed: TraceParseResult;
  /** What was denied or failed on the way (the other path was taken), in words naming the fix. */
  warnings: string[];
  /** The errors behind `warnings`, for the run's failures. */
  errors: Array<{ error: unknown; what: string; message: string }>;
}

/**
 * The whole traces of `ids` (X-Ray's form) from Transaction Search: StartTraceRetrieval →
 * ListRetrievedTraces in OTEL format; when the retrieval is denied or fails, the span records
 * themselves from aws/spans with Logs Insights. Both failing throws the second failure.
 */
export async function fetchSpans(clients: AwsClients, ids: string[], q: SpanQuery & { retrievalPollMs?: number }): Promise<FetchedSpans> {
  const warnings: string[] = [];
  const errors: FetchedSpans['errors'] = [];
  // The span records as their JSON text: ingest/otel.ts reads them and names a damaged one.
  const records: string[] = [];
  try {
    const traces = await retrieveTraces(clients, ids, { startMs: q.startMs, endMs: q.endMs }, { format: 'OTEL', ...(q.signal ? { signal: q.signal } : {}), ...(q.retrievalPollMs ? { pollMs: q.retrievalPollMs } : {}) });
    for (const t of traces) for (const s of t.Segments ?? []) if (s.Document) records.push(s.Document);
    return { parsed: parseSpanRecords(records, 'aws/spans'), warnings, errors };
  } catch (e) {
    if (isCancellation(e)) throw e;
    const what = 'Could not retrieve the traces X-Ray did not index (StartTraceRetrieval); read their spans from aws/spans with Logs Insights instead';
    const message = `${what}: ${e instanceof Error ? e.message : String(e)}`;
    warnings.push(message);
    errors.push({ error: e, what, message });
  }
  const otelIds = ids.map(xrayTraceIdToOtel).filter((x): x is string => !!x);
  for (let i = 0; i < otelIds.length; i += IDS_PER_QUERY) {
    const rows = await insights(clients, {
      groups: [SPANS_LOG_GROUP],
      startMs: q.startMs,
      endMs: q.endMs,
      query: spansOfTracesQuery(otelIds.slice(i, i + IDS_PER_QUERY)),
      ...(q.signal ? { signal: q.signal } : {}),
      ...(q.pollMs ? { pollMs: q.pollMs } : {}),
      ...(q.timeoutMs !== undefined ? { timeoutMs: q.timeoutMs } : {}),
    });
    for (const r of rows) if (r['@message']) records.push(r['@message']);
  }
  return { parsed: parseSpanRecords(records, 'aws/spans'), warnings, errors };
}
