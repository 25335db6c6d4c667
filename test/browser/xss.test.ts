// Hostile strings in every field a trace can carry (names, annotations, URLs, metadata, stack
// frames, findings, the trace list) rendered in Chromium under the panel's own CSP: nothing
// executes, no markup is created from data, and the text shows literally.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { PROTOCOL_VERSION } from '../../src/protocol';
import { buildWaterfall } from '../../src/ui/waterfallSnapshot';
import type { ElLike, WinLike } from '../waterfall/browserGlobals';
import { closeHarness, launch, openWaterfall } from '../waterfall/pageHarness';
import { finding, report, span, trace } from '../builders/modelBuilder';

const IMG = '<img src=x onerror="window.__pwned=1;alert(1)">';
const SCRIPT = '<script>window.__pwned=2</script>';
const CLOSE = '</script><script>window.__pwned=3</script><!--';
const JS_URL = 'javascript:window.__pwned=4';
const SVG = '<svg onload="window.__pwned=5"></svg>';
const STYLE = '<style>body{display:none}</style>';

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await closeHarness();
});

function hostileModel(): ReturnType<typeof buildWaterfall> {
  const root = span({
    id: 'f000000000000001',
    name: IMG,
    kind: 'front-door',
    origin: SVG,
    isSegment: true,
    start: 0,
    end: 29010,
    fault: true,
    http: { method: SCRIPT, url: JS_URL, userAgent: CLOSE, status: 504 },
    annotations: { [IMG]: SCRIPT, note: CLOSE },
    metadata: { [SVG]: { [STYLE]: JS_URL }, plain: IMG },
    children: [
      {
        id: 'f000000000000002',
        name: CLOSE,
        kind: 'function',
        start: 5,
        end: 31000,
        aws: { operation: IMG, tableName: SCRIPT, requestId: CLOSE, extra: { [IMG]: SVG } },
        cause: {
          workingDirectory: SCRIPT,
          exceptions: [
            {
              type: IMG,
              message: CLOSE,
              stack: [
                { path: JS_URL, line: 1, label: SVG },
                { path: IMG, line: 2, label: STYLE },
              ],
            },
          ],
        },
        children: [{ id: 'f000000000000003', name: SCRIPT, kind: 'downstream', namespace: 'remote', start: 10, end: 30990, http: { url: JS_URL } }],
      },
    ],
  });
  const t = trace([root], '1-00000000-0000000000000000000000x5');
  const r = report({
    traceId: t.traceId,
    totalMs: 29010,
    verdict: 'timeout',
    cutAtMs: 29010,
    afterCutMs: 1990,
    entry: { kind: 'rest-api', name: IMG, method: SCRIPT, url: JS_URL, status: 504 },
    breakdown: { gatewayMs: 5, coldStartMs: 0, coldStartKind: null, handlerMs: 30990, overheadMs: 0, downstream: [{ name: SVG, operation: IMG, namespace: 'remote', ms: 30980, calls: 1 }] },
    findings: [finding({ id: 'work-after-cut', title: IMG, detail: SCRIPT, fix: CLOSE, evidence: { [SVG]: JS_URL, list: [IMG, STYLE] }, spanIds: ['f000000000000003'] })],
  });
  const other = report({ traceId: '1-00000000-0000000000000000000000x6', totalMs: 10, entry: { kind: 'rest-api', name: SVG, method: IMG, url: CLOSE, status: 200 } });
  // The resolver marks the javascript: frame as a "workspace file": even then it must stay data.
  return buildWaterfall(t, r, { others: [other], resolveFrame: (p) => (p === JS_URL ? JS_URL : undefined) });
}

test('hostile strings render as text under the panel CSP, and nothing executes', async () => {
  const model = hostileModel();
  const snap = model.snapshot;
  const { page, posted, violations, html, waitForDetails } = await openWaterfall(browser, model);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  try {
    assert.ok(!html.includes(CLOSE), 'the inline JSON cannot close its script element');
    // Open every panel that shows data: select each row, click the finding, follow the frame link.
    await page.locator('.tl-finding').first().click();
    for (let i = 0; i < snap.spans.count; i++) {
      await page.locator(`.tl-row[data-index="${i}"]`).click();
      // The host's details of the span (every hostile field of it) are drawn too.
      await waitForDetails();
      await page.waitForTimeout(20);
    }
    await page.locator('.tl-row[data-index="1"]').click();
    await page.locator('.tl-details .tl-link', { hasText: JS_URL }).click();
    await page.waitForTimeout(200);

    const probe = await page.evaluate(() => {
      const w = globalThis as unknown as WinLike;
      const d = w.document;
      return {
        pwned: w['__pwned'] ?? null,
        scripts: d.querySelectorAll('script').length,
        imgs: d.querySelectorAll('img').length,
        svgs: d.querySelectorAll('svg').length,
        styles: d.querySelectorAll('style').length,
        links: d.querySelectorAll('a').length,
        hrefs: d.querySelectorAll('[href]').length,
        handlers: Array.from(d.querySelectorAll('*')).filter((e: ElLike) => e.getAttribute('onerror') !== null || e.getAttribute('onload') !== null).length,
        bodyVisible: w.getComputedStyle(d.body).getPropertyValue('display') !== 'none',
        text: d.body.textContent ?? '',
        rowLabel: d.querySelector('.tl-row[data-index="0"] .tl-label')?.textContent ?? null,
        entryName: d.querySelector('.tl-entry-name')?.textContent ?? null,
      };
    });
    assert.equal(probe.pwned, null, 'no payload ran');
    assert.deepEqual(dialogs, []);
    assert.equal(probe.scripts, 2, 'only the state and the nonce’d bundle');
    assert.equal(probe.imgs + probe.svgs + probe.styles + probe.links + probe.hrefs + probe.handlers, 0, 'no markup from data');
    assert.ok(probe.bodyVisible);
    assert.equal(probe.rowLabel, IMG);
    assert.equal(probe.entryName, IMG);
    for (const s of [IMG, SCRIPT, CLOSE, JS_URL, SVG, STYLE]) assert.ok(probe.text.includes(s), `shows ${s} literally`);
    // The frame link is a button that posts data; the host decides (and refuses non-workspace paths).
    const open = (await posted()).find((m) => m.type === 'openSource');
    assert.deepEqual(open, { type: 'openSource', v: PROTOCOL_VERSION, file: JS_URL, line: 1 });
    assert.deepEqual(await violations(), [], 'nothing even tried to load or run');
  } finally {
    await page.close();
  }
});

test('the CSP itself blocks an injected inline script and inline style (defence in depth)', async () => {
  const { page, violations } = await openWaterfall(browser, null);
  try {
    await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { createElement(t: string): { textContent: string; setAttribute(a: string, b: string): void }; body: { appendChild(n: unknown): void } } }).document;
      const s = d.createElement('script');
      s.textContent = 'window.__pwned = 9';
      d.body.appendChild(s);
      const st = d.createElement('div');
      st.setAttribute('style', 'display:none');
      d.body.appendChild(st);
    });
    await page.waitForTimeout(100);
    assert.equal(await page.evaluate(() => (globalThis as unknown as WinLike)['__pwned'] ?? null), null);
    const v = await violations();
    assert.ok(v.some((x) => x.startsWith('script-src')), `script blocked: ${v.join(', ')}`);
    assert.ok(v.some((x) => x.startsWith('style-src')), `inline style blocked: ${v.join(', ')}`);
    assert.match((await page.locator('.tl-empty').textContent()) ?? '', /No trace to show/);
  } finally {
    await page.close();
  }
});
