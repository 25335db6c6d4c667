// The sample account's clients retry some 504s within seconds, as real clients do: the scenario
// says which calls are retries (retryOf), and `timeout-lens trace --sample` must find them on
// POST /reports, with the price of the work after the cut at the function's arm64 price.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { requestsOfMinute, RETRY_SPAN_MS } from '../../../src/aws/sampleAccount/scenario';
import { runCli } from '../cli/runCli';

test('the scenario: retries come from the 504’s client, 1–8 s after its answer', () => {
  let retries = 0;
  for (let m = 29_500_000; m < 29_500_060; m++) {
    const reqs = requestsOfMinute(11, m, 1);
    const byId = new Map(reqs.map((r) => [r.requestId, r]));
    for (const r of reqs) {
      if (!r.retryOf) continue;
      retries++;
      const first = byId.get(r.retryOf)!;
      assert.equal(first.status, 504, 'only a 504 is retried');
      assert.deepEqual(r.client, first.client);
      assert.equal(r.route, first.route);
      const gap = r.startMs - (first.startMs + first.responseMs);
      assert.ok(gap >= 1_000 && gap <= 8_000, `gap ${gap}`);
      assert.ok(r.startMs - m * 60_000 < 60_000 + RETRY_SPAN_MS);
    }
  }
  assert.ok(retries > 10, `${retries} retries in an hour`);
});

test('trace --sample: POST /reports shows its retries and the cost of its work after the cut', async () => {
  const run = await runCli(['trace', '--sample', '--api', 'orders-api', '--since', '60m', '--max', '5']);
  assert.equal(run.code, 0);
  if (process.env.TL_SAVE_SAMPLE_TEXT) writeFileSync(process.env.TL_SAVE_SAMPLE_TEXT, run.out);
  // The text is wrapped to the width: read it as one line.
  const out = run.out.replace(/\s+/g, ' ');
  // The finding: retries counted from the access log's ip + userAgent, POST → idempotency keys.
  assert.match(out, /Clients called again after the 504 \(retry-after-timeout\)/);
  assert.match(out, /call\(s\) to POST \/reports came from the same source IP and user agent within 60\.0 s/);
  assert.match(out, /Powertools for AWS Lambda/);
  // The money: the sample account's functions are arm64 in us-east-1 ($0.0000133334/GB-s).
  assert.match(out, /arm64, us-east-1 price \$0\.0000133334\/GB-s/);
  assert.match(out, /extrapolated from 1 h of logs to 24 h/);
  assert.match(out, /orders-api\/prod POST \/reports: [\d.]+ GB-s after the cut per 504 = \$[\d.]+ \+ \$0\.0000002 request; ~[\d.]+ 504s\/day ≈ \$[\d.]+\/day \(arm64, us-east-1/);
  const json = await runCli(['trace', '--sample', '--api', 'orders-api', '--since', '60m', '--max', '5', '--json', '--gb-second-usd', '0.00002']);
  const report = JSON.parse(json.out) as { endpoints: Array<{ route: string; method: string; retries?: { retries: number; repeatedRanPastCut: number }; afterCutCost?: { gbSecondUsd: number; priceSource: string; usdPerRequest: number; gbSecondsPerRequest: number } }> };
  const reports = report.endpoints.find((e) => e.method === 'POST' && e.route === '/reports')!;
  assert.ok(reports.retries!.retries > 0);
  assert.ok(reports.retries!.repeatedRanPastCut > 0, 'some repeated first attempts ran past the cut');
  // The price given wins: usd per request = GB-s per request × 0.00002.
  assert.equal(reports.afterCutCost!.priceSource, 'option');
  assert.equal(reports.afterCutCost!.gbSecondUsd, 0.00002);
  assert.ok(Math.abs(reports.afterCutCost!.usdPerRequest - reports.afterCutCost!.gbSecondsPerRequest * 0.00002) < 1e-8);
});
