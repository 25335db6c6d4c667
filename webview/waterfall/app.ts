// The waterfall app: lays out summary, trace list, toolbar, the virtualized rows with their axis,
// budget line, cut marker and after-cut hatching, and the side pane (findings, details).
// Data flow is one way: snapshot + UI state → visibleRows (pure) → view (pure) → DOM. Only the
// rows in the viewport (plus a little overscan) exist, recycled from a pool, so 100 000 spans
// cost one O(n) pass on collapse/filter and O(viewport) per scroll frame.
import type { SnapshotSpan, WaterfallSnapshot, WebviewMessage } from '../../src/protocol';
import { PROTOCOL_VERSION } from '../../src/protocol';
import { renderDetails } from './details';
import { append, button, el } from './dom';
import { renderFindings } from './findings';
import { formatMs, formatShare } from './format';
import { ancestorsOf, hasChildren, matchesFilter, visibleRows } from './rows';
import { FULL_VIEW, panView, ticks, traceDomain, viewedPosition, viewOf, zoomView } from './scale';
import type { Domain, View } from './scale';
import { renderSummary } from './summary';
import { renderTraceList } from './traceList';
import type { Sort } from './traceList';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;

/** What the webview persists with setState: UI state only, never trace data. */
export interface PersistedState {
  v: 1;
  traceId: string | null;
  restoreKey?: string;
  sort: Sort;
  perTrace: Record<string, TraceUi>;
}

export interface TraceUi {
  collapsed: string[];
  selected: string | null;
  view: View;
  filter: string;
}

export interface Host {
  post(message: WebviewMessage): void;
  saveState(state: PersistedState): void;
}

interface RowEls {
  root: HTMLDivElement;
  indent: HTMLSpanElement;
  twisty: HTMLSpanElement;
  flag: HTMLSpanElement;
  label: HTMLSpanElement;
  sub: HTMLSpanElement;
  bar: HTMLDivElement;
  after: HTMLDivElement;
  barLabel: HTMLSpanElement;
}

export class WaterfallApp {
  private snap: WaterfallSnapshot | null = null;
  private domain: Domain = { startMs: 0, endMs: 1 };
  private ui: TraceUi = { collapsed: [], selected: null, view: FULL_VIEW, filter: '' };
  private collapsed = new Set<number>();
  private rows: Int32Array = new Int32Array(0);
  /** Position of each span in `rows`, -1 when hidden; rebuilt with rows. */
  private rowOf: Int32Array = new Int32Array(0);
  private selected = -1;
  private highlighted = new Set<number>();
  private activeFinding: number | null = null;
  private idIndex = new Map<string, number>();
  private persisted: PersistedState;
  private pool: RowEls[] = [];
  private frame = 0;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;

  // Fixed DOM.
  private readonly top = el('div', 'tl-top');
  private readonly side = el('aside', 'tl-side');
  private readonly findingsHost = el('div', 'tl-findings-host');
  private readonly detailsHost = el('div', 'tl-details-host');
  private readonly filterInput = el('input', 'tl-filter');
  private readonly filterCount = el('span', 'tl-filter-count');
  private readonly axis = el('div', 'tl-axis');
  private readonly scroller = el('div', 'tl-scroll');
  private readonly spacer = el('div', 'tl-spacer');
  private readonly overlay = el('div', 'tl-overlay');
  private readonly notice = el('div', 'tl-notice');
  private readonly head = el('div', 'tl-wf-head');

  constructor(
    private readonly root: HTMLElement,
    private readonly host: Host,
    restored: PersistedState | null,
  ) {
    this.persisted = restored ?? { v: 1, traceId: null, sort: { key: 'total', desc: true }, perTrace: {} };
    this.build();
  }

  // ---- public API (main.ts, tests) ---------------------------------------------------------

  setSnapshot(snap: WaterfallSnapshot | null): void {
    if (this.snap) this.persistTrace();
    this.snap = snap;
    this.notice.hidden = true;
    if (!snap) {
      this.top.replaceChildren(el('p', 'tl-empty', 'No trace to show. Open a trace file (Timeout Lens: Open Trace File…).'));
      this.rows = new Int32Array(0);
      this.renderRows();
      return;
    }
    this.idIndex = new Map(snap.spans.map((s, i) => [s.id, i]));
    let minStart = 0;
    for (const s of snap.spans) minStart = Math.min(minStart, s.startMs);
    this.domain = traceDomain(minStart, snap.endMs, snap.report.budgetMs, snap.report.cutAtMs);
    const saved = this.persisted.perTrace[snap.traceId];
    this.ui = saved ?? { collapsed: [], selected: null, view: FULL_VIEW, filter: '' };
    this.collapsed = new Set(this.ui.collapsed.map((id) => this.idIndex.get(id)).filter((i): i is number => i !== undefined));
    this.selected = this.ui.selected !== null ? this.idIndex.get(this.ui.selected) ?? -1 : -1;
    this.highlighted.clear();
    this.activeFinding = null;
    this.filterInput.value = this.ui.filter;
    this.persisted.traceId = snap.traceId;
    if (snap.restoreKey !== undefined) this.persisted.restoreKey = snap.restoreKey;
    this.renderTop();
    this.renderFindings();
    this.recomputeRows();
    this.renderDetails();
    this.save();
  }

  showNotice(level: 'info' | 'error', text: string): void {
    this.notice.className = `tl-notice ${level}`;
    this.notice.textContent = text;
    this.notice.hidden = false;
  }

  /** Index (in the snapshot) of the selected span, -1 for none. */
  selectedIndex(): number {
    return this.selected;
  }

  // ---- layout ------------------------------------------------------------------------------

  private build(): void {
    this.root.classList.add('tl-app');
    this.notice.hidden = true;
    this.notice.setAttribute('role', 'status');

    this.filterInput.type = 'search';
    this.filterInput.placeholder = 'Filter spans (/)';
    this.filterInput.setAttribute('aria-label', 'Filter spans by name, operation, table or URL');
    this.filterInput.addEventListener('input', () => {
      clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => this.applyFilter(this.filterInput.value), 60);
    });
    this.filterInput.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        this.filterInput.value = '';
        this.applyFilter('');
        this.scroller.focus();
      } else if (e.key === 'Enter' || e.key === 'ArrowDown') {
        e.preventDefault();
        if (this.rows.length && this.selected === -1) this.select(this.rows[0] as number);
        this.scroller.focus();
      }
    });
    const toolbar = append(
      el('div', 'tl-toolbar'),
      this.filterInput,
      this.filterCount,
      el('span', 'tl-spacer-flex'),
      button('−', 'Zoom out (-)', () => this.zoom(1 / 1.6)),
      button('+', 'Zoom in (+)', () => this.zoom(1.6)),
      button('Fit', 'Show the whole trace (0)', () => this.setView(FULL_VIEW)),
      button('Copy JSON', 'Copy the trace as JSON', () => this.copy('json')),
      button('Copy report', 'Copy the text report', () => this.copy('text')),
    );

    this.head.appendChild(el('div', 'tl-head-name', 'Span'));
    this.head.appendChild(this.axis);
    this.axis.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.axis.addEventListener('pointerdown', (e) => this.onAxisDrag(e));
    this.axis.title = 'Drag to pan, Ctrl+wheel to zoom, double-click to fit';
    this.axis.addEventListener('dblclick', () => this.setView(FULL_VIEW));

    this.scroller.tabIndex = 0;
    this.scroller.setAttribute('role', 'tree');
    this.scroller.setAttribute('aria-label', 'Spans');
    this.scroller.appendChild(this.spacer);
    this.scroller.addEventListener('scroll', () => this.scheduleRows());
    this.scroller.addEventListener('keydown', (e) => this.onKey(e));
    this.scroller.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.spacer.addEventListener('click', (e) => this.onRowClick(e));
    this.overlay.setAttribute('aria-hidden', 'true');

    const body = append(el('div', 'tl-wf-body'), this.scroller, this.overlay);
    const wf = append(el('section', 'tl-waterfall'), this.head, body);
    wf.setAttribute('aria-label', 'Waterfall');
    const main = append(el('div', 'tl-main'), append(el('div', 'tl-center'), toolbar, wf), append(this.side, this.findingsHost, this.detailsHost));
    append(this.root, this.notice, this.top, main);

    document.addEventListener('keydown', (e) => {
      const t = e.target as HTMLElement | null;
      const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        this.filterInput.focus();
        this.filterInput.select();
      }
    });
    new ResizeObserver(() => this.renderAll()).observe(this.scroller);
  }

  private renderTop(): void {
    const snap = this.snap;
    if (!snap) return;
    const parts: HTMLElement[] = [renderSummary(snap.report)];
    if (snap.traces.length > 1) {
      parts.push(
        renderTraceList(
          snap.traces,
          snap.traceId,
          this.persisted.sort,
          (s) => {
            this.persisted.sort = s;
            this.save();
            this.renderTop();
          },
          (id) => {
            if (id !== snap.traceId) this.host.post({ type: 'selectTrace', v: PROTOCOL_VERSION, traceId: id });
          },
        ),
      );
    }
    this.top.replaceChildren(...parts);
  }

  private renderFindings(): void {
    const snap = this.snap;
    if (!snap) return;
    this.findingsHost.replaceChildren(renderFindings(snap.report.findings, this.activeFinding, (i) => this.pickFinding(i)));
  }

  private renderDetails(): void {
    const snap = this.snap;
    const span = snap && this.selected >= 0 ? snap.spans[this.selected] ?? null : null;
    this.detailsHost.replaceChildren(
      renderDetails(span, snap?.report.budgetMs ?? null, snap?.report.cutAtMs ?? null, {
        openSource: (file, line) => this.host.post({ type: 'openSource', v: PROTOCOL_VERSION, file, line }),
        openLogs: (requestId, functionName) => {
          if (!snap) return;
          const m: WebviewMessage = { type: 'openLogs', v: PROTOCOL_VERSION, traceId: snap.traceId, requestId };
          if (functionName !== undefined) m.functionName = functionName;
          this.host.post(m);
        },
      }),
    );
  }

  // ---- rows --------------------------------------------------------------------------------

  private recomputeRows(): void {
    const snap = this.snap;
    if (!snap) return;
    this.rows = visibleRows(snap.spans, { collapsed: this.collapsed, filter: this.ui.filter.toLowerCase() });
    if (this.rowOf.length !== snap.spans.length) this.rowOf = new Int32Array(snap.spans.length);
    this.rowOf.fill(-1);
    for (let r = 0; r < this.rows.length; r++) this.rowOf[this.rows[r] as number] = r;
    this.spacer.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    this.filterCount.textContent = this.ui.filter ? `${this.rows.length} of ${snap.spans.length} spans` : `${snap.spans.length} spans`;
    this.renderAll();
  }

  private renderAll(): void {
    this.renderAxisAndOverlay();
    this.renderRows();
  }

  private scheduleRows(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows();
    });
  }

  private makeRow(): RowEls {
    const root = el('div', 'tl-row');
    root.setAttribute('role', 'treeitem');
    const name = el('div', 'tl-name');
    const indent = el('span', 'tl-indent');
    const twisty = el('span', 'tl-twisty');
    const flag = el('span', 'tl-flag');
    const label = el('span', 'tl-label');
    const sub = el('span', 'tl-sub');
    append(name, indent, twisty, flag, label, sub);
    const cell = el('div', 'tl-bar-cell');
    const bar = el('div', 'tl-bar');
    const after = el('div', 'tl-after-cut');
    const barLabel = el('span', 'tl-bar-label');
    bar.appendChild(after);
    append(cell, bar, barLabel);
    append(root, name, cell);
    this.spacer.appendChild(root);
    return { root, indent, twisty, flag, label, sub, bar, after, barLabel };
  }

  /** Draws the rows in the viewport. Writes only (no layout reads but the scroller's size). */
  private renderRows(): void {
    const snap = this.snap;
    const height = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.scroller.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const need = Math.max(0, last - first);
    while (this.pool.length < need) this.pool.push(this.makeRow());
    if (!snap) {
      for (const r of this.pool) r.root.hidden = true;
      return;
    }
    const pos = viewedPosition(this.domain, this.ui.view);
    const budget = snap.report.budgetMs;
    const cut = snap.report.cutAtMs;
    const filter = this.ui.filter.toLowerCase();
    for (let p = 0; p < this.pool.length; p++) {
      const r = this.pool[p] as RowEls;
      const row = first + p;
      if (row >= last) {
        r.root.hidden = true;
        continue;
      }
      const i = this.rows[row] as number;
      const s = snap.spans[i] as SnapshotSpan;
      r.root.hidden = false;
      r.root.style.transform = `translateY(${row * ROW_HEIGHT}px)`;
      this.fillRow(r, s, i, pos, budget, cut, snap.endMs, filter);
    }
  }

  private fillRow(
    r: RowEls,
    s: SnapshotSpan,
    i: number,
    pos: (ms: number) => number,
    budget: number | null,
    cut: number | null,
    traceEnd: number,
    filter: string,
  ): void {
    const kids = hasChildren(s, i);
    const collapsed = this.collapsed.has(i);
    const afterCut = cut !== null && s.endMs !== null && s.endMs > cut;
    const flagged = s.fault || s.error || s.throttle;
    const cls =
      'tl-row' +
      (i === this.selected ? ' selected' : '') +
      (this.highlighted.has(i) ? ' highlight' : '') +
      (matchesFilter(s, filter) ? ' match' : '') +
      (flagged ? ' flagged' : '') +
      (afterCut ? ' past-cut' : '');
    if (r.root.className !== cls) r.root.className = cls;
    r.root.dataset['index'] = String(i);
    r.root.setAttribute('aria-level', String(s.depth + 1));
    r.root.setAttribute('aria-selected', i === this.selected ? 'true' : 'false');
    if (kids) r.root.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
    else r.root.removeAttribute('aria-expanded');
    // Deep traces: indentation stops growing at 24 levels so names stay readable.
    r.indent.style.width = `${Math.min(s.depth, 24) * 12}px`;
    r.twisty.textContent = kids ? (collapsed ? '▸' : '▾') : '';
    r.twisty.className = kids ? 'tl-twisty has-kids' : 'tl-twisty';
    const flag = s.fault ? 'fault' : s.throttle ? 'throttle' : s.error ? 'error' : s.inProgress ? 'in progress' : '';
    r.flag.textContent = flag === 'fault' ? '5xx' : flag === 'throttle' ? '429' : flag === 'error' ? '4xx' : flag ? '…' : '';
    r.flag.className = flag ? `tl-flag flag-${flag.replace(' ', '-')}` : 'tl-flag';
    r.flag.title = flag;
    r.label.textContent = s.name;
    // Segments say what they are (two "orders-report" rows are the Lambda service and the function).
    const origin = s.isSegment && s.origin ? s.origin.replace(/^AWS::/, '') : undefined;
    const sub = [origin, s.aws?.operation, s.aws?.tableName, s.http?.status !== undefined && s.kind !== 'front-door' ? String(s.http.status) : undefined]
      .filter(Boolean)
      .join(' · ');
    r.sub.textContent = sub;
    r.root.title = `${s.name}${sub ? ` (${sub})` : ''}`;
    r.bar.className = `tl-bar role-${s.role}${s.inProgress ? ' in-progress' : ''}${flagged ? ' flagged' : ''}`;
    this.placeBar(r, s, pos, budget, cut, traceEnd);
  }

  private placeBar(
    r: RowEls,
    s: SnapshotSpan,
    pos: (ms: number) => number,
    budget: number | null,
    cut: number | null,
    traceEnd: number,
  ): void {
    const end = s.endMs ?? traceEnd;
    const x0 = pos(s.startMs);
    const x1 = pos(end);
    r.bar.style.left = `${x0 * 100}%`;
    r.bar.style.width = `${Math.max(0, x1 - x0) * 100}%`;
    if (cut !== null && end > cut) {
      const from = Math.max(cut, s.startMs);
      const frac = end > s.startMs ? (from - s.startMs) / (end - s.startMs) : 0;
      r.after.hidden = false;
      r.after.style.left = `${frac * 100}%`;
    } else {
      r.after.hidden = true;
    }
    const dur = s.endMs === null ? null : s.endMs - s.startMs;
    const share = dur === null ? '' : formatShare(dur, budget);
    const text = dur === null ? 'in progress' : share ? `${formatMs(dur)} · ${share}` : formatMs(dur);
    if (r.barLabel.textContent !== text) r.barLabel.textContent = text;
    // Label right of the bar; left of it when the bar reaches the right edge; inside it when
    // the bar spans nearly the whole width (then there is no room on either side).
    if (x1 < 0.8) {
      r.barLabel.className = 'tl-bar-label';
      r.barLabel.style.left = `${Math.max(0, x1) * 100}%`;
      r.barLabel.style.right = '';
    } else if (x0 > 0.3) {
      r.barLabel.className = 'tl-bar-label left';
      r.barLabel.style.left = '';
      r.barLabel.style.right = `${Math.min(1, 1 - x0) * 100}%`;
    } else {
      r.barLabel.className = 'tl-bar-label inside';
      r.barLabel.style.left = `${Math.max(0, x0) * 100}%`;
      r.barLabel.style.right = '';
    }
  }

  private renderAxisAndOverlay(): void {
    const snap = this.snap;
    this.axis.replaceChildren();
    this.overlay.replaceChildren();
    if (!snap) return;
    // The scrollbar narrows the rows; the axis and overlay must line up with them exactly.
    const sbw = this.scroller.offsetWidth - this.scroller.clientWidth;
    this.head.style.paddingRight = `${sbw}px`;
    this.overlay.style.right = `${sbw}px`;
    const width = this.axis.clientWidth || 600;
    const pos = viewedPosition(this.domain, this.ui.view);
    for (const t of ticks(this.domain, this.ui.view, Math.max(2, Math.floor(width / 90)))) {
      if (t.x < -0.001 || t.x > 1.001) continue;
      const label = el('span', t.x * width < 30 ? 'tl-tick first' : (1 - t.x) * width < 40 ? 'tl-tick last' : 'tl-tick', t.label);
      label.style.left = `${t.x * 100}%`;
      const line = el('div', 'tl-grid');
      line.style.left = `${t.x * 100}%`;
      this.axis.appendChild(label);
      this.overlay.appendChild(line);
    }
    const { budgetMs, cutAtMs } = snap.report;
    const xb = budgetMs !== null ? pos(budgetMs) : null;
    const xc = cutAtMs !== null ? pos(cutAtMs) : null;
    const inView = (x: number | null): x is number => x !== null && x >= 0 && x <= 1;
    // A label reads away from the right edge; budget and cut close together share one label.
    const mark = (x: number, text: string, kind: 'budget' | 'cut'): void => {
      const label = el('span', `tl-axis-mark ${kind}${x > 0.7 ? ' flip' : ''}`, text);
      label.style.left = `${x * 100}%`;
      this.axis.appendChild(label);
    };
    if (xc !== null && cutAtMs !== null) {
      const region = el('div', 'tl-after-region');
      region.style.left = `${Math.max(0, Math.min(1, xc)) * 100}%`;
      const line = el('div', 'tl-cut-line');
      line.style.left = `${xc * 100}%`;
      append(this.overlay, region, line);
    }
    if (xb !== null) {
      const line = el('div', 'tl-budget-line');
      line.style.left = `${xb * 100}%`;
      this.overlay.appendChild(line);
    }
    const together = inView(xb) && inView(xc) && Math.abs(xb - xc) * width < 160;
    if (together && budgetMs !== null && cutAtMs !== null) {
      mark(Math.max(xb, xc), `budget ${formatMs(budgetMs)} · gave up at ${formatMs(cutAtMs)}`, 'budget');
    } else {
      if (inView(xb) && budgetMs !== null) mark(xb, `budget ${formatMs(budgetMs)}`, 'budget');
      if (inView(xc) && cutAtMs !== null) mark(xc, `gave up at ${formatMs(cutAtMs)}`, 'cut');
    }
    // Out of view to the right (a short request, or zoomed in): say where the budget is.
    if (xb !== null && xb > 1 && budgetMs !== null) {
      const label = el('span', 'tl-axis-mark offscreen', `budget ${formatMs(budgetMs)} →`);
      this.axis.appendChild(label);
    }
    const zero = pos(0);
    if (this.domain.startMs < 0 && zero > 0 && zero < 1) {
      const line = el('div', 'tl-zero-line');
      line.style.left = `${zero * 100}%`;
      this.overlay.appendChild(line);
    }
  }

  // ---- interaction -------------------------------------------------------------------------

  private onRowClick(e: MouseEvent): void {
    const t = e.target as HTMLElement;
    const row = t.closest<HTMLElement>('.tl-row');
    if (!row) return;
    const i = Number(row.dataset['index']);
    if (!Number.isInteger(i)) return;
    if (t.classList.contains('tl-twisty')) this.toggle(i);
    else this.select(i);
    this.scroller.focus({ preventScroll: true });
  }

  private onKey(e: KeyboardEvent): void {
    const snap = this.snap;
    if (!snap || this.rows.length === 0) return;
    const row = this.selected >= 0 ? (this.rowOf[this.selected] ?? -1) : -1;
    const pageRows = Math.max(1, Math.floor(this.scroller.clientHeight / ROW_HEIGHT) - 1);
    const go = (r: number): void => this.select(this.rows[Math.max(0, Math.min(this.rows.length - 1, r))] as number);
    switch (e.key) {
      case 'ArrowDown':
        go(row + 1);
        break;
      case 'ArrowUp':
        go(row === -1 ? 0 : row - 1);
        break;
      case 'PageDown':
        go(row + pageRows);
        break;
      case 'PageUp':
        go(row - pageRows);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(this.rows.length - 1);
        break;
      case 'ArrowRight': {
        if (this.selected < 0) return go(0);
        const s = snap.spans[this.selected] as SnapshotSpan;
        if (hasChildren(s, this.selected) && this.collapsed.has(this.selected)) this.toggle(this.selected);
        else if (hasChildren(s, this.selected)) go(row + 1);
        break;
      }
      case 'ArrowLeft': {
        if (this.selected < 0) return go(0);
        const s = snap.spans[this.selected] as SnapshotSpan;
        if (hasChildren(s, this.selected) && !this.collapsed.has(this.selected)) this.toggle(this.selected);
        else if (s.parent >= 0) this.select(s.parent);
        break;
      }
      case 'Enter':
      case ' ':
        if (this.selected >= 0) this.toggle(this.selected);
        break;
      case '+':
      case '=':
        this.zoom(1.6);
        break;
      case '-':
        this.zoom(1 / 1.6);
        break;
      case '0':
        this.setView(FULL_VIEW);
        break;
      case 'z':
        if (this.selected >= 0) {
          const s = snap.spans[this.selected] as SnapshotSpan;
          this.setView(viewOf(this.domain, s.startMs, s.endMs ?? snap.endMs));
        }
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private onWheel(e: WheelEvent): void {
    if (!this.snap) return;
    const rect = this.axis.getBoundingClientRect();
    if (e.ctrlKey || e.metaKey) {
      e.preventDefault();
      const anchor = rect.width > 0 ? Math.max(0, Math.min(1, (e.clientX - rect.left) / rect.width)) : 0.5;
      this.setView(zoomView(this.ui.view, e.deltaY < 0 ? 1.25 : 1 / 1.25, anchor));
    } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const d = e.shiftKey && e.deltaX === 0 ? e.deltaY : e.deltaX;
      if (this.ui.view.end - this.ui.view.start >= 1) return;
      e.preventDefault();
      this.setView(panView(this.ui.view, d / Math.max(1, rect.width)));
    }
  }

  /** Dragging the axis pans the view: the time under the pointer follows it. */
  private onAxisDrag(e: PointerEvent): void {
    if (!this.snap || e.button !== 0) return;
    const width = this.axis.clientWidth;
    if (width <= 0) return;
    const startX = e.clientX;
    const startView = this.ui.view;
    this.axis.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent): void => {
      this.ui.view = panView(startView, -(m.clientX - startX) / width);
      this.renderAll();
    };
    const up = (): void => {
      this.axis.removeEventListener('pointermove', move);
      this.axis.removeEventListener('pointerup', up);
      this.axis.removeEventListener('pointercancel', up);
      this.save();
    };
    this.axis.addEventListener('pointermove', move);
    this.axis.addEventListener('pointerup', up);
    this.axis.addEventListener('pointercancel', up);
  }

  private zoom(factor: number): void {
    this.setView(zoomView(this.ui.view, factor, 0.5));
  }

  private setView(v: View): void {
    this.ui.view = v;
    this.renderAll();
    this.save();
  }

  private applyFilter(text: string): void {
    this.ui.filter = text.trim();
    this.recomputeRows();
    this.save();
  }

  private toggle(i: number): void {
    const snap = this.snap;
    if (!snap || !hasChildren(snap.spans[i] as SnapshotSpan, i)) return;
    if (this.collapsed.has(i)) this.collapsed.delete(i);
    else this.collapsed.add(i);
    this.recomputeRows();
    this.save();
  }

  private select(i: number): void {
    if (!this.snap) return;
    this.selected = i;
    this.ensureVisible(i);
    this.renderRows();
    this.renderDetails();
    this.save();
  }

  /** Expands the ancestors of a span if needed and scrolls it into the viewport. */
  private ensureVisible(i: number): void {
    const snap = this.snap;
    if (!snap) return;
    let changed = false;
    for (const a of ancestorsOf(snap.spans, i)) if (this.collapsed.delete(a)) changed = true;
    if (changed) this.recomputeRows();
    const row = this.rowOf[i] ?? -1;
    if (row < 0) return;
    const top = row * ROW_HEIGHT;
    const h = this.scroller.clientHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + h) this.scroller.scrollTop = top + ROW_HEIGHT - h;
  }

  private pickFinding(index: number): void {
    const snap = this.snap;
    if (!snap) return;
    const f = snap.report.findings[index];
    if (!f) return;
    const same = this.activeFinding === index;
    this.activeFinding = same ? null : index;
    this.highlighted = new Set();
    if (!same) {
      for (const id of f.spanIds ?? []) {
        const i = this.idIndex.get(id);
        if (i !== undefined) this.highlighted.add(i);
      }
      // A highlighted span hidden by the filter or a collapsed parent would be invisible: show it.
      const first = [...this.highlighted].sort((a, b) => a - b)[0];
      if (first !== undefined) {
        if (this.ui.filter && (this.rowOf[first] ?? -1) < 0) {
          this.ui.filter = '';
          this.filterInput.value = '';
          this.recomputeRows();
        }
        for (const i of this.highlighted) for (const a of ancestorsOf(snap.spans, i)) this.collapsed.delete(a);
        this.recomputeRows();
        this.select(first);
      }
      this.host.post({ type: 'revealFinding', v: PROTOCOL_VERSION, traceId: snap.traceId, findingId: f.id, index });
    }
    this.renderRows();
    this.renderFindings();
  }

  private copy(format: 'json' | 'text'): void {
    if (this.snap) this.host.post({ type: 'copyTrace', v: PROTOCOL_VERSION, traceId: this.snap.traceId, format });
  }

  // ---- state -------------------------------------------------------------------------------

  private persistTrace(): void {
    const snap = this.snap;
    if (!snap) return;
    const ids: string[] = [];
    for (const i of this.collapsed) {
      const s = snap.spans[i];
      if (s) ids.push(s.id);
    }
    this.ui.collapsed = ids;
    this.ui.selected = this.selected >= 0 ? snap.spans[this.selected]?.id ?? null : null;
    this.persisted.perTrace[snap.traceId] = this.ui;
    // Keep the persisted state small: the UI of the last 20 traces is plenty.
    const keys = Object.keys(this.persisted.perTrace);
    for (const k of keys.slice(0, Math.max(0, keys.length - 20))) delete this.persisted.perTrace[k];
  }

  private save(): void {
    this.persistTrace();
    this.host.saveState(this.persisted);
  }
}
