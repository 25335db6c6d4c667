// The scenario tells one story everywhere: traces and logs of a request agree (ids, durations),
// the engine finds the 504 at the budget with the function running on, and the access logs
// hold 504s that X-Ray did not sample.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { segmentDocuments, lambdaEvents, accessEvent } from '../../../src/aws/sampleAccount/records';
import { requestsOfMinute } from '../../../src/aws/sampleAccount/scenario';
import { parseTraceValue } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';

let account: SampleAccount;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 11, speed: 3, now: () => NOW });
});
after(async () => account.close());

test('the same seed and minute give the same requests', () => {
  const a = requestsOfMinute(5, 29_000_000, 2);
  const b = requestsOfMinute(5, 29_000_000, 2);
  assert.deepEqual(a.map((r) => r.traceId), b.map((r) => r.traceId));
  assert.notDeepEqual(a.map((r) => r.traceId), requestsOfMinute(6, 29_000_000, 2).map((r) => r.traceId));
});

test('a POST /reports 504: the engine sees the cut at 29 s and the function running on', () => {
  const reqs = account.store.requests(NOW - 3600_000, NOW).filter((r) => r.route.kind === 'reports' && r.status === 504 && r.sampled);
  assert.ok(reqs.length > 3, `sampled 504s of POST /reports (${reqs.length})`);
  for (const r of reqs.slice(0, 5)) {
    const docs = segmentDocuments(r);
    const { report } = analyze(parseTraceValue(docs, 'sample'), {
      configured: () => 29_000,
    });
    assert.deepEqual(report.errors, []);
    const t = report.traces[0]!;
    assert.equal(t.verdict, 'timeout');
    assert.equal(t.entry.name, 'orders-api/prod');
    assert.ok(t.cutAtMs! >= 29_000 && t.cutAtMs! < 29_100, `cut at ${t.cutAtMs}`);
    assert.ok(t.functionEndAtMs! > t.cutAtMs!, 'the function ends after the cut');
    assert.ok(t.afterCutMs! > 0);
    assert.ok(t.findings.some((f) => f.id === 'sequential-calls'));
    assert.ok(t.findings.some((f) => f.id === 'work-after-cut'));
    if (r.cold) assert.ok(t.breakdown.coldStartMs > 1000);
    // The REPORT line of the same request: its SegmentId is the function segment, its Duration the handler's run.
    const report504 = lambdaEvents(r).find((e) => e.message.startsWith('REPORT'))!;
    const fnDoc = docs.find((d) => d.origin === 'AWS::Lambda::Function')!;
    assert.match(report504.message, new RegExp(`SegmentId: ${String(fnDoc.id)}`));
    assert.match(report504.message, new RegExp(`TraceId: ${r.traceId}`));
    const reportDuration = Number(/Duration: ([\d.]+) ms/.exec(report504.message)![1]);
    assert.ok(Math.abs(reportDuration - t.breakdown.handlerMs) < 2, `REPORT ${reportDuration} ms vs Invocation ${t.breakdown.handlerMs} ms`);
    const access = JSON.parse(accessEvent(r).message) as Record<string, string>;
    assert.equal(access.status, '504');
    assert.equal(access.integrationLatency, '-1');
    assert.equal(access.xrayTraceId, r.traceId);
  }
});

test('the catalog-api search function is the Python team’s: its name, partner URL and runtime in traces and logs', () => {
  const reqs = account.store.requests(NOW - 3600_000, NOW).filter((r) => r.route.kind === 'search');
  assert.ok(reqs.length > 0);
  for (const r of reqs) {
    assert.equal(r.route.fn.name, 'catalog-api-prod-search', 'the Serverless Framework’s <service>-<stage>-<key>');
    const docs = segmentDocuments(r);
    assert.ok(docs.filter((d) => d.origin === 'AWS::Lambda' || d.origin === 'AWS::Lambda::Function').every((d) => d.name === 'catalog-api-prod-search'));
    const partner = r.calls.find((c) => c.name === 'search.partner.example');
    // The Python X-Ray SDK's requests patch records the URL without its query string.
    if (partner) assert.equal(partner.url, 'https://search.partner.example/v1/search');
    const events = lambdaEvents(r);
    assert.ok(events.every((e) => e.group === '/aws/lambda/catalog-api-prod-search'));
    const init = events.find((e) => e.message.startsWith('INIT_START'));
    assert.equal(Boolean(init), r.cold);
    if (init) assert.match(init.message, /^INIT_START Runtime Version: python:3\.12\.v\d+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}\n$/);
  }
  assert.ok(reqs.some((r) => r.cold) && reqs.some((r) => r.calls.some((c) => c.name === 'search.partner.example')), 'cold starts and partner calls among them');
});

test('the access logs hold 504s that X-Ray did not sample', () => {
  const reqs = account.store.requests(NOW - 3600_000, NOW);
  const unsampled = reqs.filter((r) => r.status === 504 && !r.sampled);
  assert.ok(unsampled.length > 0, 'some 504s have no trace');
  for (const r of unsampled.slice(0, 3)) {
    assert.equal((JSON.parse(accessEvent(r).message) as { xrayTraceId: string }).xrayTraceId, '-');
    assert.equal(account.store.request(r.traceId)?.sampled, false);
  }
  const sampledShare = reqs.filter((r) => r.sampled).length / reqs.length;
  assert.ok(sampledShare < 0.9, `sampling leaves requests out (${Math.round(sampledShare * 100)}% sampled)`);
});

test('old data ages out; the store stays bounded as time passes', async () => {
  let clock = NOW;
  const moving = await startSampleAccount({ port: 0, seed: 3, speed: 1, historyMinutes: 30, now: () => clock });
  try {
    const early = moving.store.requests(NOW - 30 * 60_000, NOW);
    assert.ok(early.length > 0);
    clock = NOW + 6 * 3600_000;
    assert.equal(moving.store.requests(NOW - 30 * 60_000, NOW).length, 0, 'six hours later the first requests are gone');
    assert.ok(moving.store.requests(clock - 10 * 60_000, clock).length > 0, 'new traffic arrived');
    assert.equal(moving.store.request(early[0]!.traceId), undefined);
  } finally {
    await moving.close();
  }
});
