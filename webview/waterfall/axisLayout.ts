// What the time axis and the overlay above the rows show: the ticks and their grid lines, the
// budget line, the cut line with the region after it, the zero line, and the labels of budget
// and cut. A pure function of domain, view and width; axisView.ts draws it.
import { formatMs } from './format';
import { ticks, viewedPosition } from './scale';
import type { Domain, View } from './scale';

export interface AxisTick {
  /** Fraction of the timeline width (0..1). */
  x: number;
  label: string;
  /** A label at an edge is aligned inward so it is not cut off. */
  edge: 'first' | 'last' | '';
}

export interface AxisMark {
  x: number;
  text: string;
  kind: 'budget' | 'cut';
  /** Near the right edge the label reads leftwards. */
  flip: boolean;
}

export interface AxisLayout {
  ticks: AxisTick[];
  /** The budget line (may be outside 0..1: then it is not seen), null without a budget. */
  budgetX: number | null;
  /** The cut line, and where the after-cut region starts (clamped to the view). */
  cut: { x: number; regionLeft: number } | null;
  /** Labels on the axis, in drawing order. */
  marks: AxisMark[];
  /** Said at the right edge when the budget is beyond it (a short request, or zoomed in). */
  budgetBeyond: string | null;
  /** The entry's start, when the trace starts earlier and it is in view. */
  zeroX: number | null;
}

/** Pixels per tick label the axis aims for. */
const TICK_SPACING_PX = 90;
/** Budget and cut closer than this share one label. */
const SHARED_LABEL_PX = 160;

/** The axis and overlay for a view of `domain` drawn `widthPx` wide. */
export function layoutAxis(domain: Domain, view: View, widthPx: number, budgetMs: number | null, cutAtMs: number | null): AxisLayout {
  const pos = viewedPosition(domain, view);
  const out: AxisTick[] = [];
  for (const t of ticks(domain, view, Math.max(2, Math.floor(widthPx / TICK_SPACING_PX)))) {
    if (t.x < -0.001 || t.x > 1.001) continue;
    out.push({ x: t.x, label: t.label, edge: t.x * widthPx < 30 ? 'first' : (1 - t.x) * widthPx < 40 ? 'last' : '' });
  }
  const xb = budgetMs !== null ? pos(budgetMs) : null;
  const xc = cutAtMs !== null ? pos(cutAtMs) : null;
  const inView = (x: number | null): x is number => x !== null && x >= 0 && x <= 1;
  const mark = (x: number, text: string, kind: 'budget' | 'cut'): AxisMark => ({ x, text, kind, flip: x > 0.7 });
  const marks: AxisMark[] = [];
  if (inView(xb) && inView(xc) && Math.abs(xb - xc) * widthPx < SHARED_LABEL_PX && budgetMs !== null && cutAtMs !== null) {
    marks.push(mark(Math.max(xb, xc), `budget ${formatMs(budgetMs)} · gave up at ${formatMs(cutAtMs)}`, 'budget'));
  } else {
    if (inView(xb) && budgetMs !== null) marks.push(mark(xb, `budget ${formatMs(budgetMs)}`, 'budget'));
    if (inView(xc) && cutAtMs !== null) marks.push(mark(xc, `gave up at ${formatMs(cutAtMs)}`, 'cut'));
  }
  const zero = pos(0);
  return {
    ticks: out,
    budgetX: xb,
    cut: xc !== null ? { x: xc, regionLeft: Math.max(0, Math.min(1, xc)) } : null,
    marks,
    budgetBeyond: xb !== null && xb > 1 && budgetMs !== null ? `budget ${formatMs(budgetMs)} →` : null,
    zeroX: domain.startMs < 0 && zero > 0 && zero < 1 ? zero : null,
  };
}
