// The waterfall's keys, in one table (Jaeger UI's keyboard-mappings): the key handlers look an
// action up here, and the toolbar's titles, the filter's placeholder and the keyboard help
// dialog are written from it, so a key is changed, added or documented in one place.

/**
 * Where a key applies: the focused span list, the trace table, the findings, the filter box, the
 * help dialog, or anywhere outside a text field (`page`: after the focused part had its say).
 */
export type KeyScope = 'page' | 'list' | 'traces' | 'whatIf' | 'findings' | 'filter' | 'help';

export type KeyAction =
  // page
  | 'focusFilter'
  | 'toggleHelp'
  | 'worstSpan'
  | 'toSpans'
  | 'toTraces'
  | 'toWhatIf'
  | 'toFindings'
  | 'toDetails'
  | 'copyReport'
  | 'copyJson'
  // list
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
  | 'panLeft'
  | 'panRight'
  // traces
  | 'traceNext'
  | 'tracePrevious'
  | 'traceFirst'
  | 'traceLast'
  | 'openTrace'
  | 'sortPrevious'
  | 'sortNext'
  // what if
  | 'fixNext'
  | 'fixPrevious'
  | 'fixFirst'
  | 'fixLast'
  | 'toggleFix'
  | 'fixesToSpans'
  // findings
  | 'findingNext'
  | 'findingPrevious'
  | 'findingFirst'
  | 'findingLast'
  | 'pickFinding'
  | 'findingsToSpans'
  // filter
  | 'clearFilter'
  | 'toList'
  // help
  | 'closeHelp';

export interface KeyBinding {
  action: KeyAction;
  scope: KeyScope;
  /** `KeyboardEvent.key` values; the first is the one titles show. */
  keys: readonly string[];
  /** What the key does, in the words of the help and of the control that does the same. */
  help: string;
}

export const KEY_TABLE: readonly KeyBinding[] = [
  { action: 'toggleHelp', scope: 'page', keys: ['?'], help: 'Keyboard help' },
  { action: 'worstSpan', scope: 'page', keys: ['w'], help: 'Select the worst span' },
  { action: 'focusFilter', scope: 'page', keys: ['/'], help: 'Filter spans' },
  { action: 'toSpans', scope: 'page', keys: ['s'], help: 'Go to the spans' },
  { action: 'toTraces', scope: 'page', keys: ['t'], help: 'Go to the trace table' },
  { action: 'toWhatIf', scope: 'page', keys: ['i'], help: 'Go to the what-if fixes' },
  { action: 'toFindings', scope: 'page', keys: ['f'], help: 'Go to the findings' },
  { action: 'toDetails', scope: 'page', keys: ['d'], help: 'Go to the span details' },
  { action: 'copyReport', scope: 'page', keys: ['c'], help: 'Copy the text report' },
  { action: 'copyJson', scope: 'page', keys: ['C'], help: 'Copy the trace as JSON' },

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
  { action: 'panLeft', scope: 'list', keys: ['['], help: 'Pan to earlier times' },
  { action: 'panRight', scope: 'list', keys: [']'], help: 'Pan to later times' },

  { action: 'traceNext', scope: 'traces', keys: ['ArrowDown'], help: 'Next trace (from a sort header: the first trace)' },
  { action: 'tracePrevious', scope: 'traces', keys: ['ArrowUp'], help: 'Previous trace (from the first: the sort headers)' },
  { action: 'traceFirst', scope: 'traces', keys: ['Home'], help: 'First trace' },
  { action: 'traceLast', scope: 'traces', keys: ['End'], help: 'Last trace' },
  { action: 'openTrace', scope: 'traces', keys: ['Enter', ' '], help: 'Open the trace (on a sort header: sort by it)' },
  { action: 'sortPrevious', scope: 'traces', keys: ['ArrowLeft'], help: 'Previous sort header' },
  { action: 'sortNext', scope: 'traces', keys: ['ArrowRight'], help: 'Next sort header' },

  { action: 'fixNext', scope: 'whatIf', keys: ['ArrowRight', 'ArrowDown'], help: 'Next fix' },
  { action: 'fixPrevious', scope: 'whatIf', keys: ['ArrowLeft', 'ArrowUp'], help: 'Previous fix' },
  { action: 'fixFirst', scope: 'whatIf', keys: ['Home'], help: 'First fix' },
  { action: 'fixLast', scope: 'whatIf', keys: ['End'], help: 'Last fix' },
  { action: 'toggleFix', scope: 'whatIf', keys: ['Enter', ' '], help: 'Draw the bars as predicted with this fix (again: without it)' },
  { action: 'fixesToSpans', scope: 'whatIf', keys: ['Escape'], help: 'Back to the spans' },

  { action: 'findingNext', scope: 'findings', keys: ['ArrowDown'], help: 'Next finding' },
  { action: 'findingPrevious', scope: 'findings', keys: ['ArrowUp'], help: 'Previous finding' },
  { action: 'findingFirst', scope: 'findings', keys: ['Home'], help: 'First finding' },
  { action: 'findingLast', scope: 'findings', keys: ['End'], help: 'Last finding' },
  { action: 'pickFinding', scope: 'findings', keys: ['Enter', ' '], help: 'Highlight its spans and select the first (again: clear)' },
  { action: 'findingsToSpans', scope: 'findings', keys: ['Escape'], help: 'Back to the spans' },

  { action: 'clearFilter', scope: 'filter', keys: ['Escape'], help: 'Clear the filter' },
  { action: 'toList', scope: 'filter', keys: ['Enter', 'ArrowDown'], help: 'Back to the spans' },

  { action: 'closeHelp', scope: 'help', keys: ['Escape'], help: 'Close the help' },
];

/** How the help dialog heads each scope's keys, in the order it lists them. */
export const SCOPE_TITLES: ReadonlyArray<readonly [KeyScope, string]> = [
  ['page', 'Anywhere (outside the filter box)'],
  ['list', 'Span list'],
  ['traces', 'Trace table'],
  ['whatIf', 'What-if strip'],
  ['findings', 'Findings'],
  ['filter', 'Filter box'],
  ['help', 'This help'],
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

/** The binding of an action (every action has exactly one). */
export function bindingOf(action: KeyAction): KeyBinding {
  return byAction.get(action) as KeyBinding;
}

/** What of a KeyboardEvent the table reads. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/**
 * The action of a key event in `scope`, or undefined: keys with Ctrl, Alt or ⌘ belong to VS Code
 * and the browser (Ctrl+C copies the selected text, not the report); Shift is part of `key`.
 */
export function actionOfEvent(scope: KeyScope, e: KeyPress): KeyAction | undefined {
  if (e.ctrlKey || e.altKey || e.metaKey) return undefined;
  return actionFor(scope, e.key);
}

const KEY_NAMES: Record<string, string> = {
  ' ': 'Space',
  ArrowDown: '↓',
  ArrowUp: '↑',
  ArrowLeft: '←',
  ArrowRight: '→',
  Escape: 'Esc',
  PageDown: 'Page Down',
  PageUp: 'Page Up',
};

/** How a key is written for people: "Shift+C" for a capital letter. */
export function keyLabel(key: string): string {
  const named = KEY_NAMES[key];
  if (named) return named;
  return /^[A-Z]$/.test(key) ? `Shift+${key}` : key;
}

/** A control's title with its key, e.g. "Zoom in (+)". */
export function titleWithKey(action: KeyAction): string {
  const b = bindingOf(action);
  return `${b.help} (${keyLabel(b.keys[0] as string)})`;
}

/** `aria-keyshortcuts` of an action's control: its keys as ARIA spells them ("Shift+C", "?"). */
export function ariaKeys(action: KeyAction): string {
  return bindingOf(action)
    .keys.map((k) => (k === ' ' ? 'Space' : /^[A-Z]$/.test(k) ? `Shift+${k}` : k))
    .join(' ');
}

/** One line of the help: an action's keys and what it does. */
export interface HelpLine {
  keys: string[];
  help: string;
}

/** The keyboard help, by scope in SCOPE_TITLES order, each binding once: what the help dialog shows. */
export function keyHelpSections(): Array<{ scope: KeyScope; title: string; lines: HelpLine[] }> {
  return SCOPE_TITLES.map(([scope, title]) => ({
    scope,
    title,
    lines: KEY_TABLE.filter((b) => b.scope === scope).map((b) => ({ keys: b.keys.map(keyLabel), help: b.help })),
  }));
}

/** The keyboard help as plain text: one line per action, its keys first. */
export function keyHelp(): string {
  return KEY_TABLE.map((b) => `${b.keys.map(keyLabel).join(' / ')}: ${b.help}${b.scope === 'filter' ? ' (in the filter)' : ''}`).join('\n');
}
