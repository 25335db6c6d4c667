// Wire fidelity checked by an independent client: Debian's AWS CLI (awscli, installed by
// scripts/setup-debian.sh) reads the sample account with --endpoint-url and dummy credentials;
// Transaction Search's commands with an AWS CLI new enough to have them, when there is one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';

const run = promisify(execFile);
const AWS = '/usr/bin/aws';
let account: SampleAccount;

before(async () => {
  assert.ok(existsSync(AWS), `${AWS} is missing: CI must run 'apt-get install awscli' (Debian's AWS CLI v2)`);
  account = await startSampleAccount({ port: 0, seed: 5, speed: 3 });
});
after(async () => account?.close());

async function aws(...args: string[]): Promise<Record<string, unknown>> {
  return awsWith(AWS, account, ...args);
}

async function awsWith(cli: string, at: SampleAccount, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(cli, [...args, '--endpoint-url', at.endpoint, '--output', 'json'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      AWS_ACCESS_KEY_ID: 'AKIASAMPLEACCOUNT000',
      AWS_SECRET_ACCESS_KEY: 'sample-account-secret',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

test('aws xray get-trace-summaries and batch-get-traces', async () => {
  const end = Math.floor(Date.now() / 1000);
  const sums = await aws('xray', 'get-trace-summaries', '--start-time', String(end - 3600), '--end-time', String(end), '--filter-expression', 'service("orders-api/prod") { http.status = 504 }');
  const list = sums.TraceSummaries as Array<{ Id: string; Http: { HttpStatus: number }; ResponseTime: number }>;
  assert.ok(list.length > 0, 'the CLI pages through and finds 504s');
  assert.ok(list.every((s) => s.Http.HttpStatus === 504 && s.ResponseTime >= 29));
  const traces = await aws('xray', 'batch-get-traces', '--trace-ids', ...list.slice(0, 3).map((s) => s.Id));
  const got = traces.Traces as Array<{ Id: string; Segments: Array<{ Document: string }> }>;
  assert.equal(got.length, 3);
  const origins = got[0]!.Segments.map((s) => (JSON.parse(s.Document) as { origin?: string }).origin);
  assert.ok(origins.includes('AWS::ApiGateway::Stage') && origins.includes('AWS::Lambda::Function'));
});

test('aws logs filter-log-events, start-query and get-query-results', async () => {
  const nowMs = Date.now();
  const ev = await aws('logs', 'filter-log-events', '--log-group-name', '/aws/lambda/orders-api-reports', '--filter-pattern', 'REPORT', '--start-time', String(nowMs - 1_800_000), '--end-time', String(nowMs));
  const events = ev.events as Array<{ message: string }>;
  assert.ok(events.length > 0);
  assert.ok(events.every((e) => e.message.startsWith('REPORT RequestId:')));
  const q = await aws('logs', 'start-query', '--log-group-name', '/aws/apigateway/orders-api/prod', '--start-time', String(Math.floor(nowMs / 1000) - 3600), '--end-time', String(Math.floor(nowMs / 1000)), '--query-string', 'fields requestId, status, integrationLatency | filter status = 504 | limit 5');
  let res = await aws('logs', 'get-query-results', '--query-id', String(q.queryId));
  if (res.status === 'Running') res = await aws('logs', 'get-query-results', '--query-id', String(q.queryId));
  assert.equal(res.status, 'Complete');
  const rows = res.results as Array<Array<{ field: string; value: string }>>;
  assert.ok(rows.length > 0 && rows.length <= 5);
  for (const row of rows) {
    assert.equal(row.find((f) => f.field === 'status')!.value, '504');
    assert.equal(row.find((f) => f.field === 'integrationLatency')!.value, '-1');
  }
});

test('aws logs start-query with stats … by, then get-query-results: the aggregated rows', async () => {
  const end = Math.floor(Date.now() / 1000);
  const q = await aws(
    'logs', 'start-query', '--log-group-name', '/aws/apigateway/orders-api/prod', '--start-time', String(end - 3600), '--end-time', String(end),
    '--query-string', 'stats count(*) as requests, pct(responseLatency, 99) as p99, max(responseLatency) by httpMethod, resourcePath | sort requests desc | limit 10',
  );
  let res = await aws('logs', 'get-query-results', '--query-id', String(q.queryId));
  if (res.status === 'Running') res = await aws('logs', 'get-query-results', '--query-id', String(q.queryId));
  assert.equal(res.status, 'Complete');
  const rows = (res.results as Array<Array<{ field: string; value: string }>>).map((r) => Object.fromEntries(r.map((f) => [f.field, f.value])));
  assert.deepEqual(rows.map((r) => `${r.httpMethod} ${r.resourcePath}`).sort(), ['GET /orders', 'GET /orders/{id}', 'POST /reports'], 'one row per route, no event fields');
  assert.ok(rows.every((r) => Object.keys(r).join() === 'httpMethod,resourcePath,requests,p99,max(responseLatency)'), 'no @ptr in aggregated rows');
  const counts = rows.map((r) => Number(r.requests));
  assert.deepEqual(counts, [...counts].sort((a, b) => b - a), 'sorted by the alias');
  const reports = rows.find((r) => r.resourcePath === '/reports')!;
  assert.ok(Number(reports['max(responseLatency)']) >= 29_000 && Number(reports.p99) <= Number(reports['max(responseLatency)']));
  const stats = res.statistics as { recordsMatched: number; recordsScanned: number };
  assert.equal(stats.recordsMatched, counts.reduce((a, b) => a + b, 0));
});

/**
 * An AWS CLI that knows Transaction Search's commands: Debian 12's awscli 2.9 predates them; the AWS
 * CLI on the PATH (a recent v1 here) may have them. Undefined when none does.
 */
async function transactionSearchCli(): Promise<string | undefined> {
  for (const cli of ['aws', AWS]) {
    try {
      const { stdout } = await run(cli, ['xray', 'help'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', PAGER: 'cat', AWS_PAGER: '' }, timeout: 60_000 });
      if (stdout.includes('get-trace-segment-destination') && stdout.includes('list-retrieved-traces')) return cli;
    } catch {
      // not installed, or not this command
    }
  }
  return undefined;
}

test('aws xray get-trace-segment-destination, start-trace-retrieval and list-retrieved-traces --trace-format OTEL (Transaction Search)', async (t) => {
  const cli = await transactionSearchCli();
  if (!cli) return t.skip('no AWS CLI here knows get-trace-segment-destination (Debian 12’s awscli 2.9 predates it)');
  const at = (a: SampleAccount, ...args: string[]): Promise<Record<string, unknown>> => awsWith(cli, a, ...args);
  assert.deepEqual(await at(account, 'xray', 'get-trace-segment-destination'), { Destination: 'XRay', Status: 'ACTIVE' });
  const ts = await startSampleAccount({ port: 0, seed: 5, speed: 1, transactionSearch: true });
  try {
    assert.deepEqual(await at(ts, 'xray', 'get-trace-segment-destination'), { Destination: 'CloudWatchLogs', Status: 'ACTIVE' });
    const now = Date.now();
    const r = ts.store.requests(now - 3600_000, now).find((x) => x.route.kind === 'reports' && x.status === 504 && !x.sampled);
    assert.ok(r, 'an unsampled 504 in the hour');
    const end = Math.ceil(now / 1000);
    const started = await at(ts, 'xray', 'start-trace-retrieval', '--trace-ids', r.traceId, '--start-time', String(end - 3600), '--end-time', String(end));
    const token = String(started.RetrievalToken);
    const running = await at(ts, 'xray', 'list-retrieved-traces', '--retrieval-token', token, '--trace-format', 'OTEL');
    assert.equal(running.RetrievalStatus, 'RUNNING');
    const done = await at(ts, 'xray', 'list-retrieved-traces', '--retrieval-token', token, '--trace-format', 'OTEL');
    assert.equal(done.RetrievalStatus, 'COMPLETE');
    assert.equal(done.TraceFormat, 'OTEL');
    const traces = done.Traces as Array<{ Id: string; Spans: Array<{ Id: string; Document: string }> }>;
    assert.deepEqual(traces.map((t) => t.Id), [r.traceId]);
    const stage = traces[0]!.Spans.map((s) => JSON.parse(s.Document) as { kind: string; attributes: Record<string, unknown> }).find((s) => s.attributes['aws.origin'] === 'AWS::ApiGateway::Stage');
    assert.equal(stage?.attributes['http.response.status_code'], 504);
  } finally {
    await ts.close();
  }
});
