// Hostile inputs (test/unit/hostile/*.test.ts), each against an ordinary, well-formed input of
// about the same byte size or span count sent through the same entry point in the same run: the
// ratio says what the hostile shape costs beyond its size. Time is the median of 3 runs after a
// warm-up, a full collection before each; heap and RSS are read after a full collection before
// and after one more run whose result is still held (what the result keeps, and what the process
// had to take from the system for it). Inputs are built before the clock starts.
// The "before" figures are constants: earlier measurements, not made by this run.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogCollector } from '../src/ingest/logs';
import { compileAccessLogFormat } from '../src/ingest/accessLogs';
import { ExecutionLogParser } from '../src/ingest/executionLogs';
import { parseTraceText } from '../src/ingest/xray';
import { readInputs } from '../src/ingest/files';
import { analyze } from '../src/core/analyze';
import { renderTextReport } from '../src/core/textReport';
import { apiTrace, sequential } from '../test/builders/traceBuilder';
import { gateway, hex, markedTraceDocs, nested, sentApart, T0, TID } from '../test/builders/hostileTraces';

const collect = globalThis.gc;
if (!collect) throw new Error('run with node --expose-gc (npm run bench -- hostile)');
const gc: () => void = () => collect();

/** Commit the "before" figures were measured on, one process per input, before the fixes. */
const BEFORE_COMMIT = '65ce85d';
const BEFORE: Record<string, string> = {
  newlines: '165 s',
  tokens: '> 120 s (killed)',
  spaces: '17.9 s',
  name: 'out of memory at 3.25 GB (the 200 MB name)',
  nested1800: 'stack overflow, run lost',
  symlinks: '> 120 s (killed)',
  cycle: '113 s',
  routes: 'killed at 300 s / 12.8 GB',
  timeouts: '> 300 s',
};

// ---------------------------------------------------------------------------------------------
// Measuring

/** Each timed run repeats the work until it takes about this long (each input its own count). */
const MIN_RUN_MS = 40;
const MAX_REPS = 1 << 16;

interface Pair<T> {
  hostile: T;
  ordinary: T;
  /** What the ordinary input is, for the line printed. */
  ordinaryIs: string;
}

/** Results of the memory runs, held here until their heap is read (a local the code no longer reads may be collected). */
const held: unknown[] = [];

async function timeOnce(work: () => unknown, reps: number): Promise<number> {
  gc();
  const t = performance.now();
  for (let r = 0; r < reps; r++) await work();
  return (performance.now() - t) / reps;
}

interface First {
  ms: number;
  heap: number;
  rss: number;
  result: unknown;
}

/** The first run (it is also the warm-up): its time, and what its result holds after a full collection. */
async function firstRun(work: () => unknown): Promise<First> {
  gc();
  const m0 = process.memoryUsage();
  const t = performance.now();
  held.push(await work());
  const ms = performance.now() - t;
  gc();
  const m1 = process.memoryUsage();
  const result = held.pop();
  return { ms, heap: m1.heapUsed - m0.heapUsed, rss: m1.rss - m0.rss, result };
}

/** Repetitions that make one timed run last MIN_RUN_MS, from a time per call. */
async function repsFor(work: () => unknown, firstMs: number): Promise<number> {
  let reps = 1;
  let per = firstMs;
  // The first run was cold (JIT): ask again once warm, when it looks short.
  if (per < MIN_RUN_MS) per = await timeOnce(work, Math.max(1, Math.min(MAX_REPS, Math.ceil(MIN_RUN_MS / Math.max(per, 1e-3) / 4))));
  while (per * reps < MIN_RUN_MS && reps < MAX_REPS) reps *= 2;
  return reps;
}

const mb = (b: number): string => `${b >= 0 ? '+' : '−'}${(Math.abs(b) / 1e6).toFixed(1)} MB`;
const ms = (x: number): string => (x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(1)} ms` : `${x.toFixed(3)} ms`);
const ratioOf = (r: number): string => `${r >= 0.1 ? r.toFixed(2) : r.toPrecision(2)}×`;
const size = (s: string | string[]): string => {
  const n = typeof s === 'string' ? s.length : s.reduce((a, l) => a + l.length, 0);
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(0)} KB`;
};

const started = performance.now();
const summary: { label: string; ratio: number }[] = [];

/**
 * Times `work` on both inputs of `make()` and prints its lines: a first run of each (warm-up and
 * memory), then three rounds taking the two in turn, so a busy spell of the machine slows both.
 */
async function run<T, R>(label: string, key: string | undefined, make: () => Pair<T>, work: (input: T) => R | Promise<R>, note?: string | ((hostile: T, h: R, o: R, hostileMs: number) => string | Promise<string>)): Promise<void> {
  let pair: Pair<T> | null = make();
  const { hostile, ordinary, ordinaryIs } = pair;
  pair = null;
  const oWork = (): unknown => work(ordinary);
  const hWork = (): unknown => work(hostile);
  const o1 = await firstRun(oWork);
  const h1 = await firstRun(hWork);
  const oReps = await repsFor(oWork, o1.ms);
  const hReps = await repsFor(hWork, h1.ms);
  // A short input: one call was not enough to warm it up; one untimed run of the timed size more.
  if (oReps > 1) await timeOnce(oWork, oReps);
  if (hReps > 1) await timeOnce(hWork, hReps);
  const oRuns: number[] = [];
  const hRuns: number[] = [];
  for (let k = 0; k < 3; k++) {
    oRuns.push(await timeOnce(oWork, oReps));
    hRuns.push(await timeOnce(hWork, hReps));
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[1]!;
  const o = median(oRuns);
  const h = median(hRuns);
  const ratio = h / o;
  summary.push({ label, ratio });
  const reps = (n: number): string => (n > 1 ? `, ${n} calls a timed run` : '');
  console.log(`${label}:`);
  console.log(`  ${ms(h)}${reps(hReps)}: ${ratioOf(ratio)} the ordinary input of the same size (${ms(o)}${reps(oReps)}; ${ordinaryIs})`);
  console.log(`  heap ${mb(h1.heap)}, rss ${mb(h1.rss)} (ordinary: heap ${mb(o1.heap)}, rss ${mb(o1.rss)})`);
  if (key) console.log(`  before (${BEFORE_COMMIT}, an earlier measurement, not this run): ${BEFORE[key]}`);
  if (typeof note === 'string') console.log(`  ${note}`);
  else if (note) console.log(`  ${await note(hostile, h1.result as R, o1.result as R, h)}`);
}

// ---------------------------------------------------------------------------------------------
// Builders (the deep and marked traces are test/builders/hostileTraces.ts, shared with test/unit/hostile/)

const UUID = '8a4f3c2e-1b2d-4e5f-8a9b-0c1d2e3f4a5b';

function subFields(i: number, prefix: string): string {
  return `"id":"${hex(i + 10)}","name":"${prefix}${i}","start_time":${T0 + 0.001},"end_time":${T0 + 1}`;
}

/** The ordinary shape of the same span count: `n` subsegments side by side in the gateway. */
function flat(n: number): string {
  const inner: string[] = [];
  for (let i = 1; i <= n; i++) inner.push(`{${subFields(i, 'level')}}`);
  return JSON.stringify(gateway([])).replace('"subsegments":[]', `"subsegments":[${inner.join(',')}]`);
}

/** Parse → analyze → text report; all three are returned, so the heap figure counts what they hold. */
function reportOf(text: string): { parsed: ReturnType<typeof parseTraceText>; analysis: ReturnType<typeof analyze>; text: string } {
  const parsed = parseTraceText(text, 'bench.json');
  const analysis = analyze(parsed);
  const traces = new Map(analysis.analyzed.map((a) => [a.trace.traceId, a.trace]));
  return { parsed, analysis, text: renderTextReport(analysis.report, { traces }) };
}

/** Ordinary API Gateway → Lambda traces as NDJSON, about `bytes` long. */
function ordinaryTraces(bytes: number): string {
  const lines: string[] = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const t =
      i % 10 === 0
        ? apiTrace({ status: 504, gatewayEnd: 29_010, functionEnd: 33_000, calls: sequential(6, 4_000, 1_000, { name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders' }) })
        : apiTrace({ gatewayEnd: 180, calls: [{ name: 'DynamoDB', namespace: 'aws', operation: 'Query', table: 'orders', start: 20, end: 120 }] });
    for (const d of t.docs) {
      const l = JSON.stringify(d);
      lines.push(l);
      n += l.length + 1;
    }
  }
  return lines.join('\n');
}

function reportLine(i: number, timeout: boolean): string {
  const id = `${hex(i).slice(0, 8)}-1b2d-4e5f-8a9b-${hex(i).slice(4)}`;
  return timeout
    ? `REPORT RequestId: ${id}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tStatus: timeout`
    : `REPORT RequestId: ${id}\tDuration: ${(100 + (i % 900)).toFixed(2)} ms\tBilled Duration: ${101 + (i % 900)} ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\t`;
}

/** Log lines → LogCollector → analyze → text report; the analysis and the text are returned. */
function logReport(lines: string[], logGroup?: string): { analysis: ReturnType<typeof analyze>; text: string } {
  const c = new LogCollector();
  for (let i = 0; i < lines.length; i++) c.push(lines[i]!, { where: `a#${i}`, logGroup });
  const analysis = analyze({ traces: [], ...c.finish() });
  return { analysis, text: renderTextReport(analysis.report) };
}

/** As many lines of `line(i)` as make about `bytes`. */
function linesOf(bytes: number, line: (i: number) => string): string[] {
  const out: string[] = [];
  for (let n = 0, i = 0; n < bytes; i++) {
    const l = line(i);
    out.push(l);
    n += l.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

console.log('Hostile inputs, each beside an ordinary input of about the same size through the same entry point, in this run.');
console.log('The ratio is hostile time / ordinary time: ≈1× means the hostile input costs what an ordinary one of its size');
console.log('does (below 1× it is cheaper: mostly skipped, or one big value). heap and rss: what the first run adds, read after');
console.log('a full collection, with its result (the analysis and the report) still held. Time: median of 3 after a warm-up.');
console.log(`"before" lines: earlier measurements on commit ${BEFORE_COMMIT} (before the fixes), one process per input,`);
console.log('quoted from a constant table, NOT measured by this run.\n');

await run(
  'one CloudWatch event "REPORT RequestId: x" + 262 000 newlines + "x" (LogCollector)',
  'newlines',
  () => {
    const hostile = [`REPORT RequestId: x${'\n'.repeat(262_000)}x\n`];
    const ordinary = linesOf(hostile[0]!.length, (i) => `${reportLine(i, false)}\n`);
    return { hostile, ordinary, ordinaryIs: `${ordinary.length} well-formed REPORT events, ${size(ordinary)}` };
  },
  (events) => {
    const c = new LogCollector();
    for (const e of events) c.push(e, { where: 'events', logGroup: '/aws/lambda/orders' });
    return c.finish();
  },
);

const SPACED = '$context.requestId $context.status $context.httpMethod $context.resourcePath $context.protocol $context.responseLength $context.requestTime $context.integrationLatency END';
await run(
  'a 400-token line that does not match an 8-field --access-log-format',
  'tokens',
  () => {
    const hostile = Array.from({ length: 400 }, (_, i) => `t${i}`).join(' ');
    const frame = (path: string): string => `r1 504 GET /reports/${path} HTTP/1.1 0 24/Nov/2026:12:00:00 29000 END`;
    const ordinary = frame('v'.repeat(hostile.length - frame('').length));
    return { hostile, ordinary, ordinaryIs: `a matching line of the same ${ordinary.length} characters` };
  },
  (() => {
    const match = compileAccessLogFormat(SPACED);
    return (line: string) => match(line);
  })(),
);

await run(
  'an execution-log line with 100 000 spaces',
  'spaces',
  () => {
    const hostile = `(${UUID})${' '.repeat(100_000)}x\ny`;
    const head = `(${UUID}) Endpoint response body before transformations: `;
    const ordinary = head + 'x'.repeat(hostile.length - head.length);
    return { hostile, ordinary, ordinaryIs: `an ordinary execution-log line of the same ${ordinary.length} characters` };
  },
  (line) => new ExecutionLogParser().push(line, 'e'),
);

await run(
  'a span named with 20 MB of text (parse → analyze → text report)',
  'name',
  () => {
    const hostile = apiTrace({ api: `${'x'.repeat(20_000_000)}/prod`, status: 504, gatewayEnd: 29_010, functionEnd: 33_000, calls: [{ name: 'DynamoDB', namespace: 'aws', operation: 'Query', start: 20, end: 32_000 }] })
      .docs.map((d) => JSON.stringify(d))
      .join('\n');
    const ordinary = ordinaryTraces(hostile.length);
    return { hostile, ordinary, ordinaryIs: `${size(ordinary)} of ordinary traces, NDJSON` };
  },
  reportOf,
  'the unit test reads a 200 MB name; 20 MB keeps this bench light.',
);

await run(
  'subsegments nested 1 800 deep (parse → analyze → text report)',
  'nested1800',
  () => ({ hostile: nested(1_800), ordinary: flat(1_800), ordinaryIs: '1 800 subsegments side by side' }),
  reportOf,
);

await run(
  'subsegments nested 100 000 deep (parse → analyze → text report)',
  undefined,
  () => ({ hostile: nested(100_000), ordinary: flat(100_000), ordinaryIs: '100 000 subsegments side by side' }),
  reportOf,
);

await run(
  'a parent chain 100 000 long, subsegments sent apart (parse → analyze → text report)',
  undefined,
  () => ({ hostile: sentApart(100_000, true), ordinary: sentApart(100_000, false), ordinaryIs: '100 000 subsegments sent apart, all children of the gateway' }),
  reportOf,
);

await run(
  'arrays nested 1 000 000 deep around a segment (parseTraceText)',
  undefined,
  () => {
    const depth = 1_000_000;
    const hostile = `${'['.repeat(depth)}${JSON.stringify(gateway([]))},1${']'.repeat(depth)}`;
    const docs = sentApart(Math.ceil(hostile.length / 150), false).split('\n');
    const ordinary = `[${docs.join(',')}]`;
    return { hostile, ordinary, ordinaryIs: `a JSON array of ${docs.length} segment documents, ${size(ordinary)}` };
  },
  (text) => parseTraceText(text, 'arrays.json'),
  (text, _h, _o, hostileMs) => {
    gc();
    const t = performance.now();
    JSON.parse(text);
    const parse = performance.now() - t;
    return `why: JSON.parse alone of the nested text takes ${ms(parse)} (one run), ${Math.round((parse / hostileMs) * 100)}% of the time above: V8 building a million arrays, before the engine sees a value.`;
  },
);

await run(
  'metadata, sql and an aws field nested 100 000 deep (parseTraceText)',
  undefined,
  () => {
    const segment = (value: string): string =>
      `{"id":"0000000000000001","trace_id":"${TID}","name":"orders-api/prod","origin":"AWS::ApiGateway::Stage",` +
      `"start_time":${T0},"end_time":${T0 + 2},` +
      `"http":{"request":{"method":"GET","url":"https://api.example.com/prod/orders"},"response":{"status":200}},` +
      `"metadata":{"default":${value}},"sql":{"url":"db","plan":${value}},"aws":{"request_id":"r-1","custom":${value}}}`;
    const depth = 100_000;
    const deep = '{"k":'.repeat(depth - 1) + '{"k":1}' + '}'.repeat(depth - 1);
    // The same bytes, two levels deep: a list of small records.
    const wide = `[${Array.from({ length: Math.round(deep.length / 8) }, () => '{"k":1}').join(',')}]`;
    return { hostile: segment(deep), ordinary: segment(wide), ordinaryIs: `the same segment with values as long, two levels deep (${size(segment(wide))})` };
  },
  (text) => parseTraceText(text, 'deep.json'),
);

await run(
  'a parent cycle with 50 000 children (parseTraceText)',
  'cycle',
  () => {
    const text = (cycle: boolean): string => {
      const lines = [
        JSON.stringify({ id: hex(1), trace_id: TID, name: 'api/prod', origin: 'AWS::ApiGateway::Stage', start_time: T0, end_time: T0 + 2 }),
        JSON.stringify({ type: 'subsegment', id: hex(2), parent_id: cycle ? hex(3) : hex(1), trace_id: TID, name: 'P', start_time: T0 + 1, end_time: T0 + 2 }),
        JSON.stringify({ type: 'subsegment', id: hex(3), parent_id: hex(2), trace_id: TID, name: 'Q', start_time: T0 + 1.5, end_time: T0 + 2 }),
      ];
      for (let i = 0; i < 50_000; i++) lines.push(JSON.stringify({ type: 'subsegment', id: hex(i + 10), parent_id: hex(2), trace_id: TID, name: `child${i}`, start_time: T0 + 0.5, end_time: T0 + 0.6 }));
      return lines.join('\n');
    };
    return { hostile: text(true), ordinary: text(false), ordinaryIs: 'the same 50 000 children under a parent that is no cycle' };
  },
  (text) => parseTraceText(text, 'cycle.ndjson'),
);

await run(
  '50 000 routes with a 504 each (LogCollector → analyze → text report)',
  'routes',
  () => {
    const line = (i: number, hostile: boolean): string =>
      JSON.stringify({
        requestId: `r${i}`,
        httpMethod: 'GET',
        resourcePath: hostile ? `/route/${i}` : ['/orders/{id}', '/orders', '/reports'][i % 3],
        status: hostile || i % 50 === 0 ? 504 : 200,
        responseLatency: hostile || i % 50 === 0 ? 29_000 : 100 + (i % 900),
        integrationLatency: hostile || i % 50 === 0 ? -1 : 90 + (i % 900),
        requestTimeEpoch: 1_764_000_000 + i,
      });
    const hostile = Array.from({ length: 50_000 }, (_, i) => line(i, true));
    const ordinary = Array.from({ length: 50_000 }, (_, i) => line(i, false));
    return { hostile, ordinary, ordinaryIs: `50 000 access-log lines on 3 routes, 2% of them 504s, ${size(ordinary)}` };
  },
  (lines) => logReport(lines),
  (_, h, o) =>
    `why: the text report prints a finding and an endpoint row for every route with a 504: ${h.analysis.report.findings.length} findings, ` +
    `${size(h.text)} of text (the ordinary log: ${o.analysis.report.findings.length} findings, ${size(o.text)}).`,
);

await run(
  '100 000 timeouts of one function (LogCollector → analyze → text report)',
  'timeouts',
  () => {
    const hostile = Array.from({ length: 100_000 }, (_, i) => reportLine(i, true));
    const ordinary = Array.from({ length: 100_000 }, (_, i) => reportLine(i, false));
    return { hostile, ordinary, ordinaryIs: `100 000 REPORT lines of one function, none timed out, ${size(ordinary)}` };
  },
  (lines) => logReport(lines, '/aws/lambda/orders'),
);

const tmp = mkdtempSync(join(tmpdir(), 'hostile-bench-'));
try {
  await run(
    'a folder with two self-symlinks and one link to its parent (readInputs)',
    'symlinks',
    () => {
      const folder = (name: string, links: boolean): string => {
        const d = join(tmp, name, 'traces');
        mkdirSync(d, { recursive: true });
        writeFileSync(join(d, 'a.json'), JSON.stringify(gateway([])));
        if (links) {
          symlinkSync('.', join(d, 'self1'));
          symlinkSync('.', join(d, 'self2'));
          symlinkSync('..', join(d, 'up'));
        }
        return d;
      };
      return { hostile: folder('links', true), ordinary: folder('plain', false), ordinaryIs: 'the same folder without the links' };
    },
    (dir) => readInputs([dir]),
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

{
  const OSC = '\u001b]0;pwned\u0007\u001b]52;c;cm0gLXJmIH4=\u0007';
  const EVIL = `fn${OSC}\u001b[2J\u001b[H\u009b31m\u009d0;x\u009c\u0085\u202egnp.exe\u202c\u2066\u2069\u200e\u200f\u061c\ttab\r\nline\u0000`;
  /** terminal.test.ts's 504, every name, URL, operation and message carrying `mark`. */
  const trace = (mark: string): string => markedTraceDocs(mark).map((d) => JSON.stringify(d)).join('\n');
  await run(
    'names with C0/C1/bidi/OSC characters (parse → analyze → text report)',
    undefined,
    () => ({ hostile: trace(EVIL), ordinary: trace('x'.repeat(EVIL.length)), ordinaryIs: 'the same trace, its names as long in plain letters' }),
    reportOf,
  );
}

const worst = summary.reduce((a, b) => (b.ratio > a.ratio ? b : a));
const cpu = process.cpuUsage();
console.log(`\nworst ratio: ${ratioOf(worst.ratio)} (${worst.label}).`);
// Wall time well above the CPU time: other work on the machine shared the cores (both inputs of a
// pair were timed in turn, so their ratio suffers less than their milliseconds).
console.log(`the whole bench took ${((performance.now() - started) / 1000).toFixed(0)} s, ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s of CPU.`);
