// Live Updates that speak up, in the real VS Code on the sample account: after "Try the sample
// account" (a Trace 504 run on orders-api), Toggle Live Updates follows the access log with Live
// Tail; a new 504 of POST /reports raises one notification that names the route, and its Open
// Waterfall button opens that route's worst request. The view's message says since when the
// updates are live and when a new request last came in.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';

let server: VSCodeServer;
let wb: Workbench;

before(async () => {
  server = await startVSCode({ settings: { 'timeoutLens.liveRefreshSeconds': 5 } });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
});

const NOTICE = /^\d+ new 504s? on POST \/reports \(orders-api\/prod\)$/;

test('a new 504 on the sample account raises one notification naming the route; Open Waterfall opens its worst request', async () => {
  const log = (): string => wb.outputChannelLog('Timeout Lens');
  await wb.openViewContainer('Timeout Lens');
  await wb.welcomeText('Slow Endpoints');
  await wb.viewPane('Slow Endpoints').locator('.welcome-view-content a, .welcome-view-content .monaco-button', { hasText: 'Try the sample account' }).first().click();
  await waitFor('the Trace 504 run on orders-api in the log', () => (/trace 504 orders-api .*: \d+ trace\(s\)/.test(log()) ? true : undefined), 90_000);
  await waitFor('the waterfall of its worst request', async () => ((await wb.webviewTexts('body')).some((t) => /orders-api\/prod/.test(t)) ? true : undefined), 60_000);
  // The Open Waterfall button must open a waterfall, not find one open.
  await wb.closeAllEditors();
  await waitFor('no waterfall open', async () => ((await wb.webviewTexts('body')).length === 0 ? true : undefined), 20_000);
  const opened = (): number => (log().match(/waterfall opened: /g) ?? []).length;
  const openedBefore = opened();

  await wb.runCommand('Timeout Lens: Toggle Live Updates');
  await waitFor('Live Tail following the access log', () => (/live updates: following with CloudWatch Logs Live Tail/.test(log()) ? true : undefined), 30_000);
  // POST /reports times out every few seconds at the sample account's speed.
  const text = await wb.waitForNotification(NOTICE, 120_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-live-notify-failed');
    throw e;
  });
  assert.match(log(), /live notice: \d+ new 504s? on POST \/reports \(orders-api\/prod\)/);
  assert.deepEqual(await wb.notificationButtons(NOTICE), ['Open Waterfall']);
  // One notification for the route (the next 504s within the minute wait for the next).
  assert.equal((await wb.notifications()).filter((n) => /on POST \/reports/.test(n)).length, 1, (await wb.notifications()).join(' | '));
  await wb.openViewContainer('Timeout Lens');
  const pane = wb.viewPane('Slow Endpoints');
  const message = await waitFor('the live message above the endpoints', async () => {
    const t = await pane.innerText().catch(() => '');
    return /Live since \d{1,2}:\d\d(\s?[AP]M)? \(Live Tail\) — orders-api .* · last new request \d{1,2}:\d\d:\d\d/.test(t) ? t : undefined;
  }, 30_000);
  assert.match(message, /POST \/reports/);
  await wb.screenshot('vscode-live-notify');

  await wb.clickNotificationButton(NOTICE, 'Open Waterfall');
  await waitFor('the worst request of POST /reports opened from the notification', () => (/live notice: opening \S+ of POST \/reports/.test(log()) && opened() > openedBefore ? true : undefined), 20_000);
  const body = await waitFor('its waterfall drawn', async () => (await wb.webviewTexts('body')).find((t) => /orders-api\/prod/.test(t) && /orders-api-reports/.test(t)), 30_000);
  assert.match(body, /504/);
  assert.match(body, /POST/);
  await wb.screenshot('vscode-live-notify-waterfall');
  assert.match(text, NOTICE);

  await wb.runCommand('Timeout Lens: Toggle Live Updates');
  await waitFor('live updates off', () => (/live updates off/.test(log()) ? true : undefined), 20_000);
});
