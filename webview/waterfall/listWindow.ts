// Which rows a virtual list of fixed-height rows draws, in which slot of its pool, and where to
// scroll to show a row: pure functions of scroll position and size (Jaeger UI's Positions and
// ListView arithmetic), tested in Node; listView.ts applies them to the DOM.

/** Rows drawn beyond each edge of the viewport once scrolling may start. */
export const OVERSCAN = 8;

export interface WindowInput {
  /** Scroll position and viewport height, px. */
  top: number;
  height: number;
  rowHeight: number;
  count: number;
  /** Overscan rows (0 for the first paint). */
  overscan: number;
  /** The last scroll's direction (1 down, -1 up, 0 none yet) and whether it is still going. */
  direction: number;
  scrolling: boolean;
}

/**
 * The rows to draw, `[first, last)`. Overscan covers what an asynchronous (compositor) scroll
 * may reveal before the next render: while scrolling that is ahead of the movement only, so the
 * rows behind get one; once scrolling stops, both sides get the full overscan (react-window's rule).
 */
export function rowWindow(w: WindowInput): { first: number; last: number } {
  const over = w.overscan;
  const behind = w.scrolling ? Math.min(1, over) : over;
  const above = w.direction < 0 ? over : behind;
  const below = w.direction > 0 ? over : behind;
  const first = Math.max(0, Math.floor(w.top / w.rowHeight) - above);
  const last = Math.min(w.count, Math.ceil((w.top + w.height) / w.rowHeight) + below);
  return { first, last };
}

/**
 * The pool size for a window: a screen and its overscan from the start, so that the pool rarely
 * grows (a pool of another size maps rows to other slots, so growing it refills every row).
 */
export function poolSize(first: number, last: number, count: number, height: number, rowHeight: number): number {
  return Math.max(last - first, Math.min(count, Math.ceil(height / rowHeight) + 1 + 2 * OVERSCAN));
}

/**
 * The one row of `[first, first + size)` that lives in `slot`: row r lives in slot r mod size,
 * so a row that stays in view keeps its element and scrolling refills only the rows that came in.
 */
export function slotRow(slot: number, first: number, size: number): number {
  return first + ((((slot - first) % size) + size) % size);
}

/** Rows a Page Down moves: a screen less one, at least one. */
export function pageRows(height: number, rowHeight: number): number {
  return Math.max(1, Math.floor(height / rowHeight) - 1);
}

/** The scroll position that brings `row` fully into view, or null when it is in view already. */
export function scrollToShow(row: number, rowHeight: number, scrollTop: number, height: number): number | null {
  const top = row * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + height) return top + rowHeight - height;
  return null;
}
