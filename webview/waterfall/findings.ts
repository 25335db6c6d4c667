// The findings panel: each finding with its numbers and its fix. Clicking one asks the app to
// highlight the spans it is about (Finding.spanIds).
import type { Finding } from '../../src/protocol';
import { append, el } from './dom';
import { formatValue } from './format';

export function renderFindings(findings: readonly Finding[], active: number | null, onPick: (index: number) => void): HTMLElement {
  const root = el('section', 'tl-findings');
  root.setAttribute('aria-label', 'Findings');
  root.appendChild(el('h2', 'tl-h2', findings.length ? `Findings (${findings.length})` : 'Findings'));
  if (findings.length === 0) {
    root.appendChild(el('p', 'tl-muted', 'Nothing to report on this request.'));
    return root;
  }
  const list = el('ol', 'tl-finding-list');
  findings.forEach((f, i) => {
    const item = el('li', `tl-finding sev-${f.severity}${active === i ? ' active' : ''}`);
    item.tabIndex = 0;
    item.setAttribute('role', 'button');
    item.dataset['index'] = String(i);
    item.setAttribute('aria-pressed', active === i ? 'true' : 'false');
    const head = append(el('div', 'tl-finding-head'), el('span', `tl-sev sev-${f.severity}`, f.severity), el('span', 'tl-finding-title', f.title));
    const detail = el('p', 'tl-finding-detail', f.detail);
    const ev = el('dl', 'tl-evidence');
    for (const [k, v] of Object.entries(f.evidence)) {
      append(ev, el('dt', undefined, k), el('dd', undefined, Array.isArray(v) ? v.join(', ') : formatValue(v)));
    }
    const fix = append(el('p', 'tl-finding-fix'), el('strong', undefined, 'Fix: '), document.createTextNode(f.fix));
    const spans = f.spanIds?.length ? el('div', 'tl-muted', `${f.spanIds.length} span${f.spanIds.length > 1 ? 's' : ''} — click to highlight`) : null;
    append(item, head, detail, Object.keys(f.evidence).length ? ev : null, fix, spans);
    item.addEventListener('click', () => onPick(i));
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        onPick(i);
      }
    });
    list.appendChild(item);
  });
  root.appendChild(list);
  return root;
}
