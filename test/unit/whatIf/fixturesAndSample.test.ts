// The what-if on the built fixture files (test/fixtures/xray, see its README) with numbers worked
// out by hand from their documents, and on the sample account's POST /reports 504 end to end
// through `timeout-lens trace --sample`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import type { Report, TraceWhatIf } from '../../../src/core/report';
import { runCli } from '../cli/runCli';

function whatIfOfFile(name: string): TraceWhatIf {
  const path = `test/fixtures/xray/${name}`;
  const { report } = analyze(parseTraceText(readFileSync(path, 'utf8'), path));
  assert.equal(report.traces.length, 1);
  return report.traces[0]!.whatIf!;
}

test('the N+1 504 fixture (cold start, 380 sequential GetItem): batching is the smallest fix; the cold start alone is not enough', () => {
  const w = whatIfOfFile('built_rest_504_lambda_runs_on.json');
  // The gateway cut at 29 012 ms, the function ran to 33 490 ms: the predictions start from 33 490.
  // REST default budget 29 000 → enough at ≤ 23 200.
  assert.equal(w.baseMs, 33_490);
  assert.equal(w.limitMs, 23_200);
  const by = Object.fromEntries(w.fixes.map((f) => [f.id, f]));
  // Initialization 3 → 2 253, the handler from 2 253: 33 490 − 2 250 = 31 240, 2 240 over 29 000.
  assert.equal(by['remove-cold-start']!.predictedMs, 31_240);
  assert.equal(by['remove-cold-start']!.fits, false);
  assert.equal(by['remove-cold-start']!.marginMs, -2_240);
  // 380 calls of 80 ms = 30 400 ms; at once they cost 80: 33 490 − 30 400 + 80 = 3 170.
  assert.equal(by['concurrent-calls:DynamoDB GetItem']!.predictedMs, 3_170);
  // ⌈380/100⌉ = 4 BatchGetItem × 1.5 × 80 = 480: 33 490 − 30 400 + 480 = 3 570.
  assert.equal(by['batch-calls:DynamoDB GetItem']!.predictedMs, 3_570);
  // Handler start 2 253 + 50 + the gateway's 1 ms after the Invoke (29 011 → 29 012) = 2 304.
  assert.equal(by['queue-202']!.predictedMs, 2_304);
  // Every call is 80 ms, the p50: nothing to cap. No memory size in a trace file alone.
  assert.equal(Object.keys(by).some((id) => id.startsWith('cap-downstream')), false);
  assert.deepEqual(w.skipped.map((s) => s.kind), ['raise-memory']);
  assert.deepEqual(w.enough, { fixIds: ['batch-calls:DynamoDB GetItem'], predictedMs: 3_570, marginMs: 25_430 });
});

test('the SnapStart fixture: removing the 412 ms Restore; the request already fits, so no fix is needed', () => {
  const w = whatIfOfFile('built_snapstart_restore.json');
  // Stage 0 → 1 480; Restore 3 → 415; handler from 415. 1 480 − 412 = 1 068.
  const restore = w.fixes.find((f) => f.id === 'remove-cold-start')!;
  assert.equal(restore.predictedMs, 1_068);
  assert.match(restore.title, /SnapStart restore/);
  // 415 + 50 + 1 (Invoke ends 1 479, stage 1 480) = 466.
  assert.equal(w.fixes.find((f) => f.id === 'queue-202')!.predictedMs, 466);
  // 1 480 ≤ 23 200 already.
  assert.deepEqual(w.enough, { fixIds: [], predictedMs: 1_480, marginMs: 27_520 });
});

test('the sample account’s POST /reports 504: a single fix brings it under 29 s with headroom, and the route’s p99 after it', async () => {
  const json = await runCli(['trace', '--api', 'orders-api', '--sample', '--json', '--since', '30m', '--max', '4']);
  assert.equal(json.code, 0, json.err);
  const report = JSON.parse(json.out) as Report;
  const reports = report.traces.filter((t) => t.verdict === 'timeout' && t.entry.method === 'POST' && t.entry.url?.endsWith('/prod/reports'));
  assert.ok(reports.length > 0, 'the sample account has POST /reports 504s in the last 30 minutes');
  for (const t of reports) {
    const w = t.whatIf!;
    assert.equal(w.budgetMs, 29_000);
    assert.equal(w.limitMs, 23_200);
    const gets = t.breakdown.downstream.find((d) => d.name === 'DynamoDB' && d.operation === 'GetItem')!;
    // The scenario's reads are 62 … 104 ms each: ⌈n/100⌉ batches × 1.5 × the median cost at most
    // ⌈n/100⌉ × 156 ms, so batching takes the request to at most base − (their sum) + that.
    const bound = w.baseMs - gets.ms + Math.ceil(gets.calls / 100) * 156;
    const batch = w.fixes.find((f) => f.id === 'batch-calls:DynamoDB GetItem')!;
    assert.ok(batch.predictedMs <= bound && batch.fits, `${batch.predictedMs} ≤ ${bound}`);
    // The base is the function's own end (past the cut), so more than the 29 s the client waited.
    assert.ok(w.baseMs > 29_000);
    // A single fix is enough, and it is the batch: the first in the order of least change.
    assert.deepEqual(w.enough?.fixIds, ['batch-calls:DynamoDB GetItem']);
    assert.ok(w.enough.predictedMs <= 23_200);
    // The memory is known from the REPORT line (2 048 MB), past the 1 vCPU point: skipped, and said why.
    assert.match(w.skipped.find((s) => s.kind === 'raise-memory')?.reason ?? '', /already has 2048 MB/);
  }
  const route = report.endpoints.find((e) => e.method === 'POST' && e.route === '/reports')!;
  assert.ok(route.whatIf, 'the route has a what-if');
  assert.equal(route.whatIf.traces, reports.length + report.traces.filter((t) => t.verdict !== 'timeout' && t.entry.url?.endsWith('/prod/reports')).length);
  const batched = route.whatIf.fixes.find((f) => f.kind === 'batch-calls')!;
  assert.ok(batched.p99Ms < route.whatIf.p99Ms && batched.fits === true, JSON.stringify(route.whatIf));

  // The text report says it in a short section per trace.
  const text = await runCli(['trace', '--api', 'orders-api', '--sample', '--since', '30m', '--max', '4']);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /What if \(the request took [\d.]+ s; enough means at most 23\.2 s: the 29\.0 s budget less 20% headroom\):/);
  assert.match(text.out, /✓ Batch the \d+ DynamoDB GetItem calls with BatchGetItem/);
  assert.match(text.out, /Smallest fix that is enough: Batch the \d+ DynamoDB GetItem calls with BatchGetItem/);
  assert.match(text.out, /orders-api\/prod POST \/reports \(\d+ traced\): p99 29\.0 s now → batch the sequential calls [\d.]+ m?s ✓/);
});

test('a real cold-start trace (lambdapulse, API Gateway → Lambda): without the cold start 592 ms; it already fits, so no fix is needed', () => {
  const path = 'test/fixtures/real/lambdapulse_apigw_lambda_coldstart_trace.json';
  const { report } = analyze(parseTraceText(readFileSync(path, 'utf8'), path));
  const w = report.traces.find((t) => t.whatIf)!.whatIf!;
  // The stage segment: 1681574429.579 → 1681574431.023, 1 444 ms. The function's Initialization
  // 1681574429.970087 → 1681574430.8215926 (851.5 ms, before the Invocation at …0.8230484, all of
  // it on the path): 852 ms rounded, 1 444 − 852 = 592.
  assert.equal(w.baseMs, 1_444);
  const cold = w.fixes.find((f) => f.kind === 'remove-cold-start')!;
  assert.equal(cold.predictedMs, 592);
  // REST default 29 000 ms, 20 % headroom: ≤ 23 200 is enough; 1 444 already is, so the smallest set is empty.
  assert.equal(w.limitMs, 23_200);
  assert.deepEqual(w.enough, { fixIds: [], predictedMs: 1_444, marginMs: 27_556 });
  // One DynamoDB call and one Lambda invoke: no sequential group to batch or run together.
  assert.ok(!w.fixes.some((f) => f.kind === 'batch-calls' || f.kind === 'concurrent-calls'));
});
