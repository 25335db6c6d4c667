// How the hostile-input tests tell linear from quadratic without a fixed time budget: the same
// work on an input and on one 10× its size, in the same run, repeated until the smaller takes
// long enough to measure, each the fastest of three. Linear work takes about 10× as long,
// quadratic about 100×; above 35× the test fails.
import assert from 'node:assert/strict';

/** The smaller input must take at least this long (all repetitions together) to be measured. */
const MIN_MS = 5;
/** Above this ratio of times the work is not linear in the input. */
export const MAX_RATIO = 35;

function fastestOf3(run: () => void, reps: number): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
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
  // Twice the minimum, so that the measurement below (another fastest of three) stays above it.
  while (fastestOf3(() => work(small), reps) < 2 * MIN_MS && reps < 1 << 20) reps *= 2;
  const smallMs = fastestOf3(() => work(small), reps);
  const largeMs = fastestOf3(() => work(large), reps);
  const ratio = largeMs / smallMs;
  assert.ok(smallMs >= MIN_MS, `${label}: the smaller input took ${smallMs.toFixed(2)} ms, too little to measure`);
  assert.ok(ratio <= MAX_RATIO, `${label}: 10× the input took ${ratio.toFixed(1)}× the time (${smallMs.toFixed(1)} ms → ${largeMs.toFixed(1)} ms, ${reps} run(s) each): not linear`);
  if (process.env['HOSTILE_TIMES']) process.stderr.write(`[hostile] ${label}: ${smallMs.toFixed(1)} ms → ${largeMs.toFixed(1)} ms (×${ratio.toFixed(1)}, ${reps} run(s))\n`);
  return { smallMs, largeMs, ratio, reps };
}
