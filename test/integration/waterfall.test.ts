// "Open Trace File…" in the real VS Code: the palette command, VS Code's own file dialog, the
// waterfall panel with its summary, rows and findings read from inside the webview, and the
// panel coming back after a window reload (its serializer).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';
import { apiTrace, batchGetTraces, sequential } from '../builders/traceBuilder';

let server: VSCodeServer;
let wb: Workbench;
let workspace: string;

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'tl-ws-'));
  copyFileSync(join(ROOT, 'test/fixtures/real/lambdapulse_apigw_lambda_coldstart_trace.json'), join(workspace, 'coldstart.json'));
  const timeout = apiTrace({
    api: 'orders-api/prod',
    path: '/prod/reports',
    status: 504,
    gatewayEnd: 29_012,
    functionEnd: 33_490,
    initMs: 2_250,
    functionName: 'orders-api-reports',
    calls: sequential(30, 1_000, 2_300, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders' }),
  });
  writeFileSync(join(workspace, 'reports-504.json'), batchGetTraces(timeout));
  server = await startVSCode({ workspace });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
});

async function openThroughDialog(file: string): Promise<void> {
  await wb.openTraceFile(join(workspace, file));
}

test('Open Trace File shows a 504 at 29 s as a waterfall with its findings', async () => {
  await openThroughDialog('reports-504.json');
  const summary = await wb.webviewText('.tl-summary');
  assert.match(summary, /504/);
  assert.match(summary, /29[,.]?012 ms|29\.0 s/);
  const body = await wb.webviewText('body');
  assert.match(body, /orders-api\/prod/);
  assert.match(body, /orders-api-reports/);
  assert.match(body, /DynamoDB/);
  assert.match(body, /30 DynamoDB GetItem calls one after another/);
  assert.match(body, /BatchGetItem/);
  assert.match(body, /kept running after the client got its 504/);
  await wb.screenshot('vscode-waterfall-504');
});

test('a real cold-start trace opens in its own panel', async () => {
  await openThroughDialog('coldstart.json');
  await waitFor('the cold-start trace', async () => /dev-todo-list-app\/dev/.test(await wb.webviewText('body'))).catch(async (e: unknown) => {
    await wb.screenshot('vscode-waterfall-coldstart-failed');
    throw e;
  });
  const body = await wb.webviewText('body');
  assert.match(body, /Initialization/);
  assert.match(body, /201/);
  const tabs = await wb.page.locator('.tabs-container .tab').allInnerTexts();
  assert.equal(tabs.length, 2, `one panel per trace (tabs: ${tabs.join(' | ')})`);
  await wb.screenshot('vscode-waterfall-coldstart');
});

test('the waterfall survives a window reload', async () => {
  const t0 = Date.now();
  await wb.runCommand('Developer: Reload Window');
  const t1 = Date.now();
  await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await waitFor('the restored waterfall', async () => {
    try {
      return /dev-todo-list-app\/dev|orders-api\/prod/.test(await wb.webviewText('body'));
    } catch {
      return false;
    }
  }, 60_000);
  console.log(`# reload: the command ${t1 - t0} ms, the waterfall back ${Date.now() - t1} ms later`);
  await wb.screenshot('vscode-waterfall-after-reload');
});
