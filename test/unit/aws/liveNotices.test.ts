// Which new 504s Live Updates announce: one notice per route, at most one per route a minute,
// the 504s in between counted into the route's next notice (src/core/liveNotices.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveNotices, noticeText, type RouteTimeouts } from '../../../src/core/liveNotices';
import type { EndpointStats } from '../../../src/core/report';

const endpoint = (method: string, route: string): EndpointStats => ({
  api: 'orders-api',
  stage: 'prod',
  method,
  route,
  count: 10,
  p50Ms: 100,
  p95Ms: 29_000,
  p99Ms: 29_010,
  maxMs: 29_020,
  timeouts: 3,
  errors5xx: 3,
  coldStarts: 0,
  budgetMs: 29_000,
});
const REPORTS = endpoint('POST', '/reports');
const ORDERS = endpoint('GET', '/orders');
const t = (e: EndpointStats, n: number): RouteTimeouts => ({ endpoint: e, newTimeouts: n });

test('one notice per route, naming the route and the count', () => {
  const n = new LiveNotices();
  const shown = n.add([t(REPORTS, 3), t(ORDERS, 1), t(endpoint('GET', '/orders/{id}'), 0)], 0);
  assert.deepEqual(shown.map(noticeText), ['3 new 504s on POST /reports (orders-api/prod)', '1 new 504 on GET /orders (orders-api/prod)']);
  assert.equal(n.nextDueMs(), undefined, 'nothing held back');
});

test('within a minute a route’s 504s are held back and counted into its next notice, which is due when the minute is over', () => {
  const n = new LiveNotices(60_000);
  assert.equal(n.add([t(REPORTS, 1)], 1_000).length, 1);
  assert.deepEqual(n.add([t(REPORTS, 2)], 20_000), []);
  assert.deepEqual(n.add([t(REPORTS, 1), t(ORDERS, 1)], 30_000).map(noticeText), ['1 new 504 on GET /orders (orders-api/prod)'], 'another route speaks at once');
  assert.equal(n.nextDueMs(), 61_000);
  assert.deepEqual(n.due(60_999), []);
  assert.deepEqual(n.due(61_000).map(noticeText), ['3 new 504s on POST /reports (orders-api/prod)']);
  assert.equal(n.nextDueMs(), undefined);
  // The notice just shown starts the route's next minute.
  assert.deepEqual(n.add([t(REPORTS, 1)], 100_000), []);
  assert.equal(n.nextDueMs(), 121_000);
});
