// Built traces for every shape the breakdown and the findings must handle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceText, parseTraceValue, normalizeTraceId } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import type { TraceReport } from '../../../src/core/report';
import { apiTrace, batchGetTraces, reportsTimeout, segId, sub, T0_S, type BuiltTrace } from '../../builders/traceBuilder';

function one(t: BuiltTrace, opts: Parameters<typeof analyze>[1] = {}): TraceReport {
  const { report } = analyze(parseTraceText(batchGetTraces(t), 'built.json'), opts);
  assert.equal(report.errors.length, 0, JSON.stringify(report.errors));
  return report.traces[0]!;
}

const ids = (r: TraceReport): string[] => r.findings.map((f) => f.id).sort();

test('a 504 at 29 s while the Lambda runs on: cut, function end, work after the cut', () => {
  // N+1: 380 GetItem calls of 80 ms, one after another, from 2 300 ms: they end at 32 700 ms,
  // inside the function (which ends at 33 490 ms).
  const t = reportsTimeout();
  const r = one(t);
  assert.equal(r.verdict, 'timeout');
  assert.equal(r.totalMs, 29_012);
  assert.equal(r.cutAtMs, 29_012);
  assert.equal(r.functionEndAtMs, 33_490);
  assert.equal(r.afterCutMs, 4_478);
  assert.equal(r.budgetMs, 29_000);
  assert.equal(r.breakdown.coldStartMs, 2_250);
  assert.equal(r.breakdown.gatewayMs, 29_012 - (29_011 - 2));
  assert.deepEqual(r.breakdown.downstream[0], { name: 'DynamoDB', operation: 'GetItem', namespace: 'aws', ms: 30_400, calls: 380 });
  assert.deepEqual(ids(r), ['integration-timeout', 'sequential-calls', 'slow-downstream', 'work-after-cut']);
  const seq = r.findings.find((f) => f.id === 'sequential-calls')!;
  assert.match(seq.fix, /BatchGetItem/);
  assert.equal(seq.spanIds?.length, 380);
  const after = r.findings.find((f) => f.id === 'work-after-cut')!;
  assert.equal(after.evidence.afterCutMs, 4_478);
  assert.match(after.fix, /function timeout below the integration timeout/);
  // Without its 2.25 s cold start the function would have finished at 31.24 s: still over 29 s,
  // so the cold start did not tip it.
  assert.ok(!r.findings.some((f) => f.id === 'cold-start-tipped'));
});

test('cold-start-tipped only when the request would have fit without the cold start', () => {
  const fits = one(apiTrace({ status: 504, gatewayEnd: 29_010, functionEnd: 30_500, initMs: 3_000 }));
  assert.ok(fits.findings.some((f) => f.id === 'cold-start-tipped'), '30.5 s − 3 s = 27.5 s < 29 s');
  const wouldNot = one(apiTrace({ status: 504, gatewayEnd: 29_010, functionEnd: 40_000, initMs: 3_000 }));
  assert.ok(!wouldNot.findings.some((f) => f.id === 'cold-start-tipped'), '40 s − 3 s is still over');
});

test('approaching the budget without timing out', () => {
  const r = one(apiTrace({ status: 200, gatewayEnd: 25_000, calls: [{ name: 'api.partner.example', namespace: 'remote', method: 'GET', start: 100, end: 24_000 }] }));
  assert.equal(r.verdict, 'near');
  assert.deepEqual(ids(r), ['approaching-budget', 'slow-downstream']);
  assert.match(r.findings.find((f) => f.id === 'slow-downstream')!.fix, /timeout shorter than the remaining budget/);
});

test('a healthy request has no findings and no cut', () => {
  const r = one(apiTrace({ status: 200, gatewayEnd: 150 }));
  assert.equal(r.verdict, 'ok');
  assert.deepEqual(r.findings, []);
  assert.equal(r.cutAtMs, null);
});

test('throttled and retried downstream calls', () => {
  const r = one(
    apiTrace({
      gatewayEnd: 900,
      calls: [
        { name: 'DynamoDB', namespace: 'aws', operation: 'PutItem', start: 10, end: 500, retries: 3 },
        { name: 'api.rates.example', namespace: 'remote', method: 'GET', start: 510, end: 600, status: 429, throttle: true },
      ],
    }),
  );
  const f = r.findings.find((x) => x.id === 'throttled-downstream');
  assert.ok(f);
  assert.equal(f.evidence.calls, 2);
  assert.equal(f.evidence.retries, 3);
});

test('parallel calls are not sequential', () => {
  const calls = Array.from({ length: 6 }, (_, i) => ({ name: 'DynamoDB', namespace: 'aws' as const, operation: 'GetItem', start: 10 + i, end: 400 + i }));
  const r = one(apiTrace({ gatewayEnd: 500, calls }));
  assert.ok(!r.findings.some((f) => f.id === 'sequential-calls'));
});

test('SnapStart restore is the cold start, of kind restore', () => {
  const r = one(apiTrace({ gatewayEnd: 1_000, restoreMs: 400 }));
  assert.equal(r.breakdown.coldStartMs, 400);
  assert.equal(r.breakdown.coldStartKind, 'restore');
});

test('old traces without Invocation: calls hang off the function segment', () => {
  const r = one(apiTrace({ gatewayEnd: 1_000, functionEnd: 990, invocation: false, overheadMs: 0, calls: [{ name: 'S3', namespace: 'aws', operation: 'GetObject', start: 100, end: 300 }] }));
  assert.equal(r.breakdown.handlerMs, 990 - 3, 'function segment (3 → 990 ms) minus init (none) and overhead (none)');
  assert.equal(r.breakdown.downstream[0]!.name, 'S3');
});

test('a frozen function: in-progress function segment, lost subsegments', () => {
  const r = one(apiTrace({ status: 504, gatewayEnd: 29_005, functionEnd: null }));
  assert.equal(r.verdict, 'timeout');
  assert.equal(r.functionEndAtMs, null);
  assert.equal(r.afterCutMs, null);
  assert.ok(r.findings.some((f) => f.id === 'lost-subsegments'));
  const missing = one(apiTrace({ status: 504, gatewayEnd: 29_005, noFunctionSegment: true }));
  assert.ok(missing.findings.some((f) => f.id === 'lost-subsegments'));
});

test('budgets: HTTP API by flag, a CLI budget, a configured budget', () => {
  const t = apiTrace({ gatewayEnd: 25_000 });
  assert.equal(one(t, { overrideMs: 60_000 }).budgetSource, 'cli');
  assert.equal(one(t, { overrideMs: 60_000 }).verdict, 'ok');
  const conf = one(t, { configured: (name) => (name === 'orders-api/prod' ? 50_000 : undefined) });
  assert.equal(conf.budgetMs, 50_000);
  assert.equal(conf.budgetSource, 'configured');
  // A function-only trace (HTTP APIs are not traced by API Gateway) with --api-type http.
  const docs = t.docs.slice(1).map((d) => ({ ...d }));
  delete docs[0]!.parent_id;
  const { report } = analyze(parseTraceValue(docs, 'fn.json'), { apiType: 'http' });
  // The trace starts at the function; the front door is the HTTP API the flag names.
  assert.equal(report.traces[0]!.entry.kind, 'http-api');
  assert.equal(report.traces[0]!.budgetMs, 30_000);
  assert.equal(report.traces[0]!.budgetSource, 'http-api-default');
});

test('every input shape gives the same trace', () => {
  const t = apiTrace({ status: 504, gatewayEnd: 29_010, functionEnd: 31_000 });
  const expect = one(t);
  const shapes: Array<[string, string]> = [
    ['BatchGetTraces', batchGetTraces(t)],
    ['array', JSON.stringify(t.docs)],
    ['NDJSON', t.docs.map((d) => JSON.stringify(d)).join('\n')],
    ['daemon UDP', t.docs.map((d) => `{"format": "json", "version": 1}\n${JSON.stringify(d)}`).join('\n')],
    ['reversed order', JSON.stringify([...t.docs].reverse())],
    ['single trace object', JSON.stringify({ Id: t.traceId, Segments: t.docs.map((d) => ({ Id: d.id, Document: JSON.stringify(d) })) })],
  ];
  for (const [name, text] of shapes) {
    const { report } = analyze(parseTraceText(text, name));
    assert.deepEqual(report.errors, [], name);
    assert.deepEqual(report.traces[0], expect, name);
  }
});

test('independently sent subsegments join their parent, also across documents', () => {
  const t = apiTrace({ gatewayEnd: 2_000, functionEnd: 1_900 });
  const call = sub({ name: 'DynamoDB', namespace: 'aws', operation: 'Query', start: 100, end: 1_500 });
  const independent = { ...call, type: 'subsegment', trace_id: t.traceId, parent_id: t.ids.invocation };
  const { report, analyzed } = analyze(parseTraceValue([...t.docs, independent], 'x.json'));
  assert.deepEqual(report.errors, []);
  assert.equal(report.traces[0]!.breakdown.downstream[0]!.ms, 1_400);
  const invocation = analyzed[0]!.trace.spans.find((s) => s.id === t.ids.invocation)!;
  assert.ok(invocation.children.some((c) => c.id === call.id));
});

test('W3C and X-Ray trace ids are the same trace', () => {
  assert.equal(normalizeTraceId('1-5759E988-BD862E3FE1BE46A994272793'), '1-5759e988-bd862e3fe1be46a994272793');
  assert.equal(normalizeTraceId('5759e988bd862e3fe1be46a994272793'), '1-5759e988-bd862e3fe1be46a994272793');
  assert.equal(normalizeTraceId('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'), '1-5759e988-bd862e3fe1be46a994272793');
  assert.equal(normalizeTraceId('nope'), null);
  const t = apiTrace({ traceId: '1-5759e988-bd862e3fe1be46a994272793' });
  const docs = t.docs.map((d, i) => (i === 1 ? { ...d, trace_id: '5759e988bd862e3fe1be46a994272793' } : d));
  const parsed = parseTraceValue(docs, 'w3c.json');
  assert.equal(parsed.traces.length, 1);
});

test('damaged input is reported per segment and the rest still analyzed', () => {
  const t = apiTrace({ status: 504, gatewayEnd: 29_010, functionEnd: 31_000 });
  const a = segId();
  const b = segId();
  const text = JSON.stringify({
    Traces: [
      {
        Id: t.traceId,
        Segments: [
          ...t.docs.map((d) => ({ Id: d.id, Document: JSON.stringify(d) })),
          { Id: 'bad', Document: '{"id": "x", "start_time": ' },
          { Id: 'nostart', Document: JSON.stringify({ id: segId(), trace_id: t.traceId, name: 'no-start', end_time: T0_S + 1 }) },
          { Id: 'absurd', Document: JSON.stringify({ id: segId(), trace_id: t.traceId, name: 'absurd', start_time: 12, end_time: 13 }) },
          { Id: 'orphan', Document: JSON.stringify({ id: segId(), trace_id: t.traceId, parent_id: 'ffffffffffffffff', name: 'orphan', start_time: T0_S + 1, end_time: T0_S + 2 }) },
          { Id: 'c1', Document: JSON.stringify({ id: a, trace_id: t.traceId, parent_id: b, name: 'cycle-a', start_time: T0_S + 1, end_time: T0_S + 2 }) },
          { Id: 'c2', Document: JSON.stringify({ id: b, trace_id: t.traceId, parent_id: a, name: 'cycle-b', start_time: T0_S + 1.5, end_time: T0_S + 2 }) },
          { Id: 'back', Document: JSON.stringify({ id: segId(), trace_id: t.traceId, name: 'backwards', start_time: T0_S + 5, end_time: T0_S + 4 }) },
          { Id: 'num', Document: 42 },
        ],
      },
    ],
  });
  const { report } = analyze(parseTraceText(text, 'damaged.json'));
  const msgs = report.errors.map((e) => `${e.source} ${e.message}`);
  assert.ok(msgs.some((m) => /Segments\[\d+\] Document is not valid JSON/.test(m)), msgs.join('\n'));
  assert.ok(msgs.some((m) => /no start_time/.test(m)));
  assert.ok(msgs.some((m) => /not a plausible epoch time/.test(m)));
  assert.ok(msgs.some((m) => /names parent ffffffffffffffff, which is not in the trace/.test(m)));
  assert.ok(msgs.some((m) => /parent cycle/.test(m)));
  assert.ok(msgs.some((m) => /impossible end_time/.test(m)));
  assert.ok(msgs.some((m) => /Document is a number, not a segment document/.test(m)));
  assert.ok(report.errors.every((e) => e.source.startsWith('damaged.json#Traces[0]')));
  // The request itself is still analyzed.
  assert.equal(report.traces[0]!.verdict, 'timeout');
  assert.equal(report.traces[0]!.afterCutMs, 1_990);
});

test('NDJSON with garbage lines: each reported with its line number', () => {
  const t = apiTrace();
  const text = ['not json at all', ...t.docs.map((d) => JSON.stringify(d)), '{"half": '].join('\n');
  const parsed = parseTraceText(text, 'mixed.ndjson');
  assert.deepEqual(
    parsed.errors.map((e) => e.source),
    ['mixed.ndjson:1', `mixed.ndjson:${t.docs.length + 2}`],
  );
  assert.equal(parsed.traces.length, 1);
});

test('worst request first', () => {
  const ok = apiTrace({ gatewayEnd: 100 });
  const near = apiTrace({ gatewayEnd: 26_000 });
  const timeout = apiTrace({ status: 504, gatewayEnd: 29_001 });
  const err = apiTrace({ status: 502, gatewayEnd: 300 });
  const { report } = analyze(parseTraceText(batchGetTraces(ok, near, timeout, err), 'many.json'));
  assert.deepEqual(
    report.traces.map((t) => t.verdict),
    ['timeout', 'error', 'near', 'ok'],
  );
});

test('fixes speak the function’s language when its runtime is known, and Node’s otherwise', () => {
  const t = reportsTimeout();
  const text = batchGetTraces(t);
  const fixes = (runtime?: string): Record<string, string> => {
    const { report } = analyze(parseTraceText(text, 'built.json'), runtime ? { functionRuntimes: { 'orders-fn': runtime } } : {});
    return Object.fromEntries(report.traces[0]!.findings.map((f) => [f.id, f.fix]));
  };
  const node = fixes();
  assert.match(node['sequential-calls']!, /one BatchGetItem .* GetItem calls concurrently with Promise\.all/);
  assert.match(node['work-after-cut']!, /context\.getRemainingTimeInMillis\(\)/);
  assert.deepEqual(fixes('nodejs20.x'), node, 'a Node runtime reads as the default');
  const py = fixes('python3.12');
  assert.match(py['sequential-calls']!, /one batch_get_item \(up to 100 keys per call\) instead of a get_item per item/);
  assert.match(py['sequential-calls']!, /asyncio\.gather|ThreadPoolExecutor/);
  assert.doesNotMatch(py['sequential-calls']!, /Promise\.all/);
  assert.match(py['work-after-cut']!, /context\.get_remaining_time_in_millis\(\)/);
  assert.match(fixes('java21')['sequential-calls']!, /CompletableFuture\.allOf/);
  assert.match(fixes('dotnet8')['work-after-cut']!, /context\.RemainingTime/);
});
