// Parse + analyze throughput on 10 000 generated, realistic API Gateway → Lambda traces
// (BatchGetTraces shape with Document strings), against plain JSON.parse of the same
// documents measured in the same run.
import { parseTraceValue } from '../src/ingest/xray';
import { analyze } from '../src/core/analyze';
import { apiTrace, sequential, type BuiltTrace } from '../test/builders/traceBuilder';

const TRACES = 10_000;

function generate(): { batches: unknown[]; documents: string[]; segments: number } {
  const built: BuiltTrace[] = [];
  for (let i = 0; i < TRACES; i++) {
    const kind = i % 10;
    if (kind === 0)
      built.push(apiTrace({ status: 504, gatewayEnd: 29_010, functionEnd: 33_000, initMs: 900, calls: sequential(12, 2_300, 1_000, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders' }) }));
    else if (kind < 3) built.push(apiTrace({ gatewayEnd: 24_000, calls: [{ name: 'api.partner.example', namespace: 'remote', method: 'GET', start: 50, end: 23_000 }] }));
    else built.push(apiTrace({ gatewayEnd: 180, initMs: kind === 3 ? 600 : 0, calls: [{ name: 'DynamoDB', namespace: 'aws', operation: 'Query', table: 'orders', start: 20, end: 120 }] }));
  }
  const documents: string[] = [];
  // BatchGetTraces pages of 5 traces, as the SDK returns them.
  const batches: unknown[] = [];
  for (let i = 0; i < built.length; i += 5) {
    const page = built.slice(i, i + 5).map((t) => ({
      Id: t.traceId,
      Segments: t.docs.map((d) => {
        const doc = JSON.stringify(d);
        documents.push(doc);
        return { Id: d.id, Document: doc };
      }),
    }));
    batches.push({ Traces: page, UnprocessedTraceIds: [] });
  }
  return { batches, documents, segments: documents.length };
}

function time(fn: () => void, rounds: number): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!; // median
}

const { batches, documents, segments } = generate();
const baseline = time(() => {
  for (const d of documents) JSON.parse(d);
}, 5);
let traces = 0;
const engine = time(() => {
  traces = 0;
  for (const b of batches) {
    const parsed = parseTraceValue(b, 'bench');
    traces += analyze(parsed).report.traces.length;
  }
}, 5);
console.log(`traces: ${traces} (${segments} segment documents, ${(documents.reduce((a, d) => a + d.length, 0) / 1e6).toFixed(1)} MB)`);
console.log(`JSON.parse of the documents:   ${baseline.toFixed(0)} ms (median of 5)`);
console.log(`parse + analyze (engine):      ${engine.toFixed(0)} ms`);
console.log(`throughput: ${Math.round((traces / engine) * 1000).toLocaleString('en')} traces/s, ${Math.round((segments / engine) * 1000).toLocaleString('en')} segment documents/s`);
console.log(`ratio: engine = ${(engine / baseline).toFixed(2)}× bare JSON.parse of the same documents`);

// One huge trace: 100 000 sequential calls under one handler (an N+1 gone wild), as one
// BatchGetTraces result. Linear work keeps this within a few times the JSON.parse of its document.
{
  const big = apiTrace({ gatewayEnd: 25_000, functionEnd: 24_990, calls: sequential(100_000, 0.2, 10, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem' }) });
  const docs = big.docs.map((d) => JSON.stringify(d));
  const value = { Traces: [{ Id: big.traceId, Segments: docs.map((doc, i) => ({ Id: String(i), Document: doc })) }] };
  const bigBaseline = time(() => {
    for (const d of docs) JSON.parse(d);
  }, 3);
  let spans = 0;
  const bigEngine = time(() => {
    const { analyzed } = analyze(parseTraceValue(value, 'bench-big'));
    spans = analyzed[0]!.trace.spans.length;
  }, 3);
  console.log(`one trace of ${spans.toLocaleString('en')} spans: JSON.parse ${bigBaseline.toFixed(0)} ms, parse + analyze ${bigEngine.toFixed(0)} ms (${(bigEngine / bigBaseline).toFixed(2)}×)`);
}
