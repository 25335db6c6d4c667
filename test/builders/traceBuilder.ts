// A test-data builder for X-Ray traces: every field has a valid default, so a test names only
// what matters. Times are given in ms from the trace's start. Emits real segment documents
// (and BatchGetTraces JSON), so tests go through the same parser as users' files.

let counter = 0;
/** A fresh 16-hex id, deterministic per run. */
export function segId(): string {
  counter++;
  return counter.toString(16).padStart(16, '0');
}

export const T0_S = 1_732_000_000; // 2024-11-19, epoch seconds

export interface SubOpts {
  name: string;
  start: number;
  end?: number | null;
  namespace?: 'aws' | 'remote';
  operation?: string;
  table?: string;
  retries?: number;
  status?: number;
  method?: string;
  url?: string;
  throttle?: boolean;
  fault?: boolean;
  error?: boolean;
  id?: string;
  subs?: SubOpts[];
  annotations?: Record<string, string | number | boolean>;
  extra?: Record<string, unknown>;
}

export type Doc = Record<string, unknown>;

function time(ms: number): number {
  return T0_S + ms / 1000;
}

export function sub(o: SubOpts): Doc {
  const d: Doc = { id: o.id ?? segId(), name: o.name, start_time: time(o.start) };
  if (o.end === null) d.in_progress = true;
  else d.end_time = time(o.end ?? o.start + 10);
  if (o.namespace) d.namespace = o.namespace;
  if (o.operation || o.table || o.retries !== undefined) {
    const aws: Doc = {};
    if (o.operation) aws.operation = o.operation;
    if (o.table) aws.table_name = o.table;
    if (o.retries !== undefined) aws.retries = o.retries;
    d.aws = aws;
  }
  if (o.status || o.method || o.url) {
    d.http = { ...(o.method || o.url ? { request: { method: o.method, url: o.url } } : {}), ...(o.status ? { response: { status: o.status } } : {}) };
  }
  if (o.throttle) d.throttle = true;
  if (o.fault) d.fault = true;
  if (o.error) d.error = true;
  if (o.annotations) d.annotations = o.annotations;
  if (o.subs) d.subsegments = o.subs.map(sub);
  return { ...d, ...o.extra };
}

export interface ApiTraceOpts {
  traceId?: string;
  api?: string;
  method?: string;
  path?: string;
  /** The client's status (504 on a gateway timeout). */
  status?: number;
  /** When the stage segment ends (ms); 29 012 on a REST timeout. */
  gatewayEnd?: number;
  /** When the function segment ends (ms); null = in progress; undefined = 5 ms before the gateway ends. */
  functionEnd?: number | null;
  functionName?: string;
  /** Cold start length (ms); the Initialization subsegment starts this long before the function segment. */
  initMs?: number;
  restoreMs?: number;
  /** Calls made by the handler. */
  calls?: SubOpts[];
  /** false = old layout without an Invocation subsegment (calls hang off the function segment). */
  invocation?: boolean;
  overheadMs?: number;
  /** Omit the function segment (lost when the function was frozen). */
  noFunctionSegment?: boolean;
  requestId?: string;
}

export interface BuiltTrace {
  traceId: string;
  docs: Doc[];
  ids: { stage: string; invoke: string; lambda: string; fn: string | null; invocation: string | null };
}

/** An API Gateway (REST) → Lambda request, as X-Ray records it. */
export function apiTrace(o: ApiTraceOpts = {}): BuiltTrace {
  const traceId = o.traceId ?? `1-${T0_S.toString(16)}-${segId().padStart(24, '0')}`;
  const api = o.api ?? 'orders-api/prod';
  const status = o.status ?? 200;
  const gwEnd = o.gatewayEnd ?? 120;
  const fnName = o.functionName ?? 'orders-fn';
  const init = o.initMs ?? 0;
  const restore = o.restoreMs ?? 0;
  const fnStart = 3 + init + restore;
  const fnEnd = o.functionEnd === undefined ? gwEnd - 5 : o.functionEnd;
  const stageId = segId();
  const invokeId = segId();
  const lambdaId = segId();
  const fnId = segId();
  const lastEnd = fnEnd ?? gwEnd;
  const invoke = sub({ id: invokeId, name: 'Lambda', namespace: 'aws', operation: 'Invoke', start: 2, end: gwEnd - 1, status });
  const stage: Doc = {
    id: stageId,
    trace_id: traceId,
    name: api,
    origin: 'AWS::ApiGateway::Stage',
    resource_arn: `arn:aws:apigateway:us-east-1::/restapis/abc123/stages/${api.split('/')[1] ?? 'prod'}`,
    start_time: time(0),
    end_time: time(gwEnd),
    http: { request: { method: o.method ?? 'POST', url: `https://abc123.execute-api.us-east-1.amazonaws.com${o.path ?? '/prod/reports'}` }, response: { status } },
    annotations: { 'aws:api_id': 'abc123', 'aws:api_stage': 'prod' },
    subsegments: [invoke],
  };
  if (status >= 500) stage.fault = true;
  const lambda: Doc = {
    id: lambdaId,
    trace_id: traceId,
    parent_id: invokeId,
    name: fnName,
    origin: 'AWS::Lambda',
    start_time: time(2.5),
    http: { response: { status: 200 } },
    aws: { request_id: o.requestId ?? 'req-0001', function_arn: `arn:aws:lambda:us-east-1:123456789012:function:${fnName}` },
  };
  if (fnEnd === null) lambda.in_progress = true;
  else lambda.end_time = time(lastEnd + 1);
  const docs: Doc[] = [stage, lambda];
  let invocationId: string | null = null;
  if (!o.noFunctionSegment) {
    const subs: Doc[] = [];
    if (init) subs.push(sub({ name: 'Initialization', start: 3, end: 3 + init }));
    if (restore) subs.push(sub({ name: 'Restore', start: 3, end: 3 + restore }));
    const overhead = o.overheadMs ?? 1;
    const handlerEnd = (fnEnd ?? gwEnd) - overhead;
    const calls = (o.calls ?? []).map(sub);
    if (o.invocation === false) subs.push(...calls);
    else {
      invocationId = segId();
      const inv = sub({ id: invocationId, name: 'Invocation', start: fnStart, end: fnEnd === null ? null : handlerEnd });
      inv.subsegments = calls;
      subs.push(inv);
      if (fnEnd !== null) subs.push(sub({ name: 'Overhead', start: handlerEnd, end: fnEnd }));
    }
    const fn: Doc = {
      id: fnId,
      trace_id: traceId,
      parent_id: lambdaId,
      name: fnName,
      origin: 'AWS::Lambda::Function',
      start_time: time(fnStart),
      subsegments: subs,
    };
    if (fnEnd === null) fn.in_progress = true;
    else fn.end_time = time(fnEnd);
    docs.push(fn);
  }
  return { traceId, docs, ids: { stage: stageId, invoke: invokeId, lambda: lambdaId, fn: o.noFunctionSegment ? null : fnId, invocation: invocationId } };
}

/** BatchGetTraces output for built traces (Document strings, segments in the given order). */
export function batchGetTraces(...traces: BuiltTrace[]): string {
  return JSON.stringify({
    Traces: traces.map((t) => ({ Id: t.traceId, Duration: 0, LimitExceeded: false, Segments: t.docs.map((d) => ({ Id: d.id, Document: JSON.stringify(d) })) })),
    UnprocessedTraceIds: [],
  });
}

/** `count` sequential calls of `each` ms starting at `from`. */
export function sequential(count: number, each: number, from: number, call: Omit<SubOpts, 'start' | 'end'>): SubOpts[] {
  return Array.from({ length: count }, (_, i) => ({ ...call, start: from + i * each, end: from + (i + 1) * each }));
}

/**
 * The N+1 REST 504 the tests keep coming back to: API Gateway gives up at 29 012 ms; the
 * function (2 250 ms cold start) makes 380 DynamoDB GetItem calls of 80 ms one after another
 * from 2 300 ms (30 400 ms in all, ending at 32 700 ms) and ends at 33 490 ms.
 */
export function reportsTimeout(o: Partial<ApiTraceOpts> = {}): BuiltTrace {
  return apiTrace({
    status: 504,
    gatewayEnd: 29_012,
    functionEnd: 33_490,
    initMs: 2_250,
    calls: sequential(380, 80, 2_300, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders' }),
    ...o,
  });
}
