// buildWaterfallSnapshot: pre-order, parent/depth/subtree, offsets from the entry start, no clamping,
// roles, trace list, frame resolution, and that the result is plain JSON data; the span columns
// (compact, every string once), the details built on demand, finding indices and the spans key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanFlag } from '../../../src/protocol';
import { buildWaterfall, buildWaterfallSnapshot, roleOf, spanDetails } from '../../../src/ui/waterfallSnapshot';
import { bigScenario, coldStartScenario, span, timeoutScenario, trace, report } from '../../builders/modelBuilder';
import { indexOf, names, table } from '../../waterfall/snapshotView';

test('spans are pre-order with parent index, depth and contiguous subtrees', () => {
  const { trace: t, report: r } = timeoutScenario();
  const m = buildWaterfall(t, r);
  const s = m.snapshot;
  const tab = table(s);
  assert.deepEqual(
    names(s).map((n, i) => `${'  '.repeat(tab.depth(i))}${n}`),
    ['orders-api/prod', '  Lambda', '    orders-report', '      orders-report', '        Invocation', '          DynamoDB', '            DynamoDB', '          api.partner.example', '          SQS', '        Overhead'],
  );
  for (let i = 0; i < tab.count; i++) {
    const p = tab.parent[i] as number;
    const end = tab.subtreeEnd[i] as number;
    if (p >= 0) {
      assert.equal(tab.depth(i), tab.depth(p) + 1);
      assert.ok(p < i && i < (tab.subtreeEnd[p] as number), `${i} inside its parent's subtree`);
      // The parent derived from the depths is the span's parent in the trace tree.
      assert.ok(m.spans[p]!.children.includes(m.spans[i]!), `${tab.name(i)} is a child of ${tab.name(p)}`);
    } else assert.equal(tab.depth(i), 0);
    for (let k = i + 1; k < end; k++) assert.ok(tab.depth(k) > tab.depth(i));
    if (end < tab.count) assert.ok(tab.depth(end) <= tab.depth(i));
  }
  assert.equal(tab.subtreeEnd[0], tab.count);
  assert.equal(m.spans.length, s.spans.count);
});

test('times are offsets from the entry start; a child before its parent is not clamped', () => {
  const { trace: t, report: r } = coldStartScenario();
  const s = buildWaterfallSnapshot(t, r);
  const tab = table(s);
  const fn = indexOf(s, (x, i) => x.style(i).kind === 'function');
  const init = indexOf(s, (x, i) => x.style(i).kind === 'initialization');
  assert.equal(tab.startMs(0), 0);
  assert.equal(tab.startMs(fn), 860);
  assert.equal(tab.startMs(init), 7);
  assert.ok(tab.startMs(init) < tab.startMs(fn));
  assert.equal(s.endMs, 1520);
  assert.equal(s.minStartMs, 0);
  assert.equal(s.entryStartEpochMs, t.entry!.startMs);
});

test('minStartMs: the earliest start when a span starts before the entry', () => {
  const stage = span({ name: 'stage', kind: 'front-door', isSegment: true, start: 100, end: 300 });
  const early = span({ name: 'early', kind: 'custom', start: 40, end: 120 });
  const s = buildWaterfallSnapshot(trace([stage, early]), report({ totalMs: 200 }));
  assert.equal(s.minStartMs, -60);
});

test('roles follow kind and namespace', () => {
  assert.equal(roleOf({ kind: 'downstream', namespace: 'remote' }), 'downstreamRemote');
  assert.equal(roleOf({ kind: 'downstream', namespace: 'aws' }), 'downstreamAws');
  assert.equal(roleOf({ kind: 'initialization' }), 'coldStart');
  assert.equal(roleOf({ kind: 'restore' }), 'coldStart');
  assert.equal(roleOf({ kind: 'front-door' }), 'frontDoor');
  assert.equal(roleOf({ kind: 'inferred' }), 'inferred');
  assert.equal(roleOf({ kind: 'overhead' }), 'overhead');
  assert.equal(roleOf({ kind: 'invocation' }), 'handler');
});

test('in-progress spans have no end; the trace list holds this trace and the others once', () => {
  const root = span({ name: 'fn', kind: 'function', start: 0, end: null, children: [{ name: 'Invocation', kind: 'invocation', start: 1, end: 5 }] });
  const t = trace([root], '1-00000000-000000000000000000000001');
  const r = report({ traceId: t.traceId, totalMs: 5 });
  const other = coldStartScenario().report;
  const s = buildWaterfallSnapshot(t, r, { others: [other, r, other] });
  const tab = table(s);
  assert.equal(tab.endMs(0), null);
  assert.ok(tab.flags(0) & SpanFlag.inProgress);
  assert.equal(tab.flags(1) & SpanFlag.inProgress, 0);
  assert.equal(tab.endMs(1), 5);
  assert.equal(s.endMs, 5);
  assert.deepEqual(s.traces.map((x) => x.traceId), [t.traceId, other.traceId]);
  assert.equal(s.traces[1]!.coldStartMs, 850);
});

test('a trace read from Transaction Search says so in its snapshot; a trace from X-Ray or a file does not', () => {
  const { trace: t, report: r } = coldStartScenario();
  assert.equal(buildWaterfallSnapshot(t, r).foundBy, undefined);
  const found = { ...t, foundBy: 'transaction-search' as const };
  assert.equal(buildWaterfallSnapshot(found, r).foundBy, 'transaction-search');
});

test('row texts: segments say what they are, calls their operation, table and status', () => {
  const { trace: t, report: r } = timeoutScenario();
  const s = buildWaterfallSnapshot(t, r);
  const tab = table(s);
  const sub = (name: string, nth = 0): string => tab.sub(indexOf(s, name, nth));
  assert.equal(sub('orders-api/prod'), 'ApiGateway::Stage', 'the front door shows no status of its own');
  assert.equal(sub('orders-report', 0), 'Lambda');
  assert.equal(sub('orders-report', 1), 'Lambda::Function');
  assert.equal(sub('DynamoDB', 0), 'Query · orders');
  assert.equal(sub('DynamoDB', 1), 'DynamoDB::Table');
  assert.equal(sub('api.partner.example'), '200');
  assert.equal(sub('Lambda'), 'Invoke');
  assert.equal(sub('Overhead'), '');
  const flags = tab.flags(0);
  assert.ok(flags & SpanFlag.segment && flags & SpanFlag.fault);
  assert.equal(tab.style(indexOf(s, 'api.partner.example')).role, 'downstreamRemote');
});

test('details are built on demand: id, source, http, aws, annotations, metadata, cause; empty ones omitted', () => {
  const { trace: t, report: r } = timeoutScenario();
  const m = buildWaterfall(t, r);
  const stage = m.details(0)!;
  assert.equal(stage.id, 'a000000000000001');
  assert.equal(stage.source, m.spans[0]!.source);
  assert.deepEqual(stage.http, { method: 'POST', url: 'https://api.example.com/prod/reports', status: 504 });
  assert.deepEqual(stage.annotations, { 'aws:api_id': 'abc123', 'aws:api_stage': 'prod' });
  const ddb = m.details(indexOf(m.snapshot, 'DynamoDB'))!;
  assert.deepEqual(ddb.aws, { operation: 'Query', tableName: 'orders', retries: 0 });
  assert.equal(ddb.annotations, undefined, 'empty annotations are omitted');
  assert.equal(ddb.http, undefined);
  assert.equal(m.details(m.spans.length), undefined);
  assert.equal(m.details(-1), undefined);
  assert.equal(m.details(1.5), undefined);
  // Nothing of the details rides in the snapshot (the report's findings name their span ids, no others).
  const json = JSON.stringify(m.snapshot);
  for (const x of ['a000000000000005', 'abc123', m.spans[0]!.source, '372607be']) assert.ok(!json.includes(x), `${x} is not inlined`);
});

test('stack frames become links only where the resolver finds a workspace file', () => {
  const root = span({
    name: 'fn',
    kind: 'function',
    start: 0,
    end: 10,
    cause: {
      workingDirectory: '/var/task',
      exceptions: [{ message: 'boom', type: 'Error', stack: [{ path: 'src/handler.js', line: 12, label: 'handle' }, { path: 'node_modules/x.js', line: 3 }] }],
    },
  });
  const t = trace([root]);
  const resolveFrame = (p: string, wd: string | undefined): string | undefined => (p.startsWith('src/') && wd === '/var/task' ? `/ws/${p}` : undefined);
  const m = buildWaterfall(t, report({ totalMs: 10 }), { resolveFrame });
  const frames = m.details(0)!.cause!.exceptions[0]!.stack;
  assert.equal(frames[0]!.file, '/ws/src/handler.js');
  assert.equal(frames[1]!.file, undefined);
  assert.equal(m.details(0)!.cause!.workingDirectory, '/var/task');
  assert.deepEqual(spanDetails(m.spans[0]!, { resolveFrame }), m.details(0));
  assert.equal(spanDetails(m.spans[0]!).cause!.exceptions[0]!.stack[0]!.file, undefined, 'no resolver, no links');
});

test('findings point at span indices; ids not in the trace are left out', () => {
  const { trace: t, report: r } = timeoutScenario();
  r.findings.push({ ...r.findings[0]!, spanIds: ['nope', 'a000000000000009'] });
  const m = buildWaterfall(t, r);
  assert.equal(m.snapshot.findingSpans.length, r.findings.length);
  r.findings.forEach((f, k) => {
    const want = (f.spanIds ?? []).filter((id) => id !== 'nope');
    assert.deepEqual(m.snapshot.findingSpans[k]!.map((i) => m.spans[i]!.id), want);
  });
});

test('the spans key: equal for the same spans, different when ids or their order change', () => {
  const a = timeoutScenario();
  const k1 = buildWaterfallSnapshot(a.trace, a.report).spansKey;
  assert.equal(buildWaterfallSnapshot(a.trace, a.report).spansKey, k1);
  assert.equal(buildWaterfallSnapshot(timeoutScenario().trace, a.report).spansKey, k1, 'rebuilt from the same data');
  const b = timeoutScenario();
  b.trace.spans.at(-1)!.id = 'b000000000000000';
  assert.notEqual(buildWaterfallSnapshot(b.trace, b.report).spansKey, k1);
  const c = coldStartScenario();
  assert.notEqual(buildWaterfallSnapshot(c.trace, c.report).spansKey, k1);
});

test('the snapshot is plain data: a JSON round trip changes nothing', () => {
  const { trace: t, report: r } = timeoutScenario();
  const s = buildWaterfallSnapshot(t, r, { restoreKey: 'file:/x.json' });
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('columns: every string once, a handful of styles, and a tenth of the old size at 10 000 spans', () => {
  const { trace: t, report: r } = bigScenario(10_000);
  const s = buildWaterfallSnapshot(t, r);
  const cols = s.spans;
  assert.equal(new Set(cols.strings).size, cols.strings.length);
  assert.equal(cols.strings[0], '');
  assert.ok(cols.styles.length < 20, `${cols.styles.length} styles`);
  for (const c of [cols.depth, cols.name, cols.style, cols.startMs, cols.endMs, cols.sub, cols.search]) assert.equal(c.length, cols.count);
  // One object per span was 1 964 KB at 10 000 spans; the columns must stay well below.
  const kb = JSON.stringify(s).length / 1024;
  assert.ok(kb < 300, `inline JSON ${kb.toFixed(0)} KB`);
});

test('100 000 spans: built iteratively, every span present once', () => {
  const { trace: t, report: r } = bigScenario(100_000);
  const m = buildWaterfall(t, r);
  assert.equal(m.snapshot.spans.count, t.spans.length);
  assert.equal(m.snapshot.spans.count, 100_000);
  assert.equal(new Set(m.spans.map((x) => x.id)).size, 100_000);
});
