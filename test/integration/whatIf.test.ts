// The "What if" strip in the real VS Code, on the sample account's 504: Try the Sample Account
// opens the worst request of orders-api; the strip lists its fixes with the smallest that is
// enough labelled; turning that one on by keyboard (`i`, then the arrows, then Space) redraws the
// bars as predicted — the host computes them from the run's own analysis — and the summary reads
// the predicted total under the budget; Space again brings the measured bars back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';

let server: VSCodeServer;
let wb: Workbench;

before(async () => {
  server = await startVSCode({});
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
});

test('the sample account’s 504: a what-if fix toggled by keyboard redraws the bars as predicted', async () => {
  await wb.runCommand('Timeout Lens: Try the Sample Account');
  await waitFor('the waterfall of a 504', async () => {
    try {
      return /orders-api\/prod/.test(await wb.webviewText('body')) ? true : undefined;
    } catch {
      return undefined;
    }
  }, 90_000);
  const view = wb.webview();
  const toggles = view.locator('.tl-whatif-toggle');
  await waitFor('the what-if fixes', async () => ((await toggles.count()) > 0 ? true : undefined), 20_000);
  const names = await toggles.allInnerTexts();
  const enough = names.findIndex((n) => /enough on its own/.test(n));
  assert.ok(enough >= 0, `the smallest fix that is enough is labelled (${names.join(' | ')})`);
  // By keyboard: into the page (the span list), i to the strip, the arrows to that fix, Space.
  await view.locator('#tl-spans').focus();
  await wb.page.keyboard.press('i');
  await wb.page.keyboard.press('Home');
  for (let k = 0; k < enough; k++) await wb.page.keyboard.press('ArrowRight');
  await wb.page.keyboard.press(' ');
  await waitFor('the predicted bars', async () => ((await view.locator('.tl-whatif.predicting').count()) === 1 ? true : undefined), 20_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-waterfall-what-if-failed');
    throw e;
  });
  assert.equal(await toggles.nth(enough).getAttribute('aria-pressed'), 'true');
  assert.ok((await view.locator('.tl-bar.predicted').count()) > 0, 'bars drawn as predicted');
  assert.match(await wb.webviewText('.tl-summary'), /Predicted: [\d.]+ m?s · [\d.]+ m?s under the [\d.]+ s budget \(≥ 20 % headroom ✓\)/);
  // The badge is drawn in capitals (text-transform), which innerText reads as drawn.
  assert.match(await wb.webviewText('.tl-whatif'), /Prediction/i);
  await wb.screenshot('vscode-waterfall-what-if');
  await wb.page.keyboard.press(' ');
  await waitFor('the measured bars again', async () => ((await view.locator('.tl-bar.predicted').count()) === 0 ? true : undefined), 20_000);
  assert.doesNotMatch(await wb.webviewText('.tl-summary'), /Predicted/);
});
