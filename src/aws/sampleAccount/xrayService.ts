// X-Ray's read API over the scenario (restJson1): GetTraceSummaries with the filter subset,
// BatchGetTraces (Documents as JSON strings), GetServiceGraph, and Transaction Search's
// GetTraceSegmentDestination, StartTraceRetrieval and ListRetrievedTraces (XRAY or OTEL format).
// Only sampled requests are in X-Ray's index; with Transaction Search on, the retrieval also
// finds the unsampled requests whose spans are in aws/spans.
import { randomUUID } from 'node:crypto';
import { ROUTES, functionEnd, traceDurationMs, urlOf, type SampleRequest } from './scenario';
import { segmentDocuments, spanRecordText, spanRecords } from './records';
import type { ScenarioStore } from './store';
import { compileFilter, FilterSyntaxError, type FilterSubject } from './xrayFilter';
import { WireError, epochMs, invalid, ok, pageToken, readToken, type Reply } from './wire';
import { validate } from './constraints';
import { BATCH_GET_TRACES_MAX_IDS, TRACE_SUMMARIES_MAX_RANGE_MS, XRAY_SHAPES } from './requestLimits';

const PAGE = 50;

function subject(r: SampleRequest): FilterSubject {
  const services = r.route.api.kind === 'rest' ? [`${r.route.api.name}/${r.route.api.stage}`, r.route.fn.name] : [r.route.fn.name];
  const rest = r.route.api.kind === 'rest';
  return {
    services,
    status: rest ? r.status : r.fnTimedOut ? 502 : 200,
    responseTime: (rest ? r.responseMs : functionEnd(r)) / 1000,
    duration: traceDurationMs(r) / 1000,
    url: urlOf(r),
    method: r.route.method,
    fault: rest ? r.status >= 500 : r.fnTimedOut,
    error: false,
    throttle: r.calls.some((c) => c.throttle),
  };
}

function summary(r: SampleRequest): Record<string, unknown> {
  const s = subject(r);
  const rest = r.route.api.kind === 'rest';
  const entry = rest ? { Name: `${r.route.api.name}/${r.route.api.stage}`, Names: [`${r.route.api.name}/${r.route.api.stage}`], Type: 'AWS::ApiGateway::Stage', AccountId: '123456789012' } : { Name: r.route.fn.name, Names: [r.route.fn.name], Type: 'AWS::Lambda', AccountId: '123456789012' };
  return {
    Id: r.traceId,
    StartTime: r.startMs / 1000,
    Duration: s.duration,
    ResponseTime: s.responseTime,
    HasFault: s.fault,
    HasError: false,
    HasThrottle: s.throttle,
    IsPartial: false,
    Http: { HttpURL: s.url, HttpStatus: s.status, HttpMethod: r.route.method, ClientIp: r.client.ip },
    EntryPoint: entry,
    ServiceIds: s.services.map((n) => ({ Name: n, Names: [n], Type: n.includes('/') ? 'AWS::ApiGateway::Stage' : 'AWS::Lambda::Function' })),
    Annotations: {},
    Users: [],
    ResourceARNs: [],
    InstanceIds: [],
    AvailabilityZones: [],
    ErrorRootCauses: [],
    FaultRootCauses: [],
    ResponseTimeRootCauses: [],
    Revision: 1,
    MatchedEventTime: r.startMs / 1000,
  };
}

export function getTraceSummaries(store: ScenarioStore, input: Record<string, unknown>): Reply {
  const start = epochMs(input.StartTime);
  const end = epochMs(input.EndTime);
  if (start === undefined || end === undefined) throw invalid('StartTime and EndTime are required.');
  if (end < start) throw invalid('EndTime must be after StartTime.');
  if (end - start > TRACE_SUMMARIES_MAX_RANGE_MS) throw invalid('The time range between StartTime and EndTime cannot exceed 24 hours.');
  let pred;
  try {
    pred = compileFilter(typeof input.FilterExpression === 'string' ? input.FilterExpression : '');
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw invalid(`Invalid filter expression: ${e.message}`);
    throw e;
  }
  // Most recent first, as X-Ray's first page.
  const matched = store
    .requests(start, end)
    .filter((r) => r.sampled && pred(subject(r)))
    .sort((a, b) => b.startMs - a.startMs);
  const offset = readToken(input.NextToken);
  const page = matched.slice(offset, offset + PAGE);
  const body: Record<string, unknown> = {
    TraceSummaries: page.map(summary),
    ApproximateTime: Math.floor(store.now() / 1000),
    TracesProcessedCount: matched.length,
  };
  if (offset + PAGE < matched.length) body.NextToken = pageToken(offset + PAGE);
  return ok(body);
}

export function traceOf(store: ScenarioStore, id: string): Record<string, unknown> | undefined {
  const r = store.request(id);
  if (!r || !r.sampled) return undefined;
  const docs = segmentDocuments(r);
  return { Id: r.traceId, Duration: traceDurationMs(r) / 1000, LimitExceeded: false, Segments: docs.map((d) => ({ Id: d.id, Document: JSON.stringify(d) })) };
}

export function batchGetTraces(store: ScenarioStore, input: Record<string, unknown>, partial: boolean): Reply {
  // X-Ray's own words for a sixth id, before the model's member checks.
  if (Array.isArray(input.TraceIds) && input.TraceIds.length > BATCH_GET_TRACES_MAX_IDS) throw invalid(`Exceeding maximum query size: ${BATCH_GET_TRACES_MAX_IDS}`);
  validate('xray', input, XRAY_SHAPES.BatchGetTraces);
  const list = input.TraceIds as string[];
  const unprocessed = partial ? list.slice(Math.ceil(list.length / 2)) : [];
  const traces = list
    .filter((id) => !unprocessed.includes(id))
    .map((id) => traceOf(store, id))
    .filter((t): t is Record<string, unknown> => !!t);
  return ok({ Traces: traces, UnprocessedTraceIds: unprocessed });
}

export function getServiceGraph(store: ScenarioStore, input: Record<string, unknown>): Reply {
  const start = epochMs(input.StartTime) ?? store.now() - 3600_000;
  const end = epochMs(input.EndTime) ?? store.now();
  const reqs = store.requests(start, end).filter((r) => r.sampled);
  const services: Array<Record<string, unknown>> = [];
  let ref = 0;
  for (const route of ROUTES) {
    const mine = reqs.filter((r) => r.route === route);
    if (!mine.length) continue;
    const faults = mine.filter((r) => r.status >= 500).length;
    const total = mine.reduce((a, r) => a + r.responseMs / 1000, 0);
    services.push({
      ReferenceId: ref++,
      Name: route.api.kind === 'rest' ? `${route.api.name}/${route.api.stage}` : route.fn.name,
      Names: [route.api.kind === 'rest' ? `${route.api.name}/${route.api.stage}` : route.fn.name],
      Root: true,
      Type: route.api.kind === 'rest' ? 'AWS::ApiGateway::Stage' : 'AWS::Lambda',
      State: 'active',
      StartTime: start / 1000,
      EndTime: end / 1000,
      Edges: [],
      SummaryStatistics: { OkCount: mine.length - faults, ErrorStatistics: { ThrottleCount: 0, OtherCount: 0, TotalCount: 0 }, FaultStatistics: { OtherCount: faults, TotalCount: faults }, TotalCount: mine.length, TotalResponseTime: total },
    });
  }
  return ok({ StartTime: start / 1000, EndTime: end / 1000, Services: services, ContainsOldGroupVersions: false });
}

/**
 * GetTraceSegmentDestination: where X-Ray sends the segments and spans it receives. CloudWatch
 * Logs (Transaction Search: spans in `aws/spans`, a sample indexed for GetTraceSummaries) when
 * the account has it on, else X-Ray itself; either is ACTIVE (the account never switches).
 */
export function getTraceSegmentDestination(store: ScenarioStore): Reply {
  return ok({ Destination: store.options.transactionSearch ? 'CloudWatchLogs' : 'XRay', Status: 'ACTIVE' });
}

interface Retrieval {
  ids: string[];
  startMs: number;
  endMs: number;
  polls: number;
}

/** The retrievals of each account, by token (the newest 100). */
const retrievalsOf = new WeakMap<ScenarioStore, Map<string, Retrieval>>();

/**
 * StartTraceRetrieval: up to 100 trace ids (X-Ray's form) and the window they started in (both
 * ends inclusive, required). The retrieval runs in the background: ListRetrievedTraces first
 * finds it RUNNING.
 */
export function startTraceRetrieval(store: ScenarioStore, input: Record<string, unknown>): Reply {
  validate('xray', input, XRAY_SHAPES.StartTraceRetrieval);
  const startMs = epochMs(input.StartTime);
  const endMs = epochMs(input.EndTime);
  if (startMs === undefined || endMs === undefined) throw invalid('StartTime and EndTime are required.');
  if (endMs < startMs) throw invalid('EndTime must be after StartTime.');
  let retrievals = retrievalsOf.get(store);
  if (!retrievals) retrievalsOf.set(store, (retrievals = new Map()));
  const token = randomUUID();
  retrievals.set(token, { ids: [...new Set(input.TraceIds as string[])], startMs, endMs, polls: 0 });
  if (retrievals.size > 100) retrievals.delete(retrievals.keys().next().value as string);
  return ok({ RetrievalToken: token });
}

/**
 * The requests a retrieval finds: those that started in its window and whose spans the account
 * holds (in aws/spans with Transaction Search on, or X-Ray's sampled traces).
 */
function retrieved(store: ScenarioStore, job: Retrieval): SampleRequest[] {
  return job.ids
    .map((id) => store.request(id))
    .filter((r): r is SampleRequest => !!r && (r.sampled || store.inTransactionSearch(r)) && r.startMs >= Math.floor(job.startMs / 1000) * 1000 && r.startMs <= job.endMs);
}

/** At most this many traces per ListRetrievedTraces page (the model's TraceSpanList holds 5). */
const RETRIEVED_PAGE = 5;

/**
 * ListRetrievedTraces: RUNNING (and nothing else) at the first poll, then COMPLETE with the
 * traces in pages of 5, in the format asked for: XRAY (the default), each span a segment
 * document; OTEL, each span a span record as aws/spans holds it.
 */
export function listRetrievedTraces(store: ScenarioStore, input: Record<string, unknown>): Reply {
  validate('xray', input, XRAY_SHAPES.ListRetrievedTraces);
  const format = (input.TraceFormat as string | undefined) ?? 'XRAY';
  if (format !== 'XRAY' && format !== 'OTEL') throw invalid(`1 validation error detected: Value '${String(format).slice(0, 80)}' at 'traceFormat' failed to satisfy constraint: Member must satisfy enum value set: [XRAY, OTEL]`);
  const job = retrievalsOf.get(store)?.get(input.RetrievalToken as string);
  if (!job) throw new WireError('ResourceNotFoundException', 404, 'No trace retrieval with that RetrievalToken.');
  if (job.polls++ === 0) return ok({ RetrievalStatus: 'RUNNING' });
  const found = retrieved(store, job);
  const offset = readToken(input.NextToken);
  const page = found.slice(offset, offset + RETRIEVED_PAGE).map((r) => ({
    Id: r.traceId,
    Duration: traceDurationMs(r) / 1000,
    Spans:
      format === 'OTEL'
        ? spanRecords(r).map((s) => ({ Id: s.spanId, Document: spanRecordText(s) }))
        : segmentDocuments(r).map((d) => ({ Id: d.id as string, Document: JSON.stringify(d) })),
  }));
  return ok({ RetrievalStatus: 'COMPLETE', TraceFormat: format, Traces: page, ...(offset + RETRIEVED_PAGE < found.length ? { NextToken: pageToken(offset + RETRIEVED_PAGE) } : {}) });
}
