// The waterfall driven by the keyboard alone, in real headless Chromium in the panel's own page
// and CSP, on a 1 000-span 504 (test/waterfall/a11yScenario.ts): the page's focus goes to the
// spans, the Tab order, the trace table's roving focus and a trace switch that keeps its scroll
// and focus, the findings, the worst span, the keyboard help, the treegrid's attributes while the
// virtual list scrolls, the live region, and the narrow layout (screenshots in test-results/).
// Expected span indices follow from the scenario's pre-order: 0 stage, 1 Lambda, 2 function,
// 3 Initialization, 4 Invocation, then call k at 5 + 3k with its two steps, 998 SQS, 999 Overhead.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { PROTOCOL_VERSION } from '../../src/protocol';
import type { TraceReport } from '../../src/core/report';
import { buildWaterfall, buildWaterfallSnapshot } from '../../src/ui/waterfallSnapshot';
import { KEY_TABLE } from '../../webview/waterfall/keys';
import { report, span, trace } from '../builders/modelBuilder';
import type { Rect, WinLike } from '../waterfall/browserGlobals';
import { A11Y_TRACE_ID, CALLS, a11yScenario } from '../waterfall/a11yScenario';
import { closeHarness, launch, openWaterfall } from '../waterfall/pageHarness';

let browser: Browser;
before(async () => {
  mkdirSync('test-results', { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await closeHarness();
});

const SQS = 5 + 3 * CALLS; // 998
/**
 * The worst span (webview/waterfall/worstSpan.ts): the longest piece of work a finding names. The
 * throttled calls (100 ms each) beat SQS (40 ms); of them only call 299 (29 940 → 30 040 ms) ends
 * after the cut at 29 012, which breaks the tie.
 */
const WORST = 5 + 3 * 299; // 902
/** The throttled calls: k % 50 = 49 and not a remote call (k % 7 = 3): 49, 99, 149, 249, 299. */
const THROTTLED = [49, 99, 149, 249, 299].map((k) => 5 + 3 * k);

/** Other traces for the table: 19 requests of 28 s down to 10 s, all 200 OK. */
function otherReports(): TraceReport[] {
  return Array.from({ length: 19 }, (_, i) =>
    report({
      traceId: `1-6740b1c2-0000000000000000000000${String(i).padStart(2, '0')}`,
      totalMs: 28_000 - 1000 * i,
      entry: { kind: 'rest-api', name: 'orders-api/prod', method: 'GET', url: `https://api.example.com/prod/orders/${i}`, status: 200 },
    }),
  );
}

function model(withOthers = false): ReturnType<typeof buildWaterfall> {
  const s = a11yScenario();
  return buildWaterfall(s.trace, s.report, withOthers ? { others: otherReports() } : {});
}

/** What has the focus: a few facts about document.activeElement. */
async function focused(page: Page): Promise<{ tag: string; cls: string; id: string; traceId: string; sort: string }> {
  return page.evaluate(() => {
    const a = (globalThis as unknown as WinLike).document.activeElement as unknown as { tagName: string; className: string; id: string; dataset: Record<string, string | undefined> } | null;
    return { tag: a?.tagName ?? '', cls: a?.className ?? '', id: a?.id ?? '', traceId: a?.dataset['traceId'] ?? '', sort: a?.dataset['sort'] ?? '' };
  });
}

/** The selected span's index (from the one visible selected row), -1 for none. */
async function selected(page: Page): Promise<number> {
  const rows = page.locator('.tl-row.selected:not([hidden])');
  const n = await rows.count();
  assert.ok(n <= 1, `${n} rows selected`);
  return n === 0 ? -1 : Number(await rows.getAttribute('data-index'));
}

async function box(page: Page, selector: string): Promise<Rect> {
  return page.evaluate((s) => {
    const r = (globalThis as unknown as WinLike).document.querySelector(s)!.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height };
  }, selector);
}

/** Whether the element of `selector` is wholly inside the element of `container` on screen. */
async function inside(page: Page, selector: string, container: string): Promise<boolean> {
  const [a, b] = [await box(page, selector), await box(page, container)];
  return a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
}

async function live(page: Page): Promise<string> {
  return ((await page.locator('#tl-live').textContent()) ?? '').replace(/\u00a0$/, '');
}

test('a key on the bare page goes to the spans and moves at once; the page getting the focus selects the worst span', async () => {
  const { page } = await openWaterfall(browser, model());
  try {
    assert.equal((await focused(page)).tag, 'BODY');
    assert.equal(await live(page), `Trace ${A11Y_TRACE_ID}: 1000 spans, 3 findings`);
    assert.equal(await page.locator('[role="status"]').count(), 1, 'one live region');
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).id, 'tl-spans');
    assert.equal(await selected(page), 0, '↓ from nothing: the first row');
    await page.keyboard.press('ArrowDown');
    assert.equal(await selected(page), 1);
    assert.equal(await page.locator('#tl-spans').getAttribute('aria-activedescendant'), 'tl-span-1');
  } finally {
    await page.close();
  }
  const second = await openWaterfall(browser, model());
  try {
    const { page } = second;
    // What VS Code does when the panel is focused: the frame's window gets the focus, nothing in it has it.
    await page.evaluate(() => (globalThis as unknown as WinLike & { dispatchEvent(e: unknown): boolean; Event: new (t: string) => unknown }).dispatchEvent(new (globalThis as unknown as { Event: new (t: string) => unknown }).Event('focus')));
    assert.equal((await focused(page)).id, 'tl-spans');
    assert.equal(await selected(page), WORST, 'nothing was selected: the worst span (the throttled call 299)');
    assert.ok(await inside(page, `#tl-span-${WORST}`, '.tl-scroll'), 'and scrolled into view');
    assert.equal(await page.locator('#tl-spans').getAttribute('aria-activedescendant'), `tl-span-${WORST}`);
    await second.waitForDetails();
    assert.equal(await page.locator('.tl-detail-title').textContent(), 'DynamoDB');
    await page.keyboard.press('ArrowUp');
    assert.equal(await selected(page), WORST - 1);
  } finally {
    await second.page.close();
  }
});

test('Tab order: toolbar, then the trace table and the spans and the findings as one stop each, then the details', async () => {
  const { page } = await openWaterfall(browser, model(true));
  try {
    const regionOf = async (): Promise<string> =>
      page.evaluate(() => {
        const a = (globalThis as unknown as WinLike).document.activeElement as unknown as { closest(s: string): unknown; tagName: string } | null;
        if (!a || a.tagName === 'BODY') return 'body';
        for (const [sel, name] of [['.tl-toolbar', 'toolbar'], ['.tl-trace-table', 'traces'], ['.tl-scroll', 'spans'], ['.tl-finding-list', 'findings'], ['#tl-details', 'details']] as const) {
          if (a.closest(sel)) return name;
        }
        return 'other';
      });
    const stops: string[] = [];
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const r = await regionOf();
      if (r === 'body' || (r === 'toolbar' && stops.length > 0 && stops.at(-1) !== 'toolbar')) break;
      stops.push(r);
    }
    const count = (r: string): number => stops.filter((x) => x === r).length;
    const order = stops.filter((r, i) => i === 0 || stops[i - 1] !== r);
    assert.deepEqual(order, ['toolbar', 'traces', 'spans', 'findings', 'details'], stops.join(' '));
    // The filter and seven buttons (−, +, Fit, Worst span, Copy JSON, Copy report, ?).
    assert.equal(count('toolbar'), 8);
    assert.equal(count('traces'), 1, 'the trace table is one tab stop');
    assert.equal(count('spans'), 1);
    assert.equal(count('findings'), 1, 'the findings are one tab stop');
    // Shift+Tab walks back: from the details to the findings, the spans, the table.
    await page.locator('#tl-details').focus();
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).cls, 'tl-finding-toggle');
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).id, 'tl-spans');
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).traceId, A11Y_TRACE_ID, 'the table’s stop is the trace shown');
  } finally {
    await page.close();
  }
});

test('trace table: one roving stop over rows and sort headers; a trace chosen by Enter keeps the table’s scroll and focus through the new snapshot', async () => {
  const others = otherReports();
  const { page, posted } = await openWaterfall(browser, model(true), { height: 820 });
  try {
    const stopsInTable = (): Promise<number> => page.locator('.tl-trace-table [tabindex="0"]').count();
    await page.keyboard.press('t');
    // Sorted by total, slowest first: the 504 (29 012 ms) and then the others, 28 s down to 10 s.
    assert.equal((await focused(page)).traceId, A11Y_TRACE_ID);
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).traceId, others[0]!.traceId);
    assert.equal(await stopsInTable(), 1);
    await page.keyboard.press('End');
    assert.equal((await focused(page)).traceId, others[18]!.traceId);
    assert.ok(await inside(page, '.tl-trace-row:focus', '.tl-traces'), 'the last row scrolled into the table’s view');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const chosen = others[16]!;
    assert.equal((await focused(page)).traceId, chosen.traceId);
    const scroll = await page.evaluate(() => (globalThis as unknown as WinLike).document.querySelector('.tl-traces')!.scrollTop);
    assert.ok(scroll > 0, 'the table is scrolled');
    await page.keyboard.press('Enter');
    assert.deepEqual((await posted()).at(-1), { type: 'selectTrace', v: PROTOCOL_VERSION, traceId: chosen.traceId });

    // The host answers with the chosen trace's snapshot, listing the same traces.
    const t = trace([span({ name: 'orders-api/prod', kind: 'front-door', start: 0, end: chosen.totalMs })], chosen.traceId);
    const next = buildWaterfallSnapshot(t, chosen, { others: [a11yScenario().report, ...others] });
    await page.evaluate((m) => (globalThis as unknown as WinLike).postMessage(m, '*'), { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: next });
    await page.waitForSelector(`.tl-trace-row[data-trace-id="${chosen.traceId}"][aria-selected="true"]`);
    assert.equal((await focused(page)).traceId, chosen.traceId, 'the focus is on the chosen row of the new table');
    assert.equal(await stopsInTable(), 1);
    assert.equal(await page.locator(`.tl-trace-row[data-trace-id="${chosen.traceId}"]`).getAttribute('tabindex'), '0');
    const after = await page.evaluate(() => (globalThis as unknown as WinLike).document.querySelector('.tl-traces')!.scrollTop);
    assert.ok(Math.abs(after - scroll) <= 1, `the table kept its scroll position (${after} vs ${scroll})`);
    assert.equal(await live(page), `Trace ${chosen.traceId}: 1 span, no findings`);
    // Persisted too: a panel whose page is reloaded (hidden and shown again) draws the table scrolled there.
    const state = (await page.evaluate(() => (globalThis as unknown as WinLike)['__state'])) as { traceTableScroll?: number };
    assert.ok(Math.abs((state.traceTableScroll ?? -1) - scroll) <= 1, `persisted ${state.traceTableScroll}`);
    const reloaded = await openWaterfall(browser, next, { height: 820, state });
    try {
      const top = await reloaded.page.evaluate(() => (globalThis as unknown as WinLike).document.querySelector('.tl-traces')!.scrollTop);
      assert.ok(Math.abs(top - scroll) <= 1, `restored ${top} vs ${scroll}`);
    } finally {
      await reloaded.page.close();
    }

    // Up from the first row: the sort header of the column sorted by; ← → between headers; Enter sorts.
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowUp');
    assert.equal((await focused(page)).sort, 'total');
    await page.keyboard.press('ArrowRight');
    assert.equal((await focused(page)).sort, 'coldStart');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await focused(page)).sort, 'status');
    assert.equal(await page.locator('th:has(.tl-sort[data-sort="total"])').getAttribute('aria-sort'), 'descending');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('th:has(.tl-sort[data-sort="status"])').getAttribute('aria-sort'), 'descending');
    assert.equal(await page.locator('th:has(.tl-sort[data-sort="total"])').getAttribute('aria-sort'), 'none');
    assert.equal((await focused(page)).sort, 'status', 'the focus stays on the header through the redraw');
    // By status, gravest first: the 504 timeout, then the 200s by total.
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).traceId, A11Y_TRACE_ID);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press(' ');
    assert.deepEqual((await posted()).at(-1), { type: 'selectTrace', v: PROTOCOL_VERSION, traceId: others[0]!.traceId }, 'Space opens too');
  } finally {
    await page.close();
  }
});

test('findings by keyboard: one stop, arrows move, Enter shows one (its first span and the details scrolled into view), Escape back to the spans', async () => {
  const { page, posted, waitForDetails } = await openWaterfall(browser, model(), { height: 560 });
  try {
    await page.keyboard.press('f');
    assert.equal((await focused(page)).id, 'tl-finding-0');
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).id, 'tl-finding-1');
    await page.keyboard.press('End');
    assert.equal((await focused(page)).id, 'tl-finding-2');
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused(page)).id, 'tl-finding-2', 'no wrap');
    assert.equal(await page.locator('.tl-finding-toggle[tabindex="0"]').count(), 1);
    // Before: the first throttled call is far below the rows on screen and nothing is selected.
    assert.equal(await selected(page), -1);
    assert.equal(await page.locator(`#tl-span-${THROTTLED[0]}`).count(), 0, 'not drawn yet');
    const details0 = await box(page, '#tl-details');
    const side0 = await box(page, '.tl-side');
    assert.ok(details0.top >= side0.bottom, `the details pane starts below the side pane’s view (${details0.top} vs ${side0.bottom})`);

    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#tl-finding-2').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('.tl-finding.active').getAttribute('data-index'), '2');
    assert.equal((await focused(page)).id, 'tl-finding-2', 'the focus stays on the finding');
    assert.equal(await selected(page), THROTTLED[0], 'its first span is selected');
    assert.ok(await inside(page, `#tl-span-${THROTTLED[0]}`, '.tl-scroll'), 'and scrolled into view');
    const highlighted = await page.locator('.tl-row.highlight:not([hidden])').evaluateAll((rows) => rows.map((r) => Number((r as unknown as { dataset: Record<string, string> }).dataset['index'])));
    assert.ok(highlighted.length >= 1 && highlighted.every((i) => THROTTLED.includes(i)), JSON.stringify(highlighted));
    const details = await box(page, '#tl-details');
    const side = await box(page, '.tl-side');
    assert.ok(details.top < side.bottom && details.bottom > side.top, 'the details pane scrolled into the side pane’s view');
    await waitForDetails();
    assert.equal(await page.locator('.tl-detail-title').textContent(), 'DynamoDB');
    assert.equal(await live(page), 'Finding 3 of 3: DynamoDB throttled 5 calls; 5 spans highlighted');
    assert.deepEqual((await posted()).at(-1), { type: 'revealFinding', v: PROTOCOL_VERSION, traceId: A11Y_TRACE_ID, findingId: 'throttled-downstream', index: 2 });
    assert.match((await page.locator(`#tl-span-${THROTTLED[0]}`).getAttribute('aria-label')) ?? '', /throttled \(429\), in the finding shown$/);

    await page.keyboard.press(' ');
    assert.equal(await page.locator('#tl-finding-2').getAttribute('aria-pressed'), 'false');
    assert.equal(await page.locator('.tl-row.highlight').count(), 0);
    assert.equal(await live(page), 'Finding cleared: no spans highlighted');
    await page.keyboard.press('Escape');
    assert.equal((await focused(page)).id, 'tl-spans');
    assert.equal(await selected(page), THROTTLED[0], 'the selection stays');
  } finally {
    await page.close();
  }
});

test('w selects the worst span from anywhere; ? opens the keyboard help written from the key table, Escape closes it', async () => {
  const { page } = await openWaterfall(browser, model(true));
  try {
    await page.keyboard.press('t');
    await page.keyboard.press('w');
    assert.equal((await focused(page)).id, 'tl-spans');
    assert.equal(await selected(page), WORST);
    // Call 299: 29 940 → 30 040 ms is 100 ms; 100 / 29 000 = 0.34 % → "0.3 %"; it starts after the
    // cut (29 012 ms); throttled.
    assert.equal(await page.locator(`#tl-span-${WORST}`).getAttribute('aria-label'), 'DynamoDB GetItem, items, 100 ms, 0.3 % of budget, after the cut, throttled (429)');
    await page.keyboard.press('End');
    // SQS: 33 145 → 33 185 ms is 40 ms; 40 / 29 000 = 0.14 % → "0.1 %"; it starts after the cut.
    assert.equal(await page.locator(`#tl-span-${SQS}`).getAttribute('aria-label'), 'SQS SendMessage, 40 ms, 0.1 % of budget, after the cut');
    await page.keyboard.press('Home');
    assert.equal(await selected(page), 0);

    await page.keyboard.press('?');
    await page.waitForSelector('dialog.tl-help[open]');
    assert.equal((await focused(page)).cls, 'tl-button tl-help-close');
    assert.equal(await page.locator('.tl-toolbar button[data-action="toggleHelp"]').getAttribute('aria-expanded'), 'true');
    const text = (await page.locator('dialog.tl-help').textContent()) ?? '';
    for (const b of KEY_TABLE) assert.ok(text.includes(b.help), `the help says "${b.help}"`);
    assert.ok(text.includes('Shift+C') && text.includes('hatched'), 'keys as people write them, and the legend of marks');
    await page.screenshot({ path: 'test-results/waterfall-keyboard-help.png' });
    await page.keyboard.press('w');
    assert.equal(await selected(page), 0, 'keys of the page wait while the help is open');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('dialog.tl-help[open]').count(), 0);
    assert.equal((await focused(page)).id, 'tl-spans', 'the focus is back where it was');
    assert.equal(await page.locator('.tl-toolbar button[data-action="toggleHelp"]').getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('?');
    await page.keyboard.press('?');
    assert.equal(await page.locator('dialog.tl-help[open]').count(), 0, '? closes it too');
    // The toolbar's buttons do what their keys do, and say which key.
    assert.equal(await page.locator('.tl-toolbar button[data-action="worstSpan"]').getAttribute('title'), 'Select the worst span (w)');
  } finally {
    await page.close();
  }
});

test('treegrid: row count and indices, levels and expansion; aria-activedescendant only ever names a row on the page', async () => {
  const { page } = await openWaterfall(browser, model(), { height: 700 });
  try {
    const grid = page.locator('#tl-spans');
    assert.equal(await grid.getAttribute('role'), 'treegrid');
    assert.equal(await grid.getAttribute('aria-rowcount'), '1000');
    await page.keyboard.press('Home');
    assert.equal(await grid.getAttribute('aria-activedescendant'), 'tl-span-0');
    assert.equal(await page.locator('#tl-span-0').getAttribute('aria-selected'), 'true');
    // Nothing collapsed: row r shows span r. Levels: the stage 1, a call 5, a step 6.
    const rows = await page.locator('.tl-row:not([hidden])').evaluateAll((els) =>
      els.map((e) => {
        const g = (n: string): string => (e as unknown as { getAttribute(n: string): string }).getAttribute(n);
        return { index: Number(g('data-index')), row: Number(g('aria-rowindex')), level: g('aria-level'), expanded: g('aria-expanded'), role: g('role'), id: g('id') };
      }),
    );
    for (const r of rows) {
      assert.equal(r.row, r.index + 1);
      assert.equal(r.role, 'row');
      assert.equal(r.id, `tl-span-${r.index}`);
    }
    const at = (i: number): (typeof rows)[number] | undefined => rows.find((r) => r.index === i);
    assert.deepEqual([at(0)?.level, at(5)?.level, at(6)?.level], ['1', '5', '6']);
    assert.deepEqual([at(5)?.expanded, at(6)?.expanded], ['true', null], 'a leaf has no aria-expanded');
    assert.equal(await page.locator('#tl-span-0 [role="gridcell"]').count(), 2);

    // Scrolled far away from the selected row, the id would name nothing: it is dropped, then back.
    const scrollTo = (y: number): Promise<void> =>
      page.evaluate((y) => {
        (globalThis as unknown as WinLike).document.querySelector('.tl-scroll')!.scrollTop = y;
      }, y);
    await scrollTo(15_000);
    await page.waitForFunction(() => !(globalThis as unknown as WinLike).document.querySelector('#tl-spans')!.getAttribute('aria-activedescendant'));
    assert.equal(await page.locator('#tl-span-0').count(), 0);
    await scrollTo(0);
    await page.waitForFunction(() => (globalThis as unknown as WinLike).document.querySelector('#tl-spans')!.getAttribute('aria-activedescendant') === 'tl-span-0');

    // Collapse Invocation (span 4, 993 spans under it): 7 rows; Overhead (span 999) is row 7.
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await selected(page), 4);
    await page.keyboard.press('Enter');
    assert.equal(await grid.getAttribute('aria-rowcount'), '7');
    assert.equal(await page.locator('#tl-span-4').getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('#tl-span-999').getAttribute('aria-rowindex'), '7');
  } finally {
    await page.close();
  }
});

test('narrow panel: the findings and details go below the waterfall, side by side, nothing cut or overlapping; one column when narrower still', async () => {
  for (const [width, name, sideBySide] of [
    [650, 'waterfall-narrow', true],
    [480, 'waterfall-narrower', false],
  ] as const) {
    const { page, waitForDetails } = await openWaterfall(browser, model(true), { width, height: 800, theme: 'dark' });
    try {
      await page.locator('.tl-finding-toggle').nth(1).click();
      await waitForDetails();
      const wf = await box(page, '.tl-waterfall');
      const side = await box(page, '.tl-side');
      assert.ok(side.top >= wf.bottom - 1, `${name}: the side pane is below the waterfall`);
      assert.ok(wf.height >= 100, `${name}: the waterfall keeps room for rows (${wf.height} px)`);
      const findings = await box(page, '#tl-findings');
      const details = await box(page, '#tl-details');
      if (sideBySide) {
        assert.ok(details.left >= findings.right - 1, `${name}: details beside the findings`);
        assert.ok(findings.width >= 240 && details.width >= 240, `${name}: columns of ${findings.width} and ${details.width} px`);
      } else {
        assert.ok(details.top >= findings.bottom - 1, `${name}: details below the findings`);
      }
      // Nothing wider than its box: the page, the side pane's columns, each finding's title and each detail value.
      const overflow = await page.evaluate(() => {
        const d = (globalThis as unknown as WinLike).document;
        const wide = (e: unknown): boolean => {
          const x = e as { scrollWidth: number; clientWidth: number };
          return x.scrollWidth > x.clientWidth + 1;
        };
        const out: string[] = [];
        if (wide(d.documentElement)) out.push('page');
        for (const sel of ['#tl-findings', '#tl-details', '.tl-finding', '.tl-finding-toggle', '.tl-kv dd', '.tl-toolbar']) {
          for (const e of Array.from(d.querySelectorAll(sel))) if (wide(e)) out.push(sel);
        }
        return out;
      });
      assert.deepEqual(overflow, [], `${name}: overflowing boxes`);
      await page.screenshot({ path: `test-results/${name}.png` });
    } finally {
      await page.close();
    }
  }
});
