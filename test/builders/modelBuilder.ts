// Small builders of model objects (Trace, Span, TraceReport) for the waterfall's tests and
// benchmark: every field gets a valid default so a scenario names only what matters. Times are
// given in ms from a fixed epoch so scenarios read like the waterfall they produce.
import type { Span, Trace } from '../../src/core/model';
import type { Breakdown, Finding, TraceReport } from '../../src/core/report';

export const EPOCH = 1_700_000_000_000;
export const TRACE_ID = '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b';

let counter = 0;

export interface SpanSpec extends Partial<Omit<Span, 'startMs' | 'endMs' | 'children'>> {
  name: string;
  /** ms from EPOCH */
  start: number;
  /** ms from EPOCH; null = in progress */
  end: number | null;
  children?: SpanSpec[];
}

/** A span (and its subtree) with defaults for everything not given. */
export function span(spec: SpanSpec, traceId = TRACE_ID, parentId: string | null = null): Span {
  const id = spec.id ?? (++counter).toString(16).padStart(16, '0');
  const s: Span = {
    id,
    traceId,
    parentId: spec.parentId ?? parentId,
    name: spec.name,
    kind: spec.kind ?? 'custom',
    isSegment: spec.isSegment ?? false,
    startMs: EPOCH + spec.start,
    endMs: spec.end === null ? null : EPOCH + spec.end,
    inProgress: spec.end === null,
    fault: spec.fault ?? false,
    error: spec.error ?? false,
    throttle: spec.throttle ?? false,
    annotations: spec.annotations ?? {},
    children: [],
    source: spec.source ?? `test#${id}`,
  };
  for (const k of ['origin', 'frontDoor', 'namespace', 'resourceArn', 'http', 'aws', 'metadata', 'cause', 'sql', 'precursorIds'] as const) {
    if (spec[k] !== undefined) (s as unknown as Record<string, unknown>)[k] = spec[k];
  }
  s.children = (spec.children ?? []).map((c) => span(c, traceId, id)).sort((a, b) => a.startMs - b.startMs);
  return s;
}

/** A trace from root spans: spans in pre-order, entry = the front door or the first root. */
export function trace(roots: Span[], traceId = TRACE_ID): Trace {
  const sorted = [...roots].sort((a, b) => a.startMs - b.startMs);
  const spans: Span[] = [];
  const stack = [...sorted].reverse();
  while (stack.length) {
    const s = stack.pop() as Span;
    spans.push(s);
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i] as Span);
  }
  return { traceId, roots: sorted, spans, entry: sorted.find((s) => s.kind === 'front-door') ?? sorted[0] ?? null };
}

export function breakdown(b: Partial<Breakdown>): Breakdown {
  return { gatewayMs: 0, coldStartMs: 0, coldStartKind: null, handlerMs: 0, overheadMs: 0, downstream: [], ...b };
}

export function report(r: Partial<TraceReport> & Pick<TraceReport, 'totalMs'>): TraceReport {
  return {
    traceId: TRACE_ID,
    entry: { kind: 'rest-api', name: 'orders-api/prod', method: 'POST', url: 'https://api.example.com/prod/reports', status: 200 },
    budgetMs: 29000,
    budgetSource: 'rest-api-default',
    verdict: 'ok',
    breakdown: breakdown({}),
    functionEndAtMs: null,
    cutAtMs: null,
    afterCutMs: null,
    findings: [],
    ...r,
  };
}

export function finding(f: Partial<Finding> & Pick<Finding, 'id' | 'title'>): Finding {
  return { severity: 'high', detail: '', fix: '', evidence: {}, ...f };
}

/** The 504-at-29-s request: the stage gives up at 29 012 ms, the function runs to 33 490 ms. */
export function timeoutScenario(traceId = TRACE_ID): { trace: Trace; report: TraceReport } {
  const stage = span(
    {
      id: 'a000000000000001',
      name: 'orders-api/prod',
      kind: 'front-door',
      frontDoor: 'rest-api',
      origin: 'AWS::ApiGateway::Stage',
      isSegment: true,
      start: 0,
      end: 29012,
      fault: true,
      http: { method: 'POST', url: 'https://api.example.com/prod/reports', status: 504 },
      annotations: { 'aws:api_id': 'abc123', 'aws:api_stage': 'prod' },
      children: [
        { id: 'a000000000000002', name: 'Lambda', kind: 'downstream', namespace: 'aws', start: 6, end: 29010, fault: true, aws: { operation: 'Invoke' } },
      ],
    },
    traceId,
  );
  const lambda = span(
    {
      id: 'a000000000000003',
      parentId: 'a000000000000002',
      name: 'orders-report',
      kind: 'lambda-service',
      origin: 'AWS::Lambda',
      isSegment: true,
      start: 8,
      end: 33500,
      aws: { requestId: '372607be-98bc-4960-bcb8-352704034263' },
      children: [],
    },
    traceId,
  );
  const fn = span(
    {
      id: 'a000000000000004',
      parentId: 'a000000000000003',
      name: 'orders-report',
      kind: 'function',
      origin: 'AWS::Lambda::Function',
      isSegment: true,
      start: 20,
      end: 33490,
      aws: { requestId: '372607be-98bc-4960-bcb8-352704034263', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-report' },
      children: [
        {
          id: 'a000000000000005',
          name: 'Invocation',
          kind: 'invocation',
          start: 22,
          end: 33450,
          children: [
            { id: 'a000000000000006', name: 'DynamoDB', kind: 'downstream', namespace: 'aws', start: 60, end: 18060, aws: { operation: 'Query', tableName: 'orders', retries: 0 } },
            {
              id: 'a000000000000007',
              name: 'api.partner.example',
              kind: 'downstream',
              namespace: 'remote',
              start: 18100,
              end: 30300,
              http: { method: 'GET', url: 'https://api.partner.example/v2/rates', status: 200 },
            },
            { id: 'a000000000000008', name: 'SQS', kind: 'downstream', namespace: 'aws', start: 30350, end: 33400, aws: { operation: 'SendMessage' } },
          ],
        },
        { id: 'a000000000000009', name: 'Overhead', kind: 'overhead', start: 33450, end: 33490 },
      ],
    },
    traceId,
  );
  const inferred = span(
    { id: 'a00000000000000a', parentId: 'a000000000000006', name: 'DynamoDB', kind: 'inferred', origin: 'AWS::DynamoDB::Table', isSegment: true, start: 62, end: 18055 },
    traceId,
  );
  // Wire the segments as the engine does: a segment hangs under its parent subsegment.
  (stage.children[0] as Span).children.push(lambda);
  lambda.children.push(fn);
  ((fn.children[0] as Span).children[0] as Span).children.push(inferred);
  const t = trace([stage], traceId);
  const r = report({
    traceId,
    totalMs: 29012,
    verdict: 'timeout',
    entry: { kind: 'rest-api', name: 'orders-api/prod', method: 'POST', url: 'https://api.example.com/prod/reports', status: 504 },
    breakdown: breakdown({
      gatewayMs: 18,
      handlerMs: 33428,
      overheadMs: 40,
      downstream: [
        { name: 'DynamoDB', operation: 'Query', namespace: 'aws', ms: 18000, calls: 1 },
        { name: 'api.partner.example', operation: 'GET', namespace: 'remote', ms: 12200, calls: 1 },
        { name: 'SQS', operation: 'SendMessage', namespace: 'aws', ms: 3050, calls: 1 },
      ],
    }),
    functionEndAtMs: 33490,
    cutAtMs: 29012,
    afterCutMs: 4478,
    findings: [
      finding({
        id: 'integration-timeout',
        title: 'The client got a 504 at the 29 s integration budget',
        detail: 'API Gateway gave up after 29 012 ms; the function was still running.',
        fix: 'Make the request asynchronous (202 + poll) or cut the handler below the budget.',
        evidence: { totalMs: 29012, budgetMs: 29000, status: 504 },
        spanIds: ['a000000000000001'],
      }),
      finding({
        id: 'work-after-cut',
        title: 'The function ran 4.5 s after the gateway gave up',
        detail: 'Nobody waited for this work: it was billed, and its side effects happen again on a retry.',
        fix: 'Pass a deadline (context.getRemainingTimeInMillis() minus the gateway margin) to downstream calls.',
        evidence: { afterCutMs: 4478, functionEndAtMs: 33490 },
        spanIds: ['a000000000000004', 'a000000000000008'],
      }),
      finding({
        id: 'slow-downstream',
        severity: 'elevated',
        title: 'DynamoDB Query took 54 % of the handler',
        detail: 'One Query on table orders took 18.0 s.',
        fix: 'Query by key (add a GSI) instead of a filtered scan; paginate.',
        evidence: { target: 'DynamoDB', operation: 'Query', ms: 18000, share: 0.54 },
        spanIds: ['a000000000000006'],
      }),
    ],
  });
  return { trace: t, report: r };
}

/** A warm request well inside its budget, with a cold start (Initialization before its parent). */
export function coldStartScenario(traceId = '1-643aca1d-02e095f7341508e00b9b6d2b'): { trace: Trace; report: TraceReport } {
  const stage = span(
    {
      name: 'dev-todo-list-app/dev',
      kind: 'front-door',
      frontDoor: 'rest-api',
      origin: 'AWS::ApiGateway::Stage',
      isSegment: true,
      start: 0,
      end: 1520,
      http: { method: 'POST', url: 'https://x.execute-api.us-east-1.amazonaws.com/dev/tasks', status: 201 },
      children: [{ id: 'c000000000000002', name: 'Lambda', kind: 'downstream', namespace: 'aws', start: 4, end: 1512, aws: { operation: 'Invoke' } }],
    },
    traceId,
  );
  const fn = span(
    {
      parentId: 'c000000000000002',
      name: 'todo-list-app-dev-postTask',
      kind: 'function',
      origin: 'AWS::Lambda::Function',
      isSegment: true,
      start: 860,
      end: 1508,
      children: [
        { name: 'Initialization', kind: 'initialization', start: 7, end: 857 },
        {
          name: 'Invocation',
          kind: 'invocation',
          start: 862,
          end: 1470,
          children: [
            { name: 'DynamoDB', kind: 'downstream', namespace: 'aws', start: 900, end: 1110, aws: { operation: 'PutItem', tableName: 'tasks' } },
            { name: 'Lambda', kind: 'downstream', namespace: 'aws', start: 1120, end: 1460, aws: { operation: 'Invoke' } },
          ],
        },
        { name: 'Overhead', kind: 'overhead', start: 1470, end: 1508 },
      ],
    },
    traceId,
  );
  (stage.children[0] as Span).children.push(fn);
  const t = trace([stage], traceId);
  const r = report({
    traceId,
    totalMs: 1520,
    entry: { kind: 'rest-api', name: 'dev-todo-list-app/dev', method: 'POST', url: 'https://x.execute-api.us-east-1.amazonaws.com/dev/tasks', status: 201 },
    breakdown: breakdown({
      gatewayMs: 12,
      coldStartMs: 850,
      coldStartKind: 'init',
      handlerMs: 608,
      overheadMs: 38,
      downstream: [
        { name: 'Lambda', operation: 'Invoke', namespace: 'aws', ms: 340, calls: 1 },
        { name: 'DynamoDB', operation: 'PutItem', namespace: 'aws', ms: 210, calls: 1 },
      ],
    }),
    functionEndAtMs: 1508,
  });
  return { trace: t, report: r };
}

/**
 * A trace of `n` spans: stage → function → Invocation → batches of 50 calls, each call with two
 * children, every 97th call faulted. Used for the virtualization tests and the benchmark.
 */
export function bigScenario(n: number, traceId = '1-6740b1c2-000000000000000000000b16'): { trace: Trace; report: TraceReport } {
  const groups: SpanSpec[] = [];
  let made = 3; // stage, function, Invocation
  let t = 30;
  while (made < n) {
    made++; // the batch
    const calls: SpanSpec[] = [];
    const groupStart = t;
    for (let k = 0; k < 50 && made < n; k++) {
      const start = t;
      const end = t + 3 + (k % 7);
      const kids: SpanSpec[] = [];
      made++;
      for (let c = 0; c < 2 && made < n; c++, made++) kids.push({ name: `step ${c}`, kind: 'custom', start: start + c, end: start + c + 1 });
      const call: SpanSpec = {
        name: k % 3 === 0 ? 'DynamoDB' : k % 3 === 1 ? 'S3' : 'api.partner.example',
        kind: 'downstream',
        namespace: k % 3 === 2 ? 'remote' : 'aws',
        start,
        end,
        fault: made % 97 === 0,
        children: kids,
      };
      if (k % 3 === 0) call.aws = { operation: 'GetItem', tableName: 'items' };
      else if (k % 3 === 1) call.aws = { operation: 'GetObject' };
      calls.push(call);
      t = end + 0.5;
    }
    groups.push({ name: `batch ${groups.length}`, kind: 'custom', start: groupStart, end: t, children: calls });
  }
  const total = t + 40;
  const timedOut = total > 29000;
  const stageEnd = Math.min(total, 29010);
  const stage = span(
    {
      name: 'bulk-api/prod',
      kind: 'front-door',
      origin: 'AWS::ApiGateway::Stage',
      isSegment: true,
      start: 0,
      end: stageEnd,
      fault: timedOut,
      http: { method: 'POST', url: 'https://api.example.com/prod/bulk', status: timedOut ? 504 : 200 },
      children: [
        {
          name: 'bulk-handler',
          kind: 'function',
          origin: 'AWS::Lambda::Function',
          isSegment: true,
          start: 10,
          end: total - 5,
          children: [{ name: 'Invocation', kind: 'invocation', start: 20, end: total - 10, children: groups }],
        },
      ],
    },
    traceId,
  );
  return {
    trace: trace([stage], traceId),
    report: report({
      traceId,
      totalMs: stageEnd,
      verdict: timedOut ? 'timeout' : 'ok',
      entry: { kind: 'rest-api', name: 'bulk-api/prod', method: 'POST', url: 'https://api.example.com/prod/bulk', status: timedOut ? 504 : 200 },
      breakdown: breakdown({ gatewayMs: 10, handlerMs: total - 30, overheadMs: 5 }),
      cutAtMs: timedOut ? stageEnd : null,
      afterCutMs: timedOut ? total - 5 - stageEnd : null,
      functionEndAtMs: total - 5,
    }),
  };
}
