// Paints a span into a pooled row element: name cell (indent, twisty, flag, name, subtitle) and
// bar cell (bar, after-cut hatching, label). A slot remembers what it last wrote, property by
// property, so refilling a recycled element writes only what differs: most scroll frames change
// a handful of properties per row, not its whole subtree.
import { SpanFlag } from '../../src/protocol';
import { append, el } from './dom';
import { matchesFilter } from './rows';
import { flagText, indentPx, layoutBar, rowFlag } from './rowLayout';
import type { SpanTable } from './spans';

/** A row's height in px: the stylesheet's --tl-row-h. */
export const ROW_HEIGHT = 22;

/** A row element with its parts and what it shows now. */
export interface RowSlot {
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
  /** Last written values, by property. */
  was: Record<string, string>;
}

/** What painting a row depends on besides the span: the same for every row of one render. */
export interface PaintContext {
  spans: SpanTable;
  /** Time → fraction of the timeline width, for the current view. */
  pos: (ms: number) => number;
  budgetMs: number | null;
  cutAtMs: number | null;
  traceEndMs: number;
  /** Lower-cased filter text ('' = none). */
  filter: string;
  collapsed: ReadonlySet<number>;
  selected: number;
  highlighted: ReadonlySet<number>;
}

export function createRowSlot(): RowSlot {
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
  const flagTextNode = flag.appendChild(document.createTextNode(''));
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
  return { root, name, twisty, twistyText, flag, flagText: flagTextNode, labelText, subText, bar, after, barLabel, barLabelText, was: {} };
}

/** Sets `key` of the slot through `write` when it differs from what was last written. */
function put(r: RowSlot, key: string, value: string, write: (v: string) => void): void {
  if (r.was[key] === value) return;
  r.was[key] = value;
  write(value);
}

/** Shows span `i` in slot `r`. */
export function paintRow(r: RowSlot, i: number, c: PaintContext): void {
  const { spans, cutAtMs: cut } = c;
  const root = r.root;
  const style = spans.style(i);
  const startMs = spans.startMs(i);
  const endMs = spans.endMs(i);
  const kids = spans.hasChildren(i);
  const collapsed = c.collapsed.has(i);
  const flag = rowFlag(style.flags);
  const flagged = flag !== '' && flag !== 'in progress';
  const selected = i === c.selected;
  const cls =
    'tl-row' +
    (selected ? ' selected' : '') +
    (c.highlighted.has(i) ? ' highlight' : '') +
    (matchesFilter(spans, i, c.filter) ? ' match' : '') +
    (flagged ? ' flagged' : '') +
    (cut !== null && endMs !== null && endMs > cut ? ' past-cut' : '');
  put(r, 'cls', cls, (v) => (root.className = v));
  put(r, 'index', String(i), (v) => (root.dataset['index'] = v));
  const depth = spans.depth(i);
  put(r, 'level', String(depth + 1), (v) => root.setAttribute('aria-level', v));
  put(r, 'sel', selected ? 'true' : 'false', (v) => root.setAttribute('aria-selected', v));
  put(r, 'expanded', kids ? (collapsed ? 'false' : 'true') : '', (v) => (v ? root.setAttribute('aria-expanded', v) : root.removeAttribute('aria-expanded')));
  put(r, 'pad', `${indentPx(depth)}px`, (v) => (r.name.style.paddingLeft = v));
  put(r, 'twisty', kids ? (collapsed ? '▸' : '▾') : '', (v) => (r.twistyText.data = v));
  put(r, 'twistyCls', kids ? 'tl-twisty has-kids' : 'tl-twisty', (v) => (r.twisty.className = v));
  put(r, 'flag', flag, (v) => {
    r.flagText.data = flagText(flag);
    r.flag.className = v ? `tl-flag flag-${v.replace(' ', '-')}` : 'tl-flag';
    r.flag.title = v;
    r.flag.hidden = !v;
  });
  const name = spans.name(i);
  put(r, 'label', name, (v) => (r.labelText.data = v));
  const sub = spans.sub(i);
  put(r, 'sub', sub, (v) => (r.subText.data = v));
  put(r, 'title', `${name}${sub ? ` (${sub})` : ''}`, (v) => (root.title = v));

  const b = layoutBar(startMs, endMs, c.pos, c.budgetMs, cut, c.traceEndMs);
  // The bar clips (to its rounded corners) only when it holds the hatching: a clip per bar costs paint.
  const barCls = `tl-bar role-${style.role}${style.flags & SpanFlag.inProgress ? ' in-progress' : ''}${flagged ? ' flagged' : ''}${b.hatched ? ' hatched' : ''}`;
  put(r, 'barCls', barCls, (v) => (r.bar.className = v));
  put(r, 'left', `${b.left * 100}%`, (v) => (r.bar.style.left = v));
  put(r, 'width', `${b.width * 100}%`, (v) => (r.bar.style.width = v));
  if (b.hatched) put(r, 'afterLeft', `${b.afterLeft * 100}%`, (v) => (r.after.style.left = v));
  put(r, 'afterHidden', b.hatched ? '' : 'hidden', (v) => (r.after.hidden = v !== ''));
  put(r, 'barText', b.label, (v) => (r.barLabelText.data = v));
  put(r, 'labelCls', b.labelSide === 'right' ? 'tl-bar-label' : `tl-bar-label ${b.labelSide}`, (v) => (r.barLabel.className = v));
  put(r, 'labelLeft', b.labelSide === 'left' ? '' : `${b.labelAt * 100}%`, (v) => (r.barLabel.style.left = v));
  put(r, 'labelRight', b.labelSide === 'left' ? `${b.labelAt * 100}%` : '', (v) => (r.barLabel.style.right = v));
}

/** The span of the row an event hit, and whether it hit the twisty; null off the rows. */
export function rowHit(target: HTMLElement): { span: number; twisty: boolean } | null {
  const row = target.closest<HTMLElement>('.tl-row');
  const span = row ? Number(row.dataset['index']) : NaN;
  return Number.isInteger(span) ? { span, twisty: target.classList.contains('tl-twisty') } : null;
}
