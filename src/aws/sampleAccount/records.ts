// One scenario request → what AWS would hold about it: the X-Ray segment documents (shaped like
// the real API Gateway → Lambda captures), the Lambda log events (START … REPORT with its XRAY
// line), the API Gateway access-log line and the REST execution-log lines. Ids and durations
// agree across all of them: the REPORT's SegmentId is the function segment's id, its Duration the
// handler's run, the access log's xrayTraceId the trace's id.
import { ACCOUNT_ID, REGION, accessLogGroup, executionLogGroup, functionArn, functionEnd, lambdaLogGroup, urlOf, type SampleRequest } from './scenario';

export type Doc = Record<string, unknown>;

export interface LogEvent {
  group: string;
  stream: string;
  timestamp: number;
  message: string;
}

const sec = (ms: number): number => Math.round(ms) / 1000;

/** The segment documents of a (sampled) request. REST: stage → Lambda; HTTP API: the function's own. */
export function segmentDocuments(r: SampleRequest): Doc[] {
  const t0 = r.startMs;
  const at = (ms: number): number => sec(t0 + ms);
  const fnEndMs = functionEnd(r);
  const docs: Doc[] = [];
  const rest = r.route.api.kind === 'rest';
  if (rest) {
    const stage: Doc = {
      id: r.ids.stage,
      trace_id: r.traceId,
      name: `${r.route.api.name}/${r.route.api.stage}`,
      origin: 'AWS::ApiGateway::Stage',
      resource_arn: `arn:aws:apigateway:${REGION}::/restapis/${r.route.api.id}/stages/${r.route.api.stage}`,
      start_time: at(0),
      end_time: at(r.responseMs),
      http: { request: { url: urlOf(r), method: r.route.method, user_agent: r.client.userAgent, client_ip: r.client.ip, x_forwarded_for: true }, response: { status: r.status, content_length: 0 } },
      annotations: { 'aws:api_id': r.route.api.id, 'aws:api_stage': r.route.api.stage },
      metadata: { default: { 'extended_request_id': r.requestId.slice(0, 18), 'request_id': r.requestId } },
      aws: { api_gateway: { account_id: ACCOUNT_ID, rest_api_id: r.route.api.id, stage: r.route.api.stage, request_id: r.requestId } },
      subsegments: [
        {
          id: r.ids.invoke,
          name: 'Lambda',
          start_time: at(1),
          end_time: at(r.responseMs - 1),
          namespace: 'aws',
          http: { response: { status: r.status === 504 ? 504 : 200 } },
          aws: { function_name: r.route.fn.name, region: REGION, operation: 'Invoke', resource_names: [r.route.fn.name] },
          ...(r.status >= 500 ? { fault: true } : {}),
        },
      ],
      ...(r.status >= 500 ? { fault: true } : {}),
    };
    docs.push(stage);
  }
  const lambda: Doc = {
    id: r.ids.lambda,
    trace_id: r.traceId,
    name: r.route.fn.name,
    origin: 'AWS::Lambda',
    start_time: at(2),
    end_time: at(fnEndMs + 1),
    http: { response: { status: 200 } },
    aws: { request_id: r.lambdaRequestId, function_arn: functionArn(r.route.fn) },
    resource_arn: functionArn(r.route.fn),
    ...(rest ? { parent_id: r.ids.invoke } : {}),
  };
  docs.push(lambda);
  const invocationSubs: Doc[] = [];
  const independent: Doc[] = [];
  r.calls.forEach((c, i) => {
    const sub: Doc = {
      id: c.id,
      name: c.name,
      start_time: at(c.start),
      end_time: at(c.start + c.duration),
      namespace: c.namespace,
      http: { ...(c.url ? { request: { url: c.url, method: c.operation } } : {}), response: { status: c.status } },
      aws:
        c.namespace === 'aws'
          ? { operation: c.operation, region: REGION, request_id: `${c.id.toUpperCase()}AAAA`, retries: c.retries ?? 0, ...(c.table ? { table_name: c.table } : {}) }
          : undefined,
      ...(c.throttle ? { throttle: true } : {}),
    };
    if (i < 100) invocationSubs.push(sub);
    // Segments over the SDK's streaming threshold send the rest of their subsegments on their own.
    else independent.push({ ...sub, type: 'subsegment', trace_id: r.traceId, parent_id: r.ids.invocation });
    if (c.namespace === 'aws' && i < 40) {
      docs.push({
        id: c.inferredId,
        trace_id: r.traceId,
        parent_id: c.id,
        name: c.name,
        origin: c.name === 'DynamoDB' ? 'AWS::DynamoDB::Table' : `AWS::${c.name}`,
        inferred: true,
        start_time: at(c.start),
        end_time: at(c.start + c.duration),
        http: { response: { status: c.status } },
        aws: { operation: c.operation, region: REGION, ...(c.table ? { table_name: c.table } : {}) },
      });
    }
  });
  const fnSubs: Doc[] = [];
  if (r.cold) fnSubs.push({ id: r.ids.init, name: 'Initialization', start_time: at(r.fnStart), end_time: at(r.fnStart + r.initMs), aws: { function_arn: functionArn(r.route.fn) } });
  fnSubs.push({ id: r.ids.invocation, name: 'Invocation', start_time: at(r.invStart), end_time: at(r.invStart + r.fnDuration), subsegments: invocationSubs, ...(r.fnTimedOut ? { fault: true } : {}) });
  if (!r.fnTimedOut) fnSubs.push({ id: r.ids.overhead, name: 'Overhead', start_time: at(r.invStart + r.fnDuration), end_time: at(fnEndMs), aws: { function_arn: functionArn(r.route.fn) } });
  docs.push({
    id: r.ids.fn,
    trace_id: r.traceId,
    parent_id: r.ids.lambda,
    name: r.route.fn.name,
    origin: 'AWS::Lambda::Function',
    resource_arn: functionArn(r.route.fn),
    start_time: at(r.invStart),
    end_time: at(fnEndMs),
    aws: { account_id: ACCOUNT_ID, function_arn: functionArn(r.route.fn), resource_names: [r.route.fn.name] },
    subsegments: fnSubs,
    ...(r.fnTimedOut ? { fault: true, cause: { exceptions: [{ id: r.ids.overhead, type: 'Sandbox.Timedout', message: `Task timed out after ${r.route.fn.timeoutS.toFixed(2)} seconds` }] } } : {}),
  });
  docs.push(...independent);
  return docs.map((d) => JSON.parse(JSON.stringify(d)) as Doc); // drop undefined fields, as JSON would
}

/** The INIT_START line's runtime version and its ARN, per runtime (`nodejs20.x`, `python3.12`). */
function runtimeVersion(runtime: string): string {
  const [version, hash] = runtime.startsWith('python')
    ? [`python:${runtime.slice('python'.length)}.v38`, '7a3f5c2e9b8d41f6a0c4e7d2b9f1a6c3e8d5b2f7a4c1e9d6b3f0a7c4e1d8b5f2']
    : [`nodejs:${runtime.replace(/^nodejs|\.x$/g, '')}.v32`, '0a25e3e7a1cc9ce404bc435eeb2ad358d8fa64338e618d0c224fe509403583ca'];
  return `Runtime Version: ${version}\tRuntime Version ARN: arn:aws:lambda:${REGION}::runtime:${hash}`;
}

/** The Lambda log events of a request, in /aws/lambda/<function>. */
export function lambdaEvents(r: SampleRequest): LogEvent[] {
  const group = lambdaLogGroup(r.route.fn);
  const at = (ms: number): number => Math.round(r.startMs + ms);
  const ev = (ms: number, message: string): LogEvent => ({ group, stream: r.stream, timestamp: at(ms), message });
  const id = r.lambdaRequestId;
  const out: LogEvent[] = [];
  if (r.cold) out.push(ev(r.fnStart, `INIT_START ${runtimeVersion(r.route.fn.runtime)}\n`));
  out.push(ev(r.invStart, `START RequestId: ${id} Version: $LATEST\n`));
  const iso = (ms: number): string => new Date(at(ms)).toISOString();
  if (r.route.kind === 'reports') out.push(ev(r.invStart + 5, `${iso(r.invStart + 5)}\t${id}\tINFO\tBuilding report for ${r.calls.length - 1} orders\n`));
  if (r.fnTimedOut) {
    out.push(ev(r.invStart + r.fnDuration, `${iso(r.invStart + r.fnDuration)} ${id} Task timed out after ${r.route.fn.timeoutS.toFixed(2)} seconds\n`));
  } else if (r.route.kind === 'reports') {
    out.push(ev(r.invStart + r.fnDuration - 1, `${iso(r.invStart + r.fnDuration - 1)}\t${id}\tINFO\tReport generated successfully\n`));
  }
  out.push(ev(r.invStart + r.fnDuration, `END RequestId: ${id}\n`));
  const duration = r.fnDuration + 0.37;
  const billed = Math.ceil(duration);
  const maxMem = Math.min(r.route.fn.memoryMb - 1, Math.round(r.route.fn.memoryMb * 0.2 + (r.calls.length % 97)));
  const report =
    `REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${r.route.fn.memoryMb} MB\tMax Memory Used: ${maxMem} MB` +
    (r.cold ? `\tInit Duration: ${(r.initMs + 0.42).toFixed(2)} ms` : '') +
    (r.fnTimedOut ? '\tStatus: timeout' : '') +
    `\t\nXRAY TraceId: ${r.traceId}\tSegmentId: ${r.ids.fn}\tSampled: ${r.sampled}\t\n`;
  out.push(ev(functionEnd(r), report));
  return out;
}

/**
 * The access-log line ($context variables as JSON) of a request. `$context.xrayTraceId` names
 * the requests X-Ray sampled; with `tracedAlways` (Transaction Search on, the function
 * instrumented with OpenTelemetry: every request has its spans in aws/spans) it names them all.
 */
export function accessEvent(r: SampleRequest, opts: { tracedAlways?: boolean } = {}): LogEvent {
  const api = r.route.api;
  const base = {
    requestId: r.requestId,
    ip: r.client.ip,
    userAgent: r.client.userAgent,
    requestTime: new Date(r.startMs).toUTCString(),
    requestTimeEpoch: Math.floor(r.startMs / 1000),
    status: String(r.status),
    protocol: 'HTTP/1.1',
    responseLength: r.status >= 500 ? '41' : '512',
    responseLatency: String(r.responseMs),
    xrayTraceId: api.kind === 'rest' && (r.sampled || opts.tracedAlways) ? r.traceId : '-',
  };
  const line =
    api.kind === 'rest'
      ? { ...base, httpMethod: r.route.method, resourcePath: r.route.path, integrationLatency: r.status === 504 ? '-1' : String(r.responseMs - 6), integrationStatus: r.status === 504 ? '-' : '200', ...(r.status === 504 ? { errorResponseType: 'INTEGRATION_TIMEOUT' } : {}) }
      : { ...base, routeKey: `${r.route.method} ${r.route.path}`, integrationLatency: r.status === 504 ? String(r.route.timeoutMs) : String(r.responseMs - 3), integrationStatus: r.status === 504 ? '-' : '200', integrationErrorMessage: r.status === 504 ? 'Network error communicating with endpoint' : '-' };
  return { group: accessLogGroup(api), stream: `${api.id}_${api.stage}`, timestamp: r.startMs + r.responseMs, message: JSON.stringify(line) };
}

/** REST execution-log lines of a request. */
export function executionEvents(r: SampleRequest): LogEvent[] {
  const api = r.route.api;
  if (api.kind !== 'rest') return [];
  const group = executionLogGroup(api);
  const stream = r.stream.slice(-32);
  const id = r.requestId;
  const at = (ms: number): number => Math.round(r.startMs + ms);
  const lines: Array<[number, string]> = [
    [0, `(${id}) Extended Request Id: ${id.slice(0, 18)}`],
    [1, `(${id}) Verifying Usage Plan for request: ${id}. API Key:  API Stage: ${api.id}/${api.stage}`],
    [1, `(${id}) Starting execution for request: ${id}`],
    [2, `(${id}) HTTP Method: ${r.route.method}, Resource Path: ${urlOf(r).replace(/^https:\/\/[^/]+\/[^/]+/, '')}`],
    [2, `(${id}) Endpoint request URI: https://lambda.${REGION}.amazonaws.com/2015-03-31/functions/${functionArn(r.route.fn)}/invocations`],
  ];
  if (r.status === 504) {
    lines.push([r.responseMs - 2, `(${id}) Execution failed due to a timeout error`]);
  } else if (r.status === 502) {
    lines.push([r.responseMs - 3, `(${id}) Received response. Status: 200, Integration latency: ${r.responseMs - 6} ms`]);
    lines.push([r.responseMs - 2, `(${id}) Lambda execution failed with status 200 due to customer function error: Task timed out after ${r.route.fn.timeoutS.toFixed(2)} seconds. Lambda request id: ${r.lambdaRequestId}`]);
  } else {
    lines.push([r.responseMs - 3, `(${id}) Received response. Status: 200, Integration latency: ${r.responseMs - 6} ms`]);
  }
  lines.push([r.responseMs, `(${id}) Method completed with status: ${r.status}`]);
  return lines.map(([ms, message]) => ({ group, stream, timestamp: at(ms), message }));
}

// ---------------------------------------------------------------------------------------------
// Transaction Search: the request's spans as the `aws/spans` log group holds them

/** The log group Transaction Search writes spans to (a name AWS reserves: no leading slash). */
export const SPANS_LOG_GROUP = 'aws/spans';

/** The W3C/OpenTelemetry form of an X-Ray trace id: its 32 hex digits (`1-5f84c7a1-58dd…` → `5f84c7a158dd…`). */
export function otelTraceId(xrayTraceId: string): string {
  return xrayTraceId.slice(2).replace('-', '');
}

/** One span record of `aws/spans` (an OTLP span with its resource and scope, attributes as a plain object). */
export interface SpanRecord {
  resource: { attributes: Record<string, unknown> };
  scope: { name: string; version: string };
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** OTLP's span flags (0x100: whether the parent is remote is known), as the records carry them. */
  flags: number;
  name: string;
  kind: 'SERVER' | 'CLIENT' | 'INTERNAL';
  /** Nanoseconds since the epoch, as decimal digits (the record writes them as JSON numbers, too big for a double). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNano: number;
  attributes: Record<string, unknown>;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
}

/**
 * The spans of a request as Transaction Search stores them in `aws/spans`: API Gateway's stage
 * and its call to Lambda, and the Lambda service's and the function's own (with Initialization on a
 * cold start, Invocation and Overhead), converted from X-Ray's segments to the OpenTelemetry
 * semantic conventions, `aws.origin` saying what each was (the attribute the Collector's X-Ray
 * exporter maps to a segment's origin); and under the Invocation, the ADOT layer's CLIENT span of
 * each AWS SDK call. Ids, times and durations are the request's own, the same as its segment
 * documents and log lines; the trace id is the X-Ray id's 32 hex digits. AWS does not document the
 * converted records field by field: the names here follow the OpenTelemetry conventions and the
 * AWS Distro's `aws.*` attributes (`aws.local.service`, `aws.span.kind`, `aws.remote.*`).
 */
export function spanRecords(r: SampleRequest): SpanRecord[] {
  const traceId = otelTraceId(r.traceId);
  const fn = r.route.fn;
  const api = r.route.api;
  const rest = api.kind === 'rest';
  const ns = (ms: number): string => `${Math.round(r.startMs + ms)}000000`;
  const out: SpanRecord[] = [];
  const span = (s: Omit<SpanRecord, 'traceId' | 'flags' | 'startTimeUnixNano' | 'endTimeUnixNano' | 'durationNano'>, fromMs: number, toMs: number): void => {
    const { parentSpanId, ...rest } = s;
    out.push({
      resource: rest.resource,
      scope: rest.scope,
      traceId,
      spanId: rest.spanId,
      ...(parentSpanId ? { parentSpanId } : {}),
      flags: 256,
      name: rest.name,
      kind: rest.kind,
      startTimeUnixNano: ns(fromMs),
      endTimeUnixNano: ns(toMs),
      durationNano: Math.round(toMs - fromMs) * 1_000_000,
      attributes: rest.attributes,
      status: rest.status,
    });
  };
  const cloud = { 'cloud.provider': 'aws', 'cloud.region': REGION, 'cloud.account.id': ACCOUNT_ID };
  const converted = { name: 'aws-xray', version: '1.0' };
  const fnEndMs = functionEnd(r);
  const operation = `${r.route.method} ${r.route.path}`;
  const stageName = `${api.name}/${api.stage}`;
  const arn = functionArn(fn);
  if (rest) {
    const gateway = { attributes: { ...cloud, 'cloud.platform': 'aws_api_gateway', 'service.name': stageName, 'aws.local.service': stageName } };
    const fault = r.status >= 500;
    span(
      {
        resource: gateway,
        scope: converted,
        spanId: r.ids.stage,
        name: stageName,
        kind: 'SERVER',
        attributes: {
          'aws.origin': 'AWS::ApiGateway::Stage',
          'aws.xray.resource_arn': `arn:aws:apigateway:${REGION}::/restapis/${api.id}/stages/${api.stage}`,
          'aws.span.kind': 'LOCAL_ROOT',
          'aws.local.service': stageName,
          'aws.local.operation': operation,
          'aws:api_id': api.id,
          'aws:api_stage': api.stage,
          'aws.request_id': r.requestId,
          'http.request.method': r.route.method,
          'http.route': r.route.path,
          'url.full': urlOf(r),
          'user_agent.original': r.client.userAgent,
          'client.address': r.client.ip,
          'http.response.status_code': r.status,
        },
        status: fault ? { code: 'ERROR' } : { code: 'UNSET' },
      },
      0,
      r.responseMs,
    );
    span(
      {
        resource: gateway,
        scope: converted,
        spanId: r.ids.invoke,
        parentSpanId: r.ids.stage,
        name: 'Lambda.Invoke',
        kind: 'CLIENT',
        attributes: {
          'aws.span.kind': 'CLIENT',
          'aws.local.service': stageName,
          'aws.remote.service': 'AWS::Lambda',
          'aws.remote.operation': 'Invoke',
          'aws.remote.resource.type': 'AWS::Lambda::Function',
          'aws.remote.resource.identifier': fn.name,
          'rpc.system': 'aws-api',
          'rpc.service': 'Lambda',
          'rpc.method': 'Invoke',
          'http.response.status_code': r.status === 504 ? 504 : 200,
        },
        status: fault ? { code: 'ERROR' } : { code: 'UNSET' },
      },
      1,
      r.responseMs - 1,
    );
  }
  const lambda = { attributes: { ...cloud, 'cloud.platform': 'aws_lambda', 'service.name': fn.name, 'aws.local.service': fn.name, 'faas.name': fn.name, 'faas.version': '$LATEST' } };
  span(
    {
      resource: lambda,
      scope: converted,
      spanId: r.ids.lambda,
      ...(rest ? { parentSpanId: r.ids.invoke } : {}),
      name: fn.name,
      kind: 'SERVER',
      attributes: { 'aws.origin': 'AWS::Lambda', 'aws.request_id': r.lambdaRequestId, 'cloud.resource_id': arn, 'http.response.status_code': 200 },
      status: { code: 'UNSET' },
    },
    2,
    fnEndMs + 1,
  );
  // The function: its resource is the ADOT layer's (the runtime's language, the SDK).
  const function_ = {
    attributes: {
      ...lambda.attributes,
      'faas.max_memory': fn.memoryMb * 1024 * 1024,
      'aws.log.group.names': [`/aws/lambda/${fn.name}`],
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.language': fn.runtime.startsWith('python') ? 'python' : 'nodejs',
      'telemetry.auto.version': '0.6.0-aws',
    },
  };
  const timedOut = { code: 'ERROR' as const, message: `Task timed out after ${fn.timeoutS.toFixed(2)} seconds` };
  span(
    {
      resource: function_,
      scope: converted,
      spanId: r.ids.fn,
      parentSpanId: r.ids.lambda,
      name: fn.name,
      kind: 'SERVER',
      attributes: {
        'aws.origin': 'AWS::Lambda::Function',
        'aws.span.kind': 'LOCAL_ROOT',
        'aws.local.service': fn.name,
        'aws.local.operation': `${fn.name}/FunctionHandler`,
        'cloud.resource_id': arn,
        'faas.trigger': 'http',
        'faas.invocation_id': r.lambdaRequestId,
        'faas.coldstart': r.cold,
        'code.function': fn.handler,
      },
      status: r.fnTimedOut ? timedOut : { code: 'UNSET' },
    },
    r.invStart,
    fnEndMs,
  );
  const phase = (spanId: string, name: string, fromMs: number, toMs: number, status: SpanRecord['status'] = { code: 'UNSET' }): void =>
    span({ resource: function_, scope: converted, spanId, parentSpanId: r.ids.fn, name, kind: 'INTERNAL', attributes: { 'cloud.resource_id': arn }, status }, fromMs, toMs);
  if (r.cold) phase(r.ids.init, 'Initialization', r.fnStart, r.fnStart + r.initMs);
  phase(r.ids.invocation, 'Invocation', r.invStart, r.invStart + r.fnDuration, r.fnTimedOut ? timedOut : undefined);
  if (!r.fnTimedOut) phase(r.ids.overhead, 'Overhead', r.invStart + r.fnDuration, fnEndMs);
  const sdkScope = { name: fn.runtime.startsWith('python') ? 'opentelemetry.instrumentation.botocore' : '@opentelemetry/instrumentation-aws-sdk', version: '0.49.0' };
  for (const c of r.calls) {
    const aws = c.namespace === 'aws';
    span(
      {
        resource: function_,
        scope: sdkScope,
        spanId: c.id,
        parentSpanId: r.ids.invocation,
        name: aws ? `${c.name}.${c.operation}` : c.operation,
        kind: 'CLIENT',
        attributes: aws
          ? {
              'aws.span.kind': 'CLIENT',
              'aws.local.service': fn.name,
              'aws.remote.service': `AWS::${c.name}`,
              'aws.remote.operation': c.operation,
              'rpc.system': 'aws-api',
              'rpc.service': c.name,
              'rpc.method': c.operation,
              'aws.request_id': `${c.id.toUpperCase()}AAAA`,
              'cloud.region': REGION,
              'http.response.status_code': c.status,
              ...(c.table ? { 'db.system': 'dynamodb', 'aws.dynamodb.table_names': [c.table], 'aws.remote.resource.type': 'AWS::DynamoDB::Table', 'aws.remote.resource.identifier': c.table } : {}),
              ...(c.retries ? { 'aws.xray.retries': c.retries } : {}),
            }
          : {
              'aws.span.kind': 'CLIENT',
              'aws.local.service': fn.name,
              'aws.remote.service': c.name,
              'http.request.method': c.operation,
              'url.full': c.url ?? `https://${c.name}/`,
              'server.address': c.name,
              'http.response.status_code': c.status,
            },
        status: c.status >= 500 ? { code: 'ERROR' } : { code: 'UNSET' },
      },
      c.start,
      c.start + c.duration,
    );
  }
  return out;
}

/** A span record as the JSON text of its log event: the nanosecond times as JSON numbers, digit for digit. */
export function spanRecordText(s: SpanRecord): string {
  return JSON.stringify(s).replace(/"(startTimeUnixNano|endTimeUnixNano)":"(\d+)"/g, '"$1":$2');
}

/** The request's span records as `aws/spans` log events, each at its span's end (when it is exported). */
export function spanEvents(r: SampleRequest): LogEvent[] {
  return spanRecords(r).map((s) => ({ group: SPANS_LOG_GROUP, stream: 'default', timestamp: Number(s.endTimeUnixNano.slice(0, -6)), message: spanRecordText(s) }));
}
