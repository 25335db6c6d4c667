// The retry walk is one sort per client and route and one pass: a log of one client calling one
// route n times (every other call a 504, the worst case for the walk), or of n clients once each,
// takes about 10× as long at 10× the size, never the square.
import { test } from 'node:test';
import { assertLinear } from '../hostile/measure';
import { RetryLog } from '../../../src/core/retries';
import type { AccessLogRecord } from '../../../src/core/model';

const T0 = 1_800_000_000_000;

function records(n: number, clients: number): AccessLogRecord[] {
  const out: AccessLogRecord[] = [];
  // Newest first: the log's order is not the time order.
  for (let i = n - 1; i >= 0; i--) {
    out.push({ source: `a:${i}`, api: 'api', stage: 'prod', method: 'POST', route: '/reports', status: i % 2 ? 201 : 504, timeMs: T0 + i * 31_000, responseLatencyMs: i % 2 ? 500 : 29_000, client: `198.51.100.${i % clients} ua` });
  }
  return out;
}

function walk(rs: AccessLogRecord[]): void {
  const log = new RetryLog();
  for (const r of rs) log.add(r);
  log.retries(60_000, () => 29_000);
}

test('retries of one client calling one route: linear', () => {
  assertLinear('one client, one route', (n) => records(n, 1), walk, 20_000);
});

test('retries of many clients once each: linear', () => {
  assertLinear('many clients', (n) => records(n, n), walk, 20_000);
});
