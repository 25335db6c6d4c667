// The waterfall app: puts the steps together and keeps them in order. Data flows one way:
// snapshot + UI state (uiState.ts) → visible rows (rows.ts, pure) → view bounds (scale.ts, pure)
// → bar and axis layouts (rowLayout.ts, axisLayout.ts, pure) → DOM: the virtual list
// (listView.ts) asks rowPainter.ts to fill the rows on screen, axisView.ts draws the axis and
// the lines over the rows. Keys come from one table (keys.ts, navigation.ts): each part of the
// page handles its own scope, and what is left over is the page's (`page` scope, here). 100 000
// spans cost one O(n) pass on collapse/filter and O(viewport) per scroll frame; sizes are read
// once per render (and by the ResizeObserver), never per frame.
// For assistive technology: the span list is a treegrid whose aria-activedescendant names the
// selected row while that row is drawn; one polite live region says what loaded and what a
// finding highlighted; the focus comes to the span list when the page gets it.
import { PROTOCOL_VERSION } from '../../src/protocol';
import type { SpanDetails, WaterfallSnapshot, WebviewMessage, WhatIfErrorMessage, WhatIfMessage } from '../../src/protocol';
import { layoutAxis } from './axisLayout';
import { drawAxis } from './axisView';
import { DetailsPane } from './detailsPane';
import { el } from './dom';
import { findingAnnouncement, loadAnnouncement } from './accessibleNames';
import { findingsTabStop, renderFindings, showActiveFinding } from './findings';
import { buildKeyboardHelp } from './keyboardHelp';
import type { KeyboardHelp } from './keyboardHelp';
import { actionOfEvent } from './keys';
import type { KeyAction } from './keys';
import { ListView } from './listView';
import { isNavigation, navigate, viewAfter } from './navigation';
import { buildPage, measurePage, showNotice } from './pageLayout';
import type { PageParts, PageSize } from './pageLayout';
import { flagMarks } from './rowLayout';
import { ROW_HEIGHT, clearRow, createRowSlot, paintRow, rowHit, rowId } from './rowPainter';
import type { PaintContext, RowSlot } from './rowPainter';
import { RowOrder, ancestorsOf } from './rows';
import { traceDomain, viewedPosition } from './scale';
import type { Domain, View } from './scale';
import { SpanTable } from './spans';
import { renderSummary } from './summary';
import { buildToolbar } from './toolbar';
import type { Toolbar } from './toolbar';
import { renderTraceList, tableFocusKey } from './traceList';
import { UiState } from './uiState';
import type { PersistedState } from './uiState';
import { attachViewGestures } from './viewGestures';
import { WhatIfStrip } from './whatIfStrip';
import { worstSpan } from './worstSpan';

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
    fill: (slot, row) => paintRow(slot, this.order.spanAt(row), row, this.paint as PaintContext),
    hide: clearRow,
    rendered: () => this.pointAtSelected(),
  });
  private readonly toolbar: Toolbar;
  private readonly page: PageParts;
  private readonly details: DetailsPane;
  private readonly help: KeyboardHelp;
  private readonly whatIf: WhatIfStrip;
  /** The row id aria-activedescendant names now ('' = none). */
  private activeId = '';
  /** A pointer is down: a focus it causes is the pointer's, not the keyboard's arrival. */
  private pointerDown = false;
  /** The focus the app is moving to the span list is not to select the worst span. */
  private noPick = false;

  constructor(root: HTMLElement, private readonly host: Host, restored: PersistedState | null) {
    this.state = new UiState(restored, (s) => host.saveState(s));
    const scroller = this.list.element;
    this.toolbar = buildToolbar({
      filter: (text) => this.applyFilter(text),
      leave: () => this.focusSpans(),
      toList: () => this.focusSpans(),
      run: (action) => this.runAction(action),
    });
    this.whatIf = new WhatIfStrip({
      post: (m) => host.post(m),
      changed: () => this.predictionChanged(),
      announce: (text) => this.announce(text),
      leave: () => this.focusSpans(),
    });
    this.page = buildPage(root, this.toolbar.element, scroller, this.whatIf.element);
    this.details = new DetailsPane(this.page.detailsHost, (m) => host.post(m));
    this.help = buildKeyboardHelp(() => {
      this.toolbar.helpButton.setAttribute('aria-expanded', 'false');
      if (document.activeElement === document.body) this.focusSpans();
    });
    root.appendChild(this.help.element);
    scroller.addEventListener('keydown', (e) => this.onKey(e));
    scroller.addEventListener('click', (e) => this.onRowClick(e));
    scroller.addEventListener('focus', () => this.onListFocus());
    document.addEventListener('pointerdown', () => (this.pointerDown = true), true);
    document.addEventListener('pointerup', () => (this.pointerDown = false), true);
    document.addEventListener('pointercancel', () => (this.pointerDown = false), true);
    document.addEventListener('keydown', (e) => this.onPageKey(e));
    // The panel got the focus (VS Code focuses the webview's frame): the keys go to the spans.
    window.addEventListener('focus', () => {
      if (!document.activeElement || document.activeElement === document.body) this.focusSpans();
    });
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
    // Focus inside what is about to be drawn anew (a finding, a link of the details) would fall to
    // the body: it goes to the spans instead, unless the trace table keeps it (renderTop).
    const focused = document.activeElement;
    const hadFocus = focused !== null && focused !== document.body && this.page.findingsHost.parentElement?.contains(focused) === true;
    this.snap = snap;
    this.page.notice.hidden = true;
    this.details.reset();
    if (!snap) {
      this.state.close();
      this.spans = null;
      this.whatIf.setTrace('', undefined);
      this.page.top.replaceChildren(el('p', 'tl-empty', 'No trace to show. Open a trace file (Timeout Lens: Open Trace File…).'));
      this.page.findingsHost.replaceChildren();
      this.order = new RowOrder(0, null);
      this.list.setCount(0);
      this.list.element.setAttribute('aria-rowcount', '0');
      this.renderRows();
      this.renderDetails();
      this.announce('No trace to show');
      return;
    }
    this.spans = new SpanTable(snap.spans);
    this.domain = traceDomain(snap.minStartMs, snap.endMs, snap.report.budgetMs, snap.report.cutAtMs);
    this.state.open(snap.traceId, snap.spansKey, this.spans.count, snap.restoreKey, snap.groupRows);
    this.toolbar.filterInput.value = this.state.ui.filter;
    this.whatIf.setTrace(snap.traceId, snap.report.whatIf);
    // Everything but the rows first, so that one layout (in measure) serves the axis and rows.
    this.renderTop();
    this.renderFindings();
    this.renderDetails();
    this.list.setOverscan(false);
    this.recomputeRows();
    this.state.save();
    this.announce(loadAnnouncement(snap.traceId, this.spanCount(), snap.report.findings.length, snap.groupRows?.length ?? 0));
    if (hadFocus && document.activeElement === document.body) this.focusSpans();
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

  /** The bars as a set of fixes would have them, from the host (answering `requestWhatIf`); stale ones are dropped. */
  setWhatIf(m: WhatIfMessage): void {
    this.whatIf.receive(m);
  }

  whatIfFailed(m: WhatIfErrorMessage): void {
    this.whatIf.fail(m);
  }

  /** A prediction came or went: the summary's line, the bars and the ghost marker of the measured end. */
  private predictionChanged(): void {
    const { snap, spans } = this;
    if (!snap || !spans) return;
    const old = this.page.top.querySelector('.tl-summary');
    old?.replaceWith(renderSummary(snap.report, flagMarks(spans.cols.styles), this.whatIf.current()?.text ?? null, snap.foundBy));
    this.renderAll();
  }

  showNotice(level: 'info' | 'error', text: string): void {
    showNotice(this.page.notice, level, text);
    this.announce(text);
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

  /**
   * The summary and the trace table. The table is drawn anew on a sort and with each snapshot (a
   * trace chosen in it): it keeps its scroll position (persisted, for a reloaded page too) and,
   * when it had the focus, the focus on the same row or header.
   */
  private renderTop(): void {
    const { snap, spans } = this;
    if (!snap || !spans) return;
    const old = this.page.top.querySelector<HTMLElement>('.tl-traces');
    const active = document.activeElement;
    const focusKey = old && active && old.contains(active) ? tableFocusKey(active) : null;
    if (old) this.state.persisted.traceTableScroll = old.scrollTop;
    const list =
      snap.traces.length > 1
        ? renderTraceList({
            items: snap.traces,
            current: snap.traceId,
            sort: this.state.persisted.sort,
            tabStop: focusKey,
            onSort: (s) => {
              this.state.setSort(s);
              this.renderTop();
            },
            onPick: (id) => {
              if (id === snap.traceId) return;
              const box = this.page.top.querySelector<HTMLElement>('.tl-traces');
              if (box) this.state.persisted.traceTableScroll = box.scrollTop;
              this.state.save();
              this.host.post({ type: 'selectTrace', v: PROTOCOL_VERSION, traceId: id });
            },
          })
        : null;
    this.page.top.replaceChildren(...[renderSummary(snap.report, flagMarks(spans.cols.styles), this.whatIf.current()?.text ?? null, snap.foundBy), list].filter((e) => e !== null));
    if (!list) return;
    // Only a scrolled table costs the layout this write takes.
    const scroll = this.state.persisted.traceTableScroll ?? 0;
    if (scroll > 0) list.scrollTop = scroll;
    if (focusKey) list.querySelector<HTMLElement>('[tabindex="0"]')?.focus({ preventScroll: true });
  }

  private renderFindings(): void {
    if (!this.snap) return;
    this.page.findingsHost.replaceChildren(
      renderFindings(this.snap.report.findings, this.state.activeFinding, {
        pick: (i) => this.pickFinding(i),
        leave: () => this.focusSpans(),
      }),
    );
  }

  private renderDetails(): void {
    const host = this.page.detailsHost;
    const active = document.activeElement;
    // A link of the old pane had the focus: the pane (the tab stop around it) keeps it.
    const inside = active !== null && active !== host && host.contains(active);
    this.details.render(this.snap, this.spans, this.state.selected);
    if (inside) host.focus({ preventScroll: true });
  }

  /** Says `text` in the live region (the same text twice is said twice). */
  private announce(text: string): void {
    const live = this.page.live;
    live.textContent = live.textContent === text ? `${text}\u00a0` : text;
  }

  /** The trace's spans: its rows but the group rows, which only gather calls. */
  private spanCount(): number {
    return (this.spans?.count ?? 0) - (this.snap?.groupRows?.length ?? 0);
  }

  /** The spans among the rows shown now (group rows shown are not spans). */
  private shownSpans(): number {
    let groups = 0;
    for (const g of this.snap?.groupRows ?? []) if (this.order.rowOf(g) >= 0) groups++;
    return this.order.count - groups;
  }

  /** The rows changed (collapse, filter, a new trace): one pass over the spans, then a render. */
  private recomputeRows(): void {
    const spans = this.spans;
    if (!this.snap || !spans) return;
    const ui = this.state.ui;
    this.order = RowOrder.of(spans, this.state.collapsed, ui.filter);
    this.list.setCount(this.order.count);
    this.list.element.setAttribute('aria-rowcount', String(this.order.count));
    this.toolbar.filterCount.textContent = ui.filter ? `${this.shownSpans()} of ${this.spanCount()} spans` : `${this.spanCount()} spans`;
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
    const p = this.whatIf.current();
    if (snap && p) {
      // The measured end, faint, so the prediction is read against what happened.
      const x = viewedPosition(this.domain, this.state.ui.view)(p.measuredMs);
      if (x >= 0 && x <= 1) {
        const ghost = el('div', 'tl-ghost-line');
        ghost.style.left = `${x * 100}%`;
        this.page.overlay.appendChild(ghost);
      }
    }
    this.renderRows(scrollTop);
  }

  private renderRows(scrollTop?: number): void {
    const { snap, spans, state } = this;
    const p = this.whatIf.current();
    // Under a prediction the request is cut only if it is still over the budget.
    const cutAtMs = p && snap && p.budgetMs !== null && p.totalMs <= p.budgetMs ? null : (snap?.report.cutAtMs ?? null);
    this.paint = snap && spans && {
      spans,
      pos: viewedPosition(this.domain, state.ui.view),
      budgetMs: snap.report.budgetMs,
      cutAtMs,
      traceEndMs: p ? p.endOfTraceMs : snap.endMs,
      filter: state.ui.filter.toLowerCase(),
      collapsed: state.collapsed,
      selected: state.selected,
      highlighted: state.highlighted,
      predicted: p,
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
    const action = actionOfEvent('list', e);
    if (action && this.snap && this.order.count > 0 && this.runKey(action)) e.preventDefault();
  }

  /**
   * The keys no part of the page took: the `page` scope, anywhere but in a text field (and only
   * `?` and Escape while the help is open). With the focus on the page itself (nothing focused),
   * the span list's keys work at once and take the focus there.
   */
  private onPageKey(e: KeyboardEvent): void {
    if (e.defaultPrevented) return;
    if (this.help.isOpen()) {
      if (actionOfEvent('page', e) === 'toggleHelp') {
        e.preventDefault();
        this.help.close();
      }
      return;
    }
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement) return;
    if (t === document.body || t === document.documentElement) {
      const listAction = actionOfEvent('list', e);
      if (listAction && this.snap && this.order.count > 0) {
        // The key itself says where to go (↓ from nothing: the first row): no worst span first.
        this.focusSpans(false);
        if (this.runKey(listAction)) e.preventDefault();
        return;
      }
    }
    const action = actionOfEvent('page', e);
    if (action && this.runAction(action)) e.preventDefault();
  }

  /** Does what a page key or a toolbar button does; false: nothing to do (the key is left alone). */
  private runAction(action: KeyAction): boolean {
    const snap = this.snap;
    switch (action) {
      case 'focusFilter':
        this.toolbar.filterInput.focus();
        this.toolbar.filterInput.select();
        return true;
      case 'toggleHelp':
        this.help.toggle();
        this.toolbar.helpButton.setAttribute('aria-expanded', String(this.help.isOpen()));
        return true;
      case 'worstSpan':
        if (!this.selectWorst()) return false;
        this.focusSpans();
        return true;
      case 'toSpans':
        this.focusSpans();
        return true;
      case 'toTraces': {
        const stop = this.page.top.querySelector<HTMLElement>('.tl-trace-table [tabindex="0"]');
        stop?.focus();
        return stop !== null;
      }
      case 'toWhatIf':
        return this.whatIf.focus();
      case 'toFindings': {
        const stop = findingsTabStop(this.page.findingsHost);
        stop?.focus();
        return stop !== null;
      }
      case 'toDetails':
        this.page.detailsHost.focus();
        return true;
      case 'copyReport':
      case 'copyJson':
        if (snap) this.host.post({ type: 'copyTrace', v: PROTOCOL_VERSION, traceId: snap.traceId, format: action === 'copyJson' ? 'json' : 'text' });
        return snap !== null;
      default:
        return this.runKey(action);
    }
  }

  /** Focuses the span list; with `pick`, it then selects the worst span if nothing is selected. */
  private focusSpans(pick = true): void {
    if (document.activeElement === this.list.element) {
      if (pick) this.onListFocus();
      return;
    }
    this.noPick = !pick;
    this.list.element.focus({ preventScroll: true });
    this.noPick = false;
  }

  /**
   * The span list got the focus by the keyboard (Tab, a key, the page's focus), with nothing
   * selected: the worst span is selected, so that the arrows move from there and the details show.
   */
  private onListFocus(): void {
    if (this.pointerDown || this.noPick || !this.snap || this.state.selected >= 0 || this.order.count === 0) return;
    this.selectWorst();
  }

  /** Selects the worst span (worstSpan.ts), or the first row when the filter hides it; false without rows. */
  private selectWorst(): boolean {
    const { snap, spans } = this;
    if (!snap || !spans || this.order.count === 0) return false;
    let i = worstSpan(spans, snap.findingSpans, snap.report.cutAtMs, snap.endMs);
    if (i < 0 || (this.state.ui.filter && this.order.rowOf(i) < 0)) i = this.order.spanAt(0);
    this.select(i);
    return true;
  }

  /**
   * After each render of the rows: aria-activedescendant names the selected row while an element
   * shows it, and nothing otherwise (a virtual list drops rows scrolled away).
   */
  private pointAtSelected(): void {
    const s = this.state.selected;
    const row = s >= 0 ? document.getElementById(rowId(s)) : null;
    const id = row && !row.hidden ? row.id : '';
    if (id === this.activeId) return;
    this.activeId = id;
    if (id) this.list.element.setAttribute('aria-activedescendant', id);
    else this.list.element.removeAttribute('aria-activedescendant');
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
    const was = this.state.ui.filter;
    this.state.ui.filter = text.trim();
    this.recomputeRows();
    this.state.save();
    if (this.spans && this.state.ui.filter !== was) {
      this.announce(this.state.ui.filter ? `${this.shownSpans()} of ${this.spanCount()} spans shown` : `Filter cleared: ${this.spanCount()} spans`);
    }
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

  /**
   * Shows a finding (or clears the one shown): its spans highlighted and the first selected, that
   * row and the details pane scrolled into view; the live region says what was highlighted. The
   * findings are marked in place, so the focus stays on the finding.
   */
  private pickFinding(index: number): void {
    const { snap, spans, state } = this;
    const f = snap?.report.findings[index];
    if (!snap || !spans || !f) return;
    this.list.invalidate();
    const shown = state.toggleFinding(index, snap.findingSpans[index] ?? [], spans.count);
    if (shown) {
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
    showActiveFinding(this.page.findingsHost, state.activeFinding);
    if (shown && state.selected >= 0) {
      document.getElementById(rowId(state.selected))?.scrollIntoView({ block: 'nearest' });
      this.page.detailsHost.scrollIntoView({ block: 'nearest' });
    }
    let groups = 0;
    for (const i of state.highlighted) if (spans.isGroup(i)) groups++;
    this.announce(findingAnnouncement(shown ? f : null, index, snap.report.findings.length, state.highlighted.size - groups, groups));
  }
}
