// The whole pipeline into the waterfall: files → the engine's parser (parseTraceText) → analyze()
// → buildWaterfallSnapshot → the webview in Chromium. The real cold-start capture, the real
// multi-trace file, a 504-at-29-s request and a 100 000-span request built as X-Ray documents by
// the engine's trace builder; screenshots of each in test-results/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { analyze } from '../../src/core/analyze';
import { parseTraceText } from '../../src/ingest/xray';
import type { WaterfallSnapshot } from '../../src/protocol';
import { buildWaterfall } from '../../src/ui/waterfallSnapshot';
import type { WaterfallModel } from '../../src/ui/waterfallSnapshot';
import { apiTrace, batchGetTraces, sequential } from '../builders/traceBuilder';
import type { ElLike, WinLike } from '../waterfall/browserGlobals';
import { closeHarness, launch, openWaterfall } from '../waterfall/pageHarness';
import { indexOf, table } from '../waterfall/snapshotView';
import type { ThemeName } from '../waterfall/pageHarness';

let browser: Browser;
before(async () => {
  mkdirSync('test-results', { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await closeHarness();
});

/** Every trace of a text through the engine, worst first, as models whose snapshots list each other. */
function modelsOf(text: string, source: string): WaterfallModel[] {
  const parsed = parseTraceText(text, source);
  const { analyzed } = analyze(parsed);
  const reports = analyzed.map((a) => a.report);
  return analyzed.map((a) => buildWaterfall(a.trace, a.report, { others: reports, restoreKey: source }));
}

function snapshotsOf(text: string, source: string): WaterfallSnapshot[] {
  return modelsOf(text, source).map((m) => m.snapshot);
}

function fixture(name: string): string {
  return readFileSync(`test/fixtures/real/${name}`, 'utf8');
}

async function shoot(snap: WaterfallSnapshot, name: string, theme: ThemeName, before?: (p: Awaited<ReturnType<typeof openWaterfall>>['page']) => Promise<void>): Promise<void> {
  const { page } = await openWaterfall(browser, snap, { theme });
  try {
    if (before) await before(page);
    await page.screenshot({ path: `test-results/${name}.png` });
  } finally {
    await page.close();
  }
}

test('the real cold-start capture: every span a row, Initialization drawn before its function segment', async () => {
  const [snap] = snapshotsOf(fixture('lambdapulse_apigw_lambda_coldstart_trace.json'), 'lambdapulse_apigw_lambda_coldstart_trace.json');
  assert.ok(snap);
  assert.ok(snap.report.breakdown.coldStartMs > 0, 'the engine saw the cold start');
  const { page, violations } = await openWaterfall(browser, snap);
  try {
    const labels = await page.locator('.tl-row:not([hidden]) .tl-label').allTextContents();
    assert.equal(labels.length, snap.spans.count);
    assert.ok(labels.includes('Initialization') && labels.includes('Invocation'));
    const spans = table(snap);
    const init = indexOf(snap, (t, i) => t.style(i).kind === 'initialization');
    const fn = spans.parent[init] as number;
    const initBox = (await page.locator(`.tl-row[data-index="${init}"] .tl-bar`).boundingBox())!;
    const fnBox = (await page.locator(`.tl-row[data-index="${fn}"] .tl-bar`).boundingBox())!;
    assert.ok(spans.startMs(init) < spans.startMs(fn), 'real data: init starts before its parent');
    assert.ok(initBox.x < fnBox.x, 'and is drawn there, not clamped');
    assert.match((await page.locator('.tl-legend').textContent()) ?? '', /Cold start/);
    for (const label of await page.locator('.tl-bar-label').allTextContents()) assert.ok(!/·\s*$/.test(label), `label "${label}" has no dangling separator`);
    assert.match((await page.locator('.tl-verdict').textContent()) ?? '', /OK/);
    assert.deepEqual(await violations(), []);
  } finally {
    await page.close();
  }
  for (const theme of ['dark', 'light', 'high-contrast'] as const) await shoot(snap, `waterfall-real-coldstart-${theme}`, theme);
});

test('a real multi-trace file: the trace list holds every trace of the file', async () => {
  const snaps = snapshotsOf(fixture('awscli_example_batchgettraces_scorekeep.json'), 'scorekeep.json');
  assert.ok(snaps.length >= 1);
  const first = snaps[0]!;
  const { page } = await openWaterfall(browser, first);
  try {
    assert.equal(first.traces.length, snaps.length);
    assert.equal(await page.locator('.tl-trace-row').count(), snaps.length > 1 ? snaps.length : 0);
    assert.equal(await page.locator('.tl-row[data-index="0"] .tl-label').textContent(), table(first).name(0));
    assert.equal(await page.locator('.tl-entry-name').textContent(), first.report.entry.name);
  } finally {
    await page.close();
  }
});

function timeout504(): string {
  return batchGetTraces(
    apiTrace({
      status: 504,
      gatewayEnd: 29_012,
      functionEnd: 33_490,
      initMs: 1_900,
      api: 'orders-api/prod',
      path: '/prod/reports',
      functionName: 'orders-report',
      calls: [
        { name: 'DynamoDB', namespace: 'aws', operation: 'Query', table: 'orders', start: 1_950, end: 17_900 },
        { name: 'api.partner.example', namespace: 'remote', method: 'GET', url: 'https://api.partner.example/v2/rates', status: 200, start: 17_950, end: 30_300 },
        { name: 'SQS', namespace: 'aws', operation: 'SendMessage', start: 30_350, end: 33_400 },
      ],
      overheadMs: 40,
    }),
    apiTrace({ status: 200, gatewayEnd: 840, calls: [{ name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders', start: 20, end: 700 }] }),
  );
}

test('a 504 at 29 s through the engine: cut marker at cutAtMs, work after it hatched, findings highlight their spans', async () => {
  const model = modelsOf(timeout504(), 'timeout504.json')[0]!;
  const snap = model.snapshot;
  assert.equal(snap.report.verdict, 'timeout');
  assert.ok(snap.report.cutAtMs !== null && snap.report.afterCutMs !== null && snap.report.afterCutMs > 4000);
  const { page, posted } = await openWaterfall(browser, model);
  try {
    assert.equal(await page.locator('.tl-cut-line').count(), 1);
    assert.ok((await page.locator('.tl-row.past-cut').count()) >= 3, 'function, Invocation, SQS run past the cut');
    const sqs = indexOf(snap, 'SQS');
    assert.equal(await page.locator(`.tl-row[data-index="${sqs}"] .tl-after-cut`).isVisible(), true);
    const after = snap.report.findings.findIndex((f) => f.id === 'work-after-cut');
    assert.ok(after >= 0, `findings: ${snap.report.findings.map((f) => f.id).join(', ')}`);
    await page.locator('.tl-finding').nth(after).click();
    const highlighted = await page.evaluate(() =>
      Array.from((globalThis as unknown as WinLike).document.querySelectorAll('.tl-row.highlight')).map((r: ElLike) => r.dataset['index']),
    );
    const expected = new Set(snap.report.findings[after]!.spanIds);
    assert.ok(highlighted.length > 0 && highlighted.every((i) => expected.has(model.spans[Number(i)]!.id)));
    assert.equal((await posted()).filter((m) => m.type !== 'requestDetails').at(-1)?.type, 'revealFinding');
    assert.equal(await page.locator('.tl-trace-row').count(), 2);
  } finally {
    await page.close();
  }
  for (const theme of ['dark', 'light', 'high-contrast'] as const) {
    await shoot(snap, `waterfall-real-504-${theme}`, theme, async (p) => {
      const i = snap.report.findings.findIndex((f) => f.id === 'work-after-cut');
      if (theme === 'light' && i >= 0) await p.locator('.tl-finding').nth(i).click();
    });
  }
});

test('100 000 spans through the engine: parsed, analyzed, drawn with a few dozen row elements', async () => {
  const calls = sequential(33_334, 0.8, 40, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'items' }).map((c, i) => ({
    ...c,
    subs: [
      { name: 'marshal', start: c.start, end: c.start + 0.2 },
      { name: i % 101 === 0 ? 'retry' : 'unmarshal', start: c.start + 0.5, end: c.end, throttle: i % 101 === 0 },
    ],
  }));
  const text = batchGetTraces(apiTrace({ status: 504, gatewayEnd: 26_000 + 3_010, functionEnd: 40 + 33_334 * 0.8 + 50, calls, api: 'bulk-api/prod', path: '/prod/bulk' }));
  const [snap] = snapshotsOf(text, 'big.json');
  assert.ok(snap && snap.spans.count >= 100_000, `${snap?.spans.count} spans`);
  const { page } = await openWaterfall(browser, snap, { height: 820 });
  try {
    assert.ok((await page.locator('.tl-row').count()) < 80);
    // The 33 334 calls run one after another: one group row (not a span, so not counted), collapsed.
    assert.equal(snap.groupRows?.length, 1);
    assert.equal(await page.locator('.tl-filter-count').textContent(), `${snap.spans.count - 1} spans`);
    assert.equal(await page.locator('.tl-row:not([hidden]) .tl-label', { hasText: 'DynamoDB GetItem × 33334' }).count(), 1);
    await page.screenshot({ path: 'test-results/waterfall-real-big-dark.png' });
  } finally {
    await page.close();
  }
});

test('the built 504 with 380 sequential GetItem: about ten rows, the run one group row that opens, highlights and filters', async () => {
  const path = 'test/fixtures/xray/built_rest_504_lambda_runs_on.json';
  const model = modelsOf(readFileSync(path, 'utf8'), path)[0]!;
  const snap = model.snapshot;
  const group = indexOf(snap, 'DynamoDB GetItem × 380');
  assert.deepEqual(snap.groupRows, [group]);
  const { page, violations } = await openWaterfall(browser, model);
  const labels = (): Promise<string[]> => page.locator('.tl-row:not([hidden]) .tl-label').allTextContents();
  const row = page.locator(`.tl-row[data-index="${group}"]`);
  try {
    // The stage, the gateway's Lambda call, the Lambda service and function segments, Initialization,
    // Invocation, the group, Overhead: 8 rows for 387 spans.
    assert.deepEqual(await labels(), [
      'orders-api/prod',
      'Lambda',
      'orders-api-prod-createReport',
      'orders-api-prod-createReport',
      'Initialization',
      'Invocation',
      'DynamoDB GetItem × 380',
      'Overhead',
    ]);
    assert.equal(await page.locator('.tl-filter-count').textContent(), '387 spans');
    assert.equal(await row.locator('.tl-sub').textContent(), 'one after another · orders');
    assert.equal(await row.getAttribute('aria-expanded'), 'false');
    // 380 calls of 80 ms from 2 300 ms: 30 400 ms, 105 % of 29 000; ending at 32 700, 3 688 ms after the cut at 29 012.
    assert.match((await row.getAttribute('aria-label')) ?? '', /^DynamoDB GetItem × 380, one after another, orders, 30\.4 s, 105 % of budget, 3\.69 s of it after the cut/);
    assert.equal(await row.locator('.tl-bar-label').textContent(), '30.4 s · 105 %');

    // Selected, its details sum the calls; → opens it to its 380 calls, Enter closes and opens it.
    await row.click();
    await page.waitForFunction(() => (globalThis as unknown as WinLike).document.querySelector('.tl-details')?.getAttribute('aria-busy') === 'false');
    const details = (await page.locator('.tl-details').textContent()) ?? '';
    assert.ok(details.includes('380 DynamoDB GetItem, one after another'), details);
    assert.ok(details.includes('Median call80 ms') && details.includes('Time in calls30.4 s'), details);
    await page.keyboard.press('ArrowRight');
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('.tl-scroll').getAttribute('aria-rowcount'), String(8 + 380));
    assert.equal((await labels()).filter((l) => l === 'DynamoDB').length > 10, true);
    await page.keyboard.press('Enter');
    assert.equal(await row.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.locator('.tl-scroll').getAttribute('aria-rowcount'), '8');
    await page.keyboard.press('Enter');
    assert.equal(await row.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await row.getAttribute('aria-expanded'), 'false');

    // The sequential-calls finding highlights the group row and leaves it closed.
    const seq = snap.report.findings.findIndex((f) => f.id === 'sequential-calls');
    await page.locator('.tl-finding').nth(seq).click();
    const highlighted = await page.evaluate(() => Array.from((globalThis as unknown as WinLike).document.querySelectorAll('.tl-row.highlight')).map((r: ElLike) => Number(r.dataset['index'])));
    assert.deepEqual(highlighted, [group]);
    assert.equal(await row.getAttribute('aria-expanded'), 'false');
    assert.match((await page.locator('#tl-live').textContent()) ?? '', /; 1 group of sequential calls highlighted/);
    await page.screenshot({ path: 'test-results/waterfall-grouped.png' });
    await page.locator('.tl-finding').nth(seq).click();

    // The filter: "GetItem" shows the group (its operation) with the calls and their ancestors (the
    // stage, the Lambda call, the two function segments and the Invocation): 5 + 380 spans, and the group.
    await page.locator('.tl-filter').fill('GetItem');
    await page.waitForFunction(() => (globalThis as unknown as WinLike).document.querySelector('.tl-filter-count')?.textContent === '385 of 387 spans');
    assert.equal(await row.isVisible(), true);
    assert.match((await row.getAttribute('class')) ?? '', /\bmatch\b/);
    await page.locator('.tl-filter').fill('Overhead');
    await page.waitForFunction(() => /^\d of 387 spans$/.test((globalThis as unknown as WinLike).document.querySelector('.tl-filter-count')?.textContent ?? ''));
    assert.equal(await page.locator(`.tl-row[data-index="${group}"]:not([hidden])`).count(), 0);
    assert.deepEqual(await violations(), []);
  } finally {
    await page.close();
  }
});
