// Bar and axis layouts: pure functions of times, view and width, checked here in Node; the
// browser tests check the same places in pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanFlag } from '../../../src/protocol';
import { layoutAxis } from '../../../webview/waterfall/axisLayout';
import { flagText, indentPx, layoutBar, rowFlag } from '../../../webview/waterfall/rowLayout';
import { FULL_VIEW, traceDomain, viewedPosition } from '../../../webview/waterfall/scale';

const near = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-9, msg ?? `${a} ≈ ${b}`);
const pos1000 = viewedPosition({ startMs: 0, endMs: 1000 }, FULL_VIEW);

test('a bar spans its times as fractions; its label says duration and share of the budget', () => {
  const b = layoutBar(100, 300, pos1000, 1000, null, 1000);
  near(b.left, 0.1);
  near(b.width, 0.2);
  assert.equal(b.hatched, false);
  assert.equal(b.label, '200 ms · 20 %');
  assert.equal(b.labelSide, 'right');
  near(b.labelAt, 0.3);
  assert.equal(layoutBar(100, 300, pos1000, null, null, 1000).label, '200 ms', 'no budget, no share');
});

test('a bar past the cut is hatched from the cut; one that starts after it, all along', () => {
  const across = layoutBar(200, 600, pos1000, 500, 400, 1000);
  assert.equal(across.hatched, true);
  near(across.afterLeft, 0.5, 'hatching starts half way: at the cut');
  const after = layoutBar(500, 600, pos1000, 500, 400, 1000);
  assert.equal(after.hatched, true);
  near(after.afterLeft, 0);
  assert.equal(layoutBar(0, 400, pos1000, 500, 400, 1000).hatched, false, 'ending at the cut is not past it');
});

test('a span in progress runs to the trace end and says so', () => {
  const b = layoutBar(100, null, pos1000, 1000, null, 900);
  near(b.width, 0.8);
  assert.equal(b.label, 'in progress');
});

test('the label goes right of the bar, left of it at the right edge, inside a bar that fills the width', () => {
  const right = layoutBar(0, 500, pos1000, null, null, 1000);
  assert.equal(right.labelSide, 'right');
  const left = layoutBar(500, 900, pos1000, null, null, 1000);
  assert.equal(left.labelSide, 'left');
  near(left.labelAt, 0.5, 'measured from the right edge to the bar start');
  const inside = layoutBar(100, 950, pos1000, null, null, 1000);
  assert.equal(inside.labelSide, 'inside');
  near(inside.labelAt, 0.1);
  // Zoomed in: the bar starts left of the view; its label does not.
  const zoomed = layoutBar(-500, 200, pos1000, null, null, 1000);
  assert.equal(zoomed.labelSide, 'right');
  near(zoomed.labelAt, 0.2);
  assert.ok(layoutBar(600, 500, pos1000, null, null, 1000).width === 0, 'a bar never has a negative width');
});

test('one flag per row, the gravest first; indentation stops at 24 levels', () => {
  assert.equal(rowFlag(SpanFlag.error | SpanFlag.fault | SpanFlag.throttle), 'fault');
  assert.equal(rowFlag(SpanFlag.error | SpanFlag.throttle), 'throttle');
  assert.equal(rowFlag(SpanFlag.error | SpanFlag.inProgress), 'error');
  assert.equal(rowFlag(SpanFlag.inProgress), 'in progress');
  assert.equal(rowFlag(0), '');
  assert.deepEqual(['fault', 'throttle', 'error', 'in progress', ''].map((f) => flagText(f as Parameters<typeof flagText>[0])), ['5xx', '429', '4xx', '…', '']);
  // On a function's own segments X-Ray's error flag means the function threw: never "4xx".
  assert.equal(flagText('error', 'function'), 'error');
  assert.equal(flagText('error', 'invocation'), 'error');
  assert.equal(flagText('error', 'downstream'), '4xx');
  assert.equal(indentPx(0), 9);
  assert.equal(indentPx(4), 57);
  assert.equal(indentPx(24), indentPx(100));
});

test('axis: ticks within the view, edge labels turned inward, budget and cut far apart get a label each', () => {
  const d = traceDomain(0, 33490, 29000, 29012);
  const a = layoutAxis(d, FULL_VIEW, 900, 29000, 29012);
  assert.ok(a.ticks.length >= 2 && a.ticks.length <= 11, `${a.ticks.length} ticks`);
  assert.ok(a.ticks.every((t) => t.x >= -0.001 && t.x <= 1.001));
  assert.equal(a.ticks[0]?.label, '0 s');
  assert.equal(a.ticks[0]?.edge, 'first');
  near(a.budgetX as number, viewedPosition(d, FULL_VIEW)(29000));
  assert.ok(a.cut && a.cut.x > (a.budgetX as number));
  // 12 ms apart on a 900 px axis: one shared label, at the later of the two.
  assert.deepEqual(a.marks.map((m) => [m.kind, m.text, m.flip]), [['budget', 'budget 29.0 s · gave up at 29.0 s', true]]);
  near(a.marks[0]!.x, a.cut.x);
  assert.equal(a.budgetBeyond, null);
  assert.equal(a.zeroX, null);
  // Zoomed to the start: budget and cut are beyond the right edge; the axis says where the budget is.
  const zoomed = layoutAxis(d, { start: 0, end: 0.2 }, 900, 29000, 29012);
  assert.deepEqual(zoomed.marks, []);
  assert.equal(zoomed.budgetBeyond, 'budget 29.0 s →');
  assert.ok(zoomed.cut && zoomed.cut.x > 1 && zoomed.cut.regionLeft === 1, 'the after-cut region starts at the edge');
});

test('axis: budget and cut apart get two labels; a trace starting early shows the zero line; no budget, no line', () => {
  const d = traceDomain(-850, 15000, 10000, 10000 * 0.5);
  const a = layoutAxis(d, FULL_VIEW, 900, 10000, 5000);
  assert.deepEqual(a.marks.map((m) => m.kind), ['budget', 'cut']);
  assert.deepEqual(a.marks.map((m) => m.text), ['budget 10.0 s', 'gave up at 5.00 s']);
  near(a.zeroX as number, 850 / (d.endMs - d.startMs));
  const none = layoutAxis(traceDomain(0, 900, null, null), FULL_VIEW, 600, null, null);
  assert.equal(none.budgetX, null);
  assert.equal(none.cut, null);
  assert.deepEqual(none.marks, []);
  assert.ok(none.ticks.some((t) => t.edge === 'last') || none.ticks.every((t) => (1 - t.x) * 600 >= 40));
});
