// The waterfall app: puts the steps together and keeps them in order. Data flows one way:
// snapshot + UI state (uiState.ts) → visible rows (rows.ts, pure) → view bounds (scale.ts, pure)
// → bar and axis layouts (rowLayout.ts, axisLayout.ts, pure) → DOM: the virtual list
// (listView.ts) asks rowPainter.ts to fill the rows on screen, axisView.ts draws the axis and
// the lines over the rows. Keys come from one table (keys.ts, navigation.ts). 100 000 spans cost
// one O(n) pass on collapse/filter and O(viewport) per scroll frame; sizes are read once per
// render (and by the ResizeObserver), never per frame.
import { PROTOCOL_VERSION } from '../../src/protocol';
import type { SpanDetails, WaterfallSnapshot, WebviewMessage } from '../../src/protocol';
import { layoutAxis } from './axisLayout';
import { drawAxis } from './axisView';
import { DetailsPane } from './detailsPane';
import { el } from './dom';
import { renderFindings } from './findings';
import { actionFor } from './keys';
import type { KeyAction } from './keys';
import { ListView } from './listView';
import { isNavigation, navigate, viewAfter } from './navigation';
import { buildPage, measurePage, showNotice } from './pageLayout';
import type { PageParts, PageSize } from './pageLayout';
import { ROW_HEIGHT, createRowSlot, paintRow, rowHit } from './rowPainter';
import type { PaintContext, RowSlot } from './rowPainter';
import { RowOrder, ancestorsOf } from './rows';
import { traceDomain, viewedPosition } from './scale';
import type { Domain, View } from './scale';
import { SpanTable } from './spans';
import { renderSummary } from './summary';
import { buildToolbar, focusFilterOnSlash } from './toolbar';
import type { Toolbar } from './toolbar';
import { renderTraceList } from './traceList';
import { UiState } from './uiState';
import type { PersistedState } from './uiState';
import { attachViewGestures } from './viewGestures';

export interface Host {
  post(message: WebviewMessage): void;
  saveState(state: PersistedState): void;
}

export class WaterfallApp {
  private snap: WaterfallSnapshot | null = null;
  private spans: SpanTable | null = null;
  private domain: Domain = { startMs: 0, endMs: 1 };
  private readonly state: UiState;
  private order = new RowOrder(0, null);
  /** What every row of the next render is painted with (set before each render). */
  private paint: PaintContext | null = null;
  /** Sizes from the last measurement. */
  private size: PageSize = { height: 0, scrollbar: -1, axis: 0 };
  private readonly list = new ListView<RowSlot>({
    rowHeight: ROW_HEIGHT,
    create: createRowSlot,
    fill: (slot, row) => paintRow(slot, this.order.spanAt(row), this.paint as PaintContext),
  });
  private readonly toolbar: Toolbar;
  private readonly page: PageParts;
  private readonly details: DetailsPane;

  constructor(root: HTMLElement, private readonly host: Host, restored: PersistedState | null) {
    this.state = new UiState(restored, (s) => host.saveState(s));
    const scroller = this.list.element;
    this.toolbar = buildToolbar({
      filter: (text) => this.applyFilter(text),
      leave: () => scroller.focus(),
      toList: () => {
        if (this.order.count > 0 && this.state.selected === -1) this.select(this.order.spanAt(0));
        scroller.focus();
      },
      run: (action) => this.runKey(action),
      copy: (format) => {
        if (this.snap) this.host.post({ type: 'copyTrace', v: PROTOCOL_VERSION, traceId: this.snap.traceId, format });
      },
    });
    this.page = buildPage(root, this.toolbar.element, scroller);
    this.details = new DetailsPane(this.page.detailsHost, (m) => host.post(m));
    scroller.addEventListener('keydown', (e) => this.onKey(e));
    scroller.addEventListener('click', (e) => this.onRowClick(e));
    focusFilterOnSlash(this.toolbar.filterInput);
    attachViewGestures(this.page.axis, scroller, {
      view: () => (this.snap ? this.state.ui.view : null),
      show: (v) => {
        this.state.ui.view = v;
        this.renderAll();
      },
      save: () => this.state.save(),
    });
    // Runs after layout, before paint: the first call finds the sizes of the first render.
    new ResizeObserver(() => {
      if (this.measure()) this.renderAll();
    }).observe(scroller);
  }

  // ---- public API (main.ts) ----------------------------------------------------------------

  setSnapshot(snap: WaterfallSnapshot | null): void {
    this.snap = snap;
    this.page.notice.hidden = true;
    this.details.reset();
    if (!snap) {
      this.state.close();
      this.spans = null;
      this.page.top.replaceChildren(el('p', 'tl-empty', 'No trace to show. Open a trace file (Timeout Lens: Open Trace File…).'));
      this.order = new RowOrder(0, null);
      this.list.setCount(0);
      this.renderRows();
      return;
    }
    this.spans = new SpanTable(snap.spans);
    this.domain = traceDomain(snap.minStartMs, snap.endMs, snap.report.budgetMs, snap.report.cutAtMs);
    this.state.open(snap.traceId, snap.spansKey, this.spans.count, snap.restoreKey);
    this.toolbar.filterInput.value = this.state.ui.filter;
    // Everything but the rows first, so that one layout (in measure) serves the axis and rows.
    this.renderTop();
    this.renderFindings();
    this.renderDetails();
    this.list.setOverscan(false);
    this.recomputeRows();
    this.state.save();
    // The rows beyond the viewport only matter once scrolling starts: after the first paint.
    requestAnimationFrame(() => setTimeout(() => this.list.setOverscan(true), 0));
  }

  /** Details of a span, from the host (answering `requestDetails`). */
  setDetails(requestId: number, traceId: string, index: number, details: SpanDetails): void {
    if (this.details.receive(this.snap, this.spans, requestId, traceId, index, details) && index === this.state.selected) this.renderDetails();
  }

  detailsFailed(requestId: number, traceId: string, index: number, message: string): void {
    if (this.details.fail(this.snap, this.spans, requestId, traceId, index, message) && index === this.state.selected) this.renderDetails();
  }

  showNotice(level: 'info' | 'error', text: string): void {
    showNotice(this.page.notice, level, text);
  }

  // ---- rendering ---------------------------------------------------------------------------

  /** Reads the sizes the axis and rows depend on (one layout); true when they changed. */
  private measure(): boolean {
    const size = measurePage(this.page, this.list.element, this.size);
    if (!size) return false;
    this.size = size;
    this.list.setViewportHeight(size.height);
    return true;
  }

  private renderTop(): void {
    const snap = this.snap;
    if (!snap) return;
    const onSort = (s: PersistedState['sort']): void => {
      this.state.setSort(s);
      this.renderTop();
    };
    const onPick = (id: string): void => {
      if (id !== snap.traceId) this.host.post({ type: 'selectTrace', v: PROTOCOL_VERSION, traceId: id });
    };
    const list = snap.traces.length > 1 ? renderTraceList(snap.traces, snap.traceId, this.state.persisted.sort, onSort, onPick) : null;
    this.page.top.replaceChildren(...[renderSummary(snap.report), list].filter((e) => e !== null));
  }

  private renderFindings(): void {
    if (!this.snap) return;
    this.page.findingsHost.replaceChildren(renderFindings(this.snap.report.findings, this.state.activeFinding, (i) => this.pickFinding(i)));
  }

  private renderDetails(): void {
    this.details.render(this.snap, this.spans, this.state.selected);
  }

  /** The rows changed (collapse, filter, a new trace): one pass over the spans, then a render. */
  private recomputeRows(): void {
    const spans = this.spans;
    if (!this.snap || !spans) return;
    const ui = this.state.ui;
    this.order = RowOrder.of(spans, this.state.collapsed, ui.filter);
    this.list.setCount(this.order.count);
    this.toolbar.filterCount.textContent = ui.filter ? `${this.order.count} of ${spans.count} spans` : `${spans.count} spans`;
    this.measure();
    this.renderAll();
  }

  private renderAll(): void {
    this.list.invalidate();
    // Read before the axis is rewritten: afterwards the read would lay the page out again.
    const scrollTop = this.list.element.scrollTop;
    const snap = this.snap;
    const axis = snap && layoutAxis(this.domain, this.state.ui.view, this.size.axis || 600, snap.report.budgetMs, snap.report.cutAtMs);
    drawAxis(this.page.axis, this.page.overlay, axis);
    this.renderRows(scrollTop);
  }

  private renderRows(scrollTop?: number): void {
    const { snap, spans, state } = this;
    this.paint = snap && spans && {
      spans,
      pos: viewedPosition(this.domain, state.ui.view),
      budgetMs: snap.report.budgetMs,
      cutAtMs: snap.report.cutAtMs,
      traceEndMs: snap.endMs,
      filter: state.ui.filter.toLowerCase(),
      collapsed: state.collapsed,
      selected: state.selected,
      highlighted: state.highlighted,
    };
    this.list.render(scrollTop);
  }

  // ---- interaction -------------------------------------------------------------------------

  private onRowClick(e: MouseEvent): void {
    const hit = rowHit(e.target as HTMLElement);
    if (!hit) return;
    if (hit.twisty) this.toggle(hit.span);
    else this.select(hit.span);
    this.list.element.focus({ preventScroll: true });
  }

  private onKey(e: KeyboardEvent): void {
    const action = actionFor('list', e.key);
    if (action && this.snap && this.order.count > 0 && this.runKey(action)) e.preventDefault();
  }

  /** Does what a key of the list (or the toolbar button with its title) does; false: leave the key to the browser. */
  private runKey(action: KeyAction): boolean {
    const { snap, spans, state } = this;
    if (!snap || !spans) return false;
    if (isNavigation(action)) {
      const move = navigate(action, { selected: state.selected, order: this.order, spans, collapsed: state.collapsed, pageRows: this.list.pageRows() });
      if (move.toggle !== undefined) this.toggle(move.toggle);
      if (move.select !== undefined) this.select(move.select);
      return !move.pass;
    }
    const s = state.selected;
    const view = viewAfter(action, state.ui.view, this.domain, s >= 0 ? [spans.startMs(s), spans.endMs(s) ?? snap.endMs] : null);
    if (view) this.setView(view);
    return true;
  }

  private setView(v: View): void {
    this.state.ui.view = v;
    this.renderAll();
    this.state.save();
  }

  private applyFilter(text: string): void {
    this.state.ui.filter = text.trim();
    this.recomputeRows();
    this.state.save();
  }

  private toggle(i: number): void {
    const collapsed = this.state.collapsed;
    if (!this.spans || !this.spans.hasChildren(i)) return;
    if (!collapsed.delete(i)) collapsed.add(i);
    this.recomputeRows();
    this.state.save();
  }

  private select(i: number): void {
    if (!this.snap) return;
    this.state.selected = i;
    this.list.invalidate();
    this.ensureVisible(i);
    this.renderRows();
    this.renderDetails();
    this.state.save();
  }

  /** Expands the ancestors of a span if needed and scrolls it into the viewport. */
  private ensureVisible(i: number): void {
    const spans = this.spans;
    if (!spans) return;
    let changed = false;
    for (const a of ancestorsOf(spans, i)) if (this.state.collapsed.delete(a)) changed = true;
    if (changed) this.recomputeRows();
    const row = this.order.rowOf(i);
    if (row >= 0) this.list.reveal(row);
  }

  private pickFinding(index: number): void {
    const { snap, spans, state } = this;
    const f = snap?.report.findings[index];
    if (!snap || !spans || !f) return;
    this.list.invalidate();
    if (state.toggleFinding(index, snap.findingSpans[index] ?? [], spans.count)) {
      const first = state.firstHighlighted();
      if (first >= 0) {
        // A highlighted span hidden by the filter or a collapsed parent would be invisible: show it.
        if (state.ui.filter && this.order.rowOf(first) < 0) state.ui.filter = this.toolbar.filterInput.value = '';
        for (const i of state.highlighted) for (const a of ancestorsOf(spans, i)) state.collapsed.delete(a);
        this.recomputeRows();
        this.select(first);
      }
      this.host.post({ type: 'revealFinding', v: PROTOCOL_VERSION, traceId: snap.traceId, findingId: f.id, index });
    }
    this.renderRows();
    this.renderFindings();
  }
}
