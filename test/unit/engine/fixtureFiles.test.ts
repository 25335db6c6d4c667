// The built fixture files (test/fixtures/xray/built_*.json, see test/fixtures/README.md) read the
// way the CLI reads them, the finding catalog, the text report and a 100 000-span trace.
// Numbers are worked out by hand from the documents (noted beside each assertion).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTraceText, parseTraceValue } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import { FINDING_CATALOG, makeFinding } from '../../../src/core/findings';
import { THRESHOLDS } from '../../../src/core/thresholds';
import { renderTextReport } from '../../../src/core/textReport';
import type { FindingId } from '../../../src/core/report';
import { apiTrace, reportsTimeout, sequential, T0_S } from '../../builders/traceBuilder';

const DIR = 'test/fixtures/xray';

function load(name: string): ReturnType<typeof analyze> & { parseErrors: string[] } {
  const path = `${DIR}/${name}`;
  const parsed = parseTraceText(readFileSync(path, 'utf8'), path);
  return { ...analyze(parsed), parseErrors: parsed.errors.map((e) => `${e.source.slice(DIR.length + 1)} ${e.message}`) };
}

test('built 504 at 29 s while the Lambda runs on (segments in reverse order)', () => {
  const { report, parseErrors } = load('built_rest_504_lambda_runs_on.json');
  assert.deepEqual(parseErrors, []);
  const t = report.traces[0]!;
  assert.equal(t.traceId, '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b');
  assert.equal(t.entry.status, 504);
  assert.equal(t.verdict, 'timeout');
  // Stage segment 0 → 29.012 s; the Lambda Invoke subsegment 2 → 29 011 ms: gateway 29 012 − 29 009 = 3.
  assert.equal(t.totalMs, 29_012);
  assert.equal(t.breakdown.gatewayMs, 3);
  // Initialization 3 → 2 253 ms; Invocation 2 253 → 33 489 ms; Overhead 33 489 → 33 490 ms.
  assert.equal(t.breakdown.coldStartMs, 2_250);
  assert.equal(t.breakdown.handlerMs, 31_236);
  assert.equal(t.breakdown.overheadMs, 1);
  // 380 GetItem calls of 80 ms from 2 300 ms, back to back: 30 400 ms.
  assert.deepEqual(t.breakdown.downstream, [{ name: 'DynamoDB', operation: 'GetItem', namespace: 'aws', ms: 30_400, calls: 380 }]);
  // The function segment ends at 33 490 ms; the stage gave up at 29 012: 4 478 ms after the cut.
  assert.equal(t.cutAtMs, 29_012);
  assert.equal(t.functionEndAtMs, 33_490);
  assert.equal(t.afterCutMs, 4_478);
  const ids = t.findings.map((f) => f.id).sort();
  // Without the 2 250 ms cold start it would end at 31 240 ms: still over 29 s, so not cold-start-tipped.
  assert.deepEqual(ids, ['integration-timeout', 'sequential-calls', 'slow-downstream', 'work-after-cut']);
  const after = t.findings.find((f) => f.id === 'work-after-cut')!;
  // Call i ends at 2 300 + 80 (i + 1) ms; it ends after 29 012 when i ≥ 333: 47 calls, plus the function segment.
  assert.equal(after.spanIds?.length, 1 + 47);
  assert.match(after.detail, /4\.48 s/);
  const slow = t.findings.find((f) => f.id === 'slow-downstream')!;
  assert.equal(slow.evidence.share, 0.97, '30 400 / 31 236');
});

test('built SnapStart trace: the Restore is the cold start', () => {
  const { report, parseErrors } = load('built_snapstart_restore.json');
  assert.deepEqual(parseErrors, []);
  const t = report.traces[0]!;
  // Restore 3 → 415 ms; Invocation 415 → 1 474 ms; stage 0 → 1 480 ms; invoke 2 → 1 479 ms.
  assert.deepEqual(
    [t.totalMs, t.breakdown.gatewayMs, t.breakdown.coldStartMs, t.breakdown.coldStartKind, t.breakdown.handlerMs, t.functionEndAtMs],
    [1_480, 3, 412, 'restore', 1_059, 1_475],
  );
  assert.equal(t.entry.method, 'GET');
  assert.equal(t.verdict, 'ok');
  assert.deepEqual(t.findings, []);
});

test('built damaged file: every broken document reported where it was, the request still analyzed', () => {
  const { report, parseErrors } = load('built_damaged.json');
  const at = (i: number): string => `built_damaged.json#Traces[0].Segments[${i}]`;
  const expected: Array<[number, RegExp]> = [
    [3, /Document is not valid JSON/],
    [4, /"no-start" .*no start_time/],
    [5, /"absurd" .*start_time 12 is not a plausible epoch time/],
    [6, /"orphan" .*names parent ffffffffffffffff, which is not in the trace/],
    [7, /"cycle-a" .*parent cycle/],
    [9, /"backwards" .*impossible end_time \(before its start\)/],
    [10, /start_time is a string, not a number of epoch seconds/],
    [11, /"odd-types" .*subsegments is not an array/],
    [12, /Document is a number, not a segment document/],
  ];
  assert.equal(parseErrors.length, expected.length, parseErrors.join('\n'));
  for (const [i, re] of expected) assert.ok(parseErrors.some((e) => e.startsWith(`${at(i)} `) && re.test(e)), `${at(i)} ${re}\n${parseErrors.join('\n')}`);
  assert.equal(report.errors.length, expected.length, 'the report carries the same errors');
  const t = report.traces[0]!;
  // Stage 0 → 29 010 ms (504); function 3 → 31 000 ms.
  assert.deepEqual([t.verdict, t.totalMs, t.cutAtMs, t.functionEndAtMs, t.afterCutMs], ['timeout', 29_010, 29_010, 31_000, 1_990]);
  // The text report indents by the tree that was built: the broken cycle is a root and its child.
  const { analyzed } = load('built_damaged.json');
  const text = renderTextReport(report, { width: 100, traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
  const indent = (name: string): number => (text.split('\n').find((l) => l.trimStart().startsWith(`${name} `)) ?? '').search(/\S/);
  assert.deepEqual([indent('orphan'), indent('cycle-a'), indent('cycle-b')], [0, 0, 2], text);
  assert.ok(text.endsWith('.\n') && !text.endsWith('\n\n'), 'one newline after the list of skipped items');
});

test('the finding catalog: every id has a title and a concrete fix; makeFinding serves log-based findings', () => {
  const ids = Object.keys(FINDING_CATALOG) as FindingId[];
  assert.equal(ids.length, 13);
  for (const id of ids) {
    const c = FINDING_CATALOG[id];
    assert.ok(c.title.length > 10 && c.fix.length > 40, id);
  }
  const f = makeFinding('lambda-timed-out', { detail: 'REPORT Status: timeout after 25.00 s', evidence: { timedOutAfterMs: 25_000 }, function: 'orders-fn' });
  assert.deepEqual(
    { id: f.id, severity: f.severity, title: f.title, fix: f.fix, fn: f.function, spanIds: f.spanIds },
    { id: 'lambda-timed-out', severity: 'high', title: FINDING_CATALOG['lambda-timed-out'].title, fix: FINDING_CATALOG['lambda-timed-out'].fix, fn: 'orders-fn', spanIds: undefined },
  );
  assert.equal(makeFinding('unsampled-timeouts', { detail: 'd', evidence: {}, severity: 'high', fix: 'own fix' }).fix, 'own fix');
  assert.equal(THRESHOLDS.timeoutShareOfBudget, 0.95);
});

test('a 504 well under the budget is an error, not a timeout at the budget', () => {
  // 504 after 10 s with a 29 s budget: < 95 %, so not the integration timeout.
  const t = apiTrace({ status: 504, gatewayEnd: 10_000 });
  const { report } = analyze(parseTraceValue(t.docs, 'early504.json'));
  assert.equal(report.traces[0]!.verdict, 'error');
  assert.ok(!report.traces[0]!.findings.some((f) => f.id === 'integration-timeout'));
  // …but with --budget-ms 10 000 it is.
  const cut = analyze(parseTraceValue(t.docs, 'early504.json'), { overrideMs: 10_000 }).report.traces[0]!;
  assert.equal(cut.verdict, 'timeout');
  assert.equal(cut.budgetSource, 'cli');
});

test('Initialization before its parent and inferred segments are not counted twice', () => {
  const t = apiTrace({
    gatewayEnd: 1_000,
    initMs: 300,
    calls: [{ name: 'SNS', namespace: 'aws', operation: 'Publish', start: 400, end: 700, id: 'a1a1a1a1a1a1a1a1' }],
  });
  const inferred = { id: 'b2b2b2b2b2b2b2b2', trace_id: t.traceId, parent_id: 'a1a1a1a1a1a1a1a1', name: 'SNS', origin: 'AWS::SNS', inferred: true, start_time: T0_S + 0.4, end_time: T0_S + 0.7 };
  // The function segment starts 10 ms after its Initialization, as in real captures.
  const fn = t.docs[2]!;
  fn.start_time = (fn.start_time as number) + 0.01;
  const { report, analyzed } = analyze(parseTraceValue([...t.docs, inferred], 'inf.json'));
  assert.deepEqual(report.errors, []);
  const r = report.traces[0]!;
  assert.deepEqual(r.breakdown.downstream, [{ name: 'SNS', operation: 'Publish', namespace: 'aws', ms: 300, calls: 1 }]);
  assert.equal(r.breakdown.coldStartMs, 300);
  const span = analyzed[0]!.trace.spans.find((s) => s.id === 'b2b2b2b2b2b2b2b2')!;
  assert.equal(span.kind, 'inferred');
  assert.equal(span.parentId, 'a1a1a1a1a1a1a1a1', 'the inferred segment hangs under the subsegment of another document');
});

test('text report: budget column, cut, work after the cut, at most 100 columns', () => {
  const t = reportsTimeout();
  const { report, analyzed } = analyze(parseTraceValue(t.docs, 't.json'));
  const text = renderTextReport(report, { width: 100, traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
  const lines = text.split('\n');
  assert.ok(lines.every((l) => [...l].length <= 100), lines.filter((l) => [...l].length > 100).join('\n'));
  assert.match(lines[0]!, /^TIMEOUT {2}orders-api\/prod {2}POST https:/);
  assert.match(text, /budget 29\.0 s \|/, 'the budget line is labelled on the axis');
  assert.match(text, /gateway gave up at 29\.0 s ✂/);
  assert.match(text, /█ span  ░ after the cut  \| budget  ! fault \(5xx\)  ×N calls in a row/, 'a legend of the marks used');
  assert.match(text, /DynamoDB GetI\S* ×380 /, 'the N+1 run is one row, its count kept when the name is shortened');
  // The budget column is the same on the axis line and on the bar rows.
  const axis = lines.find((l) => /budget 29\.0 s \|/.test(l))!;
  const col = [...axis].indexOf('|');
  assert.ok(col > 0);
  const initRow = lines.find((l) => /^ +Initialization /.test(l))!;
  assert.equal([...initRow][col], '|', `a bar that ends before the budget still shows the line: ${initRow}`);
  const fnRow = lines.find((l) => /^ {4}orders-fn /.test(l))!;
  assert.ok(fnRow.includes('░'), 'the function bar is hatched after the cut');
  assert.match(text, /Fix: Set the function timeout below the integration timeout/);
});

test('a 100 000-span trace parses, analyzes and renders in linear time (against one ten times smaller)', () => {
  const run = (n: number): { ms: number; spans: number; calls: number } => {
    const calls = sequential(n, 0.2, 10, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem' });
    const t = apiTrace({ gatewayEnd: 25_000, functionEnd: 24_990, calls });
    const text = JSON.stringify(t.docs);
    const started = process.hrtime.bigint();
    const parsed = parseTraceText(text, 'big.json');
    const { report, analyzed } = analyze(parsed);
    renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, spans: analyzed[0]!.trace.spans.length, calls: report.traces[0]!.breakdown.downstream[0]!.calls };
  };
  run(10_000); // warm-up: the JIT, not the algorithm
  const small = run(10_000);
  const big = run(100_000);
  assert.equal(big.spans, 100_000 + 6, 'stage, Invoke, AWS::Lambda, function, Invocation, Overhead + the calls');
  assert.equal(big.calls, 100_000);
  // Ten times the spans: linear work takes about ten times as long; quadratic work a hundred.
  const ratio = big.ms / Math.max(small.ms, 1);
  assert.ok(ratio < 35, `10× the spans took ${ratio.toFixed(1)}× the time (${small.ms.toFixed(0)} ms → ${big.ms.toFixed(0)} ms)`);
});

test('the same trace read twice is one trace without complaints; a different document with the same id is reported', () => {
  const t = apiTrace({ gatewayEnd: 500 });
  const twice = parseTraceValue([...t.docs, ...t.docs.map((d) => structuredClone(d))], 'twice.json');
  assert.deepEqual(twice.errors, []);
  assert.equal(twice.traces[0]!.spans.length, 6);
  const clash = structuredClone(t.docs[0]!);
  clash.name = 'another-api/prod';
  const bad = parseTraceValue([...t.docs, clash], 'clash.json');
  assert.equal(bad.errors.length, 1);
  assert.match(bad.errors[0]!.message, /Duplicate id .*kept the first copy/);
  assert.equal(bad.errors[0]!.source, `clash.json[${t.docs.length}]`, 'the second copy is the one reported');
});

test('gateway time without the stage’s Invoke subsegment: the AWS::Lambda segment stands for the call', () => {
  const t = apiTrace({ gatewayEnd: 1_000 });
  const [stage, lambda, fn] = t.docs.map((d) => structuredClone(d));
  delete stage!.subsegments;
  lambda!.parent_id = stage!.id;
  const { report } = analyze(parseTraceValue([stage, lambda, fn], 'noinvoke.json'));
  assert.deepEqual(report.errors, []);
  // Stage 0 → 1 000 ms; AWS::Lambda 2.5 → 996 ms (function end 995 + 1): 993.5 ms; gateway 6.5 → 7 (rounded).
  assert.equal(report.traces[0]!.breakdown.gatewayMs, 7);
});

test('wrong types are named in the error, and the span is kept when it still can be', () => {
  const t = apiTrace({ gatewayEnd: 500 });
  const odd = { id: 'c3c3c3c3c3c3c3c3', trace_id: t.traceId, name: ['x'], start_time: T0_S + 0.1, end_time: '1732000000.2' };
  const { traces, errors } = parseTraceValue([...t.docs, odd], 'types.json');
  assert.deepEqual(
    errors.map((e) => e.message),
    [
      '"(unnamed)" (c3c3c3c3c3c3c3c3) has an end_time that is a string, not a number and is not marked in_progress: treated as in progress.',
      'Segment c3c3c3c3c3c3c3c3 has a name that is an array, not a string: shown as "(unnamed)".',
    ],
  );
  const span = traces[0]!.spans.find((s) => s.id === 'c3c3c3c3c3c3c3c3')!;
  assert.equal(span.inProgress, true);
});
