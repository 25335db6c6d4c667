// Reading a snapshot's span columns in tests the way the webview reads them (webview/waterfall/
// spans.ts), so assertions name spans instead of column indices.
import type { WaterfallSnapshot } from '../../src/protocol';
import { SpanTable } from '../../webview/waterfall/spans';

export function table(snap: WaterfallSnapshot): SpanTable {
  return new SpanTable(snap.spans);
}

/** Span names in snapshot order. */
export function names(snap: WaterfallSnapshot): string[] {
  const t = table(snap);
  return Array.from({ length: t.count }, (_, i) => t.name(i));
}

/** Index of the `nth` span called `name` (or satisfying `pred`), -1 when none. */
export function indexOf(snap: WaterfallSnapshot, name: string | ((t: SpanTable, i: number) => boolean), nth = 0): number {
  const t = table(snap);
  let seen = 0;
  for (let i = 0; i < t.count; i++) {
    if (typeof name === 'string' ? t.name(i) === name : name(t, i)) {
      if (seen === nth) return i;
      seen++;
    }
  }
  return -1;
}
