// The real SDK v3 clients against the running sample account, for every operation it serves,
// with paging and every injected fault surfacing as the SDK's own typed exception.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchGetTracesCommand, GetServiceGraphCommand, GetTraceSummariesCommand, ListRetrievedTracesCommand, StartTraceRetrievalCommand, XRayClient } from '@aws-sdk/client-xray';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, GetLogEventsCommand, GetQueryResultsCommand, StartQueryCommand, StopQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { APIGatewayClient, GetIntegrationCommand, GetResourcesCommand, GetRestApisCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApisCommand, GetIntegrationsCommand, GetRoutesCommand, GetStagesCommand as GetStagesV2Command } from '@aws-sdk/client-apigatewayv2';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';

let account: SampleAccount;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
let cfg: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string }; maxAttempts: number };

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 7, speed: 2, historyMinutes: 60, now: () => NOW });
  cfg = { endpoint: account.endpoint, region: account.region, credentials: { accessKeyId: 'AKIASAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 };
});
after(async () => account.close());

const hourAgo = new Date(NOW - 3600_000);
const now = new Date(NOW);

test('X-Ray: GetTraceSummaries pages, filters, and BatchGetTraces returns Document strings', async () => {
  const xray = new XRayClient(cfg);
  const filter = 'service("orders-api/prod") { http.status = 504 }';
  const first = await xray.send(new GetTraceSummariesCommand({ StartTime: hourAgo, EndTime: now, FilterExpression: filter }));
  assert.ok(first.TraceSummaries!.length > 0, 'there are sampled 504s in the last hour');
  assert.ok(first.TraceSummaries!.every((s) => s.Http?.HttpStatus === 504 && (s.ResponseTime ?? 0) >= 29 && (s.Duration ?? 0) > (s.ResponseTime ?? 0)));
  const all = await xray.send(new GetTraceSummariesCommand({ StartTime: hourAgo, EndTime: now }));
  assert.ok(all.NextToken, 'more than one page of summaries');
  const second = await xray.send(new GetTraceSummariesCommand({ StartTime: hourAgo, EndTime: now, NextToken: all.NextToken }));
  assert.ok(second.TraceSummaries!.length > 0);
  assert.ok(all.TraceSummaries![0]!.Id !== second.TraceSummaries![0]!.Id);
  const ids = first.TraceSummaries!.slice(0, 5).map((s) => s.Id!);
  const batch = await xray.send(new BatchGetTracesCommand({ TraceIds: ids }));
  assert.equal(batch.Traces!.length, ids.length);
  const doc = JSON.parse(batch.Traces![0]!.Segments![0]!.Document!) as { trace_id: string };
  assert.equal(doc.trace_id, batch.Traces![0]!.Id);
  await assert.rejects(xray.send(new GetTraceSummariesCommand({ StartTime: hourAgo, EndTime: now, FilterExpression: 'service("x") { http.status = }' })), { name: 'InvalidRequestException' });
  await assert.rejects(xray.send(new BatchGetTracesCommand({ TraceIds: ['1', '2', '3', '4', '5', '6'] })), { name: 'InvalidRequestException' });
  const graph = await xray.send(new GetServiceGraphCommand({ StartTime: hourAgo, EndTime: now }));
  assert.ok(graph.Services!.some((s) => s.Name === 'orders-api/prod'));
  const ret = await xray.send(new StartTraceRetrievalCommand({ TraceIds: ids.slice(0, 2), StartTime: hourAgo, EndTime: now }));
  // The retrieval runs in the background: the first poll finds it running, with nothing yet.
  const running = await xray.send(new ListRetrievedTracesCommand({ RetrievalToken: ret.RetrievalToken! }));
  assert.equal(running.RetrievalStatus, 'RUNNING');
  assert.equal(running.Traces, undefined);
  const listed = await xray.send(new ListRetrievedTracesCommand({ RetrievalToken: ret.RetrievalToken! }));
  assert.equal(listed.RetrievalStatus, 'COMPLETE');
  assert.equal(listed.TraceFormat, 'XRAY');
  assert.equal(listed.Traces!.length, 2);
  xray.destroy();
});

test('CloudWatch Logs: groups, FilterLogEvents paging with empty pages, GetLogEvents, Logs Insights', async () => {
  const logs = new CloudWatchLogsClient(cfg);
  const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }));
  assert.ok(groups.logGroups!.some((g) => g.logGroupName === '/aws/lambda/orders-api-reports'));
  let token: string | undefined;
  let events = 0;
  let pages = 0;
  do {
    const page = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/orders-api-reports', startTime: NOW - 3600_000, endTime: NOW, filterPattern: 'REPORT', ...(token ? { nextToken: token } : {}) }));
    pages++;
    events += page.events!.length;
    for (const e of page.events!) assert.match(e.message!, /^REPORT RequestId: .*\nXRAY TraceId: 1-/s);
    token = page.nextToken;
  } while (token);
  assert.ok(events > 50 && pages > 3, `${events} REPORT events over ${pages} pages`);
  // A search that matches nothing still pages through the window: empty pages carry a token.
  const empty = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/orders-api-reports', startTime: NOW - 3600_000, endTime: NOW, filterPattern: 'no-such-text' }));
  assert.equal(empty.events!.length, 0);
  assert.ok(empty.nextToken, 'an empty page with a nextToken');
  const one = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/orders-api-reports', startTime: NOW - 600_000, endTime: NOW, filterPattern: '"START RequestId"', limit: 1 }));
  const stream = one.events![0]!.logStreamName!;
  const got = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/orders-api-reports', logStreamName: stream, startFromHead: true, startTime: NOW - 600_000, endTime: NOW }));
  assert.ok(got.events!.some((e) => /^START RequestId/.test(e.message!)));
  const q = await logs.send(
    new StartQueryCommand({
      logGroupName: '/aws/lambda/orders-api-reports',
      startTime: Math.floor((NOW - 3600_000) / 1000),
      endTime: Math.floor(NOW / 1000),
      queryString: 'fields @timestamp, @requestId, @duration, @xrayTraceId | filter @type = "REPORT" and @duration >= 29000 | sort @duration desc | limit 20',
    }),
  );
  const running = await logs.send(new GetQueryResultsCommand({ queryId: q.queryId! }));
  assert.equal(running.status, 'Running');
  const done = await logs.send(new GetQueryResultsCommand({ queryId: q.queryId! }));
  assert.equal(done.status, 'Complete');
  assert.ok(done.results!.length > 0 && done.results!.length <= 20);
  const durations = done.results!.map((r) => Number(r.find((f) => f.field === '@duration')!.value));
  assert.ok(durations.every((d) => d >= 29000));
  assert.deepEqual(durations, [...durations].sort((a, b) => b - a));
  const q2 = await logs.send(new StartQueryCommand({ logGroupName: '/aws/lambda/orders-api-reports', startTime: Math.floor((NOW - 600_000) / 1000), endTime: Math.floor(NOW / 1000), queryString: 'fields @message' }));
  assert.equal((await logs.send(new StopQueryCommand({ queryId: q2.queryId! }))).success, true);
  await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/nope' })), { name: 'ResourceNotFoundException' });
  logs.destroy();
});

test('Lambda and API Gateway: the real integration timeouts and the functions behind routes', async () => {
  const lambda = new LambdaClient(cfg);
  const fns = await lambda.send(new ListFunctionsCommand({}));
  assert.ok(fns.Functions!.some((f) => f.FunctionName === 'orders-api-reports'));
  const reports = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'orders-api-reports' }));
  assert.equal(reports.Timeout, 60);
  assert.equal(reports.MemorySize, 2048);
  const search = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'catalog-api-prod-search' }));
  assert.deepEqual([search.Runtime, search.Handler, search.Timeout, search.LoggingConfig?.LogGroup], ['python3.12', 'handler.search', 35, '/aws/lambda/catalog-api-prod-search']);
  assert.match(search.Role!, /:role\/catalog-api-prod-us-east-1-lambdaRole$/);
  await assert.rejects(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'nope' })), { name: 'ResourceNotFoundException' });
  const apigw = new APIGatewayClient(cfg);
  const apis = await apigw.send(new GetRestApisCommand({}));
  const orders = apis.items!.find((a) => a.name === 'orders-api')!;
  const resources = await apigw.send(new GetResourcesCommand({ restApiId: orders.id!, embed: ['methods'] }));
  const reportsRes = resources.items!.find((r) => r.path === '/reports')!;
  assert.ok(reportsRes.resourceMethods?.POST);
  const integ = await apigw.send(new GetIntegrationCommand({ restApiId: orders.id!, resourceId: reportsRes.id!, httpMethod: 'POST' }));
  assert.equal(integ.timeoutInMillis, 29000);
  assert.match(integ.uri!, /function:orders-api-reports\/invocations$/);
  const stages = await apigw.send(new GetStagesCommand({ restApiId: orders.id! }));
  assert.match(stages.item![0]!.accessLogSettings!.destinationArn!, /log-group:\/aws\/apigateway\/orders-api\/prod$/);
  const v2 = new ApiGatewayV2Client(cfg);
  const httpApis = await v2.send(new GetApisCommand({}));
  const catalog = httpApis.Items!.find((a) => a.Name === 'catalog-api')!;
  assert.equal(catalog.ProtocolType, 'HTTP');
  const routes = await v2.send(new GetRoutesCommand({ ApiId: catalog.ApiId! }));
  assert.equal(routes.Items![0]!.RouteKey, 'GET /search');
  const integs = await v2.send(new GetIntegrationsCommand({ ApiId: catalog.ApiId! }));
  assert.equal(integs.Items![0]!.TimeoutInMillis, 30000);
  const v2stages = await v2.send(new GetStagesV2Command({ ApiId: catalog.ApiId! }));
  assert.equal(v2stages.Items![0]!.StageName, '$default');
  for (const c of [lambda, apigw, v2]) c.destroy();
});

test('every injected fault surfaces as the SDK’s typed exception, then clears', async () => {
  const xray = new XRayClient(cfg);
  const logs = new CloudWatchLogsClient(cfg);
  const range = { StartTime: hourAgo, EndTime: now };
  account.inject({ kind: 'throttle', operation: 'GetTraceSummaries', times: 1 });
  await assert.rejects(xray.send(new GetTraceSummariesCommand(range)), { name: 'ThrottledException' });
  await xray.send(new GetTraceSummariesCommand(range)); // times: 1 — the next call succeeds
  account.inject({ kind: 'throttle', operation: 'FilterLogEvents', times: 1 });
  await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/orders-api-reports' })), { name: 'ThrottlingException' });
  account.inject({ kind: 'expired-token', times: 1 });
  await assert.rejects(xray.send(new GetTraceSummariesCommand(range)), { name: 'ExpiredTokenException' });
  account.inject({ kind: 'access-denied', operation: 'BatchGetTraces', times: 1 });
  await assert.rejects(xray.send(new BatchGetTracesCommand({ TraceIds: ['1-00000000-000000000000000000000000'] })), (e: Error) => e.name === 'AccessDeniedException' && /xray:BatchGetTraces/.test(e.message));
  account.inject({ kind: 'server-error', operation: 'StartQuery', times: 1 });
  await assert.rejects(logs.send(new StartQueryCommand({ logGroupName: '/aws/lambda/orders-api-reports', startTime: 1, endTime: 2, queryString: 'fields @message' })), { name: 'ServiceUnavailableException' });
  const sums = await xray.send(new GetTraceSummariesCommand({ ...range, FilterExpression: 'service("orders-api/prod")' }));
  const ids = sums.TraceSummaries!.slice(0, 4).map((s) => s.Id!);
  account.inject({ kind: 'partial-batch', operation: 'BatchGetTraces', times: 1 });
  const partial = await xray.send(new BatchGetTracesCommand({ TraceIds: ids }));
  assert.equal(partial.UnprocessedTraceIds!.length, 2);
  assert.equal(partial.Traces!.length, 2);
  account.inject({ kind: 'slow', operation: 'GetServiceGraph', times: 1, delayMs: 150 });
  const t = Date.now();
  await xray.send(new GetServiceGraphCommand(range));
  assert.ok(Date.now() - t >= 140, 'the slow answer waited');
  account.inject({ kind: 'throttle' });
  account.clearFaults();
  await xray.send(new GetTraceSummariesCommand(range));
  xray.destroy();
  logs.destroy();
});
