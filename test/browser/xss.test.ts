// A hostile X-Ray file (script, markup and javascript: URLs in every field a trace can carry:
// names, HTTP, annotations, metadata, AWS fields, exception stacks with paths out of the
// workspace) goes the way a user's file goes: the ingest parser, analyze(), the host's model
// (buildWaterfall with the workspace frame resolver), the page under the panel's own CSP in
// Chromium. Every row and every link is clicked: nothing executes, no markup is created from data,
// the text shows literally, and no openSource outside the workspace is posted, nor honoured by the
// host's rule (OpenableFiles) when a page script forges one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { PROTOCOL_VERSION } from '../../src/protocol';
import { readInputs } from '../../src/ingest/files';
import { analyze } from '../../src/core/analyze';
import { buildWaterfall, waterfallEntries } from '../../src/ui/waterfallSnapshot';
import { fileInsideFolders, workspaceFrameResolver } from '../../src/ui/frameResolver';
import { OpenableFiles } from '../../src/ui/openableFiles';
import { RestoreKeys } from '../../src/ui/restoreKeys';
import type { ElLike, WinLike } from '../waterfall/browserGlobals';
import { closeHarness, launch, openWaterfall } from '../waterfall/pageHarness';
import { apiTrace, batchGetTraces, type Doc } from '../builders/traceBuilder';

const IMG = '<img src=x onerror="window.__pwned=1;alert(1)">';
const SCRIPT = '<script>window.__pwned=2</script>';
const CLOSE = '</script><script>window.__pwned=3</script><!--';
const JS_URL = 'javascript:window.__pwned=4';
const SVG = '<svg onload="window.__pwned=5"></svg>';
const STYLE = '<style>body{display:none}</style>';
const LINK = '[x](command:timeoutLens.trySampleAccount)';

let browser: Browser;
let root: string;
let ws: string;
before(async () => {
  browser = await launch();
  // The workspace: a handler the stack names, and links inside it that point out of it.
  root = mkdtempSync(join(tmpdir(), 'tl-xss-'));
  ws = join(root, 'ws');
  mkdirSync(join(ws, 'src'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(ws, 'src', 'handler.js'), 'exports.handler = async () => {};\n');
  writeFileSync(join(root, 'outside', 'secret.txt'), 'secret\n');
  symlinkSync(join(root, 'outside', 'secret.txt'), join(ws, 'src', 'leak.js'));
  symlinkSync(join(root, 'outside'), join(ws, 'out-link'));
});
after(async () => {
  await browser?.close();
  await closeHarness();
  rmSync(root, { recursive: true, force: true });
});

/** The paths a hostile stack can name: one real workspace file, the rest out of the workspace. */
function hostileStack(): Array<{ path: string; line: number; label: string }> {
  return [
    { path: '/var/task/src/handler.js', line: 1, label: SVG },
    { path: '../../etc/hostname', line: 2, label: IMG },
    { path: `${ws}/../../../../../../../etc/hostname`, line: 3, label: STYLE },
    { path: '/etc/passwd', line: 4, label: LINK },
    { path: '/var/task/src/leak.js', line: 5, label: CLOSE },
    { path: `${ws}/out-link/secret.txt`, line: 6, label: SCRIPT },
    { path: JS_URL, line: 7, label: JS_URL },
    { path: IMG, line: 8, label: IMG },
  ];
}

/** A REST 504 whose every string field is hostile, as segment documents in a BatchGetTraces file. */
function hostileFile(): { text: string; traceId: string } {
  const t = apiTrace({
    api: `${IMG}/${SCRIPT}`,
    method: 'POST',
    path: `/prod/${IMG}/${LINK}`,
    status: 504,
    gatewayEnd: 29_012,
    functionEnd: 33_490,
    initMs: 1_200,
    functionName: `fn-${SVG}`,
    calls: [
      {
        name: SCRIPT,
        namespace: 'aws',
        operation: IMG,
        table: SCRIPT,
        start: 1_300,
        end: 31_000,
        annotations: { [IMG]: SCRIPT, note: CLOSE },
        extra: {
          aws: { operation: IMG, table_name: SCRIPT, request_id: CLOSE, [IMG]: SVG },
          metadata: { default: { [SVG]: { [STYLE]: JS_URL }, plain: IMG } },
          fault: true,
          cause: { working_directory: '/var/task', exceptions: [{ id: 'e1', type: IMG, message: CLOSE, stack: hostileStack() }] },
        },
      },
      { name: JS_URL, namespace: 'remote', start: 31_000, end: 33_000, url: JS_URL, method: SCRIPT, status: 500, extra: { cause: { working_directory: '/var/task', exceptions: [{ id: 'e2', type: SVG, message: STYLE, stack: hostileStack().reverse() }] } } },
    ],
  });
  const stage = t.docs[0] as Doc;
  (stage.http as { request: Record<string, unknown> }).request.user_agent = CLOSE;
  stage.annotations = { ...(stage.annotations as object), [SVG]: IMG };
  stage.metadata = { default: { [IMG]: LINK } };
  const other = apiTrace({ api: `${SVG}/${STYLE}`, method: 'GET', path: `/prod/${CLOSE}`, functionName: `fn-${IMG}` });
  return { text: batchGetTraces(t, other), traceId: t.traceId };
}

test('a hostile X-Ray file through the parser and the engine renders as text; every row and link clicked, nothing runs or opens outside the workspace', async () => {
  // The user's path: a file on disk, read and analyzed as Open Trace File does, the host's model.
  const { text, traceId } = hostileFile();
  const file = join(root, 'hostile-traces.json');
  writeFileSync(file, text);
  const inputs = await readInputs([file]);
  assert.deepEqual(inputs.errors ?? [], [], 'the parser read the file');
  const { report, analyzed } = analyze(inputs);
  const entries = waterfallEntries(analyzed, report.findings);
  const entry = entries.find((e) => e.trace.traceId === traceId);
  assert.ok(entry, 'the hostile trace was parsed');
  const restoreKey = new RestoreKeys({ get: () => undefined, update: async () => undefined }).keyFor([file]);
  const model = buildWaterfall(entry.trace, entry.report, { others: entries.map((e) => e.report), resolveFrame: workspaceFrameResolver([ws]), restoreKey });
  const snap = model.snapshot;
  assert.ok(snap.spans.count >= 8 && snap.spans.count <= 20, `every row fits on the page (${snap.spans.count})`);
  assert.ok(entry.report.findings.length > 0, 'the engine found something to say');
  // What the host would let the webview open: the files its details replies offer.
  const openable = new OpenableFiles();
  for (let i = 0; i < snap.spans.count; i++) {
    const d = model.details(i);
    if (d) openable.add(d);
  }
  const handler = join(ws, 'src', 'handler.js');
  assert.ok(openable.has(handler), 'the workspace frame is a link');

  const { page, posted, violations, html, waitForDetails } = await openWaterfall(browser, model);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  try {
    assert.ok(!html.includes(CLOSE), 'the inline JSON cannot close its script element');
    assert.ok(!html.includes(file) && !html.includes('hostile-traces'), 'the page holds an opaque restore key, not the file');
    for (const f of await page.locator('.tl-finding').all()) await f.click();
    const seen: string[] = [];
    let links = 0;
    for (let i = 0; i < snap.spans.count; i++) {
      await page.locator(`.tl-row[data-index="${i}"]`).click();
      // The host's details of the span (every hostile field of it) are drawn too.
      await waitForDetails();
      seen.push((await page.locator('.tl-details').textContent()) ?? '');
      for (const link of await page.locator('.tl-details .tl-link').all()) {
        await link.click();
        links++;
      }
    }
    await page.waitForTimeout(200);
    assert.ok(links > 0, 'the frame links were clicked');

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
      };
    });
    assert.equal(probe.pwned, null, 'no payload ran');
    assert.deepEqual(dialogs, []);
    assert.equal(probe.scripts, 2, 'only the state and the nonce’d bundle');
    assert.equal(probe.imgs + probe.svgs + probe.styles + probe.links + probe.hrefs + probe.handlers, 0, 'no markup from data');
    assert.ok(probe.bodyVisible);
    const shown = [probe.text, ...seen].join('\n');
    for (const s of [IMG, SCRIPT, CLOSE, JS_URL, SVG, STYLE, LINK]) assert.ok(shown.includes(s), `shows ${s} literally`);

    // What the clicks posted: only the workspace file, which the host's rule opens.
    const opens = (await posted()).filter((m) => m.type === 'openSource');
    assert.ok(opens.length > 0);
    for (const m of opens) {
      assert.equal(m.file, handler, `posted ${String(m.file)}`);
      assert.deepEqual(openable.check(handler, [ws]), { ok: true, file: handler });
    }
    // A script in the page could post anything: the host's rule refuses all of it.
    const forged = [`${ws}/../../etc/hostname`, '/etc/hostname', join(ws, 'src', 'leak.js'), join(ws, 'out-link', 'secret.txt'), `${ws}/src/../src/handler.js`, JS_URL, file];
    await page.evaluate(
      ({ files, v }) => {
        const api = (globalThis as unknown as { acquireVsCodeApi(): { postMessage(m: unknown): void } }).acquireVsCodeApi();
        for (const f of files) api.postMessage({ type: 'openSource', v, file: f, line: 1 });
      },
      { files: forged, v: PROTOCOL_VERSION },
    );
    const all = (await posted()).filter((m) => m.type === 'openSource').map((m) => String(m.file));
    for (const f of forged) {
      assert.ok(all.includes(f), 'the forged message reached the host');
      assert.equal(openable.check(f, [ws]).ok, false, `the host refuses ${f}`);
      if (f !== `${ws}/src/../src/handler.js`) assert.equal(fileInsideFolders(f, [ws]), undefined, `${f} is outside the workspace`);
    }
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
