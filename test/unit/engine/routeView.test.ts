// The Slow Endpoints view's orders, filter and per-route findings, on hand-made rows whose
// expected orders are read off the numbers below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterRoutes, findingsOfRoute, sortRoutes } from '../../../src/core/routeView';
import type { EndpointStats, Finding } from '../../../src/core/report';

const row = (api: string, method: string, route: string, p99Ms: number, budgetMs: number, timeouts: number): EndpointStats => ({
  api, stage: 'prod', method, route, count: 100, p50Ms: 100, p95Ms: p99Ms, p99Ms, maxMs: p99Ms, timeouts, errors5xx: timeouts, coldStarts: 0, budgetMs,
});
// risk = p99 / budget: reports 1.0, search 0.9, orders 0.5, health 0.01
const reports = row('orders-api', 'POST', '/reports', 29_000, 29_000, 3);
const search = row('catalog-api', 'GET', '/search', 27_000, 30_000, 12);
const orders = row('orders-api', 'GET', '/orders/{id}', 5_000, 10_000, 0);
const health = row('orders-api', 'GET', '/health', 290, 29_000, 0);
const all = [health, orders, search, reports];
const names = (xs: EndpointStats[]): string[] => xs.map((e) => `${e.method} ${e.route}`);

test('the four orders', () => {
  assert.deepEqual(names(sortRoutes(all, 'risk')), ['POST /reports', 'GET /search', 'GET /orders/{id}', 'GET /health']);
  assert.deepEqual(names(sortRoutes(all, 'timeouts')), ['GET /search', 'POST /reports', 'GET /orders/{id}', 'GET /health']);
  assert.deepEqual(names(sortRoutes(all, 'p99')), ['POST /reports', 'GET /search', 'GET /orders/{id}', 'GET /health']);
  assert.deepEqual(names(sortRoutes(all, 'name')), ['GET /search', 'GET /health', 'GET /orders/{id}', 'POST /reports']);
  assert.deepEqual(names(all), ['GET /health', 'GET /orders/{id}', 'GET /search', 'POST /reports'], 'the input is not reordered');
});

test('the filter: every word, any case, over API, stage, method and route; "504" finds the routes with 504s', () => {
  assert.deepEqual(names(filterRoutes(all, 'REPORTS')), ['POST /reports']);
  // Both: the API's name holds "orders"; the input order stays.
  assert.deepEqual(names(filterRoutes(all, 'get orders')), ['GET /health', 'GET /orders/{id}']);
  assert.deepEqual(names(filterRoutes(all, 'get /orders')), ['GET /orders/{id}']);
  assert.deepEqual(names(filterRoutes(all, 'catalog')), ['GET /search']);
  assert.deepEqual(names(filterRoutes(all, '504')), ['GET /search', 'POST /reports']);
  assert.deepEqual(names(filterRoutes(all, '  ')), names(all));
  assert.deepEqual(filterRoutes(all, 'nothing-like-this'), []);
  // Hostile input stays a substring test: no pattern is compiled from it.
  assert.deepEqual(filterRoutes(all, '(a+)+$ [ \\'), []);
});

test('a route’s findings: by its name, or by the function behind it; never one a trace carries', () => {
  const f = (id: Finding['id'], extra: Partial<Finding>): Finding => ({ id, severity: 'high', title: id, detail: '', fix: '', evidence: {}, ...extra });
  const findings = [
    f('integration-timeout', { route: 'POST /reports' }),
    f('work-after-cut', { route: 'POST /reports (orders-api/prod)' }),
    f('lambda-timed-out', { function: 'orders-api-reports' }),
    f('lambda-timeout-exceeds-integration', { function: 'orders-api-get-order' }),
    f('slow-downstream', { route: 'POST /reports', traceId: '1-abc' }),
    f('approaching-budget', { route: 'GET /search' }),
  ];
  const routes = [
    { api: 'orders-api', method: 'POST', path: '/reports', functionName: 'orders-api-reports' },
    { api: 'orders-api', method: 'GET', path: '/orders/{id}', functionName: 'orders-api-get-order' },
  ];
  assert.deepEqual(findingsOfRoute(findings, reports, routes).map((x) => x.id), ['integration-timeout', 'work-after-cut', 'lambda-timed-out']);
  assert.deepEqual(findingsOfRoute(findings, orders, routes).map((x) => x.id), ['lambda-timeout-exceeds-integration']);
  assert.deepEqual(findingsOfRoute(findings, health, routes).map((x) => x.id), []);
  assert.deepEqual(findingsOfRoute(findings, search, []).map((x) => x.id), ['approaching-budget']);
});
