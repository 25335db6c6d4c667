// Names from a trace or a log are data, never keys into an object's prototype: a subsegment
// named `constructor`, an operation named `toString`, a log field named `__proto__` are names
// like any other. And a name from a trace never picks the log group or the filter pattern that
// "Open logs" asks CloudWatch for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceText } from '../../../src/ingest/xray';
import { LogCollector, collectLogEvents } from '../../../src/ingest/logs';
import { parseAccessLogJson } from '../../../src/ingest/accessLogs';
import { analyze } from '../../../src/core/analyze';
import { renderTextReport } from '../../../src/core/textReport';
import { terminalSafeJson } from '../../../src/core/terminalText';
import { functionLogGroup, lambdaFunctionName, requestEvents } from '../../../src/aws/logsSource';
import { AwsSourceError } from '../../../src/aws/errors';
import type { AwsClients } from '../../../src/aws/clients';

const KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const T0 = 1_700_000_000;
const TID = '1-6553f100-0123456789abcdef01234567';
const hex = (n: number): string => n.toString(16).padStart(16, '0');

/** A gateway, a function under it, and under the function one subsegment per key (with the key as operation and table). */
function traceText(independent: boolean): string {
  const gateway = { id: hex(1), trace_id: TID, name: 'api/prod', origin: 'AWS::ApiGateway::Stage', start_time: T0, end_time: T0 + 30, http: { request: { method: 'GET', url: 'https://x/prod/a' }, response: { status: 504 } } };
  const subs = KEYS.map((k, i) => ({
    id: hex(i + 20),
    name: k,
    namespace: 'aws',
    start_time: T0 + 1 + i,
    end_time: T0 + 2 + i,
    aws: { operation: k, table_name: k, [k]: { x: 1 }, retries: 1 },
    annotations: { [k]: 'v' },
  }));
  const init = { id: hex(19), name: 'Initialization', start_time: T0 + 0.1, end_time: T0 + 0.5 };
  const fn = { id: hex(2), trace_id: TID, parent_id: hex(1), name: 'constructor', origin: 'AWS::Lambda::Function', start_time: T0 + 0.1, end_time: T0 + 40 };
  if (!independent) return [gateway, { ...fn, subsegments: [init, ...subs] }].map((d) => JSON.stringify(d)).join('\n');
  // The same, each subsegment sent on its own (its kind is known only once its parent is).
  const alone = [init, ...subs].map((s) => ({ ...s, type: 'subsegment', trace_id: TID, parent_id: hex(2) }));
  return [gateway, fn, ...alone].map((d) => JSON.stringify(d)).join('\n');
}

test('subsegments named like prototype keys are ordinary calls, in both document forms', () => {
  for (const independent of [false, true]) {
    const parsed = parseTraceText(traceText(independent), 'keys.json');
    assert.deepEqual(parsed.errors, []);
    const spans = parsed.traces[0]!.spans;
    for (const k of KEYS) {
      const s = spans.find((x) => x.name === k && x.kind !== 'function')!;
      assert.equal(s.kind, 'downstream', `${k} (${independent ? 'independent' : 'nested'})`);
      assert.equal(s.aws?.operation, k);
      assert.equal(s.aws?.tableName, k);
      // The key is an own field of `extra` and of the annotations; no prototype was replaced.
      assert.ok(Object.hasOwn(s.aws!.extra!, k), `aws.${k}`);
      assert.deepEqual(s.aws!.extra![k], { x: 1 });
      assert.equal(Object.getPrototypeOf(s.aws!.extra), Object.prototype);
      assert.ok(Object.hasOwn(s.annotations, k));
      assert.equal(Object.getPrototypeOf(s.annotations), Object.prototype);
    }
    assert.equal(spans.find((x) => x.name === 'Initialization')!.kind, 'initialization');
  }
});

test('a function named `constructor` with runtimes and timeouts known for others: a correct report', () => {
  const parsed = parseTraceText(traceText(false), 'keys.json');
  const { report, analyzed } = analyze(parsed, { functionRuntimes: { other: 'python3.12' }, functionTimeouts: { other: 60_000 } });
  const r = report.traces[0]!;
  assert.equal(r.verdict, 'timeout');
  assert.deepEqual(
    r.breakdown.downstream.map((d) => [d.name, d.operation, d.calls]).sort(),
    KEYS.map((k) => [k, k, 1]).sort(),
  );
  // The fixes are worded for Node (no runtime known for `constructor`), not from Object's prototype.
  const after = r.findings.find((f) => f.id === 'work-after-cut')!;
  assert.match(after.fix, /context\.getRemainingTimeInMillis\(\)/);
  assert.equal(after.function, 'constructor');
  const text = renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
  for (const k of KEYS) assert.ok(text.includes(`${k} ${k}`), k);
  assert.deepEqual(JSON.parse(terminalSafeJson(report)), JSON.parse(JSON.stringify(report)));
});

test('log fields, routes and function names like prototype keys: read as data', () => {
  const c = new LogCollector();
  const id = '8a4f3c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b';
  // A function whose log group is /aws/lambda/constructor, that timed out.
  c.push(`REPORT RequestId: ${id}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tStatus: timeout`, { where: 'f#1', logGroup: '/aws/lambda/constructor' });
  // Access-log records whose route, method and fields are prototype keys.
  for (const [i, k] of KEYS.entries()) {
    c.push(JSON.stringify({ requestId: `r${i}`, httpMethod: k, resourcePath: `/${k}`, status: 504, responseLatency: 29_000, integrationLatency: -1, requestTimeEpoch: T0 + i, [k]: [1], ['__proto__']: [2] }), { where: `a#${i}` });
  }
  const logs = c.finish();
  assert.deepEqual(logs.errors, []);
  assert.equal(logs.accessCount, KEYS.length);
  const { report } = analyze({ traces: [], ...logs }, { functionTimeouts: { other: 60_000 } });
  assert.deepEqual(report.endpoints.map((e) => e.method).sort(), [...KEYS].sort());
  for (const e of report.endpoints) assert.equal(e.timeouts, 1);
  const timedOut = report.findings.find((f) => f.id === 'lambda-timed-out')!;
  assert.equal(timedOut.function, 'constructor');
  assert.equal(timedOut.evidence['timeoutMs'], 3000);
  // A nested `__proto__` (flattened to dotted names) and an array under `__proto__`.
  const rec = parseAccessLogJson('{"requestId":"r","status":504,"routeKey":"GET /x","__proto__":{"status":200},"integration":{"latency":5}}', 'a:1')!;
  assert.equal(rec.status, 504);
  assert.equal(rec.integrationLatencyMs, 5);
  const arr = parseAccessLogJson('{"requestId":"r","status":504,"routeKey":"GET /x","__proto__":[1],"integration":{"latency":5}}', 'a:2')!;
  assert.equal(arr.route, '/x');
  // Logs Insights rows with fields named like prototype keys.
  const rows = new LogCollector();
  assert.equal(collectLogEvents({ results: [[{ field: '__proto__', value: 'x' }, { field: 'constructor', value: 'y' }, { field: '@message', value: `START RequestId: ${id} Version: $LATEST` }]] }, 'q.json', rows), true);
  assert.equal(rows.finish().invocations.length, 1);
});

test('a log group comes from a function name or ARN Lambda accepts, never from any span name', () => {
  assert.equal(functionLogGroup('orders-api-reports'), '/aws/lambda/orders-api-reports');
  assert.equal(functionLogGroup('orders_api:prod'), '/aws/lambda/orders_api');
  assert.equal(functionLogGroup('123456789012:function:orders'), '/aws/lambda/orders');
  assert.equal(functionLogGroup('arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST'), '/aws/lambda/orders');
  assert.equal(functionLogGroup('arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:orders:3'), '/aws/lambda/orders');
  assert.equal(functionLogGroup('constructor'), '/aws/lambda/constructor');
  for (const bad of ['../../aws/rds/instance/db/error', 'a/b', '..', 'orders api', '', 'x'.repeat(65), 'orders\u001b]0;t\u0007', `a${'b'.repeat(100_000)}`, 'arn:aws:lambda:us-east-1:123456789012:function:a/b']) {
    assert.equal(lambdaFunctionName(bad), undefined, bad.slice(0, 40));
    assert.throws(() => functionLogGroup(bad), (e: unknown) => AwsSourceError.is(e) && /is not a Lambda function name or ARN/.test(e.message) && e.message.length < 300);
  }
});

test('a request id goes into the filter pattern only when it cannot change the pattern', async () => {
  // Refused before any call: no client is needed (or touched).
  const none = {} as AwsClients;
  for (const bad of ['a" ?"ERROR', 'a\\"', 'a b', '%.*%', '-x', '', `x${'y'.repeat(200)}`, 'id\u001b[2J']) {
    await assert.rejects(requestEvents(none, ['/aws/lambda/orders'], bad, 0, 1), (e: unknown) => AwsSourceError.is(e) && /is not a request id/.test(e.message));
  }
});
