// The waterfall's keyboard and screen-reader parts without a DOM: the key table's scopes and
// how keys are written, the worst span's rule, the roving moves of the trace table and the
// findings, the accessible names and the live region's words. Expected strings are worked out by
// hand from the scenarios' numbers (written next to each), not copied from the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanFlag } from '../../../src/protocol';
import type { Finding, TraceListItem } from '../../../src/protocol';
import { buildWaterfallSnapshot } from '../../../src/ui/waterfallSnapshot';
import { findingAnnouncement, findingName, flagWords, loadAnnouncement, spanAccessibleName, traceRowName } from '../../../webview/waterfall/accessibleNames';
import type { SpanNameInput } from '../../../webview/waterfall/accessibleNames';
import { KEY_TABLE, SCOPE_TITLES, actionFor, actionOfEvent, ariaKeys, keyHelpSections, keyLabel, titleWithKey } from '../../../webview/waterfall/keys';
import { PAN_STEP, SORT_COLUMNS, moveInLine, moveInTable, viewAfter } from '../../../webview/waterfall/navigation';
import { flagMarks } from '../../../webview/waterfall/rowLayout';
import { SpanTable } from '../../../webview/waterfall/spans';

import { restoredState } from '../../../webview/waterfall/uiState';
import { worstSpan } from '../../../webview/waterfall/worstSpan';
import { coldStartScenario, finding, report, span, timeoutScenario, trace } from '../../builders/modelBuilder';
import { indexOf } from '../../waterfall/snapshotView';
import { CALL0, CALLS, CUT_MS, a11yScenario } from '../../waterfall/a11yScenario';

test('key table: every action has one binding, every scope a heading; the help lists each binding once', () => {
  const actions = KEY_TABLE.map((b) => b.action);
  assert.equal(new Set(actions).size, actions.length, 'an action is bound in one place');
  const scopes = new Set(SCOPE_TITLES.map(([s]) => s));
  for (const b of KEY_TABLE) assert.ok(scopes.has(b.scope), `${b.scope} has a heading in the help`);
  const sections = keyHelpSections();
  assert.equal(sections.reduce((n, s) => n + s.lines.length, 0), KEY_TABLE.length);
  const list = sections.find((s) => s.scope === 'list')!;
  assert.deepEqual(list.lines.find((l) => l.help === 'Collapse or expand')?.keys, ['Enter', 'Space']);
  // The same key means different things in different parts of the page, and one thing in each.
  assert.equal(actionFor('list', 'ArrowDown'), 'next');
  assert.equal(actionFor('traces', 'ArrowDown'), 'traceNext');
  assert.equal(actionFor('findings', 'ArrowDown'), 'findingNext');
  assert.equal(actionFor('findings', 'Escape'), 'findingsToSpans');
  assert.equal(actionFor('filter', 'Escape'), 'clearFilter');
  assert.equal(actionFor('help', 'Escape'), 'closeHelp');
  assert.equal(actionFor('page', 'w'), 'worstSpan');
  assert.equal(actionFor('page', '?'), 'toggleHelp');
  assert.equal(actionFor('list', 'w'), undefined, 'page keys are not list keys: the page takes what the list leaves');
});

test('keys with Ctrl, Alt or ⌘ are not ours; Shift is part of the key', () => {
  const press = (key: string, mods: Partial<{ ctrlKey: boolean; altKey: boolean; metaKey: boolean }> = {}): ReturnType<typeof actionOfEvent> =>
    actionOfEvent('page', { key, ctrlKey: false, altKey: false, metaKey: false, ...mods });
  assert.equal(press('c'), 'copyReport');
  assert.equal(press('C'), 'copyJson');
  assert.equal(press('c', { ctrlKey: true }), undefined, 'Ctrl+C copies the selected text');
  assert.equal(press('c', { metaKey: true }), undefined);
  assert.equal(press('w', { altKey: true }), undefined);
  assert.equal(keyLabel('C'), 'Shift+C');
  assert.equal(keyLabel(' '), 'Space');
  assert.equal(keyLabel('PageDown'), 'Page Down');
  assert.equal(keyLabel('w'), 'w');
  assert.equal(titleWithKey('worstSpan'), 'Select the worst span (w)');
  assert.equal(titleWithKey('copyJson'), 'Copy the trace as JSON (Shift+C)');
  assert.equal(titleWithKey('toggleHelp'), 'Keyboard help (?)');
  assert.equal(ariaKeys('copyJson'), 'Shift+C');
  assert.equal(ariaKeys('toggle'), 'Enter Space');
  assert.equal(ariaKeys('zoomIn'), '+ =');
});

test('pan keys move the view a quarter of its width, within the trace', () => {
  const d = { startMs: 0, endMs: 1000 };
  const half = { start: 0.25, end: 0.75 };
  const right = viewAfter('panRight', half, d, null)!;
  assert.equal(PAN_STEP, 0.25);
  // A quarter of the width (0.5) is 0.125.
  assert.ok(Math.abs(right.start - 0.375) < 1e-12 && Math.abs(right.end - 0.875) < 1e-12);
  const left = viewAfter('panLeft', { start: 0.05, end: 0.55 }, d, null)!;
  assert.ok(Math.abs(left.start) < 1e-12 && Math.abs(left.end - 0.5) < 1e-12, 'stops at the trace start');
});

test('roving moves: a line stops at its ends; the table goes up from its first row into the sort headers and back', () => {
  assert.equal(moveInLine('next', -1, 3), 0, 'from nothing: the first');
  assert.equal(moveInLine('previous', -1, 3), 0);
  assert.equal(moveInLine('next', 2, 3), 2, 'no wrap at the end');
  assert.equal(moveInLine('previous', 0, 3), 0, 'no wrap at the start');
  assert.equal(moveInLine('last', 0, 3), 2);
  assert.equal(moveInLine('first', 2, 3), 0);
  assert.equal(moveInLine('next', 0, 0), -1, 'nothing in an empty list');

  assert.deepEqual(SORT_COLUMNS, ['status', 'total', 'coldStart']);
  const total = 1; // the column sorted by
  assert.deepEqual(moveInTable('traceNext', { row: 0 }, 5, total), { row: 1 });
  assert.deepEqual(moveInTable('traceNext', { row: 4 }, 5, total), { row: 4 });
  assert.deepEqual(moveInTable('tracePrevious', { row: 3 }, 5, total), { row: 2 });
  assert.deepEqual(moveInTable('tracePrevious', { row: 0 }, 5, total), { header: 1 }, '↑ from the first row: the header sorted by');
  assert.deepEqual(moveInTable('traceLast', { row: 1 }, 5, total), { row: 4 });
  assert.deepEqual(moveInTable('traceFirst', { row: 3 }, 5, total), { row: 0 });
  assert.equal(moveInTable('sortNext', { row: 2 }, 5, total), null, '← → do nothing on a row');
  assert.deepEqual(moveInTable('sortNext', { header: 1 }, 5, total), { header: 2 });
  assert.deepEqual(moveInTable('sortNext', { header: 2 }, 5, total), { header: 2 });
  assert.deepEqual(moveInTable('sortPrevious', { header: 1 }, 5, total), { header: 0 });
  assert.deepEqual(moveInTable('traceNext', { header: 2 }, 5, total), { row: 0 }, '↓ from a header: the first row');
  assert.equal(moveInTable('traceNext', { header: 0 }, 0, total), null);
  assert.deepEqual(moveInTable('traceLast', { header: 0 }, 5, total), { header: 2 });
  assert.equal(moveInTable('openTrace', { row: 1 }, 5, total), null, 'opening is not a move');
});

test('worst span: the longest piece of work a finding names, not the span that holds it', () => {
  const { trace: t, report: r } = timeoutScenario();
  const snap = buildWaterfallSnapshot(t, r);
  const spans = new SpanTable(snap.spans);
  const worst = (findings: Finding[], cut: number | null = r.cutAtMs): number => {
    const s = buildWaterfallSnapshot(t, { ...r, findings });
    return worstSpan(spans, s.findingSpans, cut, snap.endMs);
  };
  const [timeout504, afterCut, slow] = r.findings as [Finding, Finding, Finding];
  const dynamo = indexOf(snap, 'DynamoDB');
  assert.equal(spans.style(dynamo).kind, 'downstream', 'the DynamoDB call, not its inferred table segment');
  // integration-timeout names the stage (a root); work-after-cut the function segment (it holds
  // the Invocation) and SQS (30 350 → 33 400: 3 050 ms); slow-downstream the DynamoDB Query
  // (60 → 18 060: 18 000 ms, its only child the inferred table segment). The longest piece: DynamoDB.
  assert.equal(worstSpan(spans, snap.findingSpans, r.cutAtMs, snap.endMs), dynamo);
  assert.equal(worst([afterCut]), indexOf(snap, 'SQS'), 'the only piece work-after-cut names');
  assert.equal(worst([slow]), dynamo);
  // Named pieces only: the partner call (18 100 → 30 300: 12 200 ms) beats SQS, DynamoDB is not named.
  const calls = (ids: string[]): Finding[] => [finding({ id: 'sequential-calls', title: 'calls', spanIds: ids })];
  assert.equal(worst(calls(['a000000000000008', 'a000000000000007'])), indexOf(snap, 'api.partner.example'));
  // A finding naming only the function segment and the inferred segment names no piece: then the
  // longest piece of all — DynamoDB 18 000, partner 12 200, SQS 3 050, Overhead 40 — not the
  // Lambda service segment (33 492 ms) or the gateway's Lambda call (29 004 ms), which hold the rest.
  assert.equal(worst(calls(['a000000000000004', 'a00000000000000a'])), dynamo);
  assert.equal(worst([timeout504]), dynamo);
  assert.equal(worst([]), dynamo);
  assert.equal(worst([], null), dynamo);
});

test('worst span: a call with steps of its own is one piece; the throttled call that ran past the cut', () => {
  const { trace: t, report: r } = a11yScenario();
  const snap = buildWaterfallSnapshot(t, r);
  const spans = new SpanTable(snap.spans);
  // Pre-order: 0 stage, 1 Lambda, 2 function, 3 Initialization, 4 Invocation, call k at 5 + 3k
  // (its two steps after it), then SQS and Overhead. The findings name the stage, the function
  // and SQS (40 ms), and the throttled calls k = 49, 99, 149, 249, 299 (100 ms each; 199 is a
  // remote call). Call k runs from CALL0 + 100 k: only call 299 (29 940 → 30 040) ends after
  // the cut at 29 012, so it wins the tie between the five 100 ms calls.
  assert.equal(CALLS, 331);
  assert.ok(CALL0 + 100 * 249 + 100 <= CUT_MS && CALL0 + 100 * 299 + 100 > CUT_MS);
  assert.equal(worstSpan(spans, snap.findingSpans, r.cutAtMs, snap.endMs), 5 + 3 * 299);
});

test('worst span: equal lengths go to the one that ends after the cut, then to the first', () => {
  const t = trace(
    [
      span({
        name: 'root',
        kind: 'function',
        start: 0,
        end: 1000,
        children: [
          { name: 'E', start: 0, end: 400 },
          { name: 'L', start: 500, end: 900 },
          { name: 'M', start: 100, end: 500 },
        ],
      }),
    ],
    '1-00000000-00000000000000000000a004',
  );
  const snap = buildWaterfallSnapshot(t, report({ traceId: t.traceId, totalMs: 1000, budgetMs: null }));
  const spans = new SpanTable(snap.spans);
  // All three last 400 ms. With the cut at 800 only L (ends 900) runs past it.
  assert.equal(worstSpan(spans, [], 800, snap.endMs), indexOf(snap, 'L'));
  // Without a cut: the first in the waterfall.
  assert.equal(worstSpan(spans, [], null, snap.endMs), Math.min(indexOf(snap, 'E'), indexOf(snap, 'L'), indexOf(snap, 'M')));
});

test('worst span without findings or cut: the longest span below a root, a span in progress to the trace end', () => {
  const t = trace(
    [
      span({
        name: 'root',
        kind: 'function',
        start: 0,
        end: 1000,
        children: [
          { name: 'A', start: 0, end: 300, children: [{ name: 'C', start: 10, end: 860 }] },
          { name: 'B', start: 100, end: 900 },
        ],
      }),
    ],
    '1-00000000-00000000000000000000a001',
  );
  const snap = buildWaterfallSnapshot(t, report({ traceId: t.traceId, totalMs: 1000, budgetMs: null }));
  const spans = new SpanTable(snap.spans);
  // C 850 ms beats B 800 ms and A 300 ms; the root (1 000 ms) does not count.
  assert.equal(worstSpan(spans, [], null, snap.endMs), indexOf(snap, 'C'));
  // A finding naming only the root changes nothing; indices out of range are ignored.
  assert.equal(worstSpan(spans, [[0, 99, -1]], null, snap.endMs), indexOf(snap, 'C'));

  const live = trace(
    [span({ name: 'root', start: 0, end: 1000, children: [{ name: 'B', start: 100, end: 900 }, { name: 'P', start: 50, end: null }] })],
    '1-00000000-00000000000000000000a002',
  );
  const liveSnap = buildWaterfallSnapshot(live, report({ traceId: live.traceId, totalMs: 1000, budgetMs: null }));
  // P is in progress: it counts to the trace end, 1 000 ms, so 950 ms beats B's 800 ms.
  assert.equal(worstSpan(new SpanTable(liveSnap.spans), [], null, liveSnap.endMs), indexOf(liveSnap, 'P'));

  const lone = trace([span({ name: 'only', start: 0, end: 5 })], '1-00000000-00000000000000000000a003');
  const loneSnap = buildWaterfallSnapshot(lone, report({ traceId: lone.traceId, totalMs: 5 }));
  assert.equal(worstSpan(new SpanTable(loneSnap.spans), [], null, loneSnap.endMs), 0, 'a lone root is the worst there is');
  const empty = new SpanTable({ count: 0, strings: [''], styles: [], depth: [], name: [], style: [], startMs: [], endMs: [], sub: [], search: [] });
  assert.equal(worstSpan(empty, [], null, 0), -1);
});

test('a span row is named by what its bar draws: duration, share of the budget, the part after the cut, flags', () => {
  const base: SpanNameInput = { name: '', sub: '', kind: 'downstream', flags: 0, startMs: 0, endMs: 0, budgetMs: 29_000, cutAtMs: 29_012, highlighted: false };
  // 18 000 ms: "18.0 s"; 18 000 / 29 000 = 62.1 %, rounded from 10 % up: "62 %". Ends before the cut.
  assert.equal(spanAccessibleName({ ...base, name: 'DynamoDB', sub: 'Query · orders', startMs: 60, endMs: 18_060 }), 'DynamoDB Query, orders, 18.0 s, 62 % of budget');
  // 3 050 ms: "3.05 s"; 10.5 % → "11 %"; starts at 30 350, after the cut at 29 012: all of it after.
  assert.equal(spanAccessibleName({ ...base, name: 'SQS', sub: 'SendMessage', startMs: 30_350, endMs: 33_400 }), 'SQS SendMessage, 3.05 s, 11 % of budget, after the cut');
  // 33 470 ms: "33.5 s"; 115.4 % → "115 %"; runs across the cut: 33 490 − 29 012 = 4 478 ms, "4.48 s".
  assert.equal(
    spanAccessibleName({ ...base, name: 'orders-report', sub: 'Lambda::Function', kind: 'function', startMs: 20, endMs: 33_490 }),
    'orders-report Lambda::Function, 33.5 s, 115 % of budget, 4.48 s of it after the cut',
  );
  // The example: 34 200 ms of a 29 000 ms budget is 117.9 % → "118 %"; cut at 29 000: 5 200 ms after.
  assert.equal(
    spanAccessibleName({ ...base, name: 'DynamoDB', sub: 'GetItem', startMs: 0, endMs: 34_200, cutAtMs: 29_000 }),
    'DynamoDB GetItem, 34.2 s, 118 % of budget, 5.20 s of it after the cut',
  );
  // The stage: 29 012 ms is "29.0 s" and 100.04 % → "100 %"; it ends at the cut, not after it; a 5xx.
  assert.equal(
    spanAccessibleName({ ...base, name: 'orders-api/prod', sub: 'ApiGateway::Stage', kind: 'front-door', flags: SpanFlag.fault, startMs: 0, endMs: 29_012 }),
    'orders-api/prod ApiGateway::Stage, 29.0 s, 100 % of budget, 5xx fault',
  );
  // 390 ms without a budget or a cut: no share; throttled; a downstream error is a 4xx.
  assert.equal(
    spanAccessibleName({ ...base, name: 'S3', budgetMs: null, cutAtMs: null, flags: SpanFlag.throttle | SpanFlag.error, startMs: 10, endMs: 400 }),
    'S3, 390 ms, throttled (429), 4xx error',
  );
  // 7 ms of 29 000 is 0.02 %: below 0.1 % the share is left out.
  assert.equal(spanAccessibleName({ ...base, name: 'marshal', startMs: 1, endMs: 8, highlighted: true }), 'marshal, 7.0 ms, in the finding shown');
  assert.equal(spanAccessibleName({ ...base, name: 'worker', sub: 'Lambda::Function', kind: 'function', flags: SpanFlag.inProgress | SpanFlag.error, startMs: 0, endMs: null }), 'worker Lambda::Function, in progress, error (the function threw)');
  assert.deepEqual(flagWords(SpanFlag.fault | SpanFlag.throttle, 'downstream'), ['5xx fault', 'throttled (429)']);
});

test('trace rows, findings and the live region in words', () => {
  const item: TraceListItem = { traceId: 't1', entryName: 'orders-api/prod', method: 'POST', url: 'https://api.example.com/prod/reports', status: 504, verdict: 'timeout', totalMs: 29_012, budgetMs: 29_000, coldStartMs: 0 };
  assert.equal(traceRowName(item), '504 timeout, POST https://api.example.com/prod/reports, total 29.0 s, no cold start');
  assert.equal(
    traceRowName({ traceId: 't2', entryName: 'worker', status: null, verdict: 'ok', totalMs: 1_520, budgetMs: null, coldStartMs: 850 }),
    'ok, worker, total 1.52 s, cold start 850 ms',
  );
  assert.equal(findingName({ severity: 'high', title: 'The client got a 504' }), 'high severity: The client got a 504');
  assert.equal(loadAnnouncement('1-abc', 148, 3), 'Trace 1-abc: 148 spans, 3 findings');
  assert.equal(loadAnnouncement('1-abc', 1, 1), 'Trace 1-abc: 1 span, 1 finding');
  assert.equal(loadAnnouncement('1-abc', 10, 0), 'Trace 1-abc: 10 spans, no findings');
  assert.equal(findingAnnouncement({ title: 'Throttled' }, 1, 3, 2), 'Finding 2 of 3: Throttled; 2 spans highlighted');
  assert.equal(findingAnnouncement({ title: 'Throttled' }, 0, 1, 1), 'Finding 1 of 1: Throttled; 1 span highlighted');
  assert.equal(findingAnnouncement({ title: 'Lost' }, 2, 3, 0), 'Finding 3 of 3: Lost; no spans in this trace');
  assert.equal(findingAnnouncement(null, 2, 3, 0), 'Finding cleared: no spans highlighted');
});

test('the legend names each badge the rows can show, once, gravest first', () => {
  const marks = flagMarks([
    { flags: 0, kind: 'custom' },
    { flags: SpanFlag.inProgress, kind: 'function' },
    { flags: SpanFlag.error, kind: 'function' },
    { flags: SpanFlag.error, kind: 'downstream' },
    { flags: SpanFlag.throttle, kind: 'downstream' },
    { flags: SpanFlag.fault | SpanFlag.error, kind: 'function' },
    { flags: SpanFlag.fault, kind: 'front-door' },
  ]);
  assert.deepEqual(marks.map((m) => m.text), ['5xx', '429', '4xx', 'error', '…']);
  assert.deepEqual(marks.map((m) => m.meaning), ['fault (5xx)', 'throttled (429)', 'client error (4xx)', 'the function threw', 'in progress']);
  const cold = buildWaterfallSnapshot(coldStartScenario().trace, coldStartScenario().report);
  assert.deepEqual(flagMarks(cold.spans.styles), [], 'a clean trace: no badges to explain');
});

test('the trace table scroll position persists, checked on restore', () => {
  const base = { v: 2, traceId: 't', sort: { key: 'total', desc: true }, perTrace: {} };
  assert.equal(restoredState({ ...base, traceTableScroll: 120 })?.traceTableScroll, 120);
  assert.equal(restoredState({ ...base, traceTableScroll: -5 })?.traceTableScroll, undefined);
  assert.equal(restoredState({ ...base, traceTableScroll: '120' })?.traceTableScroll, undefined);
  assert.equal(restoredState(base)?.traceTableScroll, undefined);
});
