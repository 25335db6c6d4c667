// Values no real trace or log holds: times of 1e308, NaN, negative or strings, latencies of the
// same, bytes that are not UTF-8. Each is a clear error naming where it was, or a value read as
// the text says, and never a NaN in the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTraceText } from '../../../src/ingest/xray';
import { LogCollector } from '../../../src/ingest/logs';
import { readInputs } from '../../../src/ingest/files';
import { analyze } from '../../../src/core/analyze';
import { renderTextReport } from '../../../src/core/textReport';

const T0 = 1_700_000_000;
const TID = '1-6553f100-0123456789abcdef01234567';
const hex = (n: number): string => n.toString(16).padStart(16, '0');
const gateway = { id: hex(1), trace_id: TID, name: 'api/prod', origin: 'AWS::ApiGateway::Stage', start_time: T0, end_time: T0 + 2, http: { request: { method: 'GET', url: 'https://x/prod/a' }, response: { status: 200 } } };

test('start and end times of 1e308, NaN, negative, a string: each a clear error, the rest of the trace read', () => {
  const lines = [
    JSON.stringify(gateway),
    `{"id":"${hex(2)}","trace_id":"${TID}","name":"huge","start_time":1e308,"end_time":1e308}`,
    `{"id":"${hex(3)}","trace_id":"${TID}","name":"nan","start_time":NaN,"end_time":${T0}}`,
    `{"id":"${hex(4)}","trace_id":"${TID}","name":"negative","start_time":-5,"end_time":-1}`,
    `{"id":"${hex(5)}","trace_id":"${TID}","name":"text","start_time":"1700000000","end_time":${T0 + 1}}`,
    `{"id":"${hex(6)}","trace_id":"${TID}","parent_id":"${hex(1)}","type":"subsegment","name":"ends-badly","start_time":${T0 + 0.5},"end_time":1e308}`,
    `{"id":"${hex(7)}","trace_id":"${TID}","parent_id":"${hex(1)}","type":"subsegment","name":"ends-in-text","start_time":${T0 + 0.5},"end_time":"soon"}`,
    `{"id":"${hex(8)}","trace_id":"${TID}","parent_id":"${hex(1)}","type":"subsegment","name":"infinite","start_time":${T0 + 0.5},"end_time":1e999}`,
  ];
  const parsed = parseTraceText(lines.join('\n'), 't.ndjson');
  const messages = parsed.errors.map((e) => `${e.source}: ${e.message}`);
  // NaN is not JSON: that line is not read (V8 words the message, and quotes a part of the line).
  assert.match(messages.shift()!, /^t\.ndjson:3: Not valid JSON: Unexpected token 'N'/);
  assert.deepEqual(messages, [
    `t.ndjson:2: Skipped "huge" (${hex(2)}): start_time 1e+308 is not a plausible epoch time.`,
    `t.ndjson:4: Skipped "negative" (${hex(4)}): start_time -5 is not a plausible epoch time.`,
    `t.ndjson:5: Skipped "text" (${hex(5)}): start_time is a string, not a number of epoch seconds.`,
    `t.ndjson:6: "ends-badly" (${hex(6)}) has an impossible end_time (more than a day after its start): treated as in progress.`,
    `t.ndjson:7: "ends-in-text" (${hex(7)}) has an end_time that is a string, not a number and is not marked in_progress: treated as in progress.`,
    `t.ndjson:8: "infinite" (${hex(8)}) has an end_time that is not finite, not a number and is not marked in_progress: treated as in progress.`,
  ]);
  const spans = parsed.traces[0]!.spans;
  assert.deepEqual(spans.map((s) => [s.name, s.endMs === null]), [['api/prod', false], ['ends-badly', true], ['ends-in-text', true], ['infinite', true]]);
  const { report, analyzed } = analyze(parsed);
  const text = renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
  // The numbers drawn are the trace's; only the messages quote the damaged values.
  assert.doesNotMatch(text.slice(0, text.indexOf('Skipped 4 item(s):')), /NaN|Infinity|e\+/);
  assert.match(text, /^ {2}ends-badly {21}running {2}█+…$/m);
  assert.equal(report.traces[0]!.totalMs, 2000);
});

test('latencies and times of 1e308, negative, NaN or text in logs: no NaN, no crash', () => {
  const c = new LogCollector();
  const rows = [
    { requestId: 'a', httpMethod: 'GET', resourcePath: '/r', status: 504, responseLatency: 1e308, integrationLatency: 1e308, requestTimeEpoch: 1e308 },
    { requestId: 'b', httpMethod: 'GET', resourcePath: '/r', status: 200, responseLatency: -5, integrationLatency: -5, requestTimeEpoch: -1 },
    { requestId: 'c', httpMethod: 'GET', resourcePath: '/r', status: 'NaN', responseLatency: 'NaN', integrationLatency: 'x', requestTime: 'not a time' },
    { requestId: 'd', httpMethod: 'GET', resourcePath: '/r', status: '200', responseLatency: '120', integrationLatency: '100', requestTimeEpoch: `${T0}` },
  ];
  for (const [i, r] of rows.entries()) c.push(JSON.stringify(r), { where: `a#${i}` });
  const id = '8a4f3c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b';
  c.push(`REPORT RequestId: ${id}\tDuration: ${'9'.repeat(400)}.00 ms\tBilled Duration: -3 ms\tMemory Size: NaN MB\tMax Memory Used: 1e308 MB\t`, { where: 'f#1' });
  const logs = c.finish();
  assert.deepEqual(logs.errors, []);
  const inv = logs.invocations[0]!;
  assert.equal(inv.durationMs, Number(`${'9'.repeat(400)}.00`));
  assert.equal(inv.memorySizeMb, undefined);
  const { report } = analyze({ traces: [], ...logs });
  const text = renderTextReport(report);
  assert.doesNotMatch(text, /NaN/);
  const r = report.endpoints.find((e) => e.route === '/r')!;
  assert.equal(r.count, 3);
  assert.equal(r.timeouts, 1);
  assert.ok(Number.isFinite(r.p99Ms) && Number.isFinite(r.maxMs));
});

test('bytes that are not UTF-8 in a trace file and in a log file: read, each bad byte a replacement character', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    const bad = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x82, 0xf0, 0x28, 0x8c, 0xbc, 0xff]);
    const trace = Buffer.from(JSON.stringify({ ...gateway, name: 'api/PLACE' }));
    const at = trace.indexOf('PLACE');
    writeFileSync(join(dir, 'a-trace.json'), Buffer.concat([trace.subarray(0, at), bad, trace.subarray(at + 5)]));
    const id = '8a4f3c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b';
    writeFileSync(join(dir, 'b-function.log'), Buffer.concat([Buffer.from(`START RequestId: ${id} Version: $LATEST\n2026-11-24T12:00:00.000Z\t${id}\tINFO\t`), bad, Buffer.from(`\nREPORT RequestId: ${id}\tDuration: 12.00 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t\n`)]));
    const inputs = await readInputs([dir]);
    assert.deepEqual(inputs.errors, []);
    assert.deepEqual(inputs.files.map((f) => f.kind), ['X-Ray traces', 'log lines (Lambda, API Gateway access or execution logs)']);
    const name = inputs.traces[0]!.entry!.name;
    assert.ok(name.startsWith('api/') && name.includes('\ufffd('), JSON.stringify(name));
    assert.equal(inputs.invocations[0]!.durationMs, 12);
    assert.ok(inputs.invocations[0]!.messages![0]!.includes('\ufffd'));
    const { report, analyzed } = analyze(inputs);
    assert.ok(renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) }).includes('api/\ufffd('));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
