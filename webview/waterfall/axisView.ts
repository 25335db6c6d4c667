// Draws an AxisLayout: tick labels and budget/cut labels on the axis; grid, budget, cut and zero
// lines and the after-cut region on the overlay above the rows. Rebuilt whole on each change of
// view or size (a few dozen elements), never per scroll frame.
import { el } from './dom';
import type { AxisLayout } from './axisLayout';

function at<T extends HTMLElement>(e: T, x: number): T {
  e.style.left = `${x * 100}%`;
  return e;
}

export function drawAxis(axis: HTMLElement, overlay: HTMLElement, layout: AxisLayout | null): void {
  axis.replaceChildren();
  overlay.replaceChildren();
  if (!layout) return;
  for (const t of layout.ticks) {
    axis.appendChild(at(el('span', t.edge ? `tl-tick ${t.edge}` : 'tl-tick', t.label), t.x));
    overlay.appendChild(at(el('div', 'tl-grid'), t.x));
  }
  if (layout.cut) overlay.append(at(el('div', 'tl-after-region'), layout.cut.regionLeft), at(el('div', 'tl-cut-line'), layout.cut.x));
  if (layout.budgetX !== null) overlay.appendChild(at(el('div', 'tl-budget-line'), layout.budgetX));
  for (const m of layout.marks) axis.appendChild(at(el('span', `tl-axis-mark ${m.kind}${m.flip ? ' flip' : ''}`, m.text), m.x));
  if (layout.budgetBeyond !== null) axis.appendChild(el('span', 'tl-axis-mark offscreen', layout.budgetBeyond));
  if (layout.zeroX !== null) overlay.appendChild(at(el('div', 'tl-zero-line'), layout.zeroX));
}
