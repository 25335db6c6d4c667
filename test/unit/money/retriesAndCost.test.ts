// Retries after a 504 and the price of the work after the cut, on access logs and REPORT lines
// written for the test. Every expected number is worked out by hand in the comments; none is
// copied from the engine's output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogCollector } from '../../../src/ingest/logs';
import { analyze } from '../../../src/core/analyze';
import { parseTraceValue } from '../../../src/ingest/xray';
import { renderTextReport } from '../../../src/core/textReport';
import { mdText, routeTooltipMarkdown } from '../../../src/ui/tooltipMarkdown';
import type { Finding } from '../../../src/core/report';

const T0 = 1_800_000_000_000;
const FN_GROUP = '/aws/lambda/reports-fn';
let seq = 0;

interface Line {
  t: number;
  status: number;
  latency: number;
  ip?: string;
  ua?: string;
  trace?: string;
  method?: string;
  path?: string;
  extra?: Record<string, string>;
}

/** A REST access-log line with the $context names of the console's JSON example (sourceIp and userAgent as `ip`/`userAgent`). */
function access(l: Line): string {
  seq++;
  return JSON.stringify({
    requestId: `req-${seq}`,
    apiId: 'api1',
    stage: 'prod',
    ...(l.ip ? { ip: l.ip } : {}),
    ...(l.ua ? { userAgent: l.ua } : {}),
    requestTimeEpoch: l.t,
    httpMethod: l.method ?? 'POST',
    resourcePath: l.path ?? '/reports',
    status: String(l.status),
    responseLatency: String(l.latency),
    integrationLatency: l.status === 504 ? '-1' : String(l.latency - 5),
    xrayTraceId: l.trace ?? '-',
    ...(l.extra ?? {}),
  });
}

function report(n: number, trace: string, durationMs: number, memoryMb: number, initMs?: number): string {
  const id = `0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`.slice(-36);
  return (
    `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${durationMs} ms\tMemory Size: ${memoryMb} MB\tMax Memory Used: 100 MB` +
    (initMs !== undefined ? `\tInit Duration: ${initMs.toFixed(2)} ms` : '') +
    `\t\nXRAY TraceId: ${trace}\tSegmentId: ${n.toString(16).padStart(16, '0')}\tSampled: true\t\n`
  );
}

const A = { ip: '198.51.100.1', ua: 'reports-cli/1.0' };
const B = { ip: '198.51.100.2', ua: 'reports-cli/1.0' };
const C = { ip: '198.51.100.3', ua: 'reports-cli/1.0' };
/** Same IP as A, another user agent: another client. */
const D = { ip: '198.51.100.1', ua: 'Mozilla/5.0' };

/**
 * The story (budget 29 s, the REST default; window 60 s after the 504 was answered):
 * - A: 504 at T0 (answered T0+29.010 s, traced, REPORT 35 s at 1024 MB); 5 s after the answer A
 *   calls again (201) → retry 1. D (same IP, other agent) calls at T0+35 s: not A, not a retry.
 *   A also calls GET /status in between: another route.
 * - B: 504 at T0+60 s (answered +29.005 s; traced, REPORT 31 s + 0.5 s init at 2048 MB); 10 s after
 *   the answer B calls again and gets a 504 again (untraced) → retry 2, timed out again; 20 s after
 *   that answer B calls a third time (201) → retry 3, repeating the untraced 504.
 * - C: 504 at T0+120 s (traced, REPORT 28 s: stopped before the cut); a call 10 s later, while the
 *   504 was still pending (concurrent, not after it); then a call 61 s after the answer: too late.
 * - A record with no client at all, a 504 at T0+200 s: not checked.
 */
function storyCollector(options: ConstructorParameters<typeof LogCollector>[0] = {}): LogCollector {
  const c = new LogCollector(options);
  const lines: Line[] = [
    { t: T0, status: 504, latency: 29_010, ...A, trace: '1-6b49d200-000000000000000000000001' },
    { t: T0 + 29_010 + 5_000, status: 201, latency: 800, ...A },
    { t: T0 + 30_000, status: 200, latency: 40, ...A, method: 'GET', path: '/status' },
    { t: T0 + 35_000, status: 201, latency: 700, ...D },
    { t: T0 + 60_000, status: 504, latency: 29_005, ...B, trace: '1-6b49d200-000000000000000000000002' },
    { t: T0 + 60_000 + 29_005 + 10_000, status: 504, latency: 29_003, ...B },
    { t: T0 + 60_000 + 29_005 + 10_000 + 29_003 + 20_000, status: 201, latency: 900, ...B },
    { t: T0 + 120_000, status: 504, latency: 29_000, ...C, trace: '1-6b49d200-000000000000000000000003' },
    { t: T0 + 130_000, status: 201, latency: 600, ...C },
    { t: T0 + 120_000 + 29_000 + 61_000, status: 201, latency: 600, ...C },
    { t: T0 + 200_000, status: 504, latency: 29_001 },
  ];
  // Out of time order on purpose: the engine sorts once per client and route.
  for (const l of [...lines].reverse()) c.push(access(l), { where: `access.log:${seq}` });
  c.push(report(1, '1-6b49d200-000000000000000000000001', 35_000, 1024), { where: 'fn:1', logGroup: FN_GROUP });
  c.push(report(2, '1-6b49d200-000000000000000000000002', 31_000, 2048, 500), { where: 'fn:2', logGroup: FN_GROUP });
  c.push(report(3, '1-6b49d200-000000000000000000000003', 28_000, 1024), { where: 'fn:3', logGroup: FN_GROUP });
  return c;
}

const byId = (fs: Finding[], id: string, route: string): Finding | undefined => fs.find((f) => f.id === id && f.route === route);

test('retries: same client and route within 60 s of the answer; first attempts joined to their REPORT lines', () => {
  const { report: r } = analyze({ traces: [], ...storyCollector().finish() });
  const f = byId(r.findings, 'retry-after-timeout', 'POST /reports')!;
  assert.ok(f, JSON.stringify(r.findings.map((x) => [x.id, x.route])));
  // Retries: A's second call, B's second and third → 3. Clients A and B → 2. B's second call got
  // a 504 again → 1. First attempts repeated: A's 504 (ran 35 s > 29 s), B's first 504 (0.5 + 31 =
  // 31.5 s > 29 s) → 2 ran past the cut; B's second 504 has no trace → 1 not joined.
  assert.equal(f.evidence.retries, 3);
  assert.equal(f.evidence.clients, 2);
  assert.equal(f.evidence.timedOutAgain, 1);
  assert.equal(f.evidence.repeatedRanPastCut, 2);
  assert.equal(f.evidence.repeatedNotJoined, 1);
  assert.equal(f.evidence.uncheckedRecords, 1, 'the record with no client');
  assert.equal(f.evidence.clientKey, 'sourceIp+userAgent');
  assert.equal(f.evidence.idempotent, false);
  // POST is not idempotent and work was done twice: high, and the fix names idempotency keys or 202 + queue.
  assert.equal(f.severity, 'high');
  assert.match(f.fix, /Powertools for AWS Lambda/);
  assert.match(f.fix, /202 Accepted/);
  assert.match(f.detail, /1 record\(s\) of this route name no client/);
  const ep = r.endpoints.find((e) => e.route === '/reports')!;
  assert.deepEqual(ep.retries, { retries: 3, repeatedRanPastCut: 2, repeatedNotJoined: 1, timedOutAgain: 1, clients: 2, windowMs: 60_000, uncheckedRecords: 1 });
  // GET /status had no 504: nothing about it.
  assert.equal(byId(r.findings, 'retry-after-timeout', 'GET /status'), undefined);
});

test('the price of the work after the cut: per request and per day, x86_64 and us-east-1 assumed', () => {
  const { report: r } = analyze({ traces: [], ...storyCollector().finish() });
  const f = byId(r.findings, 'work-after-cut', 'POST /reports')!;
  // Matched 504s that ran past 29 s: A (35 s − 29 s = 6 s at 1 GB = 6 GB-s) and B (31.5 s − 29 s =
  // 2.5 s at 2 GB = 5 GB-s); C stopped at 28 s. Mean: (6 + 5) / 2 = 5.5 GB-s.
  assert.equal(f.evidence.matched, 2);
  assert.equal(f.evidence.gbSecondsPerRequest, 5.5);
  // No architecture or Region known: x86_64 at the us-east-1 price, $0.0000166667/GB-s.
  // 5.5 × 0.0000166667 = $0.00009166685 per 504.
  assert.equal(f.evidence.gbSecondUsd, 0.0000166667);
  assert.equal(f.evidence.architecture, 'x86_64');
  assert.equal(f.evidence.architectureAssumed, true);
  assert.ok(Math.abs((f.evidence.usdPerRequest as number) - 0.00009166685) < 1e-12);
  assert.equal(f.evidence.requestUsd, 0.0000002);
  // The log spans T0 … T0+210 s, under the one-hour floor: 5 504s an hour → 5 × 24 = 120 a day.
  // Per day: (0.00009166685 + 0.0000002) × 120 = $0.011024022; 5.5 × 120 = 660 GB-s.
  assert.equal(f.evidence.timeoutsPerDay, 120);
  assert.equal(f.evidence.rateWindowMs, 3_600_000);
  assert.ok(Math.abs((f.evidence.usdPerDay as number) - 0.011024022) < 1e-6);
  assert.equal(f.evidence.gbSecondsPerDay, 660);
  assert.equal(f.evidence.extrapolated, true);
  assert.match(f.detail, /x86_64 assumed/);
  assert.match(f.detail, /extrapolated from 1 h of logs to 24 h/);
  const ep = r.endpoints.find((e) => e.route === '/reports')!;
  assert.equal(ep.afterCutCost!.usdPerDay, f.evidence.usdPerDay);
});

test('the price follows the architecture and the Region, and a price given overrides the table', () => {
  const logs = storyCollector().finish();
  // arm64 in eu-south-1: $0.0000156138/GB-s → 5.5 × 0.0000156138 = $0.0000858759 per 504.
  const arm = analyze({ traces: [], ...logs }, { pricing: { region: 'eu-south-1', architectures: { 'reports-fn': 'arm64' } } }).report;
  const fa = byId(arm.findings, 'work-after-cut', 'POST /reports')!;
  assert.equal(fa.evidence.architecture, 'arm64');
  assert.equal(fa.evidence.architectureAssumed, false);
  assert.equal(fa.evidence.region, 'eu-south-1');
  assert.ok(Math.abs((fa.evidence.usdPerRequest as number) - 0.0000858759) < 1e-12);
  // A Region the table does not list: the us-east-1 price, arm64 $0.0000133334 → 5.5 × that = $0.0000733337.
  const other = analyze({ traces: [], ...storyCollector().finish() }, { pricing: { region: 'ca-west-1', architectures: { 'reports-fn': 'arm64' } } }).report;
  const fo = byId(other.findings, 'work-after-cut', 'POST /reports')!;
  assert.equal(fo.evidence.region, 'us-east-1');
  assert.ok(Math.abs((fo.evidence.usdPerRequest as number) - 0.0000733337) < 1e-12);
  assert.match(fo.detail, /Region not known or not in the table/);
  // Given $0.00002/GB-s: 5.5 × 0.00002 = $0.00011; per day (0.00011 + 0.0000002) × 120 = $0.013224.
  const given = analyze({ traces: [], ...storyCollector().finish() }, { pricing: { gbSecondUsd: 0.00002 } }).report;
  const fg = byId(given.findings, 'work-after-cut', 'POST /reports')!;
  assert.equal(fg.evidence.priceSource, 'option');
  assert.ok(Math.abs((fg.evidence.usdPerRequest as number) - 0.00011) < 1e-12);
  assert.ok(Math.abs((fg.evidence.usdPerDay as number) - 0.013224) < 1e-6);
});

test('a shorter retry window and a client named by a field of the user', () => {
  // 8 s: A's retry (5 s after the answer) still counts; B's (10 s) and C's do not → 1 retry, 1 client.
  const short = analyze({ traces: [], ...storyCollector().finish() }, { retryWindowMs: 8_000 }).report;
  const fs = byId(short.findings, 'retry-after-timeout', 'POST /reports')!;
  assert.equal(fs.evidence.retries, 1);
  assert.equal(fs.evidence.clients, 1);
  // Named by `apiKeyId`: two calls from different addresses with the same key are one client.
  const c = new LogCollector({ retryClientField: 'apiKeyId' });
  c.push(access({ t: T0, status: 504, latency: 29_002, ip: '192.0.2.1', ua: 'x', extra: { apiKeyId: 'key-7' } }), { where: 'a:1' });
  c.push(access({ t: T0 + 29_002 + 3_000, status: 201, latency: 500, ip: '192.0.2.99', ua: 'y', extra: { apiKeyId: 'key-7' } }), { where: 'a:2' });
  c.push(access({ t: T0 + 29_002 + 4_000, status: 201, latency: 500, ip: '192.0.2.1', ua: 'x', extra: { apiKeyId: 'key-8' } }), { where: 'a:3' });
  const keyed = analyze({ traces: [], ...c.finish() }).report;
  const fk = byId(keyed.findings, 'retry-after-timeout', 'POST /reports')!;
  // key-7's second call (3 s after the answer) is the one retry; key-8 never got a 504.
  assert.equal(fk.evidence.retries, 1);
  assert.equal(fk.evidence.clientKey, 'field');
  // The 504 has no trace: its first attempt cannot be joined to a REPORT line.
  assert.equal(fk.evidence.repeatedNotJoined, 1);
  assert.equal(fk.evidence.repeatedRanPastCut, 0);
  assert.equal(fk.severity, 'elevated');
});

test('an idempotent method: the repeat is safe but doubles the cost; no client fields: said, not guessed', () => {
  const c = new LogCollector();
  c.push(access({ t: T0, status: 504, latency: 29_001, ...A, method: 'GET', path: '/export' }), { where: 'a:1' });
  c.push(access({ t: T0 + 29_001 + 2_000, status: 200, latency: 900, ...A, method: 'GET', path: '/export' }), { where: 'a:2' });
  // Another route whose access log names no client at all: two 504s and a 200.
  c.push(access({ t: T0, status: 504, latency: 29_001, method: 'PUT', path: '/blind' }), { where: 'a:3' });
  c.push(access({ t: T0 + 31_000, status: 504, latency: 29_001, method: 'PUT', path: '/blind' }), { where: 'a:4' });
  c.push(access({ t: T0 + 62_000, status: 200, latency: 100, method: 'PUT', path: '/blind' }), { where: 'a:5' });
  const { report: r } = analyze({ traces: [], ...c.finish() });
  const g = byId(r.findings, 'retry-after-timeout', 'GET /export')!;
  assert.equal(g.evidence.retries, 1);
  assert.equal(g.evidence.idempotent, true);
  assert.match(g.fix, /idempotent, so the repeat is safe/);
  assert.match(g.fix, /back off/);
  assert.doesNotMatch(g.fix, /Powertools/);
  const blind = byId(r.findings, 'retry-after-timeout', 'PUT /blind')!;
  // 3 records with no client, 2 of them 504s: not checked, and nothing is counted as a retry.
  assert.equal(blind.severity, 'info');
  assert.equal(blind.evidence.checked, false);
  assert.equal(blind.evidence.uncheckedRecords, 3);
  assert.equal(blind.evidence.uncheckedTimeouts, 2);
  assert.equal(blind.evidence.retries, undefined);
  assert.match(blind.detail, /is not known/);
});

test('many routes whose retries cannot be checked say it once, not once a route', () => {
  const withBlindRoutes = (routes: number): Finding[] => {
    const c = new LogCollector();
    // Each route: one 504 and one 200, neither naming a client.
    for (let i = 0; i < routes; i++) {
      c.push(access({ t: T0 + i, status: 504, latency: 29_001, method: 'GET', path: `/blind/${i}` }), { where: `a:${i}` });
      c.push(access({ t: T0 + 40_000 + i, status: 200, latency: 100, method: 'GET', path: `/blind/${i}` }), { where: `b:${i}` });
    }
    return analyze({ traces: [], ...c.finish() }).report.findings.filter((f) => f.id === 'retry-after-timeout');
  };
  // Three routes: one finding each, naming its route.
  const few = withBlindRoutes(3);
  assert.equal(few.length, 3);
  assert.ok(few.every((f) => f.route !== undefined && f.evidence.checked === false));
  // Four: one finding for all, counting 4 routes, 4 504s and 8 records.
  const many = withBlindRoutes(4);
  assert.equal(many.length, 1);
  assert.equal(many[0]!.route, undefined);
  assert.equal(many[0]!.severity, 'info');
  assert.deepEqual([many[0]!.evidence.routes, many[0]!.evidence.timeouts, many[0]!.evidence.uncheckedRecords], [4, 4, 8]);
  assert.match(many[0]!.detail, /^On 4 routes with 504s \(4 of them\) whether clients called again is not known: 8 record\(s\) of 4 route\(s\) name no client/);
  assert.match(many[0]!.fix, /\$context\.identity\.sourceIp/);
});

test('the route tooltip and the CLI text show the retries and the money, escaped', () => {
  const { report: r } = analyze({ traces: [], ...storyCollector().finish() });
  const ep = r.endpoints.find((e) => e.route === '/reports')!;
  const md = routeTooltipMarkdown(ep, 0);
  // $0.011024022 a day → "$0.01" (cents from a cent up); 3 retries, 2 repeating work past the cut.
  assert.ok(md.includes(`| retries after a 504 | ${mdText('3 (2 repeated work past the cut, 1 not known)')} |`), md);
  assert.match(md, /\\\$0\\\.01 a day/);
  assert.match(md, /extrapolated/);
  const text = renderTextReport(r, { width: 400 });
  assert.match(text, /Work after the cut and retries/);
  assert.match(text, /POST \/reports: 5\.5 GB-s after the cut per 504 = \$0\.0000917 \+ \$0\.0000002 request; ~120 504s\/day ≈ \$0\.01\/day/);
  assert.match(text, /3 retries after a 504 by 2 client\(s\), 2 repeating work that ran past the cut \(1 not joined to a REPORT\)/);
});

test('a traced request: its work after the cut priced at the memory of its configuration', () => {
  // The built 504 trace: the function ran 4.478 s past the cut (test/fixtures/README.md). Given
  // 1024 MB and arm64: 1 GB × 4.478 s = 4.478 GB-s × $0.0000133334 = $0.0000597069652.
  const file = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'xray', 'built_rest_504_lambda_runs_on.json');
  const parsed = parseTraceValue(JSON.parse(readFileSync(file, 'utf8')), file);
  const fn = 'orders-api-prod-createReport';
  const priced = analyze(parsed, { pricing: { memoryMb: { [fn]: 1024 }, architectures: { [fn]: 'arm64' } } }).report.traces[0]!;
  assert.equal(priced.afterCutMs, 4478);
  const f = priced.findings.find((x) => x.id === 'work-after-cut')!;
  assert.equal(f.evidence.afterCutGbSeconds, 4.478);
  assert.ok(Math.abs((f.evidence.afterCutUsd as number) - 0.0000597069652) < 1e-12);
  assert.equal(f.evidence.architecture, 'arm64');
  // The stage's ARN says us-east-1, but only a function ARN names the function's Region: none here.
  assert.match(f.detail, /4\.478 GB-s/);
  // Without a memory from a REPORT line or the configuration, no price is made up.
  const bare = analyze(parsed).report.traces[0]!.findings.find((x) => x.id === 'work-after-cut')!;
  assert.equal(bare.evidence.afterCutUsd, undefined);
  assert.doesNotMatch(bare.detail, /GB-s/);
});
