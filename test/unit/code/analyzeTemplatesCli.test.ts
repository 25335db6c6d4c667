// `timeout-lens analyze` on templates, through the CLI's dispatcher: the JSON report's finding and
// its location, the text report's file:line:col, and the exit codes of --fail-on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCli } from '../cli/runCli';
import type { Report } from '../../../src/core/report';

/** `timeout-lens analyze ...args`, in this process, through the CLI's dispatcher. */
const cli = (args: string[]): ReturnType<typeof runCli> => runCli(['analyze', ...args]);

const DEMO = 'demo/orders-api/template.yaml';
const SLS = 'test/fixtures/code/serverless-py/serverless.yml';

function lineCol(path: string, lineHas: string, value: string): { line: number; column: number } {
  const lines = readFileSync(path, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(lineHas));
  return { line: i + 1, column: lines[i]!.indexOf(value) + 1 };
}

test('the demo template: ReportsFunction 60 s behind a 29 s REST API, at its Timeout line; exit 0', async () => {
  const { code, out } = await cli([DEMO, '--json']);
  assert.equal(code, 0);
  const report = JSON.parse(out) as Report;
  assert.deepEqual(report.errors, []);
  assert.equal(report.findings.length, 1);
  const f = report.findings[0]!;
  assert.equal(f.id, 'lambda-timeout-exceeds-integration');
  assert.equal(f.function, 'ReportsFunction');
  assert.equal(f.evidence['functionTimeoutMs'], 60_000);
  assert.equal(f.evidence['budgetMs'], 29_000);
  assert.equal(f.evidence['deployedName'], 'orders-api-reports');
  const at = lineCol(DEMO, 'Timeout: 60', '60');
  assert.deepEqual(f.location, { file: resolve(DEMO), line: at.line, column: at.column });
  assert.equal(at.line, 49);
});

test('text output names the place as file:line:col', async () => {
  const { code, out } = await cli([DEMO, '--width', '120']);
  assert.equal(code, 0);
  const at = lineCol(DEMO, 'Timeout: 60', '60');
  assert.ok(out.includes(`at ${DEMO}:${at.line}:${at.column}`), out);
  assert.ok(out.includes('Set the timeout of ReportsFunction to 28 s'));
  assert.ok(!out.includes('Not a format'));
});

test('--fail-on: elevated and info fail on an elevated finding, high does not; an unknown level is a usage error', async () => {
  assert.equal((await cli([DEMO, '--fail-on', 'elevated'])).code, 1);
  assert.equal((await cli([DEMO, '--fail-on', 'info', '--json'])).code, 1);
  assert.equal((await cli([DEMO, '--fail-on', 'high'])).code, 0);
  const bad = await cli([DEMO, '--fail-on', 'severe']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--fail-on is high, elevated, info/);
});

test('the serverless sample: provider.timeout 40 s behind REST, 45 s behind an HTTP API; problems as errors', async () => {
  const { code, out } = await cli([SLS, '--json', '--fail-on', 'elevated']);
  assert.equal(code, 1);
  const report = JSON.parse(out) as Report;
  assert.deepEqual(report.findings.map((f) => [f.function, f.evidence['functionTimeoutMs'], f.evidence['budgetMs']]), [
    ['createReport', 40_000, 29_000],
    ['slowExport', 45_000, 30_000],
  ]);
  const at = lineCol(SLS, '  timeout: 40', '40');
  assert.deepEqual(report.findings[0]!.location, { file: resolve(SLS), line: at.line, column: at.column });
  const env = lineCol(SLS, 'timeout: ${env:NIGHTLY_TIMEOUT}', '${env');
  assert.ok(report.errors.some((e) => e.source === `${resolve(SLS)}:${env.line}:${env.column}` && e.kind === 'repaired'));
});

test('a folder: templates found under it, node_modules, dot folders and source files left alone', async () => {
  const { code, out } = await cli(['test/fixtures/code', '--json']);
  assert.equal(code, 0);
  const report = JSON.parse(out) as Report;
  assert.ok(report.findings.length >= 8);
  assert.ok(report.errors.every((e) => !/Not a format/.test(e.message)), JSON.stringify(report.errors, null, 1));
  assert.ok(report.errors.some((e) => /broken\/template\.yaml:\d+:\d+$/.test(e.source)));
});

test('a template beside the traces names the function’s runtime: the fixes read in Python', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { reportsTimeout, batchGetTraces } = await import('../../builders/traceBuilder');
  // serverless.yml: service reports-svc, stage prod, function createReport → reports-svc-prod-createReport, python3.12.
  const dir = mkdtempSync(join(tmpdir(), 'tl-runtime-'));
  const traces = join(dir, 'traces.json');
  writeFileSync(traces, batchGetTraces(reportsTimeout({ functionName: 'reports-svc-prod-createReport' })));
  const withTemplate = JSON.parse((await cli([traces, SLS, '--json'])).out) as Report;
  const fix = withTemplate.traces[0]!.findings.find((f) => f.id === 'sequential-calls')!.fix;
  assert.match(fix, /batch_get_item/);
  const alone = JSON.parse((await cli([traces, '--json'])).out) as Report;
  assert.match(alone.traces[0]!.findings.find((f) => f.id === 'sequential-calls')!.fix, /BatchGetItem .* Promise\.all/);
});
