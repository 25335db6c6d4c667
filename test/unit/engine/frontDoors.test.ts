// Verdicts on every front door and on what people really export (issue 13). Real traces from
// test/fixtures/real, damaged the way real exports are, and the sample account's HTTP API; each
// expected number is worked out from the documents or the scenario, noted beside it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTraceText, parseTraceValue } from '../../../src/ingest/xray';
import { readInputs } from '../../../src/ingest/files';
import { parseAccessLogJson } from '../../../src/ingest/accessLogs';
import { analyze } from '../../../src/core/analyze';
import { renderTextReport } from '../../../src/core/textReport';
import { REST_API_DEFAULT_BUDGET_MS } from '../../../src/core/budget';
import { requestsOfMinute, functionEnd, type SampleRequest } from '../../../src/aws/sampleAccount/scenario';
import { segmentDocuments } from '../../../src/aws/sampleAccount/records';
import type { Finding } from '../../../src/core/report';

type Doc = Record<string, unknown>;
const REAL = 'test/fixtures/real';
const COLD = `${REAL}/lambdapulse_apigw_lambda_coldstart_trace.json`;

/** The segment documents of a real BatchGetTraces file, parsed (each Document string read once). */
function docsOf(path: string): Doc[] {
  const v = JSON.parse(readFileSync(path, 'utf8')) as { Traces: Array<{ Segments: Array<{ Document: string }> }> };
  return v.Traces.flatMap((t) => t.Segments.map((s) => JSON.parse(s.Document) as Doc));
}

const byOrigin = (docs: Doc[], origin: string): Doc => docs.find((d) => d.origin === origin)!;
const ids = (fs: Finding[]): string[] => fs.map((f) => f.id);

/** The first scenario request of a route kind that matches, scanning minutes from a fixed one. */
function sampleRequest(kind: SampleRequest['route']['kind'], match: (r: SampleRequest) => boolean): SampleRequest {
  for (let m = 29_000_000; m < 29_000_000 + 2_000; m++) {
    const r = requestsOfMinute(7, m, 1).find((x) => x.route.kind === kind && match(x));
    if (r) return r;
  }
  throw new Error(`no ${kind} request found`);
}

test('HTTP API past its 30 s budget: a 504 at the budget, inferred, with the work after the cut', () => {
  // A catalog-api-prod-search request whose partner call ran past 30 s without the function timing out.
  const r = sampleRequest('search', (x) => x.status === 504 && !x.fnTimedOut);
  const docs = segmentDocuments(r);
  assert.ok(!docs.some((d) => d.origin === 'AWS::ApiGateway::Stage'), 'an HTTP API leaves no stage segment');
  const { report } = analyze(parseTraceValue(docs, 'http.json'), { apiType: 'http' });
  const t = report.traces[0]!;
  assert.equal(t.entry.kind, 'http-api');
  assert.equal(t.entry.status, 504);
  assert.equal(t.entry.statusSource, 'budget');
  assert.equal(t.verdict, 'timeout');
  assert.equal(t.budgetMs, 30_000);
  // The client waited the budget; the cut is there.
  assert.equal(t.totalMs, 30_000);
  assert.equal(t.cutAtMs, 30_000);
  // The AWS::Lambda segment (the entry) starts 2 ms into the request; the function ends at functionEnd(r).
  assert.equal(t.functionEndAtMs, functionEnd(r) - 2);
  assert.equal(t.afterCutMs, functionEnd(r) - 2 - 30_000);
  assert.deepEqual(ids(t.findings).slice(0, 2), ['integration-timeout', 'work-after-cut']);
  const timeout = t.findings[0]!;
  assert.match(timeout.detail, /inferred from the budget/);
  assert.match(timeout.fix, /HTTP API waits at most 30 s and that cannot be raised/);
  assert.doesNotMatch(timeout.fix, /^Raising the REST API/);
  assert.ok(!t.findings.some((f) => /to spare/.test(f.detail)), 'nothing over the budget is "near"');
  const text = renderTextReport(report);
  assert.match(text, /^TIMEOUT {2}catalog-api-prod-search/m);
  assert.match(text, /status 504 \(inferred from the budget\)/);
});

test('HTTP API: the access log confirms the 504, or says the client got an answer', () => {
  const r = sampleRequest('search', (x) => x.status === 504 && !x.fnTimedOut);
  const parsed = parseTraceValue(segmentDocuments(r), 'http.json');
  const line = (status: number, latency: number): string =>
    JSON.stringify({ requestId: r.requestId, routeKey: 'GET /search', status: String(status), responseLatency: String(latency), integrationLatency: '-', xrayTraceId: r.traceId });
  const confirmed = analyze({ ...parsed, accessLogs: [parseAccessLogJson(line(504, 30_002), 'access.log:1')!] }).report.traces[0]!;
  assert.equal(confirmed.entry.kind, 'http-api', 'the access log (routeKey) says the front door is an HTTP API');
  assert.equal(confirmed.entry.statusSource, 'access-log');
  assert.equal(confirmed.verdict, 'timeout');
  assert.equal(confirmed.totalMs, 30_002);
  assert.match(confirmed.findings[0]!.detail, /access log confirms/);
  // Past the budget and answered 200: the budget assumed is not the real one; never "near".
  const answered = analyze({ ...parsed, accessLogs: [parseAccessLogJson(line(200, 31_000), 'access.log:1')!] }).report.traces[0]!;
  assert.equal(answered.verdict, 'ok');
  const mismatch = answered.findings.find((f) => f.id === 'approaching-budget')!;
  assert.match(mismatch.title, /Longer than the assumed budget/);
  assert.match(mismatch.fix, /budgetMs/);
});

test('a function invoked on its own has no gateway budget; under the budget it is never negative', () => {
  const r = sampleRequest('search', (x) => x.status === 504 && !x.fnTimedOut);
  const alone = analyze(parseTraceValue(segmentDocuments(r), 'fn.json')).report.traces[0]!;
  assert.equal(alone.entry.kind, 'lambda');
  assert.equal(alone.budgetMs, null);
  assert.equal(alone.verdict, 'ok');
  assert.equal(alone.cutAtMs, null);
  const quick = sampleRequest('search', (x) => x.status === 200 && x.responseMs > 24_000 && x.responseMs < 29_000);
  const near = analyze(parseTraceValue(segmentDocuments(quick), 'fn.json'), { apiType: 'http' }).report.traces[0]!;
  assert.equal(near.verdict, 'near');
  assert.equal(near.cutAtMs, null);
  const f = near.findings.find((x) => x.id === 'approaching-budget')!;
  assert.ok((f.evidence.totalMs as number) < 30_000);
});

test('a function that hit its own timeout: below the budget a 502, above it the gateway answered 504 first', () => {
  // catalog-api-prod-search times out at 35 s behind a 30 s HTTP API: the client had its 504 at 30 s.
  const r = sampleRequest('search', (x) => x.fnTimedOut);
  const above = analyze(parseTraceValue(segmentDocuments(r), 'fn.json'), { apiType: 'http' }).report.traces[0]!;
  assert.equal(above.verdict, 'timeout');
  const late = above.findings.find((f) => f.id === 'lambda-timed-out')!;
  assert.equal(late.evidence.functionTimeoutMs, 35_000);
  assert.equal(late.evidence.gatewayAnsweredFirst, true);
  assert.match(late.detail, /already answered 504 at the 30\.0 s budget/);
  assert.match(late.fix, /29 s/);
  // The same trace in front of a 60 s budget: the function stopped first, so the client got a 500.
  const below = analyze(parseTraceValue(segmentDocuments(r), 'fn.json'), { apiType: 'http', overrideMs: 60_000 }).report.traces[0]!;
  const early = below.findings.find((f) => f.id === 'lambda-timed-out')!;
  assert.equal(early.evidence.gatewayAnsweredFirst, false);
  assert.match(early.detail, /500 \(HTTP API\)/);
});

test('Elastic Beanstalk entry: no gateway time, its first call stays a downstream call', () => {
  // AWS CLI example: Scorekeep 610.432 → 610.664 = 232 ms; DynamoDB UpdateItem 610.658 → 610.664 = 6 ms.
  const { report } = analyze(parseTraceText(readFileSync(`${REAL}/awscli_example_batchgettraces_scorekeep.json`, 'utf8'), 'eb.json'));
  const t = report.traces[0]!;
  assert.equal(t.entry.kind, 'other');
  assert.equal(t.breakdown.gatewayMs, 0);
  assert.equal(t.breakdown.handlerMs, 232);
  assert.deepEqual(t.breakdown.downstream.map((d) => [d.name, d.operation, d.ms]), [['DynamoDB', 'UpdateItem', 6]]);
});

test('whatever people export reads the same: object, twice-encoded, stringified export, BOM, UTF-16, CRLF', async () => {
  const text = readFileSync(COLD, 'utf8');
  const value = JSON.parse(text) as { Traces: Array<{ Id: string; Segments: Array<{ Id: string; Document: string }> }> };
  const expected = analyze(parseTraceText(text, 'x')).report.traces;
  assert.equal(expected[0]!.totalMs, 1_444);
  const objectDocs = { Traces: value.Traces.map((t) => ({ ...t, Segments: t.Segments.map((s) => ({ ...s, Document: JSON.parse(s.Document) as Doc })) })) };
  const twice = { Traces: value.Traces.map((t) => ({ ...t, Segments: t.Segments.map((s) => ({ ...s, Document: JSON.stringify(s.Document) })) })) };
  const dir = mkdtempSync(join(tmpdir(), 'tl-exports-'));
  const utf16 = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
  const utf16be = (s: string): Buffer => {
    const b = Buffer.from(s, 'utf16le');
    b.swap16();
    return Buffer.concat([Buffer.from([0xfe, 0xff]), b]);
  };
  const pretty = JSON.stringify(value, null, 2);
  const files: Array<[string, string | Buffer]> = [
    ['object-documents.json', JSON.stringify(objectDocs, null, 2)],
    ['twice-encoded.json', JSON.stringify(twice)],
    ['stringified-export.json', JSON.stringify(JSON.stringify(value))],
    ['utf8-bom.json', `\uFEFF${pretty}`],
    ['powershell-utf16.json', utf16(pretty.replace(/\n/g, '\r\n'))],
    ['utf16be.json', utf16be(pretty)],
    ['crlf.json', pretty.replace(/\n/g, '\r\n')],
  ];
  for (const [name, body] of files) {
    writeFileSync(join(dir, name), body);
    const inputs = await readInputs([join(dir, name)]);
    assert.deepEqual(inputs.errors, [], name);
    const { report } = analyze(inputs);
    assert.deepEqual(
      report.traces.map((t) => [t.traceId, t.totalMs, t.breakdown]),
      expected.map((t) => [t.traceId, t.totalMs, t.breakdown]),
      name,
    );
  }
});

test('a cut-short or broken JSON export: one error that says where, not one per line', async () => {
  const text = JSON.stringify(JSON.parse(readFileSync(COLD, 'utf8')), null, 2);
  const dir = mkdtempSync(join(tmpdir(), 'tl-broken-'));
  const cut = join(dir, 'cut.json');
  writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)));
  const a = await readInputs([cut]);
  assert.equal(a.errors.length, 1, a.errors.map((e) => e.message).join('\n'));
  assert.match(a.errors[0]!.message, /^Not valid JSON: .* at line \d+, column \d+ — the file ends there: it looks cut short/);
  // A colon missing on line 2 of a pretty-printed file (`"Traces" [`).
  const lines = text.split('\n');
  lines[1] = lines[1]!.replace(':', '');
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, lines.join('\n'));
  const b = await readInputs([broken]);
  assert.equal(b.errors.length, 1);
  assert.match(b.errors[0]!.message, /Expected ':' after property name at line 2, column \d+\.$/);
  assert.doesNotMatch(b.errors[0]!.message, /cut short/);
});

test('an Invocation still in progress is not "handler 0 ms": its known calls count, and it is said', () => {
  // LambdaPulse cold start: Invocation 430.8230484 → 431.0199 with its end removed; the handler is
  // the latest end among its own subsegments (nested ones too) − the Invocation's start.
  const docs = docsOf(COLD);
  const fn = byOrigin(docs, 'AWS::Lambda::Function');
  const inv = (fn.subsegments as Doc[]).find((s) => s.name === 'Invocation')!;
  delete inv.end_time;
  inv.in_progress = true;
  const ends = (d: Doc): number[] => [d.end_time as number, ...((d.subsegments as Doc[] | undefined) ?? []).flatMap(ends)].filter((x) => x !== undefined);
  const latest = Math.max(...(inv.subsegments as Doc[]).flatMap(ends));
  const { report } = analyze(parseTraceValue(docs, 'partial.json'));
  const t = report.traces[0]!;
  assert.equal(t.breakdown.handlerMs, Math.round((latest - (inv.start_time as number)) * 1000));
  assert.ok(t.breakdown.handlerMs > 0);
  const lost = t.findings.find((f) => f.id === 'lost-subsegments')!;
  assert.match(lost.detail, /Invocation is still in progress/);
});

test('a function segment as the entry: the total includes the Initialization before it', () => {
  // LambdaPulse cold start without its stage and AWS::Lambda segments: Initialization 429.970087
  // starts before the function segment (430.8228); the function ends at 431.0206.
  const docs = docsOf(COLD).filter((d) => d.origin === 'AWS::Lambda::Function' || d.inferred === true);
  const fn = byOrigin(docs, 'AWS::Lambda::Function');
  delete fn.parent_id;
  const init = (fn.subsegments as Doc[]).find((s) => s.name === 'Initialization')!;
  const { report } = analyze(parseTraceValue(docs, 'fn.json'));
  const t = report.traces[0]!;
  assert.equal(t.entry.kind, 'lambda');
  assert.equal(t.totalMs, Math.round(((fn.end_time as number) - (init.start_time as number)) * 1000));
  assert.equal(t.startTimeMs, Math.round((init.start_time as number) * 1000));
  assert.equal(t.breakdown.coldStartMs, Math.round(((init.end_time as number) - (init.start_time as number)) * 1000));
});

test('calls whose parent segment was lost still count, and a retried one among them is throttled-downstream', () => {
  // The function segment is lost; its DynamoDB PutItem arrives on its own (an independent
  // subsegment naming the lost Invocation), retried twice.
  const docs = docsOf(COLD);
  const fn = byOrigin(docs, 'AWS::Lambda::Function');
  const inv = (fn.subsegments as Doc[]).find((s) => s.name === 'Invocation')!;
  const put = (inv.subsegments as Doc[]).find((s) => s.name === 'DynamoDB')!;
  const orphan: Doc = { ...put, type: 'subsegment', trace_id: fn.trace_id, parent_id: inv.id, aws: { ...(put.aws as Doc), retries: 2 } };
  const kept = docs.filter((d) => d !== fn);
  const { report } = analyze(parseTraceValue([...kept, orphan], 'orphans.json'));
  const t = report.traces[0]!;
  const dynamo = t.breakdown.downstream.find((d) => d.name === 'DynamoDB')!;
  assert.equal(dynamo.ms, Math.round(((put.end_time as number) - (put.start_time as number)) * 1000));
  assert.ok(ids(t.findings).includes('throttled-downstream'));
  assert.match(t.findings.find((f) => f.id === 'lost-subsegments')!.detail, /without their parent segment/);
});

test('a clock jump is reported as damage, never summed; the skipped list holds only what was skipped', () => {
  // The Initialization starts three hours before its function segment.
  const docs = docsOf(COLD);
  const fn = byOrigin(docs, 'AWS::Lambda::Function');
  const init = (fn.subsegments as Doc[]).find((s) => s.name === 'Initialization')!;
  init.start_time = (init.start_time as number) - 3 * 3600;
  const parsed = parseTraceValue(docs, 'jump.json');
  const { report } = analyze(parsed);
  const t = report.traces[0]!;
  assert.equal(t.breakdown.coldStartMs, 0);
  assert.equal(t.totalMs, 1_444, 'the stage segment is the client’s wait, whatever the damaged child says');
  const damage = report.errors.find((e) => /Initialization/.test(e.message))!;
  assert.equal(damage.kind, 'repaired');
  assert.match(damage.message, /before its parent .*clock jump/);
  const text = renderTextReport(report);
  assert.doesNotMatch(text, /^Skipped/m);
  assert.match(text, /^Used with a repair or a caveat \(1\):/m);
});

test('nesting deeper than six levels still indents in the text report', () => {
  let inner: Doc = { id: 'ffffffffffff0010', name: 'level-10', start_time: 1_700_000_000.01, end_time: 1_700_000_000.02 };
  for (let d = 9; d >= 1; d--) inner = { id: `ffffffffffff00${String(d).padStart(2, '0')}`, name: `level-${d}`, start_time: 1_700_000_000.001 * 1, end_time: 1_700_000_000.05, subsegments: [inner] };
  const root: Doc = { id: 'ffffffffffff0000', trace_id: '1-6553f100-000000000000000000000001', name: 'svc', start_time: 1_700_000_000, end_time: 1_700_000_000.1, subsegments: [inner] };
  const parsed = parseTraceValue([root], 'deep.json');
  const { report, analyzed } = analyze(parsed);
  const text = renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
  const indentOf = (name: string): number => {
    const line = text.split('\n').find((l) => new RegExp(`(^|[ ·])${name}\\b`).test(l))!;
    return line.indexOf(name);
  };
  assert.ok(indentOf('level-7') > indentOf('level-6'));
  assert.ok(indentOf('level-8') > indentOf('level-7'));
});

test('a 502 from a function error names the exception and the frame in the user’s code; its flag is not "4xx"', () => {
  const path = `${REAL}/lambdapulse_apigw_502_lambda_error_trace_with_logs.json`;
  const parsed = parseTraceText(readFileSync(path, 'utf8'), path);
  const { report, analyzed } = analyze(parsed);
  const t = report.traces[0]!;
  const f = t.findings.find((x) => x.id === 'function-error')!;
  assert.equal(f.severity, 'high');
  assert.equal(f.evidence.message, 'Error while checking task existence');
  // The stack's first frame is the user's own file (/var/task), not internal/process/task_queues.js.
  assert.equal(f.evidence.path, '/var/task/src/taskController.js');
  assert.equal(f.evidence.line, 63);
  assert.match(f.detail, /the client got 502/);
  const text = renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
  assert.doesNotMatch(text, /4xx/);
  assert.match(text, /\? error \(the function threw\)/);
});

test('log findings per stage, and the near misses of a route with 504s', () => {
  // Two stages of one API with the same route: prod has 2 timeouts and 3 requests at ≥ 80 % of
  // 29 s (23.2 s) that did not time out; dev has one 504 of its own.
  const rec = (stage: string, status: number, latency: number, i: number): string =>
    JSON.stringify({ requestId: `${stage}-${i}`, apiId: 'a1b2c3', stage, httpMethod: 'POST', resourcePath: '/reports', status: String(status), responseLatency: String(latency), integrationLatency: status === 504 ? '-1' : String(latency - 5) });
  const lines = [
    rec('prod', 504, 29_010, 1),
    rec('prod', 504, 29_004, 2),
    rec('prod', 200, 23_200, 3),
    rec('prod', 200, 26_000, 4),
    rec('prod', 502, 25_000, 5),
    rec('prod', 200, 23_100, 6),
    rec('prod', 200, 1_200, 7),
    rec('dev', 504, 29_001, 8),
    rec('dev', 200, 900, 9),
  ].map((l, i) => parseAccessLogJson(l, `access.log:${i + 1}`)!);
  const { report } = analyze({ traces: [], errors: [], accessLogs: lines });
  const prod = report.endpoints.find((e) => e.stage === 'prod')!;
  const dev = report.endpoints.find((e) => e.stage === 'dev')!;
  assert.equal(prod.timeouts, 2);
  assert.equal(dev.timeouts, 1);
  assert.equal(prod.nearMisses, 3, '23 200, 26 000 and the 502 at 25 000 ms; 23 100 is under 23 200');
  const timeouts = report.findings.filter((f) => f.id === 'integration-timeout');
  assert.deepEqual(timeouts.map((f) => f.route).sort(), ['POST /reports (a1b2c3/dev)', 'POST /reports (a1b2c3/prod)']);
  const near = report.findings.find((f) => f.id === 'approaching-budget' && f.route === 'POST /reports (a1b2c3/prod)')!;
  assert.equal(near.evidence.nearMisses, 3);
  assert.equal(near.evidence.thresholdMs, 0.8 * REST_API_DEFAULT_BUDGET_MS);
  assert.ok(!report.findings.some((f) => f.id === 'approaching-budget' && f.route?.includes('dev')));
});
