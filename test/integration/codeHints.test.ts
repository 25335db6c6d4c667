// Hints where the code is, in the real VS Code on a copy of the demo folder (the orders team's
// SAM app and the catalog team's Serverless Framework Python service): the template's 60 s
// timeout behind a 29 s API is a warning with a quick fix that sets 28 s, and serverless.yml's
// 35 s behind the 30 s HTTP API another; after Trace 504 on the sample account the handler in
// src/reports.js carries a CodeLens and a hover with the worst request's breakdown, and the
// GetItem line inside the loop the loop hint; the Python handler gets the same from its CodeLens.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';

let server: VSCodeServer;
let wb: Workbench;

before(async () => {
  // A copy: the quick fix edits the template.
  const workspace = join(mkdtempSync(join(tmpdir(), 'tl-code-')), 'demo');
  cpSync(join(process.cwd(), 'demo'), workspace, { recursive: true });
  server = await startVSCode({ workspace, settings: { 'editor.inlayHints.enabled': 'on' } });
  wb = await Workbench.open(server);
});

after(async () => {
  if (process.env.TL_DEBUG_LOG) console.log(wb?.outputChannelLog('Timeout Lens'));
  await wb?.close();
  await server?.stop();
});

test('the template: a 60 s function behind the 29 s API is a warning, and its quick fix sets 28 s', async () => {
  await wb.openFile('template.yaml');
  const rows = await waitFor('the Problems row of ReportsFunction', async () => {
    const r = await wb.problems();
    return r.some((x) => /ReportsFunction/.test(x) && /29/.test(x)) ? r : undefined;
  }, 60_000);
  const row = rows.find((x) => /ReportsFunction/.test(x))!;
  assert.match(row, /longer than the API waits|may run 60/);
  // The line that sets the timeout: `Timeout: 60` in ReportsFunction (line 49, counted in the file).
  assert.match(row, /\[Ln 49, Col 16\]/);
  assert.ok(!rows.some((x) => /ListOrdersFunction|GetOrderFunction/.test(x)), `28 s and 10 s fit in 29 s (${rows.join(' | ')})`);
  // serverless.yml: the provider's 35 s timeout (line 14, the value at column 12) behind the HTTP API's 30 s.
  const sls = rows.find((x) => /\bsearch\b/.test(x) && /30/.test(x));
  assert.ok(sls, `a row for the catalog's search function (${rows.join(' | ')})`);
  assert.match(sls, /\[Ln 14, Col 12\]/);
  await wb.screenshot('vscode-code-template-warning');
  // The quick fix, by keyboard: go to the line and column the row names, Ctrl+. and the fix.
  await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await wb.page.keyboard.press('Control+G');
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'visible' });
  await wb.page.keyboard.type('49:16');
  await wb.page.keyboard.press('Enter');
  await wb.page.keyboard.press('Control+.');
  // The preferred fix is the focused row: Enter applies it.
  const fix = wb.page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Set the timeout to 28 s' }).first();
  await fix.waitFor({ timeout: 15_000 });
  await wb.screenshot('vscode-code-template-quick-fix');
  await wb.page.keyboard.press('Enter');
  const text = await waitFor('Timeout: 28 in the editor', async () => {
    const t = await wb.editorText();
    return /Timeout: 28\b/.test(t) && !/Timeout: 60\b/.test(t) ? t : undefined;
  }, 15_000);
  assert.match(text, /Timeout: 28/);
  await waitFor('the warning gone', async () => ((await wb.problems()).some((x) => /ReportsFunction/.test(x)) ? undefined : true), 20_000);
});

test('before any trace the handler offers Trace 504; after it, the CodeLens, the hover and the loop hint', async () => {
  await wb.openFile('reports.js');
  const before = await waitFor('a CodeLens on the handler', async () => {
    const l = await wb.codeLenses();
    return l.length ? l : undefined;
  }, 60_000);
  assert.equal(before.length, 1);
  assert.match(before[0]!, /^\W*Trace 504 for this function$/);
  // The sample account's own run: Trace 504 on orders-api over the last hour.
  await wb.runCommand('Timeout Lens: Try the Sample Account');
  await waitFor('the waterfall of the 504', async () => ((await wb.webviewTexts('body')).some((t) => /orders-api\/prod/.test(t)) ? true : undefined), 90_000);
  await wb.openFile('reports.js');
  const lens = await waitFor('the CodeLens with the numbers', async () => (await wb.codeLenses()).find((l) => /p99/.test(l)), 30_000);
  // p99 of POST /reports against its 29 s budget, its 504s over the hour, its cold starts.
  assert.match(lens, /^\W*p99 \d+\.\d s of 29 s · \d+ × 504 \(1 h\)( · cold start \+[\d.]+ (s|ms))?$/);
  const hint = await waitFor('the loop hint on the GetItem line', async () => {
    const line = await wb.lineWithHints('ddb.send');
    return /DynamoDB GetItem · \d+× in a loop/.test(line) ? line : undefined;
  }, 30_000);
  assert.match(hint, /DynamoDB GetItem · \d+× in a loop · \d+\.\d s · \d+ % of budget/);
  // Room for the line and its hint, as on a wide screen, for the pictures.
  await wb.page.setViewportSize({ width: 1900, height: 900 });
  await wb.page.keyboard.press('Control+J');
  await wb.page.waitForTimeout(500);
  await wb.screenshot('vscode-code-handler-hints');
  const handlerHover = await wb.hoverLine('exports.handler', 'handler', 'vscode-code-handler-hover');
  assert.match(handlerHover, /orders-api-reports/);
  assert.match(handlerHover, /POST \/reports/);
  assert.match(handlerHover, /Worst request/);
  assert.match(handlerHover, /DynamoDB GetItem × \d+/);
  assert.match(handlerHover, /Fix:/);
  const callHover = await wb.hoverLine('ddb.send', 'send', 'vscode-code-call-hover');
  assert.match(callHover, /DynamoDB GetItem/);
  assert.match(callHover, /inside a loop/);
  assert.match(callHover, /BatchGetItemCommand/);
  await wb.page.setViewportSize({ width: 1400, height: 900 });
  // The CodeLens opens the worst request.
  await wb.page.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: 'p99' }).first().click();
  await waitFor('the waterfall of orders-api-reports', async () => ((await wb.webviewTexts('body')).some((t) => /orders-api-reports/.test(t) && /504/.test(t)) ? true : undefined), 30_000);
  // Both directions: a GetItem span's details offer "Go to code", which opens the call's line.
  // The panel opens on its worst span, scrolled to it: back to the top rows first (recycled rows are hidden).
  await wb.webview().locator('#tl-spans').press('Home');
  await wb.webview().locator('.tl-row:not([hidden])', { hasText: 'GetItem' }).first().click();
  const go = wb.webview().locator('button, a', { hasText: 'Go to code' }).first();
  await go.waitFor({ timeout: 20_000 });
  assert.match(await wb.webview().locator('.tl-details').first().innerText(), /reports\.js:13/);
  await wb.screenshot('vscode-code-go-to-code');
  await go.click();
  let seen = '';
  await waitFor('reports.js at the GetItem line', async () => {
    const status = await wb.page.locator('.statusbar').innerText();
    const tab = await wb.page.locator('.tabs-container .tab.active').allInnerTexts();
    seen = `status bar: ${status.replace(/\s+/g, ' ')}; active tabs: ${tab.join(' | ')}`;
    // VS Code 1.139 writes the tab as "reports" with ".js" apart.
    return /Ln 13,/.test(status) && tab.some((t) => /\breports\b/.test(t)) ? true : undefined;
  }, 20_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-code-go-to-code-failed');
    throw new Error(`${e instanceof Error ? e.message : e} (last seen: ${seen})`);
  });
});

test('the Python handler of the Serverless Framework service: its CodeLens runs Trace 504, then the hints follow', async () => {
  await wb.openFile('handler.py');
  const lens = wb.page.locator('.editor-instance .monaco-editor .codelens-decoration a', { hasText: 'Trace 504 for this function' }).first();
  await lens.waitFor({ timeout: 60_000 });
  await lens.click();
  // The function's deployed name comes from serverless.yml: <service>-<stage>-<key>.
  await waitFor('the window quick pick', async () => ((await wb.quickPickItems()).some((l) => /Last hour/.test(l)) ? true : undefined), 20_000);
  await wb.pickQuickItem('Last hour');
  await waitFor('the waterfall of the function', async () => ((await wb.webviewTexts('body')).some((t) => /catalog-api-prod-search/.test(t)) ? true : undefined), 90_000);
  await wb.openFile('handler.py');
  const text = await waitFor('the CodeLens with the numbers', async () => (await wb.codeLenses()).find((l) => /p99/.test(l)), 90_000);
  // The HTTP API's 30 s budget, which API Gateway never traces: the 504s are inferred from it.
  assert.match(text, /^\W*p99 \d+\.\d s of 30 s · \d+ × 504 \(1 h\)/);
  const partner = await waitFor('the hint on the partner call', async () => {
    const line = await wb.lineWithHints('requests.get');
    return /search\.partner\.example · 1× · \d+\.\d s · \d+ % of budget/.test(line) ? line : undefined;
  }, 30_000);
  assert.doesNotMatch(partner, /in a loop/);
  await wb.page.setViewportSize({ width: 1900, height: 900 });
  await wb.screenshot('vscode-code-python-hints');
  const callHover = await wb.hoverLine('requests.get', 'get', 'vscode-code-python-call-hover');
  assert.match(callHover, /search\.partner\.example/);
  // The fix in the handler's language.
  assert.match(callHover, /requests\.get\(url, timeout=/);
  const handlerHover = await wb.hoverLine('def search', 'search');
  assert.match(handlerHover, /catalog-api-prod-search/);
  assert.match(handlerHover, /GET \/search/);
  assert.match(handlerHover, /30 s/);
});

test('the Trace 504 picker lists the functions whose handlers are in the workspace first, with their handler', async () => {
  await wb.page.keyboard.press('Escape');
  await wb.runCommand('Timeout Lens: Trace 504');
  const items = await waitFor('the workspace functions and the APIs', async () => {
    const l = await wb.quickPickRows();
    return l.some((x) => /orders-api-reports/.test(x)) && l.some((x) => /REST API/.test(x)) ? l : undefined;
  }, 30_000);
  await wb.screenshot('vscode-trace504-picker-workspace');
  await wb.page.keyboard.press('Escape');
  const firstApi = items.findIndex((x) => /REST API|HTTP API/.test(x));
  const reports = items.findIndex((x) => /orders-api-reports/.test(x));
  assert.ok(reports >= 0 && reports < firstApi, `orders-api-reports before the APIs (${items.join(' | ')})`);
  assert.match(items[reports]!, /handler (demo\/)?orders-api\/src\/reports\.js/);
  // (The group's separator label shows on its first row, which the list may have scrolled past.)
  // A function no template names stays below, with the others.
  const other = items.findIndex((x) => /nightly-export/.test(x));
  assert.ok(other < 0 || other > firstApi, `nightly-export among the others (${items.join(' | ')})`);
});
