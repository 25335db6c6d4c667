// The waterfall's keys, in one table (Jaeger UI's keyboard-mappings): the key handlers look an
// action up here, and the toolbar's titles, the filter's placeholder and the keyboard help are
// written from it, so a key is changed, added or documented in one place.

/** Where a key applies: the focused span list, the filter box, or anywhere outside a text field. */
export type KeyScope = 'list' | 'filter' | 'page';

export type KeyAction =
  | 'next'
  | 'previous'
  | 'pageDown'
  | 'pageUp'
  | 'first'
  | 'last'
  | 'expandOrChild'
  | 'collapseOrParent'
  | 'toggle'
  | 'zoomIn'
  | 'zoomOut'
  | 'fit'
  | 'zoomToSpan'
  | 'focusFilter'
  | 'clearFilter'
  | 'toList';

export interface KeyBinding {
  action: KeyAction;
  scope: KeyScope;
  /** `KeyboardEvent.key` values; the first is the one titles show. */
  keys: readonly string[];
  /** What the key does, in the words of the help and of the control that does the same. */
  help: string;
}

export const KEY_TABLE: readonly KeyBinding[] = [
  { action: 'next', scope: 'list', keys: ['ArrowDown'], help: 'Next span' },
  { action: 'previous', scope: 'list', keys: ['ArrowUp'], help: 'Previous span' },
  { action: 'pageDown', scope: 'list', keys: ['PageDown'], help: 'A screen down' },
  { action: 'pageUp', scope: 'list', keys: ['PageUp'], help: 'A screen up' },
  { action: 'first', scope: 'list', keys: ['Home'], help: 'First span' },
  { action: 'last', scope: 'list', keys: ['End'], help: 'Last span' },
  { action: 'expandOrChild', scope: 'list', keys: ['ArrowRight'], help: 'Expand, or go to the first child' },
  { action: 'collapseOrParent', scope: 'list', keys: ['ArrowLeft'], help: 'Collapse, or go to the parent' },
  { action: 'toggle', scope: 'list', keys: ['Enter', ' '], help: 'Collapse or expand' },
  { action: 'zoomIn', scope: 'list', keys: ['+', '='], help: 'Zoom in' },
  { action: 'zoomOut', scope: 'list', keys: ['-'], help: 'Zoom out' },
  { action: 'fit', scope: 'list', keys: ['0'], help: 'Show the whole trace' },
  { action: 'zoomToSpan', scope: 'list', keys: ['z'], help: 'Zoom to the selected span' },
  { action: 'focusFilter', scope: 'page', keys: ['/'], help: 'Filter spans' },
  { action: 'clearFilter', scope: 'filter', keys: ['Escape'], help: 'Clear the filter' },
  { action: 'toList', scope: 'filter', keys: ['Enter', 'ArrowDown'], help: 'Back to the spans' },
];

const byKey = new Map<string, KeyAction>();
const byAction = new Map<KeyAction, KeyBinding>();
for (const b of KEY_TABLE) {
  byAction.set(b.action, b);
  for (const k of b.keys) byKey.set(`${b.scope} ${k}`, b.action);
}

/** The action of `key` in `scope`, if it has one. */
export function actionFor(scope: KeyScope, key: string): KeyAction | undefined {
  return byKey.get(`${scope} ${key}`);
}

const KEY_NAMES: Record<string, string> = {
  ' ': 'Space',
  ArrowDown: '↓',
  ArrowUp: '↑',
  ArrowLeft: '←',
  ArrowRight: '→',
  Escape: 'Esc',
};

/** How a key is written for people. */
export function keyLabel(key: string): string {
  return KEY_NAMES[key] ?? key;
}

/** A control's title with its key, e.g. "Zoom in (+)". */
export function titleWithKey(action: KeyAction): string {
  const b = byAction.get(action) as KeyBinding;
  return `${b.help} (${keyLabel(b.keys[0] as string)})`;
}

/** The keyboard help: one line per action, its keys first. */
export function keyHelp(): string {
  return KEY_TABLE.map((b) => `${b.keys.map(keyLabel).join(' / ')}: ${b.help}${b.scope === 'filter' ? ' (in the filter)' : ''}`).join('\n');
}
