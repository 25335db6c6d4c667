// otel-ingest: OpenTelemetry ingest of a large OTLP/JSON file (5 000 API Gateway → Lambda
// requests written as the Collector's file exporter writes them, one ExportTraceServiceRequest per
// line) and of the same requests as aws/spans records, each against bare JSON.parse of the same
// text in the same run. Ingest = text → spans → trace trees (parseOtlpText / parseSpanRecords),
// not the analysis. Target: within 3× the bare parse. The two are timed in turn, round by round.
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

/** One timed run, after a full collection (each run starts from the same heap). */
function once(fn: () => void): number {
  (globalThis as { gc?: () => void }).gc?.();
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const ROUNDS = 9;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The baseline and the work timed in turn, round by round (a busy spell of the machine slows
 * both of a pair), after a warm-up of each: the medians of each, and the median of the rounds'
 * ratios, the figure quoted.
 */
function paired(base: () => void, work: () => void): { base: number; work: number; ratio: number } {
  base();
  work();
  const b: number[] = [];
  const w: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    b.push(once(base));
    w.push(once(work));
    r.push(w[i]! / b[i]!);
  }
  return { base: median(b), work: median(w), ratio: median(r) };
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
const otlp = paired(
  () => {
    for (const l of lines) JSON.parse(l);
  },
  () => {
    const r = parseOtlpText(ndjson, 'bench.ndjson');
    traces = r.traces.length;
    spans = r.traces.reduce((n, t) => n + t.spans.length, 0);
    if (r.errors.length) throw new Error(`unexpected errors: ${r.errors[0]!.message}`);
  },
);
console.log(`otel-ingest: ${REQUESTS.toLocaleString('en')} requests, ${traces.toLocaleString('en')} traces, ${spans.toLocaleString('en')} spans, ${(ndjson.length / 1e6).toFixed(1)} MB of OTLP/JSON (NDJSON), ${ROUNDS} rounds of each in turn:`);
console.log(`  bare JSON.parse of the lines:  ${otlp.base.toFixed(0)} ms (median)`);
console.log(`  parseOtlpText (spans + trees): ${otlp.work.toFixed(0)} ms (median); per round ${otlp.ratio.toFixed(2)}× the bare parse (median of the rounds' ratios)`);

const rec = paired(
  () => {
    for (const r of records) JSON.parse(r);
  },
  () => {
    const r = parseSpanRecords(records, 'aws/spans');
    if (r.errors.length) throw new Error(`unexpected errors: ${r.errors[0]!.message}`);
  },
);
console.log(`aws/spans records: ${records.length.toLocaleString('en')} records, ${(records.reduce((n, r) => n + r.length, 0) / 1e6).toFixed(1)} MB:`);
console.log(`  bare JSON.parse of the records: ${rec.base.toFixed(0)} ms (median)`);
console.log(`  parseSpanRecords:               ${rec.work.toFixed(0)} ms (median); per round ${rec.ratio.toFixed(2)}× the bare parse`);
