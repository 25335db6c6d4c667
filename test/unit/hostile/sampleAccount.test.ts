// The sample account against requests no AWS client sends: a body too large (413, also streamed
// without a length and behind `Expect: 100-continue`), a Host that is not its own (DNS
// rebinding: 421), a browser (403), a content type its protocol does not take (415) — each
// answered as AWS answers, an AWS-style JSON error in the protocol's content type. Then every
// documented limit, overstepped through the real SDK clients, ends in the service's own
// exception; and the product's own calls (Trace 504 on a REST and an HTTP API, Logs Insights,
// batches of traces, the function list) stay within them all.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  GetQueryResultsCommand,
  StartLiveTailCommand,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { APIGatewayClient, GetResourcesCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { MAX_BODY_BYTES, hostAllowed, startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients } from '../../../src/aws/clients';
import { trace504 } from '../../../src/aws/trace504';
import { batchGetTraces } from '../../../src/aws/xraySource';
import { functionConfig, listFunctions } from '../../../src/aws/configSource';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const KEYS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };
const REPORTS = '/aws/lambda/orders-api-reports';
const ACCESS = '/aws/apigateway/orders-api/prod';
let account: SampleAccount;
let port: number;
let sdk: { endpoint: string; region: string; credentials: typeof KEYS; maxAttempts: number };

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 11, speed: 3, now: () => NOW, liveTail: { pushMs: 20 } });
  port = Number(new URL(account.endpoint).port);
  sdk = { endpoint: account.endpoint, region: account.region, credentials: KEYS, maxAttempts: 1 };
});
beforeEach(() => account.clearFaults());
after(async () => account.close());

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  json: Record<string, unknown>;
}

interface RawRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Streams this many bytes without a Content-Length (chunked). */
  streamBytes?: number;
  /** Sends `Expect: 100-continue` with this Content-Length and sends the body only if told to go on. */
  expectContinueBytes?: number;
}

const LOGS_HEADERS = (op: string): Record<string, string> => ({ 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${op}` });

/** One request as written, over its own connection; its answer, even when the server stops reading the upload. */
function raw(r: RawRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers: Record<string, string> = { host: `127.0.0.1:${port}`, ...r.headers };
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    if (r.expectContinueBytes !== undefined) {
      headers['content-length'] = String(r.expectContinueBytes);
      headers.expect = '100-continue';
    }
    const req = request({ host: '127.0.0.1', port, method: r.method ?? 'POST', path: r.path ?? '/', headers, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
      });
    });
    // Once answered, the server may close while the upload is still going: that is its right.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    if (r.expectContinueBytes !== undefined) {
      req.on('continue', () => req.end(Buffer.alloc(r.expectContinueBytes!, 0x20)));
      return;
    }
    if (r.streamBytes === undefined) return void req.end(r.body);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (sent < r.streamBytes! && !answered) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** The SDK error a call ends in: its name and message. */
async function failure(p: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  assert.fail('the call succeeded');
}

test('a body over 1 MiB is refused with 413 and an AWS-style error, declared, streamed or announced with Expect', async () => {
  const big = 2 * MAX_BODY_BYTES;
  const declared = await raw({ headers: LOGS_HEADERS('DescribeLogGroups'), body: `{"logGroupNamePrefix":"${'a'.repeat(big)}"}` });
  assert.equal(declared.status, 413);
  assert.equal(declared.headers['content-type'], 'application/x-amz-json-1.1');
  assert.equal(declared.headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
  assert.equal(declared.headers.connection, 'close');
  assert.equal(declared.json.__type, 'RequestEntityTooLargeException');
  assert.match(String(declared.json.message), /limit of 1048576 bytes/);

  const streamed = await raw({ headers: LOGS_HEADERS('FilterLogEvents'), streamBytes: big });
  assert.equal(streamed.status, 413, 'a chunked body is counted as it comes');
  assert.equal(streamed.json.__type, 'RequestEntityTooLargeException');

  const xray = await raw({ path: '/Traces', headers: { 'content-type': 'application/json' }, streamBytes: big });
  assert.equal(xray.status, 413);
  assert.equal(xray.headers['content-type'], 'application/json');
  assert.match(String(xray.json.message), /larger than/);

  const announced = await raw({ headers: LOGS_HEADERS('DescribeLogGroups'), expectContinueBytes: big });
  assert.equal(announced.status, 413, 'refused before the body is sent');

  // Just under the limit is read (and then judged on its content).
  const under = await raw({ headers: LOGS_HEADERS('DescribeLogGroups'), body: JSON.stringify({ logGroupNamePrefix: '/aws/', pad: 'x'.repeat(MAX_BODY_BYTES - 100) }) });
  assert.equal(under.status, 200);
  // The account still answers after all of that.
  assert.equal((await raw({ headers: LOGS_HEADERS('DescribeLogGroups'), body: '{}' })).status, 200);
});

test('only its own loopback names and port are served: a foreign Host (DNS rebinding) gets 421, a browser 403', async () => {
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
    const ok = await raw({ headers: { ...LOGS_HEADERS('DescribeLogGroups'), host }, body: '{}' });
    assert.equal(ok.status, 200, host);
  }
  for (const host of [`attacker.example:${port}`, `127.0.0.1.nip.io:${port}`, `127.0.0.1:${port + 1}`, 'localhost', '127.0.0.1', `localhost.:${port}`, `[::ffff:127.0.0.1]:${port}`]) {
    const refused = await raw({ headers: { ...LOGS_HEADERS('DescribeLogGroups'), host }, body: '{}' });
    assert.equal(refused.status, 421, host);
    assert.equal(refused.json.__type, 'MisdirectedRequestException', host);
  }
  const get = await raw({ method: 'GET', path: '/2015-03-31/functions/', headers: { host: `evil.example:${port}` } });
  assert.equal(get.status, 421);
  assert.equal(get.headers['content-type'], 'application/json');
  assert.equal(hostAllowed(undefined, port), false, 'no Host at all (HTTP/1.0) is not served either');
  assert.equal(hostAllowed('localhost', 80) && hostAllowed('127.0.0.1:80', 80), true, 'the default port may be left out');

  // A page on any site can still send a simple cross-origin POST to 127.0.0.1: its Origin gives it away.
  const page = await raw({ path: '/Traces', headers: { 'content-type': 'text/plain', origin: 'https://attacker.example' }, body: '{"TraceIds":["1-a"]}' });
  assert.equal(page.status, 403);
  assert.equal(page.json.message, 'The sample account does not answer browsers (the request has an Origin header).');
});

test('answers in the protocols’ content types, and refuses a call in the wrong one with 415 as AWS’s protocols do', async () => {
  const logs = await raw({ headers: LOGS_HEADERS('DescribeLogGroups'), body: '{}' });
  assert.equal(logs.headers['content-type'], 'application/x-amz-json-1.1');
  const withCharset = await raw({ headers: { ...LOGS_HEADERS('DescribeLogGroups'), 'content-type': 'application/x-amz-json-1.1; charset=utf-8' }, body: '{}' });
  assert.equal(withCharset.status, 200, 'parameters of the media type are ignored');
  for (const type of ['application/json', 'application/x-amz-json-1.0', 'text/plain', '']) {
    const wrong = await raw({ headers: { ...LOGS_HEADERS('DescribeLogGroups'), 'content-type': type }, body: '{}' });
    assert.equal(wrong.status, 415, type || '(none)');
    assert.equal(wrong.headers['x-amzn-errortype'], 'UnsupportedMediaTypeException');
    assert.equal(wrong.headers['content-type'], 'application/x-amz-json-1.1');
    assert.deepEqual(Object.keys(wrong.json).sort(), ['__type', 'message']);
    assert.equal(wrong.json.__type, 'UnsupportedMediaTypeException');
  }
  const xray = await raw({ path: '/TraceSummaries', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ StartTime: NOW / 1000 - 60, EndTime: NOW / 1000 }) });
  assert.equal(xray.status, 200);
  assert.equal(xray.headers['content-type'], 'application/json');
  const form = await raw({ path: '/TraceSummaries', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'StartTime=1' });
  assert.equal(form.status, 415);
  assert.equal(form.headers['content-type'], 'application/json');
  assert.equal(form.json.message, form.json.Message);
  for (const path of ['/2015-03-31/functions/', '/restapis', '/v2/apis']) {
    const get = await raw({ method: 'GET', path });
    assert.equal(get.status, 200, path);
    assert.equal(get.headers['content-type'], 'application/json', path);
  }
  // An AWS JSON request for a target the account does not have: 404 in the same protocol.
  const unknown = await raw({ headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'DynamoDB_20120810.ListTables' }, body: '{}' });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.__type, 'UnknownOperationException');
});

test('X-Ray’s limits: at most 5 trace ids of 35 characters, at most 24 hours of summaries', async () => {
  const xray = new XRayClient(sdk);
  const six = await failure(xray.send(new BatchGetTracesCommand({ TraceIds: ['1', '2', '3', '4', '5', '6'] })));
  assert.deepEqual([six.name, six.status, six.message], ['InvalidRequestException', 400, 'Exceeding maximum query size: 5']);
  const none = await failure(xray.send(new BatchGetTracesCommand({ TraceIds: [] })));
  assert.equal(none.name, 'InvalidRequestException');
  assert.match(none.message, /^1 validation error detected: Value '\[\]' at 'traceIds' failed to satisfy constraint: Member must have length greater than or equal to 1$/);
  const long = await failure(xray.send(new BatchGetTracesCommand({ TraceIds: [`1-${'a'.repeat(34)}`] })));
  assert.equal(long.name, 'InvalidRequestException');
  assert.match(long.message, /Member must satisfy constraint: \[Member must have length less than or equal to 35\]/);
  const five = await xray.send(new BatchGetTracesCommand({ TraceIds: ['1', '2', '3', '4', '5'] }));
  assert.deepEqual(five.Traces, [], 'five unknown ids are simply not found');
  const day = await failure(xray.send(new GetTraceSummariesCommand({ StartTime: new Date(NOW - 24 * 3600_000 - 1000), EndTime: new Date(NOW) })));
  assert.deepEqual([day.name, day.status], ['InvalidRequestException', 400]);
  await xray.send(new GetTraceSummariesCommand({ StartTime: new Date(NOW - 24 * 3600_000), EndTime: new Date(NOW) }));
  xray.destroy();
});

test('CloudWatch Logs’ limits end in InvalidParameterException, in the service’s words', async () => {
  const logs = new CloudWatchLogsClient({ ...sdk, disableHostPrefix: true });
  const limit = await failure(logs.send(new FilterLogEventsCommand({ logGroupName: REPORTS, limit: 10_001 })));
  assert.deepEqual([limit.name, limit.status], ['InvalidParameterException', 400]);
  assert.equal(limit.message, "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000");
  const two = await failure(logs.send(new FilterLogEventsCommand({ logGroupName: 'app:*', limit: 0 })));
  assert.match(two.message, /^2 validation errors detected: Value 'app:\*' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\\.\\-_\/#A-Za-z0-9\]\+; Value '0' at 'limit' failed/);
  for (const input of [
    { logGroupName: REPORTS, filterPattern: 'x'.repeat(1025) },
    { logGroupName: REPORTS, logStreamNames: Array.from({ length: 101 }, (_, i) => `s${i}`) },
    { logGroupName: REPORTS, logStreamNames: ['a'], logStreamNamePrefix: 'a' },
    { logGroupName: REPORTS, logGroupIdentifier: REPORTS },
    {},
  ]) {
    assert.equal((await failure(logs.send(new FilterLogEventsCommand(input)))).name, 'InvalidParameterException', JSON.stringify(input).slice(0, 80));
  }
  assert.ok((await logs.send(new FilterLogEventsCommand({ logGroupName: REPORTS, startTime: NOW - 60_000, endTime: NOW, limit: 10_000 }))).events);
  const byArn = await logs.send(new FilterLogEventsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:123456789012:log-group:${REPORTS}`, startTime: NOW - 60_000, endTime: NOW, limit: 1 }));
  assert.equal(byArn.events!.length, 1, 'a group by ARN');
  assert.equal((await failure(logs.send(new GetLogEventsCommand({ logGroupName: REPORTS, logStreamName: 'x', limit: 0 })))).name, 'InvalidParameterException');

  const window = { startTime: Math.floor(NOW / 1000) - 600, endTime: Math.floor(NOW / 1000), queryString: 'fields @message' };
  const fiftyOne = await failure(logs.send(new StartQueryCommand({ ...window, logGroupNames: Array.from({ length: 51 }, (_, i) => `/aws/lambda/f${i}`) })));
  assert.equal(fiftyOne.name, 'InvalidParameterException');
  assert.match(fiftyOne.message, /up to 50 log groups/);
  for (const input of [
    { ...window, logGroupName: ACCESS, logGroupNames: [ACCESS] },
    { ...window },
    { ...window, logGroupName: ACCESS, limit: 0 },
    { ...window, logGroupName: ACCESS, limit: 100_001 },
    { ...window, logGroupName: ACCESS, queryString: 'x'.repeat(10_001) },
    { ...window, logGroupName: ACCESS, startTime: window.endTime + 1 },
  ]) {
    assert.equal((await failure(logs.send(new StartQueryCommand(input)))).name, 'InvalidParameterException', JSON.stringify(input).slice(0, 120));
  }
  const q = await logs.send(new StartQueryCommand({ ...window, logGroupIdentifiers: [ACCESS], limit: 100_000 }));
  await logs.send(new StopQueryCommand({ queryId: q.queryId! }));
  const empty = await failure(logs.send(new GetQueryResultsCommand({ queryId: '' })));
  assert.match(empty.message, /at 'queryId' failed to satisfy constraint: Member must have length greater than or equal to 1/);

  assert.equal((await failure(logs.send(new DescribeLogGroupsCommand({ limit: 51 })))).name, 'InvalidParameterException');
  const one = await logs.send(new DescribeLogGroupsCommand({ limit: 1 }));
  assert.equal(one.logGroups!.length, 1);
  const next = await logs.send(new DescribeLogGroupsCommand({ limit: 1, nextToken: one.nextToken! }));
  assert.notEqual(next.logGroups![0]!.logGroupName, one.logGroups![0]!.logGroupName, 'pages of `limit`');

  const arn = (g: string): string => `arn:aws:logs:us-east-1:123456789012:log-group:${g}`;
  const eleven = await failure(logs.send(new StartLiveTailCommand({ logGroupIdentifiers: Array.from({ length: 11 }, () => arn(REPORTS)) })));
  assert.equal(eleven.name, 'InvalidParameterException');
  assert.match(eleven.message, /at 'logGroupIdentifiers' failed to satisfy constraint: Member must have length less than or equal to 10/);
  const streamsOfTwo = await failure(logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [arn(REPORTS), arn(ACCESS)], logStreamNames: ['x'] })));
  assert.match(streamsOfTwo.message, /only with exactly one log group/);
  logs.destroy();
});

test('Lambda’s limits end in ValidationException, API Gateway’s in BadRequestException', async () => {
  const lambda = new LambdaClient(sdk);
  for (const MaxItems of [0, 10_001]) assert.equal((await failure(lambda.send(new ListFunctionsCommand({ MaxItems })))).name, 'ValidationException', String(MaxItems));
  const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 10_000 }));
  assert.ok(page.Functions!.length > 0 && page.Functions!.length <= 50, 'a page holds at most 50 whatever MaxItems says');
  const name = await failure(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'not a function name!' })));
  assert.deepEqual([name.name, name.status], ['ValidationException', 400]);
  assert.match(name.message, /^1 validation error detected: Value 'not a function name!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  lambda.destroy();
  const apigw = new APIGatewayClient(sdk);
  assert.equal((await failure(apigw.send(new GetRestApisCommand({ limit: 501 })))).name, 'BadRequestException');
  const apis = await apigw.send(new GetRestApisCommand({ limit: 500 }));
  assert.equal((await failure(apigw.send(new GetResourcesCommand({ restApiId: apis.items![0]!.id!, limit: 0 })))).name, 'BadRequestException');
  apigw.destroy();
});

test('the product’s own calls keep within every limit: Trace 504 (REST and HTTP, with Logs Insights), batches of traces, the functions', async () => {
  const before = account.refusals();
  const callsBefore = account.calls();
  const c = new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
  try {
    const rest = await trace504(c, { api: 'orders-api', sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces: 12, insightsAboveEvents: 1, insightsPollMs: 5 });
    assert.deepEqual(rest.report.errors, []);
    assert.ok(rest.report.traces.length > 5, 'more traces than one BatchGetTraces call takes');
    const http = await trace504(c, { api: 'catalog-api', sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces: 6 });
    assert.deepEqual(http.report.errors, []);
    const ids = rest.report.traces.map((t) => t.traceId);
    const got = await batchGetTraces(c, [...ids, ...ids]);
    assert.equal(got.traces.length, ids.length);
    assert.ok((await listFunctions(c)).length > 0);
    assert.equal((await functionConfig(c, 'orders-api-reports')).timeoutMs, 60_000);
  } finally {
    c.dispose();
  }
  assert.deepEqual(account.refusals(), before, 'the account refused none of the product’s calls');
  const made = (op: string): number => (account.calls()[op] ?? 0) - (callsBefore[op] ?? 0);
  assert.ok(made('StartQuery') > 0, 'Logs Insights was used');
  assert.ok(made('BatchGetTraces') >= 4, 'traces were fetched five at a time');
});
