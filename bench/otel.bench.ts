// otel-ingest: OpenTelemetry ingest of a large OTLP/JSON file (5 000 API Gateway → Lambda
// requests written as the Collector's file exporter writes them, one ExportTraceServiceRequest per
// line) and of the same requests as aws/spans records, each against bare JSON.parse of the same
// text in the same run. Ingest = text → spans → trace trees (parseOtlpText / parseSpanRecords),
// not the analysis. Target: within 3× the bare parse.
import { parseOtlpText, parseSpanRecords } from '../src/ingest/otel';
import { otlpForm, spanRecordsForm, type CallDescription, type RequestDescription } from '../test/builders/requestForms';

const REQUESTS = Number(process.env.BENCH_OTEL_REQUESTS ?? 5_000);

function describe(i: number): RequestDescription {
  const tail = i.toString(16).padStart(24, '0');
  const kind = i % 10;
  const calls: CallDescription[] =
    kind === 0
      ? Array.from({ length: 12 }, (_, k) => ({ kind: 'aws', target: 'DynamoDB', operation: 'GetItem', table: 'orders', start: 1_000 + k * 2_300, end: 1_000 + (k + 1) * 2_300 }))
      : kind < 3
        ? [{ kind: 'http', target: 'api.partner.example', operation: 'GET', start: 50, end: 23_000 }]
        : [{ kind: 'aws', target: 'DynamoDB', operation: 'Query', table: 'orders', start: 20, end: 120 }];
  return kind === 0
    ? { status: 504, gatewayEnd: 29_012, functionEnd: 33_000, initMs: 900, calls, traceTail: tail }
    : kind === 3
      ? { gatewayEnd: 800, functionEnd: 790, initMs: 600, calls, traceTail: tail }
      : { gatewayEnd: kind < 3 ? 24_000 : 180, functionEnd: kind < 3 ? 23_990 : 170, calls, traceTail: tail };
}

function time(fn: () => void, rounds: number): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!; // median
}

const lines: string[] = [];
const records: string[] = [];
for (let i = 0; i < REQUESTS; i++) {
  const d = describe(i);
  lines.push(JSON.stringify(otlpForm(d)));
  for (const r of spanRecordsForm(d)) records.push(JSON.stringify(r));
}
const ndjson = lines.join('\n');

let spans = 0;
let traces = 0;
const bare = time(() => {
  for (const l of lines) JSON.parse(l);
}, 5);
const ingest = time(() => {
  const r = parseOtlpText(ndjson, 'bench.ndjson');
  traces = r.traces.length;
  spans = r.traces.reduce((n, t) => n + t.spans.length, 0);
  if (r.errors.length) throw new Error(`unexpected errors: ${r.errors[0]!.message}`);
}, 5);
console.log(`otel-ingest: ${REQUESTS.toLocaleString('en')} requests, ${traces.toLocaleString('en')} traces, ${spans.toLocaleString('en')} spans, ${(ndjson.length / 1e6).toFixed(1)} MB of OTLP/JSON (NDJSON):`);
console.log(`  bare JSON.parse of the lines: ${bare.toFixed(0)} ms (median of 5)`);
console.log(`  parseOtlpText (spans + trees): ${ingest.toFixed(0)} ms = ${(ingest / bare).toFixed(2)}× the bare parse`);

const recBare = time(() => {
  for (const r of records) JSON.parse(r);
}, 5);
const recIngest = time(() => {
  const r = parseSpanRecords(records, 'aws/spans');
  if (r.errors.length) throw new Error(`unexpected errors: ${r.errors[0]!.message}`);
}, 5);
console.log(`aws/spans records: ${records.length.toLocaleString('en')} records, ${(records.reduce((n, r) => n + r.length, 0) / 1e6).toFixed(1)} MB:`);
console.log(`  bare JSON.parse of the records: ${recBare.toFixed(0)} ms`);
console.log(`  parseSpanRecords:               ${recIngest.toFixed(0)} ms = ${(recIngest / recBare).toFixed(2)}× the bare parse`);
