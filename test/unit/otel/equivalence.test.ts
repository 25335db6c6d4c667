// The same request as X-Ray segment documents, as an OTLP/JSON export and as aws/spans records
// (test/builders/requestForms.ts, one description) must give the same breakdown and findings.
// The figures pinned here are worked out by hand from the description (noted beside each).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceText } from '../../../src/ingest/xray';
import { parseOtlpText, parseOtlpValue, parseSpanRecords } from '../../../src/ingest/otel';
import { analyze } from '../../../src/core/analyze';
import type { TraceReport } from '../../../src/core/report';
import { batchGetTracesForm, otlpForm, spanRecordsForm, traceIdOf, type CallDescription, type RequestDescription } from '../../builders/requestForms';

/** What must agree between the forms: everything of the report but the span ids' sources. */
function essentials(t: TraceReport): unknown {
  return {
    traceId: t.traceId,
    entry: t.entry,
    budgetMs: t.budgetMs,
    totalMs: t.totalMs,
    verdict: t.verdict,
    breakdown: t.breakdown,
    functionEndAtMs: t.functionEndAtMs,
    cutAtMs: t.cutAtMs,
    afterCutMs: t.afterCutMs,
    findings: t.findings.map((f) => ({ id: f.id, severity: f.severity, evidence: f.evidence, spanIds: f.spanIds })),
  };
}

function allForms(d: RequestDescription): { xray: TraceReport; otlp: TraceReport; ndjson: TraceReport; records: TraceReport } {
  const one = (parsed: ReturnType<typeof parseOtlpValue>, what: string): TraceReport => {
    assert.deepEqual(parsed.errors, [], `${what}: no ingest errors`);
    const { report } = analyze(parsed);
    assert.equal(report.traces.length, 1, `${what}: one trace`);
    return report.traces[0]!;
  };
  const otlp = otlpForm(d);
  // The Collector's file exporter: one ExportTraceServiceRequest per line, here one per resource.
  const ndjson = (otlp.resourceSpans as unknown[]).map((rs) => JSON.stringify({ resourceSpans: [rs] })).join('\n');
  return {
    xray: one(parseTraceText(batchGetTracesForm(d), 'xray.json'), 'X-Ray'),
    otlp: one(parseOtlpText(JSON.stringify(otlp, null, 2), 'otlp.json'), 'OTLP'),
    ndjson: one(parseOtlpText(ndjson, 'otlp.ndjson'), 'OTLP NDJSON'),
    // aws/spans records as FilterLogEvents gives them: each message a JSON string.
    records: one(parseSpanRecords(spanRecordsForm(d).map((r) => JSON.stringify(r)), 'aws-spans'), 'aws/spans'),
  };
}

const getItems = (n: number, each: number, from: number): CallDescription[] =>
  Array.from({ length: n }, (_, i) => ({ kind: 'aws', target: 'DynamoDB', operation: 'GetItem', table: 'orders', start: from + i * each, end: from + (i + 1) * each }));

test('a REST 504 with a cold start, ten sequential GetItem calls and a partner call: the same breakdown and findings in every form', () => {
  const d: RequestDescription = {
    status: 504,
    gatewayEnd: 29_012,
    functionEnd: 33_490,
    initMs: 2_250,
    calls: [...getItems(10, 2_500, 2_300), { kind: 'http', target: 'api.partner.example', operation: 'GET', start: 27_400, end: 33_000 }],
  };
  const { xray, otlp, ndjson, records } = allForms(d);
  for (const [name, t] of Object.entries({ otlp, ndjson, records })) assert.deepEqual(essentials(t), essentials(xray), `${name} = X-Ray`);
  const t = otlp;
  assert.equal(t.traceId, traceIdOf(d).xray);
  assert.equal(t.entry.kind, 'rest-api');
  assert.equal(t.entry.status, 504);
  // Stage 0 → 29 012 ms; its Lambda Invoke 2 → 29 011 ms: the gateway's own 29 012 − 29 009 = 3 ms.
  assert.equal(t.totalMs, 29_012);
  assert.equal(t.breakdown.gatewayMs, 3);
  // Init 3 → 2 253; Invocation 2 253 → 33 489 (the function ends at 33 490, 1 ms overhead).
  assert.equal(t.breakdown.coldStartMs, 2_250);
  assert.equal(t.breakdown.coldStartKind, 'init');
  assert.equal(t.breakdown.handlerMs, 31_236);
  assert.equal(t.breakdown.overheadMs, 1);
  // 10 × 2 500 ms of GetItem; the partner call 27 400 → 33 000.
  assert.deepEqual(t.breakdown.downstream, [
    { name: 'DynamoDB', operation: 'GetItem', namespace: 'aws', ms: 25_000, calls: 10 },
    { name: 'api.partner.example', operation: 'GET', namespace: 'remote', ms: 5_600, calls: 1 },
  ]);
  assert.equal(t.verdict, 'timeout');
  assert.equal(t.cutAtMs, 29_012);
  assert.equal(t.functionEndAtMs, 33_490);
  assert.equal(t.afterCutMs, 33_490 - 29_012);
  // Without the cold start the function would still end at 31 240 > 29 000: not cold-start-tipped.
  // 25 000 / 31 236 = 80 % of the handler on one target (slow), ten calls back to back (sequential).
  assert.deepEqual(t.findings.map((f) => f.id).sort(), ['integration-timeout', 'sequential-calls', 'slow-downstream', 'work-after-cut']);
});

test('a 502 from a handler exception, with a throttled GetItem and a SQL query: the same in every form, exception and frame included', () => {
  const stack = 'Error: order 42 not found\n    at loadOrder (/var/task/src/orders.js:41:11)\n    at async Runtime.handler (/var/task/index.js:12:5)';
  const d: RequestDescription = {
    status: 502,
    gatewayEnd: 1_480,
    functionEnd: 1_470,
    calls: [
      { kind: 'aws', target: 'DynamoDB', operation: 'GetItem', table: 'orders', start: 10, end: 310, status: 429 },
      { kind: 'db', target: 'orders@db.example', start: 320, end: 1_320 },
    ],
    handlerException: { type: 'Error', message: 'order 42 not found', stack },
  };
  const { xray, otlp, ndjson, records } = allForms(d);
  for (const [name, t] of Object.entries({ otlp, ndjson, records })) assert.deepEqual(essentials(t), essentials(xray), `${name} = X-Ray`);
  const t = otlp;
  // Warm: Invocation 3 → 1 469, overhead 1 469 → 1 470.
  assert.equal(t.breakdown.coldStartMs, 0);
  assert.equal(t.breakdown.coldStartKind, null);
  assert.equal(t.breakdown.handlerMs, 1_466);
  assert.equal(t.breakdown.gatewayMs, 1_480 - (1_479 - 2));
  assert.deepEqual(t.breakdown.downstream, [
    { name: 'orders@db.example', namespace: 'remote', ms: 1_000, calls: 1 },
    { name: 'DynamoDB', operation: 'GetItem', namespace: 'aws', ms: 300, calls: 1 },
  ]);
  assert.equal(t.verdict, 'error');
  const ids = t.findings.map((f) => f.id).sort();
  assert.ok(ids.includes('function-error'), ids.join(', '));
  assert.ok(ids.includes('throttled-downstream'), ids.join(', '));
  const fe = t.findings.find((f) => f.id === 'function-error')!;
  // The first frame outside the runtime: src/orders.js line 41.
  assert.deepEqual({ type: fe.evidence.type, path: fe.evidence.path, line: fe.evidence.line }, { type: 'Error', path: '/var/task/src/orders.js', line: 41 });
});

test('a warm, fast request: the same in every form, verdict ok, no findings', () => {
  const d: RequestDescription = { gatewayEnd: 180, functionEnd: 170, calls: [{ kind: 'aws', target: 'DynamoDB', operation: 'Query', table: 'orders', start: 20, end: 120 }] };
  const { xray, otlp, records } = allForms(d);
  assert.deepEqual(essentials(otlp), essentials(xray));
  assert.deepEqual(essentials(records), essentials(xray));
  assert.equal(otlp.totalMs, 180);
  assert.equal(otlp.verdict, 'ok');
  assert.deepEqual(otlp.findings, []);
});
