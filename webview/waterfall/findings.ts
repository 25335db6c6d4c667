// The findings panel: each finding with its numbers and its fix. Choosing one asks the app to
// highlight the spans it is about (Finding.spanIds).
// A list of items, each with a toggle button (aria-pressed: the finding shown) named by its
// severity and title and described by its detail and fix. For the keyboard the list is one tab
// stop with a roving tabindex (the key table's `findings` scope): ↑/↓/Home/End move, Enter or
// Space shows the finding, Escape goes back to the spans.
import type { Finding } from '../../src/protocol';
import { findingNameParts } from './accessibleNames';
import { append, el } from './dom';
import { formatValue } from './format';
import { actionOfEvent } from './keys';
import { moveInLine } from './navigation';

export interface FindingsActions {
  /** Show (or, when shown, clear) finding `index`. */
  pick(index: number): void;
  /** Escape: back to the spans. */
  leave(): void;
}

export function renderFindings(findings: readonly Finding[], active: number | null, actions: FindingsActions): HTMLElement {
  const root = el('section', 'tl-findings');
  root.setAttribute('aria-label', 'Findings');
  root.appendChild(el('h2', 'tl-h2', findings.length ? `Findings (${findings.length})` : 'Findings'));
  if (findings.length === 0) {
    root.appendChild(el('p', 'tl-muted', 'Nothing to report on this request.'));
    return root;
  }
  const list = el('ul', 'tl-finding-list');
  const buttons: HTMLButtonElement[] = [];
  findings.forEach((f, i) => {
    const item = el('li', `tl-finding sev-${f.severity}${active === i ? ' active' : ''}`);
    item.dataset['index'] = String(i);
    const toggle = el('button', 'tl-finding-toggle');
    toggle.type = 'button';
    toggle.tabIndex = -1;
    toggle.id = `tl-finding-${i}`;
    toggle.setAttribute('aria-pressed', active === i ? 'true' : 'false');
    toggle.setAttribute('aria-describedby', `tl-finding-${i}-detail tl-finding-${i}-fix`);
    // Named by what it shows (findingName: "high severity: <title>"), the words between read, not seen.
    const [sev, between, title] = findingNameParts(f);
    append(toggle, el('span', `tl-sev sev-${f.severity}`, sev), el('span', 'tl-sr-only', between), el('span', 'tl-finding-title', title));
    const detail = el('p', 'tl-finding-detail', f.detail);
    detail.id = `tl-finding-${i}-detail`;
    const ev = el('dl', 'tl-evidence');
    for (const [k, v] of Object.entries(f.evidence)) {
      append(ev, el('dt', undefined, k), el('dd', undefined, Array.isArray(v) ? v.join(', ') : formatValue(v)));
    }
    const fix = append(el('p', 'tl-finding-fix'), el('strong', undefined, 'Fix: '), document.createTextNode(f.fix));
    fix.id = `tl-finding-${i}-fix`;
    const spans = f.spanIds?.length ? el('div', 'tl-muted', `${f.spanIds.length} span${f.spanIds.length > 1 ? 's' : ''} — click or press Enter to highlight`) : null;
    append(item, toggle, detail, Object.keys(f.evidence).length ? ev : null, fix, spans);
    // The whole card answers the pointer (and hands the focus to its button, so the keys go on
    // from there); the button inside it the keyboard, through the same click.
    item.addEventListener('click', () => {
      if (document.activeElement !== toggle) toggle.focus({ preventScroll: true });
      actions.pick(i);
    });
    buttons.push(toggle);
    list.appendChild(item);
  });
  const stop = (b: HTMLButtonElement): void => {
    for (const x of buttons) x.tabIndex = x === b ? 0 : -1;
  };
  stop(buttons[active ?? 0] ?? (buttons[0] as HTMLButtonElement));
  list.addEventListener('focusin', (e) => {
    if (buttons.includes(e.target as HTMLButtonElement)) stop(e.target as HTMLButtonElement);
  });
  list.addEventListener('keydown', (e) => {
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    const action = actionOfEvent('findings', e);
    if (at < 0 || !action) return;
    e.preventDefault();
    if (action === 'pickFinding') actions.pick(at);
    else if (action === 'findingsToSpans') actions.leave();
    else {
      const move = action === 'findingNext' ? 'next' : action === 'findingPrevious' ? 'previous' : action === 'findingFirst' ? 'first' : 'last';
      const b = buttons[moveInLine(move, at, buttons.length)] as HTMLButtonElement;
      stop(b);
      b.focus();
    }
  });
  root.appendChild(list);
  return root;
}

/** Marks finding `active` (null: none) as the one shown, in place: the focus stays where it is. */
export function showActiveFinding(root: HTMLElement, active: number | null): void {
  for (const item of Array.from(root.querySelectorAll<HTMLElement>('.tl-finding'))) {
    const on = Number(item.dataset['index']) === active;
    item.classList.toggle('active', on);
    item.querySelector('.tl-finding-toggle')?.setAttribute('aria-pressed', on ? 'true' : 'false');
  }
}

/** The button that holds the findings' tab stop, if there are findings. */
export function findingsTabStop(root: HTMLElement): HTMLButtonElement | null {
  return root.querySelector<HTMLButtonElement>('.tl-finding-toggle[tabindex="0"]');
}
