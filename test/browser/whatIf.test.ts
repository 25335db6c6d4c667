// The "What if" strip on the N+1 504 (test/fixtures/xray/built_rest_504_lambda_runs_on.json),
// through the real parser, engine, snapshot and the panel's own what-if answer, in Chromium: the
// strip lists the trace's fixes, toggling "Batch" by keyboard redraws the bars where the
// prediction puts them (checked in pixels against the axis scale), the summary and the live region
// read the predicted total, a stale answer is dropped, and toggling off restores the measured bars.
// Hand-worked times (test/unit/whatIf/timeline.test.ts): the stage 0 → 29 012 measured, 0 → 3 570
// predicted; the 380 GetItem (2 300 → 32 700 one after another) batched into 4 × 120 ms, the group
// row 2 300 → 2 780.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { analyze } from '../../src/core/analyze';
import { parseTraceText } from '../../src/ingest/xray';
import { PROTOCOL_VERSION } from '../../src/protocol';
import { buildWaterfall, waterfallEntries } from '../../src/ui/waterfallSnapshot';
import type { WinLike } from '../waterfall/browserGlobals';
import { closeHarness, launch, openWaterfall } from '../waterfall/pageHarness';
import { apiTrace, batchGetTraces, sequential } from '../builders/traceBuilder';

let browser: Browser;
before(async () => {
  mkdirSync('test-results', { recursive: true });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await closeHarness();
});

const FILE = 'built_rest_504_lambda_runs_on.json';
const BATCH = 'batch-calls:DynamoDB GetItem';

function load(): { model: ReturnType<typeof buildWaterfall>; entry: ReturnType<typeof waterfallEntries>[number] } {
  const { analyzed, report } = analyze(parseTraceText(readFileSync(`test/fixtures/xray/${FILE}`, 'utf8'), FILE));
  const entry = waterfallEntries(analyzed, report.findings)[0]!;
  return { entry, model: buildWaterfall(entry.trace, entry.report) };
}

async function bar(page: Page, index: number): Promise<{ x: number; width: number; cls: string }> {
  const loc = page.locator(`.tl-row[data-index="${index}"] .tl-bar`);
  const box = (await loc.boundingBox())!;
  return { x: box.x, width: box.width, cls: (await loc.getAttribute('class')) ?? '' };
}

const near = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) <= 1.5, `${what}: ${actual.toFixed(1)} px, expected ${expected.toFixed(1)} px`);

test('what if: the strip lists the fixes; Batch by keyboard redraws the group row as predicted, the summary reads the predicted total; off restores', async () => {
  const { model, entry } = load();
  const fixes = entry.report.whatIf!.fixes;
  assert.equal(entry.report.whatIf!.enough?.fixIds[0], BATCH);
  const { page, violations } = await openWaterfall(browser, model, { whatIf: { trace: entry.trace, source: entry.whatIf } });
  try {
    const toggles = page.locator('.tl-whatif-toggle');
    assert.equal(await toggles.count(), fixes.length);
    assert.deepEqual(await page.locator('.tl-whatif-name').allTextContents(), fixes.map((f) => f.title));
    const batchAt = fixes.findIndex((f) => f.id === BATCH);
    const batch = toggles.nth(batchAt);
    assert.match((await batch.textContent()) ?? '', /Batch the 380 DynamoDB GetItem calls with BatchGetItem → 3\.57 s ✓enough on its own/);
    for (let k = 0; k < fixes.length; k++) assert.equal(await toggles.nth(k).getAttribute('aria-pressed'), 'false');

    // The scale from the measured stage bar (0 → 29 012 ms) and the group row (2 300 → 32 700 ms).
    const stage = model.spans.findIndex((s) => s.origin === 'AWS::ApiGateway::Stage');
    const g = model.snapshot.groupRows![0]!;
    const measuredStage = await bar(page, stage);
    const pxPerMs = measuredStage.width / 29_012;
    const x0 = measuredStage.x;
    const measuredGroup = await bar(page, g);
    near(measuredGroup.x, x0 + 2_300 * pxPerMs, 'the measured group row starts at 2 300 ms');
    near(measuredGroup.width, 30_400 * pxPerMs, 'and lasts 30 400 ms');
    const budgetLeft = await page.locator('.tl-budget-line').evaluate((e) => (e as unknown as { style: { left: string } }).style.left);

    // By keyboard: i to the strip, the arrows to Batch, Space.
    await page.keyboard.press('i');
    const focusedFix = (): Promise<string | null> => page.evaluate(() => (globalThis as unknown as WinLike).document.activeElement?.getAttribute('data-fix-id') ?? null);
    assert.equal(await focusedFix(), fixes[0]!.id, 'i goes to the first fix');
    await page.keyboard.press('End');
    assert.equal(await focusedFix(), fixes[fixes.length - 1]!.id);
    await page.keyboard.press('Home');
    for (let k = 0; k < batchAt; k++) await page.keyboard.press('ArrowRight');
    assert.equal(await focusedFix(), BATCH);
    await page.keyboard.press(' ');
    await page.waitForSelector('.tl-whatif.predicting');
    assert.equal(await batch.getAttribute('aria-pressed'), 'true');
    const posted = (await (await openPosted(page))).filter((m) => m.type === 'requestWhatIf');
    assert.deepEqual(posted.map((m) => m['fixIds']), [[BATCH]]);

    const predictedGroup = await bar(page, g);
    assert.match(predictedGroup.cls, /\bpredicted\b/);
    near(predictedGroup.x, x0 + 2_300 * pxPerMs, 'the predicted group row starts at 2 300 ms');
    near(predictedGroup.width, 480 * pxPerMs, 'and lasts 4 × 120 = 480 ms');
    const predictedStage = await bar(page, stage);
    near(predictedStage.x, x0, 'the stage still starts at 0');
    near(predictedStage.width, 3_570 * pxPerMs, 'and ends at the predicted 3 570 ms');
    assert.equal(await page.locator('.tl-budget-line').evaluate((e) => (e as unknown as { style: { left: string } }).style.left), budgetLeft, 'the budget line stays');
    assert.equal(await page.locator('.tl-ghost-line').count(), 1, 'the measured end, faint');

    const expected = 'Predicted: 3.57 s · 25.4 s under the 29.0 s budget (≥ 20 % headroom ✓)';
    assert.ok(((await page.locator('.tl-summary').textContent()) ?? '').includes(expected), 'the summary reads the predicted total');
    assert.equal(await page.locator('.tl-whatif .tl-whatif-text').textContent(), expected);
    assert.equal(await page.locator('.tl-whatif .tl-prediction-badge').textContent(), 'Prediction');
    assert.match((await page.locator('.tl-whatif-legend').textContent()) ?? '', /dashed outline, lighter fill: a bar as predicted/);
    assert.equal((await page.locator('#tl-live').textContent())?.trim(), 'Predicted with Batch the 380 DynamoDB GetItem calls with BatchGetItem: 3.57 s, 25.4 s under the budget');
    assert.match((await page.locator(`.tl-row[data-index="${g}"]`).getAttribute('aria-label')) ?? '', /DynamoDB GetItem × 380, one after another, orders, predicted 480 ms/);
    await page.screenshot({ path: 'test-results/waterfall-what-if.png' });

    // An answer for another set of fixes (late, or of another trace) is dropped.
    await page.evaluate(
      (m) => (globalThis as unknown as WinLike).postMessage(m, '*'),
      { type: 'whatIf', v: PROTOCOL_VERSION, traceId: entry.trace.traceId, fixIds: ['queue-202'], startMs: model.snapshot.spans.startMs.map(() => 0), endMs: model.snapshot.spans.startMs.map(() => 1), totalMs: 1, fits: true, marginMs: 28_999 },
    );
    await page.waitForTimeout(50);
    near((await bar(page, g)).width, 480 * pxPerMs, 'a stale answer changes nothing');

    // Off again: the measured bars.
    await page.keyboard.press('Enter');
    await page.waitForSelector('.tl-whatif:not(.predicting)');
    assert.equal(await batch.getAttribute('aria-pressed'), 'false');
    const back = await bar(page, g);
    assert.doesNotMatch(back.cls, /\bpredicted\b/);
    near(back.width, 30_400 * pxPerMs, 'the measured group row again');
    near((await bar(page, stage)).width, measuredStage.width, 'the measured stage again');
    assert.ok(!((await page.locator('.tl-summary').textContent()) ?? '').includes('Predicted'));
    assert.equal(await page.locator('.tl-ghost-line').count(), 0);
    assert.doesNotMatch((await page.locator(`.tl-row[data-index="${g}"]`).getAttribute('aria-label')) ?? '', /predicted/);
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => (globalThis as unknown as WinLike).document.activeElement?.getAttribute('id')), 'tl-spans', 'Escape goes back to the spans');
    assert.deepEqual(await violations(), []);
  } finally {
    await page.close();
  }
});

test('what if at 100 000 spans: one answer per toggle, the group row redrawn, the rows still a few dozen elements', async () => {
  // 33 334 GetItem of 0.8 ms one after another from 40 ms, each with two children: 100 000+ spans.
  const calls = sequential(33_334, 0.8, 40, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'items' }).map((c) => ({
    ...c,
    subs: [
      { name: 'marshal', start: c.start, end: c.start + 0.2 },
      { name: 'unmarshal', start: c.start + 0.5, end: c.end },
    ],
  }));
  const text = batchGetTraces(apiTrace({ status: 504, gatewayEnd: 29_012, functionEnd: 40 + 33_334 * 0.8 + 50, calls, api: 'bulk-api/prod', path: '/prod/bulk' }));
  const { analyzed, report } = analyze(parseTraceText(text, 'big.json'));
  const entry = waterfallEntries(analyzed, report.findings)[0]!;
  const model = buildWaterfall(entry.trace, entry.report);
  assert.ok(model.snapshot.spans.count >= 100_000);
  const batch = entry.report.whatIf!.fixes.findIndex((f) => f.id === BATCH);
  assert.ok(batch >= 0, 'the batch fix applies');
  const { page } = await openWaterfall(browser, model, { whatIf: { trace: entry.trace, source: entry.whatIf } });
  try {
    const g = model.snapshot.groupRows![0]!;
    const before = await bar(page, g);
    const t0 = Date.now();
    await page.locator('.tl-whatif-toggle').nth(batch).click();
    await page.waitForSelector('.tl-whatif.predicting', { timeout: 20_000 });
    const ms = Date.now() - t0;
    process.stderr.write(`[what-if] 100 000 spans: a toggle answered and drawn in ${ms} ms\n`);
    assert.ok(ms < 15_000, `${ms} ms`);
    // ⌈33 334/100⌉ = 334 BatchGetItem calls × 1.5 × 0.8 ms = 400.8 ms instead of 26 667 ms.
    const after = await bar(page, g);
    assert.match(after.cls, /\bpredicted\b/);
    near(after.x, before.x, 'the group row starts where it did');
    near(after.width, (before.width * 400.8) / (33_334 * 0.8), 'and lasts 400.8 ms');
    assert.ok((await page.locator('.tl-row').count()) < 80, 'still a few dozen row elements');
    const posted = (await openPosted(page)).filter((m) => m.type === 'requestWhatIf');
    assert.equal(posted.length, 1, 'one request per toggle');
    // Most of the time above is this harness carrying 2 × 100 000 numbers through Playwright; in
    // the page, an answer (guard, strip, summary, the rows on screen) takes a few ms: measured on
    // one made in the page, for the set on now.
    const inPageMs = await page.evaluate(
      ({ n, traceId, fixIds, v }) => {
        const w = globalThis as unknown as WinLike & { performance: { now(): number }; dispatchEvent(e: unknown): void; MessageEvent: new (t: string, i: unknown) => unknown };
        const startMs = Array.from({ length: n }, (_, i) => i * 0.001);
        const endMs = startMs.map((x) => x + 1);
        const a = w.performance.now();
        w.dispatchEvent(new w.MessageEvent('message', { data: { type: 'whatIf', v, traceId, fixIds, startMs, endMs, totalMs: 500, fits: true, marginMs: 28_500 } }));
        return w.performance.now() - a;
      },
      { n: model.snapshot.spans.count, traceId: entry.trace.traceId, fixIds: [BATCH], v: PROTOCOL_VERSION },
    );
    process.stderr.write(`[what-if] 100 000 spans: an answer handled in the page in ${inPageMs.toFixed(0)} ms\n`);
    assert.ok(inPageMs < 250, `${inPageMs} ms`);
  } finally {
    await page.close();
  }
});

test('what if: a trace without fixes has no strip', async () => {
  const { model } = load();
  const none = { ...model, snapshot: { ...model.snapshot, report: { ...model.snapshot.report, whatIf: undefined } } } as typeof model;
  const { page } = await openWaterfall(browser, none);
  try {
    assert.equal(await page.locator('.tl-whatif').isHidden(), true);
    await page.keyboard.press('i');
    assert.equal(await page.locator('.tl-whatif-toggle').count(), 0);
  } finally {
    await page.close();
  }
});

async function openPosted(page: Page): Promise<Array<{ type: string } & Record<string, unknown>>> {
  return page.evaluate(() => (globalThis as unknown as { __posted: Array<{ type: string } & Record<string, unknown>> }).__posted);
}
