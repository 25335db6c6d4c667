// The fixed frame of the page: a notice line, the live region, the toolbar, the top (summary and
// trace table), the waterfall (head with the time axis; the rows with the overlay of lines above
// them) and the side pane (findings, details); between the top and the waterfall the what-if
// strip (whatIfStrip.ts). Built once; the app fills the parts. The DOM order is the Tab order:
// toolbar → trace table → what-if fixes → spans → findings → details.
import { append, el } from './dom';

export interface PageParts {
  notice: HTMLDivElement;
  /** The one polite live region (role=status): loads, findings, filter results. */
  live: HTMLDivElement;
  top: HTMLDivElement;
  head: HTMLDivElement;
  axis: HTMLDivElement;
  overlay: HTMLDivElement;
  findingsHost: HTMLDivElement;
  detailsHost: HTMLDivElement;
}

/** Lays the page out in `root` around the toolbar and the scrolling rows. */
export function buildPage(root: HTMLElement, toolbar: HTMLElement, rows: HTMLElement, whatIf: HTMLElement): PageParts {
  const parts: PageParts = {
    notice: el('div', 'tl-notice'),
    live: el('div', 'tl-live'),
    top: el('div', 'tl-top'),
    head: el('div', 'tl-wf-head'),
    axis: el('div', 'tl-axis'),
    overlay: el('div', 'tl-overlay'),
    findingsHost: el('div', 'tl-findings-host'),
    detailsHost: el('div', 'tl-details-host'),
  };
  root.classList.add('tl-app');
  parts.notice.hidden = true;
  parts.live.id = 'tl-live';
  parts.live.setAttribute('role', 'status');
  parts.live.setAttribute('aria-live', 'polite');
  parts.live.setAttribute('aria-atomic', 'true');
  const name = el('div', 'tl-head-name', 'Span');
  name.setAttribute('aria-hidden', 'true');
  append(parts.head, name, parts.axis);
  parts.axis.title = 'Drag to pan, Ctrl+wheel to zoom, double-click to fit (keys: [ ] + - 0)';
  rows.id = 'tl-spans';
  rows.tabIndex = 0;
  rows.setAttribute('role', 'treegrid');
  rows.setAttribute('aria-label', 'Spans');
  rows.setAttribute('aria-readonly', 'true');
  parts.overlay.setAttribute('aria-hidden', 'true');
  const body = append(el('div', 'tl-wf-body'), rows, parts.overlay);
  const wf = append(el('section', 'tl-waterfall'), parts.head, body);
  wf.setAttribute('aria-label', 'Waterfall');
  // The details pane is a tab stop of its own: a long pane scrolls by the arrow keys once focused.
  parts.detailsHost.id = 'tl-details';
  parts.detailsHost.tabIndex = 0;
  parts.detailsHost.setAttribute('role', 'region');
  parts.detailsHost.setAttribute('aria-label', 'Span details');
  parts.findingsHost.id = 'tl-findings';
  const side = append(el('div', 'tl-side'), parts.findingsHost, parts.detailsHost);
  const main = append(el('div', 'tl-main'), append(el('div', 'tl-center'), whatIf, wf), side);
  append(root, parts.notice, parts.live, toolbar, parts.top, main);
  return parts;
}

/** The sizes the axis and rows depend on: viewport height, scrollbar width, axis width (px). */
export interface PageSize {
  height: number;
  scrollbar: number;
  axis: number;
}

/**
 * Reads the sizes (one layout); returns them when they differ from `was`, else null. The
 * scrollbar narrows the rows and the axis and overlay must line up with them exactly: the head
 * takes the new padding before the axis is measured (laying out the head again only when a
 * scrollbar came or went), so the first render already has the final axis width.
 */
export function measurePage(parts: PageParts, rows: HTMLElement, was: PageSize): PageSize | null {
  const height = rows.clientHeight;
  const scrollbar = rows.offsetWidth - rows.clientWidth;
  if (scrollbar !== was.scrollbar) {
    parts.head.style.paddingRight = `${scrollbar}px`;
    parts.overlay.style.right = `${scrollbar}px`;
  }
  const axis = parts.axis.clientWidth;
  if (was.height === height && was.scrollbar === scrollbar && was.axis === axis) return null;
  return { height, scrollbar, axis };
}

/** Shows a line of news (a failed refresh, a trace that could not be read) above the page. */
export function showNotice(notice: HTMLElement, level: 'info' | 'error', text: string): void {
  notice.className = `tl-notice ${level}`;
  notice.textContent = text;
  notice.hidden = false;
}
