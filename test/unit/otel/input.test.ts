// Ids, times, containers and damaged input: each bad span is reported with its name and what was
// wrong, and the rest is analyzed. The real files of test/fixtures/real/otel/, and the CLI on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { looksLikeOtel, otelSpanIdToXRay, otelTraceIdToXRay, parseOtlpText, parseOtlpValue, parseSpanRecords, unixNanosToMs, xrayTraceIdToOtel } from '../../../src/ingest/otel';
import { readInputs } from '../../../src/ingest/files';
import { analyze } from '../../../src/core/analyze';
import { runCli } from '../cli/runCli';
import { batchGetTracesForm, otlpForm, spanRecordsForm, type RequestDescription } from '../../builders/requestForms';

const REAL = 'test/fixtures/real/otel';
const TRACE = '6740b1c25e3a8f0d9c4b2a1e7f6d5c4b';

test('trace ids: OTLP hex (any case) or base64 → X-Ray form, and back', () => {
  assert.equal(otelTraceIdToXRay('5B8EFFF798038103D269B633813FC60C'), '1-5b8efff7-98038103d269b633813fc60c');
  assert.equal(otelTraceIdToXRay(TRACE), '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b');
  // 16 bytes in base64 (24 characters, or 22 without padding), as some exporters write ids.
  const b64 = Buffer.from(TRACE, 'hex').toString('base64');
  assert.equal(b64.length, 24);
  assert.equal(otelTraceIdToXRay(b64), '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b');
  assert.equal(otelTraceIdToXRay(b64.replace(/=+$/, '')), '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b');
  assert.equal(otelTraceIdToXRay('1-6740B1C2-5E3A8F0D9C4B2A1E7F6D5C4B'), '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b');
  for (const bad of ['', 'abc', '0'.repeat(32), 'g'.repeat(32), TRACE.slice(1), `${TRACE}0`, 'AAAAAAAAAAAAAAAAAAAAAA==']) assert.equal(otelTraceIdToXRay(bad), null, bad);
  assert.equal(xrayTraceIdToOtel('1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b'), TRACE);
  assert.equal(xrayTraceIdToOtel(TRACE), TRACE);
  assert.equal(xrayTraceIdToOtel('Root=1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b;Sampled=1'), TRACE);
  assert.equal(xrayTraceIdToOtel('1-6740b1c2-5e3a'), null);
  // Round trips.
  for (const id of ['00000001000000000000000000000001', 'ffffffffffffffffffffffffffffffff', TRACE]) assert.equal(xrayTraceIdToOtel(otelTraceIdToXRay(id)!), id);
  // Span ids: 16 hex, or 8 bytes in base64 (the Tempo example's "cmteMBAvwNA=").
  assert.equal(otelSpanIdToXRay('EEE19B7EC3C1B174'), 'eee19b7ec3c1b174');
  assert.equal(otelSpanIdToXRay('cmteMBAvwNA='), '726b5e30102fc0d0');
  for (const bad of ['0000000000000000', 'eee19b7ec3c1b17', 'eee19b7ec3c1b1745', 'zzzzzzzzzzzzzzzz']) assert.equal(otelSpanIdToXRay(bad), null, bad);
});

test('times: nanos as a decimal string keep every digit, as a number lose what a double loses; 0 is unset; garbage is not a time', () => {
  assert.equal(unixNanosToMs('1732000000123456789'), 1_732_000_000_123 + 0.456789);
  assert.equal(unixNanosToMs('999'), 0.000999);
  assert.equal(unixNanosToMs(1_544_712_660_000_000_000), 1_544_712_660_000);
  assert.equal(unixNanosToMs('0'), undefined);
  assert.equal(unixNanosToMs(0), undefined);
  assert.equal(unixNanosToMs(undefined), undefined);
  for (const bad of ['-5', '1.5e18', '12abc', 'yesterday', true, {}, [], -1, Number.NaN]) assert.equal(unixNanosToMs(bad), null, String(bad));
});

function span(o: Record<string, unknown>): Record<string, unknown> {
  return { traceId: TRACE, spanId: '00000000000000a1', name: 'ok', kind: 2, startTimeUnixNano: '1732000000000000000', endTimeUnixNano: '1732000000100000000', ...o };
}

function request(spans: unknown[]): unknown {
  return { resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] };
}

test('bad spans are reported one by one, naming the span and the fault; the good ones are analyzed', () => {
  const r = parseOtlpValue(
    request([
      span({ spanId: '00000000000000a1', name: 'good' }),
      span({ spanId: 'xyz', name: 'short id' }),
      span({ spanId: '00000000000000a3', traceId: 'abc', name: 'bad trace' }),
      span({ spanId: '00000000000000a4', traceId: 7, name: 'numeric trace' }),
      span({ spanId: '00000000000000a5', startTimeUnixNano: 'soon', name: 'garbage start' }),
      span({ spanId: '00000000000000a6', startTimeUnixNano: '12', name: 'tiny start' }),
      span({ spanId: '00000000000000a7', startTimeUnixNano: undefined, name: 'no start' }),
      span({ spanId: '00000000000000a8', endTimeUnixNano: 'later', name: 'garbage end', parentSpanId: '00000000000000a1' }),
      span({ spanId: '00000000000000a9', endTimeUnixNano: '1731999999000000000', name: 'ends first', parentSpanId: '00000000000000a1' }),
      span({ spanId: '00000000000000aa', kind: 9, name: 'odd kind', parentSpanId: '00000000000000a1' }),
      span({ spanId: '00000000000000ab', attributes: 'lots', name: 'bad attributes', parentSpanId: '00000000000000a1' }),
      span({ spanId: '00000000000000ac', attributes: [{ key: 1 }, null, { key: 'fine', value: { stringValue: 'y' } }], name: 'some bad attributes', parentSpanId: '00000000000000a1' }),
      span({ spanId: '00000000000000ad', parentSpanId: 'nope', name: 'bad parent' }),
      span({ spanId: '00000000000000ae', name: 42, parentSpanId: '00000000000000a1' }),
      span({ spanId: '00000000000000af', kind: 'WEIRD', name: 'word kind', parentSpanId: '00000000000000a1' }),
      span({ spanId: '00000000000000b0', kind: [[[1]]], name: 'list kind', parentSpanId: '00000000000000a1' }),
      'not a span',
    ]),
    'bad.json',
  );
  const msgs = r.errors.map((e) => `${e.source.replace('bad.json.resourceSpans[0].scopeSpans[0].spans', '')} ${e.repaired ? '(repaired) ' : ''}${e.message}`);
  assert.deepEqual(msgs, [
    '[1] Skipped span "short id": its spanId "xyz" is not 16 hex digits (nor 8 bytes in base64).',
    '[2] Skipped span "bad trace" (00000000000000a3): its traceId "abc" is not 32 hex digits (nor 16 bytes in base64).',
    '[3] Skipped span "numeric trace" (00000000000000a4): its traceId is a number, not a string of 32 hex digits.',
    '[4] Skipped span "garbage start" (00000000000000a5): startTimeUnixNano is "soon", not a number of nanoseconds since 1970.',
    '[5] Skipped span "tiny start" (00000000000000a6): startTimeUnixNano 12 is not a plausible time (expected nanoseconds since 1970).',
    '[6] Skipped span "no start" (00000000000000a7): it has no startTimeUnixNano.',
    '[7] (repaired) Span "garbage end" (00000000000000a8): endTimeUnixNano is "later", not a number of nanoseconds: treated as in progress.',
    '[8] (repaired) Span "ends first" (00000000000000a9): its end time is before its start: treated as in progress.',
    '[9] (repaired) Span "odd kind" (00000000000000aa): its kind 9 is not a span kind (1–5, SPAN_KIND_SERVER or SERVER): read as unspecified.',
    '[10] (repaired) Span "bad attributes" (00000000000000ab): attributes are a string, not a list of key/value pairs or an object: ignored.',
    '[11] (repaired) Span "some bad attributes" (00000000000000ac): 2 attribute(s) without a string key were skipped.',
    '[12] (repaired) Span "bad parent" (00000000000000ad): its parentSpanId "nope" is not 16 hex digits: shown at the top level.',
    '[13] (repaired) Span "(unnamed)" (00000000000000ae): its name is a number, not a string: shown as "(unnamed)".',
    '[14] (repaired) Span "word kind" (00000000000000af): its kind "WEIRD" is not a span kind (1–5, SPAN_KIND_SERVER or SERVER): read as unspecified.',
    '[15] (repaired) Span "list kind" (00000000000000b0): its kind (an array) is not a span kind (1–5, SPAN_KIND_SERVER or SERVER): read as unspecified.',
    '[16] A span is a string, not an object: skipped.',
  ]);
  // Ten spans used: good, its eight children (repaired) and the one with a bad parent.
  assert.equal(r.traces.length, 1);
  assert.equal(r.traces[0]!.spans.length, 10);
  const byId = new Map(r.traces[0]!.spans.map((s) => [s.id, s]));
  assert.equal(byId.get('00000000000000a8')!.inProgress, true);
  assert.equal(byId.get('00000000000000ac')!.otel?.attributes['fine'], 'y');
  // The report still comes out.
  assert.equal(analyze(r).report.traces.length, 1);
});

test('a parent outside the file is kept as an orphan, as for X-Ray; a span naming itself as its parent is a root', () => {
  const r = parseOtlpValue(request([span({ spanId: '00000000000000b1', parentSpanId: '00000000000000ff', name: 'child of nobody' }), span({ spanId: '00000000000000b2', parentSpanId: '00000000000000b1', name: 'grandchild', kind: 3 })]), 'o.json');
  assert.deepEqual(
    r.errors.map((e) => [e.message, e.repaired]),
    [['"child of nobody" (00000000000000b1) names parent 00000000000000ff, which is not in the trace: shown at the top level.', true]],
  );
  const t = r.traces[0]!;
  assert.deepEqual(t.roots.map((s) => s.id), ['00000000000000b1']);
  assert.deepEqual(t.spans.map((s) => s.id), ['00000000000000b1', '00000000000000b2']);
  assert.equal(t.spans[0]!.parentId, '00000000000000ff');
  // Parents and children meet across requests (and files): two requests, one trace.
  const split = parseOtlpText(
    [JSON.stringify(request([span({ spanId: '00000000000000c2', parentSpanId: '00000000000000c1', name: 'child', kind: 1 })])), JSON.stringify(request([span({ spanId: '00000000000000c1', name: 'parent' })]))].join('\n'),
    'split.ndjson',
  );
  assert.deepEqual(split.errors, []);
  assert.deepEqual(split.traces[0]!.spans.map((s) => s.name), ['parent', 'child']);
});

test('NDJSON: one request per line; a broken line is reported by its line number and the others are read', () => {
  const good = JSON.stringify(request([span({ spanId: '00000000000000d1', name: 'one' })]));
  const good2 = JSON.stringify(request([span({ spanId: '00000000000000d2', name: 'two', parentSpanId: '00000000000000d1', kind: 1 })]));
  const r = parseOtlpText(`${good}\n\n{"resourceSpans": [\n${good2}\n`, 'x.ndjson');
  assert.deepEqual(r.errors.map((e) => e.source), ['x.ndjson:3']);
  assert.match(r.errors[0]!.message, /^Not valid JSON/);
  assert.deepEqual(r.traces[0]!.spans.map((s) => s.name), ['one', 'two']);
  // One document cut short: one error that says where, not one per line.
  const cut = parseOtlpText(JSON.stringify(otlpForm({ gatewayEnd: 100, functionEnd: 90 }), null, 2).slice(0, 500), 'cut.json');
  assert.equal(cut.errors.length, 1);
  assert.match(cut.errors[0]!.message, /cut short/);
  assert.deepEqual(parseOtlpText('  \n', 'e.json').errors.map((e) => e.message), ['The file is empty.']);
});

test('containers: the older instrumentationLibrarySpans, Tempo’s batches with base64 ids, FilterLogEvents, Logs Insights rows, ListRetrievedTraces', () => {
  const legacy = parseOtlpValue({ resourceSpans: [{ instrumentationLibrarySpans: [{ instrumentationLibrary: { name: 'old' }, spans: [span({})] }] }] }, 'l.json');
  assert.deepEqual([legacy.errors, legacy.traces[0]!.spans[0]!.otel?.scope], [[], { name: 'old' }]);
  const tempo = parseOtlpValue({ batches: [{ instrumentationLibrarySpans: [{ spans: [span({ traceId: Buffer.from(TRACE, 'hex').toString('base64'), spanId: 'cmteMBAvwNA=', kind: 'SPAN_KIND_SERVER' })] }] }] }, 't.json');
  assert.deepEqual(tempo.errors, []);
  assert.deepEqual([tempo.traces[0]!.traceId, tempo.traces[0]!.spans[0]!.id, tempo.traces[0]!.spans[0]!.otel?.spanKind], ['1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b', '726b5e30102fc0d0', 'server']);
  const d: RequestDescription = { gatewayEnd: 200, functionEnd: 190 };
  const records = spanRecordsForm(d);
  const events = parseOtlpValue({ events: records.map((r, i) => ({ timestamp: i, message: JSON.stringify(r) })).concat([{ timestamp: 9, message: '{"traceId": broken' }]) }, 'ev.json');
  assert.deepEqual(events.errors.map((e) => e.source), [`ev.json.events[${records.length}]`]);
  assert.equal(events.traces[0]!.spans.length, records.length);
  const insights = parseOtlpValue({ results: records.map((r) => [{ field: '@timestamp', value: 'x' }, { field: '@message', value: JSON.stringify(r) }]) }, 'li.json');
  assert.deepEqual([insights.errors, insights.traces[0]!.spans.length], [[], records.length]);
  const retrieved = parseOtlpValue({ RetrievalStatus: 'COMPLETE', TraceFormat: 'OTEL', Traces: [{ Id: '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b', Duration: 0.2, Spans: records.map((r) => ({ Id: r.spanId, Document: JSON.stringify(r) })) }] }, 'lrt.json');
  assert.deepEqual([retrieved.errors, retrieved.traces[0]!.spans.length], [[], records.length]);
  // The XRAY form of ListRetrievedTraces: its Documents are segment documents.
  const xrayDocs = (JSON.parse(batchGetTracesForm(d)) as { Traces: Array<{ Segments: Array<{ Id: string; Document: string }> }> }).Traces[0]!.Segments;
  const retrievedX = parseOtlpValue({ TraceFormat: 'XRAY', Traces: [{ Id: '1-6740b1c2-5e3a8f0d9c4b2a1e7f6d5c4b', Spans: xrayDocs }] }, 'lrtx.json');
  assert.deepEqual(retrievedX.errors, []);
  assert.deepEqual(analyze(retrievedX).report.traces[0]!.breakdown, analyze(parseOtlpValue(otlpForm(d), 'o')).report.traces[0]!.breakdown);
  // Records given as objects or as strings alike; not JSON is said per record.
  const mixed = parseSpanRecords([records[0], JSON.stringify(records[1]), '{nope', 5], 'm');
  assert.deepEqual(mixed.errors.map((e) => e.source), ['m[2]', 'm[3]']);
});

test('the real OTLP files: the OpenTelemetry protocol example (uppercase hex ids, numeric nanos, parent outside the file)', () => {
  const path = `${REAL}/otelproto_examples_trace.json`;
  const r = parseOtlpText(readFileSync(path, 'utf8'), path);
  assert.deepEqual(r.errors.map((e) => e.message), ['"I\'m a server span" (eee19b7ec3c1b174) names parent eee19b7ec3c1b173, which is not in the trace: shown at the top level.']);
  const t = r.traces[0]!;
  assert.equal(t.traceId, '1-5b8efff7-98038103d269b633813fc60c');
  const s = t.spans[0]!;
  // 1544712660 s → 1544712661 s.
  assert.deepEqual([s.startMs, s.endMs, s.kind, s.isSegment, s.otel?.spanKind], [1_544_712_660_000, 1_544_712_661_000, 'custom', true, 'server']);
  assert.deepEqual([s.otel?.attributes, s.otel?.resource, s.otel?.scope], [{ 'my.span.attr': 'some value' }, { 'service.name': 'my.service' }, { name: 'my.library', version: '1.0.0' }]);
  const rep = analyze(r).report.traces[0]!;
  // A service's own span: the request is its whole second.
  assert.deepEqual([rep.entry.kind, rep.totalMs, rep.breakdown.handlerMs, rep.verdict], ['other', 1_000, 1_000, 'ok']);
});

test('the real OTLP files: the OTTL playground traces (lowercase ids, string nanos, a span that is its own parent)', () => {
  const path = `${REAL}/elastic_ottlplayground_traces.json`;
  const r = parseOtlpText(readFileSync(path, 'utf8'), path);
  assert.deepEqual(r.errors.map((e) => e.message), ['Span "Me too" (eee19b7ec3c1b173): it names itself as its parent: shown at the top level.']);
  const t = r.traces[0]!;
  assert.deepEqual(t.spans.map((s) => [s.name, s.parentId]), [
    ['Me too', null],
    ["I'm a server span", 'eee19b7ec3c1b173'],
  ]);
  assert.equal(t.entry?.name, 'Me too');
  const rep = analyze(r).report.traces[0]!;
  assert.deepEqual([rep.totalMs, rep.verdict], [1_000, 'ok']);
});

test('files: OTLP and aws/spans files are told from X-Ray and logs by their content', async () => {
  assert.equal(looksLikeOtel(readFileSync(`${REAL}/otelproto_examples_trace.json`, 'utf8')), true);
  assert.equal(looksLikeOtel(JSON.stringify({ events: [{ message: JSON.stringify(spanRecordsForm({ gatewayEnd: 1, functionEnd: 1 })[0]) }] })), true);
  assert.equal(looksLikeOtel(spanRecordsForm({ gatewayEnd: 1, functionEnd: 1 }).map((x) => JSON.stringify(x)).join('\n')), true);
  assert.equal(looksLikeOtel(readFileSync('test/fixtures/real/lambdapulse_apigw_lambda_coldstart_trace.json', 'utf8').slice(0, 8192)), false);
  assert.equal(looksLikeOtel(batchGetTracesForm({ gatewayEnd: 1, functionEnd: 1 })), false);
  const dir = mkdtempSync(join(tmpdir(), 'otel-files-'));
  const d: RequestDescription = { status: 504, gatewayEnd: 29_012, functionEnd: 30_000, initMs: 500 };
  writeFileSync(join(dir, 'a.json'), JSON.stringify(otlpForm(d)));
  writeFileSync(join(dir, 'b.txt'), spanRecordsForm({ ...d, traceTail: '000000000000000000000abc' }).map((x) => JSON.stringify(x)).join('\n'));
  const inputs = await readInputs([dir]);
  assert.deepEqual(inputs.errors, []);
  assert.deepEqual(inputs.files.map((f) => f.kind), ['OpenTelemetry spans (OTLP JSON, aws/spans records)', 'OpenTelemetry spans (OTLP JSON, aws/spans records)']);
  assert.equal(inputs.traces.length, 2);
});

test('timeout-lens analyze reads an OTLP file: the 504 and its cut, in JSON and in text', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'otel-cli-'));
  const path = join(dir, 'export.json');
  // Init 3 → 503 ms, the function 503 → 31 000, the gateway gives up at 29 012.
  writeFileSync(path, JSON.stringify(otlpForm({ status: 504, gatewayEnd: 29_012, functionEnd: 31_000, initMs: 500, calls: [{ kind: 'aws', target: 'DynamoDB', operation: 'Scan', table: 'orders', start: 600, end: 30_600 }] })));
  const json = await runCli(['analyze', path, '--json']);
  assert.equal(json.err.includes('Not a format'), false, json.err);
  const report = JSON.parse(json.out) as { traces: Array<{ verdict: string; totalMs: number; afterCutMs: number; breakdown: { coldStartMs: number; downstream: unknown[] }; findings: Array<{ id: string }> }>; errors: unknown[] };
  assert.deepEqual(report.errors, []);
  const t = report.traces[0]!;
  assert.deepEqual([t.verdict, t.totalMs, t.afterCutMs, t.breakdown.coldStartMs], ['timeout', 29_012, 31_000 - 29_012, 500]);
  assert.deepEqual(t.breakdown.downstream, [{ name: 'DynamoDB', operation: 'Scan', namespace: 'aws', ms: 30_000, calls: 1 }]);
  assert.ok(t.findings.some((f) => f.id === 'integration-timeout'));
  const text = await runCli(['analyze', path]);
  assert.match(text.out, /DynamoDB/);
  assert.match(text.out, /504/);
});
