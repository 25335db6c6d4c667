// visibleRows: collapse hides exactly the subtree, the filter keeps matches with their ancestors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWaterfallSnapshot } from '../../../src/ui/waterfallSnapshot';
import { ancestorsOf, hasChildren, visibleRows } from '../../../webview/waterfall/rows';
import { bigScenario, timeoutScenario } from '../../waterfall/modelBuilder';

const snap = (): ReturnType<typeof buildWaterfallSnapshot> => {
  const { trace, report } = timeoutScenario();
  return buildWaterfallSnapshot(trace, report);
};

const names = (s: ReturnType<typeof snap>, rows: Int32Array): string[] => [...rows].map((i) => s.spans[i]!.name);

test('no collapse, no filter: every span in pre-order', () => {
  const s = snap();
  assert.deepEqual([...visibleRows(s.spans, { collapsed: new Set(), filter: '' })], s.spans.map((_, i) => i));
});

test('collapsing a span hides its descendants and nothing else', () => {
  const s = snap();
  const inv = s.spans.findIndex((x) => x.name === 'Invocation');
  const rows = visibleRows(s.spans, { collapsed: new Set([inv]), filter: '' });
  assert.deepEqual(names(s, rows), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'Overhead']);
  const rows2 = visibleRows(s.spans, { collapsed: new Set([0]), filter: '' });
  assert.deepEqual(names(s, rows2), ['orders-api/prod']);
});

test('collapse of a leaf changes nothing; nested collapse inside a collapsed one is harmless', () => {
  const s = snap();
  const overhead = s.spans.findIndex((x) => x.name === 'Overhead');
  const inv = s.spans.findIndex((x) => x.name === 'Invocation');
  assert.equal(visibleRows(s.spans, { collapsed: new Set([overhead]), filter: '' }).length, s.spans.length);
  assert.equal(visibleRows(s.spans, { collapsed: new Set([inv, inv + 1]), filter: '' }).length, 6);
});

test('the filter keeps matches and their ancestors, matching operation and table too', () => {
  const s = snap();
  const rows = visibleRows(s.spans, { collapsed: new Set(), filter: 'sendmessage' });
  assert.deepEqual(names(s, rows), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'SQS']);
  assert.equal(visibleRows(s.spans, { collapsed: new Set(), filter: 'no-such-thing' }).length, 0);
  const orders = visibleRows(s.spans, { collapsed: new Set(), filter: 'orders' });
  assert.ok(names(s, orders).includes('DynamoDB'), 'table name orders matches the DynamoDB call');
});

test('ancestors and children helpers', () => {
  const s = snap();
  const sqs = s.spans.findIndex((x) => x.name === 'SQS');
  assert.deepEqual(ancestorsOf(s.spans, sqs).map((i) => s.spans[i]!.name), ['Invocation', 'orders-report', 'orders-report', 'Lambda', 'orders-api/prod']);
  assert.equal(hasChildren(s.spans[sqs]!, sqs), false);
  assert.equal(hasChildren(s.spans[0]!, 0), true);
});

test('100 000 spans: collapse and filter passes stay fast', () => {
  const { trace, report } = bigScenario(100_000);
  const s = buildWaterfallSnapshot(trace, report);
  const t0 = performance.now();
  const all = visibleRows(s.spans, { collapsed: new Set(), filter: '' });
  const batches = s.spans.flatMap((x, i) => (x.name.startsWith('batch ') ? [i] : []));
  const collapsed = visibleRows(s.spans, { collapsed: new Set(batches), filter: '' });
  const filtered = visibleRows(s.spans, { collapsed: new Set(), filter: 'getobject' });
  const ms = performance.now() - t0;
  assert.equal(all.length, 100_000);
  assert.equal(collapsed.length, 3 + batches.length);
  assert.ok(filtered.length > 10_000 && filtered.length < 30_000);
  assert.ok(ms < 1500, `three passes took ${ms.toFixed(0)} ms`);
});
