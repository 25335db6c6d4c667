// The client layer against the sample account — real SDK clients over HTTP: every call writes
// one debug line (service, operation, status, time, error name) and never a key, a token or a
// header; the SDK's paginators, wrapped once, stop between pages when cancelled and keep the
// pages already read; the abortable waits end at once.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients, type Connection } from '../../../src/aws/clients';
import { AwsSourceError } from '../../../src/aws/errors';
import { trace504 } from '../../../src/aws/trace504';
import { traceSummaries } from '../../../src/aws/xraySource';
import { listFunctions } from '../../../src/aws/configSource';
import type { TraceSummary } from '@aws-sdk/client-xray';

let account: SampleAccount;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const ACCESS_KEY = 'AKIALOGTESTKEY000001';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENdGhpcyBpcyBhIHRva2Vu';

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 21, speed: 3, now: () => NOW });
});
beforeEach(() => account.clearFaults());
after(async () => account.close());

function logged(extra: Partial<Connection> = {}): { clients: AwsClients; lines: string[] } {
  const lines: string[] = [];
  const clients = new AwsClients({
    endpoint: account.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, sessionToken: SESSION_TOKEN },
    maxAttempts: 1,
    logger: { debug: (m) => lines.push(m) },
    ...extra,
  });
  return { clients, lines };
}

test('every call writes one debug line with operation, status and time, and never a secret', async () => {
  const { clients, lines } = logged();
  await trace504(clients, { api: 'orders-api', sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces: 3 });
  account.inject({ kind: 'access-denied', operation: 'ListFunctions' });
  await assert.rejects(listFunctions(clients), (e: unknown) => AwsSourceError.is(e) && e.code === 'access-denied');
  clients.dispose();
  const line = /^(XRay|CloudWatchLogs|Lambda|APIGateway|ApiGatewayV2)\.[A-Z]\w+ (\d{3}|-) \d+ ms( [A-Za-z_]+)?( \(\d+ attempts\))?$/;
  for (const l of lines) assert.match(l, line);
  for (const op of ['APIGateway.GetRestApis', 'ApiGatewayV2.GetApis', 'APIGateway.GetStages', 'APIGateway.GetResources', 'APIGateway.GetIntegration', 'XRay.GetTraceSummaries', 'XRay.BatchGetTraces', 'CloudWatchLogs.FilterLogEvents']) {
    assert.ok(lines.some((l) => l.startsWith(`${op} 200 `)), `${op} was logged:\n${lines.join('\n')}`);
  }
  assert.ok(lines.some((l) => /^Lambda\.ListFunctions 403 \d+ ms AccessDeniedException$/.test(l)), 'a failure names its status and error');
  const all = lines.join('\n');
  for (const secret of [SECRET, SESSION_TOKEN, ACCESS_KEY, 'Signature=', 'Credential=', 'X-Amz-Security-Token', 'authorization']) {
    assert.ok(!all.toLowerCase().includes(secret.toLowerCase()), `${secret} is not in the log`);
  }
});

test('a network failure is logged with its system code; no logger, no lines and no harm', async () => {
  const { clients, lines } = logged({ endpoint: 'http://127.0.0.1:9' });
  await assert.rejects(listFunctions(clients), (e: unknown) => AwsSourceError.is(e) && e.code === 'network');
  clients.dispose();
  assert.match(lines.join('\n'), /^Lambda\.ListFunctions - \d+ ms ECONNREFUSED$/m);
  const quiet = new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET }, maxAttempts: 1 });
  assert.ok((await listFunctions(quiet)).length > 0);
  quiet.dispose();
});

test('retries show in the line as attempts', async () => {
  const { clients, lines } = logged({ maxAttempts: 3 });
  account.inject({ kind: 'server-error', operation: 'ListFunctions', times: 1 });
  await listFunctions(clients);
  clients.dispose();
  assert.ok(lines.some((l) => /^Lambda\.ListFunctions 200 \d+ ms \(2 attempts\)$/.test(l)), lines.join('\n'));
});

test('a paginator cancelled between pages keeps what it read and asks for no more', async () => {
  const { clients } = logged();
  const ac = new AbortController();
  const got: TraceSummary[] = [];
  const before = account.calls().GetTraceSummaries ?? 0;
  await assert.rejects(
    (async (): Promise<void> => {
      for await (const page of traceSummaries(clients, { startMs: NOW - 3600_000, endMs: NOW, filter: 'service("orders-api/prod")', signal: ac.signal })) {
        got.push(...page);
        ac.abort();
      }
    })(),
    (e: unknown) => AwsSourceError.is(e) && e.code === 'cancelled' && e.operation === 'GetTraceSummaries',
  );
  clients.dispose();
  assert.ok(got.length > 0, 'the first page stays with the caller');
  assert.equal((account.calls().GetTraceSummaries ?? 0) - before, 1, 'no page was asked for after the abort');
});

test('an already aborted signal sends nothing; a wait ends at once when aborted', async () => {
  const { clients, lines } = logged();
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(listFunctions(clients, ac.signal), (e: unknown) => AwsSourceError.is(e) && e.code === 'cancelled');
  assert.deepEqual(lines, []);
  const waiting = new AbortController();
  const t = Date.now();
  setTimeout(() => waiting.abort(), 20);
  await assert.rejects(clients.wait(10_000, 'GetQueryResults', waiting.signal), (e: unknown) => AwsSourceError.is(e) && e.code === 'cancelled' && e.operation === 'GetQueryResults');
  assert.ok(Date.now() - t < 10_000, 'the 10 s wait ended at the abort, not at its end');
  clients.dispose();
});
