// How the hostile-input tests tell linear from quadratic without a fixed time budget: the same
// work on an input and on one 10× its size, in the same run, repeated until the smaller takes
// long enough to measure. Linear work takes about 10× as long (a whole pipeline up to about 30×
// on a big input, where the heap and the caches grow too), quadratic about 100×; above 45× the
// test fails. The two sizes are run in turn, five times each, and each keeps its fastest run,
// after a full garbage collection: a busy spell of the machine slows both alike, or only the runs
// that are then not the fastest. A ratio over the limit is measured twice more before the test
// fails: a busy machine can slow one measurement, never three in a row by 45×, while quadratic
// work is 100× every time.
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The smaller input must take at least this long (all repetitions together) to be measured. */
const MIN_MS = 5;
/** Above this ratio of times the work is not linear in the input. */
export const MAX_RATIO = 45;
/** Runs of each size; each size keeps its fastest. */
const RUNS = 5;

let gcFn: (() => void) | undefined;
/** A full collection (`--expose-gc` turned on at run time, as node:test gives no flags per file). */
export function collectGarbage(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
}

function timed(run: () => void, reps: number): number {
  collectGarbage();
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) run();
  return performance.now() - t0;
}

/** The fastest of RUNS runs of each, the two taken in turn. */
function fastestInTurn(a: () => void, b: () => void, reps: number): [number, number] {
  let bestA = Infinity;
  let bestB = Infinity;
  for (let k = 0; k < RUNS; k++) {
    bestA = Math.min(bestA, timed(a, reps));
    bestB = Math.min(bestB, timed(b, reps));
  }
  return [bestA, bestB];
}

function fastestOf3(run: () => void, reps: number): number {
  return Math.min(timed(run, reps), timed(run, reps), timed(run, reps));
}

export interface Measured {
  smallMs: number;
  largeMs: number;
  ratio: number;
  reps: number;
}

/**
 * Runs `work` on `make(n)` and on `make(10 n)` and asserts the time grows at most MAX_RATIO
 * times. The inputs are made before the clock starts.
 */
export function assertLinear<T>(label: string, make: (n: number) => T, work: (input: T) => void, n: number): Measured {
  const small = make(n);
  const large = make(10 * n);
  work(small); // warm up (JIT), and fail here rather than in a timing loop when it throws
  let reps = 1;
  // Four times the minimum: the measurement below (the fastest of five) stays above it,
  // and a run that long is less at the mercy of one pause.
  while (fastestOf3(() => work(small), reps) < 4 * MIN_MS && reps < 1 << 20) reps *= 2;
  const measure = (): Measured => {
    const [smallMs, largeMs] = fastestInTurn(() => work(small), () => work(large), reps);
    return { smallMs, largeMs, ratio: largeMs / smallMs, reps };
  };
  let m = measure();
  // Too quick to tell (a fast run of the scaling loop above): more repetitions.
  for (let tries = 0; m.smallMs < MIN_MS && tries < 4; tries++) {
    reps *= 2;
    m = measure();
  }
  for (let again = 0; m.ratio > MAX_RATIO && again < 2; again++) m = measure();
  const { smallMs, largeMs, ratio } = m;
  if (process.env['HOSTILE_TIMES']) process.stderr.write(`[hostile] ${label}: ${smallMs.toFixed(1)} ms → ${largeMs.toFixed(1)} ms (×${ratio.toFixed(1)}, ${reps} run(s))\n`);
  assert.ok(smallMs >= MIN_MS, `${label}: the smaller input took ${smallMs.toFixed(2)} ms, too little to measure`);
  assert.ok(ratio <= MAX_RATIO, `${label}: 10× the input took ${ratio.toFixed(1)}× the time (${smallMs.toFixed(1)} ms → ${largeMs.toFixed(1)} ms, ${reps} run(s) each): not linear`);
  return m;
}
