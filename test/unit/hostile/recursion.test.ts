// Nothing a file holds can exhaust the stack: span trees are walked with explicit stacks, deep
// values never reach a recursive JSON.stringify, folders reached again through symbolic links
// are read once, and a fault of ours on one file or trace costs that one only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTraces, parseTraceText, type RawSegment } from '../../../src/ingest/xray';
import { readInputs } from '../../../src/ingest/files';
import { LogCollector } from '../../../src/ingest/logs';
import { analyze } from '../../../src/core/analyze';
import { renderTextReport } from '../../../src/core/textReport';
import type { IngestError, Trace } from '../../../src/core/model';
import { assertLinear } from './measure';
import { gateway, hex, nested, sentApart, T0, TID } from '../../builders/hostileTraces';

/** A gateway segment and `n` independently sent subsegments, each the parent of the next. */
const chain = (n: number): string => sentApart(n, true);

function reportOf(text: string): { text: string; traces: Trace[]; errors: IngestError[]; json: string } {
  const parsed = parseTraceText(text, 'deep.json');
  const { report, analyzed } = analyze(parsed);
  return {
    text: renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) }),
    traces: parsed.traces,
    errors: parsed.errors,
    json: JSON.stringify(report),
  };
}

test('subsegments nested 1 800 deep: a correct report', () => {
  const r = reportOf(nested(1_800));
  assert.deepEqual(r.errors, []);
  assert.equal(r.traces.length, 1);
  assert.equal(r.traces[0]!.spans.length, 1_801);
  // Pre-order: the deepest span is the last one, under its whole chain.
  const last = r.traces[0]!.spans[1_800]!;
  assert.equal(last.name, 'level1800');
  assert.equal(last.parentId, hex(1_809));
  assert.match(r.text, /^OK {2}orders-api\/prod {2}GET https:\/\/api\.example\.com\/prod\/orders$/m);
  assert.match(r.text, /level1\b/);
  assert.match(r.text, /… 1771 more rows/);
});

test('subsegments nested 100 000 deep: a correct report, in time linear in the depth', () => {
  const r = reportOf(nested(100_000));
  assert.deepEqual(r.errors, []);
  assert.equal(r.traces[0]!.spans.length, 100_001);
  assert.equal(r.traces[0]!.spans[100_000]!.name, 'level100000');
  assert.match(r.text, /… 99971 more rows/);
  assertLinear('nested subsegments', nested, (t) => reportOf(t), 5_000);
});

test('a deep span’s source names its depth, not a path as long as the chain above it', () => {
  // Every span lacks an end_time: one repaired error each, each with its source.
  const r = reportOf(nested(20_000, TID, false));
  assert.equal(r.errors.length, 20_000);
  const longest = Math.max(...r.errors.slice(0, 100).map((e) => e.source.length), ...r.errors.slice(-100).map((e) => e.source.length));
  assert.ok(longest < 200, `a source of ${longest} characters`);
  assert.match(r.errors.at(-1)!.source, /^deep\.json\.subsegments…\[0\] \(20000 levels deep, under 0{12}4e29\)$/);
  assert.equal(r.errors[1]!.source, 'deep.json.subsegments[0].subsegments[0]');
  // The JSON report of it grows with the number of spans, not with their square.
  assert.ok(r.json.length < 20_000 * 400, `${r.json.length} characters of JSON`);
});

test('parent chains 100 000 long (independent subsegments): a correct report, in linear time', () => {
  const r = reportOf(chain(100_000));
  assert.deepEqual(r.errors, []);
  const spans = r.traces[0]!.spans;
  assert.equal(spans.length, 100_001);
  assert.equal(spans[100_000]!.name, 'link100000');
  assert.equal(r.traces[0]!.roots.length, 1);
  assertLinear('parent chain', chain, (t) => reportOf(t), 5_000);
});

test('arrays nested a million deep around a segment: read, with a short source', () => {
  const depth = 1_000_000;
  const text = `${'['.repeat(depth)}${JSON.stringify(gateway([]))},1${']'.repeat(depth)}`;
  const r = parseTraceText(text, 'arrays.json');
  assert.equal(r.traces.length, 1);
  assert.equal(r.traces[0]!.entry?.name, 'orders-api/prod');
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0]!.source, 'arrays.json[…][1] (1000000 arrays deep)');
});

test('a JSON log message nested 100 000 deep does not stop the log from being read', () => {
  const c = new LogCollector();
  const id = '8a4f3c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b';
  c.push(`{"requestId":"${id}","level":"INFO","message":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, { where: 'app.log:1' });
  c.push(`REPORT RequestId: ${id}\tDuration: 12.00 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t`, { where: 'app.log:2' });
  const { invocations, errors } = c.finish();
  assert.deepEqual(errors, []);
  assert.equal(invocations.length, 1);
  assert.equal(invocations[0]!.durationMs, 12);
  assert.deepEqual(invocations[0]!.messages, ['(a JSON value nested too deep to show)']);
});

test('one file of 150 000 segments is read (no arguments spread that overflow the stack)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    const lines = [JSON.stringify(gateway([]))];
    for (let i = 1; i <= 150_000; i++) lines.push(JSON.stringify({ type: 'subsegment', id: hex(i + 10), parent_id: hex(1), trace_id: TID, name: 'DynamoDB', namespace: 'aws', start_time: T0 + 0.001, end_time: T0 + 0.002 }));
    writeFileSync(join(dir, 'segments.ndjson'), lines.join('\n'));
    const inputs = await readInputs([dir]);
    assert.deepEqual(inputs.errors, []);
    assert.equal(inputs.traces[0]!.spans.length, 150_001);
    const { report } = analyze(inputs);
    // Every call is counted but the first, which a gateway's first call is taken to be: its integration.
    assert.equal(report.traces[0]!.breakdown.downstream[0]!.calls, 149_999);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file nested 20 000 deep beside a normal one: both are in the report', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    writeFileSync(join(dir, 'a-deep.json'), nested(20_000, '1-6553f100-aaaaaaaaaaaaaaaaaaaaaaaa'));
    writeFileSync(join(dir, 'b-normal.json'), JSON.stringify(gateway([{ id: hex(2), name: 'DynamoDB', namespace: 'aws', start_time: T0 + 0.1, end_time: T0 + 1.5, aws: { operation: 'Query' } }])));
    const inputs = await readInputs([dir]);
    assert.deepEqual(inputs.errors, []);
    const { report, analyzed } = analyze(inputs);
    assert.deepEqual(report.traces.map((t) => t.traceId).sort(), ['1-6553f100-0123456789abcdef01234567', '1-6553f100-aaaaaaaaaaaaaaaaaaaaaaaa']);
    const text = renderTextReport(report, { traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) });
    assert.match(text, /DynamoDB Query +1\.40 s/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unexpected fault on one document or one trace costs that one only, with an error naming it', () => {
  const errors: IngestError[] = [];
  const raws: RawSegment[] = [
    { doc: gateway([]), source: 'good.json' },
    {
      doc: {
        trace_id: '1-6553f100-bbbbbbbbbbbbbbbbbbbbbbbb',
        get id(): string {
          throw new Error('boom');
        },
      },
      source: 'bad.json[0]',
    },
  ];
  const traces = buildTraces(raws, errors);
  assert.deepEqual(errors, [{ source: 'bad.json[0]', message: 'Skipped this segment document: an unexpected error while reading it (Error: boom).' }]);
  assert.equal(traces.find((t) => t.traceId === TID)!.spans.length, 1);
  // A Trace the engine cannot walk (children missing): reported as that trace's error.
  const good = parseTraceText(JSON.stringify(gateway([])), 'good.json').traces[0]!;
  const broken = parseTraceText(JSON.stringify(gateway([], '1-6553f100-cccccccccccccccccccccccc')), 'broken.json').traces[0]!;
  (broken.entry as unknown as { children: null }).children = null;
  const { report } = analyze({ traces: [good, broken], errors: [] });
  assert.deepEqual(report.traces.map((t) => t.traceId), [TID]);
  assert.equal(report.errors.length, 1);
  assert.equal(report.errors[0]!.source, 'broken.json');
  assert.match(report.errors[0]!.message, /^Trace 1-6553f100-cccccccccccccccccccccccc could not be analyzed: an unexpected error \(TypeError: /);
});

test('two symbolic links of a folder to itself, and one to its parent: each file is read once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    const d = join(dir, 'traces');
    mkdirSync(d);
    writeFileSync(join(d, 'a.json'), JSON.stringify(gateway([])));
    symlinkSync('.', join(d, 'self1'));
    symlinkSync('.', join(d, 'self2'));
    symlinkSync('..', join(d, 'up'));
    symlinkSync('a.json', join(d, 'b.json'));
    const inputs = await readInputs([d]);
    assert.deepEqual(inputs.files, [{ path: join(d, 'a.json'), kind: 'X-Ray traces' }]);
    assert.deepEqual(inputs.errors, []);
    assert.equal(inputs.traces.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a trace the text report cannot draw costs its waterfall only: its numbers and the other traces are printed', () => {
  const good = parseTraceText(JSON.stringify(gateway([])), 'good.json').traces[0]!;
  const odd = parseTraceText(JSON.stringify(gateway([], '1-6553f100-dddddddddddddddddddddddd')), 'odd.json').traces[0]!;
  const { report, analyzed } = analyze({ traces: [good, odd], errors: [] });
  const traces = new Map(analyzed.map((a) => [a.trace.traceId, a.trace]));
  // Break the drawing only (the analysis is done): a span list that is not a list.
  traces.set(odd.traceId, { ...odd, spans: null as unknown as Trace['spans'] });
  const text = renderTextReport(report, { traces });
  assert.match(text, /^ {2}\(the waterfall of this trace could not be drawn: TypeError: /m);
  assert.match(text, /trace 1-6553f100-dddddddddddddddddddddddd · status 200/);
  assert.match(text, /trace 1-6553f100-0123456789abcdef01234567 · status 200/);
  assert.equal(text.match(/█ span/g)?.length, 1);
});
