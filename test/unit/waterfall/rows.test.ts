// visibleRows: collapse hides exactly the subtree, the filter keeps matches with their ancestors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWaterfallSnapshot } from '../../../src/ui/waterfallSnapshot';
import { ancestorsOf, hasChildren, matchesFilter, visibleRows } from '../../../webview/waterfall/rows';
import { SpanTable } from '../../../webview/waterfall/spans';
import { bigScenario, span, timeoutScenario, trace, report } from '../../builders/modelBuilder';
import { indexOf } from '../../waterfall/snapshotView';

const snap = (): ReturnType<typeof buildWaterfallSnapshot> => {
  const { trace, report } = timeoutScenario();
  return buildWaterfallSnapshot(trace, report);
};

const names = (t: SpanTable, rows: Int32Array): string[] => [...rows].map((i) => t.name(i));

test('no collapse, no filter: every span in pre-order', () => {
  const s = snap();
  const t = new SpanTable(s.spans);
  assert.deepEqual([...visibleRows(t, { collapsed: new Set(), filter: '' })], Array.from({ length: t.count }, (_, i) => i));
});

test('collapsing a span hides its descendants and nothing else', () => {
  const s = snap();
  const t = new SpanTable(s.spans);
  const inv = indexOf(s, 'Invocation');
  const rows = visibleRows(t, { collapsed: new Set([inv]), filter: '' });
  assert.deepEqual(names(t, rows), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'Overhead']);
  const rows2 = visibleRows(t, { collapsed: new Set([0]), filter: '' });
  assert.deepEqual(names(t, rows2), ['orders-api/prod']);
});

test('collapse of a leaf changes nothing; nested collapse inside a collapsed one is harmless', () => {
  const s = snap();
  const t = new SpanTable(s.spans);
  const overhead = indexOf(s, 'Overhead');
  const inv = indexOf(s, 'Invocation');
  assert.equal(visibleRows(t, { collapsed: new Set([overhead]), filter: '' }).length, t.count);
  assert.equal(visibleRows(t, { collapsed: new Set([inv, inv + 1]), filter: '' }).length, 6);
});

test('the filter keeps matches and their ancestors, matching operation and table too', () => {
  const s = snap();
  const t = new SpanTable(s.spans);
  const rows = visibleRows(t, { collapsed: new Set(), filter: 'sendmessage' });
  assert.deepEqual(names(t, rows), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'SQS']);
  assert.equal(visibleRows(t, { collapsed: new Set(), filter: 'no-such-thing' }).length, 0);
  const orders = visibleRows(t, { collapsed: new Set(), filter: 'orders' });
  assert.ok(names(t, orders).includes('DynamoDB'), 'table name orders matches the DynamoDB call');
  // Origin and URL match too; the name is matched case-insensitively.
  assert.ok(names(t, visibleRows(t, { collapsed: new Set(), filter: 'lambda::function' })).includes('orders-report'));
  assert.ok(names(t, visibleRows(t, { collapsed: new Set(), filter: 'v2/rates' })).includes('api.partner.example'));
  assert.deepEqual(names(t, visibleRows(t, { collapsed: new Set(), filter: 'overhead' })).at(-1), 'Overhead');
});

test('the filter matches what it always matched: name, origin, operation, table and URL joined by NUL', () => {
  const root = span({
    name: 'ΑΣ Upper',
    kind: 'function',
    origin: 'AWS::Lambda::Function',
    isSegment: true,
    start: 0,
    end: 10,
    children: [{ name: 'Get', kind: 'downstream', namespace: 'remote', start: 1, end: 2, http: { url: 'https://x.example/İstanbul' } }],
  });
  const s = buildWaterfallSnapshot(trace([root]), report({ totalMs: 10 }));
  const t = new SpanTable(s.spans);
  const reference = (i: number): string => {
    // The definition the webview used before the columns: every part joined, then lower-cased.
    const st = t.style(i);
    const parts = [t.name(i), st.origin ?? '', '', '', i === 1 ? 'https://x.example/İstanbul' : ''];
    return parts.join('\u0000').toLowerCase();
  };
  for (const f of ['ας', 'upper', 'lambda', 'function\u0000', 'i̇stanbul', 'x.example', 'get\u0000\u0000', 'zzz', 'σ u']) {
    for (let i = 0; i < t.count; i++) {
      assert.equal(matchesFilter(t, i, f), reference(i).includes(f), `${JSON.stringify(f)} on span ${i}`);
      assert.equal(t.searchText(i), reference(i));
    }
  }
  assert.equal(matchesFilter(t, 0, ''), false, 'no filter marks nothing');
});

test('ancestors and children helpers', () => {
  const s = snap();
  const t = new SpanTable(s.spans);
  const sqs = indexOf(s, 'SQS');
  assert.deepEqual(ancestorsOf(t, sqs).map((i) => t.name(i)), ['Invocation', 'orders-report', 'orders-report', 'Lambda', 'orders-api/prod']);
  assert.equal(hasChildren(t, sqs), false);
  assert.equal(hasChildren(t, 0), true);
});

test('whether a span has children, read from the next depth, agrees with the subtrees', () => {
  for (const { trace: t, report: r } of [timeoutScenario(), bigScenario(2_000)]) {
    const tab = new SpanTable(buildWaterfallSnapshot(t, r).spans);
    for (let i = 0; i < tab.count; i++) assert.equal(tab.hasChildren(i), (tab.subtreeEnd[i] as number) > i + 1, `span ${i}`);
  }
});

test('100 000 spans: collapse and filter passes give the right rows (their speed is in npm run bench -- waterfall)', () => {
  const { trace, report } = bigScenario(100_000);
  const s = buildWaterfallSnapshot(trace, report);
  const t = new SpanTable(s.spans);
  const all = visibleRows(t, { collapsed: new Set(), filter: '' });
  const batches: number[] = [];
  for (let i = 0; i < t.count; i++) if (t.name(i).startsWith('batch ')) batches.push(i);
  const collapsed = visibleRows(t, { collapsed: new Set(batches), filter: '' });
  const filtered = visibleRows(t, { collapsed: new Set(), filter: 'getobject' });
  assert.equal(all.length, 100_000);
  assert.equal(collapsed.length, 3 + batches.length);
  assert.ok(filtered.length > 10_000 && filtered.length < 30_000);
});
