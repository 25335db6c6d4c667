// The UI state of the waterfall, on its own: per trace what the user collapsed, selected, zoomed
// to and filtered by, the trace list's sort, and the finding shown. Persisted through the
// webview's setState (UI state only, never trace data); what VS Code gives back is checked here.
import { FULL_VIEW } from './scale';
import type { View } from './scale';

export type SortKey = 'status' | 'total' | 'coldStart';

/** The trace list's order. */
export interface Sort {
  key: SortKey;
  desc: boolean;
}

/** What the webview persists with setState. */
export interface PersistedState {
  v: 2;
  traceId: string | null;
  restoreKey?: string;
  sort: Sort;
  perTrace: Record<string, TraceUi>;
  /**
   * The trace table's scroll position: choosing a trace redraws the table with the new snapshot
   * (or a reloaded page draws it anew), and it must not jump back to the top.
   */
  traceTableScroll?: number;
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

/** Keep the persisted state small: the UI of the last 20 traces is plenty. */
const KEPT_TRACES = 20;

function defaultUi(): TraceUi {
  return { collapsed: [], selected: null, spansKey: '', view: FULL_VIEW, filter: '' };
}

/** The shown trace's UI state, and the persisted state of all traces. */
export class UiState {
  readonly persisted: PersistedState;
  /** View and filter of the shown trace (collapsed and selected as of the last save). */
  ui: TraceUi = defaultUi();
  collapsed = new Set<number>();
  /** Selected span, -1 for none. */
  selected = -1;
  /** Spans of the active finding, and the finding; not persisted. */
  highlighted = new Set<number>();
  activeFinding: number | null = null;
  private shown: { traceId: string; spansKey: string } | null = null;

  constructor(
    restored: PersistedState | null,
    private readonly write: (state: PersistedState) => void,
  ) {
    this.persisted = restored ?? { v: 2, traceId: null, sort: { key: 'total', desc: true }, perTrace: {} };
  }

  /**
   * Shows a trace with its saved UI. Indices were saved against particular spans: for other
   * spans (the trace changed) only the view and the filter still mean the same, and the rows start
   * with `collapsedAtFirst` collapsed (the group rows: a run of 438 calls is one row until opened).
   */
  open(traceId: string, spansKey: string, spanCount: number, restoreKey: string | undefined, collapsedAtFirst: readonly number[] = []): void {
    this.keep();
    const saved = this.persisted.perTrace[traceId];
    const same = saved !== undefined && saved.spansKey !== '' && saved.spansKey === spansKey;
    const valid = (i: number): boolean => Number.isInteger(i) && i >= 0 && i < spanCount;
    this.ui = saved ? { ...saved, collapsed: [...saved.collapsed] } : defaultUi();
    this.collapsed = new Set(same ? this.ui.collapsed.filter(valid) : collapsedAtFirst.filter(valid));
    this.selected = same && this.ui.selected !== null && valid(this.ui.selected) ? this.ui.selected : -1;
    this.highlighted.clear();
    this.activeFinding = null;
    this.shown = { traceId, spansKey };
    this.persisted.traceId = traceId;
    if (restoreKey !== undefined) this.persisted.restoreKey = restoreKey;
  }

  /** No trace is shown any more (its UI is kept). */
  close(): void {
    this.keep();
    this.shown = null;
  }

  /**
   * Shows finding `index` with the spans it is about highlighted or, when it is shown already,
   * hides it. True when it is shown now.
   */
  toggleFinding(index: number, spans: readonly number[], spanCount: number): boolean {
    const show = this.activeFinding !== index;
    this.activeFinding = show ? index : null;
    this.highlighted = new Set(show ? spans.filter((i) => i >= 0 && i < spanCount) : []);
    return show;
  }

  /** The first highlighted span in the snapshot's order, -1 for none. */
  firstHighlighted(): number {
    let first = -1;
    for (const i of this.highlighted) if (first < 0 || i < first) first = i;
    return first;
  }

  setSort(sort: Sort): void {
    this.persisted.sort = sort;
    this.save();
  }

  /** Writes the state through setState. */
  save(): void {
    this.keep();
    this.write(this.persisted);
  }

  private keep(): void {
    const shown = this.shown;
    if (!shown) return;
    this.ui.collapsed = [...this.collapsed];
    this.ui.selected = this.selected >= 0 ? this.selected : null;
    this.ui.spansKey = shown.spansKey;
    this.persisted.perTrace[shown.traceId] = this.ui;
    const keys = Object.keys(this.persisted.perTrace);
    for (const k of keys.slice(0, Math.max(0, keys.length - KEPT_TRACES))) delete this.persisted.perTrace[k];
  }
}

type Loose = Record<string, unknown>;

function isLoose(x: unknown): x is Loose {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isSort(x: unknown): x is Sort {
  return isLoose(x) && (x['key'] === 'status' || x['key'] === 'total' || x['key'] === 'coldStart') && typeof x['desc'] === 'boolean';
}

function viewOf(x: unknown): View | null {
  return isLoose(x) && typeof x['start'] === 'number' && typeof x['end'] === 'number' ? { start: x['start'], end: x['end'] } : null;
}

/**
 * What VS Code kept of the last session, checked (it is only as trustworthy as our last write).
 * Version 1 kept collapsed and selected spans by id; version 2 keeps indices with the snapshot's
 * spansKey, so a version 1 state keeps its trace, sort, views and filters, not its collapse and
 * selection.
 */
export function restoredState(x: unknown): PersistedState | null {
  if (!isLoose(x) || (x['v'] !== 1 && x['v'] !== 2) || !isLoose(x['perTrace'])) return null;
  const perTrace: Record<string, TraceUi> = {};
  for (const [traceId, raw] of Object.entries(x['perTrace'])) {
    if (!isLoose(raw)) continue;
    const view = viewOf(raw['view']);
    if (!view) continue;
    const ui: TraceUi = { collapsed: [], selected: null, spansKey: '', view, filter: typeof raw['filter'] === 'string' ? raw['filter'] : '' };
    if (x['v'] === 2 && typeof raw['spansKey'] === 'string' && Array.isArray(raw['collapsed'])) {
      ui.spansKey = raw['spansKey'];
      ui.collapsed = raw['collapsed'].filter((i): i is number => typeof i === 'number');
      ui.selected = typeof raw['selected'] === 'number' ? raw['selected'] : null;
    }
    perTrace[traceId] = ui;
  }
  const state: PersistedState = {
    v: 2,
    traceId: typeof x['traceId'] === 'string' ? x['traceId'] : null,
    sort: isSort(x['sort']) ? x['sort'] : { key: 'total', desc: true },
    perTrace,
  };
  if (typeof x['restoreKey'] === 'string') state.restoreKey = x['restoreKey'];
  const scroll = x['traceTableScroll'];
  if (typeof scroll === 'number' && Number.isFinite(scroll) && scroll >= 0) state.traceTableScroll = scroll;
  return state;
}
