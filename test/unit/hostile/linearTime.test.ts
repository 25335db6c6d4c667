// Nothing a log or a trace holds makes the engine slower than linear in it: each input that
// was quadratic (or worse) before is timed against one 10× smaller in the same run (measure.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogCollector } from '../../../src/ingest/logs';
import { compileAccessLogFormat, MAX_ACCESS_LOG_LINE } from '../../../src/ingest/accessLogs';
import { ExecutionLogParser } from '../../../src/ingest/executionLogs';
import { LatencyHistogram } from '../../../src/core/endpoints';
import { jsonErrorWhere, parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';
import { renderTextReport } from '../../../src/core/textReport';
import type { Trace } from '../../../src/core/model';
import { span, trace } from '../../builders/modelBuilder';
import { assertLinear, collectGarbage } from './measure';

const UUID = '8a4f3c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b';

test('a REPORT event with 262 000 newlines inside is read in linear time (and skipped as damaged)', () => {
  // A CloudWatch event's message ends with a newline; the run before "x" is not trailing.
  const event = (n: number): string => `REPORT RequestId: x${'\n'.repeat(n)}x\n`;
  const c = new LogCollector();
  c.push(event(262_000), { where: 'events[0]' });
  const { invocations, errors } = c.finish();
  assert.equal(invocations.length, 0);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /^Not a log line Timeout Lens reads, skipped: REPORT RequestId: x/);
  assertLinear('REPORT event with a newline run', event, (m) => new LogCollector().push(m, { where: 'e' }), 26_200);
  // The same run at the very end of the event is trimmed, also in linear time.
  assertLinear('REPORT event ending in newlines', (n) => `REPORT RequestId: ${UUID}\tDuration: 1.00 ms${'\n'.repeat(n)}`, (m) => new LogCollector().push(m, { where: 'e' }), 26_200);
});

test('an execution-log line with a long run of blanks before a line break is read in linear time', () => {
  const line = (n: number): string => `(${UUID})${' '.repeat(n)}x\ny`;
  // One line only: a break inside the text is not an execution-log line, as before.
  assert.equal(new ExecutionLogParser().push(line(100_000), 'e'), false);
  assert.equal(new ExecutionLogParser().push(`(${UUID})   Method completed with status: 504`, 'e'), true);
  assertLinear('execution-log line', line, (l) => new ExecutionLogParser().push(l, 'e'), 10_000);
});

const CLF =
  '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId';
const SPACED = '$context.requestId $context.status $context.httpMethod $context.resourcePath $context.protocol $context.responseLength $context.requestTime $context.integrationLatency END';

test('a 400-token line that does not match the access-log format fails in linear time', () => {
  const words = (n: number): string => Array.from({ length: n }, (_, i) => `t${i}`).join(' ');
  for (const format of [CLF, SPACED]) {
    const match = compileAccessLogFormat(format);
    assert.equal(match(words(400)), null);
    assertLinear(`non-matching line (${format.slice(0, 30)}…)`, words, (l) => match(l), 400);
  }
  // A line that matches still reads every field, however long a value is.
  const match = compileAccessLogFormat(SPACED);
  const long = 'v'.repeat(20_000);
  const f = match(`r1 504 GET /reports/${long} HTTP/1.1 0 24/Nov/2026:12:00:00 29000 END`);
  assert.ok(f);
  assert.equal(f.resourcePath, `/reports/${long}`);
  assert.equal(f.requestTime, '24/Nov/2026:12:00:00');
  assert.equal(f.integrationLatency, '29000');
});

test('the access-log format: values run to their next literal, blanks match any run of blanks, the last value to the end', () => {
  const match = compileAccessLogFormat(`${CLF}\n`);
  const f = match('203.0.113.9 - -   [24/Nov/2026:12:00:00 +0000] "GET /orders/{id} HTTP/1.1" 504 0 c3');
  assert.ok(f);
  assert.deepEqual({ ...f }, {
    'identity.sourceIp': '203.0.113.9',
    'identity.caller': '-',
    'identity.user': '-',
    requestTime: '24/Nov/2026:12:00:00 +0000',
    httpMethod: 'GET',
    resourcePath: '/orders/{id}',
    protocol: 'HTTP/1.1',
    status: '504',
    responseLength: '0',
    requestId: 'c3',
  });
  // A format ending in a literal: the last value runs to the literal that ends the line.
  const quoted = compileAccessLogFormat('$context.requestId "$context.error.message"');
  assert.equal(quoted('r1 "it said "no" twice"')?.['error.message'], 'it said "no" twice');
  assert.equal(quoted('r1 "unterminated'), null);
  // A value never spans a line break (a blank of the format matches one, as `\s+` did).
  assert.deepEqual({ ...compileAccessLogFormat('$context.requestId $context.status')('r1\n504') }, { requestId: 'r1', status: '504' });
  assert.equal(compileAccessLogFormat('$context.requestId [$context.status]')('r1 [5\n04]'), null);
  // Field names are the user's: any of them is an own field, none reaches a prototype.
  const proto = compileAccessLogFormat('$context.__proto__ $context.constructor')('a b');
  assert.ok(proto);
  assert.equal(Object.hasOwn(proto, '__proto__'), true);
  assert.equal(proto['constructor'], 'b');
});

test('an access-log line over the cap is skipped with an error that names the cap', () => {
  const c = new LogCollector({ accessLogFormat: SPACED });
  const long = `r1 504 GET /x HTTP/1.1 0 t 1 ${'y'.repeat(MAX_ACCESS_LOG_LINE)} END`;
  c.push(long, { where: 'access.log:7' });
  c.push('r2 504 GET /reports HTTP/1.1 0 24/Nov/2026:12:00:00 29000 END', { where: 'access.log:8' });
  const r = c.finish();
  assert.equal(r.accessCount, 1);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.source, 'access.log:7');
  assert.match(r.errors[0]!.message, new RegExp(`longer than the ${MAX_ACCESS_LOG_LINE} characters`));
  assert.equal(MAX_ACCESS_LOG_LINE, 32_768);
});

test('a JSON.parse message is shortened without an expression that a run of blanks makes slow', () => {
  let e: unknown;
  try {
    JSON.parse('{"a": 1 x}');
  } catch (x) {
    e = x;
  }
  assert.equal(jsonErrorWhere(e, '{"a": 1 x}'), "Expected ',' or '}' after property value at line 1, column 9.");
  assertLinear('a message with a blank run', (n) => new Error(`Unexpected token${' '.repeat(n)}x`), (m) => jsonErrorWhere(m, ''), 10_000);
});

/**
 * A 504 whose gateway, function and slowest call are all named `name`: it is in the title, the
 * rows, the breakdown and the findings. The strings are flattened first (`repeat` makes a rope),
 * as JSON.parse gives them, so what the report does with them is all that is measured.
 */
function namedTrace(name: string, url = 'https://api.example.com/prod/reports'): Trace {
  name.charCodeAt(0);
  url.charCodeAt(0);
  const gw = span({
    name,
    kind: 'front-door',
    frontDoor: 'rest-api',
    isSegment: true,
    start: 0,
    end: 29_000,
    http: { method: 'GET', url, status: 504 },
    children: [
      { name, kind: 'function', isSegment: true, start: 10, end: 40_000, children: [{ name, kind: 'downstream', namespace: 'aws', start: 20, end: 39_000, aws: { operation: name } }] },
    ],
  });
  return trace([gw]);
}

function render(t: Trace): string {
  const { report, analyzed } = analyze({ traces: [t], errors: [] });
  return renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
}

/** The heap in use after a full collection: what is still held, not garbage not yet collected. */
function heldBytes(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

test('a span named with 200 MB of text: a report of the usual size, in time and memory that do not grow with it', () => {
  const big = namedTrace('x'.repeat(200_000_000));
  const before = heldBytes();
  const { report, analyzed } = analyze({ traces: [big], errors: [] });
  const text = renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
  // What the report and the analysis hold once made (they are still referenced here).
  const grew = heldBytes() - before;
  if (process.env['HOSTILE_TIMES']) process.stderr.write(`[hostile] 200 MB name: the heap grew by ${Math.round(grew / 1e6)} MB; ${text.length} characters of report\n`);
  // The title fits the width; names in the rows and the breakdown are cut to a label, in the
  // findings' prose to 300 characters (the JSON keeps them whole in the fields).
  assert.ok(text.length < 10_000, `${text.length} characters`);
  assert.ok(/^TIMEOUT {2}x{90}…$/m.test(text), 'the title is cut to the width');
  assert.ok(/^ {2}downstream: x{120}… \(199999880 more characters\) x{120}… \(199999880 more characters\) 39\.0 s$/m.test(text), 'the breakdown names are cut');
  assert.ok(/^ {4}x{299}…\n {4}was still running\.$/m.test(text), 'the function name is cut in the detail');
  // No copy of the name: the report holds slices of it, never a 200 MB string of its own.
  assert.ok(grew < 50_000_000, `the heap grew by ${Math.round(grew / 1e6)} MB`);
  assert.equal(report.traces[0]!.entry.name, big.entry!.name);
  assertLinear('a long span name and URL through the text report', (n) => namedTrace('y'.repeat(n), `https://x/${'u'.repeat(n)}`), render, 2_000_000);
  // A name of blanks with a break and a run of newlines in it, where `/\s+$/` and `/\n+$/` were quadratic.
  assertLinear('a name of blank runs through the text report', (n) => namedTrace(`a${' '.repeat(n)}b${'\n'.repeat(n)}c `), render, 100_000);
});

test('a log of 20 000 routes hit once each: memory that grows with the log, not 256 KB a route', () => {
  const c = new LogCollector();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 20_000; i++) {
    c.push(JSON.stringify({ requestId: `r${i}`, httpMethod: 'GET', resourcePath: `/route/${i}`, status: 200, responseLatency: 100 + (i % 50), integrationLatency: 90, requestTimeEpoch: 1_764_000_000 }), { where: `a#${i}` });
  }
  const grew = process.memoryUsage().arrayBuffers - before;
  assert.equal(c.finish().accessCount, 20_000);
  // A dense histogram per route would be 20 000 × 256 KB = 5 GB.
  assert.ok(grew < 100_000_000, `array buffers grew by ${Math.round(grew / 1e6)} MB`);
});

test('latency percentiles stay exact across the switch from a map to the dense counts', () => {
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  for (const n of [1, 1023, 1024, 1025, 5000]) {
    const h = new LatencyHistogram();
    const values = Array.from({ length: n }, () => Math.round(rnd() < 0.1 ? 70_000 + rnd() * 100_000 : rnd() * 40_000));
    for (const v of values) h.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    const rank = (p: number): number => sorted[Math.max(1, Math.ceil((p / 100) * n)) - 1]!;
    assert.deepEqual(h.percentiles([50, 95, 99]), [rank(50), rank(95), rank(99)], `n=${n}`);
    assert.equal(h.countAtLeast(20_000), values.filter((v) => v >= 20_000).length, `n=${n}`);
    assert.equal(h.max, sorted.at(-1));
  }
});

const TID = '1-6553f100-0123456789abcdef01234567';
const hex = (n: number): string => n.toString(16).padStart(16, '0');

test('a parent cycle with many children is broken once, in linear time, the children kept under it', () => {
  const T0 = 1_700_000_000;
  const text = (n: number): string => {
    const lines = [
      JSON.stringify({ id: hex(1), trace_id: TID, name: 'api/prod', origin: 'AWS::ApiGateway::Stage', start_time: T0, end_time: T0 + 2 }),
      JSON.stringify({ type: 'subsegment', id: hex(2), parent_id: hex(3), trace_id: TID, name: 'P', start_time: T0 + 1, end_time: T0 + 2 }),
      JSON.stringify({ type: 'subsegment', id: hex(3), parent_id: hex(2), trace_id: TID, name: 'Q', start_time: T0 + 1.5, end_time: T0 + 2 }),
    ];
    // The children start before the cycle they hang from: the earliest spans not reached.
    for (let i = 0; i < n; i++) lines.push(JSON.stringify({ type: 'subsegment', id: hex(i + 10), parent_id: hex(2), trace_id: TID, name: `child${i}`, start_time: T0 + 0.5, end_time: T0 + 0.6 }));
    return lines.join('\n');
  };
  const r = parseTraceText(text(1000), 'cycle.ndjson');
  const cycle = r.errors.filter((e) => /parent cycle/.test(e.message));
  assert.deepEqual(cycle.map((e) => e.message), [`"P" (${hex(2)}) is part of a parent cycle: the cycle was broken there.`]);
  const t = r.traces[0]!;
  assert.deepEqual(t.roots.map((x) => x.name), ['api/prod', 'P']);
  assert.equal(t.roots[1]!.children.length, 1_001);
  assertLinear('parent cycle with many children', text, (x) => parseTraceText(x, 'cycle.ndjson'), 3_000);
});

/** An access log of `n` lines: a 504 on each of `n` routes, or `n` methods on one route. */
function accessLog(n: number, oneRoute: boolean): string[] {
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({ requestId: `r${i}`, httpMethod: oneRoute ? `M${i}` : 'GET', resourcePath: oneRoute ? '/r' : `/route/${i}`, status: 504, responseLatency: 29_000, integrationLatency: -1, requestTimeEpoch: 1_764_000_000 + i }),
  );
}

function analyzeLog(lines: string[]): ReturnType<typeof analyze> {
  const c = new LogCollector();
  for (const [i, l] of lines.entries()) c.push(l, { where: `a#${i}` });
  return analyze({ traces: [], ...c.finish() });
}

test('many routes, or many methods on one route, each with its 504s: endpoints and findings in linear time', () => {
  const { report } = analyzeLog(accessLog(2_000, false));
  assert.equal(report.endpoints.length, 2_000);
  assert.equal(report.findings.filter((f) => f.id === 'integration-timeout').length, 2_000);
  // The terminal gets the first 20 findings and the 50 riskiest routes, and says how many more
  // --json holds; the text stays the size of a page, not of the log.
  const text = renderTextReport(report);
  assert.ok(text.includes(`\n  … ${report.findings.length - 20} more finding(s) (see --json)\n`), 'the findings are cut at 20');
  assert.ok(text.includes('\n  … 1950 more route(s) (see --json)\n'), 'the routes are cut at 50');
  const table = text.slice(text.indexOf('Endpoints by risk'), text.indexOf('more route(s)'));
  assert.equal(table.match(/ GET \/route\/\d+ /g)?.length, 50);
  assert.ok(text.length < 40_000, `${text.length} characters`);
  assertLinear('a 504 on each of many routes', (n) => accessLog(n, false), analyzeLog, 1_000);
  assert.equal(analyzeLog(accessLog(2_000, true)).report.endpoints.length, 2_000);
  assertLinear('many methods on one route', (n) => accessLog(n, true), analyzeLog, 1_000);
});

test('many timeouts of one function are counted in linear time', () => {
  const reports = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => `REPORT RequestId: ${hex(i).slice(0, 8)}-1b2d-4e5f-8a9b-${hex(i).slice(4)}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tStatus: timeout`);
  const run = (lines: string[]): ReturnType<typeof analyze> => {
    const c = new LogCollector();
    for (const l of lines) c.push(l, { where: 'f', logGroup: '/aws/lambda/orders' });
    return analyze({ traces: [], ...c.finish() });
  };
  const f = run(reports(1_000)).report.findings.find((x) => x.id === 'lambda-timed-out')!;
  assert.equal(f.evidence['count'], 1_000);
  assertLinear('timeouts of one function', reports, run, 5_000);
});
