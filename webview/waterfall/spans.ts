// The snapshot's span columns (src/protocol.ts SnapshotSpans) with what the webview derives
// from them: each span's parent and subtree end, from the pre-order depths, in typed arrays (no
// object per span). They are made on first use, not before the first paint: drawing the first
// screen needs neither (whether a span has children is whether the next span is deeper).
// Pure data, no DOM: the row logic and its unit tests use it as they are.
import { SpanFlag } from '../../src/protocol';
import type { SnapshotSpans, SpanStyle } from '../../src/protocol';

/** What the details pane knows of a span without asking the host. */
export interface SpanSummary {
  name: string;
  style: SpanStyle;
  startMs: number;
  /** null while in progress */
  endMs: number | null;
}

export class SpanTable {
  readonly count: number;
  private parents: Int32Array | null = null;
  private ends: Int32Array | null = null;
  /** `strings` lower-cased, made on the first filter. */
  private lower: string[] | null = null;
  private matchFilter = '';
  /** For `matchFilter`: 1 where a string of the table contains it. */
  private matchStrings: Uint8Array | null = null;

  constructor(readonly cols: SnapshotSpans) {
    this.count = cols.count;
  }

  /** Index of each span's parent, -1 for a root. */
  get parent(): Int32Array {
    if (!this.parents) this.link();
    return this.parents as Int32Array;
  }

  /** One past each span's last descendant: the subtree of `i` is `[i + 1, subtreeEnd[i])`. */
  get subtreeEnd(): Int32Array {
    if (!this.ends) this.link();
    return this.ends as Int32Array;
  }

  private link(): void {
    const n = this.count;
    const parent = new Int32Array(n);
    const end = new Int32Array(n);
    // The open ancestors of the current span, by depth: pre-order makes the nearest earlier
    // span one level up the parent, and a span at depth d closes every open subtree at d or deeper.
    const chain: number[] = [];
    const depth = this.cols.depth;
    for (let i = 0; i < n; i++) {
      const d = Math.min(depth[i] as number, chain.length);
      while (chain.length > d) end[chain.pop() as number] = i;
      parent[i] = d > 0 ? (chain[d - 1] as number) : -1;
      chain.push(i);
    }
    while (chain.length > 0) end[chain.pop() as number] = n;
    this.parents = parent;
    this.ends = end;
  }

  name(i: number): string {
    return this.cols.strings[this.cols.name[i] as number] as string;
  }

  style(i: number): SpanStyle {
    return this.cols.styles[this.cols.style[i] as number] as SpanStyle;
  }

  flags(i: number): number {
    return this.style(i).flags;
  }

  depth(i: number): number {
    return this.cols.depth[i] as number;
  }

  startMs(i: number): number {
    return this.cols.startMs[i] as number;
  }

  /** null while the span is in progress. */
  endMs(i: number): number | null {
    return this.flags(i) & SpanFlag.inProgress ? null : (this.cols.endMs[i] as number);
  }

  /** Whether row `i` is a group row (a run of sequential calls, not a span). */
  isGroup(i: number): boolean {
    return (this.flags(i) & SpanFlag.group) !== 0;
  }

  sub(i: number): string {
    return this.cols.strings[this.cols.sub[i] as number] as string;
  }

  /** Pre-order: a span has children when the next span is deeper (the host writes depths so). */
  hasChildren(i: number): boolean {
    return i + 1 < this.count && (this.cols.depth[i + 1] as number) > (this.cols.depth[i] as number);
  }

  summary(i: number): SpanSummary {
    return { name: this.name(i), style: this.style(i), startMs: this.startMs(i), endMs: this.endMs(i) };
  }

  /** What a span's text is matched against by the filter box (name, origin, operation, table, URL). */
  searchText(i: number): string {
    return `${this.name(i)}\u0000${this.cols.strings[this.cols.search[i] as number] as string}`.toLowerCase();
  }

  /**
   * Whether span `i` matches the lower-cased, non-empty `filter`: `searchText(i).includes(filter)`.
   * A filter without U+0000 cannot match across the separators, so each distinct string is tested
   * once per filter and a span is a lookup of its name and search strings.
   */
  matches(i: number, filter: string): boolean {
    if (filter.includes('\u0000')) return this.searchText(i).includes(filter);
    const m = this.matchesFor(filter);
    return m[this.cols.name[i] as number] === 1 || m[this.cols.search[i] as number] === 1;
  }

  private matchesFor(filter: string): Uint8Array {
    if (this.matchStrings && this.matchFilter === filter) return this.matchStrings;
    this.lower ??= this.cols.strings.map((s) => s.toLowerCase());
    const m = new Uint8Array(this.lower.length);
    for (let k = 0; k < this.lower.length; k++) if ((this.lower[k] as string).includes(filter)) m[k] = 1;
    this.matchFilter = filter;
    this.matchStrings = m;
    return m;
  }
}
