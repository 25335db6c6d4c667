// A Trace 504 run's failures as its message counts them, against the sample account over the
// real SDK: a denied operation on every log group is one distinct failure with its count, in a
// warning (the traces still came); an endpoint that answers nothing is an error (nothing came);
// a clean run has no failure and says nothing beside its waterfall.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients } from '../../../src/aws/clients';
import { planGroups, trace504, type Trace504Result } from '../../../src/aws/trace504';
import { trace504Message } from '../../../src/ui/messages';

let account: SampleAccount;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const KEYS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 21, speed: 3, now: () => NOW });
});
beforeEach(() => account.clearFaults());
after(async () => account.close());

async function run(endpoint: string, req: { api?: string; functionName?: string }): Promise<Trace504Result> {
  const c = new AwsClients({ endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
  try {
    return await trace504(c, { ...req, sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces: 4 });
  } finally {
    c.dispose();
  }
}

const messageOf = (r: Trace504Result, endpoint?: string): ReturnType<typeof trace504Message> =>
  trace504Message(
    { target: r.target, minutes: 60, found: r.report.traces.length > 0, failures: r.failures, problems: [], notes: [], sourcesRead: r.sourcesRead },
    endpoint ? { endpoint } : {},
  );

test('a clean run: no failure, every source read, no message beside the waterfall', async () => {
  const r = await run(account.endpoint, { api: 'orders-api' });
  assert.deepEqual(r.failures, []);
  // The X-Ray search of the stage and each log group of the plan.
  assert.equal(r.sourcesRead, 1 + planGroups(r.follow.plan).length);
  assert.equal(messageOf(r), undefined);
});

test('FilterLogEvents denied: one distinct failure counted once per log group, in a warning; the traces still came', async () => {
  account.inject({ kind: 'access-denied', operation: 'FilterLogEvents' });
  const r = await run(account.endpoint, { api: 'orders-api' });
  const groups = planGroups(r.follow.plan).length;
  assert.ok(groups >= 2, `the access log and the functions' groups (${groups})`);
  assert.equal(r.failures.length, groups);
  assert.ok(r.failures.every((f) => f.code === 'access-denied' && f.operation === 'FilterLogEvents' && f.action === 'logs:FilterLogEvents'), JSON.stringify(r.failures));
  // Each failure is one of the run's warnings, word for word.
  for (const f of r.failures) assert.ok(r.warnings.includes(f.message), f.message);
  assert.equal(r.sourcesRead, 1, 'the X-Ray search answered');
  assert.ok(r.report.traces.length > 0);
  const m = messageOf(r)!;
  assert.equal(m.severity, 'warning');
  assert.match(m.text, new RegExp(`^Trace 504 on orders-api \\(REST API, stage prod\\) read only part of the data: CloudWatch Logs FilterLogEvents denied \\(logs:FilterLogEvents\\) ×${groups}\\. Add logs:FilterLogEvents to the IAM policy of your credentials\\.$`));
  assert.deepEqual(m.fixes.map((f) => f.button), ['Copy the IAM Action', 'Open the IAM Policy']);
});

test('BatchGetTraces throttled: each failed batch is counted', async () => {
  account.inject({ kind: 'throttle', operation: 'BatchGetTraces' });
  const r = await run(account.endpoint, { functionName: 'orders-api-reports' });
  const throttled = r.failures.filter((f) => f.code === 'throttled' && f.operation === 'BatchGetTraces');
  assert.ok(throttled.length >= 1, JSON.stringify(r.failures));
  const m = messageOf(r)!;
  assert.equal(m.severity, 'warning');
  assert.match(m.text, new RegExp(`X-Ray BatchGetTraces throttled ×${throttled.length}`));
  assert.deepEqual(m.fixes.map((f) => f.button), ['Try Again']);
});

test('an endpoint that answers nothing: every call failed, nothing read, an error', async () => {
  const port = await new Promise<number>((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const r = await run(endpoint, { functionName: 'orders-api-reports' });
  assert.ok(r.failures.length >= 3, JSON.stringify(r.failures));
  assert.ok(r.failures.every((f) => f.code === 'network'), JSON.stringify(r.failures));
  assert.equal(r.sourcesRead, 0);
  const m = messageOf(r, endpoint)!;
  assert.equal(m.severity, 'error');
  assert.match(m.text, /^Trace 504 could not read function orders-api-reports: /);
  for (const op of ['Lambda GetFunctionConfiguration', 'X-Ray GetTraceSummaries', 'CloudWatch Logs FilterLogEvents']) assert.match(m.text, new RegExp(`${op} unreachable ×1`));
  assert.match(m.text, new RegExp(`Check the endpoint setting \\(${endpoint.replace(/\./g, '\\.')}\\), the network, a proxy or VPN\\.$`));
  assert.deepEqual(m.fixes.map((f) => f.button), ['Open the Endpoint Setting']);
});
