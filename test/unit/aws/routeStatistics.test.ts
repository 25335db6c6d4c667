// Route statistics from Logs Insights against the sample account, real SDK clients over HTTP:
// the same window read by the local engine (every event downloaded) and by Logs Insights (the
// download cap forced low) gives the same numbers per route, pinned also by a count taken
// straight from the account's store; denied, throttled and stopped queries fall back to the
// local engine with a warning that says what to do.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients } from '../../../src/aws/clients';
import { isCancellation } from '../../../src/aws/errors';
import { trace504, type Trace504Result } from '../../../src/aws/trace504';
import { learnAccessLogFields, nearFloorMs, routeTableQuery } from '../../../src/aws/routeStatistics';
import type { EndpointStats, Finding } from '../../../src/core/report';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const SINCE = NOW - 3600_000;
const KEYS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };
let account: SampleAccount;
const clients = (): AwsClients => new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 21, speed: 3, now: () => NOW });
});
beforeEach(() => account.clearFaults());
after(async () => account.close());

type Numbers = Pick<EndpointStats, 'count' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'maxMs' | 'timeouts' | 'errors5xx' | 'nearMisses' | 'budgetMs'>;
const numbers = (eps: EndpointStats[]): Record<string, Numbers> =>
  Object.fromEntries(eps.map((e) => [`${e.method} ${e.route}`, { count: e.count, p50Ms: e.p50Ms, p95Ms: e.p95Ms, p99Ms: e.p99Ms, maxMs: e.maxMs, timeouts: e.timeouts, errors5xx: e.errors5xx, nearMisses: e.nearMisses, budgetMs: e.budgetMs }]));
const endpointFindings = (r: Trace504Result): string[] =>
  r.report.findings.filter((f) => f.route).map((f) => `${f.id} ${f.route} ${JSON.stringify(f.evidence)}`).sort();

async function run(api: string, extra: Parameters<typeof trace504>[1] extends infer R ? Partial<R> : never = {}): Promise<Trace504Result> {
  const c = clients();
  try {
    return await trace504(c, { api, sinceMs: SINCE, nowMs: NOW, maxTraces: 4, insightsPollMs: 5, ...extra });
  } finally {
    c.dispose();
  }
}

test('the same window: local engine and Logs Insights agree per route (REST API), and both match the store', async () => {
  const before = account.calls();
  const local = await run('orders-api', { insightsAboveEvents: Infinity });
  assert.equal((account.calls().StartQuery ?? 0) - (before.StartQuery ?? 0), 0, 'the local run asks Logs Insights nothing');
  const mid = account.calls();
  const remote = await run('orders-api', { insightsAboveEvents: 200 });
  const queries = (account.calls().StartQuery ?? 0) - (mid.StartQuery ?? 0);
  assert.ok(queries >= 3 && queries <= 7, `one stats query, one for the 5xx and near-budget requests, one per 200 traces that began cold (at most 5): ${queries}`);
  assert.ok(remote.follow.insights, 'the run kept its Logs Insights tables');
  assert.deepEqual(remote.warnings.filter((w) => /Insights/.test(w)).map((w) => w.replace(/\d+/g, 'N')), [
    'The endpoint statistics of /aws/apigateway/orders-api/prod (N requests) were computed by CloudWatch Logs Insights, not downloaded; its N Nxx and near-budget requests were fetched one by one.',
  ]);

  const l = numbers(local.report.endpoints);
  const r = numbers(remote.report.endpoints);
  assert.deepEqual(Object.keys(r).sort(), ['GET /orders', 'GET /orders/{id}', 'POST /reports']);
  assert.deepEqual(r, l);
  const cold = (x: Trace504Result): Record<string, number> => Object.fromEntries(x.report.endpoints.map((e) => [`${e.method} ${e.route}`, e.coldStarts]));
  assert.deepEqual(cold(remote), cold(local), 'cold starts too: the requests of the traces that began cold were fetched');
  assert.ok(Object.values(cold(remote)).some((n) => n > 0));
  // Retries need every request of a client: a summarized log cannot show them, and says so.
  const retries = (x: Trace504Result): Finding[] => x.report.findings.filter((f) => f.id === 'retry-after-timeout');
  assert.deepEqual(retries(remote).map((f) => [f.route, f.evidence.checked, f.evidence.summarized]), [['POST /reports', false, true]]);
  assert.ok((retries(local)[0]?.evidence.retries as number) > 0, 'read line by line, the retries are counted');
  const withoutRetries = (x: Trace504Result): Trace504Result => ({ ...x, report: { ...x.report, findings: x.report.findings.filter((f) => f.id !== 'retry-after-timeout') } });
  assert.deepEqual(endpointFindings(withoutRetries(remote)), endpointFindings(withoutRetries(local)), 'the endpoint findings are computed from the table as from local statistics');
  assert.ok(r['POST /reports']!.timeouts > 0 && r['POST /reports']!.p99Ms >= 29_000);

  // Pinned independently: the access-log events of the window, counted straight from the store.
  const events = account.store.logEvents('/aws/apigateway/orders-api/prod', SINCE, NOW).map((e) => JSON.parse(e.message) as Record<string, string>);
  assert.equal(Object.values(r).reduce((n, e) => n + e.count, 0), events.length);
  assert.equal(r['POST /reports']!.count, events.filter((e) => e.resourcePath === '/reports').length);
  assert.equal(r['POST /reports']!.timeouts, events.filter((e) => e.resourcePath === '/reports' && e.status === '504').length);
  assert.equal(r['POST /reports']!.maxMs, Math.max(...events.filter((e) => e.resourcePath === '/reports').map((e) => Number(e.responseLatency))));
  // The 5xx requests came as events and went through the parser: they still link to traces.
  assert.ok(remote.report.findings.some((f) => f.id === 'unsampled-timeouts'));
  console.log(`agreement (orders-api, 1 h): ${JSON.stringify(r)}; cold starts ${JSON.stringify(cold(remote))}; store: ${events.length} access-log events`);
});

test('an HTTP API (routeKey) agrees too', async () => {
  const local = await run('catalog-api', { insightsAboveEvents: Infinity });
  const remote = await run('catalog-api', { insightsAboveEvents: 100 });
  assert.ok(remote.follow.insights);
  assert.deepEqual(numbers(remote.report.endpoints), numbers(local.report.endpoints));
  assert.deepEqual(Object.keys(numbers(remote.report.endpoints)), ['GET /search']);
  console.log(`agreement (catalog-api, 1 h): ${JSON.stringify(numbers(remote.report.endpoints))}`);
});

test('the query is built from the group’s own field names', () => {
  const fields = learnAccessLogFields([
    JSON.stringify({ requestId: 'a', routeKey: 'GET /x', status: '200', integration: { latency: 12 }, stage: 'dev' }),
    'not json',
  ]);
  assert.deepEqual(fields, { route: ['routeKey', 'stage'], latency: 'integration.latency', status: 'status' });
  assert.equal(routeTableQuery(fields as Exclude<typeof fields, string>), 'filter integration.latency >= 0 | stats count(*) as requests, pct(integration.latency, 50) as p50, pct(integration.latency, 95) as p95, pct(integration.latency, 99) as p99, max(integration.latency) as maxLatency by routeKey, stage');
  assert.match(learnAccessLogFields(['203.0.113.1 - - [24/Nov/2026:12:00:00 +0000] "GET /x" 200']) as string, /not JSON access-log records/);
  assert.equal(nearFloorMs([29_000, 10_000, undefined]), 8_000);
  assert.equal(nearFloorMs([29_000], 5_000), 4_000);
});

test('Logs Insights denied: the local engine on what was downloaded, and a warning naming the three actions', async () => {
  const local = await run('orders-api', { insightsAboveEvents: Infinity });
  account.inject({ kind: 'access-denied', operation: 'StartQuery' });
  const r = await run('orders-api', { insightsAboveEvents: 200 });
  const w = r.warnings.find((x) => /Logs Insights/.test(x));
  assert.ok(w, r.warnings.join('\n'));
  assert.match(w, /logs:StartQuery was denied/);
  assert.match(w, /Add logs:StartQuery, logs:GetQueryResults and logs:StopQuery to the IAM policy/);
  const downloaded = account.store.logEvents('/aws/apigateway/orders-api/prod', SINCE, NOW).length;
  assert.match(w, new RegExp(`computed from all ${downloaded} of its events, downloaded with FilterLogEvents`), 'each event once, counted from the store');
  assert.equal(r.follow.insights, undefined);
  assert.deepEqual(numbers(r.report.endpoints), numbers(local.report.endpoints), 'the download went on: the same numbers');
});

test('Logs Insights throttled: local statistics, and a warning to retry', async () => {
  account.inject({ kind: 'throttle', operation: 'GetQueryResults' });
  const r = await run('orders-api', { insightsAboveEvents: 200 });
  const w = r.warnings.find((x) => /Logs Insights/.test(x));
  assert.ok(w, r.warnings.join('\n'));
  assert.match(w, /throttled the statistics query/);
  assert.match(w, /Run Trace 504 again in a minute/);
  assert.ok(r.report.endpoints.find((e) => e.route === '/reports')!.timeouts > 0);
});

test('a query that does not complete in time is stopped, and the statistics stay local', async () => {
  const before = account.calls();
  const r = await run('orders-api', { insightsAboveEvents: 200, insightsTimeoutMs: 0 });
  const w = r.warnings.find((x) => /Logs Insights/.test(x));
  assert.ok(w, r.warnings.join('\n'));
  assert.match(w, /did not complete within 0 s and was stopped/);
  assert.ok((account.calls().StopQuery ?? 0) - (before.StopQuery ?? 0) >= 1, 'StopQuery was called');
  assert.ok(r.report.endpoints.length === 3);
});

test('cancel while Logs Insights runs: the run ends as cancelled', async () => {
  const ac = new AbortController();
  const c = clients();
  await assert.rejects(
    trace504(c, {
      api: 'orders-api',
      sinceMs: SINCE,
      nowMs: NOW,
      maxTraces: 0,
      insightsAboveEvents: 200,
      insightsPollMs: 5,
      signal: ac.signal,
      onProgress: (m) => {
        if (/asking Logs Insights/.test(m)) ac.abort();
      },
    }),
    (e: unknown) => isCancellation(e),
  );
  c.dispose();
});
