// The what-if rules on built traces: every expected number is worked out by hand from the
// documents the builder writes (the arithmetic is in the comments), never read off the engine.
// Builder facts used throughout: the stage segment runs 0 → gatewayEnd; its Lambda Invoke
// subsegment 2 → gatewayEnd − 1 (so the gateway's own time is 3 ms, 2 before and 1 after); the
// Initialization 3 → 3 + initMs; the function segment and its Invocation start at 3 + initMs; the
// Invocation ends 1 ms before the function segment (Overhead 1 ms), which ends gatewayEnd − 5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze, type AnalyzeOptions } from '../../../src/core/analyze';
import { traceWhatIf } from '../../../src/core/whatIf';
import type { AccessLogRecord } from '../../../src/core/model';
import type { Report, TraceWhatIf, WhatIfFix } from '../../../src/core/report';
import { join } from 'node:path';
import { runCli } from '../cli/runCli';
import { renderTextReport } from '../../../src/core/textReport';
import { apiTrace, batchGetTraces, type BuiltTrace } from '../../builders/traceBuilder';
import { tenGets } from './calls';

function run(traces: BuiltTrace[], options: AnalyzeOptions = {}, accessLogs: AccessLogRecord[] = []): ReturnType<typeof analyze> {
  return analyze({ ...parseTraceText(batchGetTraces(...traces), 'built.json'), accessLogs }, options);
}

function whatIfOf(traces: BuiltTrace[], options: AnalyzeOptions = {}, traceId = traces[0]!.traceId): TraceWhatIf {
  const t = run(traces, options).report.traces.find((x) => x.traceId === traceId)!;
  assert.ok(t.whatIf, 'the trace has a what-if');
  return t.whatIf;
}

const fix = (w: TraceWhatIf, id: string): WhatIfFix | undefined => w.fixes.find((f) => f.id === id);

/** A cold start of 1 000 ms, one slow partner call 1 100 → 4 900 ms, the stage ending at 5 000 ms. */
function coldWithSlowCall(): BuiltTrace {
  return apiTrace({ gatewayEnd: 5_000, initMs: 1_000, calls: [{ name: 'api.partner.example', namespace: 'remote', method: 'GET', start: 1_100, end: 4_900 }] });
}

test('remove the cold start: the total less the Initialization before the handler; 202 + queue: the time to the handler, 50 ms, the gateway after', () => {
  // Budget 6 000 ms → enough at ≤ floor(6 000 × 0.8) = 4 800 ms. The request took 5 000 ms (not cut).
  const w = whatIfOf([coldWithSlowCall()], { overrideMs: 6_000 });
  assert.equal(w.baseMs, 5_000);
  assert.equal(w.limitMs, 4_800);
  // Initialization 3 → 1 003, the handler starts at 1 003: 1 000 ms on the path. 5 000 − 1 000 = 4 000.
  const cold = fix(w, 'remove-cold-start')!;
  assert.equal(cold.predictedMs, 4_000);
  assert.equal(cold.savedMs, 1_000);
  assert.equal(cold.fits, true);
  assert.equal(cold.marginMs, 2_000, '6 000 − 4 000');
  // Handler start 1 003 + 50 ms to enqueue + the gateway's 1 ms after the Invoke ended = 1 054.
  assert.equal(fix(w, 'queue-202')!.predictedMs, 1_054);
  // One trace, one partner call: its p50 is its own 3 800 ms, no call is over it: no cap fix.
  assert.equal(fix(w, 'cap-downstream:api.partner.example GET'), undefined);
  // The memory size is not known: said, not guessed.
  assert.deepEqual(w.skipped.map((s) => s.kind), ['raise-memory']);
  // Smallest: single fixes in the order memory, cold start, queue… → the cold start.
  assert.deepEqual(w.enough?.fixIds, ['remove-cold-start']);
  assert.equal(w.enough?.predictedMs, 4_000);
});

test('cap a slow call at the timeout the user sets; raise memory scales the handler’s own time to 1 769 MB', () => {
  const w = whatIfOf([coldWithSlowCall()], { overrideMs: 6_000, functionMemoryMb: { 'orders-fn': 512 }, whatIf: { downstreamTimeoutMs: 1_000 } });
  // Handler 1 003 → 4 994 = 3 991 ms; the call 1 100 → 4 900 = 3 800 ms; own time 3 991 − 3 800 = 191.
  // Capped at 1 000: saves 2 800 → 5 000 − 2 800 = 2 200.
  const cap = fix(w, 'cap-downstream:api.partner.example GET')!;
  assert.equal(cap.predictedMs, 2_200);
  assert.match(cap.rule, /the timeout you set/);
  // Own 191 × 512 / 1 769 = 55.28: saves 135.72 → 5 000 − 135.72 = 4 864.28 → 4 864; over 4 800.
  const mem = fix(w, 'raise-memory')!;
  assert.equal(mem.predictedMs, 4_864);
  assert.equal(mem.fits, false);
  assert.equal(mem.estimate, true);
  assert.deepEqual(w.skipped, []);
  // Preference: cap before memory and cold start: the cap alone is enough.
  assert.deepEqual(w.enough?.fixIds, ['cap-downstream:api.partner.example GET']);
});

test('cap a slow call at its p50 over the window’s traces', () => {
  const other = apiTrace({ gatewayEnd: 1_000, calls: [
    { name: 'api.partner.example', namespace: 'remote', method: 'GET', start: 100, end: 300 },
    { name: 'api.partner.example', namespace: 'remote', method: 'GET', start: 400, end: 700 },
  ] });
  const slow = coldWithSlowCall();
  const w = whatIfOf([slow, other], { overrideMs: 6_000 }, slow.traceId);
  // The window's calls: 200, 300, 3 800 ms; nearest-rank p50 = rank ceil(1.5) = 2 → 300 ms.
  // The slow call capped at 300 saves 3 500: 5 000 − 3 500 = 1 500.
  const cap = fix(w, 'cap-downstream:api.partner.example GET')!;
  assert.equal(cap.predictedMs, 1_500);
  assert.match(cap.rule, /p50 over 3 calls in the 2 traces/);
});


test('sequential calls run concurrently (no limit, or waves of a stated limit) or batched', () => {
  const built = apiTrace({ gatewayEnd: 10_000, calls: tenGets(1_000) });
  // Budget 6 000 → limit 4 800. The request took 10 000 ms; the calls 7 500 ms of it.
  const w = whatIfOf([built], { overrideMs: 6_000 });
  // All at once: the group costs its longest, 1 200: 10 000 − 7 500 + 1 200 = 3 700.
  assert.equal(fix(w, 'concurrent-calls:DynamoDB GetItem')!.predictedMs, 3_700);
  // BatchGetItem: ⌈10/100⌉ = 1 call × 1.5 × the median (nearest rank 5 of 10 = 700) = 1 050:
  // 10 000 − 7 500 + 1 050 = 3 550.
  const batch = fix(w, 'batch-calls:DynamoDB GetItem')!;
  assert.equal(batch.predictedMs, 3_550);
  assert.match(batch.title, /BatchGetItem/);
  // No cold start here; 202 + queue: handler start 3 + 50 + 1 = 54.
  assert.equal(fix(w, 'remove-cold-start'), undefined);
  assert.equal(fix(w, 'queue-202')!.predictedMs, 54);
  assert.deepEqual(w.enough?.fixIds, ['batch-calls:DynamoDB GetItem']);

  // Four at a time: ⌈10/4⌉ = 3 waves × 1 200 = 3 600: 10 000 − 7 500 + 3 600 = 6 100, over 4 800.
  const limited = whatIfOf([built], { overrideMs: 6_000, whatIf: { concurrency: 4 } });
  const c = fix(limited, 'concurrent-calls:DynamoDB GetItem')!;
  assert.equal(c.predictedMs, 6_100);
  assert.equal(c.fits, false);
  assert.match(c.rule, /⌈10\/4⌉ = 3 waves/);
});

test('fixes combine on the timeline: a capped group batched saves no millisecond twice', () => {
  const built = apiTrace({ gatewayEnd: 10_000, calls: tenGets(1_000) });
  // A 600 ms timeout and batching, through traceWhatIf's own combination (budget 6 000, limit 4 800).
  const w = whatIfOf([built], { overrideMs: 6_000, whatIf: { downstreamTimeoutMs: 600 } });
  // Cap alone: 300 + 400 + 500 + 600 + 6 × 600 = 5 400 for the calls: 10 000 − 7 500 + 5 400 = 7 900.
  assert.equal(fix(w, 'cap-downstream:DynamoDB GetItem')!.predictedMs, 7_900);
  // Summing the two savings (2 100 + 6 450) would give 1 450: on the timeline the batch of capped
  // calls costs 1.5 × min(700, 600) = 900, so 10 000 − 7 500 + 900 = 3 400 (the pair below).
  const { report, analyzed } = run([built], { overrideMs: 5_000, whatIf: { downstreamTimeoutMs: 600, enqueueMs: 9_000 } });
  const a = analyzed[0]!;
  // Budget 5 000 → limit 4 000: batch alone 3 550 fits, so the smallest set is one fix.
  assert.deepEqual(report.traces[0]!.whatIf!.enough?.fixIds, ['batch-calls:DynamoDB GetItem']);
  // With a budget of 4 300, the same trace needs the pair.
  const low = traceWhatIf({ ...a.breakdown, budget: { ...a.breakdown.budget, budgetMs: 4_300 } }, a.report.findings, { downstreamTimeoutMs: 600, enqueueMs: 9_000 });
  // limit floor(4 300 × 0.8) = 3 440: singles batch 3 550 ✗, concurrent 3 700 ✗, cap 7 900 ✗, queue 9 004 ✗;
  // pairs in preference order: batch + concurrent cannot go together (one group), batch + cap = 3 400 ✓.
  assert.equal(low.whatIf.limitMs, 3_440);
  assert.deepEqual(low.whatIf.enough, { fixIds: ['batch-calls:DynamoDB GetItem', 'cap-downstream:DynamoDB GetItem'], predictedMs: 3_400, marginMs: 900 });
});

test('a pair when no single fix is enough: batch + no cold start, the savings on separate time added once', () => {
  // Cold start 3 000 (3 → 3 003); handler 3 003 → 12 994 (9 991 ms); the ten calls 3 100 → 10 600.
  const built = apiTrace({ gatewayEnd: 13_000, initMs: 3_000, calls: tenGets(3_100) });
  // Budget 5 000 → limit 4 000; enqueue cost 5 000 ms (stated) so the queue is not enough either.
  const w = whatIfOf([built], { overrideMs: 5_000, whatIf: { enqueueMs: 5_000 } });
  // Singles: cold 13 000 − 3 000 = 10 000; concurrent 13 000 − 7 500 + 1 200 = 6 700;
  // batch 13 000 − 7 500 + 1 050 = 6 550; queue 3 003 + 5 000 + 1 = 8 004; and the GetItem calls
  // capped at their p50 over this one-trace window (nearest rank 5 of 10 = 700 ms): the 800 … 1 200 ms
  // calls lose 100 + 200 + 300 + 400 + 500 = 1 500 → 11 500. None ≤ 4 000.
  assert.deepEqual(
    w.fixes.map((f) => [f.id, f.predictedMs, f.fits]),
    [
      ['batch-calls:DynamoDB GetItem', 6_550, false],
      ['concurrent-calls:DynamoDB GetItem', 6_700, false],
      ['cap-downstream:DynamoDB GetItem', 11_500, false],
      ['remove-cold-start', 10_000, false],
      ['queue-202', 8_004, false],
    ],
  );
  // Batch + cold start: 13 000 − 3 000 − 7 500 + 1 050 = 3 550 ≤ 4 000.
  assert.deepEqual(w.enough, { fixIds: ['batch-calls:DynamoDB GetItem', 'remove-cold-start'], predictedMs: 3_550, marginMs: 1_450 });
  // The text report: each fix with ✓/✗, and the pair named.
  const text = renderTextReport(run([built], { overrideMs: 5_000, whatIf: { enqueueMs: 5_000 } }).report, { width: 120 });
  assert.match(text, /What if \(the request took 13\.0 s; enough means at most 4\.00 s: the 5\.00 s budget less 20% headroom\):/);
  assert.match(text, /✗ Remove the cold start \(provisioned concurrency, or SnapStart\) +10\.0 s {2}5\.00 s over the budget/);
  assert.match(text, /Smallest fix that is enough: Batch the 10 DynamoDB GetItem calls with BatchGetItem \+ Remove the cold start/);
});

test('no budget: totals without a verdict', () => {
  const built = apiTrace({ gatewayEnd: 5_000, initMs: 1_000 });
  const a = run([built]).analyzed[0]!;
  const { whatIf } = traceWhatIf({ ...a.breakdown, budget: { ...a.breakdown.budget, budgetMs: null } }, a.report.findings);
  // 5 000 − 1 000 = 4 000, with no budget to hold it to.
  assert.equal(fix(whatIf, 'remove-cold-start')!.predictedMs, 4_000);
  assert.ok(whatIf.fixes.every((f) => f.fits === null && f.marginMs === undefined));
  assert.equal(whatIf.enough, null);
  assert.equal(whatIf.limitMs, null);
});

test('a route’s p99 after each kind of fix, over its traced requests', () => {
  // Two requests of POST /reports: the cold one above (5 000 ms) and a warm one of 2 000 ms.
  const cold = coldWithSlowCall();
  const warm = apiTrace({ gatewayEnd: 2_000 });
  const logs: AccessLogRecord[] = [5_000, 2_000, 300].map((ms, i) => ({ api: 'orders-api', stage: 'prod', method: 'POST', route: '/reports', status: 200, responseLatencyMs: ms, apiType: 'rest-api', source: `log:${i}` }));
  const { report } = run([cold, warm], { overrideMs: 6_000 }, logs);
  const e = report.endpoints.find((x) => x.route === '/reports')!;
  assert.ok(e.whatIf);
  // Two traced requests; nearest-rank p99 of two values is the larger. Now: max(5 000, 2 000).
  assert.equal(e.whatIf.traces, 2);
  assert.equal(e.whatIf.p99Ms, 5_000);
  const p99 = Object.fromEntries(e.whatIf.fixes.map((f) => [f.kind, f.p99Ms]));
  // No cold start: the cold one 4 000, the warm one stays 2 000 → 4 000.
  assert.equal(p99['remove-cold-start'], 4_000);
  // Queue: the cold one 1 054; the warm one 3 + 50 + 1 = 54 → 1 054.
  assert.equal(p99['queue-202'], 1_054);
  assert.equal(e.whatIf.limitMs, 4_800);
  assert.ok(e.whatIf.fixes.every((f) => f.fits === f.p99Ms <= 4_800));
});

test('the CLI flags reach the predictions: headroom, concurrency and a downstream timeout, and bad values are refused', async () => {
  const file = join('test', 'fixtures', 'xray', 'built_rest_504_lambda_runs_on.json');
  const run = async (...flags: string[]): Promise<Report> => {
    const r = await runCli(['analyze', file, '--json', ...flags]);
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out) as Report;
  };
  // 50 % headroom: the limit is 29 000 × 0.5 = 14 500 ms.
  const half = (await run('--headroom', '50')).traces[0]!.whatIf!;
  assert.equal(half.headroom, 0.5);
  assert.equal(half.limitMs, 14_500);
  // 380 calls at most 100 at once: ⌈380/100⌉ = 4 waves, each costing the longest call.
  const waves = (await run('--concurrency', '100')).traces[0]!.whatIf!.fixes.find((f) => f.kind === 'concurrent-calls')!;
  assert.match(waves.rule, /⌈380\/100⌉ = 4 waves/);
  // A 50 ms timeout on every call: each GetItem (80 ms) is cut there.
  const capped = (await run('--downstream-timeout-ms', '50')).traces[0]!.whatIf!.fixes.find((f) => f.kind === 'cap-downstream')!;
  assert.match(capped.title, /at 50 ms/);
  for (const [flag, value] of [['--headroom', '100'], ['--concurrency', '0'], ['--downstream-timeout-ms', 'soon']] as const) {
    const r = await runCli(['analyze', file, flag, value]);
    assert.equal(r.code, 2, `${flag} ${value}`);
    assert.match(r.err, new RegExp(flag));
  }
});
