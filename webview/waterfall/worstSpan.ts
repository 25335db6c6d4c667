// Which span is "the worst" of a trace: where the `w` key goes, and what a first focus on the
// span list selects when nothing is selected yet. A pure function of the spans, the spans the findings
// name and the cut, so its rule is tested in Node and written down once, here.
import type { SpanTable } from './spans';

/**
 * The worst span's index (-1 without spans): the longest piece of work a finding points at —
 * where the time went, not the box it went in.
 *
 * A piece of work is a span below a root that holds no other work: a downstream call, unless
 * another service's segments hang under it (the gateway's Lambda call holds the function); any
 * other span when its children, if any, are all inferred. So a DynamoDB call is one piece with
 * its table's inferred segment and its own steps; the function segment and the Invocation hold
 * other work and are not pieces; an inferred span is not one itself, its call is. A group row (a
 * run of sequential calls) holds only calls, so it is one piece too, as long as the run: a finding
 * about the run names the group row (the host maps its calls to it), and the group is picked.
 * 1. Of the pieces some finding names: the longest.
 * 2. Else of all pieces: the longest.
 * 3. Else the longest span below a root; else the first span.
 * Ties: the one that ends after the cut, then the first in the waterfall. A span in progress
 * counts as running to `traceEndMs`.
 */
/** Span kinds that start another service's part of the trace. */
const SERVICE_KINDS: ReadonlySet<string> = new Set(['front-door', 'lambda-service', 'function']);

export function worstSpan(
  spans: SpanTable,
  findingSpans: readonly (readonly number[])[],
  cutAtMs: number | null,
  traceEndMs: number,
): number {
  const n = spans.count;
  if (n === 0) return -1;
  const end = (i: number): number => spans.endMs(i) ?? traceEndMs;
  const duration = (i: number): number => end(i) - spans.startMs(i);
  const afterCut = (i: number): boolean => cutAtMs !== null && end(i) > cutAtMs;
  /** Whether `a` beats `b`: longer, then ending after the cut, then earlier. */
  const beats = (a: number, b: number): boolean => {
    const la = duration(a);
    const lb = duration(b);
    if (la !== lb) return la > lb;
    if (afterCut(a) !== afterCut(b)) return afterCut(a);
    return a < b;
  };
  // One pass over the children: which spans hold other work.
  const parent = spans.parent;
  const holds = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = parent[i] as number;
    if (p < 0) continue;
    const child = spans.style(i);
    if (child.role === 'inferred') continue;
    const role = spans.style(p).role;
    const call = role === 'downstreamAws' || role === 'downstreamRemote';
    if (!call || SERVICE_KINDS.has(child.kind)) holds[p] = 1;
  }
  const isPiece = (i: number): boolean => spans.depth(i) > 0 && holds[i] === 0 && spans.style(i).role !== 'inferred';

  let named = -1;
  for (const ids of findingSpans) {
    for (const i of ids) {
      if (!Number.isInteger(i) || i < 0 || i >= n || !isPiece(i)) continue;
      if (named < 0 || beats(i, named)) named = i;
    }
  }
  if (named >= 0) return named;
  let piece = -1;
  let below = -1;
  for (let i = 0; i < n; i++) {
    if (spans.depth(i) === 0) continue;
    if (below < 0 || beats(i, below)) below = i;
    if (isPiece(i) && (piece < 0 || beats(i, piece))) piece = i;
  }
  if (piece >= 0) return piece;
  return below >= 0 ? below : 0;
}
