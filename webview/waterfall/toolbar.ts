// The toolbar on top of the page: the span filter (typed text applied after a pause; its keys
// and placeholder from the key table), the span count, and a button for each of the view's
// actions (zoom, worst span, copy, keyboard help), each titled with its key from the key table
// and doing exactly what its key does.
import { append, el } from './dom';
import { actionOfEvent, ariaKeys, bindingOf, titleWithKey } from './keys';
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
  /** A button: does what its key does. */
  run(action: KeyAction): void;
}

export interface Toolbar {
  element: HTMLElement;
  filterInput: HTMLInputElement;
  /** "n spans" or "k of n spans". */
  filterCount: HTMLSpanElement;
  /** The keyboard help's button (aria-expanded follows the dialog). */
  helpButton: HTMLButtonElement;
}

/**
 * A toolbar button for a key's action, titled with the key table's words and its key. A button
 * drawn as a symbol (−, +, ?) is named by those words; one with a word keeps it as its name (the
 * name holds what is seen), the title describing it.
 */
function keyButton(text: string, action: KeyAction, actions: ToolbarActions): HTMLButtonElement {
  const b = el('button', 'tl-button', text);
  b.type = 'button';
  b.title = titleWithKey(action);
  if (!/\p{L}/u.test(text)) b.setAttribute('aria-label', bindingOf(action).help);
  b.setAttribute('aria-keyshortcuts', ariaKeys(action));
  b.dataset['action'] = action;
  b.addEventListener('click', () => actions.run(action));
  return b;
}

export function buildToolbar(actions: ToolbarActions): Toolbar {
  const filterInput = el('input', 'tl-filter');
  const filterCount = el('span', 'tl-filter-count');
  filterInput.type = 'search';
  filterInput.placeholder = titleWithKey('focusFilter');
  filterInput.setAttribute('aria-label', 'Filter spans by name, operation, table or URL');
  filterInput.setAttribute('aria-keyshortcuts', ariaKeys('focusFilter'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  filterInput.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => actions.filter(filterInput.value), FILTER_DEBOUNCE_MS);
  });
  filterInput.addEventListener('keydown', (e) => {
    const action = actionOfEvent('filter', e);
    if (action === 'clearFilter') {
      e.preventDefault();
      clearTimeout(timer);
      filterInput.value = '';
      actions.filter('');
      actions.leave();
    } else if (action === 'toList') {
      e.preventDefault();
      actions.toList();
    }
  });
  const helpButton = keyButton('?', 'toggleHelp', actions);
  helpButton.setAttribute('aria-haspopup', 'dialog');
  helpButton.setAttribute('aria-expanded', 'false');
  const element = append(
    el('div', 'tl-toolbar'),
    filterInput,
    filterCount,
    el('span', 'tl-spacer-flex'),
    keyButton('−', 'zoomOut', actions),
    keyButton('+', 'zoomIn', actions),
    keyButton('Fit', 'fit', actions),
    keyButton('Worst span', 'worstSpan', actions),
    keyButton('Copy JSON', 'copyJson', actions),
    keyButton('Copy report', 'copyReport', actions),
    helpButton,
  );
  element.setAttribute('role', 'group');
  element.setAttribute('aria-label', 'Waterfall tools');
  return { element, filterInput, filterCount, helpButton };
}
