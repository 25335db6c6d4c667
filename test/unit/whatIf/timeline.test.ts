// The what-if timeline (whatIfTimeline): where a set of fixes would put each span. Every expected
// time is worked out by hand from the documents (the arithmetic is in the comments), as offsets
// from the request's start; each set's total is also checked against the report's own prediction.
// Builder facts (test/builders/traceBuilder.ts): the stage segment runs 0 → gatewayEnd; its Lambda
// Invoke 2 → gatewayEnd − 1; the Lambda service segment 2.5 → function end + 1; the Initialization
// 3 → 3 + initMs; the function segment and its Invocation start at 3 + initMs; the Invocation ends
// 1 ms before the function segment (Overhead), which ends gatewayEnd − 5 unless set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze, type AnalyzeOptions } from '../../../src/core/analyze';
import { whatIfTimeline, type WhatIfTimeline } from '../../../src/core/whatIf';
import type { AnalyzedTrace } from '../../../src/core/breakdown';
import type { Span } from '../../../src/core/model';
import { apiTrace, batchGetTraces, type BuiltTrace, type SubOpts } from '../../builders/traceBuilder';
import { tenGets } from './calls';

function analyzedOf(text: string, name: string, options: AnalyzeOptions = {}): AnalyzedTrace {
  const { analyzed } = analyze(parseTraceText(text, name), options);
  assert.equal(analyzed.length, 1);
  return analyzed[0]!;
}

const built = (t: BuiltTrace, options: AnalyzeOptions = {}): AnalyzedTrace => analyzedOf(batchGetTraces(t), 'built.json', options);
const fixture = (): AnalyzedTrace => analyzedOf(readFileSync(join('test', 'fixtures', 'xray', 'built_rest_504_lambda_runs_on.json'), 'utf8'), 'built_rest_504_lambda_runs_on.json');

/** The timeline of a set, checked against the report: its total is the fix's (or the set's) own prediction. */
function timelineOf(a: AnalyzedTrace, fixIds: string[], expectTotal?: number): WhatIfTimeline {
  const basis = a.whatIfBasis!;
  const t = whatIfTimeline(a.trace.spans, a.breakdown, basis.findings, fixIds, basis.options, basis.window);
  assert.ok(t, `a timeline for ${fixIds.join(' + ')}`);
  if (fixIds.length === 1) {
    const fix = a.report.whatIf!.fixes.find((f) => f.id === fixIds[0]);
    assert.equal(t.predictedMs, fix!.predictedMs, 'the same total as the fix');
  }
  const enough = a.report.whatIf!.enough;
  if (enough && enough.fixIds.join() === fixIds.join()) assert.equal(t.predictedMs, enough.predictedMs, 'the same total as the smallest set');
  if (expectTotal !== undefined) assert.equal(t.predictedMs, expectTotal);
  return t;
}

/** [start, end] of the spans matching `pick`, as offsets from the request's start, to 0.01 ms. */
function at(a: AnalyzedTrace, t: WhatIfTimeline, pick: (s: Span) => boolean): Array<[number, number]> {
  const o = a.breakdown.originMs;
  const out: Array<[number, number]> = [];
  a.trace.spans.forEach((s, i) => {
    if (pick(s)) out.push([Math.round((t.startMs[i]! - o) * 100) / 100, Math.round((t.endMs[i]! - o) * 100) / 100]);
  });
  return out;
}

const named = (name: string, origin?: string) => (s: Span): boolean => s.name === name && (origin === undefined || s.origin === origin);
const stage = (s: Span): boolean => s.origin === 'AWS::ApiGateway::Stage';
const gets = (s: Span): boolean => s.aws?.operation === 'GetItem';

test('the fixture, batched: four BatchGetItem bars from 2 300 ms, the rest of the work moved up, the front door ending at 3 570 ms', () => {
  const a = fixture();
  // 380 GetItem of 80 ms back to back 2 300 → 32 700; the handler (Invocation) 2 253 → 33 489; the
  // function segment ends 33 490, past the cut at 29 012. Batch: ⌈380/100⌉ = 4 calls × 1.5 × 80 = 120 ms
  // each, 480 in all: 33 490 − 30 400 + 480 = 3 570.
  const t = timelineOf(a, ['batch-calls:DynamoDB GetItem'], 3_570);
  assert.equal(t.budgetMs, 29_000);
  assert.equal(t.marginMs, 25_430);
  assert.equal(t.fits, true);
  const calls = at(a, t, gets);
  assert.equal(calls.length, 380);
  // The batch calls one after another from the first call's start; the other 376 at 2 300 with no length.
  assert.deepEqual(calls.slice(0, 4), [[2_300, 2_420], [2_420, 2_540], [2_540, 2_660], [2_660, 2_780]]);
  for (const c of calls.slice(4)) assert.deepEqual(c, [2_300, 2_300]);
  // After the group: the handler's 789 ms after the last call (32 700 → 33 489) now from 2 780 → 3 569.
  assert.deepEqual(at(a, t, named('Invocation')), [[2_253, 3_569]]);
  assert.deepEqual(at(a, t, named('Overhead')), [[3_569, 3_570]]);
  assert.deepEqual(at(a, t, named('orders-api-prod-createReport', 'AWS::Lambda::Function')), [[2_253, 3_570]]);
  assert.deepEqual(at(a, t, named('orders-api-prod-createReport', 'AWS::Lambda')), [[2.5, 3_571]]);
  // The cold start is before the group: unchanged.
  assert.deepEqual(at(a, t, named('Initialization')), [[3, 2_253]]);
  // A cut request: the front door and its Invoke end at min(3 570, 29 000).
  assert.deepEqual(at(a, t, stage), [[0, 3_570]]);
  assert.deepEqual(at(a, t, named('Lambda')), [[2, 3_570]]);
});

test('the fixture: the cold start removed as well compresses the Initialization to nothing; alone it leaves the request cut at the budget', () => {
  const a = fixture();
  const both = timelineOf(a, ['batch-calls:DynamoDB GetItem', 'remove-cold-start'], 3_570 - 2_250);
  // Initialization 3 → 2 253 (2 250 ms) compressed to 3; everything after it 2 250 ms earlier.
  assert.deepEqual(at(a, both, named('Initialization')), [[3, 3]]);
  assert.deepEqual(at(a, both, gets).slice(0, 2), [[50, 170], [170, 290]]);
  assert.deepEqual(at(a, both, named('Invocation')), [[3, 1_319]]);
  assert.deepEqual(at(a, both, stage), [[0, 1_320]]);
  // The cold start alone: 33 490 − 2 250 = 31 240, past the 29 000 budget: the front door still
  // gives up at 29 000 while the function runs on to 31 240.
  const cold = timelineOf(a, ['remove-cold-start'], 31_240);
  assert.equal(cold.fits, false);
  assert.equal(cold.marginMs, -2_240);
  assert.deepEqual(at(a, cold, stage), [[0, 29_000]]);
  assert.deepEqual(at(a, cold, named('Lambda')), [[2, 29_000]]);
  assert.deepEqual(at(a, cold, named('orders-api-prod-createReport', 'AWS::Lambda::Function')), [[3, 31_240]]);
  assert.deepEqual(at(a, cold, gets)[379], [32_620 - 2_250, 32_700 - 2_250]);
});

test('the fixture: run concurrently, all 380 calls start together; 202 and a queue end the request, the work goes on behind it', () => {
  const a = fixture();
  // All at once: the group costs its longest, 80: 33 490 − 30 400 + 80 = 3 170.
  const c = timelineOf(a, ['concurrent-calls:DynamoDB GetItem'], 3_170);
  for (const call of at(a, c, gets)) assert.deepEqual(call, [2_300, 2_380]);
  assert.deepEqual(at(a, c, named('Invocation')), [[2_253, 3_169]]);
  // Queue: the handler started at 2 253 + 50 to enqueue + the gateway's 1 ms after the Invoke = 2 304.
  const q = timelineOf(a, ['queue-202'], 2_304);
  assert.deepEqual(at(a, q, stage), [[0, 2_304]]);
  assert.deepEqual(at(a, q, named('Lambda')), [[2, 2_303]]);
  // Behind the queue the function's work keeps its times.
  assert.deepEqual(at(a, q, named('Invocation')), [[2_253, 33_489]]);
  assert.deepEqual(at(a, q, gets)[0], [2_300, 2_380]);
});


test('waves of a stated concurrency: each wave starts when the one before would end (its longest call)', () => {
  // Calls start 1 000, 1 300, 1 700, 2 200, 2 800, 3 500, 4 300, 5 200, 6 200, 7 300 and end 8 500.
  const a = built(apiTrace({ gatewayEnd: 10_000, calls: tenGets(1_000) }), { overrideMs: 6_000, whatIf: { concurrency: 4 } });
  // ⌈10/4⌉ = 3 waves × 1 200 = 3 600: 10 000 − 7 500 + 3 600 = 6 100.
  const t = timelineOf(a, ['concurrent-calls:DynamoDB GetItem'], 6_100);
  const d = (i: number): number => 300 + 100 * i;
  assert.deepEqual(
    at(a, t, gets),
    Array.from({ length: 10 }, (_, i) => {
      const s = 1_000 + Math.floor(i / 4) * 1_200;
      return [s, s + d(i)];
    }),
  );
  // The handler's 1 494 ms after the calls (8 500 → 9 994) now from 1 000 + 3 600 = 4 600.
  assert.deepEqual(at(a, t, named('Invocation')), [[3, 6_094]]);
  // Not cut: the front door ends at the predicted total; its Invoke (2 → 9 999) through the warp.
  assert.deepEqual(at(a, t, stage), [[0, 6_100]]);
  assert.deepEqual(at(a, t, named('Lambda')), [[2, 6_099]]);
});

test('memory scales the handler’s own time, a cap shortens a call and scales what is below it', () => {
  // Cold start 1 000 (3 → 1 003); handler 1 003 → 4 994; one partner call 1 100 → 4 900 with a
  // child 2 000 → 3 000. Memory 512 of 1 769 MB: factor f = 512/1 769 = 0.289429…
  const call: SubOpts = { name: 'api.partner.example', namespace: 'remote', method: 'GET', start: 1_100, end: 4_900, subs: [{ name: 'retry', start: 2_000, end: 3_000 }] };
  const a = built(apiTrace({ gatewayEnd: 5_000, initMs: 1_000, calls: [call] }), { overrideMs: 6_000, functionMemoryMb: { 'orders-fn': 512 }, whatIf: { downstreamTimeoutMs: 1_000 } });
  const f = 512 / 1_769;
  const r = (x: number): number => Math.round(x * 100) / 100;
  // All three: the handler from 3; its 97 ms before the call × f; the call capped at 1 000; its
  // 94 ms after × f. Total 5 000 − 1 000 − (3 991 − (191 f + 1 000)) = 1 009 + 191 f = 1 064.28 → 1 064.
  const t = timelineOf(a, ['remove-cold-start', 'raise-memory', 'cap-downstream:api.partner.example GET'], 1_064);
  const s0 = 3 + 97 * f;
  assert.deepEqual(at(a, t, named('api.partner.example')), [[r(s0), r(s0 + 1_000)]]);
  // The child, 900 → 1 900 ms into the 3 800 ms call, scaled by 1 000/3 800 with it.
  assert.deepEqual(at(a, t, named('retry')), [[r(s0 + 900 / 3.8), r(s0 + 1_900 / 3.8)]]);
  assert.deepEqual(at(a, t, named('Invocation')), [[3, r(3 + 191 * f + 1_000)]]);
  assert.deepEqual(at(a, t, stage), [[0, 1_064]]);
  // The memory fix alone: 5 000 − 3 991 + 191 f + 3 800 = 4 864.28 → 4 864; the call moves 97 (1 − f) earlier.
  const m = timelineOf(a, ['raise-memory'], 4_864);
  assert.deepEqual(at(a, m, named('api.partner.example')), [[r(1_003 + 97 * f), r(1_003 + 97 * f + 3_800)]]);
});

test('a cap at the p50 over the window: the trace keeps only its capped targets’ p50s, and the bars agree with the report', () => {
  const partner = { name: 'api.partner.example', namespace: 'remote', method: 'GET' } as const;
  const other = apiTrace({ gatewayEnd: 1_000, calls: [{ ...partner, start: 100, end: 300 }, { ...partner, start: 400, end: 700 }, { name: 'SQS', namespace: 'aws', operation: 'SendMessage', start: 800, end: 900 }] });
  const slow = apiTrace({ gatewayEnd: 5_000, initMs: 1_000, calls: [{ ...partner, start: 1_100, end: 4_900 }] });
  const { analyzed } = analyze(parseTraceText(batchGetTraces(slow, other), 'built.json'), { overrideMs: 6_000 });
  const a = analyzed.find((x) => x.trace.traceId === slow.traceId)!;
  // The window's partner calls: 200, 300, 3 800 ms; p50 (nearest rank 2 of 3) = 300. The trace
  // keeps that target's p50 only (not SQS's, which it never calls).
  assert.deepEqual([...a.whatIfBasis!.window!.p50ByTarget], [['api.partner.example GET', { p50Ms: 300, calls: 3 }]]);
  assert.equal(a.whatIfBasis!.window!.traces, 2);
  // The call 1 100 → 4 900 capped at 300 → 1 100 → 1 400; the handler's 94 ms after it from 1 400:
  // the Invocation 1 003 → 1 494; 5 000 − 3 500 = 1 500.
  const t = timelineOf(a, ['cap-downstream:api.partner.example GET'], 1_500);
  assert.deepEqual(at(a, t, named('api.partner.example')), [[1_100, 1_400]]);
  assert.deepEqual(at(a, t, named('Invocation')), [[1_003, 1_494]]);
});

test('an id the trace does not have, or two fixes of one group, give no timeline; no fix gives the spans as they are', () => {
  const a = fixture();
  const b = a.whatIfBasis!;
  assert.equal(whatIfTimeline(a.trace.spans, a.breakdown, b.findings, ['nope'], b.options, b.window), null);
  assert.equal(whatIfTimeline(a.trace.spans, a.breakdown, b.findings, ['batch-calls:DynamoDB GetItem', 'concurrent-calls:DynamoDB GetItem'], b.options, b.window), null);
  const none = whatIfTimeline(a.trace.spans, a.breakdown, b.findings, [], b.options, b.window)!;
  assert.equal(none.predictedMs, 33_490);
  a.trace.spans.forEach((s, i) => {
    if (s.origin === 'AWS::ApiGateway::Stage' || s.name === 'Lambda') return; // the cut request's front door: at the budget
    assert.equal(none.startMs[i], s.startMs);
    assert.equal(none.endMs[i], s.endMs ?? s.startMs);
  });
  assert.deepEqual(at(a, none, stage), [[0, 29_000]]);
});
