// Rows from (spans, UI state): Jaeger's generateRowStates as a pure function. The spans are
// pre-order with contiguous subtrees (`subtreeEnd`), so hiding a collapsed subtree is one jump
// and the whole pass is O(spans) with no allocation per span beyond the output.
import type { SnapshotSpan } from '../../src/protocol';

export interface RowInput {
  /** Indices of collapsed spans. */
  collapsed: ReadonlySet<number>;
  /** Lower-cased filter text; empty = no filter. */
  filter: string;
}

/** What a span's text is matched against by the filter box. */
export function spanSearchText(s: SnapshotSpan): string {
  const parts = [s.name, s.origin ?? '', s.aws?.operation ?? '', s.aws?.tableName ?? '', s.http?.url ?? ''];
  return parts.join('\u0000').toLowerCase();
}

// Search texts are built once per snapshot (the spans array), not on every keystroke.
const searchCache = new WeakMap<readonly SnapshotSpan[], string[]>();

function searchTexts(spans: readonly SnapshotSpan[]): string[] {
  let texts = searchCache.get(spans);
  if (!texts) {
    texts = spans.map(spanSearchText);
    searchCache.set(spans, texts);
  }
  return texts;
}

/**
 * The visible rows, as span indices in display order.
 * - Without a filter: every span whose ancestors are all expanded.
 * - With a filter: every matching span plus its ancestors (so a match keeps its context);
 *   collapse still applies to non-matching branches, but a match inside a collapsed
 *   subtree is shown, since the user asked for it.
 */
export function visibleRows(spans: readonly SnapshotSpan[], input: RowInput): Int32Array {
  const n = spans.length;
  const out = new Int32Array(n);
  let count = 0;
  if (input.filter === '') {
    for (let i = 0; i < n; ) {
      out[count++] = i;
      i = input.collapsed.has(i) ? (spans[i] as SnapshotSpan).subtreeEnd : i + 1;
    }
    return out.subarray(0, count);
  }
  const keep = new Uint8Array(n);
  const texts = searchTexts(spans);
  for (let i = 0; i < n; i++) {
    if (!(texts[i] as string).includes(input.filter)) continue;
    for (let p = i; p !== -1 && keep[p] === 0; p = (spans[p] as SnapshotSpan).parent) keep[p] = 1;
  }
  for (let i = 0; i < n; i++) if (keep[i] === 1) out[count++] = i;
  return out.subarray(0, count);
}

/** Whether the span matches the filter (to mark matches among their shown ancestors). */
export function matchesFilter(s: SnapshotSpan, filter: string): boolean {
  return filter !== '' && spanSearchText(s).includes(filter);
}

/** Indices of the ancestors of `index`, nearest first. */
export function ancestorsOf(spans: readonly SnapshotSpan[], index: number): number[] {
  const out: number[] = [];
  for (let p = (spans[index] as SnapshotSpan).parent; p !== -1; p = (spans[p] as SnapshotSpan).parent) out.push(p);
  return out;
}

/** Whether the span has children (pre-order: the next index is inside its subtree). */
export function hasChildren(s: SnapshotSpan, index: number): boolean {
  return s.subtreeEnd > index + 1;
}
