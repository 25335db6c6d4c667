// Which span is "the worst" of a trace: where the `w` key goes, and what a first focus on the
// span list selects when nothing is selected yet. A pure function of the spans, the findings and
// the cut, so its rule is tested in Node and written down once, here.
import type { Finding } from '../../src/protocol';
import type { SpanTable } from './spans';

/** Graver first; the report's own order breaks ties. */
const SEVERITY_ORDER: Readonly<Record<Finding['severity'], number>> = { high: 3, elevated: 2, info: 1 };

/**
 * The worst span's index, -1 without spans:
 * 1. of the most severe finding (ties: the first in the report) that names a span below a root,
 *    its spans below a root: the deepest (the call rather than the function that made it), then
 *    the longest, then the first in the waterfall. A root (the stage, the entry) is skipped: the
 *    summary says what it says.
 * 2. Without such a finding: the longest span below a root that ends after the cut.
 * 3. Else the longest span below a root; else the first span.
 * A span in progress counts as running to `traceEndMs`.
 */
export function worstSpan(
  spans: SpanTable,
  findings: readonly Finding[],
  findingSpans: readonly (readonly number[])[],
  cutAtMs: number | null,
  traceEndMs: number,
): number {
  const n = spans.count;
  if (n === 0) return -1;
  const duration = (i: number): number => (spans.endMs(i) ?? traceEndMs) - spans.startMs(i);
  /** Whether `a` beats `b` within a finding: deeper, then longer, then earlier. */
  const beats = (a: number, b: number): boolean => {
    const da = spans.depth(a);
    const db = spans.depth(b);
    if (da !== db) return da > db;
    const la = duration(a);
    const lb = duration(b);
    return la !== lb ? la > lb : a < b;
  };
  let best = -1;
  let bestRank = 0;
  findings.forEach((f, k) => {
    const rank = SEVERITY_ORDER[f.severity] ?? 0;
    if (rank <= bestRank) return;
    let pick = -1;
    for (const i of findingSpans[k] ?? []) {
      if (!Number.isInteger(i) || i < 0 || i >= n || spans.depth(i) === 0) continue;
      if (pick < 0 || beats(i, pick)) pick = i;
    }
    if (pick >= 0) {
      best = pick;
      bestRank = rank;
    }
  });
  if (best >= 0) return best;
  let longestAfterCut = -1;
  let longest = -1;
  for (let i = 0; i < n; i++) {
    if (spans.depth(i) === 0) continue;
    const d = duration(i);
    if (longest < 0 || d > duration(longest)) longest = i;
    const end = spans.endMs(i) ?? traceEndMs;
    if (cutAtMs !== null && end > cutAtMs && (longestAfterCut < 0 || d > duration(longestAfterCut))) longestAfterCut = i;
  }
  if (longestAfterCut >= 0) return longestAfterCut;
  return longest >= 0 ? longest : 0;
}
