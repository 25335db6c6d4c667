// Live Updates against the sample account, with its clock in the test's hands: a Trace 504 run
// followed by polls gives exactly the endpoints a fresh run over the longer window gives (each
// event counted once despite the overlap), a poll that fails is a warning and the next one
// catches up, and the loop ends when its signal aborts.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients } from '../../../src/aws/clients';
import { trace504 } from '../../../src/aws/trace504';
import { currentEndpoints, followEndpoints, percentilesAsOf, pollOnce, PERCENTILES_EVERY_MS, type LiveUpdate } from '../../../src/aws/liveEndpoints';
import type { EndpointStats } from '../../../src/core/report';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
let clock = T0;
let account: SampleAccount;
const KEYS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };
const clients = (): AwsClients => new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 7, speed: 3, now: () => clock });
});
beforeEach(() => {
  account.clearFaults();
  clock = T0;
});
after(async () => account.close());

const SINCE = T0 - 30 * 60_000;
const byRoute = (eps: EndpointStats[]): Record<string, [number, number, number, number]> =>
  Object.fromEntries(eps.map((e) => [`${e.method} ${e.route}`, [e.count, e.timeouts, e.errors5xx, e.p99Ms]]));

async function fresh(c: AwsClients, untilMs: number): Promise<EndpointStats[]> {
  return (await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: untilMs, maxTraces: 0 })).report.endpoints;
}

test('a run and its polls count what a fresh run over the whole window counts, each event once', async () => {
  const c = clients();
  const run = await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: T0, maxTraces: 0 });
  const atStart = byRoute(currentEndpoints(run.follow));
  assert.deepEqual(atStart, byRoute(run.report.endpoints), 'the kept state gives the run’s own endpoints');
  clock = T0 + 3 * 60_000;
  const first = await pollOnce(c, run.follow, clock);
  assert.deepEqual(first.warnings, []);
  assert.ok(first.newEvents > 0, 'three minutes of traffic were read');
  const afterPoll = byRoute(currentEndpoints(run.follow));
  assert.ok(afterPoll['GET /orders/{id}']![0] > atStart['GET /orders/{id}']![0], 'the healthy route counts its new requests');
  // Polling again at the same time reads the overlap again and adds nothing.
  const again = await pollOnce(c, run.follow, clock);
  assert.equal(again.newEvents, 0);
  assert.deepEqual(byRoute(currentEndpoints(run.follow)), afterPoll);
  // The same numbers as one run over the longer window.
  assert.deepEqual(afterPoll, byRoute(await fresh(c, clock)));
  c.dispose();
});

test('a failed poll is a warning naming the fix; the next poll catches up', async () => {
  const c = clients();
  const run = await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: T0, maxTraces: 0 });
  clock = T0 + 2 * 60_000;
  account.inject({ kind: 'access-denied', operation: 'FilterLogEvents', times: 1 });
  const failed = await pollOnce(c, run.follow, clock);
  assert.ok(failed.warnings.some((w) => /logs:FilterLogEvents/.test(w)), failed.warnings.join('\n'));
  clock = T0 + 4 * 60_000;
  const caught = await pollOnce(c, run.follow, clock);
  assert.deepEqual(caught.warnings, []);
  assert.deepEqual(byRoute(currentEndpoints(run.follow)), byRoute(await fresh(c, clock)));
  c.dispose();
});

test('followEndpoints polls at once, then until its signal aborts, and reports new 504s per route', async () => {
  const c = clients();
  const run = await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: T0, maxTraces: 0 });
  const updates: LiveUpdate[] = [];
  const warnings: string[] = [];
  const ac = new AbortController();
  const started = clock;
  // Each poll moves the account's clock ten minutes on: POST /reports times out every few minutes.
  const done = followEndpoints(c, run.follow, {
    everyMs: 5,
    // Polling only (Live Tail has its own tests, liveTail.test.ts).
    liveTail: false,
    signal: ac.signal,
    now: () => (clock += 10 * 60_000),
    onUpdate: (u) => {
      updates.push(u);
      if (updates.length === 3) ac.abort();
    },
    onWarning: (w) => warnings.push(w),
  });
  await done;
  assert.equal(updates.length, 3);
  assert.deepEqual(warnings, []);
  assert.equal(updates[0]!.untilMs, started + 10 * 60_000, 'the first poll ran at once, at the first reading of the clock');
  for (const u of updates) {
    assert.equal(u.newTimeoutRoutes.reduce((n, r) => n + r.newTimeouts, 0), u.newTimeouts, 'the routes’ new 504s add up');
    for (const r of u.newTimeoutRoutes) assert.equal(r.endpoint.route, '/reports', 'only POST /reports times out at the gateway');
  }
  assert.ok(updates.every((u, i) => i === 0 || u.untilMs > updates[i - 1]!.untilMs));
  assert.ok(updates.reduce((n, u) => n + u.newTimeouts, 0) > 0, 'new 504s were seen');
  const reports = updates.at(-1)!.endpoints.find((e) => e.route === '/reports')!;
  assert.ok(reports.timeouts > run.report.endpoints.find((e) => e.route === '/reports')!.timeouts);
  c.dispose();
});

const full = (eps: EndpointStats[]): Record<string, number[]> =>
  Object.fromEntries(eps.map((e) => [`${e.method} ${e.route}`, [e.count, e.timeouts, e.errors5xx, e.maxMs, e.nearMisses ?? 0, e.p50Ms, e.p95Ms, e.p99Ms]]));
/** What adds exactly: count, 504s, 5xx, max, near misses (not the percentiles). */
const additive = (eps: EndpointStats[]): Record<string, number[]> => Object.fromEntries(Object.entries(full(eps)).map(([k, v]) => [k, v.slice(0, 5)]));
const percentiles = (eps: EndpointStats[]): Record<string, number[]> => Object.fromEntries(Object.entries(full(eps)).map(([k, v]) => [k, v.slice(5)]));
const local = async (c: AwsClients, untilMs: number): Promise<EndpointStats[]> =>
  (await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: untilMs, maxTraces: 0, insightsAboveEvents: Infinity })).report.endpoints;

test('after a Logs Insights run, polls add the new requests exactly; the percentiles say how old they are, then are asked again', async () => {
  const c = clients();
  const run = await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: T0, maxTraces: 0, insightsAboveEvents: 200, insightsPollMs: 5 });
  assert.ok(run.follow.insights, 'the access log was counted by Logs Insights');
  assert.deepEqual(full(currentEndpoints(run.follow)), full(run.report.endpoints), 'the kept state gives the run’s own endpoints');
  assert.equal(percentilesAsOf(run.follow), T0);

  clock = T0 + 3 * 60_000;
  const first = await pollOnce(c, run.follow, clock);
  assert.ok(first.newEvents > 0);
  assert.equal(first.warnings.length, 1, first.warnings.join('\n'));
  assert.match(first.warnings[0]!, /add each new request of \/aws\/apigateway\/orders-api\/prod to the counts, maxima, 5xx and 504s.*p50\/p95\/p99 are of 12:00:00 UTC and are asked for again every 5 minutes/);
  const atThree = currentEndpoints(run.follow);
  assert.deepEqual(additive(atThree), additive(await local(c, clock)), 'counts, 504s, 5xx, max and near misses as a full download over the longer window');
  assert.deepEqual(percentiles(atThree), percentiles(run.report.endpoints), 'the percentiles are still those of 12:00, and say so');
  const again = await pollOnce(c, run.follow, clock);
  assert.equal(again.newEvents, 0, 'the overlap is read again and adds nothing');

  const asked = account.calls().StartQuery ?? 0;
  clock = T0 + 3 * 60_000 + PERCENTILES_EVERY_MS;
  const second = await pollOnce(c, run.follow, clock);
  assert.deepEqual(second.warnings, []);
  assert.equal((account.calls().StartQuery ?? 0) - asked, 1, 'one stats query, for the percentiles');
  assert.equal(percentilesAsOf(run.follow), clock);
  assert.deepEqual(full(currentEndpoints(run.follow)), full(await local(c, clock)), 'every number as a full download, percentiles included');
  clock += 2 * 60_000;
  await pollOnce(c, run.follow, clock);
  assert.deepEqual(additive(currentEndpoints(run.follow)), additive(await local(c, clock)), 'polls after the refresh count from it, each event once');
  c.dispose();
});

test('a refresh of the percentiles that is denied says they are older than the counts', async () => {
  const c = clients();
  const run = await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: T0, maxTraces: 0, insightsAboveEvents: 200, insightsPollMs: 5 });
  clock = T0 + PERCENTILES_EVERY_MS;
  account.inject({ kind: 'access-denied', operation: 'StartQuery' });
  const polled = await pollOnce(c, run.follow, clock);
  const w = polled.warnings.find((x) => /could not ask Logs Insights again/.test(x));
  assert.ok(w, polled.warnings.join('\n'));
  assert.match(w, /logs:StartQuery was denied; add logs:StartQuery, logs:GetQueryResults and logs:StopQuery/);
  assert.match(w, /stay as of 12:00:00 UTC, older than their counts/);
  assert.equal(percentilesAsOf(run.follow), T0);
  account.clearFaults();
  assert.deepEqual(additive(currentEndpoints(run.follow)), additive(await local(c, clock)), 'the counts are still exact');
  c.dispose();
});
