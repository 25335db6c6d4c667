// The exit codes of `timeout-lens`, through its real dispatcher: 2 for bad usage and input that
// cannot be read (naming the path), 1 for `analyze --fail-on` (expected from what the fixtures
// hold, read here without the engine), 3 for `trace` when AWS cannot be reached or refuses, with a
// message that names the CLI's flags and environment variables, never the extension's settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FINDING_CATALOG } from '../../../src/core/findings';
import { SEVERITY_RANK, type Report, type Severity } from '../../../src/core/report';
import { runCli } from './runCli';

const ERROR_502 = 'test/fixtures/real/lambdapulse_apigw_502_lambda_error_trace_with_logs.json';
const WARM_201 = 'test/fixtures/real/lambdapulse_apigw_lambda_warm_trace.json';

/** Every segment document of a BatchGetTraces file with its subsegments, flattened. */
function documents(path: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (d: Record<string, unknown>): void => {
    out.push(d);
    for (const s of (d['subsegments'] as Array<Record<string, unknown>> | undefined) ?? []) walk(s);
  };
  const file = JSON.parse(readFileSync(path, 'utf8')) as { Traces: Array<{ Segments: Array<{ Document: string }> }> };
  for (const t of file.Traces) for (const s of t.Segments) walk(JSON.parse(s.Document) as Record<string, unknown>);
  return out;
}

const status = (d: Record<string, unknown>): number | undefined => ((d['http'] as { response?: { status?: number } } | undefined)?.response?.status);
const seconds = (d: Record<string, unknown>): number => Number(d['end_time']) - Number(d['start_time']);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tl-cli-'));
}

test('analyze a path that does not exist: exit 2, the path named, nothing analyzed', async () => {
  const r = await runCli(['analyze', '/nonexistent.json']);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.equal(r.err, 'timeout-lens analyze: cannot read /nonexistent.json: no such file or folder\n');
  // One good path beside a missing one: still 2, and no report for half the input.
  const mixed = await runCli(['analyze', WARM_201, 'traces/missing.json', '--json']);
  assert.equal(mixed.code, 2);
  assert.equal(mixed.out, '');
  assert.equal(mixed.err, 'timeout-lens analyze: cannot read traces/missing.json: no such file or folder\n');
});

test('analyze with nothing in a format it reads: 2; a known format holding no requests: 0, with the reason in the report', async () => {
  const dir = tempDir();
  const empty = await runCli(['analyze', dir]);
  assert.equal(empty.code, 2);
  assert.equal(empty.err, `timeout-lens analyze: no files found in ${dir}\n`);

  const notes = join(dir, 'notes.txt');
  writeFileSync(notes, 'not a trace, not a log\n');
  const unknown = await runCli(['analyze', notes]);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.out, '');
  assert.match(unknown.err, /^timeout-lens analyze: nothing could be read/);
  assert.ok(unknown.err.includes(`${notes}: Not a format`), unknown.err);

  const noTraces = join(dir, 'none.json');
  writeFileSync(noTraces, '{"Traces": []}\n');
  const none = await runCli(['analyze', noTraces, '--json', '--fail-on', 'info']);
  assert.equal(none.code, 0, none.err);
  const report = JSON.parse(none.out) as Report;
  assert.deepEqual(report.traces, []);
  assert.ok(report.errors.some((e) => e.source === noTraces), JSON.stringify(report.errors));
});

test('analyze with a bad flag or value: exit 2, the flag named', async () => {
  for (const [argv, named] of [
    [['analyze', WARM_201, '--budget'], /'--budget'/],
    [['analyze', WARM_201, '--budget-ms', '0'], /--budget-ms takes a positive number of milliseconds \(got 0\)/],
    [['analyze', WARM_201, '--budget-ms'], /'--budget-ms <value>' argument missing/],
    [['analyze', WARM_201, '--api-type', 'grpc'], /--api-type is rest, http or websocket \(got grpc\)/],
    [['analyze', WARM_201, '--width', 'wide'], /--width takes/],
    [['analyze', WARM_201, '--function-timeout', 'fn'], /--function-timeout takes NAME=SECONDS \(got fn\)/],
    [['analyze', WARM_201, '--fail-on', 'severe'], /--fail-on is high, elevated, info \(got severe\)/],
  ] as const) {
    const r = await runCli([...argv]);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.out, '');
    assert.match(r.err.split('\n')[0]!, named);
  }
});

test('--fail-on: 1 when a finding is at or above the level, 0 otherwise, on real traces', async () => {
  // The 502 fixture: the function segment carries an error with its cause (the handler threw) and
  // the stage answered 5xx: a function-error finding, of the catalog's severity.
  const failed = documents(ERROR_502);
  const stage = failed.find((d) => d['origin'] === 'AWS::ApiGateway::Stage')!;
  assert.ok(status(stage)! >= 500);
  assert.ok(failed.some((d) => d['origin'] === 'AWS::Lambda::Function' && (d['error'] === true || d['fault'] === true) && d['cause']));
  const worst: Severity = FINDING_CATALOG['function-error'].severity;
  // The warm fixture: every answer under 400, no error, fault or throttle, no cold start, and the
  // whole request far inside any budget: nothing for any finding to say.
  const warm = documents(WARM_201);
  assert.ok(warm.every((d) => (status(d) ?? 200) < 400 && !d['error'] && !d['fault'] && !d['throttle'] && !d['cause'] && !d['in_progress'] && d['name'] !== 'Initialization'));
  assert.ok(Math.max(...warm.map(seconds)) < 1);

  for (const level of Object.keys(SEVERITY_RANK) as Severity[]) {
    const expected = SEVERITY_RANK[worst] >= SEVERITY_RANK[level] ? 1 : 0;
    const r = await runCli(['analyze', ERROR_502, '--fail-on', level]);
    assert.equal(r.code, expected, `502 fixture, --fail-on ${level}: ${r.err}`);
    assert.ok(r.out.length > 0, 'the report is printed whatever the exit code');
    assert.equal((await runCli(['analyze', WARM_201, '--fail-on', level])).code, 0, `warm fixture, --fail-on ${level}`);
    assert.equal((await runCli(['analyze', WARM_201, ERROR_502, '--fail-on', level, '--json'])).code, expected, `both, --fail-on ${level}`);
  }
  // Without --fail-on the findings do not decide the exit code.
  assert.equal((await runCli(['analyze', ERROR_502])).code, 0);
});

test('calls: a missing file or one that is not code: exit 2, each path named, nothing printed', async () => {
  const r = await runCli(['calls', 'src/nope.ts', 'README.md']);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.equal(r.err, 'timeout-lens calls: cannot read src/nope.ts: no such file or folder\ntimeout-lens calls: README.md: not a JavaScript, TypeScript or Python file\n');
});

test('sample-account: a bad port, or a port in use, is exit 2 naming --port', async () => {
  const bad = await runCli(['sample-account', '--port', '70000']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /^timeout-lens sample-account: --port takes a port number from 0 to 65535 \(got 70000\)/);
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as { port: number }).port;
  try {
    const r = await runCli(['sample-account', '--port', String(port)]);
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.match(r.err, new RegExp(`^timeout-lens sample-account: cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use; pass another --port`));
  } finally {
    await new Promise((resolve) => taken.close(resolve));
  }
});

/** A port on 127.0.0.1 that nothing listens on: one the system just gave and took back. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** An environment where the SDK's credential chain is only what the test gives it. */
const ISOLATED = {
  AWS_PROFILE: undefined,
  AWS_DEFAULT_PROFILE: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_CONFIG_FILE: '/nonexistent/timeout-lens-test/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/timeout-lens-test/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_REGION: 'us-east-1',
};

test('trace against an endpoint nothing listens on: exit 3, and the message names --endpoint, not a setting', async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const r = await runCli(['trace', '--api', 'orders-api', '--endpoint', endpoint], { ...ISOLATED, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'test-secret' });
  assert.equal(r.code, 3, r.err);
  assert.equal(r.out, '');
  const message = r.err.split('\n').find((l) => l.startsWith('timeout-lens trace: '));
  assert.ok(message, r.err);
  assert.equal(message, `timeout-lens trace: Cannot reach ${endpoint} (ECONNREFUSED). Check the network (a proxy or VPN) and the URL given to --endpoint.`);
  assert.doesNotMatch(r.err, /setting|Timeout Lens:|test-secret/);
});

test('trace without any credentials: exit 3, and the message says how to give them on the command line', async () => {
  const endpoint = `http://127.0.0.1:${await closedPort()}`;
  const r = await runCli(['trace', '--function', 'orders-api-reports', '--endpoint', endpoint], { ...ISOLATED, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
  assert.equal(r.code, 3, r.err);
  const message = r.err.split('\n').find((l) => l.startsWith('timeout-lens trace: '));
  assert.equal(
    message,
    'timeout-lens trace: Timeout Lens found no AWS credentials (no --profile was given, and the default credential chain found none). Pass --profile NAME or set AWS_PROFILE, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure` (or `aws configure sso`).',
  );
});

test('trace with a bad value or clashing flags: exit 2 before any AWS call', async () => {
  for (const [argv, named] of [
    [['trace', '--api', 'a', '--since', 'yesterday'], /--since takes a duration like 15m, 1h or 2d \(got yesterday\)/],
    [['trace', '--api', 'a', '--max', '0'], /--max takes a positive whole number \(got 0\)/],
    [['trace', '--api', 'a', '--endpoint', 'localhost:4566'], /--endpoint takes a URL such as http:\/\/127\.0\.0\.1:4566 \(got localhost:4566\)/],
    [['trace', '--api', 'a', '--sample', '--region', 'eu-west-1'], /--sample brings its own endpoint, Region and credentials/],
  ] as const) {
    const r = await runCli([...argv]);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.out, '');
    assert.match(r.err.split('\n')[0]!, named);
  }
});
