// Values a segment or a log line carries as they came (metadata, sql, the unknown fields of
// `aws`, an access-log record) nested thousands of levels deep: JSON.parse reads them, but
// JSON.stringify (Copy Trace as JSON, --json), VS Code's postMessage and the details pane recurse.
// They are kept down to a fixed depth and the rest is named; nothing throws. And "Open logs" reads
// only a request the host's own trace holds, from the function its span names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceText } from '../../../src/ingest/xray';
import { boundDepth, MAX_VALUE_DEPTH, valueDepth } from '../../../src/ingest/boundedValue';
import { learnAccessLogFields } from '../../../src/aws/routeStatistics';
import { logsRequestOf, spanDetails } from '../../../src/ui/waterfallSnapshot';
import { assertLinear } from './measure';

const T0 = 1_700_000_000;
const TID = '1-6553f100-0123456789abcdef01234567';

/** `{"k":{"k":…{"k":1}…}}` with `depth` objects, written by hand (JSON.stringify cannot write it). */
function deepObjectText(depth: number): string {
  return '{"k":'.repeat(depth - 1) + '{"k":1}' + '}'.repeat(depth - 1);
}

/** A gateway segment whose metadata, sql and an unknown `aws` field each hold a value `depth` deep. */
function segmentText(depth: number): string {
  const deep = deepObjectText(depth);
  return (
    `{"id":"0000000000000001","trace_id":"${TID}","name":"orders-api/prod","origin":"AWS::ApiGateway::Stage",` +
    `"start_time":${T0},"end_time":${T0 + 2},` +
    `"http":{"request":{"method":"GET","url":"https://api.example.com/prod/orders"},"response":{"status":200}},` +
    `"metadata":{"default":${deep}},"sql":{"url":"db","plan":${deep}},"aws":{"request_id":"r-1","custom":${deep}}}`
  );
}

/** Levels of objects down the `k` chain (by hand, not the code under test), and what ends it. */
function chainOf(value: unknown): { objects: number; end: unknown } {
  let objects = 0;
  let v = value;
  while (typeof v === 'object' && v !== null) {
    objects++;
    v = (v as Record<string, unknown>)['k'];
  }
  return { objects, end: v };
}

test('metadata, sql and aws fields nested 100 000 deep: kept to a fixed depth, the rest named, everything serialisable', () => {
  const r = parseTraceText(segmentText(100_000), 'deep.json');
  assert.deepEqual(r.errors, []);
  const span = r.traces[0]!.spans[0]!;
  // metadata → default → the chain: the chain keeps MAX_VALUE_DEPTH levels, less the two above it.
  const meta = chainOf(span.metadata!['default']);
  assert.equal(meta.objects, MAX_VALUE_DEPTH - 1);
  assert.equal(meta.end, `(nested deeper than ${MAX_VALUE_DEPTH} levels: not shown)`);
  assert.equal(chainOf((span.sql as Record<string, unknown>)['plan']).objects, MAX_VALUE_DEPTH - 1);
  assert.equal(span.sql!['url'], 'db');
  assert.equal(span.aws!.requestId, 'r-1');
  assert.equal(chainOf(span.aws!.extra!['custom']).objects, MAX_VALUE_DEPTH - 1);
  // What Copy Trace as JSON and the details pane do with it.
  const json = JSON.stringify({ spans: r.traces[0]!.spans.map(({ children: _c, ...rest }) => rest) });
  assert.ok(json.length < 10_000, `${json.length} characters`);
  assert.doesNotThrow(() => structuredClone(spanDetails(span)));
});

test('a value within the depth is kept as it came; a deeper one keeps its keys, __proto__ included, as own fields', () => {
  const shallow = JSON.parse(deepObjectText(MAX_VALUE_DEPTH)) as unknown;
  assert.equal(boundDepth(shallow), shallow);
  assert.equal(valueDepth(shallow), MAX_VALUE_DEPTH);
  const deep = JSON.parse(`{"__proto__":{"polluted":true},"list":[1,[2,[3,[4]]]],"chain":${deepObjectText(40)}}`) as Record<string, unknown>;
  const kept = boundDepth(deep, 3) as Record<string, unknown>;
  assert.ok(Object.hasOwn(kept, '__proto__'));
  assert.deepEqual(Object.getOwnPropertyDescriptor(kept, '__proto__')!.value, { polluted: true });
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  // Level 1 the record, 2 the list, 3 [2, …]: the array at level 4 is named.
  assert.deepEqual(kept['list'], [1, [2, '(nested deeper than 3 levels: not shown)']]);
  assert.deepEqual(kept['chain'], { k: { k: '(nested deeper than 3 levels: not shown)' } });
  // The original is untouched.
  assert.equal(chainOf(deep['chain']).objects, 40);
});

test('a deep value is bounded in time linear in its depth', () => {
  assertLinear('deep metadata', (n) => segmentText(n), (text) => parseTraceText(text, 'deep.json'), 5_000);
});

test('an access-log record nested 100 000 deep: its fields are learned, no stack is exhausted', () => {
  const record = { requestId: 'a', status: '504', responseLatency: '29001', resourcePath: '/reports', httpMethod: 'POST', stage: 'prod' };
  const deep = JSON.stringify(record).replace(/}$/, `,"context":${deepObjectText(100_000)}}`);
  const fields = learnAccessLogFields([deep]);
  assert.equal(typeof fields, 'object', String(fields));
  assert.deepEqual(fields, { route: ['resourcePath', 'httpMethod', 'stage'], latency: 'responseLatency', status: 'status' });
});

test('Open logs reads only a Lambda request the trace holds, named by its function’s ARN or name', () => {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:orders-api-reports';
  const text = [
    { id: '0000000000000001', trace_id: TID, name: 'orders-api/prod', origin: 'AWS::ApiGateway::Stage', start_time: T0, end_time: T0 + 2, subsegments: [{ id: '0000000000000002', name: 'Lambda', namespace: 'aws', start_time: T0, end_time: T0 + 2, aws: { operation: 'Invoke', request_id: 'svc-1' } }] },
    { id: '0000000000000003', trace_id: TID, parent_id: '0000000000000002', name: 'orders-api-reports', origin: 'AWS::Lambda::Function', resource_arn: arn, start_time: T0, end_time: T0 + 2, aws: { request_id: 'fn-1', function_arn: arn } },
    { id: '0000000000000004', trace_id: TID, parent_id: '0000000000000001', name: '../../other-group', origin: 'AWS::Lambda::Function', start_time: T0, end_time: T0 + 1, aws: { request_id: 'fn-2' } },
  ]
    .map((d) => JSON.stringify(d))
    .join('\n');
  const r = parseTraceText(text, 'logs.json');
  const trace = r.traces[0]!;
  assert.deepEqual(logsRequestOf(trace, 'fn-1'), { functionName: arn });
  // A request the trace does not hold, or the gateway's own: nothing to read.
  assert.equal(logsRequestOf(trace, 'not-in-the-trace'), undefined);
  // A function span without an ARN is named by its name, which the log-group rule then refuses
  // (test/unit/hostile/lookups.test.ts): the page's words never choose the group.
  assert.deepEqual(logsRequestOf(trace, 'fn-2'), { functionName: '../../other-group' });
});
