// Live Tail against the sample account, with the real SDK client over HTTP: the account streams
// the events its clock produces as an event stream (the SDK's codec on both ends), Live Updates
// count them once with the polls around them, fall back to polling with a warning naming
// logs:StartLiveTail where it is denied, start a new session when one ends, and a cancel ends
// the stream on both ends. The account's clock is in the test's hands; its sessions send an
// update every 20 ms.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartLiveTailCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startSampleAccount, type SampleAccount } from '../../../src/aws/sampleAccount/server';
import { AwsClients } from '../../../src/aws/clients';
import { trace504 } from '../../../src/aws/trace504';
import { liveTail, logGroupArns, tailSessions, type TailEvent } from '../../../src/aws/liveTail';
import { currentEndpoints, followEndpoints, type LiveSource, type LiveUpdate } from '../../../src/aws/liveEndpoints';
import type { EndpointStats } from '../../../src/core/report';

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
let clock = T0;
let account: SampleAccount;
const KEYS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };
const clients = (): AwsClients => new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
const ACCESS = '/aws/apigateway/orders-api/prod';
const SINCE = T0 - 30 * 60_000;

before(async () => {
  account = await startSampleAccount({ port: 0, seed: 7, speed: 3, now: () => clock, liveTail: { pushMs: 20 } });
});
beforeEach(() => {
  account.clearFaults();
  clock = T0;
});
after(async () => account.close());

/** Waits (without asserting on time) until `check` holds; fails with `what` after 20 s. */
async function until<T>(what: string, check: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 1000; i++) {
    const v = check();
    if (v) return v;
    await sleep(20);
  }
  throw new Error(`never: ${what}`);
}

const byRoute = (eps: EndpointStats[]): Record<string, [number, number, number, number]> =>
  Object.fromEntries(eps.map((e) => [`${e.method} ${e.route}`, [e.count, e.timeouts, e.errors5xx, e.p99Ms]]));

/** The endpoints of a new Trace 504 run over the whole window (its own client, which retries a connection the account's keep-alive closed). */
async function fresh(untilMs: number): Promise<EndpointStats[]> {
  const c = new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 3 });
  try {
    return (await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: untilMs, maxTraces: 0 })).report.endpoints;
  } finally {
    c.dispose();
  }
}

test('a session streams the events the account’s clock produces, decoded by the SDK; a cancel ends it on both ends', async () => {
  const c = clients();
  const events: TailEvent[] = [];
  let started = false;
  const ac = new AbortController();
  const done = liveTail(c, [{ groups: [ACCESS] }], { onStart: () => (started = true), onEvents: (e) => events.push(...e) }, ac.signal);
  await until('the session start', () => started);
  assert.equal(account.liveTails(), 1);
  clock = T0 + 2 * 60_000;
  await until('events of the two minutes', () => events.length > 0);
  const first = events[0]!;
  assert.equal(first.group, ACCESS, 'the group by name, from the ARN in the event');
  assert.ok(first.timestamp > T0 && first.timestamp <= clock, 'only events after the session began');
  assert.ok(JSON.parse(first.message).httpMethod, 'an access-log record');
  ac.abort();
  assert.deepEqual(await done, { kind: 'cancelled' });
  await until('the account’s session closed', () => account.liveTails() === 0);
  c.dispose();
});

test('StartLiveTail takes log groups by ARN, at most 10 a session', async () => {
  const c = clients();
  await assert.rejects(c.logs().send(new StartLiveTailCommand({ logGroupIdentifiers: [ACCESS] })), /InvalidParameterException|not a log group ARN/);
  const arns = await logGroupArns(c, [ACCESS, '/aws/lambda/orders-api-reports']);
  assert.equal(arns.get(ACCESS), `arn:aws:logs:us-east-1:123456789012:log-group:${ACCESS}`);
  const many = Array.from({ length: 23 }, (_, i) => `/g${i}`);
  assert.deepEqual(tailSessions([{ groups: many }, { groups: ['/f'], filterPattern: 'REPORT' }]).map((s) => [s.groups.length, s.filterPattern]), [
    [10, undefined],
    [10, undefined],
    [3, undefined],
    [1, 'REPORT'],
  ]);
  c.dispose();
});

test('Live Updates follow with Live Tail: the events arrive through it and count once with the polls around it', async (t) => {
  const c = clients();
  const run = await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: T0, maxTraces: 0 });
  const updates: LiveUpdate[] = [];
  const sources: LiveSource[] = [];
  const warnings: string[] = [];
  const ac = new AbortController();
  const polls = (): number => updates.filter((u) => u.source === 'polling').length;
  const done = followEndpoints(c, run.follow, {
    // Polls only at the start: every later event comes through Live Tail.
    everyMs: 3_600_000,
    signal: ac.signal,
    now: () => clock,
    onUpdate: (u) => updates.push(u),
    onWarning: (w) => warnings.push(w),
    onSource: (s) => sources.push(s),
  });
  t.after(() => ac.abort());
  // The poll at once, and the one for what came in while the sessions started.
  await until('Live Tail started, and the poll after its start done', () => sources.includes('live-tail') && account.liveTails() === 2 && polls() === 2);
  const pollsBefore = polls();
  // A minute of traffic at a time: fewer events than Live Tail's 500 a session update.
  for (let m = 1; m <= 4; m++) {
    clock = T0 + m * 60_000;
    const want = byRoute(await fresh(clock));
    const got = await until(`minute ${m} through Live Tail, with the counts of a fresh run over the window`, () => {
      const now = byRoute(currentEndpoints(run.follow));
      return JSON.stringify(now) === JSON.stringify(want) ? now : undefined;
    });
    assert.deepEqual(got, want);
  }
  assert.equal(polls(), pollsBefore, 'no poll since: the four minutes came through Live Tail');
  assert.ok(updates.some((u) => u.source === 'live-tail' && u.newEvents > 0), 'updates came from Live Tail');
  assert.ok(updates.filter((u) => u.source === 'live-tail').reduce((n, u) => n + u.newTimeouts, 0) > 0, 'new 504s came through Live Tail');
  // Ten minutes at once: Live Tail sends a sample of 500, and a poll brings the rest, each event once.
  clock = T0 + 14 * 60_000;
  const want = byRoute(await fresh(clock));
  await until('the sampled ten minutes completed by a poll', () => JSON.stringify(byRoute(currentEndpoints(run.follow))) === JSON.stringify(want) || undefined);
  assert.ok(polls() > pollsBefore, 'a poll after the sample');
  assert.deepEqual(warnings, []);
  ac.abort();
  await done;
  await until('both sessions closed', () => account.liveTails() === 0);
  c.dispose();
});

test('where Live Tail is denied, Live Updates poll, with a warning naming logs:StartLiveTail', async (t) => {
  const c = clients();
  const run = await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: T0, maxTraces: 0 });
  account.inject({ kind: 'access-denied', operation: 'StartLiveTail' });
  const tailsBefore = account.calls().StartLiveTail ?? 0;
  const updates: LiveUpdate[] = [];
  const warnings: string[] = [];
  const ac = new AbortController();
  const done = followEndpoints(c, run.follow, {
    everyMs: 10,
    signal: ac.signal,
    now: () => (clock += 60_000),
    onUpdate: (u) => {
      updates.push(u);
      if (updates.length === 4) ac.abort();
    },
    onWarning: (w) => warnings.push(w),
  });
  t.after(() => ac.abort());
  await done;
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /Live Tail is denied.*poll.*logs:StartLiveTail/s);
  assert.deepEqual(
    updates.map((u) => u.source),
    ['polling', 'polling', 'polling', 'polling'],
  );
  assert.equal(account.calls().StartLiveTail, tailsBefore + 2, 'Live Tail was asked once (a session for the access log, one for the REPORT lines), and not again');
  assert.deepEqual(byRoute(currentEndpoints(run.follow)), byRoute(await fresh(updates.at(-1)!.untilMs)));
  c.dispose();
});

test('a session that reaches its limit is followed by a poll and a new session, each event counted once', async (t) => {
  const short = await startSampleAccount({ port: 0, seed: 7, speed: 3, now: () => clock, liveTail: { pushMs: 20, sessionMs: 2 * 60_000 } });
  const c = new AwsClients({ endpoint: short.endpoint, region: 'us-east-1', credentials: KEYS, maxAttempts: 1 });
  const run = await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: T0, maxTraces: 0 });
  const sources: LiveSource[] = [];
  const ac = new AbortController();
  const done = followEndpoints(c, run.follow, { everyMs: 3_600_000, signal: ac.signal, now: () => clock, onUpdate: () => undefined, onWarning: () => undefined, onSource: (s) => sources.push(s) });
  t.after(() => ac.abort());
  await until('Live Tail started', () => short.liveTails() === 2);
  const startedBefore = short.calls().StartLiveTail!;
  // Past the session's limit: the account ends both with a SessionTimeoutException.
  clock = T0 + 3 * 60_000;
  await until('new sessions', () => short.calls().StartLiveTail! >= startedBefore + 2 && short.liveTails() === 2 && sources.at(-1) === 'live-tail');
  assert.ok(sources.includes('polling'), 'polling between the sessions');
  clock = T0 + 4 * 60_000;
  const want = byRoute((await trace504(c, { api: 'orders-api', sinceMs: SINCE, nowMs: clock, maxTraces: 0 })).report.endpoints);
  await until('the counts of a fresh run', () => JSON.stringify(byRoute(currentEndpoints(run.follow))) === JSON.stringify(want));
  ac.abort();
  await done;
  c.dispose();
  await short.close();
});
