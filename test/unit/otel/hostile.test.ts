// Hostile OpenTelemetry input: values nested deeper than any stack, huge strings, 100 000
// attributes, long parent chains, stack traces of junk, many lines. Nothing throws, what
// is kept is bounded, and the work is linear in the input (test/unit/hostile/measure.ts: the same
// work on an input 10× larger, timed in the same run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ATTRIBUTES, MAX_ATTRIBUTE_CHARS, parseOtlpText, parseOtlpValue, parseStackTrace } from '../../../src/ingest/otel';
import { MAX_VALUE_DEPTH, valueDepth } from '../../../src/ingest/boundedValue';
import { analyze } from '../../../src/core/analyze';
import { spanDetails } from '../../../src/ui/waterfallSnapshot';
import { assertLinear } from '../hostile/measure';

const TRACE = '6740b1c25e3a8f0d9c4b2a1e7f6d5c4b';
const T0 = 1_732_000_000_000_000_000n;

const id = (i: number): string => (i + 1).toString(16).padStart(16, '0');
const ns = (ms: number): string => (T0 + BigInt(Math.round(ms * 1e6))).toString();

/** One span as OTLP/JSON text, with `attrs` the text of its attributes list. */
function spanText(i: number, parent: number | null, attrs = '[]', extra = ''): string {
  return `{"traceId":"${TRACE}","spanId":"${id(i)}"${parent !== null ? `,"parentSpanId":"${id(parent)}"` : ''},"name":"s${i}","kind":${parent === null ? 2 : 1},"startTimeUnixNano":"${ns(i * 0.01)}","endTimeUnixNano":"${ns(10_000 - i * 0.01)}","attributes":${attrs}${extra}}`;
}

const request = (spans: string): string => `{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[${spans}]}]}]}`;

/** An attribute whose value is `depth` kvlistValues, one inside the other, written by hand. */
function deepAttribute(depth: number): string {
  return `[{"key":"deep","value":${'{"kvlistValue":{"values":[{"key":"k","value":'.repeat(depth)}{"stringValue":"bottom"}${'}]}}'.repeat(depth)}}]`;
}

test('an attribute nested 20 000 levels deep: kept to a fixed depth, shown, stringified, and read in linear time', () => {
  const text = request(spanText(0, null, deepAttribute(20_000)));
  const r = parseOtlpText(text, 'deep.json');
  assert.deepEqual(r.errors, []);
  const s = r.traces[0]!.spans[0]!;
  // The attributes record is level 1, as boundRecord counts a segment's metadata.
  assert.equal(valueDepth(s.otel!.attributes), MAX_VALUE_DEPTH);
  // The details pane and Copy as JSON recurse: they must get a bounded value.
  assert.ok(JSON.stringify(spanDetails(s)).includes('nested deeper than'));
  assert.equal(analyze(r).report.traces.length, 1);
  // Parsed before the clock starts: V8's JSON.parse itself is not linear in the depth (28× for
  // 10× here), and what is timed is the reader's own work.
  assertLinear('OTLP attribute nested deep', (n) => JSON.parse(request(spanText(0, null, deepAttribute(n)))) as unknown, (v) => parseOtlpValue(v, 'd'), 2_000);
});

test('a 20 MB string attribute and 100 000 attributes on one span: kept cut, in linear time', () => {
  const huge = 'x'.repeat(20_000_000);
  const r = parseOtlpText(request(spanText(0, null, `[{"key":"big","value":{"stringValue":"${huge}"}}]`)), 'big.json');
  const kept = r.traces[0]!.spans[0]!.otel!.attributes['big'] as string;
  assert.ok(kept.length < MAX_ATTRIBUTE_CHARS + 100);
  assert.match(kept, /\(19983616 more characters not kept\)$/);
  const many = (n: number): string => `[${Array.from({ length: n }, (_, i) => `{"key":"a${i}","value":{"intValue":"${i}"}}`).join(',')}]`;
  const r2 = parseOtlpText(request(spanText(0, null, many(100_000))), 'many.json');
  assert.equal(Object.keys(r2.traces[0]!.spans[0]!.otel!.attributes).length, MAX_ATTRIBUTES);
  assert.deepEqual(r2.errors.map((e) => e.message), [`Span "s0" (${id(0)}): only the first ${MAX_ATTRIBUTES} attributes were kept (99000 more).`]);
  assertLinear('OTLP span with many attributes', (n) => request(spanText(0, null, many(n))), (t) => parseOtlpText(t, 'm'), 10_000);
});

test('a parent chain 20 000 spans long, and 10 000 children of one span: built and analyzed in linear time', () => {
  const chain = (n: number): string => request(Array.from({ length: n }, (_, i) => spanText(i, i === 0 ? null : i - 1)).join(','));
  const r = parseOtlpText(chain(20_000), 'chain.json');
  assert.deepEqual(r.errors, []);
  assert.equal(r.traces[0]!.spans.length, 20_000);
  assert.equal(analyze(r).report.traces.length, 1);
  assertLinear('OTLP parent chain', chain, (t) => analyze(parseOtlpText(t, 'c')), 1_000);
  const fan = (n: number): string => request(Array.from({ length: n }, (_, i) => spanText(i, i === 0 ? null : 0, '[{"key":"rpc.system","value":{"stringValue":"aws-api"}}]')).join(','));
  assertLinear('OTLP fan-out', fan, (t) => analyze(parseOtlpText(t, 'f')), 1_000);
});

test('stack traces of junk (long lines, colons, parentheses, no frames) are read in linear time', () => {
  const junk = (n: number): string => Array.from({ length: n }, (_, i) => (i % 3 === 0 ? `    at ${'('.repeat(500)}:${':'.repeat(500)}1` : i % 3 === 1 ? `  File "${'"'.repeat(300)}, line x` : `\tat ${'a.'.repeat(700)}(`)).join('\n');
  assert.deepEqual(parseStackTrace(junk(300)), []);
  assertLinear('stack trace of junk', junk, (t) => parseStackTrace(t), 300);
  // One line of 5 MB is not parsed at all.
  assert.deepEqual(parseStackTrace(`    at f (${'/a'.repeat(2_500_000)}.js:1:1)`), []);
  const event = (n: number): string => `,"events":[{"name":"exception","attributes":[{"key":"exception.stacktrace","value":{"stringValue":${JSON.stringify(junk(n))}}}]}]`;
  assertLinear('span with a junk stack trace', (n) => request(spanText(0, null, '[]', event(n))), (t) => parseOtlpText(t, 'e'), 300);
});

test('NDJSON of many requests, half of them broken, is read in linear time with one error per broken line', () => {
  const lines = (n: number): string => Array.from({ length: n }, (_, i) => (i % 2 ? `{"resourceSpans": [${'{'.repeat(50)}` : request(spanText(i, null)))).join('\n');
  const r = parseOtlpText(lines(2_000), 'n.ndjson');
  assert.equal(r.errors.length, 1_000);
  assert.equal(r.traces[0]!.spans.length, 1_000);
  assertLinear('OTLP NDJSON with broken lines', lines, (t) => parseOtlpText(t, 'n'), 1_000);
});

test('many cold starts written as traces of their own, and many invocations of one function: paired in linear time', () => {
  // n Init traces (the Telemetry API receiver's shape) and n invocations, each 20 ms after its Init.
  const coldStarts = (n: number): string => {
    const trace = (i: number): string => (i + 1).toString(16).padStart(32, '0');
    const inits: string[] = [];
    const fns: string[] = [];
    for (let i = 0; i < n; i++) {
      inits.push(`{"traceId":"${trace(2 * i)}","spanId":"${id(2 * i)}","name":"platform.initRuntimeDone","kind":1,"startTimeUnixNano":"${ns(i * 1_000)}","endTimeUnixNano":"${ns(i * 1_000 + 300)}","attributes":[]}`);
      fns.push(`{"traceId":"${trace(2 * i + 1)}","spanId":"${id(2 * i + 1)}","name":"handler","kind":2,"startTimeUnixNano":"${ns(i * 1_000 + 320)}","endTimeUnixNano":"${ns(i * 1_000 + 900)}","attributes":[]}`);
    }
    const fn = '{"key":"faas.name","value":{"stringValue":"orders-fn"}}';
    return `{"resourceSpans":[{"resource":{"attributes":[${fn}]},"scopeSpans":[{"spans":[${inits.join(',')}]}]},{"resource":{"attributes":[${fn},{"key":"cloud.platform","value":{"stringValue":"aws_lambda"}}]},"scopeSpans":[{"spans":[${fns.join(',')}]}]}]}`;
  };
  const r = parseOtlpText(coldStarts(2_000), 'cold.json');
  // Every Init joined its own invocation (each trace now holds a function and its Init).
  assert.equal(r.traces.length, 2_000);
  assert.ok(r.traces.every((t) => t.spans.length === 2 && t.spans[1]!.kind === 'initialization' && t.spans[1]!.parentId === t.spans[0]!.id));
  assertLinear('OTLP cold starts of their own', coldStarts, (t) => parseOtlpText(t, 'c'), 500);
});
