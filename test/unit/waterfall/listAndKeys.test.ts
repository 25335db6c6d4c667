// The virtual list's arithmetic, the row order, the key table and where keys take the selection
// and the view, the UI state and what it persists: the waterfall's steps without a DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWaterfallSnapshot } from '../../../src/ui/waterfallSnapshot';
import { KEY_TABLE, actionFor, keyHelp, titleWithKey } from '../../../webview/waterfall/keys';
import { OVERSCAN, pageRows, poolSize, rowWindow, scrollToShow, slotRow } from '../../../webview/waterfall/listWindow';
import { ZOOM_STEP, isNavigation, navigate, viewAfter } from '../../../webview/waterfall/navigation';
import type { TreeCursor } from '../../../webview/waterfall/navigation';
import { RowOrder } from '../../../webview/waterfall/rows';
import { FULL_VIEW, wheelView } from '../../../webview/waterfall/scale';
import { SpanTable } from '../../../webview/waterfall/spans';
import { UiState, restoredState } from '../../../webview/waterfall/uiState';
import type { PersistedState } from '../../../webview/waterfall/uiState';
import { timeoutScenario } from '../../builders/modelBuilder';
import { indexOf } from '../../waterfall/snapshotView';

const snap = (): ReturnType<typeof buildWaterfallSnapshot> => {
  const { trace, report } = timeoutScenario();
  return buildWaterfallSnapshot(trace, report);
};

test('list window: the rows on screen, overscan ahead of the scroll, both sides once it stops', () => {
  const base = { top: 0, height: 220, rowHeight: 22, count: 1000, overscan: 0, direction: 0, scrolling: false };
  assert.deepEqual(rowWindow(base), { first: 0, last: 10 }, 'first paint: the screen only');
  assert.deepEqual(rowWindow({ ...base, top: 2200, overscan: OVERSCAN }), { first: 92, last: 118 });
  assert.deepEqual(rowWindow({ ...base, top: 2200, overscan: OVERSCAN, direction: 1, scrolling: true }), { first: 99, last: 118 });
  assert.deepEqual(rowWindow({ ...base, top: 2200, overscan: OVERSCAN, direction: -1, scrolling: true }), { first: 92, last: 111 });
  assert.deepEqual(rowWindow({ ...base, top: 21_900, overscan: OVERSCAN }), { first: 987, last: 1000 }, 'clamped to the rows');
  assert.deepEqual(rowWindow({ ...base, count: 0 }), { first: 0, last: 0 });
});

test('list pool: sized for a screen and its overscan; a row keeps its slot while it stays in view', () => {
  assert.equal(poolSize(0, 10, 1000, 220, 22), 10 + 1 + 2 * OVERSCAN);
  assert.equal(poolSize(0, 3, 3, 220, 22), 3, 'never more slots than rows');
  const n = 27;
  const at = (first: number): number[] => Array.from({ length: n }, (_, k) => slotRow(k, first, n));
  // Every row of [first, first + n) in exactly one slot, and row r in slot r mod n.
  for (const first of [0, 5, 26, 27, 1000]) {
    const rows = at(first);
    assert.deepEqual([...rows].sort((a, b) => a - b), Array.from({ length: n }, (_, i) => first + i));
    rows.forEach((r, k) => assert.equal(r % n, k));
  }
});

test('list scrolling: a page is a screen less a row; revealing scrolls the least', () => {
  assert.equal(pageRows(220, 22), 9);
  assert.equal(pageRows(10, 22), 1);
  assert.equal(scrollToShow(5, 22, 0, 220), null, 'in view');
  assert.equal(scrollToShow(20, 22, 0, 220), 21 * 22 - 220, 'below: to the bottom edge');
  assert.equal(scrollToShow(2, 22, 200, 220), 44, 'above: to the top edge');
});

test('row order: every span while nothing is hidden; span ↔ row both ways when collapsed or filtered', () => {
  const s = snap();
  const t = new SpanTable(s.spans);
  const all = RowOrder.of(t, new Set(), '');
  assert.equal(all.count, t.count);
  assert.equal(all.spanAt(3), 3);
  assert.equal(all.rowOf(t.count), -1);
  const inv = indexOf(s, 'Invocation');
  const collapsed = RowOrder.of(t, new Set([inv]), '');
  assert.equal(collapsed.count, 6);
  assert.equal(collapsed.spanAt(5), indexOf(s, 'Overhead'));
  assert.equal(collapsed.rowOf(indexOf(s, 'Overhead')), 5);
  assert.equal(collapsed.rowOf(indexOf(s, 'SQS')), -1);
  const filtered = RowOrder.of(t, new Set(), 'SQS');
  assert.equal(filtered.count, 6, 'the filter is matched lower-cased');
  assert.equal(filtered.spanAt(5), indexOf(s, 'SQS'));
});

test('one key table: no key means two things in a scope, and titles and help are written from it', () => {
  const seen = new Set<string>();
  for (const b of KEY_TABLE) {
    for (const k of b.keys) {
      assert.ok(!seen.has(`${b.scope} ${k}`), `${b.scope} ${k} bound twice`);
      seen.add(`${b.scope} ${k}`);
      assert.equal(actionFor(b.scope, k), b.action);
    }
  }
  assert.equal(actionFor('list', 'x'), undefined);
  assert.equal(actionFor('filter', '+'), undefined, 'keys are per scope');
  assert.equal(titleWithKey('zoomIn'), 'Zoom in (+)');
  assert.equal(titleWithKey('zoomOut'), 'Zoom out (-)');
  assert.equal(titleWithKey('fit'), 'Show the whole trace (0)');
  assert.equal(titleWithKey('focusFilter'), 'Filter spans (/)');
  const help = keyHelp().split('\n');
  assert.equal(help.length, KEY_TABLE.length);
  assert.ok(help.includes('Enter / Space: Collapse or expand'), help.join('\n'));
  assert.ok(help.includes('Esc: Clear the filter (in the filter)'));
});

test('navigation: arrows, pages and ends move along the rows; left and right walk the tree', () => {
  const s = snap();
  const spans = new SpanTable(s.spans);
  const inv = indexOf(s, 'Invocation');
  const ddb = indexOf(s, 'DynamoDB');
  const at = (selected: number, collapsed: number[] = []): TreeCursor => {
    const c = new Set(collapsed);
    return { selected, order: RowOrder.of(spans, c, ''), spans, collapsed: c, pageRows: 3 };
  };
  assert.deepEqual(navigate('next', at(-1)), { select: 0 });
  assert.deepEqual(navigate('previous', at(-1)), { select: 0 });
  assert.deepEqual(navigate('next', at(spans.count - 1)), { select: spans.count - 1 }, 'stays on the last row');
  assert.deepEqual(navigate('pageDown', at(0)), { select: 3 });
  assert.deepEqual(navigate('pageUp', at(2)), { select: 0 });
  assert.deepEqual(navigate('last', at(0, [inv])), { select: indexOf(s, 'Overhead') }, 'the last row, not the last span');
  assert.deepEqual(navigate('expandOrChild', at(inv, [inv])), { toggle: inv });
  assert.deepEqual(navigate('expandOrChild', at(inv)), { select: inv + 1 });
  assert.deepEqual(navigate('expandOrChild', at(indexOf(s, 'Overhead'))), {}, 'a leaf: nothing');
  assert.deepEqual(navigate('collapseOrParent', at(inv)), { toggle: inv });
  assert.deepEqual(navigate('collapseOrParent', at(ddb, [ddb])), { select: inv });
  assert.deepEqual(navigate('collapseOrParent', at(0, [0])), {}, 'a collapsed root: nothing');
  assert.deepEqual(navigate('expandOrChild', at(-1)), { select: 0, pass: true });
  assert.deepEqual(navigate('toggle', at(-1)), {});
  assert.ok(isNavigation('toggle') && !isNavigation('zoomIn'));
});

test('view keys: zoom in and out about the middle, fit, zoom to the selected span', () => {
  const d = { startMs: 0, endMs: 1000 };
  const zin = viewAfter('zoomIn', FULL_VIEW, d, null)!;
  assert.ok(Math.abs(zin.end - zin.start - 1 / ZOOM_STEP) < 1e-12);
  assert.ok(Math.abs((zin.start + zin.end) / 2 - 0.5) < 1e-12);
  assert.deepEqual(viewAfter('zoomOut', FULL_VIEW, d, null), FULL_VIEW);
  assert.deepEqual(viewAfter('fit', zin, d, null), FULL_VIEW);
  const span = viewAfter('zoomToSpan', FULL_VIEW, d, [100, 300])!;
  assert.ok(Math.abs(span.start - 0.09) < 1e-12 && Math.abs(span.end - 0.31) < 1e-12);
  assert.equal(viewAfter('zoomToSpan', FULL_VIEW, d, null), null, 'nothing selected');
  assert.equal(viewAfter('next', FULL_VIEW, d, null), null);
});

test('wheel: Ctrl zooms at the pointer, a sideways wheel pans a zoomed view, the rest scrolls the list', () => {
  const w = { zoom: false, shift: false, deltaX: 0, deltaY: 100, anchor: 0.5, width: 1000 };
  assert.equal(wheelView(FULL_VIEW, w), null, 'a plain wheel scrolls');
  const z = wheelView(FULL_VIEW, { ...w, zoom: true, deltaY: -100, anchor: 0.25 })!;
  assert.ok(Math.abs(z.end - z.start - 0.8) < 1e-12);
  assert.ok(Math.abs(z.start + 0.25 * 0.8 - 0.25) < 1e-12, 'the time under the pointer stays put');
  assert.equal(wheelView(FULL_VIEW, { ...w, deltaX: 100, deltaY: 0 }), null, 'nothing to pan at the full view');
  const half = { start: 0, end: 0.5 };
  const panned = wheelView(half, { ...w, shift: true, deltaY: 100 })!;
  assert.ok(Math.abs(panned.start - 0.05) < 1e-12, 'Shift+wheel pans by the vertical delta');
});

test('UI state: saved per trace, indices only for the same spans, trimmed to 20 traces, checked on restore', () => {
  const written: PersistedState[] = [];
  const state = new UiState(null, (s) => written.push(JSON.parse(JSON.stringify(s)) as PersistedState));
  state.open('t1', '10:a', 10, 'key-1');
  state.collapsed.add(4);
  state.selected = 7;
  state.ui.filter = 'sqs';
  state.save();
  assert.deepEqual(written.at(-1)!.perTrace['t1'], { collapsed: [4], selected: 7, spansKey: '10:a', view: FULL_VIEW, filter: 'sqs' });
  assert.equal(written.at(-1)!.restoreKey, 'key-1');
  // Another trace, then back: the first trace's UI comes back whole.
  state.open('t2', '5:b', 5, undefined);
  assert.equal(state.selected, -1);
  state.open('t1', '10:a', 10, undefined);
  assert.deepEqual([...state.collapsed], [4]);
  assert.equal(state.selected, 7);
  // The same trace with other spans: only view and filter still apply.
  state.open('t1', '12:c', 12, undefined);
  assert.deepEqual([...state.collapsed], []);
  assert.equal(state.selected, -1);
  assert.equal(state.ui.filter, 'sqs');
  for (let i = 0; i < 30; i++) state.open(`x${i}`, '1:x', 1, undefined);
  state.save();
  assert.equal(Object.keys(written.at(-1)!.perTrace).length, 20);
  // A finding: shown with its spans in range, then hidden again.
  assert.equal(state.toggleFinding(2, [5, 0, 99], 1), true);
  assert.deepEqual([...state.highlighted], [0]);
  assert.equal(state.firstHighlighted(), 0);
  assert.equal(state.toggleFinding(2, [0], 1), false);
  assert.equal(state.firstHighlighted(), -1);

  assert.equal(restoredState({ v: 3, perTrace: {} }), null);
  assert.equal(restoredState('nope'), null);
  const v1 = restoredState({ v: 1, traceId: 't', sort: { key: 'coldStart', desc: false }, perTrace: { t: { collapsed: ['a'], selected: 'a', view: { start: 0, end: 0.5 }, filter: 'x' }, bad: { view: 3 } } });
  assert.deepEqual(v1, { v: 2, traceId: 't', sort: { key: 'coldStart', desc: false }, perTrace: { t: { collapsed: [], selected: null, spansKey: '', view: { start: 0, end: 0.5 }, filter: 'x' } } });
  const v2 = restoredState({ v: 2, traceId: 7, sort: { key: 'size' }, restoreKey: 'k', perTrace: { t: { collapsed: [1, 'x'], selected: 2, spansKey: 's', view: { start: 0, end: 1 }, filter: 3 } } });
  assert.deepEqual(v2, { v: 2, traceId: null, sort: { key: 'total', desc: true }, restoreKey: 'k', perTrace: { t: { collapsed: [1], selected: 2, spansKey: 's', view: { start: 0, end: 1 }, filter: '' } } });
});
