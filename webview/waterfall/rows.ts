// Rows from (spans, UI state): Jaeger's generateRowStates as a pure function. The spans are
// pre-order with contiguous subtrees (`subtreeEnd`), so hiding a collapsed subtree is one jump
// and the whole pass is O(spans) with no allocation per span beyond the output.
import type { SpanTable } from './spans';

export interface RowInput {
  /** Indices of collapsed spans. */
  collapsed: ReadonlySet<number>;
  /** Lower-cased filter text; empty = no filter. */
  filter: string;
}

/**
 * The visible rows, as span indices in display order.
 * - Without a filter: every span whose ancestors are all expanded.
 * - With a filter: every matching span plus its ancestors (so a match keeps its context);
 *   collapse still applies to non-matching branches, but a match inside a collapsed
 *   subtree is shown, since the user asked for it.
 */
export function visibleRows(spans: SpanTable, input: RowInput): Int32Array {
  const n = spans.count;
  const out = new Int32Array(n);
  let count = 0;
  if (input.filter === '') {
    if (input.collapsed.size === 0) {
      for (let i = 0; i < n; i++) out[i] = i;
      return out;
    }
    for (let i = 0; i < n; ) {
      out[count++] = i;
      i = input.collapsed.has(i) ? (spans.subtreeEnd[i] as number) : i + 1;
    }
    return out.subarray(0, count);
  }
  const keep = new Uint8Array(n);
  const parent = spans.parent;
  for (let i = 0; i < n; i++) {
    if (!spans.matches(i, input.filter)) continue;
    for (let p = i; p !== -1 && keep[p] === 0; p = parent[p] as number) keep[p] = 1;
  }
  for (let i = 0; i < n; i++) if (keep[i] === 1) out[count++] = i;
  return out.subarray(0, count);
}

/** Whether the span matches the filter (to mark matches among their shown ancestors). */
export function matchesFilter(spans: SpanTable, index: number, filter: string): boolean {
  return filter !== '' && spans.matches(index, filter);
}

/** Indices of the ancestors of `index`, nearest first. */
export function ancestorsOf(spans: SpanTable, index: number): number[] {
  const out: number[] = [];
  for (let p = spans.parent[index] as number; p !== -1; p = spans.parent[p] as number) out.push(p);
  return out;
}

/** Whether the span has children (pre-order: the next index is inside its subtree). */
export function hasChildren(spans: SpanTable, index: number): boolean {
  return spans.hasChildren(index);
}
