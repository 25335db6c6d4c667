// View bounds and ticks: pure functions of domain and view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FULL_VIEW, panView, tickStep, ticks, timeAt, traceDomain, viewedPosition, viewOf, zoomView } from '../../../webview/waterfall/scale';
import { formatMs, formatShare } from '../../../webview/waterfall/format';

test('the domain covers early starts, the end, the budget (when used ≥ half) and the cut, plus 2 %', () => {
  const d = traceDomain(-850, 15000, 29000, null);
  assert.equal(d.startMs, -850);
  assert.ok(Math.abs(d.endMs - (29000 + 29850 * 0.02)) < 1e-9);
  const short = traceDomain(0, 1500, 29000, null);
  assert.ok(Math.abs(short.endMs - 1530) < 1e-9, 'a short request is drawn at its own scale');
  assert.equal(traceDomain(5, 100, null, null).startMs, 0);
  assert.ok(traceDomain(0, 33490, 29000, 29012).endMs > 33490);
});

test('positions: the full view maps the domain onto [0, 1]; zoom keeps the anchor in place', () => {
  const d = { startMs: 0, endMs: 1000 };
  const pos = viewedPosition(d, FULL_VIEW);
  assert.equal(pos(0), 0);
  assert.equal(pos(1000), 1);
  assert.equal(pos(250), 0.25);
  const z = zoomView(FULL_VIEW, 4, 0.25);
  assert.ok(Math.abs(viewedPosition(d, z)(250) - 0.25) < 1e-12, 'time under the anchor stays put');
  assert.ok(Math.abs(z.end - z.start - 0.25) < 1e-12);
  assert.ok(Math.abs(timeAt(d, z, 0.25) - 250) < 1e-9);
});

test('zoom out and pan never leave the domain', () => {
  assert.deepEqual(zoomView(FULL_VIEW, 0.1), FULL_VIEW);
  const z = zoomView(FULL_VIEW, 10, 0.5);
  const far = panView(z, 100);
  assert.ok(Math.abs(far.end - 1) < 1e-12 && Math.abs(far.end - far.start - 0.1) < 1e-12);
  const back = panView(z, -100);
  assert.equal(back.start, 0);
  const tiny = zoomView(FULL_VIEW, 1e9);
  assert.ok(tiny.end - tiny.start >= 1e-5);
});

test('viewOf shows a span with a margin', () => {
  const d = { startMs: 0, endMs: 1000 };
  const v = viewOf(d, 100, 200);
  const pos = viewedPosition(d, v);
  assert.ok(pos(100) > 0 && pos(100) < 0.1);
  assert.ok(pos(200) < 1 && pos(200) > 0.9);
});

test('ticks fall on 1-2-5 steps and carry readable labels', () => {
  assert.equal(tickStep(30000, 10), 5000);
  assert.equal(tickStep(1000, 10), 100);
  assert.equal(tickStep(7, 10), 1);
  const t = ticks({ startMs: 0, endMs: 30000 }, FULL_VIEW, 6);
  assert.deepEqual(t.map((x) => x.label), ['0 s', '5 s', '10 s', '15 s', '20 s', '25 s', '30 s']);
  assert.equal(t[1]!.x, 5000 / 30000);
  const small = ticks({ startMs: -5, endMs: 20 }, FULL_VIEW, 5);
  assert.ok(small.some((x) => x.label === '0 ms'));
});

test('durations format by size; shares of the budget', () => {
  assert.equal(formatMs(812.4), '812 ms');
  assert.equal(formatMs(4478), '4.48 s');
  assert.equal(formatMs(29012), '29.0 s');
  assert.equal(formatMs(3.25), '3.3 ms');
  assert.equal(formatMs(null), '–');
  assert.equal(formatShare(18000, 29000), '62 %');
  assert.equal(formatShare(40, 29000), '0.1 %');
  assert.equal(formatShare(20, 29000), '', 'below 0.1 % is left out');
  assert.equal(formatShare(40, null), '');
});
