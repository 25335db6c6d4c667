// The logs engine: Lambda lines in every container and format, access logs (JSON and a user's
// format string), execution logs, exact nearest-rank percentiles, findings only logs can show,
// and logs joined to traces — on real lines (test/fixtures/logs) and built ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaLogParser } from '../../../src/ingest/lambdaLogs';
import { compileAccessLogFormat, parseAccessLogJson, recordFromFields } from '../../../src/ingest/accessLogs';
import { ExecutionLogParser } from '../../../src/ingest/executionLogs';
import { LogCollector, collectLogEvents } from '../../../src/ingest/logs';
import { EndpointAccumulator, LatencyHistogram } from '../../../src/core/endpoints';
import { readInputs } from '../../../src/ingest/files';
import { analyze } from '../../../src/core/analyze';
import { renderTextReport } from '../../../src/core/textReport';
import { requestsOfMinute } from '../../../src/aws/sampleAccount/scenario';
import { accessEvent, lambdaEvents, segmentDocuments } from '../../../src/aws/sampleAccount/records';

const RID = '8f5c6a4e-1b2c-4d3e-9f00-112233445566';

test('REPORT with its XRAY line, Init Duration, Status and Error Type; START/END; app lines', () => {
  const p = new LambdaLogParser();
  const g = { logGroup: '/aws/lambda/reports', logStream: 's1' };
  p.pushEvent('INIT_START Runtime Version: nodejs:20.v32\tRuntime Version ARN: arn:aws:lambda:…', { ...g, where: 'a:1', timestamp: 1000 });
  p.pushEvent(`START RequestId: ${RID} Version: $LATEST\n`, { ...g, where: 'a:2', timestamp: 2000 });
  p.pushEvent(`2026-03-06T10:15:31.887Z\t${RID}\tINFO\tReport generated successfully`, { ...g, where: 'a:3' });
  p.pushEvent(`2026-03-06T10:15:34.002Z ${RID} Task timed out after 25.00 seconds`, { ...g, where: 'a:4' });
  p.pushEvent(`END RequestId: ${RID}`, { ...g, where: 'a:5', timestamp: 27000 });
  p.pushEvent(
    `REPORT RequestId: ${RID}\tDuration: 25000.00 ms\tBilled Duration: 25000 ms\tMemory Size: 1024 MB\tMax Memory Used: 412 MB\tInit Duration: 965.84 ms\tStatus: timeout\tError Type: Sandbox.Timedout\t\nXRAY TraceId: 1-64404ad9-6d57ad881ff49788478d7743\tSegmentId: 42c55a110fc51738\tSampled: true\t\n`,
    { ...g, where: 'a:6', timestamp: 27001 },
  );
  const { invocations, errors } = p.finish();
  assert.deepEqual(errors, []);
  assert.equal(invocations.length, 1);
  const i = invocations[0]!;
  assert.equal(i.functionName, 'reports');
  assert.equal(i.durationMs, 25000);
  assert.equal(i.billedDurationMs, 25000);
  assert.equal(i.memorySizeMb, 1024);
  assert.equal(i.maxMemoryUsedMb, 412);
  assert.equal(i.initDurationMs, 965.84);
  assert.equal(i.status, 'timeout');
  assert.equal(i.errorType, 'Sandbox.Timedout');
  assert.equal(i.timedOutAfterMs, 25000);
  assert.equal(i.xrayTraceId, '1-64404ad9-6d57ad881ff49788478d7743');
  assert.equal(i.segmentId, '42c55a110fc51738');
  assert.equal(i.sampled, true);
  assert.equal(i.startMs, 2000);
  assert.equal(i.messages?.length, 2);
});

test('a text export: the XRAY line on its own line, SnapStart Restore Duration, INIT_REPORT, garbage counted', () => {
  const c = new LogCollector();
  const lines = [
    'INIT_REPORT Init Duration: 488.22 ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError',
    `START RequestId: ${RID} Version: 3`,
    `REPORT RequestId: ${RID}\tDuration: 120.50 ms\tBilled Duration: 121 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\tRestore Duration: 310.10 ms\tBilled Restore Duration: 131 ms`,
    'XRAY TraceId: 1-5759e988-bd862e3fe1be46a994272793\tSegmentId: 53995c3f42cd8ad8\tSampled: false',
    'total garbage here',
    '    at Object.handler (/var/task/index.js:10:5)',
  ];
  lines.forEach((l, n) => c.push(l, { where: `x.log:${n + 1}`, logStream: 's' }));
  const r = c.finish();
  assert.equal(r.invocations.length, 1);
  const i = r.invocations[0]!;
  assert.equal(i.restoreDurationMs, 310.1);
  assert.equal(i.initDurationMs, 488.22);
  assert.equal(i.segmentId, '53995c3f42cd8ad8');
  assert.equal(i.sampled, false);
  assert.deepEqual(r.errors.map((e) => e.source), ['x.log:5'], 'the garbage line, not the stack-trace continuation');
});

test('the JSON log format: platform.initStart / start / report, app lines, Sandbox.Timedout', () => {
  const c = new LogCollector();
  const ev = (o: unknown, n: number): void => c.push(JSON.stringify(o), { where: `j:${n}`, logStream: 's', logGroup: '/aws/lambda/fn' });
  ev({ time: '2026-03-06T10:15:00.000Z', type: 'platform.initStart', record: { initializationType: 'on-demand', phase: 'init' } }, 1);
  ev({ time: '2026-03-06T10:15:01.000Z', type: 'platform.start', record: { requestId: RID, version: '$LATEST' } }, 2);
  ev({ timestamp: '2026-03-06T10:15:02.000Z', level: 'INFO', requestId: RID, message: 'working' }, 3);
  ev({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${RID} Error: Task timed out after 3.00 seconds` }, 4);
  ev({ time: '2026-03-06T10:15:04.100Z', type: 'platform.report', record: { requestId: RID, metrics: { durationMs: 3000.4, billedDurationMs: 3000, memorySizeMB: 128, maxMemoryUsedMB: 64, initDurationMs: 210.5 }, status: 'timeout', tracing: { type: 'X-Amzn-Trace-Id', value: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' } } }, 5);
  const r = c.finish();
  assert.deepEqual(r.errors, []);
  const i = r.invocations[0]!;
  assert.equal(i.durationMs, 3000.4);
  assert.equal(i.initDurationMs, 210.5);
  assert.equal(i.status, 'timeout');
  assert.equal(i.timedOutAfterMs, 3000);
  assert.equal(i.xrayTraceId, '1-5759e988-bd862e3fe1be46a994272793');
  assert.equal(i.functionName, 'fn');
});

test('containers: FilterLogEvents JSON, Logs Insights rows (the real LambdaPulse sample)', () => {
  const rows = JSON.parse(readFileSync('test/fixtures/logs/lambdapulse_logs_insights_rows.json', 'utf8')) as unknown;
  const c = new LogCollector();
  assert.ok(collectLogEvents(rows, 'rows.json', c));
  const r = c.finish();
  // 20 real rows: START/END/REPORT of several 10-minute runs of run-every-10-minutes.
  assert.deepEqual(r.errors, []);
  const ids = new Set(r.invocations.map((i) => i.requestId));
  assert.ok(ids.has('ea643eb8-1547-41f5-8c51-4ff6abe3e0d1'));
  const ea = r.invocations.find((i) => i.requestId === 'ea643eb8-1547-41f5-8c51-4ff6abe3e0d1')!;
  assert.equal(ea.durationMs, 20.39);
  assert.equal(ea.initDurationMs, 178.5);
  assert.equal(ea.segmentId, '4c72ac137fd02fb0');
  assert.equal(ea.functionName, 'run-every-10-minutes');
  const fle = { events: [{ logStreamName: 's', timestamp: 5, message: `END RequestId: ${RID}\n`, ingestionTime: 6, eventId: '1' }], searchedLogStreams: [] };
  const c2 = new LogCollector();
  assert.ok(collectLogEvents(fle, 'fle.json', c2, '/aws/lambda/x'));
  assert.equal(c2.finish().invocations[0]!.endMs, 5);
});

test('access logs: JSON with -, -1 and numeric strings; HTTP API routeKey; a user format string', () => {
  const rest = parseAccessLogJson('{"requestId":"a1","httpMethod":"POST","resourcePath":"/reports","status":"504","responseLatency":"29012","integrationLatency":"-1","xrayTraceId":"-","requestTimeEpoch":"1764000000"}', 'a:1')!;
  assert.equal(rest.route, '/reports');
  assert.equal(rest.status, 504);
  assert.equal(rest.integrationLatencyMs, -1);
  assert.equal(rest.xrayTraceId, undefined);
  assert.equal(rest.timeMs, 1_764_000_000_000);
  assert.equal(rest.apiType, 'rest-api');
  const http = parseAccessLogJson('{"requestId":"b","routeKey":"GET /orders/{id}","status":200,"responseLatency":87,"integration":{"latency":80,"status":"200"}}', 'a:2')!;
  assert.equal(http.method, 'GET');
  assert.equal(http.route, '/orders/{id}');
  assert.equal(http.integrationLatencyMs, 80);
  assert.equal(http.apiType, 'http-api');
  const match = compileAccessLogFormat('$context.requestId $context.identity.sourceIp [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLatency $context.integrationLatency');
  const fields = match('c3 203.0.113.9 [24/Nov/2026:12:00:00 +0000] "GET /orders/{id} HTTP/1.1" 200 41 35');
  assert.ok(fields);
  const rec = recordFromFields(fields, 'clf:1');
  assert.equal(rec.method, 'GET');
  assert.equal(rec.route, '/orders/{id}');
  assert.equal(rec.status, 200);
  assert.equal(rec.responseLatencyMs, 41);
  assert.equal(rec.timeMs, Date.UTC(2026, 10, 24, 12));
  assert.equal(match('not the format'), null);
});

test('execution logs: the timeout line, the status, the 502 siblings', () => {
  const p = new ExecutionLogParser();
  const a = 'fbcaf9e5-1111-2222-3333-444455556666';
  const b = '0bcaf9e5-1111-2222-3333-444455556666';
  for (const l of [`(${a}) Execution failed due to a timeout error`, `(${a}) Method completed with status: 504`, `(${b}) Received response. Status: 200, Integration latency: 312 ms`, `(${b}) Execution failed due to configuration error: Malformed Lambda proxy response`, `(${b}) Method completed with status: 502`]) p.push(l, 'x');
  const r = p.finish().executionLogs;
  assert.deepEqual(r.map((x) => [x.requestId, x.timedOut, x.status]), [[a, true, 504], [b, false, 502]]);
  assert.equal(r[1]!.integrationLatencyMs, 312);
  assert.match(r[1]!.failure!, /Malformed Lambda proxy response/);
});

test('nearest-rank percentiles are exact, also past the dense range', () => {
  const h = new LatencyHistogram();
  const values = Array.from({ length: 1000 }, (_, i) => (i + 1) * 100); // 100 … 100 000 ms
  for (const v of values.slice().reverse()) h.add(v);
  // rank ceil(p/100 × 1000): p50 → 500th value, p95 → 950th, p99 → 990th.
  assert.deepEqual(h.percentiles([50, 95, 99]), [50_000, 95_000, 99_000]);
  assert.equal(h.max, 100_000);
  const one = new LatencyHistogram();
  one.add(7);
  assert.deepEqual(one.percentiles([50, 99]), [7, 7]);
});

test('endpoints: per route, timeouts by integrationLatency -1 / - / near the budget, 5xx, budgets by API type', () => {
  const acc = new EndpointAccumulator();
  const records: ReturnType<typeof recordFromFields>[] = [];
  const add = (o: Record<string, unknown>): void => {
    const r = recordFromFields({ requestId: 'r', apiId: 'api1', stage: 'prod', ...o }, 'x');
    acc.add(r);
    records.push(r);
  };
  for (let i = 0; i < 97; i++) add({ httpMethod: 'GET', resourcePath: '/orders/{id}', status: 200, responseLatency: 100 + i });
  add({ httpMethod: 'POST', resourcePath: '/reports', status: 504, responseLatency: 29010, integrationLatency: '-1' });
  add({ httpMethod: 'POST', resourcePath: '/reports', status: 504, responseLatency: 29010, integrationLatency: '-' });
  add({ httpMethod: 'POST', resourcePath: '/reports', status: 504, responseLatency: 29010, integrationLatency: 28000 });
  add({ httpMethod: 'POST', resourcePath: '/reports', status: 504, responseLatency: 900, integrationLatency: 800 }); // a 504 that was no timeout
  add({ httpMethod: 'POST', resourcePath: '/reports', status: 502, responseLatency: 300 });
  add({ routeKey: 'GET /search', status: 200, responseLatency: 1200 });
  const [reports, search, orders] = acc.stats({}, records);
  assert.equal(reports!.route, '/reports');
  assert.equal(reports!.timeouts, 3);
  assert.equal(reports!.errors5xx, 5);
  assert.equal(reports!.budgetMs, 29_000);
  assert.equal(reports!.p99Ms, 29010);
  assert.equal(search!.budgetMs, 30_000, 'HTTP API routes get 30 s');
  assert.equal(orders!.count, 97);
  assert.equal(orders!.p50Ms, 148);
});

test('a mixed folder (traces, REPORT export, access log) gives one correlated report', async () => {
  // Built from the sample account's scenario: the same requests as traces, REPORT lines and access logs.
  const reqs = [0, 1, 2, 3, 4, 5].flatMap((k) => requestsOfMinute(99, 29_400_000 + k, 4));
  const reports = reqs.filter((r) => r.route.kind === 'reports' && r.status === 504);
  assert.ok(reports.some((r) => r.sampled) && reports.some((r) => !r.sampled), 'both sampled and unsampled 504s');
  const dir = mkdtempSync(join(tmpdir(), 'tl-mixed-'));
  const sampled = reports.filter((r) => r.sampled);
  // The trace of one request loses its function segment (frozen): its REPORT must fill the end in.
  const lost = sampled[0]!;
  const docs = sampled.flatMap((r) => segmentDocuments(r).filter((d) => !(r === lost && (d.origin === 'AWS::Lambda::Function' || d.type === 'subsegment' || d.inferred === true))));
  writeFileSync(join(dir, 'traces.json'), JSON.stringify(docs));
  writeFileSync(join(dir, 'reports-fn.json'), JSON.stringify({ events: reqs.filter((r) => r.route.kind === 'reports').flatMap((r) => lambdaEvents(r)).map((e) => ({ logStreamName: e.stream, timestamp: e.timestamp, message: e.message })), logGroupName: '/aws/lambda/orders-api-reports' }));
  writeFileSync(join(dir, 'access.log'), `${reqs.map((r) => accessEvent(r).message).join('\n')}\nthis line is not a log line\n`);
  const inputs = await readInputs([dir]);
  assert.equal(inputs.errors.length, 1, JSON.stringify(inputs.errors.slice(0, 5)));
  assert.match(inputs.errors[0]!.source, /access\.log:\d+$/);
  const { report, analyzed } = analyze(inputs);
  const lostReport = report.traces.find((t) => t.traceId === lost.traceId)!;
  assert.ok(lostReport.functionEndAtMs! > lostReport.cutAtMs!, 'the REPORT line told how long the function ran');
  assert.ok(lostReport.findings.some((f) => f.id === 'work-after-cut'));
  assert.ok(lostReport.findings.some((f) => f.id === 'lost-subsegments'));
  const ep = report.endpoints.find((e) => e.route === '/reports')!;
  assert.equal(ep.timeouts, reports.length, 'every 504 is counted, traced or not');
  assert.equal(report.endpoints[0]!.route, '/reports', 'the riskiest route first');
  const unsampled = report.findings.find((f) => f.id === 'unsampled-timeouts')!;
  // Only the sampled POST /reports 504s were given as traces: every other 504 (the unsampled
  // ones, and the HTTP API's, which API Gateway never traces) has none.
  assert.equal(unsampled.evidence.withoutTrace, reqs.filter((r) => r.status === 504).length - sampled.length);
  const cost = report.findings.find((f) => f.id === 'work-after-cut' && f.route === 'POST /reports')!;
  assert.ok((cost.evidence.gbSecondsPerRequest as number) > 0);
  const text = renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
  assert.match(text, /Endpoints by risk/);
  assert.match(text, /POST \/reports/);
});

test('lambda-timed-out and lambda-timeout-exceeds-integration', () => {
  const c = new LogCollector();
  c.push(`REPORT RequestId: ${RID}\tDuration: 10000.00 ms\tBilled Duration: 10000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout`, { where: 'r:1', logGroup: '/aws/lambda/slowfn' });
  const logs = c.finish();
  const { report } = analyze({ traces: [], ...logs }, { functionTimeouts: { slowfn: 60_000, quick: 10_000 } });
  const timedOut = report.findings.find((f) => f.id === 'lambda-timed-out')!;
  assert.equal(timedOut.function, 'slowfn');
  assert.match(timedOut.detail, /502/);
  const exceeds = report.findings.filter((f) => f.id === 'lambda-timeout-exceeds-integration');
  assert.deepEqual(exceeds.map((f) => f.function), ['slowfn']);
  assert.match(exceeds[0]!.fix, /28 s/);
});
