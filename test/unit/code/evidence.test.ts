// The evidence behind the code hints, from built traces whose numbers are known by construction,
// and the words the hints make of it (CodeLens, inline hint, fixes in the handler's language).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import type { EndpointStats } from '../../../src/core/report';
import { functionEvidence } from '../../../src/code/evidence';
import { routeMatches } from '../../../src/core/endpoints';
import { callFix, inlineHintText, lensText, matchCalls, windowText, handlerHoverMarkdown, callHoverMarkdown } from '../../../src/code/hints';
import type { CallSite } from '../../../src/code/types';
import { apiTrace, batchGetTraces, reportsTimeout, sequential } from '../../builders/traceBuilder';

const META = { source: 'Trace 504 on orders-api', capturedAtMs: 1_700_000_000_000, windowMinutes: 60 };

function analyzed(...texts: Parameters<typeof batchGetTraces>): ReturnType<typeof analyze>['analyzed'] {
  return analyze(parseTraceText(batchGetTraces(...texts), 'built.json')).analyzed;
}

const site = (o: Partial<CallSite> & Pick<CallSite, 'kind'>): CallSite => ({
  library: 'aws-sdk-v3',
  span: { file: '/w/src/reports.js', line: 12, column: 22, endLine: 12, endColumn: 100 },
  loops: [],
  text: 'ddb.send(new GetItemCommand({…}))',
  ...o,
});

const POST_REPORTS: EndpointStats = {
  api: 'orders-api', stage: 'prod', method: 'POST', route: '/reports',
  count: 60, p50Ms: 27_942, p95Ms: 29_022, p99Ms: 24_800, maxMs: 29_023, timeouts: 7, errors5xx: 7, coldStarts: 16, budgetMs: 29_000,
};

test('route templates match request paths (placeholders, greedy proxies), and nothing else', () => {
  assert.ok(routeMatches('/reports', '/reports'));
  assert.ok(routeMatches('/orders/{id}', '/orders/42'));
  assert.ok(!routeMatches('/orders/{id}', '/orders'));
  assert.ok(!routeMatches('/orders/{id}', '/orders/42/lines'));
  assert.ok(routeMatches('/files/{proxy+}', '/files/a/b/c'));
  assert.ok(!routeMatches('/reports', '/orders'));
});

test('a function’s evidence: the worst request, its calls by kind, the routes in front of it', () => {
  // reportsTimeout: 380 GetItem calls of 80 ms each, a 2 250 ms cold start, 29 012 ms at the client.
  const worst = reportsTimeout({ functionName: 'orders-api-reports' });
  const ok = apiTrace({ functionName: 'orders-api-reports', gatewayEnd: 3_000, calls: sequential(20, 100, 10, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem' }) });
  const other = apiTrace({ functionName: 'orders-api-get-order', path: '/prod/orders/42', method: 'GET' });
  const [ev, ev2] = functionEvidence(analyzed(worst, ok, other), [POST_REPORTS], META);
  assert.equal(ev!.functionName, 'orders-api-reports');
  assert.equal(ev2!.functionName, 'orders-api-get-order');
  assert.equal(ev2!.routes.length, 0, 'GET /orders/42 is not POST /reports');
  assert.equal(ev!.worst.traceId, worst.traceId);
  assert.equal(ev!.worst.verdict, 'timeout');
  assert.equal(ev!.traced.count, 2);
  assert.equal(ev!.traced.timeouts, 1);
  assert.equal(ev!.traced.coldStarts, 1);
  assert.equal(ev!.traced.coldStartMeanMs, 2_250);
  assert.deepEqual(ev!.routes.map((r) => `${r.method} ${r.route}`), ['POST /reports']);
  const get = ev!.calls.find((c) => c.operation === 'GetItem')!;
  assert.equal(get.worstCalls, 380);
  assert.equal(get.worstMs, 380 * 80);
  assert.equal(get.calls, 400);
  assert.equal(get.traces, 2);
  assert.equal(get.maxPerTrace, 380);
  assert.equal(get.maxMs, 100);
  assert.equal(get.p50Ms, 80);
  assert.ok(ev!.worst.rows.some((r) => r.label === 'DynamoDB GetItem × 380' && r.ms > 0));
  assert.ok(ev!.worst.finding, 'the worst request has a finding');
  // JSON round trip: the store keeps it in workspace state.
  assert.deepEqual(JSON.parse(JSON.stringify(ev)), ev);
});

test('the CodeLens reads p99 of the budget, 504s in the window and the cold start', () => {
  const [ev] = functionEvidence(analyzed(reportsTimeout({ functionName: 'fn' })), [POST_REPORTS], META);
  assert.equal(lensText(ev!), '⏱ p99 24.8 s of 29 s · 7 × 504 (1 h) · cold start +2.25 s');
  const [fromFile] = functionEvidence(analyzed(reportsTimeout({ functionName: 'fn' })), [], { source: 'traces.json', capturedAtMs: 0 });
  assert.match(lensText(fromFile!), /^⏱ p99 29\.0 s of 29 s \(1 traced\) · 1 × 504 \(traces\.json\) · cold start \+2\.25 s$/);
  assert.equal(windowText(15), '15 min');
  assert.equal(windowText(10_080), '7 d');
});

test('call sites meet the calls by service and operation; the hint counts the worst request', () => {
  const [ev] = functionEvidence(analyzed(reportsTimeout({ functionName: 'fn' })), [], META);
  const loop = { kind: 'for' as const, sequential: true, span: { file: '/w/src/reports.js', line: 11, column: 2, endLine: 14, endColumn: 3 } };
  const get = site({ kind: 'aws', service: 'DynamoDB', operation: 'GetItem', loops: [loop] });
  const put = site({ kind: 'aws', service: 'S3', operation: 'PutObject' });
  const matched = matchCalls([get, put], ev!.calls);
  assert.equal(matched.length, 1);
  assert.equal(matched[0]!.site, get);
  // 380 × 80 ms = 30 400 ms = 30.4 s; of 29 000 ms: 104.8 % → 105 %.
  assert.equal(inlineHintText(matched[0]!), 'DynamoDB GetItem · 380× in a loop · 30.4 s · 105 % of budget');
  assert.match(callFix(matched[0]!, 'python'), /batch_get_item/);
  assert.match(callFix(matched[0]!, 'python'), /asyncio\.gather|ThreadPoolExecutor/);
  assert.match(callFix(matched[0]!, 'javascript'), /BatchGetItemCommand/);
  assert.match(callFix(matched[0]!, 'typescript'), /Promise\.all/);
  const hover = callHoverMarkdown(matched[0]!, 'javascript', ev!);
  assert.match(hover, /380 call\(s\), 30\.4 s/);
  assert.match(hover, /p50 80 ms · p95 80 ms · max 80 ms/);
});

test('an HTTP call meets a remote call by host; a stack frame’s line wins over the operation', () => {
  const t = apiTrace({
    functionName: 'fn',
    gatewayEnd: 5_000,
    calls: [
      { name: 'pay.example.com', namespace: 'remote', start: 10, end: 2_010, url: 'https://pay.example.com/charge', method: 'POST' },
      { name: 'DynamoDB', namespace: 'aws', operation: 'Query', start: 2_020, end: 2_100 },
    ],
  });
  const [ev] = functionEvidence(analyzed(t), [], META);
  const http = site({ kind: 'http', library: 'fetch', host: 'pay.example.com', span: { file: 'f', line: 3, column: 0, endLine: 3, endColumn: 10 } });
  const q1 = site({ kind: 'aws', service: 'DynamoDB', operation: 'Query', span: { file: 'f', line: 5, column: 0, endLine: 5, endColumn: 10 } });
  const q2 = site({ kind: 'aws', service: 'DynamoDB', operation: 'Query', span: { file: 'f', line: 9, column: 0, endLine: 9, endColumn: 10 } });
  const byOp = matchCalls([http, q1, q2], ev!.calls);
  assert.deepEqual(byOp.map((m) => [m.site.span.line, m.by, m.sharedWith]), [[3, 'host', 0], [5, 'operation', 1], [9, 'operation', 1]]);
  const byFrame = matchCalls([http, q1, q2], ev!.calls, (c) => (c.operation === 'Query' ? [9] : []));
  assert.deepEqual(byFrame.map((m) => [m.site.span.line, m.by]), [[3, 'host'], [9, 'frame']]);
  assert.match(callFix(byOp[0]!, 'python'), /timeout=/);
});

test('the handler hover carries the route table, the worst request and links to our own commands only', () => {
  const [ev] = functionEvidence(analyzed(reportsTimeout({ functionName: 'fn' })), [POST_REPORTS], META);
  const md = handlerHoverMarkdown(ev!, { openWorst: 'timeoutLens.openWorstRequest', trace504: 'timeoutLens.trace504' });
  assert.match(md, /\| POST \/reports \(orders-api\) \| 29 s \| 27\.9 s \| 29\.0 s \| 24\.8 s \| 7 of 60 \| 16 \|/);
  assert.match(md, /\| DynamoDB GetItem × 380 \| /);
  const links = [...md.matchAll(/\]\(command:([\w.]+)\?/g)].map((m) => m[1]);
  assert.deepEqual(links, ['timeoutLens.openWorstRequest', 'timeoutLens.trace504']);
});

test('a trace that starts at the function (an HTTP API is not traced) finds its route through the account’s routes', () => {
  const t = apiTrace({ functionName: 'catalog-api-prod-search', gatewayEnd: 31_000, functionEnd: 35_000 });
  // Without the stage and the Lambda service's segments, the function's own segment is the entry.
  t.docs = t.docs.slice(2);
  const search: EndpointStats = { ...POST_REPORTS, api: 'catalog-api', stage: '$default', method: 'GET', route: '/search', budgetMs: 30_000 };
  const without = functionEvidence(analyzed(t), [search], META)[0]!;
  assert.equal(without.routes.length, 0, 'no URL, no route: nothing is guessed');
  const routes = [
    { api: 'catalog-api', method: 'GET', path: '/search', functionName: 'catalog-api-prod-search' },
    { api: 'catalog-api', method: 'GET', path: '/health', functionName: 'catalog-api-health' },
  ];
  const withRoutes = functionEvidence(analyzed(t), [search, { ...search, route: '/health' }], { ...META, routes })[0]!;
  assert.deepEqual(withRoutes.routes.map((r) => `${r.api} ${r.method} ${r.route}`), ['catalog-api GET /search']);
});

test('OpenTelemetry’s code.filepath and code.lineno name the line of a call, and that line wins', () => {
  const t = apiTrace({
    functionName: 'fn',
    gatewayEnd: 5_000,
    calls: [
      // The X-Ray exporter writes OTel attributes as annotations, dots as underscores.
      { name: 'DynamoDB', namespace: 'aws', operation: 'Query', start: 10, end: 90, annotations: { code_filepath: '/var/task/src/app.js', code_lineno: 9 } },
    ],
  });
  const [ev] = functionEvidence(analyzed(t), [], META);
  assert.deepEqual(ev!.calls[0]!.frames, [{ path: '/var/task/src/app.js', line: 9 }]);
  const q1 = site({ kind: 'aws', service: 'DynamoDB', operation: 'Query', span: { file: 'f', line: 4, column: 0, endLine: 4, endColumn: 10 } });
  const q2 = site({ kind: 'aws', service: 'DynamoDB', operation: 'Query', span: { file: 'f', line: 8, column: 0, endLine: 8, endColumn: 10 } });
  // The frame's line 9 (1-based) is the 0-based line 8: that call site, by the frame.
  const m = matchCalls([q1, q2], ev!.calls, (c) => c.frames.map((f) => f.line - 1));
  assert.deepEqual(m.map((x) => [x.site.span.line, x.by]), [[8, 'frame']]);
});
