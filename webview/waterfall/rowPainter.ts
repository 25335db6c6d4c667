// Paints a span into a pooled row element: name cell (indent, twisty, flag, name, subtitle) and
// bar cell (bar, after-cut hatching, label). A slot remembers what it last wrote, property by
// property, so refilling a recycled element writes only what differs: most scroll frames change
// a handful of properties per row, not its whole subtree.
// For screen readers a row is a treegrid row (its level, expansion, selection and place among the
// rows as attributes) named by what its bar draws (accessibleNames.ts), with the id `rowId(span)`
// that the list's aria-activedescendant points at.
import { SpanFlag } from '../../src/protocol';
import { spanAccessibleName } from './accessibleNames';
import { append, el } from './dom';
import { matchesFilter } from './rows';
import { flagText, indentPx, layoutBar, rowFlag } from './rowLayout';
import type { SpanTable } from './spans';

/** A row's height in px: the stylesheet's --tl-row-h. */
export const ROW_HEIGHT = 22;

/** The id of the element that shows span `i` (while one does). */
export function rowId(i: number): string {
  return `tl-span-${i}`;
}

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
  /** A what-if's bars (whatIfStrip.ts), per span like the columns; null: the measured ones. */
  predicted: { startMs: readonly number[]; endMs: readonly number[] } | null;
}

export function createRowSlot(): RowSlot {
  const root = el('div', 'tl-row');
  root.setAttribute('role', 'row');
  const name = el('div', 'tl-name');
  name.setAttribute('role', 'gridcell');
  const twisty = el('span', 'tl-twisty');
  // The row's aria-expanded says what the triangle draws.
  twisty.setAttribute('aria-hidden', 'true');
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
  cell.setAttribute('role', 'gridcell');
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

/**
 * Shows span `i` at row `row` (0-based among the rows shown) in slot `r`. Each property is written
 * only when it differs from what the slot last showed (`was`); written out rather than through a
 * helper, as this runs for every row that scrolls in.
 */
export function paintRow(r: RowSlot, i: number, row: number, c: PaintContext): void {
  const { spans, cutAtMs: cut } = c;
  const was = r.was;
  const root = r.root;
  const style = spans.style(i);
  const p = c.predicted;
  const startMs = p ? (p.startMs[i] as number) : spans.startMs(i);
  const measuredEnd = spans.endMs(i);
  // An in-progress span stays in progress: drawn to the (predicted) end of the trace.
  const endMs = p && measuredEnd !== null ? (p.endMs[i] as number) : measuredEnd;
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
    (style.flags & SpanFlag.group ? ' group' : '') +
    (cut !== null && endMs !== null && endMs > cut ? ' past-cut' : '');
  if (was['cls'] !== cls) root.className = was['cls'] = cls;
  const index = String(i);
  if (was['index'] !== index) {
    root.dataset['index'] = was['index'] = index;
    root.id = rowId(i);
  }
  const rowIndex = String(row + 1);
  if (was['rowIndex'] !== rowIndex) root.setAttribute('aria-rowindex', (was['rowIndex'] = rowIndex));
  const depth = spans.depth(i);
  const level = String(depth + 1);
  if (was['level'] !== level) root.setAttribute('aria-level', (was['level'] = level));
  const sel = selected ? 'true' : 'false';
  if (was['sel'] !== sel) root.setAttribute('aria-selected', (was['sel'] = sel));
  const expanded = kids ? (collapsed ? 'false' : 'true') : '';
  if (was['expanded'] !== expanded) {
    was['expanded'] = expanded;
    if (expanded) root.setAttribute('aria-expanded', expanded);
    else root.removeAttribute('aria-expanded');
  }
  const pad = `${indentPx(depth)}px`;
  if (was['pad'] !== pad) r.name.style.paddingLeft = was['pad'] = pad;
  const twisty = kids ? (collapsed ? '▸' : '▾') : '';
  if (was['twisty'] !== twisty) r.twistyText.data = was['twisty'] = twisty;
  const twistyCls = kids ? 'tl-twisty has-kids' : 'tl-twisty';
  if (was['twistyCls'] !== twistyCls) r.twisty.className = was['twistyCls'] = twistyCls;
  if (was['flag'] !== flag) {
    was['flag'] = flag;
    r.flagText.data = flagText(flag, style.kind);
    r.flag.className = flag ? `tl-flag flag-${flag.replace(' ', '-')}` : 'tl-flag';
    r.flag.title = flag;
    r.flag.hidden = !flag;
  }
  const name = spans.name(i);
  if (was['label'] !== name) r.labelText.data = was['label'] = name;
  const sub = spans.sub(i);
  if (was['sub'] !== sub) r.subText.data = was['sub'] = sub;
  const title = `${name}${sub ? ` (${sub})` : ''}`;
  if (was['title'] !== title) root.title = was['title'] = title;
  const label = spanAccessibleName({
    name,
    sub,
    kind: style.kind,
    flags: style.flags,
    startMs,
    endMs,
    budgetMs: c.budgetMs,
    cutAtMs: cut,
    highlighted: c.highlighted.has(i),
    predicted: p !== null,
  });
  if (was['aria'] !== label) root.setAttribute('aria-label', (was['aria'] = label));

  const b = layoutBar(startMs, endMs, c.pos, c.budgetMs, cut, c.traceEndMs);
  // The bar clips (to its rounded corners) only when it holds the hatching: a clip per bar costs paint.
  const barCls = `tl-bar role-${style.role}${style.flags & SpanFlag.inProgress ? ' in-progress' : ''}${style.flags & SpanFlag.group ? ' group' : ''}${flagged ? ' flagged' : ''}${b.hatched ? ' hatched' : ''}${p ? ' predicted' : ''}`;
  if (was['barCls'] !== barCls) r.bar.className = was['barCls'] = barCls;
  const left = `${b.left * 100}%`;
  if (was['left'] !== left) r.bar.style.left = was['left'] = left;
  const width = `${b.width * 100}%`;
  if (was['width'] !== width) r.bar.style.width = was['width'] = width;
  if (b.hatched) {
    const afterLeft = `${b.afterLeft * 100}%`;
    if (was['afterLeft'] !== afterLeft) r.after.style.left = was['afterLeft'] = afterLeft;
  }
  const afterHidden = b.hatched ? '' : 'hidden';
  if (was['afterHidden'] !== afterHidden) r.after.hidden = (was['afterHidden'] = afterHidden) !== '';
  if (was['barText'] !== b.label) r.barLabelText.data = was['barText'] = b.label;
  const labelCls = b.labelSide === 'right' ? 'tl-bar-label' : `tl-bar-label ${b.labelSide}`;
  if (was['labelCls'] !== labelCls) r.barLabel.className = was['labelCls'] = labelCls;
  const at = `${b.labelAt * 100}%`;
  const labelLeft = b.labelSide === 'left' ? '' : at;
  if (was['labelLeft'] !== labelLeft) r.barLabel.style.left = was['labelLeft'] = labelLeft;
  const labelRight = b.labelSide === 'left' ? at : '';
  if (was['labelRight'] !== labelRight) r.barLabel.style.right = was['labelRight'] = labelRight;
}

/**
 * A slot the list hides: it gives up its span's id, which another slot may show next (the list's
 * aria-activedescendant must never find a hidden row).
 */
export function clearRow(r: RowSlot): void {
  if (r.was['index'] === undefined) return;
  r.root.removeAttribute('id');
  delete r.was['index'];
  // Nor does it stay "selected" or "highlighted" out of sight, for whoever queries the rows.
  r.root.className = 'tl-row';
  delete r.was['cls'];
}

/** The span of the row an event hit, and whether it hit the twisty; null off the rows. */
export function rowHit(target: HTMLElement): { span: number; twisty: boolean } | null {
  const row = target.closest<HTMLElement>('.tl-row');
  const span = row ? Number(row.dataset['index']) : NaN;
  return Number.isInteger(span) ? { span, twisty: target.classList.contains('tl-twisty') } : null;
}
