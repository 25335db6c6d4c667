// logsSource and Transaction Search retrieval against the sample account: Logs Insights
// (start, poll, rows), FilterLogEvents paging, a request's events, and
// StartTraceRetrieval → ListRetrievedTraces in the shape the engine reads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients } from '../../../src/aws/clients';
import { AwsSourceError } from '../../../src/aws/errors';
import { filterEvents, insights, MAX_CONCURRENT_QUERIES, requestEvents } from '../../../src/aws/logsSource';
import { queryPeak, resetQueryPeak } from '../../../src/aws/sampleAccount/logsService';
import { retrieveTraces, traceSummaries } from '../../../src/aws/xraySource';
import { parseTraceValue } from '../../../src/ingest/xray';

let account: SampleAccount;
let clients: AwsClients;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 33, speed: 2, now: () => NOW });
  clients = new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
});
after(async () => {
  clients.dispose();
  await account.close();
});

test('Logs Insights: the REPORT lines over the budget, polled until complete', async () => {
  const rows = await insights(clients, {
    groups: ['/aws/lambda/orders-api-reports'],
    startMs: NOW - 3600_000,
    endMs: NOW,
    query: 'fields @requestId, @duration, @xrayTraceId | filter @type = "REPORT" and @duration > 29000 | sort @duration desc | limit 50',
    pollMs: 10,
  });
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => Number(r['@duration']) > 29000 && /^1-/.test(r['@xrayTraceId']!)));
  await assert.rejects(insights(clients, { groups: ['/aws/lambda/orders-api-reports'], startMs: NOW - 60_000, endMs: NOW, query: 'stats count(*) by bin(5m)', pollMs: 10 }), (e: unknown) => AwsSourceError.is(e) && /stats/.test(e.message));
});

test('FilterLogEvents pages and a request’s events', async () => {
  let n = 0;
  for await (const page of filterEvents(clients, { group: '/aws/apigateway/orders-api/prod', startMs: NOW - 1800_000, endMs: NOW, pattern: 'INTEGRATION_TIMEOUT' })) n += page.length;
  assert.ok(n > 0, 'access-log 504s');
  const report = (await filterEvents(clients, { group: '/aws/lambda/orders-api-reports', startMs: NOW - 600_000, endMs: NOW, pattern: '"REPORT RequestId"' }).next()).value![0]!;
  const rid = /RequestId: (\S+)/.exec(report.message!)![1]!;
  const events = await requestEvents(clients, ['/aws/lambda/orders-api-reports'], rid, NOW - 1200_000, NOW);
  assert.ok(events.some((e) => e.message!.startsWith('START')) && events.some((e) => e.message!.startsWith('REPORT')));
});

test('Transaction Search retrieval returns traces the engine reads', async () => {
  const ids: string[] = [];
  for await (const page of traceSummaries(clients, { startMs: NOW - 3600_000, endMs: NOW, filter: 'service("orders-api/prod") { http.status = 504 }' })) ids.push(...page.map((s) => s.Id!));
  const traces = await retrieveTraces(clients, ids.slice(0, 3), { startMs: NOW - 3600_000, endMs: NOW }, { pollMs: 10 });
  assert.equal(traces.length, 3);
  const parsed = parseTraceValue({ Traces: traces }, 'retrieved');
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.traces.length, 3);
});

test('Logs Insights: a window over the row limit is split until every event is in, each once, at most 4 queries at a time', async () => {
  const busy = await startSampleAccount({ port: 0, seed: 34, speed: 3, now: () => NOW });
  const c = new AwsClients({ endpoint: busy.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    const group = '/aws/apigateway/orders-api/prod';
    const startMs = NOW - 3600_000;
    const expected = busy.store.logEvents(group, startMs, NOW).length;
    // A query limited to 400 rows stands for the service's 10 000: the window is split as often.
    assert.ok(expected > 16 * 400, `a busy hour: ${expected} events`);
    resetQueryPeak();
    const rows = await insights(c, { groups: [group], startMs, endMs: NOW, query: 'fields @timestamp, @message | limit 400', rowLimit: 400, pollMs: 5 });
    assert.equal(rows.length, expected, 'every event of the window, none twice (the halves share a second)');
    assert.equal(new Set(rows.map((r) => r['@message'])).size, expected);
    assert.ok((busy.calls().StartQuery ?? 0) > 2 * MAX_CONCURRENT_QUERIES, 'the window was split many times');
    assert.ok(queryPeak() <= MAX_CONCURRENT_QUERIES && queryPeak() > 1, `at most ${MAX_CONCURRENT_QUERIES} at once (peak ${queryPeak()})`);
  } finally {
    c.dispose();
    await busy.close();
  }
});
