// How each OpenTelemetry convention lands on the Span fields the engine reads: HTTP (old and new
// attribute names), AWS SDK calls, databases, FaaS and the resource, Lambda's phases, status and
// exceptions, code locations; and what the details pane is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOtlpText, parseOtlpValue, parseSpanRecords, parseStackTrace } from '../../../src/ingest/otel';
import { spanDetails } from '../../../src/ui/waterfallSnapshot';
import { otelCodeFrame } from '../../../src/code/evidence';
import type { Span } from '../../../src/core/model';

const TRACE = '6740b1c25e3a8f0d9c4b2a1e7f6d5c4b';
const XRAY = '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b';
const T0 = 1_732_000_000_000n; // ms
const ns = (ms: number): string => ((T0 + BigInt(ms)) * 1_000_000n).toString();

type Attr = string | number | boolean | string[];
const kv = (o: Record<string, Attr>): unknown[] =>
  Object.entries(o).map(([key, v]) => ({
    key,
    value: Array.isArray(v) ? { arrayValue: { values: v.map((x) => ({ stringValue: x })) } } : typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
  }));

interface S {
  id: string;
  parent?: string;
  name: string;
  kind?: number | string;
  start?: number;
  end?: number;
  attrs?: Record<string, Attr>;
  status?: unknown;
  events?: unknown[];
}

/** One ExportTraceServiceRequest: each group is a resource with its spans. */
function otlp(...groups: Array<{ resource?: Record<string, Attr>; spans: S[] }>): unknown {
  return {
    resourceSpans: groups.map((g) => ({
      resource: { attributes: kv(g.resource ?? {}) },
      scopeSpans: [
        {
          scope: { name: 'test', version: '1' },
          spans: g.spans.map((s) => ({
            traceId: TRACE,
            spanId: s.id,
            ...(s.parent ? { parentSpanId: s.parent } : {}),
            name: s.name,
            kind: s.kind ?? 1,
            startTimeUnixNano: ns(s.start ?? 0),
            endTimeUnixNano: ns(s.end ?? 100),
            attributes: kv(s.attrs ?? {}),
            ...(s.status ? { status: s.status } : {}),
            ...(s.events ? { events: s.events } : {}),
          })),
        },
      ],
    })),
  };
}

function spansOf(value: unknown): { byId: Map<string, Span>; errors: string[] } {
  const r = parseOtlpValue(value, 'f.json');
  const byId = new Map<string, Span>();
  for (const t of r.traces) for (const s of t.spans) byId.set(s.id, s);
  return { byId, errors: r.errors.map((e) => e.message) };
}

const LAMBDA = { 'cloud.provider': 'aws', 'cloud.platform': 'aws_lambda', 'faas.name': 'orders-fn', 'cloud.region': 'eu-west-1', 'service.name': 'orders-fn' };
const A = '00000000000000a1';
const B = '00000000000000b2';
const C = '00000000000000c3';
const D = '00000000000000d4';

test('an HTTP server span with the old attribute names and one with the new ones read the same', () => {
  const old = { 'http.method': 'GET', 'http.url': 'https://x.example/a?b=1', 'http.status_code': 503, 'http.user_agent': 'curl/8', 'http.client_ip': '203.0.113.9', 'http.response_content_length': 12 };
  const neu = { 'http.request.method': 'GET', 'url.full': 'https://x.example/a?b=1', 'http.response.status_code': 503, 'user_agent.original': 'curl/8', 'client.address': '203.0.113.9', 'http.response.body.size': 12 };
  const a = spansOf(otlp({ spans: [{ id: A, name: 'GET /a', kind: 2, attrs: old }] })).byId.get(A)!;
  const b = spansOf(otlp({ spans: [{ id: A, name: 'GET /a', kind: 2, attrs: neu }] })).byId.get(A)!;
  const want = { method: 'GET', url: 'https://x.example/a?b=1', status: 503, userAgent: 'curl/8', clientIp: '203.0.113.9', contentLength: 12 };
  assert.deepEqual(a.http, want);
  assert.deepEqual(b.http, want);
  // 5xx: a fault, as X-Ray sets it; a root server span is the entry (a service, not a gateway).
  for (const s of [a, b]) assert.deepEqual([s.fault, s.error, s.throttle, s.kind, s.frontDoor, s.isSegment], [true, false, false, 'front-door', 'other', true]);
  // A server span that says where it was reached in parts has that URL.
  const parts = spansOf(otlp({ spans: [{ id: A, name: 'GET', kind: 2, attrs: { 'url.scheme': 'https', 'server.address': 'api.example', 'url.path': '/orders/7', 'url.query': 'x=1' } }] })).byId.get(A)!;
  assert.equal(parts.http?.url, 'https://api.example/orders/7?x=1');
});

test('HTTP statuses and span status give fault, error and throttle as X-Ray does', () => {
  const cases: Array<[Record<string, Attr>, unknown, [boolean, boolean, boolean]]> = [
    [{ 'http.response.status_code': 429 }, undefined, [false, true, true]],
    [{ 'http.response.status_code': 404 }, { code: 2 }, [false, true, false]],
    [{ 'http.response.status_code': 500 }, undefined, [true, false, false]],
    [{}, { code: 'STATUS_CODE_ERROR', message: 'boom' }, [true, false, false]],
    [{}, { code: 'ERROR' }, [true, false, false]],
    [{}, { code: 1 }, [false, false, false]],
  ];
  for (const [attrs, status, [fault, error, throttle]] of cases) {
    const s = spansOf(otlp({ spans: [{ id: A, name: 'x', kind: 3, attrs, status }] })).byId.get(A)!;
    assert.deepEqual([s.fault, s.error, s.throttle], [fault, error, throttle], JSON.stringify([attrs, status]));
  }
});

test('an AWS SDK call (rpc.system aws-api) is a downstream call named by service, with operation, table, request id and resources', () => {
  const { byId, errors } = spansOf(
    otlp({
      resource: LAMBDA,
      spans: [
        { id: A, name: 'handler', kind: 2 },
        { id: B, parent: A, name: 'DynamoDB.Query', kind: 3, attrs: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'Query', 'aws.dynamodb.table_names': ['orders'], 'aws.request_id': 'RID1', 'cloud.region': 'eu-west-1' } },
        { id: C, parent: A, name: 'SQS.SendMessage', kind: 4, attrs: { 'rpc.system': 'aws-api', 'rpc.service': 'SQS', 'rpc.method': 'SendMessage', 'aws.sqs.queue_url': 'https://sqs.eu-west-1.amazonaws.com/1/q', 'messaging.destination.name': 'q' } },
        { id: D, parent: A, name: 'S3.GetObject', kind: 3, attrs: { 'rpc.system': 'aws-api', 'aws.s3.bucket': 'reports', 'aws.request.id': 'RID3' } },
      ],
    }),
  );
  assert.deepEqual(errors, []);
  const q = byId.get(B)!;
  assert.deepEqual([q.kind, q.namespace, q.name, q.isSegment], ['downstream', 'aws', 'DynamoDB', false]);
  assert.deepEqual(q.aws, { operation: 'Query', tableName: 'orders', requestId: 'RID1', region: 'eu-west-1', resourceNames: ['orders'] });
  assert.equal(q.otel?.spanName, 'DynamoDB.Query');
  const sqs = byId.get(C)!;
  assert.deepEqual([sqs.kind, sqs.namespace, sqs.name, sqs.aws?.operation], ['downstream', 'aws', 'SQS', 'SendMessage']);
  assert.deepEqual(sqs.aws?.resourceNames, ['https://sqs.eu-west-1.amazonaws.com/1/q', 'q']);
  // Without rpc.service and rpc.method, the span name `Service.Operation` says both.
  const s3 = byId.get(D)!;
  assert.deepEqual([s3.name, s3.aws?.operation, s3.aws?.requestId, s3.aws?.resourceNames], ['S3', 'GetObject', 'RID3', ['reports']]);
  // Application Signals' aws.remote.service names the service too.
  const as = spansOf(otlp({ spans: [{ id: A, name: 'x', kind: 3, attrs: { 'rpc.system': 'aws-api', 'aws.remote.service': 'AWS::DynamoDB', 'aws.remote.operation': 'PutItem' } }] })).byId.get(A)!;
  assert.deepEqual([as.name, as.aws?.operation], ['DynamoDB', 'PutItem']);
});

test('HTTP and database client spans are remote calls named by host (db@host for a database), with SQL kept', () => {
  const { byId } = spansOf(
    otlp({
      spans: [
        { id: A, name: 'root', kind: 2 },
        { id: B, parent: A, name: 'GET', kind: 3, attrs: { 'http.request.method': 'GET', 'url.full': 'https://api.partner.example/v1/x', 'http.response.status_code': 200 } },
        { id: C, parent: A, name: 'GET', kind: 3, attrs: { 'http.method': 'GET', 'net.peer.name': 'legacy.example', 'http.status_code': 200 } },
        { id: D, parent: A, name: 'SELECT orders', kind: 3, attrs: { 'db.system': 'postgresql', 'db.name': 'orders', 'server.address': 'db.example', 'db.statement': 'SELECT 1', 'db.user': 'app' } },
      ],
    }),
  );
  assert.deepEqual([byId.get(B)!.kind, byId.get(B)!.namespace, byId.get(B)!.name, byId.get(B)!.http?.method], ['downstream', 'remote', 'api.partner.example', 'GET']);
  assert.equal(byId.get(C)!.name, 'legacy.example');
  const db = byId.get(D)!;
  assert.deepEqual([db.kind, db.namespace, db.name], ['downstream', 'remote', 'orders@db.example']);
  assert.deepEqual(db.sql, { database_type: 'postgresql', sanitized_query: 'SELECT 1', url: 'db.example', user: 'app', database: 'orders' });
  // The new names: db.query.text, db.namespace.
  const neu = spansOf(otlp({ spans: [{ id: A, name: 'q', kind: 3, attrs: { 'db.system': 'mysql', 'db.namespace': 'shop', 'db.query.text': 'SELECT 2' } }] })).byId.get(A)!;
  assert.deepEqual([neu.name, neu.sql?.sanitized_query], ['shop', 'SELECT 2']);
});

test('a Lambda server span is the function segment, named by faas.name, with its request id, ARN and Region; its phases by name', () => {
  const { byId, errors } = spansOf(
    otlp({
      resource: LAMBDA,
      spans: [
        { id: A, name: 'POST /reports', kind: 2, start: 400, end: 1_000, attrs: { 'faas.trigger': 'http', 'faas.invocation_id': 'req-1', 'cloud.resource_id': 'arn:aws:lambda:eu-west-1:1:function:orders-fn', 'faas.coldstart': true } },
        { id: B, parent: A, name: 'platform.initRuntimeDone', start: 0, end: 380 },
        { id: C, parent: A, name: 'Invocation', start: 400, end: 990 },
        { id: D, parent: A, name: 'Overhead', start: 990, end: 1_000 },
      ],
    }),
  );
  assert.deepEqual(errors, []);
  const fn = byId.get(A)!;
  assert.deepEqual([fn.kind, fn.name, fn.origin, fn.isSegment, fn.otel?.spanName], ['function', 'orders-fn', 'AWS::Lambda::Function', true, 'POST /reports']);
  assert.deepEqual(fn.aws, { requestId: 'req-1', region: 'eu-west-1', functionArn: 'arn:aws:lambda:eu-west-1:1:function:orders-fn' });
  assert.equal(fn.resourceArn, 'arn:aws:lambda:eu-west-1:1:function:orders-fn');
  assert.deepEqual([byId.get(B)!.kind, byId.get(C)!.kind, byId.get(D)!.kind], ['initialization', 'invocation', 'overhead']);
  // "Init" and "Restore" too; the same names elsewhere are ordinary spans.
  const more = spansOf(otlp({ resource: LAMBDA, spans: [{ id: A, name: 'h', kind: 2 }, { id: B, parent: A, name: 'Init' }, { id: C, parent: A, name: 'Restore' }, { id: D, name: 'Init', kind: 1, parent: C }] })).byId;
  assert.deepEqual([more.get(B)!.kind, more.get(C)!.kind, more.get(D)!.kind], ['initialization', 'restore', 'custom']);
  // A cold start without an Init span: said, since its length is not in the trace.
  const noInit = spansOf(otlp({ resource: LAMBDA, spans: [{ id: A, name: 'h', kind: 2, attrs: { 'faas.coldstart': true } }] }));
  assert.deepEqual(noInit.errors, [`"orders-fn" (${A}) was a cold start (faas.coldstart), but the trace has no Init span under it: the cold start's length is not known, so the breakdown shows none (the function's REPORT line gives it as Init Duration).`]);
  // A second server span inside the function (a web framework's) is not a second function.
  const nested = spansOf(otlp({ resource: LAMBDA, spans: [{ id: A, name: 'h', kind: 2 }, { id: B, parent: A, name: 'express', kind: 2 }] })).byId;
  assert.deepEqual([nested.get(A)!.kind, nested.get(B)!.kind], ['function', 'custom']);
});

test('aws.origin (and a stage ARN) make the API Gateway and Lambda service spans X-Ray has', () => {
  const stageArn = 'arn:aws:apigateway:us-east-1::/restapis/abc/stages/prod';
  const { byId } = spansOf(
    otlp(
      { resource: { 'aws.xray.resource_arn': stageArn }, spans: [{ id: A, name: 'api/prod', kind: 2, attrs: { 'http.response.status_code': 504 } }] },
      { spans: [{ id: B, parent: A, name: 'fn', kind: 2, attrs: { 'aws.origin': 'AWS::Lambda' } }] },
      { spans: [{ id: C, name: 'api2/$default', kind: 2, attrs: { 'aws.origin': 'AWS::ApiGateway::Stage', 'aws.xray.resource_arn': 'arn:aws:apigateway:us-east-1::/apis/xyz/stages/$default' } }] },
    ),
  );
  const stage = byId.get(A)!;
  assert.deepEqual([stage.kind, stage.frontDoor, stage.origin, stage.resourceArn, stage.fault], ['front-door', 'rest-api', 'AWS::ApiGateway::Stage', stageArn, true]);
  assert.deepEqual([byId.get(B)!.kind, byId.get(B)!.origin], ['lambda-service', 'AWS::Lambda']);
  assert.deepEqual([byId.get(C)!.kind, byId.get(C)!.frontDoor], ['front-door', 'http-api']);
});

test('exception events become the cause, with frames from Node, Python and Java stack traces; a failed span without one keeps its status message', () => {
  const ev = (type: string, message: string, stack: string): unknown => ({ name: 'exception', timeUnixNano: ns(50), attributes: kv({ 'exception.type': type, 'exception.message': message, 'exception.stacktrace': stack }) });
  const { byId } = spansOf(
    otlp({
      resource: LAMBDA,
      spans: [
        { id: A, name: 'h', kind: 2, status: { code: 2 }, events: [ev('TypeError', 'x is undefined', 'TypeError: x is undefined\n    at handler (/var/task/index.js:12:5)\n    at /var/task/lib.js:3:1\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)')] },
        { id: B, parent: A, name: 'DynamoDB.GetItem', kind: 3, attrs: { 'rpc.system': 'aws-api' }, status: { code: 2, message: 'ProvisionedThroughputExceededException' } },
        { id: C, parent: A, name: 'py', events: [ev('KeyError', "'id'", 'Traceback (most recent call last):\n  File "/var/task/app.py", line 8, in handler\n    x = e["id"]\nKeyError: \'id\'')] },
        { id: D, parent: A, name: 'java', events: [ev('java.lang.IllegalStateException', 'bad', 'java.lang.IllegalStateException: bad\n\tat com.example.Handler.handleRequest(Handler.java:42)')] },
      ],
    }),
  );
  assert.deepEqual(byId.get(A)!.cause, {
    exceptions: [
      {
        type: 'TypeError',
        message: 'x is undefined',
        stack: [
          { path: '/var/task/index.js', line: 12, label: 'handler' },
          { path: '/var/task/lib.js', line: 3 },
          { path: 'node:internal/process/task_queues', line: 95, label: 'process.processTicksAndRejections' },
        ],
      },
    ],
  });
  // A downstream call's failure is remote (X-Ray's `remote: true`): not the function's own error.
  assert.deepEqual(byId.get(B)!.cause, { exceptions: [{ message: 'ProvisionedThroughputExceededException', stack: [], remote: true }] });
  assert.deepEqual(byId.get(C)!.cause?.exceptions[0]?.stack, [{ path: '/var/task/app.py', line: 8, label: 'handler' }]);
  assert.deepEqual(byId.get(D)!.cause?.exceptions[0]?.stack, [{ path: 'Handler.java', line: 42, label: 'com.example.Handler.handleRequest' }]);
  assert.deepEqual(parseStackTrace('no frames here\nat\n    at (:)'), []);
});

test('code.* attributes (old and new names) are the span’s code location, which the code hints read', () => {
  const { byId } = spansOf(
    otlp({
      spans: [
        { id: A, name: 'a', kind: 3, attrs: { 'code.filepath': 'src/orders.js', 'code.lineno': 41, 'code.function': 'load', 'code.namespace': 'Orders' } },
        { id: B, name: 'b', kind: 3, attrs: { 'code.file.path': 'app.py', 'code.line.number': 8, 'code.function.name': 'handler' } },
      ],
    }),
  );
  assert.deepEqual(byId.get(A)!.codeLocation, { path: 'src/orders.js', line: 41, function: 'Orders.load' });
  assert.deepEqual(byId.get(B)!.codeLocation, { path: 'app.py', line: 8, function: 'handler' });
  assert.deepEqual(otelCodeFrame(byId.get(A)!), { path: 'src/orders.js', line: 41 });
  assert.deepEqual(otelCodeFrame(byId.get(B)!), { path: 'app.py', line: 8 });
});

test('every attribute is kept (AnyValue unwrapped, ints as numbers) and the details pane shows them under Metadata', () => {
  const value = {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            scope: { name: 'lib', version: '2.0' },
            spans: [
              {
                traceId: TRACE,
                spanId: A,
                name: 'op',
                kind: 'SPAN_KIND_INTERNAL',
                startTimeUnixNano: ns(0),
                endTimeUnixNano: ns(5),
                status: { code: 'STATUS_CODE_ERROR', message: 'no' },
                attributes: [
                  { key: 'i', value: { intValue: '42' } },
                  { key: 'big', value: { intValue: '9007199254740993' } },
                  { key: 'd', value: { doubleValue: 1.5 } },
                  { key: 'b', value: { boolValue: false } },
                  { key: 'bytes', value: { bytesValue: 'AQID' } },
                  { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 1 }] } } },
                  { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } } },
                  { key: '__proto__', value: { stringValue: 'own key' } },
                  { key: 'empty', value: {} },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
  const s = spansOf(value).byId.get(A)!;
  const attrs = s.otel!.attributes;
  // In order, `__proto__` as an own key like any other (as JSON.parse reads it).
  assert.equal(JSON.stringify(attrs), '{"i":42,"big":"9007199254740993","d":1.5,"b":false,"bytes":"AQID","arr":["x",1],"kv":{"k":"v"},"__proto__":"own key","empty":null}');
  assert.equal(Object.getOwnPropertyDescriptor(attrs, '__proto__')?.value, 'own key');
  assert.equal(Object.getPrototypeOf(attrs), Object.prototype);
  assert.deepEqual([s.otel!.spanKind, s.otel!.scope, s.otel!.statusMessage, s.otel!.resource], ['internal', { name: 'lib', version: '2.0' }, 'no', { 'service.name': 'svc' }]);
  const d = spanDetails(s);
  assert.deepEqual(d.metadata?.['otel.span'], { name: 'op', kind: 'internal', 'status message': 'no', scope: 'lib 2.0' });
  assert.equal((d.metadata?.['otel'] as Record<string, unknown>)['i'], 42);
  assert.deepEqual(d.metadata?.['otel.resource'], { 'service.name': 'svc' });
});

test('aws/spans records: flat attributes, kind words, numeric nanos and durationNano, resource and scope on each record', () => {
  const rec = (o: Record<string, unknown>): Record<string, unknown> => ({
    resource: { attributes: LAMBDA },
    scope: { name: 'x', version: '1' },
    traceId: TRACE,
    flags: 256,
    status: { code: 'UNSET' },
    ...o,
  });
  const start = Number((T0 + 100n) * 1_000_000n);
  const r = parseSpanRecords(
    [
      rec({ spanId: A, name: 'h', kind: 'SERVER', startTimeUnixNano: start, endTimeUnixNano: start + 900_000_000, durationNano: 900_000_000, attributes: { 'faas.invocation_id': 'r1' } }),
      // No end time: the duration says it.
      JSON.stringify(rec({ spanId: B, parentSpanId: A, name: 'DynamoDB.GetItem', kind: 'CLIENT', startTimeUnixNano: start + 10_000_000, durationNano: 250_000_000, attributes: { 'rpc.system': 'aws-api', 'aws.dynamodb.table_names': ['t'] } })),
    ],
    'aws/spans',
  );
  assert.deepEqual(r.errors, []);
  const t = r.traces[0]!;
  assert.equal(t.traceId, XRAY);
  const [fn, call] = t.spans;
  assert.deepEqual([fn!.kind, fn!.name, fn!.endMs! - fn!.startMs], ['function', 'orders-fn', 900]);
  assert.deepEqual([call!.kind, call!.name, call!.aws?.operation, call!.aws?.tableName, call!.endMs! - call!.startMs], ['downstream', 'DynamoDB', 'GetItem', 't', 250]);
});

test('a resource repeated line after line (or record after record) is read once and shared; any difference in it or in the scope makes its own', () => {
  const line = (spanId: string, resource: unknown[], scope: Record<string, unknown>): string =>
    JSON.stringify({ resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ scope, spans: [{ traceId: TRACE, spanId, name: 'op', kind: 1, startTimeUnixNano: ns(0), endTimeUnixNano: ns(5) }] }] }] });
  const svc = (name: string): unknown[] => [
    { key: 'service.name', value: { stringValue: name } },
    { key: 'faas.name', value: { stringValue: 'orders-fn' } },
    { key: 'telemetry.sdk.version', value: { intValue: '2' } },
  ];
  const nested = [{ key: 'service.name', value: { stringValue: 'a' } }, { key: 'process.command_args', value: { arrayValue: { values: [{ stringValue: 'node' }] } } }];
  const ids = ['00000000000000e1', '00000000000000e2', '00000000000000e3', '00000000000000e4', '00000000000000e5', '00000000000000e6', '00000000000000e7'];
  const text = [
    line(ids[0]!, svc('a'), { name: 'lib', version: '1' }),
    line(ids[1]!, svc('a'), { name: 'lib', version: '1' }),
    // Another service, the same scope.
    line(ids[2]!, svc('b'), { name: 'lib', version: '1' }),
    // The same resource, another scope version.
    line(ids[3]!, svc('a'), { name: 'lib', version: '2' }),
    // The same keys with a value of another type: an int is not its string.
    line(ids[4]!, [...svc('a').slice(0, 2), { key: 'telemetry.sdk.version', value: { stringValue: '2' } }], { name: 'lib', version: '1' }),
    // A nested value: read as it is, twice.
    line(ids[5]!, nested, { name: 'lib', version: '1' }),
    line(ids[6]!, nested, { name: 'lib', version: '1' }),
  ].join('\n');
  const r = parseOtlpText(text, 'f.ndjson');
  assert.deepEqual(r.errors.map((e) => e.message), []);
  const by = new Map(r.traces.flatMap((t) => t.spans).map((s) => [s.id, s.otel!]));
  const o = ids.map((id) => by.get(id)!);
  // Each span's resource and scope are those of its own line.
  assert.deepEqual(o.map((x) => [x.resource?.['service.name'], x.resource?.['telemetry.sdk.version'], x.scope?.version]), [
    ['a', 2, '1'],
    ['a', 2, '1'],
    ['b', 2, '1'],
    ['a', 2, '2'],
    ['a', '2', '1'],
    ['a', undefined, '1'],
    ['a', undefined, '1'],
  ]);
  assert.deepEqual(o[5]!.resource, { 'service.name': 'a', 'process.command_args': ['node'] });
  assert.deepEqual(o[6]!.resource, o[5]!.resource);
  // The second line's spans share the first's (one copy kept, not one per line); the others do not.
  assert.equal(o[1]!.resource, o[0]!.resource);
  assert.equal(o[1]!.scope, o[0]!.scope);
  for (const k of [2, 3, 4, 5]) assert.ok(o[k]!.resource !== o[0]!.resource || o[k]!.scope !== o[0]!.scope, `line ${k + 1}`);

  // aws/spans records: the same, with flat attributes.
  const rec = (spanId: string, service: string): string =>
    JSON.stringify({ resource: { attributes: { 'service.name': service, 'cloud.platform': 'aws_lambda' } }, scope: { name: 'lib' }, traceId: TRACE, spanId, name: 'op', kind: 'INTERNAL', startTimeUnixNano: ns(0), endTimeUnixNano: ns(5) });
  const rr = parseSpanRecords([rec(ids[0]!, 'a'), rec(ids[1]!, 'a'), rec(ids[2]!, 'b')], 'aws/spans');
  const rs = new Map(rr.traces.flatMap((t) => t.spans).map((s) => [s.id, s.otel!.resource]));
  assert.equal(rs.get(ids[1]!), rs.get(ids[0]!));
  assert.deepEqual([rs.get(ids[0]!)?.['service.name'], rs.get(ids[2]!)?.['service.name']], ['a', 'b']);
});

test('aws/spans records: a span’s source is the log group (its ids find it there); an error names the record by its place', () => {
  const rec = (o: Record<string, unknown>): string => JSON.stringify({ traceId: TRACE, name: 'op', kind: 'INTERNAL', startTimeUnixNano: ns(0), endTimeUnixNano: ns(5), ...o });
  const r = parseSpanRecords([rec({ spanId: A }), rec({ spanId: 'nope' }), '{"traceId": ', rec({ spanId: B, parentSpanId: A, kind: 'SIDEWAYS' })], 'aws/spans');
  assert.deepEqual(
    r.traces.flatMap((t) => t.spans).map((s) => [s.id, s.source]),
    [
      [A, 'aws/spans'],
      [B, 'aws/spans'],
    ],
  );
  assert.deepEqual(
    r.errors.map((e) => e.source),
    ['aws/spans[1]', 'aws/spans[2]', 'aws/spans[3]'],
  );
  assert.match(r.errors[0]!.message, /spanId "nope" is not 16 hex digits/);
  assert.match(r.errors[2]!.message, /\(00000000000000b2\).*kind "SIDEWAYS"/);
});
