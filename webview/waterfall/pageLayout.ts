// The fixed frame of the page: a notice line, the top (summary and trace list), the toolbar,
// the waterfall (head with the time axis; the rows with the overlay of lines above them) and
// the side pane (findings, details). Built once; the app fills the parts.
import { append, el } from './dom';
import { keyHelp } from './keys';

export interface PageParts {
  notice: HTMLDivElement;
  top: HTMLDivElement;
  head: HTMLDivElement;
  axis: HTMLDivElement;
  overlay: HTMLDivElement;
  findingsHost: HTMLDivElement;
  detailsHost: HTMLDivElement;
}

/** Lays the page out in `root` around the toolbar and the scrolling rows. */
export function buildPage(root: HTMLElement, toolbar: HTMLElement, rows: HTMLElement): PageParts {
  const parts: PageParts = {
    notice: el('div', 'tl-notice'),
    top: el('div', 'tl-top'),
    head: el('div', 'tl-wf-head'),
    axis: el('div', 'tl-axis'),
    overlay: el('div', 'tl-overlay'),
    findingsHost: el('div', 'tl-findings-host'),
    detailsHost: el('div', 'tl-details-host'),
  };
  root.classList.add('tl-app');
  parts.notice.hidden = true;
  parts.notice.setAttribute('role', 'status');
  const name = el('div', 'tl-head-name', 'Span');
  // The keyboard help, written from the key table.
  name.title = `Keys:\n${keyHelp()}`;
  append(parts.head, name, parts.axis);
  parts.axis.title = 'Drag to pan, Ctrl+wheel to zoom, double-click to fit';
  rows.tabIndex = 0;
  rows.setAttribute('role', 'tree');
  rows.setAttribute('aria-label', 'Spans');
  parts.overlay.setAttribute('aria-hidden', 'true');
  const body = append(el('div', 'tl-wf-body'), rows, parts.overlay);
  const wf = append(el('section', 'tl-waterfall'), parts.head, body);
  wf.setAttribute('aria-label', 'Waterfall');
  const side = append(el('aside', 'tl-side'), parts.findingsHost, parts.detailsHost);
  const main = append(el('div', 'tl-main'), append(el('div', 'tl-center'), toolbar, wf), side);
  append(root, parts.notice, parts.top, main);
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
