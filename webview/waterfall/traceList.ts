// The trace list, shown when several traces were fetched: sortable by status, total and cold
// start; choosing a row asks the host for that trace's snapshot.
import { VERDICT_SEVERITY, type TraceListItem } from '../../src/protocol';
import { append, el } from './dom';
import { formatMs } from './format';
import type { Sort, SortKey } from './uiState';

/** Sorted copy; ties keep a stable, meaningful order (slowest first). */
export function sortTraces(items: readonly TraceListItem[], sort: Sort): TraceListItem[] {
  const key = (t: TraceListItem): number =>
    sort.key === 'total' ? t.totalMs : sort.key === 'coldStart' ? t.coldStartMs : VERDICT_SEVERITY[t.verdict] * 1000 + (t.status ?? 0);
  return [...items].sort((a, b) => (sort.desc ? key(b) - key(a) : key(a) - key(b)) || b.totalMs - a.totalMs);
}

export function renderTraceList(
  items: readonly TraceListItem[],
  current: string,
  sort: Sort,
  onSort: (s: Sort) => void,
  onPick: (traceId: string) => void,
): HTMLElement {
  const root = el('section', 'tl-traces');
  root.setAttribute('aria-label', 'Traces');
  const table = el('table', 'tl-trace-table');
  const head = el('tr');
  const col = (label: string, key: SortKey | null): HTMLTableCellElement => {
    const th = el('th');
    if (!key) {
      th.textContent = label;
      return th;
    }
    const b = el('button', 'tl-sort', `${label}${sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}`);
    b.type = 'button';
    b.dataset['sort'] = key;
    th.setAttribute('aria-sort', sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none');
    b.addEventListener('click', () => onSort({ key, desc: sort.key === key ? !sort.desc : true }));
    th.appendChild(b);
    return th;
  };
  append(head, col('Status', 'status'), col('Request', null), col('Total', 'total'), col('Cold start', 'coldStart'));
  table.appendChild(append(el('thead'), head));
  const body = el('tbody');
  for (const t of sortTraces(items, sort)) {
    const tr = el('tr', `tl-trace-row verdict-${t.verdict}${t.traceId === current ? ' current' : ''}`);
    tr.tabIndex = 0;
    tr.dataset['traceId'] = t.traceId;
    if (t.traceId === current) tr.setAttribute('aria-current', 'true');
    const status = el('td', 'tl-trace-status', t.status === null ? t.verdict : `${t.status} ${t.verdict}`);
    const req = el('td', 'tl-trace-req', [t.method, t.url ?? t.entryName].filter(Boolean).join(' '));
    req.title = t.traceId;
    append(tr, status, req, el('td', 'tl-num', formatMs(t.totalMs)), el('td', 'tl-num', t.coldStartMs > 0 ? formatMs(t.coldStartMs) : '–'));
    tr.addEventListener('click', () => onPick(t.traceId));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') onPick(t.traceId);
    });
    body.appendChild(tr);
  }
  table.appendChild(body);
  root.appendChild(table);
  return root;
}
