// Trace 504 with Transaction Search, against the sample account over the real SDK: off (X-Ray
// destination), nothing more is called; on, the 504s X-Ray did not sample are found in aws/spans
// and analyzed, with the numbers the scenario itself gave the request; a denied call is a warning
// naming its IAM action and the rest of the run goes on. The trace ID lookup falls back to it too.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { functionEnd, type SampleRequest } from '../../../src/aws/sampleAccount/scenario';
import { AwsClients } from '../../../src/aws/clients';
import { trace504, type Trace504Result } from '../../../src/aws/trace504';
import { traceById } from '../../../src/aws/traceById';
import type { TraceReport } from '../../../src/core/report';
import { runCli } from '../cli/runCli';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const KEYS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };
let on: SampleAccount;
let off: SampleAccount;

before(async () => {
  [on, off] = await Promise.all([startSampleAccount({ port: 0, seed: 21, speed: 1, now: () => NOW, transactionSearch: true }), startSampleAccount({ port: 0, seed: 21, speed: 1, now: () => NOW })]);
});
beforeEach(() => {
  on.clearFaults();
  off.clearFaults();
});
after(async () => Promise.all([on.close(), off.close()]));

async function run(account: SampleAccount, maxTraces = 40): Promise<Trace504Result> {
  const c = new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
  try {
    return await trace504(c, { api: 'orders-api', sinceMs: NOW - 3600_000, nowMs: NOW, maxTraces, insightsPollMs: 5 });
  } finally {
    c.dispose();
  }
}

/** The POST /reports 504s of the last hour that X-Ray did not sample: in aws/spans only. */
function unsampled504s(account: SampleAccount): SampleRequest[] {
  return account.store.requests(NOW - 3600_000, NOW).filter((r) => r.route.kind === 'reports' && r.status === 504 && !r.sampled);
}

const calls = (account: SampleAccount, before: Record<string, number>, op: string): number => (account.calls()[op] ?? 0) - (before[op] ?? 0);

test('Transaction Search off (destination XRay): asked once, then nothing of it is called and nothing said', async () => {
  const before = off.calls();
  const r = await run(off);
  assert.equal(calls(off, before, 'GetTraceSegmentDestination'), 1);
  for (const op of ['StartQuery', 'StartTraceRetrieval', 'ListRetrievedTraces']) assert.equal(calls(off, before, op), 0, op);
  assert.ok(!r.warnings.some((w) => /Transaction Search|aws\/spans/.test(w)), r.warnings.join('\n'));
  assert.deepEqual(r.failures, []);
  const ids = new Set(r.report.traces.map((t) => t.traceId));
  for (const u of unsampled504s(off)) assert.ok(!ids.has(u.traceId), 'an unsampled 504 has no trace without Transaction Search');
});

/** What the engine must say about a 504 of POST /reports, from the scenario's own timings. */
function assertBreakdownOf(t: TraceReport, r: SampleRequest): void {
  assert.equal(t.verdict, 'timeout');
  assert.equal(t.entry.name, 'orders-api/prod');
  assert.equal(t.entry.status, 504);
  assert.equal(t.budgetMs, 29_000);
  assert.ok(Math.abs(t.totalMs - r.responseMs) <= 1, `the client waited ${r.responseMs} ms (report ${t.totalMs})`);
  assert.ok(t.cutAtMs! >= 29_000 && t.cutAtMs! <= r.responseMs, `cut at ${t.cutAtMs}`);
  assert.ok(Math.abs(t.functionEndAtMs! - functionEnd(r)) <= 2, `the function ended at ${functionEnd(r)} ms (report ${t.functionEndAtMs})`);
  assert.ok(Math.abs(t.afterCutMs! - (functionEnd(r) - t.cutAtMs!)) <= 2);
  assert.equal(t.breakdown.coldStartMs > 0, r.cold);
  if (r.cold) assert.ok(Math.abs(t.breakdown.coldStartMs - r.initMs) <= 1, `cold start ${r.initMs} ms (report ${t.breakdown.coldStartMs})`);
  assert.ok(Math.abs(t.breakdown.handlerMs - r.fnDuration) <= 1, `handler ${r.fnDuration} ms (report ${t.breakdown.handlerMs})`);
  const gets = r.calls.filter((c) => c.name === 'DynamoDB');
  const dynamo = t.breakdown.downstream.find((d) => d.name === 'DynamoDB' && d.operation === 'GetItem');
  assert.ok(dynamo, JSON.stringify(t.breakdown.downstream));
  assert.equal(dynamo.calls, gets.length, 'every GetItem of the N+1 loop, from aws/spans');
  const getMs = gets.reduce((n, c) => n + c.duration, 0);
  assert.ok(Math.abs(dynamo.ms - getMs) <= gets.length, `${getMs} ms of GetItem (report ${dynamo.ms})`);
  assert.ok(t.findings.some((f) => f.id === 'sequential-calls'), t.findings.map((f) => f.id).join());
  assert.ok(t.findings.some((f) => f.id === 'work-after-cut'));
}

test('Transaction Search on: the 504s X-Ray did not sample are found in aws/spans and analyzed, each trace once', async () => {
  const missing = unsampled504s(on);
  assert.ok(missing.length >= 3, `unsampled 504s in the hour (${missing.length})`);
  const before = on.calls();
  const r = await run(on);
  assert.deepEqual(r.failures, []);
  assert.equal(calls(on, before, 'GetTraceSegmentDestination'), 1);
  assert.ok(calls(on, before, 'StartTraceRetrieval') >= 1 && calls(on, before, 'ListRetrievedTraces') >= 2, 'retrieved, polled until complete');
  const ids = r.report.traces.map((t) => t.traceId);
  assert.equal(new Set(ids).size, ids.length, 'no trace twice');
  for (const u of missing) {
    const t = r.report.traces.find((x) => x.traceId === u.traceId);
    assert.ok(t, `the unsampled 504 ${u.traceId} was found`);
    assertBreakdownOf(t, u);
    // Marked as read from aws/spans (the waterfall says so), unlike X-Ray's own.
    assert.equal(r.analyzed.find((a) => a.trace.traceId === u.traceId)?.trace.foundBy, 'transaction-search');
  }
  for (const a of r.analyzed) {
    const q = on.store.request(a.trace.traceId);
    if (q?.sampled) assert.equal(a.trace.foundBy, undefined, `${a.trace.traceId} came from X-Ray`);
  }
  // The sampled ones came from X-Ray, as before: every 504 of the route is there once.
  const all504 = on.store.requests(NOW - 3600_000, NOW).filter((x) => x.route.kind === 'reports' && x.status === 504);
  for (const x of all504) assert.ok(ids.includes(x.traceId), x.traceId);
  const note = r.warnings.find((w) => /^Transaction Search is on/.test(w));
  assert.ok(note, r.warnings.join('\n'));
  const onlyInSpans = ids.filter((id) => { const q = on.store.request(id); return q && !q.sampled; }).length;
  assert.match(note, new RegExp(`: ${onlyInSpans} request\\(s\\) were found only in aws/spans`));
  assert.ok(onlyInSpans >= missing.length);
  assert.ok(!r.warnings.some((w) => /^X-Ray samples/.test(w)), 'no sampling caveat: aws/spans has every request');
});

test('GetTraceSegmentDestination denied: a warning naming xray:GetTraceSegmentDestination; X-Ray still answers', async () => {
  on.inject({ kind: 'access-denied', operation: 'GetTraceSegmentDestination' });
  const before = on.calls();
  const r = await run(on, 10);
  const f = r.failures.find((x) => x.operation === 'GetTraceSegmentDestination');
  assert.ok(f && f.code === 'access-denied' && f.action === 'xray:GetTraceSegmentDestination', JSON.stringify(r.failures));
  assert.ok(r.warnings.includes(f.message));
  assert.match(f.message, /Transaction Search/);
  assert.match(f.message, /xray:GetTraceSegmentDestination/);
  for (const op of ['StartQuery', 'StartTraceRetrieval']) assert.equal(calls(on, before, op), 0, op);
  assert.ok(r.report.traces.length > 0 && r.report.traces.every((t) => on.store.request(t.traceId)?.sampled), 'the traces X-Ray indexed');
});

test('Logs Insights denied on aws/spans: a warning naming logs:StartQuery; the access log’s unsampled 504s are still retrieved', async () => {
  on.inject({ kind: 'access-denied', operation: 'StartQuery' });
  const r = await run(on);
  const f = r.failures.find((x) => x.operation === 'StartQuery');
  assert.ok(f && f.action === 'logs:StartQuery', JSON.stringify(r.failures));
  assert.match(f.message, /aws\/spans/);
  const ids = new Set(r.report.traces.map((t) => t.traceId));
  // The access log names each 504's trace: Transaction Search still has them.
  for (const u of unsampled504s(on)) assert.ok(ids.has(u.traceId), u.traceId);
});

test('StartTraceRetrieval denied: a warning naming xray:StartTraceRetrieval; the spans are read from aws/spans instead', async () => {
  on.inject({ kind: 'access-denied', operation: 'StartTraceRetrieval' });
  const r = await run(on);
  const f = r.failures.find((x) => x.operation === 'StartTraceRetrieval');
  assert.ok(f && f.action === 'xray:StartTraceRetrieval', JSON.stringify(r.failures));
  const missing = unsampled504s(on);
  for (const u of missing) {
    const t = r.report.traces.find((x) => x.traceId === u.traceId);
    assert.ok(t, u.traceId);
    assertBreakdownOf(t, u);
  }
});

test('Enter a trace ID: an id X-Ray did not index is read from Transaction Search', async () => {
  const u = unsampled504s(on)[0]!;
  const c = new AwsClients({ endpoint: on.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
  const d = new AwsClients({ endpoint: off.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
  try {
    const r = await traceById(c, u.traceId.slice(2).replace('-', ''));
    assert.equal(r.report.traces.length, 1);
    assertBreakdownOf(r.report.traces[0]!, u);
    assert.ok(r.warnings.some((w) => /read from Transaction Search/.test(w)), r.warnings.join('\n'));
    await assert.rejects(traceById(d, u.traceId), /X-Ray has no trace/);
  } finally {
    c.dispose();
    d.dispose();
  }
});

test('timeout-lens trace against an account with Transaction Search on: the unsampled 504s in the report, the count on stderr', async () => {
  const live = await startSampleAccount({ port: 0, seed: 21, speed: 1, transactionSearch: true });
  const vars = { AWS_ACCESS_KEY_ID: KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: KEYS.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  const { code, out, err } = await runCli(['trace', '--api', 'orders-api', '--endpoint', live.endpoint, '--region', 'us-east-1', '--json', '--since', '60m', '--max', '40'], vars);
  try {
    assert.equal(code, 0, err);
    assert.match(err, /^warning: Transaction Search is on: [1-9]\d* request\(s\) were found only in aws\/spans/m);
    const report = JSON.parse(out) as { traces: TraceReport[] };
    const now = Date.now();
    const missing = live.store.requests(now - 3600_000, now - 120_000).filter((r) => r.route.kind === 'reports' && r.status === 504 && !r.sampled);
    assert.ok(missing.length > 0);
    for (const u of missing) assert.ok(report.traces.some((t) => t.traceId === u.traceId && t.verdict === 'timeout'), u.traceId);
  } finally {
    await live.close();
  }
});

test('Transaction Search on, nothing slow in the window: one sentence says neither X-Ray nor aws/spans has one', async () => {
  const c = new AwsClients({ endpoint: on.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
  try {
    // GET /orders/{id}'s function answers in milliseconds, and sends no spans to aws/spans.
    const before = on.calls();
    const r = await trace504(c, { functionName: 'orders-api-get-order', sinceMs: NOW - 600_000, nowMs: NOW, includeLogs: false, insightsPollMs: 5 });
    assert.deepEqual(r.failures, []);
    assert.equal(calls(on, before, 'StartQuery'), 1, 'aws/spans was searched');
    assert.equal(calls(on, before, 'StartTraceRetrieval'), 0, 'nothing to retrieve');
    assert.deepEqual(r.warnings, ['Neither X-Ray nor Transaction Search (aws/spans) holds a 504 or near-budget request of function orders-api-get-order (behind orders-api, REST API) in this window.']);
  } finally {
    c.dispose();
  }
});
