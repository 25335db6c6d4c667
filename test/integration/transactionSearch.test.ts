// Transaction Search in the real VS Code: the sample account with it on (X-Ray's segment
// destination is CloudWatch Logs; every request of POST /reports has its spans in aws/spans, while
// X-Ray indexed only its sample) behind the endpoint setting. Trace 504 on orders-api finds a 504
// X-Ray did not sample, and its waterfall shows the request from its aws/spans records: the cut
// at the 29 s budget, the function running on, the N+1 DynamoDB reads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, sampleAccountEnv, startVSCode, waitFor, Workbench, type VSCodeServer } from './harness';
import { startSampleAccount, type SampleAccount } from '../../src/aws/sampleAccount/server';

let server: VSCodeServer;
let wb: Workbench;
let account: SampleAccount;

before(async () => {
  const port = await freePort();
  account = await startSampleAccount({ port, historyMinutes: 60, speed: 1, transactionSearch: true });
  server = await startVSCode({
    settings: { 'timeoutLens.aws.endpoint': account.endpoint, 'timeoutLens.aws.region': 'us-east-1' },
    env: sampleAccountEnv(),
  });
  wb = await Workbench.open(server);
});

after(async () => {
  await wb?.close();
  await server?.stop();
  await account?.close();
});

test('Trace 504 with Transaction Search on finds the 504 X-Ray did not sample and shows its waterfall', async () => {
  const now = Date.now();
  // The 504s of POST /reports X-Ray did not sample: only aws/spans has them.
  const unsampled = account.store.requests(now - 3600_000, now).filter((r) => r.route.kind === 'reports' && r.status === 504 && !r.sampled);
  assert.ok(unsampled.length > 0, 'an unsampled 504 in the hour');
  await wb.runCommand('Timeout Lens: Trace 504');
  await waitFor('orders-api in the list', async () => ((await wb.quickPickItems()).some((l) => /^\W*orders-api$/.test(l)) ? true : undefined), 60_000);
  await wb.pickQuickItem('orders-api');
  await wb.waitForQuickInputTitle('time window');
  await wb.pickQuickItem('Last hour');
  const log = (): string => wb.outputChannelLog('Timeout Lens');
  const note = await waitFor('the run’s Transaction Search note', () => /Transaction Search is on: (\d+) request\(s\) were found only in aws\/spans/.exec(log())?.[0], 120_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-transaction-search-failed');
    throw e;
  });
  const found = Number(/: (\d+) request/.exec(note)![1]);
  assert.ok(found >= 1, note);
  // The run's traces are in the waterfall's table: the unsampled 504s among them.
  const id = await waitFor('an unsampled 504 in the trace table', async () => {
    for (const r of unsampled) {
      if ((await wb.webview().locator(`tr.tl-trace-row[data-trace-id="${r.traceId}"]`).count()) > 0) return r.traceId;
    }
    return undefined;
  }, 60_000).catch(async (e: unknown) => {
    await wb.screenshot('vscode-transaction-search-table-failed');
    throw e;
  });
  const r = unsampled.find((x) => x.traceId === id)!;
  await wb.webview().locator(`tr.tl-trace-row[data-trace-id="${id}"]`).click();
  await waitFor('its waterfall', async () => ((await wb.webview().locator(`tr.tl-trace-row.current[data-trace-id="${id}"]`).count()) > 0 ? true : undefined), 20_000);
  const body = await waitFor('the request drawn from its spans', async () => {
    const t = await wb.webviewText('body').catch(() => '');
    return /orders-api\/prod/.test(t) && /DynamoDB/.test(t) && /504/.test(t) ? t : undefined;
  }, 30_000);
  assert.match(body, /orders-api-reports/);
  // Where it came from, said at the top: the X-Ray console will not show this request.
  assert.match(body, /Transaction Search\s*Read from aws\/spans: X-Ray did not sample this request/);
  assert.match(body, /gave up/i);
  assert.match(body, /kept running after the client got its 504/);
  assert.match(body, new RegExp(`${r.calls.filter((c) => c.name === 'DynamoDB').length}\\b`), 'the N+1 reads counted from aws/spans');
  assert.doesNotMatch(log(), /Could not (learn whether Transaction Search|search the spans|fetch the \d+ trace)/);
  await wb.screenshot('vscode-transaction-search-unsampled-504');
});
