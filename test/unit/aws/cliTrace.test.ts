// `timeout-lens trace --sample` end to end (its own sample account, real SDK clients): the
// endpoint table comes through the same readPlanLogs path as the extension's Trace 504.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../../src/cli/trace';
import type { Report } from '../../../src/core/report';

test('timeout-lens trace --sample --json prints the endpoints of the access log', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  // The CLI writes strings; the test runner's own messages (bytes) go through untouched.
  process.stdout.write = ((s: string | Uint8Array, ...rest: never[]): boolean => (typeof s === 'string' ? (out.push(s), true) : write(s, ...rest))) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array, ...rest: never[]): boolean => (typeof s === 'string' ? (err.push(s), true) : writeErr(s, ...rest))) as typeof process.stderr.write;
  let code: number;
  try {
    code = await run(['--api', 'orders-api', '--sample', '--json', '--since', '30m', '--max', '2']);
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
  assert.equal(code, 0, err.join(''));
  const report = JSON.parse(out.join('')) as Report;
  const routes = report.endpoints.map((e) => `${e.method} ${e.route}`).sort();
  assert.deepEqual(routes, ['GET /orders', 'GET /orders/{id}', 'POST /reports']);
  assert.ok(report.endpoints.every((e) => e.count > 0 && e.p99Ms >= e.p50Ms));
  assert.ok(!err.join('').includes('Logs Insights'), 'a small access log is read locally, without a fallback warning');
});
