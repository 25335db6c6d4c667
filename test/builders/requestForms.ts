// One API Gateway → Lambda request described once, written in the forms the product reads: X-Ray
// segment documents (as BatchGetTraces gives them), an OTLP/JSON export (ExportTraceServiceRequest,
// as an OpenTelemetry Collector writes it) and the span records of CloudWatch's `aws/spans` (flat
// attributes, as Transaction Search stores them). The same span ids and times in every form, so
// the engine must find the same breakdown and findings in each (test/unit/otel/equivalence).
//
// The OTel form uses OpenTelemetry's conventions, not X-Ray's names: the function span is named
// by its route and carries `faas.name` in its resource; AWS SDK calls are `DynamoDB.GetItem` with
// `rpc.*` and `aws.dynamodb.table_names`; HTTP calls are named by method with `server.address`;
// the API Gateway and Lambda service spans carry `aws.origin` (the attribute the Collector's
// X-Ray exporter maps to a segment's origin), as X-Ray's own segments would once converted.
import { T0_S } from './traceBuilder';

export type Doc = Record<string, unknown>;

export interface CallDescription {
  /** `aws`: an AWS SDK call (service + operation); `http`: an HTTP call to `host`; `db`: a SQL query. */
  kind: 'aws' | 'http' | 'db';
  /** AWS service (`DynamoDB`), host (`api.partner.example`) or database name. */
  target: string;
  /** AWS operation (`GetItem`) or HTTP method. */
  operation?: string;
  table?: string;
  start: number;
  end: number;
  status?: number;
  /** Under the Invocation (default) or, for `afterHandler`, nothing else changes. */
  exception?: { type: string; message: string; stack: string };
}

export interface RequestDescription {
  api?: string;
  method?: string;
  path?: string;
  /** The client's status. */
  status?: number;
  gatewayEnd: number;
  functionEnd: number;
  functionName?: string;
  route?: string;
  /** Cold start length (ms) before the function span; 0 = warm. */
  initMs?: number;
  overheadMs?: number;
  calls?: CallDescription[];
  requestId?: string;
  /** An exception the handler raised (on the Invocation / the function span). */
  handlerException?: { type: string; message: string; stack: string };
  /** The trace id's 24 hex digits after the epoch (defaults to a fixed one). */
  traceTail?: string;
}

/** Ids and times every form shares. */
interface Node {
  id: string;
  parent: string | null;
  role: 'stage' | 'invoke' | 'lambda' | 'fn' | 'init' | 'invocation' | 'overhead' | 'call';
  start: number;
  end: number;
  call?: CallDescription;
}

interface Layout {
  traceTail: string;
  nodes: Node[];
  d: Required<Pick<RequestDescription, 'api' | 'method' | 'path' | 'status' | 'functionName' | 'route' | 'requestId'>> & RequestDescription;
}

function hexId(n: number): string {
  return (0xa000 + n).toString(16).padStart(16, '0');
}

function layout(desc: RequestDescription): Layout {
  const d = { api: 'orders-api/prod', method: 'POST', path: '/prod/reports', status: 200, functionName: 'orders-fn', route: 'POST /reports', requestId: 'c0ffee00-1111-4222-8333-444455556666', ...desc };
  const init = d.initMs ?? 0;
  const overhead = d.overheadMs ?? 1;
  const fnStart = 3 + init;
  let n = 0;
  const id = (): string => hexId(++n);
  const stage: Node = { id: id(), parent: null, role: 'stage', start: 0, end: d.gatewayEnd };
  const invoke: Node = { id: id(), parent: stage.id, role: 'invoke', start: 2, end: d.gatewayEnd - 1 };
  const lambda: Node = { id: id(), parent: invoke.id, role: 'lambda', start: 2.5, end: d.functionEnd + 1 };
  const fn: Node = { id: id(), parent: lambda.id, role: 'fn', start: fnStart, end: d.functionEnd };
  const nodes = [stage, invoke, lambda, fn];
  if (init) nodes.push({ id: id(), parent: fn.id, role: 'init', start: 3, end: 3 + init });
  const invocation: Node = { id: id(), parent: fn.id, role: 'invocation', start: fnStart, end: d.functionEnd - overhead };
  nodes.push(invocation, { id: id(), parent: fn.id, role: 'overhead', start: d.functionEnd - overhead, end: d.functionEnd });
  for (const c of d.calls ?? []) nodes.push({ id: id(), parent: invocation.id, role: 'call', start: c.start, end: c.end, call: c });
  return { traceTail: d.traceTail ?? '5e3a8f0d9c4b2a1e7f6d5c4b', nodes, d };
}

const sec = (ms: number): number => T0_S + ms / 1000;
/** Epoch nanoseconds as OTLP/JSON writes them (a decimal string), exact for times given in µs. */
const nanos = (ms: number): string => (BigInt(T0_S) * 1_000_000_000n + BigInt(Math.round(ms * 1000)) * 1000n).toString();

export function traceIdOf(desc: RequestDescription): { xray: string; otel: string } {
  const tail = desc.traceTail ?? '5e3a8f0d9c4b2a1e7f6d5c4b';
  return { xray: `1-${T0_S.toString(16)}-${tail}`, otel: `${T0_S.toString(16)}${tail}` };
}

// ---------------------------------------------------------------------------------------------
// X-Ray

/** The request as X-Ray segment documents: stage, AWS::Lambda and function segments with their subsegments. */
export function xrayForm(desc: RequestDescription): Doc[] {
  const { nodes, d } = layout(desc);
  const traceId = traceIdOf(desc).xray;
  const byRole = (r: Node['role']): Node | undefined => nodes.find((x) => x.role === r);
  const stage = byRole('stage')!;
  const invoke = byRole('invoke')!;
  const lambda = byRole('lambda')!;
  const fn = byRole('fn')!;
  const fnArn = `arn:aws:lambda:us-east-1:123456789012:function:${d.functionName}`;
  const callDoc = (c: Node): Doc => {
    const call = c.call!;
    const doc: Doc = { id: c.id, name: call.target, start_time: sec(c.start), end_time: sec(c.end) };
    if (call.kind === 'aws') {
      doc.namespace = 'aws';
      doc.aws = { operation: call.operation, ...(call.table ? { table_name: call.table } : {}) };
      if (call.status) doc.http = { response: { status: call.status } };
    } else if (call.kind === 'http') {
      doc.namespace = 'remote';
      doc.http = { request: { method: call.operation ?? 'GET', url: `https://${call.target}/v1/items` }, ...(call.status ? { response: { status: call.status } } : {}) };
    } else {
      doc.namespace = 'remote';
      doc.sql = { database_type: 'postgresql', sanitized_query: 'SELECT * FROM items WHERE id = $1' };
    }
    const st = call.status;
    if (st === 429) doc.throttle = true;
    if (st !== undefined && st >= 400 && st < 500) doc.error = true;
    if (st !== undefined && st >= 500) doc.fault = true;
    if (call.exception) doc.cause = { exceptions: [{ type: call.exception.type, message: call.exception.message, remote: true, stack: [] }] };
    return doc;
  };
  const subsOf = (parent: Node): Doc[] =>
    nodes
      .filter((x) => x.parent === parent.id)
      .map((x) => {
        if (x.role === 'call') return callDoc(x);
        const name = x.role === 'init' ? 'Initialization' : x.role === 'invocation' ? 'Invocation' : 'Overhead';
        const doc: Doc = { id: x.id, name, start_time: sec(x.start), end_time: sec(x.end) };
        const subs = subsOf(x);
        if (subs.length) doc.subsegments = subs;
        if (x.role === 'invocation' && d.handlerException) {
          doc.fault = true;
          doc.cause = { exceptions: [{ type: d.handlerException.type, message: d.handlerException.message, stack: xrayStack(d.handlerException.stack) }] };
        }
        return doc;
      });
  const stageDoc: Doc = {
    id: stage.id,
    trace_id: traceId,
    name: d.api,
    origin: 'AWS::ApiGateway::Stage',
    resource_arn: `arn:aws:apigateway:us-east-1::/restapis/abc123/stages/${d.api.split('/')[1] ?? 'prod'}`,
    start_time: sec(stage.start),
    end_time: sec(stage.end),
    http: { request: { method: d.method, url: `https://abc123.execute-api.us-east-1.amazonaws.com${d.path}` }, response: { status: d.status } },
    annotations: { 'aws:api_id': 'abc123', 'aws:api_stage': 'prod' },
    subsegments: [{ id: invoke.id, name: 'Lambda', namespace: 'aws', start_time: sec(invoke.start), end_time: sec(invoke.end), aws: { operation: 'Invoke' }, http: { response: { status: d.status } } }],
  };
  if (d.status >= 500) stageDoc.fault = true;
  const lambdaDoc: Doc = {
    id: lambda.id,
    trace_id: traceId,
    parent_id: invoke.id,
    name: d.functionName,
    origin: 'AWS::Lambda',
    start_time: sec(lambda.start),
    end_time: sec(lambda.end),
    http: { response: { status: 200 } },
    aws: { request_id: d.requestId, function_arn: fnArn },
  };
  const fnDoc: Doc = {
    id: fn.id,
    trace_id: traceId,
    parent_id: lambda.id,
    name: d.functionName,
    origin: 'AWS::Lambda::Function',
    resource_arn: fnArn,
    start_time: sec(fn.start),
    end_time: sec(fn.end),
    subsegments: subsOf(fn),
  };
  return [stageDoc, lambdaDoc, fnDoc];
}

/** X-Ray's stack frames for a Node.js stack text (what the X-Ray SDK would have recorded). */
function xrayStack(stack: string): Doc[] {
  const frames: Doc[] = [];
  for (const line of stack.split('\n')) {
    const m = /^\s*at (?:(.+) \()?(.+):(\d+):\d+\)?$/.exec(line);
    if (m) frames.push({ path: m[2], line: Number(m[3]), ...(m[1] ? { label: m[1] } : {}) });
  }
  return frames;
}

export function batchGetTracesForm(desc: RequestDescription): string {
  const docs = xrayForm(desc);
  return JSON.stringify({ Traces: [{ Id: traceIdOf(desc).xray, Duration: 0, LimitExceeded: false, Segments: docs.map((x) => ({ Id: x.id, Document: JSON.stringify(x) })) }], UnprocessedTraceIds: [] });
}

// ---------------------------------------------------------------------------------------------
// OpenTelemetry

/** An OTel span before it is written in one of the two layouts. */
interface OtelSpan {
  resource: 'gateway' | 'lambda-service' | 'function';
  span: Doc;
  attributes: Record<string, string | number | boolean | string[]>;
}

const RESOURCES = (d: Layout['d']): Record<OtelSpan['resource'], Record<string, string | number>> => ({
  gateway: { 'service.name': d.api, 'cloud.provider': 'aws' },
  'lambda-service': { 'service.name': d.functionName, 'cloud.provider': 'aws' },
  function: {
    'service.name': d.functionName,
    'cloud.provider': 'aws',
    'cloud.platform': 'aws_lambda',
    'cloud.region': 'us-east-1',
    'faas.name': d.functionName,
    'faas.version': '$LATEST',
    'faas.max_memory': 1073741824,
  },
});

function otelSpans(desc: RequestDescription): { spans: OtelSpan[]; d: Layout['d'] } {
  const { nodes, d } = layout(desc);
  const traceId = traceIdOf(desc).otel;
  const fnArn = `arn:aws:lambda:us-east-1:123456789012:function:${d.functionName}`;
  const out: OtelSpan[] = [];
  for (const x of nodes) {
    const span: Doc = { traceId, spanId: x.id, name: '', kind: 'SPAN_KIND_INTERNAL', startTimeUnixNano: nanos(x.start), endTimeUnixNano: nanos(x.end) };
    if (x.parent) span.parentSpanId = x.parent;
    let attributes: OtelSpan['attributes'] = {};
    let resource: OtelSpan['resource'] = 'function';
    if (x.role === 'stage') {
      resource = 'gateway';
      span.name = d.api;
      span.kind = 'SPAN_KIND_SERVER';
      attributes = {
        'aws.origin': 'AWS::ApiGateway::Stage',
        'aws.xray.resource_arn': `arn:aws:apigateway:us-east-1::/restapis/abc123/stages/${d.api.split('/')[1] ?? 'prod'}`,
        'http.request.method': d.method,
        'url.full': `https://abc123.execute-api.us-east-1.amazonaws.com${d.path}`,
        'http.response.status_code': d.status,
        'aws:api_id': 'abc123',
        'aws:api_stage': 'prod',
      };
      if (d.status >= 500) span.status = { code: 'STATUS_CODE_ERROR' };
    } else if (x.role === 'invoke') {
      resource = 'gateway';
      span.name = 'Lambda.Invoke';
      span.kind = 'SPAN_KIND_CLIENT';
      attributes = { 'rpc.system': 'aws-api', 'rpc.service': 'Lambda', 'rpc.method': 'Invoke', 'http.response.status_code': d.status };
    } else if (x.role === 'lambda') {
      resource = 'lambda-service';
      span.name = d.functionName;
      span.kind = 'SPAN_KIND_SERVER';
      attributes = { 'aws.origin': 'AWS::Lambda', 'aws.request_id': d.requestId, 'http.response.status_code': 200 };
    } else if (x.role === 'fn') {
      span.name = d.route;
      span.kind = 'SPAN_KIND_SERVER';
      attributes = { 'faas.trigger': 'http', 'faas.invocation_id': d.requestId, 'cloud.resource_id': fnArn, 'faas.coldstart': (d.initMs ?? 0) > 0, 'http.route': d.route.split(' ')[1] ?? '/' };
    } else if (x.role === 'init') span.name = 'Init';
    else if (x.role === 'invocation') {
      span.name = 'Invocation';
      if (d.handlerException) {
        span.status = { code: 'STATUS_CODE_ERROR', message: d.handlerException.message };
        span.events = [{ timeUnixNano: nanos(x.end), name: 'exception', attributes: { 'exception.type': d.handlerException.type, 'exception.message': d.handlerException.message, 'exception.stacktrace': d.handlerException.stack } }];
      }
    } else if (x.role === 'overhead') span.name = 'Overhead';
    else {
      const c = x.call!;
      span.kind = 'SPAN_KIND_CLIENT';
      if (c.kind === 'aws') {
        span.name = `${c.target}.${c.operation}`;
        attributes = { 'rpc.system': 'aws-api', 'rpc.service': c.target, 'rpc.method': c.operation ?? '', 'aws.request_id': `R${x.id}` };
        if (c.table) attributes['aws.dynamodb.table_names'] = [c.table];
      } else if (c.kind === 'http') {
        span.name = c.operation ?? 'GET';
        attributes = { 'http.request.method': c.operation ?? 'GET', 'server.address': c.target, 'url.full': `https://${c.target}/v1/items` };
      } else {
        span.name = `SELECT ${c.target}`;
        attributes = { 'db.system': 'postgresql', 'db.name': c.target.split('@')[0] ?? c.target, 'server.address': c.target.split('@')[1] ?? 'db.example', 'db.statement': 'SELECT * FROM items WHERE id = $1' };
      }
      if (c.status !== undefined) attributes['http.response.status_code'] = c.status;
      if (c.status !== undefined && c.status >= 500) span.status = { code: 'STATUS_CODE_ERROR' };
      if (c.exception) span.events = [{ timeUnixNano: nanos(x.end), name: 'exception', attributes: { 'exception.type': c.exception.type, 'exception.message': c.exception.message, 'exception.stacktrace': c.exception.stack } }];
    }
    out.push({ resource, span, attributes });
  }
  return { spans: out, d };
}

/** An OTLP AnyValue for a plain value, as OTLP/JSON writes it (ints as strings). */
function anyValue(v: string | number | boolean | string[]): Doc {
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => ({ stringValue: x })) } };
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

const kv = (o: Record<string, string | number | boolean | string[]>): Doc[] => Object.entries(o).map(([key, value]) => ({ key, value: anyValue(value) }));

/** The request as one OTLP/JSON ExportTraceServiceRequest: a resourceSpans per resource, spans in `scopeSpans`. */
export function otlpForm(desc: RequestDescription): Doc {
  const { spans, d } = otelSpans(desc);
  const resources = RESOURCES(d);
  const order: Array<OtelSpan['resource']> = ['gateway', 'lambda-service', 'function'];
  return {
    resourceSpans: order.map((r) => ({
      resource: { attributes: kv(resources[r]) },
      scopeSpans: [
        {
          scope: { name: r === 'function' ? '@opentelemetry/instrumentation-aws-lambda' : 'aws-xray', version: '0.50.0' },
          spans: spans
            .filter((s) => s.resource === r)
            .map((s) => {
              const span: Doc = { ...s.span, attributes: kv(s.attributes) };
              if (Array.isArray(span.events)) span.events = (span.events as Doc[]).map((e) => ({ ...e, attributes: kv(e.attributes as Record<string, string>) }));
              return span;
            }),
        },
      ],
    })),
  };
}

const KIND_WORD: Readonly<Record<string, string>> = { SPAN_KIND_SERVER: 'SERVER', SPAN_KIND_CLIENT: 'CLIENT', SPAN_KIND_INTERNAL: 'INTERNAL' };

/**
 * The request as `aws/spans` records, one per log event: the resource and scope on each record,
 * flat attributes, the kind as a word, times as numbers (as the log group stores them) plus
 * `durationNano`.
 */
export function spanRecordsForm(desc: RequestDescription): Doc[] {
  const { spans, d } = otelSpans(desc);
  const resources = RESOURCES(d);
  return spans.map((s) => {
    const start = BigInt(s.span.startTimeUnixNano as string);
    const end = BigInt(s.span.endTimeUnixNano as string);
    const rec: Doc = {
      resource: { attributes: resources[s.resource] },
      scope: { name: s.resource === 'function' ? '@opentelemetry/instrumentation-aws-lambda' : 'aws-xray', version: '0.50.0' },
      traceId: s.span.traceId,
      spanId: s.span.spanId,
      flags: 256,
      name: s.span.name,
      kind: KIND_WORD[s.span.kind as string] ?? 'INTERNAL',
      startTimeUnixNano: Number(start),
      endTimeUnixNano: Number(end),
      durationNano: Number(end - start),
      attributes: s.attributes,
      status: s.span.status ? { code: 'ERROR', ...(typeof (s.span.status as Doc).message === 'string' ? { message: (s.span.status as Doc).message } : {}) } : { code: 'UNSET' },
    };
    if (s.span.parentSpanId) rec.parentSpanId = s.span.parentSpanId;
    if (s.span.events) rec.events = s.span.events;
    return rec;
  });
}
