// "Open the Access Log Query": the document it writes is a query Logs Insights runs as it is
// (comments included) — run here on the sample account over the real SDK — and it lists the
// route's requests, slowest first, as counted straight from the account's store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients } from '../../../src/aws/clients';
import { insights } from '../../../src/aws/logsSource';
import { accessLogQuery } from '../../../src/aws/accessLogQuery';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const SINCE = NOW - 3600_000;
let account: SampleAccount;
let clients: AwsClients;

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 21, speed: 3, now: () => NOW });
  clients = new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'x' }, maxAttempts: 1 });
});
after(async () => {
  clients.dispose();
  await account.close();
});

const base = { startMs: SINCE, endMs: NOW, cliConnection: ['--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:1'] };

test('a REST route: its requests, slowest first, as many as the store holds (up to the limit)', async () => {
  const group = '/aws/apigateway/orders-api/prod';
  const text = accessLogQuery({ ...base, api: 'orders-api', stage: 'prod', method: 'POST', route: '/reports', group, kind: 'rest' });
  assert.match(text, /^# The requests of POST \/reports on orders-api\/prod/);
  assert.match(text, /aws logs start-query --log-group-name \/aws\/apigateway\/orders-api\/prod --start-time \d+ --end-time \d+ .*--endpoint-url http:\/\/127\.0\.0\.1:1/);
  const rows = await insights(clients, { groups: [group], startMs: SINCE, endMs: NOW, query: text, pollMs: 5 });
  // Counted straight from the store: the access-log lines of POST /reports in the window.
  const mine = account.store.logEvents(group, SINCE, NOW).map((e) => JSON.parse(e.message) as Record<string, string>).filter((m) => m.httpMethod === 'POST' && m.resourcePath === '/reports');
  assert.ok(mine.length > 0);
  assert.equal(rows.length, Math.min(200, mine.length));
  const latencies = rows.map((r) => Number(r.responseLatency));
  assert.deepEqual(latencies, [...latencies].sort((a, b) => b - a), 'slowest first');
  assert.equal(latencies[0], Math.max(...mine.map((m) => Number(m.responseLatency))));
  assert.ok(rows.every((r) => r.status !== undefined && r['@timestamp'] !== undefined));
});

test('an HTTP API route is found by its routeKey; a learned format’s own field names are used', async () => {
  const group = '/aws/apigateway/catalog-api/default';
  const text = accessLogQuery({ ...base, api: 'catalog-api', stage: '$default', method: 'GET', route: '/search', group, kind: 'http' });
  assert.match(text, /\| filter routeKey = "GET \/search"/);
  const rows = await insights(clients, { groups: [group], startMs: SINCE, endMs: NOW, query: text, pollMs: 5 });
  const mine = account.store.logEvents(group, SINCE, NOW).filter((e) => (JSON.parse(e.message) as Record<string, string>).routeKey === 'GET /search');
  assert.equal(rows.length, Math.min(200, mine.length));
  const learned = accessLogQuery({ ...base, api: 'a', stage: 's', method: 'GET', route: '/x', group, kind: undefined, fields: { route: ['resourcePath', 'method'], latency: 'integration.latency', status: 'status', trace: 'xrayId' } });
  assert.match(learned, /fields @timestamp, status, integration\.latency, integrationLatency, xrayId/);
  assert.match(learned, /\| filter resourcePath = "\/x" and method = "GET"/);
  assert.match(learned, /\| sort integration\.latency desc/);
});

test('values from the logs stay string literals, and the shell command quotes what it must', () => {
  const text = accessLogQuery({ ...base, api: 'x', stage: 'p', method: 'GET', route: '/a"b\\c\n| limit 1', group: "/g/it's", kind: 'rest', cliConnection: ['--profile', 'my profile'] });
  assert.match(text, /\| filter resourcePath = "\/a\\"b\\\\c \| limit 1" and httpMethod = "GET"/);
  assert.equal(text.split('\n').filter((l) => l.startsWith('| limit')).length, 1, 'no injected stage');
  assert.match(text, /--log-group-name '\/g\/it'\\''s'/);
  assert.match(text, /--profile 'my profile'/);
});
