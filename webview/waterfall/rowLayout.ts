// Where a row's bar, its after-cut hatching and its label go, and what its flag and indent are:
// pure functions of the span's times and the view (positions are fractions of the timeline
// width, as scale.ts gives them), so the painter only writes them and Node tests check them.
import { FUNCTION_SPAN_KINDS, SpanFlag } from '../../src/protocol';
import { formatMs, formatShare } from './format';

export interface BarLayout {
  /** Left edge and width, as fractions of the timeline width (left may be < 0 or > 1). */
  left: number;
  width: number;
  /** Whether the bar runs past the cut; `afterLeft` is where the hatching starts, as a fraction of the bar. */
  hatched: boolean;
  afterLeft: number;
  /** Duration and share of the budget, or "in progress". */
  label: string;
  /** Right of the bar; left of it when the bar reaches the right edge; inside it when it spans nearly all. */
  labelSide: 'right' | 'left' | 'inside';
  /** The label's left (sides right and inside) or right (side left) edge, as a fraction of the width. */
  labelAt: number;
}

/**
 * The bar of a span from `startMs` to `endMs` (null: in progress, drawn to `traceEndMs`) under
 * `pos` (time → fraction of the timeline width).
 */
export function layoutBar(
  startMs: number,
  endMs: number | null,
  pos: (ms: number) => number,
  budgetMs: number | null,
  cutAtMs: number | null,
  traceEndMs: number,
): BarLayout {
  const end = endMs ?? traceEndMs;
  const x0 = pos(startMs);
  const x1 = pos(end);
  const hatched = cutAtMs !== null && end > cutAtMs;
  let afterLeft = 0;
  if (hatched) {
    const from = Math.max(cutAtMs, startMs);
    afterLeft = end > startMs ? (from - startMs) / (end - startMs) : 0;
  }
  const dur = endMs === null ? null : endMs - startMs;
  const share = dur === null ? '' : formatShare(dur, budgetMs);
  const label = dur === null ? 'in progress' : share ? `${formatMs(dur)} · ${share}` : formatMs(dur);
  const side = x1 < 0.8 ? 'right' : x0 > 0.3 ? 'left' : 'inside';
  const labelAt = side === 'right' ? Math.max(0, x1) : side === 'left' ? Math.min(1, 1 - x0) : Math.max(0, x0);
  return { left: x0, width: Math.max(0, x1 - x0), hatched, afterLeft, label, labelSide: side, labelAt };
}

export type RowFlag = 'fault' | 'throttle' | 'error' | 'in progress' | '';

/** The one flag a row shows, the gravest first. */
export function rowFlag(flags: number): RowFlag {
  if (flags & SpanFlag.fault) return 'fault';
  if (flags & SpanFlag.throttle) return 'throttle';
  if (flags & SpanFlag.error) return 'error';
  if (flags & SpanFlag.inProgress) return 'in progress';
  return '';
}

/** The flag's badge text; `kind` tells a function's error (it threw) from an HTTP call's 4xx. */
export function flagText(flag: RowFlag, kind?: string): string {
  if (flag === 'error') return kind !== undefined && FUNCTION_SPAN_KINDS.has(kind) ? 'error' : '4xx';
  return flag === 'fault' ? '5xx' : flag === 'throttle' ? '429' : flag ? '…' : '';
}

/** Deep traces: indentation stops growing at this depth so names stay readable. */
export const MAX_INDENT_DEPTH = 24;

/** The name cell's left padding in px: 6 px, 12 px a level, and the 3 px gap that followed the indent. */
export function indentPx(depth: number): number {
  return 9 + Math.min(depth, MAX_INDENT_DEPTH) * 12;
}

/** A flag badge as the rows show it, for the legend. */
export interface FlagMark {
  flag: RowFlag;
  /** The badge's text ("5xx", "429", "4xx", "error", "…"). */
  text: string;
  /** What it means, in words. */
  meaning: string;
}

const MARK_MEANINGS: Record<string, string> = {
  '5xx': 'fault (5xx)',
  '429': 'throttled (429)',
  '4xx': 'client error (4xx)',
  error: 'the function threw',
  '…': 'in progress',
};

/**
 * The badges the rows of a trace can show, once each, gravest first: from the snapshot's few
 * distinct styles, not its spans, so the legend costs nothing at 100 000 spans.
 */
export function flagMarks(styles: ReadonlyArray<{ flags: number; kind: string }>): FlagMark[] {
  const seen = new Map<string, FlagMark>();
  for (const s of styles) {
    const flag = rowFlag(s.flags);
    if (!flag) continue;
    const text = flagText(flag, s.kind);
    if (!seen.has(text)) seen.set(text, { flag, text, meaning: MARK_MEANINGS[text] ?? flag });
  }
  const order = ['5xx', '429', '4xx', 'error', '…'];
  return [...seen.values()].sort((a, b) => order.indexOf(a.text) - order.indexOf(b.text));
}
