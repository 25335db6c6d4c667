// The waterfall app: lays out summary, trace list, toolbar, the virtualized rows with their axis,
// budget line, cut marker and after-cut hatching, and the side pane (findings, details).
// Data flow is one way: snapshot + UI state → visibleRows (pure) → view (pure) → DOM. Only the
// rows in the viewport (plus a little overscan) exist, recycled from a pool, so 100 000 spans
// cost one O(n) pass on collapse/filter and O(viewport) per scroll frame.
// Per frame the DOM is written, never read: sizes come from one measurement per render (and
// from the ResizeObserver), a row keeps its element while it stays in view, and a recycled
// element gets only the properties that differ from what it showed.
import { PROTOCOL_VERSION, SpanFlag } from '../../src/protocol';
import type { SpanDetails, WaterfallSnapshot, WebviewMessage } from '../../src/protocol';
import { renderDetails } from './details';
import { append, button, el } from './dom';
import { renderFindings } from './findings';
import { formatMs, formatShare } from './format';
import { ancestorsOf, matchesFilter, visibleRows } from './rows';
import { FULL_VIEW, panView, ticks, traceDomain, viewedPosition, viewOf, zoomView } from './scale';
import type { Domain, View } from './scale';
import { SpanTable } from './spans';
import { renderSummary } from './summary';
import { renderTraceList } from './traceList';
import type { Sort } from './traceList';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;
/** Scrolling counts as stopped after this long without a scroll position change. */
const SCROLL_IDLE_MS = 150;

/** What the webview persists with setState: UI state only, never trace data. */
export interface PersistedState {
  v: 2;
  traceId: string | null;
  restoreKey?: string;
  sort: Sort;
  perTrace: Record<string, TraceUi>;
}

export interface TraceUi {
  /** Indices of collapsed spans; they apply only to the spans of `spansKey`. */
  collapsed: number[];
  /** Index of the selected span, under the same condition. */
  selected: number | null;
  /** The snapshot's `spansKey` the indices belong to ('' = none). */
  spansKey: string;
  view: View;
  filter: string;
}

export interface Host {
  post(message: WebviewMessage): void;
  saveState(state: PersistedState): void;
}

/** A pooled row element and what it shows now, so a refill writes only what changed. */
interface RowSlot {
  root: HTMLDivElement;
  name: HTMLDivElement;
  twisty: HTMLSpanElement;
  twistyText: Text;
  flag: HTMLSpanElement;
  flagText: Text;
  labelText: Text;
  subText: Text;
  bar: HTMLDivElement;
  after: HTMLDivElement;
  barLabel: HTMLSpanElement;
  barLabelText: Text;
  shown: boolean;
  /** Row it is placed at (-1: to be placed), its span, and the draw generation it was filled in. */
  row: number;
  span: number;
  drawn: number;
  /** Last written values, by property. */
  was: Record<string, string>;
}

function defaultUi(): TraceUi {
  return { collapsed: [], selected: null, spansKey: '', view: FULL_VIEW, filter: '' };
}

export class WaterfallApp {
  private snap: WaterfallSnapshot | null = null;
  private spans: SpanTable | null = null;
  private domain: Domain = { startMs: 0, endMs: 1 };
  private ui: TraceUi = defaultUi();
  private collapsed = new Set<number>();
  /**
   * The span of each visible row; null for every span in order (nothing collapsed or filtered,
   * as when a trace opens: then there is nothing to compute before the first paint).
   */
  private rows: Int32Array | null = null;
  private rowCount = 0;
  /** Row of each span (-1 when hidden), made when first needed after the rows change. */
  private rowOf: Int32Array | null = null;
  private selected = -1;
  private highlighted = new Set<number>();
  private activeFinding: number | null = null;
  /** Details the host sent for the current snapshot, by span index; and those asked for. */
  private details = new Map<number, SpanDetails>();
  private asked = new Set<number>();
  private persisted: PersistedState;
  /** Row slots; `null` until a row first lands in it (the first paint makes only those on screen). */
  private pool: Array<RowSlot | null> = [];
  /** Bumped whenever what rows show may change other than by scrolling. */
  private generation = 0;
  /** Off for the first render of a snapshot: the first paint builds only the rows on screen. */
  private overscan = true;
  /** Scroll position of the last row render, the direction of travel, and whether it is ongoing. */
  private lastTop = 0;
  private direction = 0;
  private scrolling = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private frame = 0;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  /** Sizes from the last measurement: viewport height, scrollbar width, axis width. */
  private size = { height: 0, scrollbar: -1, axis: 0 };

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
    this.persisted = restored ?? { v: 2, traceId: null, sort: { key: 'total', desc: true }, perTrace: {} };
    this.build();
  }

  // ---- public API (main.ts, tests) ---------------------------------------------------------

  setSnapshot(snap: WaterfallSnapshot | null): void {
    if (this.snap) this.persistTrace();
    this.snap = snap;
    this.notice.hidden = true;
    this.generation++;
    this.details = new Map();
    this.asked = new Set();
    if (!snap) {
      this.spans = null;
      this.top.replaceChildren(el('p', 'tl-empty', 'No trace to show. Open a trace file (Timeout Lens: Open Trace File…).'));
      this.rows = null;
      this.rowCount = 0;
      this.rowOf = null;
      this.renderRows();
      return;
    }
    const spans = new SpanTable(snap.spans);
    this.spans = spans;
    this.domain = traceDomain(snap.minStartMs, snap.endMs, snap.report.budgetMs, snap.report.cutAtMs);
    const saved = this.persisted.perTrace[snap.traceId];
    // Indices were saved against particular spans: for other spans (the trace changed) only the
    // view and the filter still mean the same.
    const same = saved !== undefined && saved.spansKey !== '' && saved.spansKey === snap.spansKey;
    const valid = (i: number): boolean => Number.isInteger(i) && i >= 0 && i < spans.count;
    this.ui = saved ? { ...saved, collapsed: [...saved.collapsed] } : defaultUi();
    this.collapsed = new Set(same ? this.ui.collapsed.filter(valid) : []);
    this.selected = same && this.ui.selected !== null && valid(this.ui.selected) ? this.ui.selected : -1;
    this.highlighted.clear();
    this.activeFinding = null;
    this.filterInput.value = this.ui.filter;
    this.persisted.traceId = snap.traceId;
    if (snap.restoreKey !== undefined) this.persisted.restoreKey = snap.restoreKey;
    // Everything but the rows first, so that one layout (in measure) serves the axis and rows.
    this.renderTop();
    this.renderFindings();
    this.renderDetails();
    this.overscan = false;
    this.recomputeRows();
    this.save();
    // The rows beyond the viewport only matter once scrolling starts: after the first paint.
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.overscan = true;
        this.scheduleRows();
      }, 0),
    );
  }

  /** Details of a span, from the host (answering `requestDetails`). */
  setDetails(traceId: string, index: number, details: SpanDetails): void {
    if (!this.snap || traceId !== this.snap.traceId || !this.spans || index >= this.spans.count) return;
    this.details.set(index, details);
    if (index === this.selected) this.renderDetails();
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
        if (this.rowCount > 0 && this.selected === -1) this.select(this.spanAt(0));
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
    // Runs after layout, before paint: the first call finds the sizes of the first render.
    new ResizeObserver(() => {
      if (this.measure()) this.renderAll();
    }).observe(this.scroller);
  }

  /** Reads the sizes the axis and rows depend on (one layout); true when they changed. */
  private measure(): boolean {
    const height = this.scroller.clientHeight;
    // The scrollbar narrows the rows; the axis and overlay must line up with them exactly. The
    // head takes the new padding before the axis is measured (laying out the head again only
    // when a scrollbar came or went), so the first render already has the final axis width.
    const scrollbar = this.scroller.offsetWidth - this.scroller.clientWidth;
    if (scrollbar !== this.size.scrollbar) {
      this.head.style.paddingRight = `${scrollbar}px`;
      this.overlay.style.right = `${scrollbar}px`;
    }
    const axis = this.axis.clientWidth;
    const s = this.size;
    if (s.height === height && s.scrollbar === scrollbar && s.axis === axis) return false;
    this.size = { height, scrollbar, axis };
    return true;
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
    const spans = this.spans;
    const i = this.selected;
    const span = snap && spans && i >= 0 && i < spans.count ? spans.summary(i) : null;
    const details = span ? this.details.get(i) ?? null : null;
    if (snap && span && !details && !this.asked.has(i)) {
      this.asked.add(i);
      this.host.post({ type: 'requestDetails', v: PROTOCOL_VERSION, traceId: snap.traceId, index: i });
    }
    this.detailsHost.replaceChildren(
      renderDetails(span, details, snap?.report.budgetMs ?? null, snap?.report.cutAtMs ?? null, {
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
    const spans = this.spans;
    if (!snap || !spans) return;
    this.generation++;
    const filter = this.ui.filter.toLowerCase();
    this.rows = this.collapsed.size === 0 && filter === '' ? null : visibleRows(spans, { collapsed: this.collapsed, filter });
    this.rowCount = this.rows ? this.rows.length : spans.count;
    this.rowOf = null;
    this.spacer.style.height = `${this.rowCount * ROW_HEIGHT}px`;
    this.filterCount.textContent = this.ui.filter ? `${this.rowCount} of ${spans.count} spans` : `${spans.count} spans`;
    this.measure();
    this.renderAll();
  }

  /** The span shown at row `r` (0 ≤ r < rowCount). */
  private spanAt(r: number): number {
    return this.rows ? (this.rows[r] as number) : r;
  }

  /** The row showing span `i`, -1 when it is hidden (collapsed away or filtered out). */
  private rowOfSpan(i: number): number {
    if (!this.rows) return i >= 0 && i < this.rowCount ? i : -1;
    if (!this.rowOf) {
      const rowOf = new Int32Array(this.spans?.count ?? 0).fill(-1);
      for (let r = 0; r < this.rows.length; r++) rowOf[this.rows[r] as number] = r;
      this.rowOf = rowOf;
    }
    return this.rowOf[i] ?? -1;
  }

  private renderAll(): void {
    this.generation++;
    // Read before the axis is rewritten: afterwards the read would lay the page out again.
    const scrollTop = this.scroller.scrollTop;
    this.renderAxisAndOverlay();
    this.renderRows(scrollTop);
  }

  private scheduleRows(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderRows();
    });
  }

  private makeSlot(): RowSlot {
    const root = el('div', 'tl-row');
    root.setAttribute('role', 'treeitem');
    const name = el('div', 'tl-name');
    const twisty = el('span', 'tl-twisty');
    const flag = el('span', 'tl-flag');
    flag.hidden = true;
    const label = el('span', 'tl-label');
    const sub = el('span', 'tl-sub');
    // Text nodes are kept and their data changed: replacing them (textContent) rebuilds layout objects.
    const twistyText = twisty.appendChild(document.createTextNode(''));
    const flagText = flag.appendChild(document.createTextNode(''));
    const labelText = label.appendChild(document.createTextNode(''));
    const subText = sub.appendChild(document.createTextNode(''));
    append(name, twisty, flag, label, sub);
    const cell = el('div', 'tl-bar-cell');
    const bar = el('div', 'tl-bar');
    const after = el('div', 'tl-after-cut');
    after.hidden = true;
    const barLabel = el('span', 'tl-bar-label');
    const barLabelText = barLabel.appendChild(document.createTextNode(''));
    bar.appendChild(after);
    append(cell, bar, barLabel);
    append(root, name, cell);
    root.hidden = true;
    this.spacer.appendChild(root);
    return {
      root,
      name,
      twisty,
      twistyText,
      flag,
      flagText,
      labelText,
      subText,
      bar,
      after,
      barLabel,
      barLabelText,
      shown: false,
      row: -1,
      span: -1,
      drawn: -1,
      was: {},
    };
  }

  /**
   * Draws the rows in the viewport. Row `r` lives in slot `r % pool.length`, so a row that stays
   * in view keeps its element untouched and scrolling refills only the rows that came in.
   * `scrollTop` is passed by callers that read it before writing (a read after writes would lay
   * the page out again).
   */
  private renderRows(scrollTop?: number): void {
    const snap = this.snap;
    const spans = this.spans;
    if (!snap || !spans) {
      for (const s of this.pool) if (s) this.hide(s);
      return;
    }
    const top = scrollTop ?? this.scroller.scrollTop;
    const height = this.size.height || 600;
    this.trackScroll(top);
    // Overscan covers what an asynchronous (compositor) scroll may reveal before the next render:
    // while scrolling that is ahead of the movement only, so the rows behind get one; once
    // scrolling stops, both sides get the full overscan again (react-window's rule).
    const over = this.overscan ? OVERSCAN : 0;
    const behind = this.scrolling ? Math.min(1, over) : over;
    const above = this.direction < 0 ? over : behind;
    const below = this.direction > 0 ? over : behind;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - above);
    const last = Math.min(this.rowCount, Math.ceil((top + height) / ROW_HEIGHT) + below);
    // A pool sized for a screen and its overscan from the start, its elements made as rows first
    // land in them: a pool of another size maps rows to other slots, so growing it refills every row.
    const capacity = Math.max(last - first, Math.min(this.rowCount, Math.ceil(height / ROW_HEIGHT) + 1 + 2 * OVERSCAN));
    if (this.pool.length < capacity) {
      while (this.pool.length < capacity) this.pool.push(null);
      for (const s of this.pool) if (s) s.row = -1;
    }
    const n = this.pool.length;
    if (n === 0) return;
    const pos = viewedPosition(this.domain, this.ui.view);
    const filter = this.ui.filter.toLowerCase();
    for (let k = 0; k < n; k++) {
      // The one row of [first, last) that maps to slot k, if any.
      const row = first + ((((k - first) % n) + n) % n);
      let s = this.pool[k] ?? null;
      if (row >= last) {
        if (s) this.hide(s);
        continue;
      }
      if (!s) {
        s = this.makeSlot();
        this.pool[k] = s;
      }
      const i = this.spanAt(row);
      if (s.shown && s.row === row && s.span === i && s.drawn === this.generation) continue;
      const y = `translateY(${row * ROW_HEIGHT}px)`;
      if (s.was['y'] !== y) s.root.style.transform = s.was['y'] = y;
      if (!s.shown) {
        s.shown = true;
        s.root.hidden = false;
      }
      s.row = row;
      s.span = i;
      s.drawn = this.generation;
      this.fillRow(s, spans, i, pos, snap.report.budgetMs, snap.report.cutAtMs, snap.endMs, filter);
    }
  }

  private trackScroll(top: number): void {
    if (top === this.lastTop) return;
    this.direction = top > this.lastTop ? 1 : -1;
    this.lastTop = top;
    this.scrolling = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.scrolling = false;
      this.scheduleRows();
    }, SCROLL_IDLE_MS);
  }

  private hide(s: RowSlot): void {
    if (!s.shown) return;
    s.shown = false;
    s.row = -1;
    s.root.hidden = true;
  }

  private fillRow(
    r: RowSlot,
    spans: SpanTable,
    i: number,
    pos: (ms: number) => number,
    budget: number | null,
    cut: number | null,
    traceEnd: number,
    filter: string,
  ): void {
    const was = r.was;
    const style = spans.style(i);
    const f = style.flags;
    const startMs = spans.startMs(i);
    const endMs = spans.endMs(i);
    const kids = spans.hasChildren(i);
    const collapsed = this.collapsed.has(i);
    const afterCut = cut !== null && endMs !== null && endMs > cut;
    const fault = (f & SpanFlag.fault) !== 0;
    const error = (f & SpanFlag.error) !== 0;
    const throttle = (f & SpanFlag.throttle) !== 0;
    const inProgress = (f & SpanFlag.inProgress) !== 0;
    const flagged = fault || error || throttle;
    const selected = i === this.selected;
    const cls =
      'tl-row' +
      (selected ? ' selected' : '') +
      (this.highlighted.has(i) ? ' highlight' : '') +
      (matchesFilter(spans, i, filter) ? ' match' : '') +
      (flagged ? ' flagged' : '') +
      (afterCut ? ' past-cut' : '');
    const root = r.root;
    if (was['cls'] !== cls) root.className = was['cls'] = cls;
    const index = String(i);
    if (was['index'] !== index) root.dataset['index'] = was['index'] = index;
    const depth = spans.depth(i);
    const level = String(depth + 1);
    if (was['level'] !== level) root.setAttribute('aria-level', (was['level'] = level));
    const sel = selected ? 'true' : 'false';
    if (was['sel'] !== sel) root.setAttribute('aria-selected', (was['sel'] = sel));
    const expanded = kids ? (collapsed ? 'false' : 'true') : '';
    if (was['expanded'] !== expanded) {
      was['expanded'] = expanded;
      if (expanded) root.setAttribute('aria-expanded', expanded);
      else root.removeAttribute('aria-expanded');
    }
    // Deep traces: indentation stops growing at 24 levels so names stay readable. The indent is
    // the name cell's left padding: 6 px, the indent, and the 3 px gap that followed it.
    const pad = `${9 + Math.min(depth, 24) * 12}px`;
    if (was['pad'] !== pad) r.name.style.paddingLeft = was['pad'] = pad;
    const twisty = kids ? (collapsed ? '▸' : '▾') : '';
    if (was['twisty'] !== twisty) r.twistyText.data = was['twisty'] = twisty;
    const twistyCls = kids ? 'tl-twisty has-kids' : 'tl-twisty';
    if (was['twistyCls'] !== twistyCls) r.twisty.className = was['twistyCls'] = twistyCls;
    const flag = fault ? 'fault' : throttle ? 'throttle' : error ? 'error' : inProgress ? 'in progress' : '';
    if (was['flag'] !== flag) {
      was['flag'] = flag;
      r.flagText.data = flag === 'fault' ? '5xx' : flag === 'throttle' ? '429' : flag === 'error' ? '4xx' : flag ? '…' : '';
      r.flag.className = flag ? `tl-flag flag-${flag.replace(' ', '-')}` : 'tl-flag';
      r.flag.title = flag;
      r.flag.hidden = !flag;
    }
    const name = spans.name(i);
    if (was['label'] !== name) r.labelText.data = was['label'] = name;
    const sub = spans.sub(i);
    if (was['sub'] !== sub) r.subText.data = was['sub'] = sub;
    const title = `${name}${sub ? ` (${sub})` : ''}`;
    if (was['title'] !== title) root.title = was['title'] = title;
    this.placeBar(r, startMs, endMs, style.role, inProgress, flagged, pos, budget, cut, traceEnd);
  }

  private placeBar(
    r: RowSlot,
    startMs: number,
    endMs: number | null,
    role: string,
    inProgress: boolean,
    flagged: boolean,
    pos: (ms: number) => number,
    budget: number | null,
    cut: number | null,
    traceEnd: number,
  ): void {
    const was = r.was;
    const end = endMs ?? traceEnd;
    const x0 = pos(startMs);
    const x1 = pos(end);
    const hatched = cut !== null && end > cut;
    // The bar clips (to its rounded corners) only when it holds the hatching: a clip per bar costs paint.
    const barCls = `tl-bar role-${role}${inProgress ? ' in-progress' : ''}${flagged ? ' flagged' : ''}${hatched ? ' hatched' : ''}`;
    if (was['barCls'] !== barCls) r.bar.className = was['barCls'] = barCls;
    const left = `${x0 * 100}%`;
    if (was['left'] !== left) r.bar.style.left = was['left'] = left;
    const width = `${Math.max(0, x1 - x0) * 100}%`;
    if (was['width'] !== width) r.bar.style.width = was['width'] = width;
    if (hatched) {
      const from = Math.max(cut, startMs);
      const frac = end > startMs ? (from - startMs) / (end - startMs) : 0;
      const afterLeft = `${frac * 100}%`;
      if (was['afterLeft'] !== afterLeft) r.after.style.left = was['afterLeft'] = afterLeft;
    }
    const afterHidden = hatched ? '' : 'hidden';
    if (was['afterHidden'] !== afterHidden) r.after.hidden = (was['afterHidden'] = afterHidden) !== '';
    const dur = endMs === null ? null : endMs - startMs;
    const share = dur === null ? '' : formatShare(dur, budget);
    const text = dur === null ? 'in progress' : share ? `${formatMs(dur)} · ${share}` : formatMs(dur);
    if (was['barText'] !== text) r.barLabelText.data = was['barText'] = text;
    // Label right of the bar; left of it when the bar reaches the right edge; inside it when
    // the bar spans nearly the whole width (then there is no room on either side).
    let labelCls: string;
    let labelLeft: string;
    let labelRight: string;
    if (x1 < 0.8) {
      labelCls = 'tl-bar-label';
      labelLeft = `${Math.max(0, x1) * 100}%`;
      labelRight = '';
    } else if (x0 > 0.3) {
      labelCls = 'tl-bar-label left';
      labelLeft = '';
      labelRight = `${Math.min(1, 1 - x0) * 100}%`;
    } else {
      labelCls = 'tl-bar-label inside';
      labelLeft = `${Math.max(0, x0) * 100}%`;
      labelRight = '';
    }
    if (was['labelCls'] !== labelCls) r.barLabel.className = was['labelCls'] = labelCls;
    if (was['labelLeft'] !== labelLeft) r.barLabel.style.left = was['labelLeft'] = labelLeft;
    if (was['labelRight'] !== labelRight) r.barLabel.style.right = was['labelRight'] = labelRight;
  }

  private renderAxisAndOverlay(): void {
    const snap = this.snap;
    this.axis.replaceChildren();
    this.overlay.replaceChildren();
    if (!snap) return;
    const width = this.size.axis || 600;
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
    const spans = this.spans;
    if (!snap || !spans || this.rowCount === 0) return;
    const row = this.selected >= 0 ? this.rowOfSpan(this.selected) : -1;
    const pageRows = Math.max(1, Math.floor((this.size.height || this.scroller.clientHeight) / ROW_HEIGHT) - 1);
    const go = (r: number): void => this.select(this.spanAt(Math.max(0, Math.min(this.rowCount - 1, r))));
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
        go(this.rowCount - 1);
        break;
      case 'ArrowRight': {
        if (this.selected < 0) return go(0);
        if (spans.hasChildren(this.selected) && this.collapsed.has(this.selected)) this.toggle(this.selected);
        else if (spans.hasChildren(this.selected)) go(row + 1);
        break;
      }
      case 'ArrowLeft': {
        if (this.selected < 0) return go(0);
        const parent = spans.parent[this.selected] as number;
        if (spans.hasChildren(this.selected) && !this.collapsed.has(this.selected)) this.toggle(this.selected);
        else if (parent >= 0) this.select(parent);
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
          this.setView(viewOf(this.domain, spans.startMs(this.selected), spans.endMs(this.selected) ?? snap.endMs));
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
    if (!this.spans || !this.spans.hasChildren(i)) return;
    if (this.collapsed.has(i)) this.collapsed.delete(i);
    else this.collapsed.add(i);
    this.recomputeRows();
    this.save();
  }

  private select(i: number): void {
    if (!this.snap) return;
    this.selected = i;
    this.generation++;
    this.ensureVisible(i);
    this.renderRows();
    this.renderDetails();
    this.save();
  }

  /** Expands the ancestors of a span if needed and scrolls it into the viewport. */
  private ensureVisible(i: number): void {
    const spans = this.spans;
    if (!spans) return;
    let changed = false;
    for (const a of ancestorsOf(spans, i)) if (this.collapsed.delete(a)) changed = true;
    if (changed) this.recomputeRows();
    const row = this.rowOfSpan(i);
    if (row < 0) return;
    const top = row * ROW_HEIGHT;
    const h = this.size.height || this.scroller.clientHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > this.scroller.scrollTop + h) this.scroller.scrollTop = top + ROW_HEIGHT - h;
  }

  private pickFinding(index: number): void {
    const snap = this.snap;
    const spans = this.spans;
    if (!snap || !spans) return;
    const f = snap.report.findings[index];
    if (!f) return;
    const same = this.activeFinding === index;
    this.activeFinding = same ? null : index;
    this.highlighted = new Set();
    this.generation++;
    if (!same) {
      for (const i of snap.findingSpans[index] ?? []) if (i >= 0 && i < spans.count) this.highlighted.add(i);
      // A highlighted span hidden by the filter or a collapsed parent would be invisible: show it.
      const first = [...this.highlighted].sort((a, b) => a - b)[0];
      if (first !== undefined) {
        if (this.ui.filter && this.rowOfSpan(first) < 0) {
          this.ui.filter = '';
          this.filterInput.value = '';
          this.recomputeRows();
        }
        for (const i of this.highlighted) for (const a of ancestorsOf(spans, i)) this.collapsed.delete(a);
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
    this.ui.collapsed = [...this.collapsed];
    this.ui.selected = this.selected >= 0 ? this.selected : null;
    this.ui.spansKey = snap.spansKey;
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
