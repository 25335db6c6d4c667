// Time ↔ position as pure functions (Jaeger's createViewedBoundsFunc): the domain is the whole
// trace plus the budget, the view is a [start, end] window of it as fractions, zoom and pan
// return a new view. Positions are fractions of the timeline width, so the renderer sets
// `left: x%` and the same math serves tests (pixel = fraction × width).

/** The times the axis must cover, in ms from the entry start. */
export interface Domain {
  startMs: number;
  endMs: number;
}

/** The visible window as fractions of the domain, 0 ≤ start < end ≤ 1. */
export interface View {
  start: number;
  end: number;
}

export const FULL_VIEW: View = { start: 0, end: 1 };

/** Narrowest view: 1/100 000 of the domain (sub-millisecond on a 29 s trace). */
const MIN_SPAN = 1e-5;

/** A trace shorter than this share of its budget is drawn at its own scale, not the budget's. */
export const BUDGET_IN_VIEW_SHARE = 0.5;

/**
 * The domain of a trace: from the earliest start (spans may start before the entry, never
 * clamped) to the latest of the last end, the cut and — when the trace used at least half of
 * it — the budget, plus 2 % so the budget line never sits on the right edge. A 1.5 s request
 * drawn against 29 s would be a sliver; its headroom is in the summary and an edge marker.
 */
export function traceDomain(minStartMs: number, maxEndMs: number, budgetMs: number | null, cutAtMs: number | null): Domain {
  const start = Math.min(0, minStartMs);
  const budget = budgetMs !== null && maxEndMs >= budgetMs * BUDGET_IN_VIEW_SHARE ? budgetMs : 0;
  const end = Math.max(maxEndMs, budget, cutAtMs ?? 0, start + 1);
  return { startMs: start, endMs: end + (end - start) * 0.02 };
}

/** Maps a time (ms offset) to a fraction of the timeline width for a view. May be < 0 or > 1. */
export function viewedPosition(domain: Domain, view: View): (ms: number) => number {
  const d = domain.endMs - domain.startMs;
  const v0 = domain.startMs + view.start * d;
  const vd = (view.end - view.start) * d;
  return (ms: number): number => (ms - v0) / vd;
}

/** The inverse: a fraction of the timeline width → ms offset. */
export function timeAt(domain: Domain, view: View, fraction: number): number {
  const d = domain.endMs - domain.startMs;
  return domain.startMs + (view.start + fraction * (view.end - view.start)) * d;
}

function clampView(start: number, width: number): View {
  const w = Math.min(1, Math.max(MIN_SPAN, width));
  const s = Math.min(1 - w, Math.max(0, start));
  return { start: s, end: s + w };
}

/**
 * Zooms by `factor` (> 1 = in) keeping the time under `anchor` (a fraction of the timeline
 * width) where it is on screen.
 */
export function zoomView(view: View, factor: number, anchor = 0.5): View {
  const width = view.end - view.start;
  const next = width / factor;
  const at = view.start + anchor * width;
  return clampView(at - anchor * next, next);
}

/** Pans by `delta` timeline widths (positive = later). */
export function panView(view: View, delta: number): View {
  const width = view.end - view.start;
  return clampView(view.start + delta * width, width);
}

export interface WheelInput {
  /** Ctrl or ⌘ held: zoom. */
  zoom: boolean;
  shift: boolean;
  deltaX: number;
  deltaY: number;
  /** Pointer position on the axis as a fraction of its width (0.5 when unknown). */
  anchor: number;
  /** Axis width, px. */
  width: number;
}

/** The view after a wheel event, or null when the wheel is not ours (the list scrolls). */
export function wheelView(view: View, w: WheelInput): View | null {
  if (w.zoom) return zoomView(view, w.deltaY < 0 ? 1.25 : 1 / 1.25, w.anchor);
  if (w.shift || Math.abs(w.deltaX) > Math.abs(w.deltaY)) {
    const d = w.shift && w.deltaX === 0 ? w.deltaY : w.deltaX;
    // Nothing to pan at the full view: let the page have the wheel.
    if (view.end - view.start >= 1) return null;
    return panView(view, d / Math.max(1, w.width));
  }
  return null;
}

/** A view that shows [fromMs, toMs] with a little margin. */
export function viewOf(domain: Domain, fromMs: number, toMs: number): View {
  const d = domain.endMs - domain.startMs;
  const pad = (toMs - fromMs) * 0.05;
  const s = (fromMs - pad - domain.startMs) / d;
  const e = (toMs + pad - domain.startMs) / d;
  return clampView(s, e - s);
}

export interface Tick {
  ms: number;
  /** Fraction of the timeline width. */
  x: number;
  label: string;
}

/** The nice step (1, 2 or 5 × 10^k ms) giving at most `count` ticks over `rangeMs`. */
export function tickStep(rangeMs: number, count: number): number {
  const raw = rangeMs / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** Axis ticks for the view, labelled in the unit that suits the step. */
export function ticks(domain: Domain, view: View, count: number): Tick[] {
  const from = timeAt(domain, view, 0);
  const to = timeAt(domain, view, 1);
  const step = tickStep(to - from, count);
  const pos = viewedPosition(domain, view);
  const out: Tick[] = [];
  for (let ms = Math.ceil(from / step) * step; ms <= to + step * 1e-9; ms += step) {
    const v = Math.abs(ms) < step * 1e-9 ? 0 : ms;
    out.push({ ms: v, x: pos(v), label: formatTick(v, step) });
  }
  return out;
}

function formatTick(ms: number, step: number): string {
  if (step >= 1000) {
    const digits = step >= 10000 || step % 1000 === 0 ? 0 : 1;
    return `${(ms / 1000).toFixed(digits)} s`;
  }
  if (step >= 1) return `${Math.round(ms)} ms`;
  const digits = Math.min(3, Math.ceil(-Math.log10(step)));
  return `${ms.toFixed(digits)} ms`;
}
