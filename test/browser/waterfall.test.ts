// The waterfall webview in real headless Chromium, in the panel's own page and CSP: rows, the
// budget line and cut marker at the right pixels, collapse, keyboard, findings → highlight,
// details → open source, the trace list, themes, persisted UI state, virtualization at 100 000
// spans, and screenshots in test-results/ (look at them).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { PROTOCOL_VERSION } from '../../src/protocol';
import type { RequestDetailsMessage, WaterfallSnapshot } from '../../src/protocol';
import { buildWaterfall, buildWaterfallSnapshot, detailsReply } from '../../src/ui/waterfallSnapshot';
import { traceDomain, viewedPosition, FULL_VIEW } from '../../webview/waterfall/scale';
import type { ElLike, WinLike } from '../waterfall/browserGlobals';
import { applyTheme, closeHarness, launch, openWaterfall, themeVariables } from '../waterfall/pageHarness';
import { bigScenario, coldStartScenario, span, timeoutScenario, trace, report } from '../builders/modelBuilder';
import { names, table } from '../waterfall/snapshotView';

let browser: Browser;
before(async () => {
  mkdirSync('test-results', { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await closeHarness();
});

function timeoutModel(): ReturnType<typeof buildWaterfall> {
  const a = timeoutScenario();
  return buildWaterfall(a.trace, a.report, { others: [coldStartScenario().report] });
}

function timeoutSnapshot(): WaterfallSnapshot {
  return timeoutModel().snapshot;
}

/** Names of the rows on screen, top to bottom. */
async function rowNames(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rows = Array.from((globalThis as unknown as WinLike).document.querySelectorAll('.tl-row')).filter((r) => !(r as unknown as { hidden: boolean }).hidden);
    rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return rows.map((r) => r.querySelector('.tl-label')?.textContent ?? '');
  });
}

async function rowOf(page: Page, name: string, nth = 0): Promise<ReturnType<Page['locator']>> {
  return page.locator('.tl-row:not([hidden])', { has: page.locator('.tl-label', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) }).nth(nth);
}

/** Expected x (px) of a time on the timeline, from the same pure scale the webview uses. */
async function expectedX(page: Page, snap: WaterfallSnapshot, ms: number): Promise<number> {
  const axis = await page.locator('.tl-axis').boundingBox();
  assert.ok(axis);
  const d = traceDomain(snap.minStartMs, snap.endMs, snap.report.budgetMs, snap.report.cutAtMs);
  return axis.x + viewedPosition(d, FULL_VIEW)(ms) * axis.width;
}

test('rows: one per span in pre-order, indented by depth, with duration and share of the budget', async () => {
  const { page, violations, posted } = await openWaterfall(browser, timeoutSnapshot());
  try {
    assert.deepEqual(await rowNames(page), [
      'orders-api/prod',
      'Lambda',
      'orders-report',
      'orders-report',
      'Invocation',
      'DynamoDB',
      'DynamoDB',
      'api.partner.example',
      'SQS',
      'Overhead',
    ]);
    const inv = await rowOf(page, 'Invocation');
    assert.equal(await inv.getAttribute('aria-level'), '5');
    const ddb = await rowOf(page, 'DynamoDB');
    assert.equal(await ddb.locator('.tl-bar-label').textContent(), '18.0 s · 62 %');
    assert.equal(await ddb.locator('.tl-sub').textContent(), 'Query · orders');
    assert.equal(await (await rowOf(page, 'orders-report', 1)).locator('.tl-sub').textContent(), 'Lambda::Function');
    assert.match((await ddb.locator('.tl-bar').getAttribute('class')) ?? '', /role-downstreamAws/);
    assert.match((await (await rowOf(page, 'api.partner.example')).locator('.tl-bar').getAttribute('class')) ?? '', /role-downstreamRemote/);
    assert.equal(await (await rowOf(page, 'orders-api/prod')).locator('.tl-flag').textContent(), '5xx');
    // Summary strip: status, total vs budget, overrun, breakdown.
    assert.equal(await page.locator('.tl-verdict').textContent(), '504 · Timed out');
    assert.match((await page.locator('.tl-total').textContent()) ?? '', /29,012 ms of 29,000 ms budget · API Gateway gave up at 29,012 ms.*4\.48 s after the cut/);
    assert.equal(await page.locator('.tl-stack-seg').count(), 6);
    // The first paint needed no round trip; the webview said ready; the constructed sheet obeyed the CSP.
    const ready = (await posted())[0];
    assert.deepEqual(ready, { type: 'ready', v: PROTOCOL_VERSION, traceId: timeoutSnapshot().traceId });
    assert.deepEqual(await violations(), []);
    assert.equal(await page.evaluate(() => (globalThis as unknown as WinLike).getComputedStyle((globalThis as unknown as WinLike).document.querySelector('.tl-row')!).getPropertyValue('position')), 'absolute');
  } finally {
    await page.close();
  }
});

test('the budget line, the cut marker and the bars sit at the right pixels; work after the cut is hatched', async () => {
  const snap = timeoutSnapshot();
  const { page } = await openWaterfall(browser, snap);
  try {
    const budget = await page.locator('.tl-budget-line').boundingBox();
    assert.ok(budget);
    const xb = await expectedX(page, snap, 29000);
    assert.ok(Math.abs(budget.x + budget.width / 2 - xb) <= 1.5, `budget line at ${budget.x}, expected ${xb}`);
    const cut = await page.locator('.tl-cut-line').boundingBox();
    assert.ok(cut);
    const xc = await expectedX(page, snap, 29012);
    assert.ok(Math.abs(cut.x + cut.width / 2 - xc) <= 1.5, `cut line at ${cut.x}, expected ${xc}`);
    const region = await page.locator('.tl-after-region').boundingBox();
    assert.ok(region && Math.abs(region.x - xc) <= 1.5);
    assert.match((await page.locator('.tl-axis-mark').first().textContent()) ?? '', /budget 29\.0 s/);

    // The stage bar: 0 → 29 012 ms.
    const stage = await (await rowOf(page, 'orders-api/prod')).locator('.tl-bar').boundingBox();
    assert.ok(stage);
    assert.ok(Math.abs(stage.x - (await expectedX(page, snap, 0))) <= 1.5);
    assert.ok(Math.abs(stage.x + stage.width - xc) <= 1.5);
    assert.equal(await (await rowOf(page, 'orders-api/prod')).locator('.tl-after-cut').isVisible(), false);

    // The function segment runs on to 33 490 ms: hatched from the cut to its end.
    const fnRow = await rowOf(page, 'orders-report', 1);
    const hatch = await fnRow.locator('.tl-after-cut').boundingBox();
    const fnBar = await fnRow.locator('.tl-bar').boundingBox();
    assert.ok(hatch && fnBar);
    assert.ok(Math.abs(hatch.x - xc) <= 1.5, `hatch starts at the cut (${hatch.x} vs ${xc})`);
    assert.ok(Math.abs(hatch.x + hatch.width - (await expectedX(page, snap, 33490))) <= 1.5);
    assert.match((await fnRow.getAttribute('class')) ?? '', /past-cut/);
    // SQS started after the cut: all of it is hatched.
    const sqs = await rowOf(page, 'SQS');
    const sh = await sqs.locator('.tl-after-cut').boundingBox();
    const sb = await sqs.locator('.tl-bar').boundingBox();
    assert.ok(sh && sb && Math.abs(sh.x - sb.x) <= 1 && Math.abs(sh.width - sb.width) <= 1);
    const bg = await sqs.locator('.tl-after-cut').evaluate((e) => (globalThis as unknown as WinLike).getComputedStyle(e as unknown as ElLike).getPropertyValue('background-image'));
    assert.match(bg, /repeating-linear-gradient/);
  } finally {
    await page.close();
  }
});

test('a child that starts before its parent is drawn where it is (no clamping)', async () => {
  const c = coldStartScenario();
  const snap = buildWaterfallSnapshot(c.trace, c.report);
  const { page } = await openWaterfall(browser, snap);
  try {
    const init = await (await rowOf(page, 'Initialization')).locator('.tl-bar').boundingBox();
    const fn = await (await rowOf(page, 'todo-list-app-dev-postTask')).locator('.tl-bar').boundingBox();
    assert.ok(init && fn);
    assert.ok(init.x < fn.x - 50, 'Initialization starts well left of its parent function segment');
    assert.ok(Math.abs(init.x - (await expectedX(page, snap, 7))) <= 1.5);
    assert.equal(await page.locator('.tl-verdict').textContent(), '201 · OK');
    assert.match((await page.locator('.tl-total').textContent()) ?? '', /headroom 27\.5 s/);
  } finally {
    await page.close();
  }
});

test('a span in progress and a trace without a budget: drawn to the trace end, no budget line, no shares', async () => {
  const root = span({
    name: 'worker',
    kind: 'function',
    origin: 'AWS::Lambda::Function',
    isSegment: true,
    start: 0,
    end: null,
    children: [{ name: 'Invocation', kind: 'invocation', start: 2, end: 900, children: [{ name: 'S3', kind: 'downstream', namespace: 'aws', start: 10, end: 400, throttle: true }] }],
  });
  const t = trace([root], '1-00000000-0000000000000000000000e1');
  const snap = buildWaterfallSnapshot(t, report({ traceId: t.traceId, totalMs: 900, budgetMs: null, budgetSource: 'none' }));
  const { page } = await openWaterfall(browser, snap);
  try {
    assert.equal(await page.locator('.tl-budget-line').count(), 0);
    const worker = await rowOf(page, 'worker');
    assert.equal(await worker.locator('.tl-bar-label').textContent(), 'in progress');
    assert.match((await worker.locator('.tl-bar').getAttribute('class')) ?? '', /in-progress/);
    const bar = (await worker.locator('.tl-bar').boundingBox())!;
    assert.ok(Math.abs(bar.x + bar.width - (await expectedX(page, snap, 900))) <= 1.5, 'drawn to the last known end');
    assert.equal(await (await rowOf(page, 'S3')).locator('.tl-bar-label').textContent(), '390 ms');
    assert.equal(await (await rowOf(page, 'S3')).locator('.tl-flag').textContent(), '429');
    assert.match((await page.locator('.tl-total').textContent()) ?? '', /no budget known/);
  } finally {
    await page.close();
  }
});

test('a trace read from Transaction Search says so in the summary, as text in the Summary region; one from X-Ray does not', async () => {
  const a = timeoutScenario();
  const found = buildWaterfallSnapshot({ ...a.trace, foundBy: 'transaction-search' }, a.report);
  const { page, violations } = await openWaterfall(browser, found);
  try {
    const line = page.getByRole('region', { name: 'Summary' }).locator('.tl-found-by');
    assert.equal((await line.innerText()).replace(/\s+/g, ' ').trim(), 'Transaction Search Read from aws/spans: X-Ray did not sample this request, so the X-Ray console does not show it.');
    await page.screenshot({ path: 'test-results/waterfall-found-by-transaction-search.png' });
    assert.deepEqual(await violations(), [], "CSP");
  } finally {
    await page.close();
  }
  const plain = await openWaterfall(browser, timeoutSnapshot());
  try {
    assert.equal(await plain.page.locator('.tl-found-by').count(), 0);
  } finally {
    await plain.page.close();
  }
});

test('collapse and expand by click and by keyboard; arrows, Enter, / and Escape', async () => {
  const { page } = await openWaterfall(browser, timeoutSnapshot());
  try {
    const inv = await rowOf(page, 'Invocation');
    assert.equal(await inv.getAttribute('aria-expanded'), 'true');
    await inv.locator('.tl-twisty').click();
    assert.deepEqual(await rowNames(page), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'Overhead']);
    assert.equal(await (await rowOf(page, 'Invocation')).getAttribute('aria-expanded'), 'false');
    // Keyboard: the twisty click selected nothing; Down from nothing selects the first row.
    await page.locator('.tl-scroll').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('.tl-row.selected .tl-label').textContent(), 'orders-api/prod');
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.locator('.tl-row.selected .tl-label').textContent(), 'Invocation');
    await page.keyboard.press('Enter');
    assert.equal((await rowNames(page)).length, 10);
    await page.keyboard.press('ArrowLeft'); // expanded → collapse
    assert.equal((await rowNames(page)).length, 6);
    await page.keyboard.press('ArrowRight'); // collapsed → expand
    await page.keyboard.press('ArrowRight'); // expanded → first child
    assert.equal(await page.locator('.tl-row.selected .tl-label').textContent(), 'DynamoDB');
    await page.keyboard.press('ArrowLeft'); // DynamoDB has a child and is expanded → collapse
    await page.keyboard.press('ArrowLeft'); // now collapsed → parent
    assert.equal(await page.locator('.tl-row.selected .tl-label').textContent(), 'Invocation');
    assert.equal(await page.locator('.tl-detail-title').textContent(), 'Invocation');
    // `/` focuses the filter; typing filters by name; Escape clears it.
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => (globalThis as unknown as WinLike).document.activeElement?.className), 'tl-filter');
    await page.keyboard.type('sqs');
    await page.waitForFunction(() => (globalThis as unknown as WinLike).document.querySelector('.tl-filter-count')?.textContent?.startsWith('6 of'));
    assert.deepEqual(await rowNames(page), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'SQS']);
    assert.match((await (await rowOf(page, 'SQS')).getAttribute('class')) ?? '', /match/);
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => (globalThis as unknown as WinLike).document.activeElement?.className), 'tl-scroll');
    assert.ok((await rowNames(page)).length >= 9);
  } finally {
    await page.close();
  }
});

test('clicking a finding highlights its spans (expanding what hides them) and tells the host', async () => {
  const model = timeoutModel();
  const snap = model.snapshot;
  const { page, posted } = await openWaterfall(browser, model);
  try {
    await (await rowOf(page, 'Invocation')).locator('.tl-twisty').click(); // hide SQS first
    await page.locator('.tl-finding').nth(1).click();
    const hl = await page.evaluate(() => Array.from((globalThis as unknown as WinLike).document.querySelectorAll('.tl-row.highlight:not([hidden])')).map((r) => r.dataset['index']));
    const names = hl.map((i) => model.spans[Number(i)]!.id).sort();
    assert.deepEqual(names, ['a000000000000004', 'a000000000000008']);
    assert.match((await page.locator('.tl-finding').nth(1).getAttribute('class')) ?? '', /active/);
    const last = (await posted()).at(-1);
    assert.deepEqual(last, { type: 'revealFinding', v: PROTOCOL_VERSION, traceId: snap.traceId, findingId: 'work-after-cut', index: 1 });
    // Clicking again clears the highlight.
    await page.locator('.tl-finding').nth(1).click();
    assert.equal(await page.locator('.tl-row.highlight').count(), 0);
  } finally {
    await page.close();
  }
});

test('details: http, aws, annotations, metadata, cause; workspace frames open the source, logs open', async () => {
  const root = span({
    name: 'checkout',
    kind: 'function',
    origin: 'AWS::Lambda::Function',
    isSegment: true,
    start: 0,
    end: 120,
    fault: true,
    aws: { requestId: 'req-1', operation: 'Invoke', retries: 2, tableName: 'carts' },
    http: { method: 'POST', url: 'https://shop.example/checkout', status: 502 },
    annotations: { tenant: 'acme', attempt: 2 },
    metadata: { default: { cart: { items: 3 } } },
    cause: {
      workingDirectory: '/var/task',
      exceptions: [{ type: 'TypeError', message: 'x is undefined', stack: [{ path: 'src/checkout.ts', line: 42, label: 'charge' }, { path: 'node:internal', line: 1 }] }],
    },
  });
  const t = trace([root], '1-00000000-0000000000000000000000d1');
  const model = buildWaterfall(t, report({ traceId: t.traceId, totalMs: 120, verdict: 'error' }), {
    resolveFrame: (p) => (p.startsWith('src/') ? `/workspace/${p}` : undefined),
  });
  const { page, posted, waitForDetails } = await openWaterfall(browser, model);
  try {
    await (await rowOf(page, 'checkout')).click();
    // What the row knows shows at once; the rest is the host's answer to requestDetails.
    assert.deepEqual((await posted()).find((m) => m.type === 'requestDetails'), { type: 'requestDetails', v: PROTOCOL_VERSION, requestId: 1, traceId: t.traceId, index: 0 });
    await waitForDetails();
    const text = (await page.locator('.tl-details').textContent()) ?? '';
    for (const s of ['https://shop.example/checkout', '502', 'Invoke', 'carts', 'Retries2', 'tenantacme', 'default.cart{"items":3}', 'TypeError: x is undefined', 'node:internal:1']) {
      assert.ok(text.includes(s), `details show ${s}`);
    }
    await page.locator('.tl-details .tl-link', { hasText: 'src/checkout.ts:42' }).click();
    assert.deepEqual((await posted()).at(-1), { type: 'openSource', v: PROTOCOL_VERSION, file: '/workspace/src/checkout.ts', line: 42 });
    assert.equal(await page.locator('.tl-details .tl-link', { hasText: 'node:internal' }).count(), 0, 'frames outside the workspace are text');
    await page.locator('.tl-details .tl-link', { hasText: 'Open logs' }).click();
    assert.deepEqual((await posted()).at(-1), { type: 'openLogs', v: PROTOCOL_VERSION, traceId: t.traceId, requestId: 'req-1', functionName: 'checkout' });
    await page.getByRole('button', { name: 'Copy JSON' }).click();
    assert.deepEqual((await posted()).at(-1), { type: 'copyTrace', v: PROTOCOL_VERSION, traceId: t.traceId, format: 'json' });
  } finally {
    await page.close();
  }
});

test('trace list: sortable; choosing a trace asks the host, and its snapshot swaps the waterfall', async () => {
  const snap = timeoutSnapshot();
  const { page, posted } = await openWaterfall(browser, snap);
  try {
    const order = async (): Promise<string[]> => page.locator('.tl-trace-row .tl-trace-status').allTextContents();
    assert.deepEqual(await order(), ['504 timeout', '201 ok']); // total, descending
    await page.locator('.tl-sort[data-sort="coldStart"]').click();
    assert.deepEqual(await order(), ['201 ok', '504 timeout']);
    await page.locator('.tl-sort[data-sort="coldStart"]').click();
    assert.deepEqual(await order(), ['504 timeout', '201 ok']);
    const cold = coldStartScenario();
    await page.locator('.tl-trace-row', { hasText: '201' }).click();
    assert.deepEqual((await posted()).at(-1), { type: 'selectTrace', v: PROTOCOL_VERSION, traceId: cold.report.traceId });
    const next = buildWaterfallSnapshot(cold.trace, cold.report, { others: [timeoutScenario().report] });
    await page.evaluate((m) => (globalThis as unknown as WinLike).postMessage(m, '*'), { type: 'snapshot', v: PROTOCOL_VERSION, snapshot: next });
    await page.waitForFunction(() => (globalThis as unknown as WinLike).document.querySelector('.tl-entry-name')?.textContent === 'dev-todo-list-app/dev');
    assert.equal((await rowNames(page)).length, next.spans.count);
    assert.equal(await page.locator('.tl-cut-line').count(), 0);
    // A message of another protocol version is ignored.
    await page.evaluate((m) => (globalThis as unknown as WinLike).postMessage(m, '*'), { type: 'snapshot', v: 999, snapshot: snap });
    await page.waitForTimeout(50);
    assert.equal(await page.locator('.tl-entry-name').textContent(), 'dev-todo-list-app/dev');
  } finally {
    await page.close();
  }
});

test('themes: bars take the contributed colors of light, dark and high contrast', async () => {
  const { page } = await openWaterfall(browser, timeoutSnapshot());
  try {
    const color = async (): Promise<string> =>
      (await rowOf(page, 'Invocation')).locator('.tl-bar').evaluate((e) => (globalThis as unknown as WinLike).getComputedStyle(e as unknown as ElLike).getPropertyValue('background-color'));
    const hex = (h: string): string => {
      const n = parseInt(h.slice(1), 16);
      return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
    };
    for (const theme of ['light', 'dark', 'high-contrast'] as const) {
      await applyTheme(page, theme);
      assert.equal(await color(), hex(themeVariables(theme)['--vscode-timeoutLens-handler']!), theme);
      const bodyBg = await page.evaluate(() => (globalThis as unknown as WinLike).getComputedStyle((globalThis as unknown as WinLike).document.body).getPropertyValue('background-color'));
      assert.equal(bodyBg, hex(themeVariables(theme)['--vscode-editor-background']!));
    }
    const outline = await (await rowOf(page, 'Invocation')).locator('.tl-bar').evaluate((e) => (globalThis as unknown as WinLike).getComputedStyle(e as unknown as ElLike).getPropertyValue('outline-style'));
    assert.equal(outline, 'solid', 'high contrast outlines the bars');
  } finally {
    await page.close();
  }
});

test('UI state persists through setState and is restored on reload (collapse, selection)', async () => {
  const snap = timeoutSnapshot();
  const first = await openWaterfall(browser, snap);
  let state: unknown;
  try {
    await (await rowOf(first.page, 'Invocation')).locator('.tl-twisty').click();
    await (await rowOf(first.page, 'Overhead')).click();
    state = await first.page.evaluate(() => (globalThis as unknown as WinLike)['__state']);
    assert.ok(!JSON.stringify(state).includes('orders-api/prod'), 'no trace data in the persisted state');
  } finally {
    await first.page.close();
  }
  const second = await openWaterfall(browser, snap, { state });
  try {
    assert.equal((await rowNames(second.page)).length, 6);
    assert.equal(await second.page.locator('.tl-row.selected .tl-label').textContent(), 'Overhead');
  } finally {
    await second.page.close();
  }
});

test('zoom and pan: +, 0, Ctrl+wheel at the pointer, drag on the axis; the budget line follows', async () => {
  const snap = timeoutSnapshot();
  const { page } = await openWaterfall(browser, snap);
  try {
    const x0 = (await page.locator('.tl-budget-line').boundingBox())!.x;
    await page.locator('.tl-scroll').focus();
    await page.keyboard.press('+');
    const x1 = (await page.locator('.tl-budget-line').boundingBox())?.x;
    assert.ok(x1 === undefined || Math.abs(x1 - x0) > 20, 'zooming moved the budget line');
    await page.keyboard.press('0');
    assert.ok(Math.abs((await page.locator('.tl-budget-line').boundingBox())!.x - x0) < 0.5);
    // Ctrl+wheel over the axis zooms at the pointer: the time under it stays put.
    const axis = (await page.locator('.tl-axis').boundingBox())!;
    await page.mouse.move(x0, axis.y + axis.height / 2);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -300);
    await page.keyboard.up('Control');
    await page.waitForTimeout(50);
    const zoomed = (await page.locator('.tl-budget-line').boundingBox())!;
    assert.ok(Math.abs(zoomed.x - x0) < 2, `the budget line stays under the pointer (${zoomed.x} vs ${x0})`);
    const stageW = (await (await rowOf(page, 'orders-api/prod')).locator('.tl-bar').boundingBox())!.width;
    assert.ok(stageW > axis.width, 'zoomed in: the stage bar is wider than the axis');
    // Dragging the axis pans: drag 100 px right, the budget line moves 100 px right.
    await page.mouse.move(axis.x + 200, axis.y + axis.height / 2);
    await page.mouse.down();
    await page.mouse.move(axis.x + 300, axis.y + axis.height / 2, { steps: 4 });
    await page.mouse.up();
    const panned = (await page.locator('.tl-budget-line').boundingBox())!;
    assert.ok(Math.abs(panned.x - zoomed.x - 100) < 2, `panned by 100 px (${panned.x - zoomed.x})`);
  } finally {
    await page.close();
  }
});

test('virtualized: 100 000 spans keep a few dozen row elements; End reaches the last span', async () => {
  const big = bigScenario(100_000);
  const snap = buildWaterfallSnapshot(big.trace, big.report);
  const { page } = await openWaterfall(browser, snap, { height: 700 });
  try {
    const count = await page.locator('.tl-row').count();
    assert.ok(count < 80, `${count} row elements`);
    assert.equal(await page.locator('.tl-filter-count').textContent(), '100000 spans');
    await page.locator('.tl-scroll').focus();
    await page.keyboard.press('End');
    await page.waitForFunction(() => (globalThis as unknown as WinLike).document.querySelector('.tl-row.selected') !== null);
    const last = snap.spans.count - 1;
    assert.equal(await page.locator('.tl-row.selected .tl-label').textContent(), table(snap).name(last));
    assert.equal(await page.locator('.tl-row.selected').getAttribute('data-index'), String(last));
    assert.ok((await page.locator('.tl-row').count()) < 80);
  } finally {
    await page.close();
  }
});

/** The rows on screen as [index, name] from their position (not DOM order), checking none is drawn twice. */
async function screenRows(page: Page): Promise<Array<[number, string]>> {
  return page.evaluate(() => {
    const w = globalThis as unknown as WinLike;
    const sc = w.document.querySelector('.tl-scroll')!.getBoundingClientRect();
    const shown = Array.from(w.document.querySelectorAll('.tl-row')).filter((r) => w.getComputedStyle(r).getPropertyValue('display') !== 'none');
    const inView = shown.filter((r) => {
      const b = r.getBoundingClientRect();
      return b.bottom > sc.top + 1 && b.top < sc.bottom - 1;
    });
    inView.sort((x, y) => x.getBoundingClientRect().top - y.getBoundingClientRect().top);
    return inView.map((r) => [Number(r.dataset['index']), r.querySelector('.tl-label')?.textContent ?? ''] as [number, string]);
  });
}

test('recycled rows: after small and big scrolls, up and down, every row on screen is the right span, once', async () => {
  const big = bigScenario(5_000);
  const snap = buildWaterfallSnapshot(big.trace, big.report);
  const t = table(snap);
  const { page } = await openWaterfall(browser, snap, { height: 700 });
  try {
    const frame = (): Promise<void> => page.evaluate(() => new Promise<void>((r) => (globalThis as unknown as WinLike).requestAnimationFrame(() => setTimeout(() => r(), 0))));
    for (const top of [0, 22, 66, 1_000, 1_011, 30_000, 29_500, 29_480, 110_000 - 700, 50_000, 0]) {
      await page.evaluate((y) => {
        (globalThis as unknown as WinLike).document.querySelector('.tl-scroll')!.scrollTop = y;
      }, top);
      await frame();
      await frame();
      const rows = await screenRows(page);
      const [y, h] = await page.evaluate(() => {
        const sc = (globalThis as unknown as WinLike).document.querySelector('.tl-scroll')!;
        return [sc.scrollTop, sc.clientHeight];
      });
      // Every row showing more than a pixel is drawn (screenRows' rule): no gap, no row twice.
      const first = Math.floor((y + 1) / 22);
      const end = Math.min(t.count, Math.ceil((y + h - 1) / 22));
      assert.equal(rows.length, end - first, `rows on screen at ${y} (h ${h}): ${JSON.stringify(rows.map(([i]) => i))}`);
      rows.forEach(([index, name], k) => {
        assert.equal(index, first + k, `row ${k} at scrollTop ${y}`);
        assert.equal(name, t.name(index), `row ${k} at scrollTop ${y}`);
      });
    }
  } finally {
    await page.close();
  }
});

test('collapse and filter leave no stale rows on screen', async () => {
  const { page } = await openWaterfall(browser, timeoutSnapshot());
  try {
    await (await rowOf(page, 'Invocation')).locator('.tl-twisty').click();
    assert.deepEqual((await screenRows(page)).map(([, n]) => n), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'Overhead']);
    await (await rowOf(page, 'Invocation')).locator('.tl-twisty').click();
    await page.locator('.tl-filter').fill('sqs');
    await page.waitForFunction(() => (globalThis as unknown as WinLike).document.querySelector('.tl-filter-count')?.textContent?.startsWith('6 of'));
    assert.deepEqual((await screenRows(page)).map(([, n]) => n), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'SQS']);
  } finally {
    await page.close();
  }
});

test('details on demand: what the row knows at once, the rest when the host answers; stale answers are dropped', async () => {
  const model = timeoutModel();
  const snap = model.snapshot;
  // No host here: the test answers (or not) itself.
  const { page, posted } = await openWaterfall(browser, snap);
  try {
    const sqs = table(snap).count - 2;
    assert.equal(table(snap).name(sqs), 'SQS');
    await page.locator(`.tl-row[data-index="${sqs}"]`).click();
    assert.equal(await page.locator('.tl-details').getAttribute('aria-busy'), 'true');
    assert.equal(await page.locator('.tl-detail-title').textContent(), 'SQS');
    const pending = (await page.locator('.tl-details').textContent()) ?? '';
    assert.match(pending, /Duration3\.05 s · 11 % of budget/);
    assert.match(pending, /Kinddownstream · aws/);
    assert.ok(!pending.includes('SendMessage') && !pending.includes('a000000000000008'), 'no details before the host answers');
    const request = (await posted()).at(-1) as unknown as { requestId: number };
    assert.deepEqual(request, { type: 'requestDetails', v: PROTOCOL_VERSION, requestId: request.requestId, traceId: snap.traceId, index: sqs });
    const details = model.details(sqs)!;
    const send = (m: unknown): Promise<void> => page.evaluate((x) => (globalThis as unknown as WinLike).postMessage(x, '*'), m);
    const id = request.requestId;
    await send({ type: 'details', v: PROTOCOL_VERSION, requestId: id, traceId: 'another-trace', index: sqs, details });
    await send({ type: 'details', v: PROTOCOL_VERSION, requestId: id, traceId: snap.traceId, index: 0, details: model.details(0) });
    await send({ type: 'details', v: PROTOCOL_VERSION, requestId: id + 100, traceId: snap.traceId, index: sqs, details });
    await page.waitForTimeout(50);
    assert.equal(await page.locator('.tl-details').getAttribute('aria-busy'), 'true', 'answers for another trace, span or request change nothing');
    await send({ type: 'details', v: PROTOCOL_VERSION, requestId: id, traceId: snap.traceId, index: sqs, details });
    await page.waitForSelector('.tl-details[aria-busy="false"]');
    const text = (await page.locator('.tl-details').textContent()) ?? '';
    assert.ok(text.includes('SendMessage') && text.includes('a000000000000008'), text);
    // An answer nobody asked for (the stage's, above) was not kept: selecting the stage asks for it.
    const asked = (await posted()).filter((m) => m.type === 'requestDetails').length;
    await page.locator('.tl-row[data-index="0"]').click();
    assert.equal(await page.locator('.tl-details').getAttribute('aria-busy'), 'true');
    assert.equal((await posted()).filter((m) => m.type === 'requestDetails').length, asked + 1);
    // Details that arrived for a request are kept: selecting SQS again asks nothing.
    await page.locator(`.tl-row[data-index="${sqs}"]`).click();
    assert.equal(await page.locator('.tl-details').getAttribute('aria-busy'), 'false');
    assert.equal((await posted()).filter((m) => m.type === 'requestDetails').length, asked + 1);
  } finally {
    await page.close();
  }
});

test('details the host cannot send: the pane says why and stops waiting, and does not ask again', async () => {
  const model = timeoutModel();
  const snap = model.snapshot;
  const { page, posted } = await openWaterfall(browser, snap);
  try {
    const sqs = table(snap).count - 2;
    await page.locator(`.tl-row[data-index="${sqs}"]`).click();
    assert.equal(await page.locator('.tl-details').getAttribute('aria-busy'), 'true');
    const request = (await posted()).at(-1) as unknown as { type: string; requestId: number };
    assert.equal(request.type, 'requestDetails');
    // The host's own reply to a request it cannot serve (the panel moved to another trace).
    const reply = detailsReply(model, { ...(request as unknown as RequestDetailsMessage), traceId: '1-00000000-000000000000000000000000' });
    assert.equal(reply.type, 'detailsError');
    await page.evaluate((x) => (globalThis as unknown as WinLike).postMessage(x, '*'), { ...reply, traceId: snap.traceId });
    await page.waitForSelector('.tl-details[aria-busy="false"]');
    assert.match((await page.locator('.tl-details-error').textContent()) ?? '', /could not be loaded: this panel now shows another trace/);
    await page.locator('.tl-row[data-index="0"]').click();
    await page.locator(`.tl-row[data-index="${sqs}"]`).click();
    assert.equal((await posted()).filter((m) => m.type === 'requestDetails' && (m as { index?: number }).index === sqs).length, 1, 'the failed span is not asked again');
  } finally {
    await page.close();
  }
});

test('persisted indices apply only to the spans they were saved with; a version 1 state still restores', async () => {
  const snap = timeoutSnapshot();
  const inv = table(snap).count - 6;
  assert.equal(table(snap).name(inv), 'Invocation');
  const ui = { collapsed: [inv], selected: inv, view: { start: 0, end: 0.5 }, filter: '' };
  const state = (spansKey: string): unknown => ({ v: 2, traceId: snap.traceId, sort: { key: 'total', desc: true }, perTrace: { [snap.traceId]: { ...ui, spansKey } } });
  const same = await openWaterfall(browser, snap, { state: state(snap.spansKey) });
  try {
    assert.equal((await rowNames(same.page)).length, 6);
    assert.equal(await same.page.locator('.tl-row.selected .tl-label').textContent(), 'Invocation');
  } finally {
    await same.page.close();
  }
  const other = await openWaterfall(browser, snap, { state: state('10:other') });
  try {
    assert.equal((await rowNames(other.page)).length, 10, 'indices of other spans are not applied');
    assert.equal(await other.page.locator('.tl-row.selected').count(), 0);
    const bar = (await (await rowOf(other.page, 'orders-api/prod')).locator('.tl-bar').boundingBox())!;
    const axis = (await other.page.locator('.tl-axis').boundingBox())!;
    assert.ok(bar.width > axis.width, 'the saved zoom still applies');
  } finally {
    await other.page.close();
  }
  // What the previous version saved: spans by id. Its trace, sort and filter come back.
  const v1 = { v: 1, traceId: snap.traceId, sort: { key: 'coldStart', desc: true }, perTrace: { [snap.traceId]: { collapsed: ['a000000000000005'], selected: 'a000000000000005', view: { start: 0, end: 1 }, filter: 'sqs' } } };
  const old = await openWaterfall(browser, snap, { state: v1 });
  try {
    assert.equal(await old.page.locator('.tl-filter').inputValue(), 'sqs');
    assert.deepEqual(await rowNames(old.page), ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'SQS']);
    assert.deepEqual(await old.page.locator('.tl-trace-row .tl-trace-status').allTextContents(), ['201 ok', '504 timeout'], 'the sort came back');
    const saved = (await old.page.evaluate(() => (globalThis as unknown as WinLike)['__state'])) as { v: number; perTrace: Record<string, { spansKey: string }> };
    assert.equal(saved.v, 2);
    assert.equal(saved.perTrace[snap.traceId]!.spansKey, snap.spansKey);
  } finally {
    await old.page.close();
  }
});

test('screenshots: the 504 with work after the cut (3 themes), the cold start, a big trace; each shows what it is named for', async () => {
  const timeout504 = ['orders-api/prod', 'Lambda', 'orders-report', 'orders-report', 'Invocation', 'DynamoDB', 'DynamoDB', 'api.partner.example', 'SQS', 'Overhead'];
  const cold = ((c) => buildWaterfallSnapshot(c.trace, c.report))(coldStartScenario());
  const big = ((b) => buildWaterfallSnapshot(b.trace, b.report))(bigScenario(100_000));
  const bigNames = ((t) => Array.from({ length: 10 }, (_, i) => t.name(i)))(table(big));
  interface Shot {
    name: string;
    snap: WaterfallSnapshot;
    theme: 'dark' | 'light' | 'high-contrast';
    finding: string | null;
    verdict: string;
    /** The first rows on screen, top to bottom. */
    rows: string[];
    /** Whether the cut line and after-cut hatching are drawn. */
    cut: boolean;
  }
  const shots: Shot[] = [
    { name: 'waterfall-504-dark', snap: timeoutSnapshot(), theme: 'dark', finding: null, verdict: '504 · Timed out', rows: timeout504, cut: true },
    { name: 'waterfall-504-light', snap: timeoutSnapshot(), theme: 'light', finding: 'work-after-cut', verdict: '504 · Timed out', rows: timeout504, cut: true },
    { name: 'waterfall-504-hc', snap: timeoutSnapshot(), theme: 'high-contrast', finding: null, verdict: '504 · Timed out', rows: timeout504, cut: true },
    { name: 'waterfall-coldstart-dark', snap: cold, theme: 'dark', finding: null, verdict: '201 · OK', rows: names(cold).slice(0, 4), cut: false },
    { name: 'waterfall-big-dark', snap: big, theme: 'dark', finding: null, verdict: '504 · Timed out', rows: bigNames, cut: true },
  ];
  for (const shot of shots) {
    const { page, violations } = await openWaterfall(browser, shot.snap, { theme: shot.theme });
    try {
      if (shot.finding) await page.locator('.tl-finding', { hasText: 'after the gateway' }).click();
      await page.screenshot({ path: `test-results/${shot.name}.png` });
      // What the picture shows, asserted: the theme, the verdict, the rows in order, the budget
      // and cut marks, the hatching after the cut, the finding's highlight.
      assert.ok(await page.locator(`body.vscode-${shot.theme}`).count(), `${shot.name}: theme`);
      assert.ok(((await page.locator('.tl-verdict').textContent()) ?? '').startsWith(shot.verdict), `${shot.name}: verdict`);
      assert.deepEqual((await rowNames(page)).slice(0, shot.rows.length), shot.rows, `${shot.name}: rows`);
      assert.equal(await page.locator('.tl-cut-line').count(), shot.cut ? 1 : 0, `${shot.name}: cut line`);
      assert.equal((await page.locator('.tl-row:not([hidden]) .tl-after-cut:not([hidden])').count()) > 0, shot.cut, `${shot.name}: hatching after the cut`);
      if (shot.cut) assert.match((await page.locator('.tl-axis-mark').first().textContent()) ?? '', /budget 29\.0 s · gave up at 29\.0 s/, `${shot.name}: budget and cut label`);
      assert.equal(await page.locator('.tl-row.highlight:not([hidden])').count(), shot.finding ? 2 : 0, `${shot.name}: highlighted spans`);
      if (shot.finding) assert.match((await page.locator('.tl-finding.active').textContent()) ?? '', /after the gateway/);
      assert.deepEqual(await violations(), [], `${shot.name}: CSP`);
    } finally {
      await page.close();
    }
  }
});
