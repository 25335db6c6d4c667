// Where a list key (keys.ts) takes the selection through the tree of rows, or the view along
// the time axis, and where the trace table's and the findings' keys take their roving focus:
// pure functions of the selection, the row order, the tree and the view, so the handlers only
// apply the answer.
import type { KeyAction } from './keys';
import { FULL_VIEW, panView, viewOf, zoomView } from './scale';
import type { Domain, View } from './scale';
import type { RowOrder } from './rows';
import type { SpanTable } from './spans';
import type { SortKey } from './uiState';

export interface TreeCursor {
  /** Selected span, -1 for none. */
  selected: number;
  order: RowOrder;
  spans: SpanTable;
  collapsed: ReadonlySet<number>;
  /** Rows a page moves. */
  pageRows: number;
}

export interface Move {
  /** Span to select. */
  select?: number;
  /** Span to collapse or expand. */
  toggle?: number;
  /** The key is left to the browser as well (not prevented). */
  pass?: boolean;
}

const NAVIGATION = new Set<KeyAction>(['next', 'previous', 'pageDown', 'pageUp', 'first', 'last', 'expandOrChild', 'collapseOrParent', 'toggle']);

/** Whether the action moves through the rows (the others act on the view). */
export function isNavigation(action: KeyAction): boolean {
  return NAVIGATION.has(action);
}

/** What a navigation action does from `c`; `{}` when it does nothing. */
export function navigate(action: KeyAction, c: TreeCursor): Move {
  const { order, spans } = c;
  const row = c.selected >= 0 ? order.rowOf(c.selected) : -1;
  const go = (r: number): Move => ({ select: order.spanAt(Math.max(0, Math.min(order.count - 1, r))) });
  const s = c.selected;
  switch (action) {
    case 'next':
      return go(row + 1);
    case 'previous':
      return go(row === -1 ? 0 : row - 1);
    case 'pageDown':
      return go(row + c.pageRows);
    case 'pageUp':
      return go(row - c.pageRows);
    case 'first':
      return go(0);
    case 'last':
      return go(order.count - 1);
    case 'expandOrChild':
      if (s < 0) return { ...go(0), pass: true };
      if (spans.hasChildren(s)) return c.collapsed.has(s) ? { toggle: s } : go(row + 1);
      return {};
    case 'collapseOrParent':
      if (s < 0) return { ...go(0), pass: true };
      if (spans.hasChildren(s) && !c.collapsed.has(s)) return { toggle: s };
      return (spans.parent[s] as number) >= 0 ? { select: spans.parent[s] as number } : {};
    case 'toggle':
      return s >= 0 ? { toggle: s } : {};
    default:
      return {};
  }
}

/** One zoom key or button press zooms by this factor, about the middle of the view. */
export const ZOOM_STEP = 1.6;

/** One pan key moves the view by this share of its width. */
export const PAN_STEP = 0.25;

/**
 * The view after a view action (zoom in/out, pan, fit, zoom to the selected span, given as its
 * [start, end] in ms); null when the action does not change the view.
 */
export function viewAfter(action: KeyAction, view: View, domain: Domain, span: readonly [number, number] | null): View | null {
  if (action === 'zoomIn') return zoomView(view, ZOOM_STEP, 0.5);
  if (action === 'zoomOut') return zoomView(view, 1 / ZOOM_STEP, 0.5);
  if (action === 'fit') return FULL_VIEW;
  if (action === 'panLeft') return panView(view, -PAN_STEP);
  if (action === 'panRight') return panView(view, PAN_STEP);
  if (action === 'zoomToSpan' && span) return viewOf(domain, span[0], span[1]);
  return null;
}

/** A move along a one-dimensional list (the trace table's rows, the findings). */
export type LineMove = 'next' | 'previous' | 'first' | 'last';

/**
 * Where a roving focus goes in a list of `count` items from `at` (-1: none yet): it stops at the
 * ends rather than wrapping, as the span list does; -1 when the list is empty.
 */
export function moveInLine(move: LineMove, at: number, count: number): number {
  if (count <= 0) return -1;
  if (move === 'first') return 0;
  if (move === 'last') return count - 1;
  if (at < 0) return 0;
  return Math.max(0, Math.min(count - 1, at + (move === 'next' ? 1 : -1)));
}

/** The sortable columns, in the table's order. */
export const SORT_COLUMNS: readonly SortKey[] = ['status', 'total', 'coldStart'];

/** Where the table's roving focus is: a body row, or a sort header (by its place in SORT_COLUMNS). */
export type TableCursor = { row: number } | { header: number };

/**
 * Where a table key takes the focus from `at` in a table of `rows` rows; null when the key does
 * nothing there. `sortColumn` is the header ↑ from the first row lands on (the column sorted by).
 */
export function moveInTable(action: KeyAction, at: TableCursor, rows: number, sortColumn: number): TableCursor | null {
  const headers = SORT_COLUMNS.length;
  if ('header' in at) {
    if (action === 'traceNext') return rows > 0 ? { row: 0 } : null;
    if (action === 'sortPrevious') return { header: moveInLine('previous', at.header, headers) };
    if (action === 'sortNext') return { header: moveInLine('next', at.header, headers) };
    if (action === 'traceFirst') return { header: 0 };
    if (action === 'traceLast') return { header: headers - 1 };
    return null;
  }
  if (action === 'tracePrevious' && at.row <= 0) return { header: sortColumn };
  const move = action === 'traceNext' ? 'next' : action === 'tracePrevious' ? 'previous' : action === 'traceFirst' ? 'first' : action === 'traceLast' ? 'last' : null;
  return move ? { row: moveInLine(move, at.row, rows) } : null;
}
