// Group rows: a run of sequential calls to one target is one row above its calls (buildWaterfall,
// groupRuns), and the webview's parts that read rows (collapse at first, filter, findings, worst
// span, names and announcements) treat it as such. Traces are built here; every expected number is
// worked out by hand from the times written in each test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { segmentDocuments } from '../../../src/aws/sampleAccount/records';
import { requestsOfMinute } from '../../../src/aws/sampleAccount/scenario';
import { analyze } from '../../../src/core/analyze';
import type { Span } from '../../../src/core/model';
import { parseTraceValue } from '../../../src/ingest/xray';
import { SpanFlag } from '../../../src/protocol';
import { GROUP_MIN_CALLS, buildWaterfall, groupRuns } from '../../../src/ui/waterfallSnapshot';
import { findingAnnouncement, loadAnnouncement, spanAccessibleName } from '../../../webview/waterfall/accessibleNames';
import { RowOrder } from '../../../webview/waterfall/rows';
import { SpanTable } from '../../../webview/waterfall/spans';
import { UiState } from '../../../webview/waterfall/uiState';
import { worstSpan } from '../../../webview/waterfall/worstSpan';
import { finding, report, span, trace } from '../../builders/modelBuilder';
import type { SpanSpec } from '../../builders/modelBuilder';

const TID = '1-6740b1c2-000000000000000000009999';

/** A DynamoDB call (or another target's, with `extra`). */
function call(id: string, start: number, end: number | null, extra: Partial<SpanSpec> = {}): SpanSpec {
  return { id, name: 'DynamoDB', kind: 'downstream', namespace: 'aws', aws: { operation: 'GetItem', tableName: 'orders' }, start, end, ...extra };
}

/** `n` calls of `ms` each, back to back from `from`, with `gap` ms between them: ids `${prefix}k`. */
function run(prefix: string, n: number, from: number, ms: number, gap = 0, extra: Partial<SpanSpec> = {}): SpanSpec[] {
  return Array.from({ length: n }, (_, k) => call(`${prefix}${k}`, from + k * (ms + gap), from + k * (ms + gap) + ms, extra));
}

/** fn (0 → end) › Invocation (0 → end) › the given children; no budget unless given. */
function model(children: SpanSpec[], end: number, r: Parameters<typeof report>[0] = { totalMs: end }): ReturnType<typeof buildWaterfall> {
  const root = span({ id: 'fn', name: 'orders-report', kind: 'function', isSegment: true, start: 0, end, children: [{ id: 'inv', name: 'Invocation', kind: 'invocation', start: 0, end, children }] }, TID);
  return buildWaterfall(trace([root], TID), report({ ...r, traceId: TID }));
}

test('438 sequential GetItem: one group row above the 438 calls, from the first start to the last end', () => {
  // Call k runs 100 + 78 k → 100 + 78 (k + 1): the last ends at 100 + 78 × 438 = 34 264 ms.
  const m = model(run('c', 438, 100, 78), 34_300);
  const s = m.snapshot;
  const t = new SpanTable(s.spans);
  // fn, Invocation, the group, 438 calls.
  assert.equal(t.count, 3 + 438);
  assert.deepEqual(s.groupRows, [2]);
  assert.equal(t.name(2), 'DynamoDB GetItem × 438');
  assert.equal(t.sub(2), 'one after another · orders');
  assert.equal(t.depth(2), 2);
  assert.equal(t.startMs(2), 100);
  assert.equal(t.endMs(2), 34_264);
  assert.ok(t.isGroup(2) && t.flags(2) & SpanFlag.group);
  assert.equal(t.style(2).role, 'downstreamAws');
  assert.equal(t.style(2).kind, 'downstream');
  // Its children are the calls, in order, one level deeper; nothing else is.
  for (let k = 0; k < 438; k++) {
    assert.equal(t.parent[3 + k], 2);
    assert.equal(t.depth(3 + k), 3);
    assert.equal(m.spans[3 + k]!.id, `c${k}`);
    assert.equal(t.isGroup(3 + k), false);
  }
  assert.equal(t.subtreeEnd[2], 441);
  // Host side: the row stands for its calls; its `spans` entry is the first call.
  assert.equal(m.groups.get(2)!.length, 438);
  assert.equal(m.spans[2]!.id, 'c0');
  assert.equal(m.spans.length, t.count);
  // The call below still answers with its own details.
  assert.equal(m.details(3)!.id, 'c0');
  assert.equal(m.details(3)!.group, undefined);
});

test('calls that overlap (parallel) are not grouped; within the 1 ms tolerance they are', () => {
  // Ten calls of 100 ms starting 10 ms apart: each starts 90 ms before the last one ended.
  const parallel = model(run('p', 10, 0, 100, -90), 300).snapshot;
  assert.equal(parallel.groupRows, undefined);
  assert.equal(parallel.spans.count, 2 + 10);
  // Starting 1 ms before the previous end still counts as after it; 1.5 ms does not.
  const tolerated = model(run('t', 6, 0, 100, -1), 700).snapshot;
  assert.deepEqual(tolerated.groupRows, [2]);
  const overlapping = model(run('o', 6, 0, 100, -1.5), 700).snapshot;
  assert.equal(overlapping.groupRows, undefined);
});

test('a run of 4 is not grouped, a run of 5 is', () => {
  assert.equal(GROUP_MIN_CALLS, 5);
  assert.equal(model(run('a', 4, 0, 10), 50).snapshot.groupRows, undefined);
  const five = model(run('b', 5, 0, 10), 50);
  assert.deepEqual(five.snapshot.groupRows, [2]);
  assert.equal(new SpanTable(five.snapshot.spans).name(2), 'DynamoDB GetItem × 5');
});

test('two tables are two groups; a call in progress or another span between calls breaks a run', () => {
  // 5 on orders (0 → 50), then 6 on customers (50 → 110).
  const two = model([...run('o', 5, 0, 10), ...run('c', 6, 50, 10, 0, { aws: { operation: 'GetItem', tableName: 'customers' } })], 120);
  const t = new SpanTable(two.snapshot.spans);
  assert.deepEqual(two.snapshot.groupRows, [2, 8]);
  assert.deepEqual([t.name(2), t.sub(2), t.name(8), t.sub(8)], ['DynamoDB GetItem × 5', 'one after another · orders', 'DynamoDB GetItem × 6', 'one after another · customers']);
  assert.deepEqual([t.startMs(8), t.endMs(8), t.subtreeEnd[8]], [50, 110, 15]);
  // 4 calls, a custom span, 4 calls: no run of 5.
  const split = model([...run('a', 4, 0, 10), { name: 'parse', kind: 'custom', start: 40, end: 45 }, ...run('b', 4, 45, 10)], 100);
  assert.equal(split.snapshot.groupRows, undefined);
  // 6 calls whose fourth is still in progress: 3, then 2 — none.
  const calls = run('i', 6, 0, 10);
  calls[3]!.end = null;
  assert.equal(model(calls, 100).snapshot.groupRows, undefined);
});

test('remote calls group by host and method; the row is named by them', () => {
  const get = { name: 'api.partner.example', namespace: 'remote' as const, aws: undefined, http: { method: 'GET', url: 'https://api.partner.example/v2/rates' } };
  const m = model([...run('g', 6, 0, 20, 1, get), ...run('p', 5, 130, 20, 1, { ...get, http: { method: 'POST' } })], 300);
  const t = new SpanTable(m.snapshot.spans);
  assert.deepEqual(m.snapshot.groupRows, [2, 9]);
  assert.equal(t.name(2), 'api.partner.example GET × 6');
  assert.equal(t.sub(2), 'one after another');
  assert.equal(t.style(2).role, 'downstreamRemote');
  assert.equal(t.name(9), 'api.partner.example POST × 5');
});

test('groupRuns: [from, to) pairs, one pass over siblings in start order', () => {
  const spans = (specs: SpanSpec[]): Span[] => specs.map((s) => span(s, TID));
  // 5 orders, 1 S3, 6 orders → [0, 5) and [6, 12).
  const kids = spans([...run('a', 5, 0, 10), call('s3', 50, 60, { name: 'S3', aws: { operation: 'GetObject' } }), ...run('b', 6, 60, 10)]);
  assert.deepEqual(groupRuns(kids), [0, 5, 6, 12]);
  assert.deepEqual(groupRuns(kids.slice(0, 4)), []);
  // Custom spans, however sequential, are not calls.
  assert.deepEqual(groupRuns(spans(run('x', 6, 0, 10, 0, { kind: 'custom' }))), []);
});

test('a group row has its own flags (its calls’ faults, errors and throttles) and its details sum the calls', () => {
  // Seven calls with 5 ms between them, lasting 10, 10, 50, 10, 20, 10, 10 ms; the fifth throttled.
  const ms = [10, 10, 50, 10, 20, 10, 10];
  const calls: SpanSpec[] = [];
  let at = 1_000;
  ms.forEach((d, k) => {
    calls.push(call(`d${k}`, at, at + d, k === 4 ? { throttle: true } : {}));
    at += d + 5;
  });
  const m = model(calls, 2_000);
  const t = new SpanTable(m.snapshot.spans);
  assert.equal(t.flags(2), SpanFlag.group | SpanFlag.throttle);
  // 120 ms of calls and 6 gaps of 5 ms: 1 000 → 1 150.
  assert.deepEqual([t.startMs(2), t.endMs(2)], [1_000, 1_150]);
  const d = m.details(2)!;
  assert.equal(d.id, 'group:d0×7');
  assert.deepEqual(d.group, {
    calls: 7,
    target: 'DynamoDB GetItem',
    operation: 'GetItem',
    resource: 'orders',
    callsMs: 120,
    spanMs: 150,
    // Sorted: 10 10 10 10 10 20 50.
    medianMs: 10,
    longestMs: 50,
    longestCall: 3,
    firstId: 'd0',
    lastId: 'd6',
    faults: 0,
    errors: 0,
    throttles: 1,
  });
  assert.equal(d.source, m.spans[3]!.source, 'the first call’s source');
  // The calls' own flags stay on the calls.
  assert.equal(t.flags(3 + 4) & SpanFlag.group, 0);
  assert.ok(t.flags(3 + 4) & SpanFlag.throttle);
});

test('findings: a span inside a group is given as the group row, once; others keep their rows', () => {
  // fn, Invocation, group (2), calls c0..c5 at 3..8 with an inferred table segment under c2 (at 6), then SQS at 10.
  const calls = run('c', 6, 0, 10);
  calls[2]!.children = [{ id: 'inferred', name: 'orders', kind: 'inferred', start: 20, end: 30 }];
  calls.push(call('sqs', 70, 80, { name: 'SQS', aws: { operation: 'SendMessage' } }));
  const root = span({ id: 'fn', name: 'orders-report', kind: 'function', isSegment: true, start: 0, end: 100, children: [{ id: 'inv', name: 'Invocation', kind: 'invocation', start: 0, end: 100, children: calls }] }, TID);
  const r = report({
    traceId: TID,
    totalMs: 100,
    findings: [
      finding({ id: 'sequential-calls', title: 'six calls', spanIds: ['c0', 'c1', 'c2', 'c3', 'c4', 'c5'] }),
      finding({ id: 'work-after-cut', title: 'late', spanIds: ['fn', 'c4', 'c5', 'sqs'] }),
      finding({ id: 'slow-downstream', title: 'table', spanIds: ['inferred', 'nope'] }),
    ],
  });
  const m = buildWaterfall(trace([root], TID), r);
  const t = new SpanTable(m.snapshot.spans);
  assert.equal(t.name(10), 'SQS');
  assert.equal(m.spans[6]!.id, 'inferred');
  assert.deepEqual(m.snapshot.findingSpans, [[2], [0, 2, 10], [2]]);
});

test('the spans key: stable for the same trace, different when the run is longer', () => {
  const k1 = model(run('c', 438, 100, 78), 34_300).snapshot.spansKey;
  assert.equal(model(run('c', 438, 100, 78), 34_300).snapshot.spansKey, k1);
  assert.notEqual(model(run('c', 439, 100, 78), 34_400).snapshot.spansKey, k1);
  // The same spans with the calls no longer one after another: no group row, another key.
  assert.notEqual(model(run('c', 438, 100, 78, -40), 34_300).snapshot.spansKey, k1);
});

test('the webview: group rows start collapsed unless this spans key was saved; the filter finds them', () => {
  const m = model([...run('c', 438, 100, 78), call('sqs', 34_300, 34_350, { name: 'SQS', aws: { operation: 'SendMessage' } })], 34_400);
  const s = m.snapshot;
  const t = new SpanTable(s.spans);
  let saved: Parameters<ConstructorParameters<typeof UiState>[1]>[0] | null = null;
  const ui = new UiState(null, (x) => (saved = structuredClone(x)));
  ui.open(s.traceId, s.spansKey, t.count, undefined, s.groupRows);
  assert.deepEqual([...ui.collapsed], [2]);
  // fn, Invocation, the group, SQS.
  let order = RowOrder.of(t, ui.collapsed, '');
  assert.equal(order.count, 4);
  assert.deepEqual([0, 1, 2, 3].map((r) => t.name(order.spanAt(r))), ['orders-report', 'Invocation', 'DynamoDB GetItem × 438', 'SQS']);
  // Expanded by the user and saved: reopened expanded.
  ui.collapsed.delete(2);
  ui.save();
  const again = new UiState(saved, () => {});
  again.open(s.traceId, s.spansKey, t.count, undefined, s.groupRows);
  assert.deepEqual([...again.collapsed], []);
  // The filter matches the group by its operation and table (and the calls inside it, shown as matches are).
  order = RowOrder.of(t, new Set([2]), 'getitem');
  assert.equal(order.count, 2 + 1 + 438);
  assert.ok(order.rowOf(2) >= 0);
  order = RowOrder.of(t, new Set([2]), 'orders');
  assert.ok(order.rowOf(2) >= 0);
  order = RowOrder.of(t, new Set([2]), 'sqs');
  assert.equal(order.rowOf(2), -1);
});

test('the worst span is the group when a finding names its calls (and also when none does)', () => {
  // 438 calls of 78 ms (34 164 ms together) and a 500 ms SQS call.
  const calls = [...run('c', 438, 100, 78), call('sqs', 34_300, 34_800, { name: 'SQS', aws: { operation: 'SendMessage' } })];
  const root = span({ id: 'fn', name: 'orders-report', kind: 'function', isSegment: true, start: 0, end: 35_000, children: [{ id: 'inv', name: 'Invocation', kind: 'invocation', start: 0, end: 35_000, children: calls }] }, TID);
  const named = report({ traceId: TID, totalMs: 35_000, findings: [finding({ id: 'sequential-calls', title: 'calls', spanIds: ['c7', 'c300'] })] });
  const m = buildWaterfall(trace([root], TID), named);
  const t = new SpanTable(m.snapshot.spans);
  assert.equal(worstSpan(t, m.snapshot.findingSpans, null, m.snapshot.endMs), 2);
  assert.equal(worstSpan(t, [], null, m.snapshot.endMs), 2);
  // A finding naming only SQS: SQS.
  assert.equal(worstSpan(t, [[441]], null, m.snapshot.endMs), 441);
});

test('what a screen reader hears of a group row, a load and a finding', () => {
  // 34 164 ms of a 29 000 ms budget: 117.8 % → "118 %"; it ends at 34 264, 5 264 ms after a cut at 29 000.
  const name = spanAccessibleName({
    name: 'DynamoDB GetItem × 438',
    sub: 'one after another · orders',
    kind: 'downstream',
    flags: SpanFlag.group | SpanFlag.throttle,
    startMs: 100,
    endMs: 34_264,
    budgetMs: 29_000,
    cutAtMs: 29_000,
    highlighted: true,
  });
  assert.equal(name, 'DynamoDB GetItem × 438, one after another, orders, 34.2 s, 118 % of budget, 5.26 s of it after the cut, throttled (429) among the calls, in the finding shown');
  assert.equal(loadAnnouncement('1-a', 440, 4, 1), 'Trace 1-a: 440 spans, 1 group of sequential calls, 4 findings');
  assert.equal(loadAnnouncement('1-a', 440, 0), 'Trace 1-a: 440 spans, no findings');
  assert.equal(findingAnnouncement({ title: 'Calls' }, 1, 4, 0, 1), 'Finding 2 of 4: Calls; 1 group of sequential calls highlighted');
  assert.equal(findingAnnouncement({ title: 'Late' }, 0, 4, 1, 1), 'Finding 1 of 4: Late; 1 span and 1 group of sequential calls highlighted');
  assert.equal(findingAnnouncement({ title: 'None' }, 0, 4, 0, 0), 'Finding 1 of 4: None; no spans in this trace');
});

test('the sample account’s POST /reports 504: its N+1 GetItem reads open as one group among about ten rows', () => {
  // The first 504 of POST /reports from a fixed minute of the scenario (deterministic).
  let r: ReturnType<typeof requestsOfMinute>[number] | undefined;
  for (let minute = 29_000_000; !r && minute < 29_002_000; minute++) r = requestsOfMinute(7, minute, 1).find((x) => x.route.kind === 'reports' && x.status === 504);
  assert.ok(r, 'a POST /reports 504');
  const reads = r.calls.filter((c) => c.operation === 'GetItem').length;
  assert.ok(reads >= 180, `${reads} GetItem reads`);
  const a = analyze(parseTraceValue(segmentDocuments(r), 'reports.json')).analyzed[0]!;
  const m = buildWaterfall(a.trace, a.report);
  const t = new SpanTable(m.snapshot.spans);
  assert.equal(m.snapshot.groupRows?.length, 1);
  const g = m.snapshot.groupRows![0]!;
  assert.equal(t.name(g), `DynamoDB GetItem × ${reads}`);
  const ui = new UiState(null, () => {});
  ui.open(m.snapshot.traceId, m.snapshot.spansKey, t.count, undefined, m.snapshot.groupRows);
  const order = RowOrder.of(t, ui.collapsed, '');
  const rows = Array.from({ length: order.count }, (_, k) => t.name(order.spanAt(k)));
  assert.ok(order.count <= 12, `${order.count} rows: ${rows.join(', ')}`);
  assert.ok(t.count > reads, `${t.count} rows in all`);
  // The sequential-calls finding highlights the group.
  const seq = a.report.findings.findIndex((f) => f.id === 'sequential-calls');
  assert.ok(seq >= 0);
  assert.deepEqual(m.snapshot.findingSpans[seq], [g]);
});
