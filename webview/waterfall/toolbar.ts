// The toolbar above the waterfall: the span filter (typed text applied after a pause; its keys
// and placeholder from the key table), the span count, zoom buttons titled from the key table,
// and the copy buttons.
import { append, button, el } from './dom';
import { actionFor, titleWithKey } from './keys';
import type { KeyAction } from './keys';

/** Typing is applied this long after the last keystroke. */
const FILTER_DEBOUNCE_MS = 60;

export interface ToolbarActions {
  /** The filter text changed (after the pause, or at once when cleared). */
  filter(text: string): void;
  /** Enter or ↓ in the filter: back to the rows. */
  toList(): void;
  /** Escape in the filter, after clearing it. */
  leave(): void;
  /** A zoom button: does what its key does. */
  run(action: KeyAction): void;
  copy(format: 'json' | 'text'): void;
}

export interface Toolbar {
  element: HTMLElement;
  filterInput: HTMLInputElement;
  /** "n spans" or "k of n spans". */
  filterCount: HTMLSpanElement;
}

export function buildToolbar(actions: ToolbarActions): Toolbar {
  const filterInput = el('input', 'tl-filter');
  const filterCount = el('span', 'tl-filter-count');
  filterInput.type = 'search';
  filterInput.placeholder = titleWithKey('focusFilter');
  filterInput.setAttribute('aria-label', 'Filter spans by name, operation, table or URL');
  let timer: ReturnType<typeof setTimeout> | undefined;
  filterInput.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => actions.filter(filterInput.value), FILTER_DEBOUNCE_MS);
  });
  filterInput.addEventListener('keydown', (e) => {
    const action = actionFor('filter', e.key);
    if (action === 'clearFilter') {
      clearTimeout(timer);
      filterInput.value = '';
      actions.filter('');
      actions.leave();
    } else if (action === 'toList') {
      e.preventDefault();
      actions.toList();
    }
  });
  const element = append(
    el('div', 'tl-toolbar'),
    filterInput,
    filterCount,
    el('span', 'tl-spacer-flex'),
    button('−', titleWithKey('zoomOut'), () => actions.run('zoomOut')),
    button('+', titleWithKey('zoomIn'), () => actions.run('zoomIn')),
    button('Fit', titleWithKey('fit'), () => actions.run('fit')),
    button('Copy JSON', 'Copy the trace as JSON', () => actions.copy('json')),
    button('Copy report', 'Copy the text report', () => actions.copy('text')),
  );
  return { element, filterInput, filterCount };
}

/** `/` anywhere but in a text field focuses the filter (the key table's page scope). */
export function focusFilterOnSlash(filterInput: HTMLInputElement): void {
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement | null;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement;
    if (typing || actionFor('page', e.key) !== 'focusFilter') return;
    e.preventDefault();
    filterInput.focus();
    filterInput.select();
  });
}
