// The sample account with Transaction Search on, through the real SDK clients: X-Ray's segment
// destination is CloudWatch Logs; a POST /reports 504 that X-Ray did not sample is in neither
// GetTraceSummaries nor BatchGetTraces, but its access-log record names its trace, aws/spans holds
// its span records, Logs Insights finds it there, and StartTraceRetrieval → ListRetrievedTraces
// (RUNNING, then COMPLETE) returns it in OTEL and XRAY form. Off, the destination is X-Ray.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchGetTracesCommand, GetTraceSegmentDestinationCommand, ListRetrievedTracesCommand, StartTraceRetrievalCommand, XRayClient, paginateGetTraceSummaries } from '@aws-sdk/client-xray';
import { CloudWatchLogsClient, DescribeLogGroupsCommand, FilterLogEventsCommand, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { requestsOfMinute, type SampleRequest } from '../../../src/aws/sampleAccount/scenario';
import { parseSpanRecords } from '../../../src/ingest/otel';
import { parseTraceValue } from '../../../src/ingest/xray';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
let on: SampleAccount;
let off: SampleAccount;
const client = <T>(account: SampleAccount, C: new (cfg: object) => T): T =>
  new C({ endpoint: account.endpoint, region: account.region, credentials: { accessKeyId: 'AKIASAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 });

before(async () => {
  [on, off] = await Promise.all([startSampleAccount({ port: 0, seed: 9, speed: 1, now: () => NOW, transactionSearch: true }), startSampleAccount({ port: 0, seed: 9, speed: 1, now: () => NOW })]);
});
after(async () => Promise.all([on.close(), off.close()]));

const hourAgo = new Date(NOW - 3600_000);
const now = new Date(NOW);
/** A 504 of POST /reports that X-Ray did not sample, and its trace id's 32 hex digits. */
function unsampled504(): { r: SampleRequest; otelId: string } {
  const r = on.store.requests(NOW - 3600_000, NOW).find((x) => x.route.kind === 'reports' && x.status === 504 && !x.sampled);
  assert.ok(r, 'an unsampled 504 in the hour');
  return { r, otelId: r.traceId.slice(2, 10) + r.traceId.slice(11) };
}

test('GetTraceSegmentDestination: CloudWatchLogs with Transaction Search on, XRay off; aws/spans exists only when on', async () => {
  for (const [account, destination] of [[on, 'CloudWatchLogs'], [off, 'XRay']] as const) {
    const xray = client(account, XRayClient);
    const logs = client(account, CloudWatchLogsClient);
    const d = await xray.send(new GetTraceSegmentDestinationCommand({}));
    assert.equal(d.Destination, destination);
    assert.equal(d.Status, 'ACTIVE');
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'aws/' }));
    assert.deepEqual(groups.logGroups!.map((g) => g.logGroupName), destination === 'CloudWatchLogs' ? ['aws/spans'] : []);
    xray.destroy();
    logs.destroy();
  }
});

test('an unsampled 504: not in X-Ray’s index, named by its access-log record, its spans in aws/spans', async () => {
  const { r, otelId } = unsampled504();
  const xray = client(on, XRayClient);
  const logs = client(on, CloudWatchLogsClient);
  const indexed: string[] = [];
  for await (const page of paginateGetTraceSummaries({ client: xray }, { StartTime: hourAgo, EndTime: now, FilterExpression: 'service("orders-api/prod") { http.status = 504 }' })) indexed.push(...(page.TraceSummaries ?? []).map((s) => s.Id!));
  assert.ok(indexed.length > 0 && !indexed.includes(r.traceId), 'GetTraceSummaries has the sampled 504s, not this one');
  const batch = await xray.send(new BatchGetTracesCommand({ TraceIds: [r.traceId] }));
  assert.deepEqual(batch.Traces, []);
  const access = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/apigateway/orders-api/prod', startTime: r.startMs, endTime: r.startMs + r.responseMs + 1, filterPattern: `"${r.requestId}"` }));
  const line = JSON.parse(access.events![0]!.message!) as Record<string, string>;
  assert.equal(line.status, '504');
  assert.equal(line.xrayTraceId, r.traceId, 'the access log names the trace X-Ray did not sample');
  const spans = await logs.send(new FilterLogEventsCommand({ logGroupName: 'aws/spans', startTime: r.startMs, endTime: r.startMs + 70_000, filterPattern: `"${otelId}"` }));
  const records = spans.events!.map((e) => JSON.parse(e.message!) as { traceId: string; spanId: string; parentSpanId?: string; kind: string; name: string; durationNano: number; startTimeUnixNano: number; attributes: Record<string, unknown> });
  assert.ok(records.every((s) => s.traceId === otelId));
  // One record per span: the stage, its Lambda call, the Lambda service, the function, its phases, each SDK call.
  assert.equal(records.length, 4 + (r.cold ? 1 : 0) + 2 + r.calls.length);
  const stage = records.find((s) => s.attributes['aws.origin'] === 'AWS::ApiGateway::Stage')!;
  assert.equal(stage.kind, 'SERVER');
  assert.equal(stage.parentSpanId, undefined);
  assert.equal(stage.attributes['http.response.status_code'], 504);
  assert.equal(stage.durationNano, r.responseMs * 1e6);
  assert.match(/"startTimeUnixNano":(\d+)/.exec(spans.events!.find((e) => e.message!.includes('AWS::ApiGateway::Stage'))!.message!)![1]!, new RegExp(`^${r.startMs}000000$`), 'nanoseconds digit for digit');
  assert.equal(records.filter((s) => s.name === 'DynamoDB.GetItem').length, r.calls.filter((c) => c.name === 'DynamoDB').length);
  xray.destroy();
  logs.destroy();
});

async function query(logs: CloudWatchLogsClient, queryString: string): Promise<Array<Record<string, string>>> {
  const q = await logs.send(new StartQueryCommand({ logGroupName: 'aws/spans', startTime: Math.floor(NOW / 1000) - 3600, endTime: Math.floor(NOW / 1000), queryString }));
  for (;;) {
    const res = await logs.send(new GetQueryResultsCommand({ queryId: q.queryId! }));
    if (res.status === 'Complete') return (res.results ?? []).map((row) => Object.fromEntries(row.map((f) => [f.field!, f.value!])));
    assert.equal(res.status, 'Running');
  }
}

test('Logs Insights on aws/spans: the slow server spans by their flattened attributes, grouped conditions, a trace by id', async () => {
  const { r, otelId } = unsampled504();
  const logs = client(on, CloudWatchLogsClient);
  const slow = await query(
    logs,
    'fields traceId, durationNano, attributes.http.response.status_code\n| filter kind = "SERVER" and (attributes.aws.local.service in ["orders-api/prod"] or resource.attributes.service.name in ["orders-api/prod"]) and (durationNano >= 23200000000 or attributes.http.response.status_code >= 500)\n| sort durationNano desc\n| limit 500',
  );
  // The scenario's own requests (seed 9, speed 1) whose stage span ended in the window: a span is
  // written when it ends, even while the function behind a 504 runs on.
  const minutes = Array.from({ length: 64 }, (_, i) => Math.floor(NOW / 60_000) - 63 + i);
  const expected = minutes
    .flatMap((m) => requestsOfMinute(9, m, 1))
    .filter((x) => x.route.fn.otel && (x.responseMs >= 23_200 || x.status >= 500) && x.startMs + x.responseMs >= NOW - 3600_000 && x.startMs + x.responseMs <= NOW);
  assert.equal(slow.length, expected.length, 'one stage span per slow request of the instrumented route');
  assert.ok(slow.some((row) => row.traceId === otelId && row['attributes.http.response.status_code'] === '504'));
  assert.ok(slow.every((row, i) => i === 0 || Number(slow[i - 1]!.durationNano) >= Number(row.durationNano)), 'slowest first');
  const spans = await query(logs, `fields @message\n| filter traceId in ["${otelId}"]\n| limit 10000`);
  const parsed = parseSpanRecords(spans.map((row) => row['@message']!), 'aws/spans');
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.traces.map((t) => t.traceId), [r.traceId]);
  // A condition that does not close its parenthesis is refused as the service refuses it.
  await assert.rejects(logs.send(new StartQueryCommand({ logGroupName: 'aws/spans', startTime: Math.floor(NOW / 1000) - 60, endTime: Math.floor(NOW / 1000), queryString: 'filter (kind = "SERVER"' })), { name: 'MalformedQueryException' });
  logs.destroy();
});

test('StartTraceRetrieval → ListRetrievedTraces: RUNNING, then COMPLETE in OTEL or XRAY form; its limits as X-Ray’s', async () => {
  const { r } = unsampled504();
  const xray = client(on, XRayClient);
  const sampled = on.store.requests(NOW - 3600_000, NOW).find((x) => x.sampled && x.route.kind === 'healthy')!;
  const started = await xray.send(new StartTraceRetrievalCommand({ TraceIds: [r.traceId, sampled.traceId, '1-00000000-000000000000000000000000'], StartTime: hourAgo, EndTime: now }));
  const first = await xray.send(new ListRetrievedTracesCommand({ RetrievalToken: started.RetrievalToken!, TraceFormat: 'OTEL' }));
  assert.equal(first.RetrievalStatus, 'RUNNING');
  assert.equal(first.Traces, undefined);
  const otel = await xray.send(new ListRetrievedTracesCommand({ RetrievalToken: started.RetrievalToken!, TraceFormat: 'OTEL' }));
  assert.equal(otel.RetrievalStatus, 'COMPLETE');
  assert.equal(otel.TraceFormat, 'OTEL');
  assert.deepEqual(otel.Traces!.map((t) => t.Id).sort(), [r.traceId, sampled.traceId].sort(), 'the unsampled 504 (aws/spans) and the sampled request; not an unknown id');
  const parsed = parseSpanRecords(otel.Traces!.flatMap((t) => t.Spans!.map((s) => s.Document!)), 'retrieved');
  assert.deepEqual(parsed.errors, []);
  assert.equal(parsed.traces.length, 2);
  const xrayForm = await xray.send(new ListRetrievedTracesCommand({ RetrievalToken: started.RetrievalToken!, TraceFormat: 'XRAY' }));
  assert.equal(xrayForm.TraceFormat, 'XRAY');
  const segs = parseTraceValue({ Traces: xrayForm.Traces!.map((t) => ({ Id: t.Id, Segments: t.Spans })) }, 'retrieved');
  assert.deepEqual(segs.errors, []);
  assert.equal(segs.traces.length, 2);
  // A window that ends before the request began finds nothing.
  const early = await xray.send(new StartTraceRetrievalCommand({ TraceIds: [r.traceId], StartTime: new Date(r.startMs - 7200_000), EndTime: new Date(r.startMs - 3600_000) }));
  await xray.send(new ListRetrievedTracesCommand({ RetrievalToken: early.RetrievalToken! }));
  assert.deepEqual((await xray.send(new ListRetrievedTracesCommand({ RetrievalToken: early.RetrievalToken! }))).Traces, []);
  const ids = Array.from({ length: 101 }, (_, i) => `1-6b050000-${String(i).padStart(24, '0')}`);
  await assert.rejects(xray.send(new StartTraceRetrievalCommand({ TraceIds: ids, StartTime: hourAgo, EndTime: now })), { name: 'InvalidRequestException' });
  await assert.rejects(xray.send(new ListRetrievedTracesCommand({ RetrievalToken: 'no-such-token' })), { name: 'ResourceNotFoundException' });
  // Off, X-Ray's sampled traces only: the unsampled 504 is nowhere.
  const x2 = client(off, XRayClient);
  const s2 = await x2.send(new StartTraceRetrievalCommand({ TraceIds: [r.traceId], StartTime: hourAgo, EndTime: now }));
  await x2.send(new ListRetrievedTracesCommand({ RetrievalToken: s2.RetrievalToken! }));
  assert.deepEqual((await x2.send(new ListRetrievedTracesCommand({ RetrievalToken: s2.RetrievalToken! }))).Traces, []);
  assert.deepEqual(on.refusals(), { 'StartTraceRetrieval: InvalidRequestException': 1, 'ListRetrievedTraces: ResourceNotFoundException': 1, 'StartQuery: MalformedQueryException': 1 });
  xray.destroy();
  x2.destroy();
});
