// A 1 000-span 504 for the accessibility and keyboard tests: the stage gives up at 29 012 ms while
// the handler's 331 sequential calls (each with two steps) run on to 33 140 ms, so rows end
// before, across and after the cut; every 50th call is throttled, one remote call got a 404, and
// the findings name spans far down the list. Times are chosen so the expected numbers can be
// worked out by hand from this file alone.
import type { Trace } from '../../src/core/model';
import type { TraceReport } from '../../src/core/report';
import { breakdown, finding, report, span, trace } from '../builders/modelBuilder';
import type { SpanSpec } from '../builders/modelBuilder';

export const A11Y_TRACE_ID = '1-6740b1c2-0000000000000000000a11e0';

/** Calls in the handler; each call is 100 ms long and has two 10 ms steps. */
export const CALLS = 331;
/** The first call starts here; call k runs [CALL0 + 100 k, CALL0 + 100 (k + 1)). */
export const CALL0 = 40;
export const CUT_MS = 29_012;

/** The id of call k (0-based). */
export function callId(k: number): string {
  return `c${String(k).padStart(15, '0')}`;
}

export function a11yScenario(): { trace: Trace; report: TraceReport } {
  const calls: SpanSpec[] = [];
  for (let k = 0; k < CALLS; k++) {
    const start = CALL0 + 100 * k;
    const remote = k % 7 === 3;
    const call: SpanSpec = {
      id: callId(k),
      name: remote ? 'api.partner.example' : 'DynamoDB',
      kind: 'downstream',
      namespace: remote ? 'remote' : 'aws',
      start,
      end: start + 100,
      throttle: !remote && k % 50 === 49,
      error: k === 101,
      children: [
        { name: 'marshal', kind: 'custom', start: start + 1, end: start + 11 },
        { name: 'send', kind: 'custom', start: start + 20, end: start + 30 },
      ],
    };
    if (remote) call.http = { method: 'GET', url: `https://api.partner.example/v2/items/${k}`, status: k === 101 ? 404 : 200 };
    // Even calls read another table: no five calls in a row go to one target, so the waterfall
    // groups none of them (groups.test.ts tests grouping); this scenario is a long list of rows.
    else call.aws = { operation: 'GetItem', tableName: k % 2 === 0 ? 'items-archive' : 'items', retries: 0 };
    calls.push(call);
  }
  const end = CALL0 + 100 * CALLS; // 33 140
  const root = span(
    {
      id: 'a11y000000000001',
      name: 'orders-api/prod',
      kind: 'front-door',
      frontDoor: 'rest-api',
      origin: 'AWS::ApiGateway::Stage',
      isSegment: true,
      start: 0,
      end: CUT_MS,
      fault: true,
      http: { method: 'POST', url: 'https://api.example.com/prod/reports', status: 504 },
      children: [
        {
          id: 'a11y000000000007',
          name: 'Lambda',
          kind: 'downstream',
          namespace: 'aws',
          start: 6,
          end: 29_010,
          fault: true,
          aws: { operation: 'Invoke' },
          children: [
            {
              id: 'a11y000000000002',
              name: 'orders-report',
              kind: 'function',
              origin: 'AWS::Lambda::Function',
              isSegment: true,
              start: 10,
              end: end + 60,
              aws: { requestId: '0d6c1f0e-4b8a-4f63-9a55-a11y00000001' },
              children: [
                { id: 'a11y000000000003', name: 'Initialization', kind: 'initialization', start: 0, end: 30 },
                { id: 'a11y000000000004', name: 'Invocation', kind: 'invocation', start: 32, end: end + 50, children: calls },
                { id: 'a11y000000000005', name: 'SQS', kind: 'downstream', namespace: 'aws', start: end + 5, end: end + 45, aws: { operation: 'SendMessage' } },
                { id: 'a11y000000000006', name: 'Overhead', kind: 'overhead', start: end + 50, end: end + 60 },
              ],
            },
          ],
        },
      ],
    },
    A11Y_TRACE_ID,
  );
  const throttled = Array.from({ length: CALLS }, (_, k) => k).filter((k) => k % 7 !== 3 && k % 50 === 49);
  const r = report({
    traceId: A11Y_TRACE_ID,
    totalMs: CUT_MS,
    verdict: 'timeout',
    entry: { kind: 'rest-api', name: 'orders-api/prod', method: 'POST', url: 'https://api.example.com/prod/reports', status: 504 },
    breakdown: breakdown({
      gatewayMs: 10,
      coldStartMs: 30,
      coldStartKind: 'init',
      handlerMs: end + 18,
      overheadMs: 10,
      downstream: [{ name: 'DynamoDB', operation: 'GetItem', namespace: 'aws', ms: 28_300, calls: 283 }],
    }),
    functionEndAtMs: end + 60,
    cutAtMs: CUT_MS,
    afterCutMs: end + 60 - CUT_MS,
    findings: [
      finding({
        id: 'integration-timeout',
        title: 'The client got a 504 at the 29 s integration budget',
        detail: 'API Gateway gave up after 29 012 ms; the function was still running.',
        fix: 'Make the request asynchronous (202 + poll) or cut the handler below the budget.',
        evidence: { totalMs: CUT_MS, budgetMs: 29_000, status: 504 },
        spanIds: ['a11y000000000001'],
      }),
      finding({
        id: 'work-after-cut',
        title: 'The function ran 4.19 s after the gateway gave up',
        detail: 'Nobody waited for this work.',
        fix: 'Pass a deadline to downstream calls.',
        evidence: { afterCutMs: end + 60 - CUT_MS },
        spanIds: ['a11y000000000002', 'a11y000000000005'],
      }),
      finding({
        id: 'throttled-downstream',
        severity: 'elevated',
        title: `DynamoDB throttled ${throttled.length} calls`,
        detail: 'GetItem on items was throttled.',
        fix: 'Raise the table’s capacity or back off.',
        evidence: { calls: throttled.length },
        spanIds: throttled.map(callId),
      }),
    ],
  });
  return { trace: trace([root], A11Y_TRACE_ID), report: r };
}
