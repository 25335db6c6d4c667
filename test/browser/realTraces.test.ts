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
    assert.equal(await page.locator('.tl-filter-count').textContent(), `${snap.spans.count} spans`);
    await page.screenshot({ path: 'test-results/waterfall-real-big-dark.png' });
  } finally {
    await page.close();
  }
});
