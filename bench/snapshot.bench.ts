// `npm run bench -- snapshot`: the host's buildWaterfall (src/ui/waterfallSnapshot.ts) on 100 000
// spans, against a plain pre-order walk of the same trace measured in the same run (a walk that
// reads each span's name and time: the least any snapshot build must do). Two shapes:
// - mixed: bigScenario (DynamoDB, S3 and HTTP calls alternating: no run of equal calls to group);
// - runs: the same count in runs of sequential DynamoDB GetItem calls (each with two steps), the
//   N+1 shape whose calls the waterfall groups into one row per run.
// Each figure is the fastest of 15 runs taken in turn with the walk's, after 3 warm-ups; the ratio to the walk is the number
// to compare between runs (the machine's load drifts).
import type { Span, Trace } from '../src/core/model';
import { buildWaterfall } from '../src/ui/waterfallSnapshot';
import { bigScenario, report, span, trace } from '../test/builders/modelBuilder';
import type { SpanSpec } from '../test/builders/modelBuilder';

const N = 100_000;
const gc = (globalThis as { gc?: () => void }).gc;

function runsScenario(n: number): { trace: Trace; report: ReturnType<typeof report> } {
  // stage, function, Invocation, then batches of 100 sequential calls, each call with two steps.
  const batches: SpanSpec[] = [];
  let made = 3;
  let t = 30;
  while (made < n) {
    made++;
    const calls: SpanSpec[] = [];
    const start = t;
    for (let k = 0; k < 100 && made < n; k++) {
      const s = t;
      const e = t + 3 + (k % 5);
      made++;
      const kids: SpanSpec[] = [];
      for (let c = 0; c < 2 && made < n; c++, made++) kids.push({ name: `step ${c}`, kind: 'custom', start: s + c, end: s + c + 1 });
      calls.push({ name: 'DynamoDB', kind: 'downstream', namespace: 'aws', aws: { operation: 'GetItem', tableName: 'items' }, start: s, end: e, children: kids });
      t = e + 0.5;
    }
    batches.push({ name: `batch ${batches.length}`, kind: 'custom', start, end: t, children: calls });
  }
  const stage = span({
    name: 'bulk-api/prod',
    kind: 'front-door',
    isSegment: true,
    start: 0,
    end: t + 40,
    children: [{ name: 'bulk-handler', kind: 'function', isSegment: true, start: 10, end: t + 30, children: [{ name: 'Invocation', kind: 'invocation', start: 20, end: t + 20, children: batches }] }],
  });
  return { trace: trace([stage]), report: report({ totalMs: t + 40 }) };
}

function walk(t: Trace): number {
  let acc = 0;
  const stack: Span[] = [...t.roots];
  while (stack.length > 0) {
    const s = stack.pop() as Span;
    acc += s.name.length + (s.endMs ?? s.startMs) - s.startMs;
    for (let k = s.children.length - 1; k >= 0; k--) stack.push(s.children[k] as Span);
  }
  return acc;
}

/** The fastest of 15 timed runs of each, after 3 warm-ups, taken in turn (so a burst of load hits both). */
function fastest(a: () => void, b: () => void): [number, number] {
  for (let i = 0; i < 3; i++) {
    a();
    b();
  }
  let ta = Infinity;
  let tb = Infinity;
  for (let i = 0; i < 15; i++) {
    // A collection left over from the last run is not this run's cost (bench.mjs runs with --expose-gc).
    gc?.();
    let t0 = performance.now();
    a();
    ta = Math.min(ta, performance.now() - t0);
    gc?.();
    t0 = performance.now();
    b();
    tb = Math.min(tb, performance.now() - t0);
  }
  return [ta, tb];
}

for (const [shape, scenario] of [
  ['mixed', bigScenario(N)],
  ['runs', runsScenario(N)],
] as const) {
  let rows = 0;
  let sink = 0;
  const [base, build] = fastest(
    () => {
      sink += walk(scenario.trace);
    },
    () => {
      rows = buildWaterfall(scenario.trace, scenario.report).snapshot.spans.count;
    },
  );
  console.log(
    `${shape.padEnd(5)} ${scenario.trace.spans.length} spans → ${rows} rows: buildWaterfall ${build.toFixed(1).padStart(6)} ms, walk ${base.toFixed(1).padStart(5)} ms, ratio ${(build / base).toFixed(1)}×${sink < 0 ? '' : ''}`,
  );
}
