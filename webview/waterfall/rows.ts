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

/**
 * The rows on show: the span of each row and the row of each span. `rows` null means every span
 * in order (nothing collapsed or filtered, as when a trace opens: then there is nothing to
 * compute before the first paint).
 */
export class RowOrder {
  readonly count: number;
  /** Row of each span (-1 when hidden), made when first asked for. */
  private rowOfSpan: Int32Array | null = null;

  constructor(
    private readonly spanCount: number,
    private readonly rows: Int32Array | null,
  ) {
    this.count = rows ? rows.length : spanCount;
  }

  /** The rows for (spans, UI state); `filter` as typed (it is matched lower-cased). */
  static of(spans: SpanTable, collapsed: ReadonlySet<number>, filter: string): RowOrder {
    const f = filter.toLowerCase();
    return new RowOrder(spans.count, collapsed.size === 0 && f === '' ? null : visibleRows(spans, { collapsed, filter: f }));
  }

  /** The span shown at row `r` (0 ≤ r < count). */
  spanAt(r: number): number {
    return this.rows ? (this.rows[r] as number) : r;
  }

  /** The row showing span `i`, -1 when it is hidden (collapsed away or filtered out). */
  rowOf(i: number): number {
    if (!this.rows) return i >= 0 && i < this.count ? i : -1;
    if (!this.rowOfSpan) {
      const rowOf = new Int32Array(this.spanCount).fill(-1);
      for (let r = 0; r < this.rows.length; r++) rowOf[this.rows[r] as number] = r;
      this.rowOfSpan = rowOf;
    }
    return this.rowOfSpan[i] ?? -1;
  }
}
