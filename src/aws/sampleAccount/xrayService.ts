// X-Ray's read API over the scenario (restJson1): GetTraceSummaries with the filter subset,
// BatchGetTraces (Documents as JSON strings), GetServiceGraph, StartTraceRetrieval and
// ListRetrievedTraces. Only sampled requests have traces, as in X-Ray.
import { randomUUID } from 'node:crypto';
import { ROUTES, functionEnd, traceDurationMs, urlOf, type SampleRequest } from './scenario';
import { segmentDocuments } from './records';
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

const retrievals = new Map<string, string[]>();

export function startTraceRetrieval(input: Record<string, unknown>): Reply {
  const ids = input.TraceIds;
  if (!Array.isArray(ids) || !ids.length || !ids.every((x) => typeof x === 'string')) throw invalid('TraceIds are required.');
  const token = randomUUID();
  retrievals.set(token, ids as string[]);
  if (retrievals.size > 100) retrievals.delete(retrievals.keys().next().value as string);
  return ok({ RetrievalToken: token });
}

export function listRetrievedTraces(store: ScenarioStore, input: Record<string, unknown>): Reply {
  const ids = typeof input.RetrievalToken === 'string' ? retrievals.get(input.RetrievalToken) : undefined;
  if (!ids) throw new WireError('ResourceNotFoundException', 404, 'No trace retrieval with that RetrievalToken.');
  const traces = ids
    .map((id) => traceOf(store, id))
    .filter((t): t is Record<string, unknown> => !!t)
    .map((t) => ({ Id: t.Id, Duration: t.Duration, Spans: (t.Segments as Array<{ Id: string; Document: string }>).map((s) => ({ Id: s.Id, Document: s.Document })) }));
  return ok({ RetrievalStatus: 'COMPLETE', TraceFormat: 'XRAY', Traces: traces });
}
