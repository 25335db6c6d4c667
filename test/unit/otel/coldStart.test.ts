// Cold starts written beside the function rather than under it: an Init span at the top level of
// the trace or beside the function span, and the OpenTelemetry Lambda layer's Telemetry API
// receiver, which writes `platform.initRuntimeDone` (INTERNAL, faas.coldstart = true, the
// function's resource) as a trace of its own with a new trace id
// (open-telemetry/opentelemetry-lambda, collector/receiver/telemetryapireceiver/receiver.go,
// createPlatformInitSpan). The figures are worked out by hand from the times below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOtlpValue } from '../../../src/ingest/otel';
import { breakdownTrace } from '../../../src/core/breakdown';
import type { Span, Trace } from '../../../src/core/model';

const T0 = 1_732_000_000_000n; // ms
const ns = (ms: number): string => ((T0 + BigInt(ms)) * 1_000_000n).toString();
const TRACE_1 = '6740b1c25e3a8f0d9c4b2a1e7f6d5c4b';
const TRACE_2 = '6740b1c35e3a8f0d9c4b2a1e7f6d5c4c';
const TRACE_3 = '6740b1c45e3a8f0d9c4b2a1e7f6d5c4d';
const TRACE_4 = '6740b1c55e3a8f0d9c4b2a1e7f6d5c4e';
const xray = (t: string): string => `1-${t.slice(0, 8)}-${t.slice(8)}`;

type Attr = string | boolean;
const kv = (o: Record<string, Attr>): unknown[] => Object.entries(o).map(([key, v]) => ({ key, value: typeof v === 'string' ? { stringValue: v } : { boolValue: v } }));

interface S {
  trace: string;
  id: string;
  parent?: string;
  name: string;
  kind: number;
  start: number;
  end: number;
  attrs?: Record<string, Attr>;
}

const lambda = (fn: string): Record<string, Attr> => ({ 'cloud.provider': 'aws', 'cloud.platform': 'aws_lambda', 'faas.name': fn, 'service.name': fn });

/** One export: each group is a resource with its spans. */
function otlp(...groups: Array<{ resource: Record<string, Attr>; spans: S[] }>): unknown {
  return {
    resourceSpans: groups.map((g) => ({
      resource: { attributes: kv(g.resource) },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: g.spans.map((s) => ({
            traceId: s.trace,
            spanId: s.id,
            ...(s.parent ? { parentSpanId: s.parent } : {}),
            name: s.name,
            kind: s.kind,
            startTimeUnixNano: ns(s.start),
            endTimeUnixNano: ns(s.end),
            attributes: kv(s.attrs ?? {}),
          })),
        },
      ],
    })),
  };
}

function read(value: unknown): { traces: Trace[]; byId: Map<string, Span>; errors: string[] } {
  const r = parseOtlpValue(value, 'f.json');
  const byId = new Map<string, Span>();
  for (const t of r.traces) for (const s of t.spans) byId.set(s.id, s);
  return { traces: r.traces, byId, errors: r.errors.map((e) => e.message) };
}

const FN = '00000000000000a1';
const INIT = '00000000000000b2';
const SVC = '00000000000000c3';
const CALL = '00000000000000d4';

test('an Init span at the top level of the trace goes under the function span it came before, and the breakdown counts it', () => {
  // The handler's SERVER span 400–1 000 ms, the Init span 0–380 ms with no parent.
  const { traces, byId, errors } = read(
    otlp({
      resource: lambda('orders-fn'),
      spans: [
        { trace: TRACE_1, id: FN, name: 'POST /reports', kind: 2, start: 400, end: 1_000, attrs: { 'faas.coldstart': true } },
        { trace: TRACE_1, id: INIT, name: 'Init', kind: 1, start: 0, end: 380 },
      ],
    }),
  );
  assert.deepEqual(errors, []);
  assert.equal(traces.length, 1);
  const t = traces[0]!;
  assert.deepEqual(t.roots.map((r) => r.id), [FN], 'the function is the only root');
  assert.deepEqual(t.spans.map((s) => s.id), [FN, INIT]);
  const init = byId.get(INIT)!;
  assert.deepEqual([init.kind, init.parentId, init.isSegment, init.frontDoor], ['initialization', FN, false, undefined]);
  assert.equal(t.entry, byId.get(FN));
  const b = breakdownTrace(t);
  // The cold start is 380 − 0 = 380 ms; the request (the function is its entry) runs from the
  // Init's start to the function's end: 1 000 ms.
  assert.equal(b.breakdown.coldStartMs, 380);
  assert.equal(b.totalMs, 1_000);
});

test('an Init span beside the function span (under the same parent) goes under the function', () => {
  // The Lambda service span 0–1 010 ms with two children: the Init (10–380) and the function (400–1 000).
  const { traces, byId, errors } = read(
    otlp(
      { resource: { 'cloud.provider': 'aws' }, spans: [{ trace: TRACE_1, id: SVC, name: 'orders-fn', kind: 2, start: 0, end: 1_010, attrs: { 'aws.origin': 'AWS::Lambda' } }] },
      {
        resource: lambda('orders-fn'),
        spans: [
          { trace: TRACE_1, id: INIT, parent: SVC, name: 'platform.initRuntimeDone', kind: 1, start: 10, end: 380 },
          { trace: TRACE_1, id: FN, parent: SVC, name: 'handler', kind: 2, start: 400, end: 1_000 },
          { trace: TRACE_1, id: CALL, parent: FN, name: 'DynamoDB.GetItem', kind: 3, start: 420, end: 900, attrs: { 'rpc.system': 'aws-api', 'rpc.service': 'DynamoDB', 'rpc.method': 'GetItem' } },
        ],
      },
    ),
  );
  assert.deepEqual(errors, []);
  const t = traces[0]!;
  assert.deepEqual(byId.get(SVC)!.children.map((c) => c.id), [FN]);
  assert.deepEqual(byId.get(FN)!.children.map((c) => c.id), [INIT, CALL], 'the Init first: children by start');
  assert.deepEqual(t.spans.map((s) => s.id), [SVC, FN, INIT, CALL]);
  assert.equal(byId.get(INIT)!.kind, 'initialization');
  // 380 − 10 = 370 ms of cold start.
  assert.equal(breakdownTrace(t).breakdown.coldStartMs, 370);
});

test('the Telemetry API receiver’s Init, a trace of its own, joins the invocation of the same function that began right after it', () => {
  const initAttrs = { 'faas.coldstart': true };
  const { traces, byId, errors } = read(
    otlp(
      // As the receiver writes it: its own trace, INTERNAL, no parent, the function's resource.
      { resource: { 'faas.name': 'orders-fn', 'service.name': 'orders-fn' }, spans: [{ trace: TRACE_1, id: INIT, name: 'platform.initRuntimeDone', kind: 1, start: 0, end: 380, attrs: initAttrs }] },
      // The invocation the SDK traced, 15 ms after the Init ended.
      { resource: lambda('orders-fn'), spans: [{ trace: TRACE_2, id: FN, name: 'POST /reports', kind: 2, start: 395, end: 1_000, attrs: { 'faas.coldstart': true } }] },
    ),
  );
  assert.equal(traces.length, 1, 'the Init’s own trace is gone');
  const t = traces[0]!;
  assert.equal(t.traceId, xray(TRACE_2));
  const init = byId.get(INIT)!;
  assert.deepEqual([init.kind, init.parentId, init.traceId], ['initialization', FN, xray(TRACE_2)]);
  assert.deepEqual(t.spans.map((s) => s.id), [FN, INIT]);
  // Said, not silent: which trace it came from, where it went, and the gap (395 − 380 = 15 ms).
  assert.deepEqual(errors, [
    `The cold start "platform.initRuntimeDone" (${INIT}) came as a trace of its own (${xray(TRACE_1)}), as the OpenTelemetry Lambda layer's Telemetry API receiver writes it: it is shown as the Initialization of "orders-fn" in trace ${xray(TRACE_2)}, whose invocation began 15 ms after it ended.`,
  ]);
  // No "cold start without an Init" note for the function: it has its Init now. 380 ms of cold start.
  assert.equal(breakdownTrace(t).breakdown.coldStartMs, 380);
});

test('an Init of its own trace stays alone when no invocation of its function began right after it', () => {
  const init = (trace: string, id: string, fn: string, start: number, end: number) => ({ resource: { 'faas.name': fn }, spans: [{ trace, id, name: 'platform.initRuntimeDone', kind: 1, start, end, attrs: { 'faas.coldstart': true } }] });
  const fnSpan = (trace: string, id: string, fn: string, start: number, attrs: Record<string, Attr> = {}) => ({ resource: lambda(fn), spans: [{ trace, id, name: 'handler', kind: 2, start, end: start + 500, attrs }] });
  // Another function; 20 s later (past 10 s); a function that says it was warm.
  for (const [label, value] of [
    ['another function', otlp(init(TRACE_1, INIT, 'orders-fn', 0, 380), fnSpan(TRACE_2, FN, 'billing-fn', 390))],
    ['20 s later', otlp(init(TRACE_1, INIT, 'orders-fn', 0, 380), fnSpan(TRACE_2, FN, 'orders-fn', 20_380))],
    ['faas.coldstart = false', otlp(init(TRACE_1, INIT, 'orders-fn', 0, 380), fnSpan(TRACE_2, FN, 'orders-fn', 390, { 'faas.coldstart': false }))],
  ] as const) {
    const { traces, byId } = read(value);
    assert.equal(traces.length, 2, label);
    assert.equal(byId.get(INIT)!.parentId, null, label);
    assert.notEqual(byId.get(INIT)!.kind, 'initialization', label);
  }
});

test('two cold starts of one function at once: each Init joins the invocation that began nearest after it', () => {
  const I2 = '00000000000000e5';
  const F2 = '00000000000000f6';
  const { traces, byId } = read(
    otlp(
      {
        resource: { 'faas.name': 'orders-fn' },
        spans: [
          { trace: TRACE_1, id: INIT, name: 'platform.initRuntimeDone', kind: 1, start: 0, end: 380 },
          { trace: TRACE_3, id: I2, name: 'platform.initRuntimeDone', kind: 1, start: 100, end: 700 },
        ],
      },
      {
        resource: lambda('orders-fn'),
        spans: [
          { trace: TRACE_4, id: F2, name: 'handler', kind: 2, start: 705, end: 1_200 },
          { trace: TRACE_2, id: FN, name: 'handler', kind: 2, start: 385, end: 900 },
        ],
      },
    ),
  );
  assert.equal(traces.length, 2);
  assert.equal(byId.get(INIT)!.parentId, FN);
  assert.equal(byId.get(I2)!.parentId, F2);
  // 380 ms and 600 ms of cold start.
  assert.deepEqual(
    traces.map((t) => breakdownTrace(t).breakdown.coldStartMs).sort((a, b) => a - b),
    [380, 600],
  );
});
