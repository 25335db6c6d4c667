// The logs engine's fast paths read what a plain search would: REPORT lines in Lambda's usual
// layout (one expression) and in any other (one scan for the first occurrence of each label),
// JSON lines decided from their parsed keys or, when the keys cannot settle it, their text, and
// routes found without building their joined key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LambdaLogParser } from '../../../src/ingest/lambdaLogs';
import { accessLogRecordOf, isAccessLogJson, parseAccessLogJson, recordFromFields } from '../../../src/ingest/accessLogs';
import { LogCollector } from '../../../src/ingest/logs';
import { EndpointAccumulator } from '../../../src/core/endpoints';
import type { Invocation } from '../../../src/core/model';

const RID = '8f5c6a4e-1b2c-4d3e-9f00-112233445566';
const XRAY = 'XRAY TraceId: 1-64404ad9-6d57ad881ff49788478d7743\tSegmentId: 42c55a110fc51738\tSampled: true\t';

function one(message: string, timestamp?: number): Invocation {
  const p = new LambdaLogParser();
  assert.equal(p.pushEvent(message, { where: 'x', logGroup: '/aws/lambda/fn', ...(timestamp !== undefined ? { timestamp } : {}) }), true);
  const { invocations } = p.finish();
  assert.equal(invocations.length, 1);
  return invocations[0]!;
}

test('REPORT: the usual layout and the same fields laid out otherwise read the same', () => {
  const usual = `REPORT RequestId: ${RID}\tDuration: 109.20 ms\tBilled Duration: 110 ms\tMemory Size: 1024 MB\tMax Memory Used: 102 MB\tInit Duration: 965.84 ms\t\n${XRAY}\n`;
  const spaced = usual.replace(/\t/g, '  ');
  const a = one(usual, 5000);
  const b = one(spaced, 5000);
  assert.deepEqual(a, b);
  assert.deepEqual(Object.keys(a), Object.keys(b), 'fields in the same order');
  assert.equal(a.durationMs, 109.2);
  assert.equal(a.initDurationMs, 965.84);
  assert.equal(a.startMs, 5000 - 109.2);
  assert.equal(a.segmentId, '42c55a110fc51738');
  assert.equal(a.sampled, true);
  // Sampled: false, no XRAY line, no trailing tab: still the usual layout.
  assert.equal(one(usual.replace('Sampled: true', 'Sampled: false')).sampled, false);
  const bare = one(`REPORT RequestId: ${RID}\tDuration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB`);
  assert.deepEqual([bare.durationMs, bare.billedDurationMs, bare.memorySizeMb, bare.maxMemoryUsedMb, bare.xrayTraceId], [1, 2, 128, 60, undefined]);
});

test('REPORT: each field is its first occurrence with a value, anywhere in the event', () => {
  // "Duration" at a word start, so Billed Duration first gives the duration too; XDuration does not.
  const i = one(`REPORT RequestId: ${RID} XDuration: 1 ms Billed Duration: 300 ms Duration: 250.5 ms Max Memory Used: 70 MB Memory Size: 128 MB`);
  assert.equal(i.durationMs, 300);
  assert.equal(i.billedDurationMs, 300);
  assert.deepEqual([i.memorySizeMb, i.maxMemoryUsedMb], [128, 70]);
  // A label without a number is passed over for its next occurrence; dots alone read as NaN.
  const j = one(`REPORT RequestId: ${RID}\tDuration: ms\tDuration: 7.25 ms\tMemory Size: 1.2.3 MB\tMax Memory Used: . MB`);
  assert.equal(j.durationMs, 7.25);
  assert.ok(Number.isNaN(j.memorySizeMb));
  assert.ok(Number.isNaN(j.maxMemoryUsedMb));
  // SnapStart: Restore Duration, then Billed Restore Duration (which also ends in "Restore Duration").
  const k = one(`REPORT RequestId: ${RID}\tDuration: 120.50 ms\tRestore Duration: 310.10 ms\tBilled Restore Duration: 131 ms\tStatus: timeout\tError Type: Sandbox.Timedout\u00a0(x)`);
  assert.equal(k.restoreDurationMs, 310.1);
  assert.equal(k.status, 'timeout');
  assert.equal(k.errorType, 'Sandbox.Timedout', 'the error type ends at any whitespace');
  assert.equal(one(`REPORT RequestId: ${RID}\tStatus: timeouts`).status, 'success', 'a status is one whole word');
  // The first XRAY part that reads whole.
  const x = one(`REPORT RequestId: ${RID}\tDuration: 1 ms XRAY TraceId: 1-a XRAY TraceId: 1-b\tSegmentId: 0a1b\tSampled: false`);
  assert.deepEqual([x.xrayTraceId, x.segmentId, x.sampled], ['1-b', '0a1b', false]);
});

test('REPORT: numbers read exactly as Number() reads them', () => {
  for (const v of ['0.1', '20.39', '965.84', '007', '1.', '.5', '12345678901234.56', '123456789012345678', '0.000000000000001', '9007199254740993']) {
    const i = one(`REPORT RequestId: ${RID}\tDuration: ${v} ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB`);
    assert.equal(i.durationMs, Number(v), v);
  }
});

test('REPORT: a request id that is not one, and the XRAY line on its own', () => {
  const p = new LambdaLogParser();
  assert.equal(p.pushEvent('REPORT RequestId: 8f5c6a4e-1b2c-4d3e-9f00-11223344556\tDuration: 1 ms', { where: 'x' }), false);
  assert.equal(p.pushEvent(XRAY, { where: 'x' }), false, 'no REPORT yet to attach it to');
  assert.equal(p.pushEvent(`REPORT RequestId: ${RID.toUpperCase()}\tDuration: 1 ms`, { where: 'x' }), true);
  assert.equal(p.pushEvent('XRAY TraceId: 1-5759e988-bd862e3fe1be46a994272793 SegmentId: 53995c3f42cd8ad8', { where: 'x' }), true);
  const [i] = p.finish().invocations;
  assert.equal(i!.requestId, RID.toUpperCase());
  assert.equal(i!.segmentId, '53995c3f42cd8ad8');
  assert.equal(i!.sampled, undefined);
});

test('access JSON: decided from the keys when they settle it, from the text when they cannot', () => {
  const flat = '{"requestId":"a1","httpMethod":"GET","resourcePath":"/orders/{id}","status":"200","responseLatency":"87"}';
  const o = JSON.parse(flat) as Record<string, unknown>;
  assert.deepEqual(accessLogRecordOf(o, flat, 's'), parseAccessLogJson(flat, 's'));
  // A key spelled with escapes is not what the text says: not an access-log line, as before.
  const escaped = '{"requestId":"a1","st\\u0061tus":"200"}';
  assert.equal(isAccessLogJson(escaped), false);
  assert.equal(accessLogRecordOf(JSON.parse(escaped) as Record<string, unknown>, escaped, 's'), undefined);
  // A repeated "type" keeps its last value, but the text still names a platform record.
  const platform = '{"type":"platform.report","requestId":"a1","status":"200","type":"x"}';
  assert.equal(accessLogRecordOf(JSON.parse(platform) as Record<string, unknown>, platform, 's'), undefined);
  const typed = '{"type":"access","requestId":"a1","status":"200"}';
  assert.equal(accessLogRecordOf(JSON.parse(typed) as Record<string, unknown>, typed, 's')?.status, 200);
  // Nested $context objects: the keys inside count, and flatten to dotted names.
  const nested = '{"requestId":"b","integration":{"latency":80,"status":"200"},"error":{"responseType":"INTEGRATION_TIMEOUT"},"routeKey":"GET /x"}';
  const r = accessLogRecordOf(JSON.parse(nested) as Record<string, unknown>, nested, 's')!;
  assert.deepEqual([r.integrationLatencyMs, r.integrationStatus, r.errorResponseType, r.method, r.route], [80, 200, 'INTEGRATION_TIMEOUT', 'GET', '/x']);
  const inner = '{"context":{"requestId":"c","status":200}}';
  assert.equal(isAccessLogJson(inner), true);
  assert.deepEqual(accessLogRecordOf(JSON.parse(inner) as Record<string, unknown>, inner, 's'), { source: 's' });
});

test('access JSON through the collector: one parse, and what is not access goes on to the Lambda parser', () => {
  const c = new LogCollector();
  c.push('{"requestId":"a1","httpMethod":"POST","resourcePath":"/reports","status":"504","responseLatency":"29010","integrationLatency":"-1"}', { where: 'f:1' });
  c.push(JSON.stringify({ timestamp: '2026-03-06T10:15:02.000Z', level: 'INFO', requestId: RID, message: 'working' }), { where: 'f:2', logGroup: '/aws/lambda/fn' });
  c.push('{"requestId":"a1","st\\u0061tus":"200"}', { where: 'f:3' });
  c.push('{"requestId":"a1","status":', { where: 'f:4' });
  const r = c.finish();
  assert.equal(r.accessCount, 1);
  assert.equal(r.accessLogs[0]!.integrationLatencyMs, -1);
  assert.deepEqual(r.invocations.map((i) => [i.requestId, i.messages]), [[RID, ['working']]]);
  assert.deepEqual(r.errors.map((e) => e.source), ['f:3', 'f:4']);
});

test('access records: the usual REST line built at once has the fields, in the order, of any other', () => {
  const usual = { requestId: 'a1', requestTimeEpoch: 1764000000, httpMethod: 'GET', resourcePath: '/orders/{id}', status: '200', responseLatency: '87', integrationLatency: 80, xrayTraceId: '1-a', stage: 'prod' };
  const order = ['source', 'requestId', 'route', 'apiType', 'method', 'status', 'timeMs', 'responseLatencyMs', 'integrationLatencyMs', 'integrationLatencyRaw', 'xrayTraceId', 'stage'];
  const r = recordFromFields(usual, 's');
  assert.deepEqual(Object.keys(r), order);
  assert.deepEqual(r, { source: 's', requestId: 'a1', route: '/orders/{id}', apiType: 'rest-api', method: 'GET', status: 200, timeMs: 1_764_000_000_000, responseLatencyMs: 87, integrationLatencyMs: 80, integrationLatencyRaw: '80', xrayTraceId: '1-a', stage: 'prod' });
  // A field that comes before the trace id: the trace id after it.
  const failed = recordFromFields({ ...usual, errorMessage: 'Endpoint request timed out' }, 's');
  assert.deepEqual(Object.keys(failed), [...order.slice(0, 10), 'errorMessage', 'xrayTraceId', 'stage']);
  // Without one of them (no epoch, and a requestTime that does not parse), field by field.
  const partial = recordFromFields({ ...usual, requestTimeEpoch: '-', requestTime: 'soon' }, 's');
  assert.deepEqual(Object.keys(partial), order.filter((k) => k !== 'timeMs'));
  // HTTP API: the method from the routeKey comes before the route.
  assert.deepEqual(Object.keys(recordFromFields({ requestId: 'b', routeKey: 'GET /x', status: 200, responseLatency: 5, integrationLatency: 4 }, 's')), ['source', 'requestId', 'method', 'route', 'apiType', 'status', 'responseLatencyMs', 'integrationLatencyMs', 'integrationLatencyRaw']);
});

test('kept records through the collector: the same values, from their own line', () => {
  const c = new LogCollector();
  const path = '/var/log/a-long-access-log-name.log';
  for (let n = 1; n <= 3; n++) c.push(`{"requestId":"r${n}","requestTimeEpoch":1764000000,"httpMethod":"POST","resourcePath":"/customers/{customerId}/orders","status":"504","responseLatency":"29010","integrationLatency":"-1","stage":"production-eu"}`, { where: `${path}:${n}` });
  const { accessLogs } = c.finish();
  assert.deepEqual(
    accessLogs.map((r) => [r.source, r.requestId, r.route, r.stage]),
    [1, 2, 3].map((n) => [`${path}:${n}`, `r${n}`, '/customers/{customerId}/orders', 'production-eu']),
  );
});

test('access values: trimmed, `-` and blank are absent, numbers as Number() reads them', () => {
  const r = recordFromFields({ requestId: ' a1\u00a0', httpMethod: '\u00a0-\u00a0', resourcePath: '/x', status: ' 200 ', responseLatency: '  ', integrationLatency: -0, requestTimeEpoch: '1e3', stage: '\u3000' }, 's');
  assert.equal(r.requestId, 'a1');
  assert.equal(r.method, undefined);
  assert.equal(r.status, 200);
  assert.equal(r.responseLatencyMs, undefined);
  assert.ok(Object.is(r.integrationLatencyMs, 0), '-0 reads as 0, as String(-0) does');
  assert.equal(r.integrationLatencyRaw, '0');
  assert.equal(r.timeMs, 1_000_000);
  assert.equal(r.stage, undefined);
  assert.equal(recordFromFields({ status: 'abc', responseLatency: true, integrationLatency: '0x1F' }, 's').integrationLatencyMs, 31);
});

test('endpoints: routes found field by field still merge as their joined keys do', () => {
  const acc = new EndpointAccumulator();
  const rec = (api: string, stage: string, responseLatencyMs: number, status = 200) => ({ source: 'x', api, stage, method: 'GET', route: '/r', responseLatencyMs, status });
  // `a\0b` + `c` and `a` + `b\0c` join to the same key: one route, as before.
  acc.add(rec('a\u0000b', 'c', 10));
  acc.add(rec('a', 'b\u0000c', 20));
  acc.add(rec('a', 'c', 30));
  const outcomes = [rec('a', 'b\u0000c', 20, 504), rec('a\u0000b', 'c', 10, 502), rec('zzz', 'c', 1, 500)];
  const stats = acc.stats({}, outcomes);
  assert.deepEqual(
    stats.map((e) => [e.api, e.stage, e.count, e.errors5xx]),
    [
      ['a', 'c', 1, 0],
      ['a\u0000b', 'c', 2, 2],
    ],
  );
});
