// The AWS sources against the sample account — real SDK clients over HTTP, no stubs: the
// Trace 504 pipeline, paging, the account's real budgets, every injected fault ending in data
// shown plus a message naming the fix, cancellation mid-flight, profiles and the network.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients } from '../../../src/aws/clients';
import { AwsSourceError } from '../../../src/aws/errors';
import { trace504 } from '../../../src/aws/trace504';
import { normalizeTraceId, traceById } from '../../../src/aws/traceById';
import { batchGetTraces, traceSummaries } from '../../../src/aws/xraySource';
import { functionConfig, listApis, listFunctions, listRoutes, listStages } from '../../../src/aws/configSource';

let account: SampleAccount;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const KEYS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };
const clients = (extra: Partial<ConstructorParameters<typeof AwsClients>[0]> = {}): AwsClients =>
  new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1, ...extra });

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 21, speed: 3, now: () => NOW });
});
beforeEach(() => account.clearFaults());
after(async () => account.close());

const req = { api: 'orders-api', sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces: 8 };

test('Trace 504 on a REST API: the worst request, the account’s real budget, the function running on', async () => {
  const c = clients();
  const progress: string[] = [];
  const r = await trace504(c, { ...req, onProgress: (m) => progress.push(m) });
  c.dispose();
  assert.equal(r.report.traces.length, 8);
  const worst = r.report.traces[0]!;
  assert.equal(worst.verdict, 'timeout');
  assert.equal(worst.budgetSource, 'configured', 'the budget came from GetIntegration');
  assert.equal(worst.budgetMs, 29_000);
  assert.ok(worst.functionEndAtMs! > worst.cutAtMs!);
  assert.match(r.target, /orders-api \(REST API, stage prod\)/);
  assert.ok(progress.some((m) => /Fetched \d+ of 8/.test(m)));
  assert.deepEqual(r.report.errors, []);
  // The account's configuration reaches the verdicts: orders-api-reports may run 60 s behind the
  // 29 s POST /reports; the 28 s and 10 s functions fit (GetFunctionConfiguration, GetIntegration).
  const exceeds = r.report.findings.filter((f) => f.id === 'lambda-timeout-exceeds-integration');
  assert.deepEqual(exceeds.map((f) => [f.function, f.evidence['functionTimeoutMs'], f.evidence['budgetMs']]), [['orders-api-reports', 60_000, 29_000]]);
});

test('Trace 504 answers first with the worst request of the first page, then the rest, fetching it once', async () => {
  const c = clients();
  // What the first page holds, read straight from X-Ray: the 504s first, then the slowest.
  const [firstPage] = await (async () => {
    for await (const page of traceSummaries(c, { startMs: req.sinceMs, endMs: NOW, filter: 'service("orders-api/prod") { http.status = 504 OR fault OR responsetime >= 23.2 }' })) return [page];
    return [[]];
  })();
  const worstOfPage = [...firstPage].sort((a, b) => Number(b.Http?.HttpStatus === 504) - Number(a.Http?.HttpStatus === 504) || (b.ResponseTime ?? 0) - (a.ResponseTime ?? 0))[0]!;
  const before = account.calls().BatchGetTraces ?? 0;
  const firsts: Array<{ ids: string[]; budgetMs: number | null; runDone: boolean }> = [];
  let runDone = false;
  const run = trace504(c, { ...req, onFirst: (f) => firsts.push({ ids: f.report.traces.map((t) => t.traceId), budgetMs: f.report.traces[0]!.budgetMs, runDone }) });
  const r = await run;
  runDone = true;
  c.dispose();
  assert.equal(firsts.length, 1, 'one first answer');
  assert.deepEqual(firsts[0]!.ids, [worstOfPage.Id]);
  assert.equal(firsts[0]!.runDone, false, 'it came before the run ended');
  assert.equal(firsts[0]!.budgetMs, 29_000, 'held to the route’s configured budget already');
  assert.equal(r.report.traces.length, 8);
  assert.ok(r.report.traces.some((t) => t.traceId === worstOfPage.Id), 'the full answer holds it again');
  // 1 call for the first answer, then the other 7 in batches of 5.
  assert.equal((account.calls().BatchGetTraces ?? 0) - before, 1 + Math.ceil(7 / 5));
});

test('Trace 504 on an HTTP API follows the functions behind its routes, with its 30 s budget', async () => {
  const c = clients();
  const r = await trace504(c, { ...req, api: 'catalog-api' });
  c.dispose();
  assert.ok(r.warnings.some((w) => /HTTP API, which API Gateway does not trace/.test(w)));
  assert.ok(r.report.traces.length > 0, 'slow searches were traced');
  for (const t of r.report.traces) {
    assert.equal(t.entry.kind, 'http-api');
    assert.equal(t.budgetMs, 30_000);
  }
});

test('Trace 504 on a function by name', async () => {
  const c = clients();
  const r = await trace504(c, { functionName: 'orders-api-reports', sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces: 3 });
  c.dispose();
  assert.equal(r.report.traces.length, 3);
  assert.match(r.target, /function orders-api-reports \(behind orders-api, REST API\)/);
  assert.deepEqual(r.routes, [{ api: 'orders-api', method: 'POST', path: '/reports', timeoutMs: 29_000, functionName: 'orders-api-reports' }]);
});

test('Trace 504 on a function behind an HTTP API holds it to the API’s 30 s: past it, a 504 at the budget', async () => {
  const c = clients();
  const r = await trace504(c, { functionName: 'catalog-api-prod-search', sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces: 8 });
  c.dispose();
  assert.match(r.target, /function catalog-api-prod-search \(behind catalog-api, HTTP API\)/);
  assert.deepEqual(r.follow.plan.accessGroups.map((g) => g.stage), ['$default'], 'its stage’s access log is read');
  assert.ok(r.report.endpoints.some((e) => e.route === '/search' && e.budgetMs === 30_000));
  const past = r.report.traces.filter((t) => t.entry.kind === 'http-api' && t.totalMs >= 30_000);
  assert.ok(past.length > 0, 'slow searches were traced');
  // The function's own timeout is 35 s: the API answered 504 at 30 s first, never "OK".
  for (const t of past) {
    assert.equal(t.verdict, 'timeout');
    assert.equal(t.entry.status, 504);
    assert.equal(t.budgetMs, 30_000);
  }
  // Its runtime is python3.12 (GetFunctionConfiguration): the fix reads the deadline the Python way,
  // and gives the HTTP API's own example.
  const after = r.report.traces.flatMap((t) => t.findings).find((f) => f.id === 'work-after-cut');
  assert.ok(after, 'the function ran on after the cut');
  assert.match(after.fix, /context\.get_remaining_time_in_millis\(\)/);
  assert.match(after.fix, /29 s behind the HTTP API’s 30 s/);
});

test('Trace 504 on a function no API invokes: no budget but its own timeout, and no error', async () => {
  const c = clients();
  const r = await trace504(c, { functionName: 'nightly-export', sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces: 3 });
  c.dispose();
  assert.equal(r.target, 'function nightly-export');
  assert.deepEqual(r.routes, []);
});

test('summaries page as an async generator; traces come in batches of 5 with retried partial batches', async () => {
  const c = clients();
  let pages = 0;
  const ids: string[] = [];
  for await (const page of traceSummaries(c, { startMs: NOW - 3600_000, endMs: NOW, filter: 'service("orders-api/prod")' })) {
    pages++;
    ids.push(...page.map((s) => s.Id!));
  }
  assert.ok(pages > 1, `${pages} pages`);
  account.inject({ kind: 'partial-batch', operation: 'BatchGetTraces', times: 2 });
  const got = await batchGetTraces(c, ids.slice(0, 12));
  assert.equal(got.traces.length, 12, 'the unprocessed ids were asked again');
  assert.deepEqual(got.unprocessed, []);
  account.inject({ kind: 'partial-batch', operation: 'BatchGetTraces' });
  const stubborn = await batchGetTraces(c, ids.slice(0, 4), { unprocessedRetries: 1 });
  // 4 ids: 2 come back, 2 are unprocessed; asked once more, 1 of those comes back, 1 is refused again.
  assert.equal(stubborn.unprocessed.length, 1, 'what X-Ray keeps refusing is reported, not lost silently');
  assert.equal(stubborn.traces.length, 3);
  c.dispose();
});

test('a window longer than 24 h is split into X-Ray-sized windows', async () => {
  const c = clients();
  const pages: number[] = [];
  for await (const page of traceSummaries(c, { startMs: NOW - 50 * 3600_000, endMs: NOW, filter: 'service("orders-api/prod") { http.status = 504 }' })) pages.push(page.length);
  c.dispose();
  assert.ok(pages.length >= 3, 'three windows were asked');
});

test('faults end in the data that could be fetched plus a message naming the fix', async () => {
  const c = clients();
  account.inject({ kind: 'throttle', operation: 'BatchGetTraces', times: 1 });
  const throttled = await trace504(c, req);
  assert.equal(throttled.report.traces.length, 3, '5 of 8 traces failed in one throttled batch; 3 still shown');
  assert.ok(throttled.warnings.some((w) => /5 trace\(s\) could not be fetched: AWS throttled BatchGetTraces/.test(w)), throttled.warnings.join('\n'));

  account.inject({ kind: 'access-denied', operation: 'GetTraceSummaries' });
  const denied = await trace504(c, req);
  assert.equal(denied.report.traces.length, 0);
  assert.ok(denied.warnings.some((w) => /Add "xray:GetTraceSummaries" to its IAM policy/.test(w)), denied.warnings.join('\n'));
  account.clearFaults();

  account.inject({ kind: 'access-denied', operation: 'GetIntegration' });
  const noBudget = await trace504(c, req);
  assert.ok(noBudget.warnings.some((w) => /integration timeouts .*apigateway:GET/.test(w)));
  assert.equal(noBudget.report.traces[0]!.budgetSource, 'rest-api-default', 'falls back to the default budget, and says so');
  account.clearFaults();

  account.inject({ kind: 'expired-token' });
  await assert.rejects(trace504(clients({ profile: 'work-sso', credentials: KEYS }), req), (e: unknown) => {
    assert.ok(AwsSourceError.is(e));
    assert.equal(e.code, 'credentials-expired');
    assert.match(e.message, /aws sso login --profile work-sso/);
    return true;
  });
  account.clearFaults();

  account.inject({ kind: 'server-error', operation: 'GetTraceSummaries', times: 2 });
  const retried = await trace504(clients({ maxAttempts: 3 }), req);
  assert.equal(retried.report.traces.length, 8, 'the SDK retried the 503s');
  c.dispose();
});

test('cancellation mid-flight stops the fetch and is not an error', async () => {
  const c = clients();
  // The slow answers would take 10 s: a run that waited for them would be seen, however busy the machine.
  account.inject({ kind: 'slow', operation: 'BatchGetTraces', delayMs: 10_000 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  const t = Date.now();
  await assert.rejects(trace504(c, { ...req, signal: ac.signal }), (e: unknown) => AwsSourceError.is(e) && e.code === 'cancelled');
  assert.ok(Date.now() - t < 10_000, 'it stopped before the slow answers came');
  c.dispose();
});

test('an unreachable endpoint is a network error naming it', async () => {
  const port = await new Promise<number>((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const c = new AwsClients({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
  await assert.rejects(listApis(c), (e: unknown) => AwsSourceError.is(e) && e.code === 'network' && e.message.includes(`http://127.0.0.1:${port}`));
  c.dispose();
});

test('profiles resolve as the AWS CLI resolves them: credential_process, and a clear error for a missing one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-prof-'));
  const script = join(dir, 'creds.sh');
  writeFileSync(script, '#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "s"}\'\n');
  chmodSync(script, 0o755);
  writeFileSync(join(dir, 'config'), `[profile tool]\ncredential_process = ${script}\nregion = us-east-1\n`);
  writeFileSync(join(dir, 'credentials'), '');
  const saved = { c: process.env.AWS_CONFIG_FILE, k: process.env.AWS_SHARED_CREDENTIALS_FILE };
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  try {
    const tool = new AwsClients({ profile: 'tool', endpoint: account.endpoint, maxAttempts: 1 });
    const apis = await listApis(tool);
    assert.ok(apis.some((a) => a.name === 'orders-api'));
    tool.dispose();
    const missing = new AwsClients({ profile: 'nope', endpoint: account.endpoint, region: 'us-east-1', maxAttempts: 1 });
    await assert.rejects(listApis(missing), (e: unknown) => AwsSourceError.is(e) && e.code === 'credentials-missing' && /aws configure --profile nope/.test(e.message));
    missing.dispose();
  } finally {
    if (saved.c === undefined) delete process.env.AWS_CONFIG_FILE;
    else process.env.AWS_CONFIG_FILE = saved.c;
    if (saved.k === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    else process.env.AWS_SHARED_CREDENTIALS_FILE = saved.k;
  }
});

test('the configuration: stages, log groups, integration timeouts, functions behind routes', async () => {
  const c = clients();
  const apis = await listApis(c);
  const orders = apis.find((a) => a.name === 'orders-api')!;
  assert.equal(orders.kind, 'rest');
  const stages = await listStages(c, orders);
  assert.deepEqual(stages[0], { name: 'prod', executionLogGroup: `API-Gateway-Execution-Logs_${orders.id}/prod`, accessLogGroup: '/aws/apigateway/orders-api/prod', tracingEnabled: true });
  const routes = await listRoutes(c, orders);
  assert.deepEqual(routes.find((r) => r.path === '/reports'), { method: 'POST', path: '/reports', timeoutMs: 29_000, functionName: 'orders-api-reports' });
  const catalog = apis.find((a) => a.name === 'catalog-api')!;
  assert.deepEqual(await listRoutes(c, catalog), [{ method: 'GET', path: '/search', timeoutMs: 30_000, functionName: 'catalog-api-prod-search' }]);
  assert.deepEqual(await functionConfig(c, 'orders-api-reports'), { name: 'orders-api-reports', timeoutMs: 60_000, memoryMb: 2048, runtime: 'nodejs20.x', architecture: 'arm64' });
  assert.equal((await functionConfig(c, 'catalog-api-prod-search')).runtime, 'python3.12');
  c.dispose();
});

test('the functions of the account, through every ListFunctions page', async () => {
  const c = clients();
  const before = account.calls().ListFunctions ?? 0;
  const fns = await listFunctions(c);
  assert.deepEqual(fns.map((f) => f.name), ['catalog-api-prod-search', 'orders-api-get-order', 'orders-api-list-orders', 'orders-api-reports']);
  assert.deepEqual(fns.find((f) => f.name === 'orders-api-reports'), { name: 'orders-api-reports', timeoutMs: 60_000, memoryMb: 2048, runtime: 'nodejs20.x', architecture: 'arm64' });
  assert.equal((account.calls().ListFunctions ?? 0) - before, 1, 'one page holds four functions');
  // Two per page: the Marker chain goes on until the last page, which has none.
  const lambda = c.lambda();
  const { ListFunctionsCommand } = await import('@aws-sdk/client-lambda');
  const first = await lambda.send(new ListFunctionsCommand({ MaxItems: 2 }));
  assert.equal(first.Functions?.length, 2);
  assert.ok(first.NextMarker);
  const second = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: first.NextMarker }));
  assert.equal(second.Functions?.length, 2);
  assert.equal(second.NextMarker, undefined);
  account.inject({ kind: 'access-denied', operation: 'ListFunctions' });
  await assert.rejects(listFunctions(c), (e: unknown) => AwsSourceError.is(e) && e.code === 'access-denied' && /lambda:ListFunctions/.test(e.message));
  c.dispose();
});

test('a trace ID as people paste it: X-Ray, a Root= header value, OpenTelemetry’s 32 hex digits', () => {
  assert.equal(normalizeTraceId(' 1-5F84C7A1-58dd2bd0a7ec0c74f1b1b6e2 '), '1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2');
  assert.equal(normalizeTraceId('Root=1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2;Parent=53995c3f42cd8ad8;Sampled=1'), '1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2');
  assert.equal(normalizeTraceId('"5f84c7a158dd2bd0a7ec0c74f1b1b6e2"'), '1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2');
  for (const bad of ['', '1-5f84c7a1', 'x'.repeat(10_000), '1-5f84c7a1-58dd2bd0a7ec0c74f1b1b6e2-extra', '../../etc/passwd']) assert.equal(normalizeTraceId(bad), undefined, bad.slice(0, 40));
});

test('Enter a trace ID: one request, held to the real budget of its route, its function’s timeout read', async () => {
  const c = clients();
  const ids: string[] = [];
  for await (const page of traceSummaries(c, { startMs: req.sinceMs, endMs: NOW, filter: 'service("orders-api/prod") { http.status = 504 }' })) ids.push(...page.map((s) => s.Id!));
  assert.ok(ids.length > 0);
  // Pasted as OpenTelemetry writes it.
  const r = await traceById(c, ids[0]!.slice(2).replace('-', ''));
  assert.equal(r.report.traces.length, 1);
  const t = r.report.traces[0]!;
  assert.equal(t.traceId, ids[0]);
  assert.equal(t.entry.status, 504);
  assert.equal(t.budgetSource, 'configured');
  assert.equal(t.budgetMs, 29_000);
  assert.match(r.target, /orders-api, REST API/);
  assert.deepEqual(r.warnings, []);
  // POST /reports runs orders-api-reports, allowed 60 s behind the 29 s API.
  assert.ok(r.report.findings.some((f) => f.id === 'lambda-timeout-exceeds-integration' && f.function === 'orders-api-reports'));

  // Where it looked, as a phrase; the remedy in the words of the extension, or of the CLI.
  await assert.rejects(
    traceById(c, '1-00000000-000000000000000000000000'),
    (e: Error) => e.message === `X-Ray has no trace 1-00000000-000000000000000000000000 in the account of the default credentials in us-east-1 (endpoint ${account.endpoint}). X-Ray keeps traces for 30 days, in the Region where the request ran: if it ran in another Region, choose that Region with Timeout Lens: Select Region.`,
  );
  const cli = clients({ surface: 'cli', profile: 'dev' });
  await assert.rejects(traceById(cli, '1-00000000-000000000000000000000000'), /in the account of profile "dev" in us-east-1 .*if it ran in another Region, pass that Region with --region\.$/);
  cli.dispose();
  await assert.rejects(traceById(c, 'not a trace'), /is not a trace ID/);
  account.inject({ kind: 'access-denied', operation: 'GetResources' });
  const noBudget = await traceById(c, ids[0]!);
  assert.equal(noBudget.report.traces[0]!.budgetSource, 'rest-api-default');
  assert.ok(noBudget.warnings.some((w) => /default budget.*apigateway:GET/.test(w)), noBudget.warnings.join('\n'));
  c.dispose();
});
