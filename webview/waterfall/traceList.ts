// The trace table, shown when several traces were fetched: sortable by status, total and cold
// start; choosing a row asks the host for that trace's snapshot.
// For the keyboard it is one tab stop, an ARIA grid with a roving tabindex over its rows and its
// sort headers: ↑/↓/Home/End move between rows, ↑ from the first row goes up into the sort
// headers, ←/→ move between them and ↓ comes back; Enter or Space opens the trace (on a header:
// sorts by it). The keys are the key table's `traces` scope. Which element holds the focus is
// named by a focus key ("trace:<id>", "sort:<key>"), so the app can put it back after the table
// is drawn again (a sort, a new snapshot).
import { VERDICT_SEVERITY, type TraceListItem } from '../../src/protocol';
import { traceRowName } from './accessibleNames';
import { append, el } from './dom';
import { formatMs } from './format';
import { actionOfEvent } from './keys';
import { SORT_COLUMNS, moveInTable } from './navigation';
import type { TableCursor } from './navigation';
import type { Sort, SortKey } from './uiState';

/** Sorted copy; ties keep a stable, meaningful order (slowest first). */
export function sortTraces(items: readonly TraceListItem[], sort: Sort): TraceListItem[] {
  const key = (t: TraceListItem): number =>
    sort.key === 'total' ? t.totalMs : sort.key === 'coldStart' ? t.coldStartMs : VERDICT_SEVERITY[t.verdict] * 1000 + (t.status ?? 0);
  return [...items].sort((a, b) => (sort.desc ? key(b) - key(a) : key(a) - key(b)) || b.totalMs - a.totalMs);
}

export interface TraceTableOptions {
  items: readonly TraceListItem[];
  /** The trace shown. */
  current: string;
  sort: Sort;
  onSort(sort: Sort): void;
  onPick(traceId: string): void;
  /** The focus key of the element that holds the tab stop (default: the trace shown). */
  tabStop?: string | null;
}

/** Scrolls `box` the least that shows `target` whole below a sticky header of `inset` px. */
function revealIn(box: HTMLElement, target: HTMLElement, inset: number): void {
  const top = target.offsetTop;
  const bottom = top + target.offsetHeight;
  if (top - inset < box.scrollTop) box.scrollTop = Math.max(0, top - inset);
  else if (bottom > box.scrollTop + box.clientHeight) box.scrollTop = bottom - box.clientHeight;
}

/** The focus key of a table element (see the header), or null outside the table's stops. */
export function tableFocusKey(e: Element | null): string | null {
  const h = e?.closest<HTMLElement>('.tl-sort');
  if (h?.dataset['sort']) return `sort:${h.dataset['sort']}`;
  const r = e?.closest<HTMLElement>('.tl-trace-row');
  return r?.dataset['traceId'] ? `trace:${r.dataset['traceId']}` : null;
}

export function renderTraceList(o: TraceTableOptions): HTMLElement {
  const { sort } = o;
  const root = el('section', 'tl-traces');
  root.setAttribute('aria-label', 'Traces');
  const table = el('table', 'tl-trace-table');
  table.setAttribute('role', 'grid');
  table.setAttribute('aria-label', `Traces (${o.items.length}), sorted by ${sort.key === 'coldStart' ? 'cold start' : sort.key}`);
  const head = el('tr');
  const headers: HTMLButtonElement[] = [];
  const col = (label: string, key: SortKey | null): HTMLTableCellElement => {
    const th = el('th');
    th.scope = 'col';
    if (!key) {
      th.textContent = label;
      return th;
    }
    const b = el('button', 'tl-sort', label);
    b.type = 'button';
    b.tabIndex = -1;
    b.dataset['sort'] = key;
    b.title = `Sort by ${label.toLowerCase()}`;
    if (sort.key === key) {
      // The arrow is drawn; aria-sort on the header says it.
      const arrow = el('span', 'tl-sort-arrow', sort.desc ? ' ▼' : ' ▲');
      arrow.setAttribute('aria-hidden', 'true');
      b.appendChild(arrow);
    }
    th.setAttribute('aria-sort', sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none');
    b.addEventListener('click', () => o.onSort({ key, desc: sort.key === key ? !sort.desc : true }));
    headers.push(b);
    th.appendChild(b);
    return th;
  };
  append(head, col('Status', 'status'), col('Request', null), col('Total', 'total'), col('Cold start', 'coldStart'));
  table.appendChild(append(el('thead'), head));
  const body = el('tbody');
  const rows: HTMLTableRowElement[] = [];
  for (const t of sortTraces(o.items, sort)) {
    const shown = t.traceId === o.current;
    const tr = el('tr', `tl-trace-row verdict-${t.verdict}${shown ? ' current' : ''}`);
    tr.tabIndex = -1;
    tr.dataset['traceId'] = t.traceId;
    tr.setAttribute('aria-selected', shown ? 'true' : 'false');
    tr.setAttribute('aria-label', traceRowName(t));
    const status = el('td', 'tl-trace-status', t.status === null ? t.verdict : `${t.status} ${t.verdict}`);
    const req = el('td', 'tl-trace-req', [t.method, t.url ?? t.entryName].filter(Boolean).join(' '));
    req.title = t.traceId;
    append(tr, status, req, el('td', 'tl-num', formatMs(t.totalMs)), el('td', 'tl-num', t.coldStartMs > 0 ? formatMs(t.coldStartMs) : '–'));
    tr.addEventListener('click', () => o.onPick(t.traceId));
    rows.push(tr);
    body.appendChild(tr);
  }
  table.appendChild(body);
  root.appendChild(table);

  const at = (c: TableCursor): HTMLElement | undefined => ('header' in c ? headers[c.header] : rows[c.row]);
  const stop = (target: HTMLElement): void => {
    for (const e of [...headers, ...rows]) e.tabIndex = e === target ? 0 : -1;
  };
  const wanted = o.tabStop ?? `trace:${o.current}`;
  stop([...headers, ...rows].find((e) => tableFocusKey(e) === wanted) ?? rows.find((r) => r.dataset['traceId'] === o.current) ?? rows[0] ?? (headers[0] as HTMLElement));
  // A click moves the tab stop too, so that Tab comes back where the pointer was.
  table.addEventListener('focusin', (e) => {
    const t = e.target as HTMLElement;
    if (headers.includes(t as HTMLButtonElement) || rows.includes(t as HTMLTableRowElement)) stop(t);
  });
  table.addEventListener('keydown', (e) => {
    const action = actionOfEvent('traces', e);
    const t = e.target as HTMLElement;
    const header = headers.indexOf(t as HTMLButtonElement);
    const row = rows.indexOf(t as HTMLTableRowElement);
    if (!action || (header < 0 && row < 0)) return;
    e.preventDefault();
    if (action === 'openTrace') {
      if (header >= 0) (headers[header] as HTMLButtonElement).click();
      else o.onPick(rows[row]?.dataset['traceId'] as string);
      return;
    }
    const cursor: TableCursor = header >= 0 ? { header } : { row };
    const next = moveInTable(action, cursor, rows.length, Math.max(0, SORT_COLUMNS.indexOf(sort.key)));
    const target = next && at(next);
    if (!target) return;
    stop(target);
    target.focus({ preventScroll: true });
    revealIn(root, target, 'row' in (next as TableCursor) ? head.offsetHeight : 0);
  });
  return root;
}
