// buildWaterfallSnapshot: pre-order, parent/depth/subtree, offsets from the entry start, no clamping,
// roles, trace list, frame resolution, and that the result is plain JSON data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWaterfallSnapshot, roleOf } from '../../../src/ui/waterfallSnapshot';
import { bigScenario, coldStartScenario, span, timeoutScenario, trace, report } from '../../waterfall/modelBuilder';

test('spans are pre-order with parent index, depth and contiguous subtrees', () => {
  const { trace: t, report: r } = timeoutScenario();
  const s = buildWaterfallSnapshot(t, r);
  assert.deepEqual(
    s.spans.map((x) => `${'  '.repeat(x.depth)}${x.name}`),
    ['orders-api/prod', '  Lambda', '    orders-report', '      orders-report', '        Invocation', '          DynamoDB', '            DynamoDB', '          api.partner.example', '          SQS', '        Overhead'],
  );
  for (const [i, x] of s.spans.entries()) {
    if (x.parent >= 0) {
      const p = s.spans[x.parent]!;
      assert.equal(x.depth, p.depth + 1);
      assert.ok(x.parent < i && i < p.subtreeEnd, `${i} inside its parent's subtree`);
    } else assert.equal(x.depth, 0);
    for (let k = i + 1; k < x.subtreeEnd; k++) assert.ok(s.spans[k]!.depth > x.depth);
    if (x.subtreeEnd < s.spans.length) assert.ok(s.spans[x.subtreeEnd]!.depth <= x.depth);
  }
  assert.equal(s.spans[0]!.subtreeEnd, s.spans.length);
});

test('times are offsets from the entry start; a child before its parent is not clamped', () => {
  const { trace: t, report: r } = coldStartScenario();
  const s = buildWaterfallSnapshot(t, r);
  const fn = s.spans.find((x) => x.kind === 'function')!;
  const init = s.spans.find((x) => x.kind === 'initialization')!;
  assert.equal(s.spans[0]!.startMs, 0);
  assert.equal(fn.startMs, 860);
  assert.equal(init.startMs, 7);
  assert.ok(init.startMs < fn.startMs);
  assert.equal(s.endMs, 1520);
  assert.equal(s.entryStartEpochMs, t.entry!.startMs);
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

test('in-progress spans keep endMs null; the trace list holds this trace and the others once', () => {
  const root = span({ name: 'fn', kind: 'function', start: 0, end: null, children: [{ name: 'Invocation', kind: 'invocation', start: 1, end: 5 }] });
  const t = trace([root], '1-00000000-000000000000000000000001');
  const r = report({ traceId: t.traceId, totalMs: 5 });
  const other = coldStartScenario().report;
  const s = buildWaterfallSnapshot(t, r, { others: [other, r, other] });
  assert.equal(s.spans[0]!.endMs, null);
  assert.equal(s.spans[0]!.inProgress, true);
  assert.equal(s.spans[1]!.inProgress, undefined, 'false flags are omitted');
  assert.equal(s.spans[1]!.annotations, undefined, 'empty annotations are omitted');
  assert.equal(s.endMs, 5);
  assert.deepEqual(s.traces.map((x) => x.traceId), [t.traceId, other.traceId]);
  assert.equal(s.traces[1]!.coldStartMs, 850);
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
  const s = buildWaterfallSnapshot(t, report({ totalMs: 10 }), {
    resolveFrame: (p, wd) => (p.startsWith('src/') && wd === '/var/task' ? `/ws/${p}` : undefined),
  });
  const frames = s.spans[0]!.cause!.exceptions[0]!.stack;
  assert.equal(frames[0]!.file, '/ws/src/handler.js');
  assert.equal(frames[1]!.file, undefined);
  assert.equal(s.spans[0]!.cause!.workingDirectory, '/var/task');
});

test('the snapshot is plain data: a JSON round trip changes nothing', () => {
  const { trace: t, report: r } = timeoutScenario();
  const s = buildWaterfallSnapshot(t, r, { restoreKey: 'file:/x.json' });
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});

test('100 000 spans: built iteratively, every span present once', () => {
  const { trace: t, report: r } = bigScenario(100_000);
  const started = performance.now();
  const s = buildWaterfallSnapshot(t, r);
  const ms = performance.now() - started;
  assert.equal(s.spans.length, t.spans.length);
  assert.equal(s.spans.length, 100_000);
  assert.equal(new Set(s.spans.map((x) => x.id)).size, 100_000);
  assert.ok(ms < 3000, `built in ${ms.toFixed(0)} ms`);
});
