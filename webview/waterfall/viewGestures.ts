// Zoom and pan by pointer: Ctrl/⌘+wheel zooms at the pointer, a horizontal (or Shift+) wheel
// pans, dragging the axis pans with the time under the pointer following it, a double-click on
// the axis fits. What a wheel means is a pure function (scale.ts wheelView); here are the listeners.
import { FULL_VIEW, panView, wheelView } from './scale';
import type { View } from './scale';

export interface ViewTarget {
  /** The current view, null while no trace is shown. */
  view(): View | null;
  /** Shows a view. */
  show(view: View): void;
  /** Persists the view shown (once a gesture is done). */
  save(): void;
}

/** Wheel on the axis and the rows, drag and double-click on the axis. */
export function attachViewGestures(axis: HTMLElement, rows: HTMLElement, target: ViewTarget): void {
  const onWheel = (e: WheelEvent): void => {
    const view = target.view();
    if (!view) return;
    const rect = axis.getBoundingClientRect();
    const zoom = e.ctrlKey || e.metaKey;
    const anchor = zoom && rect.width > 0 ? Math.max(0, Math.min(1, (e.clientX - rect.left) / rect.width)) : 0.5;
    const next = wheelView(view, { zoom, shift: e.shiftKey, deltaX: e.deltaX, deltaY: e.deltaY, anchor, width: rect.width });
    if (zoom) e.preventDefault();
    if (!next) return;
    e.preventDefault();
    target.show(next);
    target.save();
  };
  axis.addEventListener('wheel', onWheel, { passive: false });
  rows.addEventListener('wheel', onWheel, { passive: false });
  axis.addEventListener('dblclick', () => {
    target.show(FULL_VIEW);
    target.save();
  });
  axis.addEventListener('pointerdown', (e) => {
    const startView = target.view();
    if (!startView || e.button !== 0) return;
    const width = axis.clientWidth;
    if (width <= 0) return;
    const startX = e.clientX;
    axis.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent): void => target.show(panView(startView, -(m.clientX - startX) / width));
    const up = (): void => {
      axis.removeEventListener('pointermove', move);
      axis.removeEventListener('pointerup', up);
      axis.removeEventListener('pointercancel', up);
      target.save();
    };
    axis.addEventListener('pointermove', move);
    axis.addEventListener('pointerup', up);
    axis.addEventListener('pointercancel', up);
  });
}
