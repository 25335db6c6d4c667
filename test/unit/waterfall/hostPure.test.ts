// The host's pure helper: stack frames resolved to workspace files, and only those.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceFrameResolver } from '../../../src/ui/frameResolver';

test('frames: Lambda paths map into the workspace; outside files and missing files do not', () => {
  const ws = mkdtempSync(join(tmpdir(), 'tl-ws-'));
  const outside = mkdtempSync(join(tmpdir(), 'tl-out-'));
  try {
    mkdirSync(join(ws, 'src'), { recursive: true });
    writeFileSync(join(ws, 'src', 'handler.js'), 'x');
    writeFileSync(join(outside, 'secret.js'), 'x');
    const resolve = workspaceFrameResolver([ws]);
    assert.equal(resolve('/var/task/src/handler.js', '/var/task'), join(ws, 'src', 'handler.js'));
    assert.equal(resolve('src/handler.js', undefined), join(ws, 'src', 'handler.js'));
    assert.equal(resolve('/var/task/src/handler.js', undefined), join(ws, 'src', 'handler.js'), 'leading segments dropped');
    assert.equal(resolve(join(ws, 'src', 'handler.js'), undefined), join(ws, 'src', 'handler.js'));
    assert.equal(resolve(join(outside, 'secret.js'), undefined), undefined, 'absolute paths outside the workspace are not links');
    assert.equal(resolve('../../etc/passwd', undefined), undefined);
    assert.equal(resolve('src/missing.js', '/var/task'), undefined);
  } finally {
    rmSync(ws, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  }
});

test('the waterfall of a function’s request also lists the run’s findings about that function, once', async () => {
  const { waterfallEntries } = await import('../../../src/ui/waterfallSnapshot');
  const { analyze } = await import('../../../src/core/analyze');
  const { parseTraceText } = await import('../../../src/ingest/xray');
  const { apiTrace, batchGetTraces } = await import('../../builders/traceBuilder');
  const a = apiTrace({ functionName: 'reports-fn' });
  const b = apiTrace({ functionName: 'orders-fn' });
  // A 60 s function behind the default 29 s: the run (not a trace) says so.
  const { report, analyzed } = analyze(parseTraceText(batchGetTraces(a, b), 'two.json'), { functionTimeouts: { 'reports-fn': 60_000 } });
  assert.deepEqual(report.findings.map((f) => [f.id, f.function]), [['lambda-timeout-exceeds-integration', 'reports-fn']]);
  const entries = waterfallEntries(analyzed, report.findings);
  const ids = (fn: string): string[] => entries.find((e) => e.trace.spans.some((s) => s.name === fn))!.report.findings.map((f) => f.id);
  assert.ok(ids('reports-fn').includes('lambda-timeout-exceeds-integration'));
  assert.ok(!ids('orders-fn').includes('lambda-timeout-exceeds-integration'));
  // The analyzed reports themselves are left as the engine made them (the JSON report is a contract).
  assert.ok(analyzed.every((x) => !x.report.findings.some((f) => f.id === 'lambda-timeout-exceeds-integration')));
  const twice = waterfallEntries(entries.map((e, i) => ({ ...analyzed[i]!, report: e.report })), report.findings);
  assert.equal(twice.flatMap((e) => e.report.findings).filter((f) => f.id === 'lambda-timeout-exceeds-integration').length, 1);
});
