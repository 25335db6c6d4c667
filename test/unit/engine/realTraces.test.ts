// The engine on real traces (test/fixtures/real, see test/fixtures/real/README.md), with numbers
// worked out by hand from the segment documents (noted beside each assertion).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseTraceText } from '../../../src/ingest/xray';
import { analyze } from '../../../src/core/analyze';

function load(name: string): ReturnType<typeof analyze> & { errors: number } {
  const path = `test/fixtures/real/${name}`;
  const parsed = parseTraceText(readFileSync(path, 'utf8'), path);
  return { ...analyze(parsed), errors: parsed.errors.length };
}

test('cold start through API Gateway (LambdaPulse, trace 1-643aca1d-…)', () => {
  const { report, errors } = load('lambdapulse_apigw_lambda_coldstart_trace.json');
  assert.equal(errors, 0);
  assert.equal(report.traces.length, 1);
  const t = report.traces[0]!;
  assert.equal(t.traceId, '1-643aca1d-02e095f7341508e00b9b6d2b');
  assert.deepEqual(t.entry, {
    kind: 'rest-api',
    name: 'dev-todo-list-app/dev',
    status: 201,
    statusSource: 'trace',
    method: 'POST',
    url: 'https://cm8rpw34l8.execute-api.us-east-1.amazonaws.com/dev/add-task',
  });
  // stage 1681574429.579 → .023 = 1444 ms; the Lambda Invoke subsegment .581 → .023 = 1442 ms: gateway 2 ms.
  assert.equal(t.totalMs, 1444);
  assert.equal(t.breakdown.gatewayMs, 2);
  // Initialization 429.970087 → 430.8215… = 851.5 ms (it starts before its function segment at 430.8228).
  assert.equal(t.breakdown.coldStartMs, 852);
  assert.equal(t.breakdown.coldStartKind, 'init');
  // Invocation 430.8230484 → 431.0199… = 196.9 ms.
  assert.equal(t.breakdown.handlerMs, 197);
  // The handler called sendNotification (Lambda Invoke, 85 ms) and DynamoDB PutItem (82 ms); the
  // inferred DynamoDB::Table segment (82 ms) is not counted again, nor is the callee's own work.
  assert.deepEqual(
    t.breakdown.downstream.map((d) => [d.name, d.operation, d.ms, d.calls]),
    [
      ['Lambda', 'Invoke', 85, 1],
      ['DynamoDB', 'PutItem', 82, 1],
    ],
  );
  assert.equal(t.budgetMs, 29000);
  assert.equal(t.budgetSource, 'rest-api-default');
  assert.equal(t.verdict, 'ok');
  assert.equal(t.cutAtMs, null);
  assert.equal(t.afterCutMs, null);
  // The function segment ends at 431.0206…: 1442 ms after the stage started.
  assert.equal(t.functionEndAtMs, 1442);
  assert.deepEqual(t.findings, []);
});

test('warm invocation: no cold start', () => {
  const { report } = load('lambdapulse_apigw_lambda_warm_trace.json');
  const t = report.traces[0]!;
  assert.equal(t.entry.status, 201);
  assert.equal(t.breakdown.coldStartMs, 0);
  assert.equal(t.breakdown.coldStartKind, null);
  // Stage 1681339658.190 → .263 = 73 ms; its Lambda Invoke subsegment .192 → .262 = 70 ms: gateway 3 ms.
  assert.equal(t.totalMs, 73);
  assert.equal(t.breakdown.gatewayMs, 3);
  // Invocation .207044 → .260104 = 53.06 ms; Overhead .260144 → .260521 = 0.38 ms.
  assert.equal(t.breakdown.handlerMs, 53);
  assert.equal(t.breakdown.overheadMs, 0);
  // Function segment ends at .260729: 70.7 ms after the stage started.
  assert.equal(t.functionEndAtMs, 71);
  assert.deepEqual(t.breakdown.downstream, []);
  assert.equal(t.verdict, 'ok');
});

test('502 from a function error: verdict error, the cause kept', () => {
  const path = 'test/fixtures/real/lambdapulse_apigw_502_lambda_error_trace_with_logs.json';
  const parsed = parseTraceText(readFileSync(path, 'utf8'), path);
  const { report } = analyze(parsed);
  const t = report.traces[0]!;
  assert.equal(t.entry.status, 502);
  assert.equal(t.verdict, 'error');
  assert.equal(t.cutAtMs, null, 'a 502 is not a cut by the budget');
  const withCause = parsed.traces[0]!.spans.find((s) => s.cause && s.cause.exceptions.length);
  assert.ok(withCause, 'the function error keeps its exception');
  assert.ok(!report.traces[0]!.findings.some((f) => f.id === 'integration-timeout'));
});

test('old layout (Elastic Beanstalk → Lambda, no Invocation subsegment, AWS docs sample)', () => {
  const { report, errors } = load('awsdocs_xray_batchgettraces_lambda_output.json');
  assert.equal(errors, 0);
  const t = report.traces[0]!;
  assert.equal(t.entry.kind, 'other');
  assert.equal(t.budgetMs, null, 'no API Gateway in front: no budget unless one is given');
  // Scorekeep 1499473411.562 → 414.794 = 3 232 ms. The Elastic Beanstalk app is the service the
  // client waited on: no gateway time, its own work is the handler, and the function it invokes is
  // one of its downstream calls (the function's cold start and SNS call are inside that call).
  assert.equal(t.totalMs, 3_232);
  assert.equal(t.breakdown.gatewayMs, 0);
  assert.equal(t.breakdown.coldStartMs, 0);
  assert.equal(t.breakdown.handlerMs, 3_232);
  // Lambda Invoke 411.629 → 414.572 = 2 943 ms; DynamoDB UpdateItem (under ## UserModel.saveUser)
  // 414.690 → 414.769 = 79 ms; the inferred DynamoDB and SNS segments are not counted again.
  assert.deepEqual(t.breakdown.downstream, [
    { name: 'Lambda', operation: 'Invoke', namespace: 'aws', ms: 2_943, calls: 1 },
    { name: 'DynamoDB', operation: 'UpdateItem', namespace: 'aws', ms: 79, calls: 1 },
  ]);
  assert.equal(t.functionEndAtMs, null, 'the function is a callee, not the request');
});

test('the daemon UDP form (header line + pretty-printed document) and an in-progress segment', () => {
  const a = load('otel_awsxrayreceiver_serverSample.txt');
  assert.equal(a.errors, 0);
  assert.equal(a.report.traces[0]!.traceId, '1-5f2aebcc-b475d14618c51eaa28753d37');
  const path = 'test/fixtures/real/otel_internal_xray_minInProgress.txt';
  const parsed = parseTraceText(readFileSync(path, 'utf8'), path);
  assert.equal(parsed.traces.length, 1);
  assert.equal(parsed.traces[0]!.spans[0]!.inProgress, true);
  assert.equal(parsed.traces[0]!.spans[0]!.endMs, null);
});
