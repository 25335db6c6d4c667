// The "What if" strip above the rows: one toggle per fix of the trace's what-if (report.whatIf,
// core/whatIf.ts), the smallest fix that is enough labelled so. While any toggle is on, the host
// is asked for the bars as those fixes would have them (`requestWhatIf` → `whatIf`, one array per
// column, once per change) and the app draws them "predicted"; an answer for another trace or
// another set of fixes than the one on now is dropped. All toggles off: the measured bars again.
// For the keyboard the strip is one tab stop with a roving tabindex (the key table's `whatIf`
// scope): ←/→/↑/↓/Home/End move, Enter or Space toggles, Escape goes back to the spans. Each
// toggle is a real <button aria-pressed>; its state is a ✓ as well as a colour.
import { PROTOCOL_VERSION } from '../../src/protocol';
import type { TraceReport, WebviewMessage, WhatIfErrorMessage, WhatIfMessage } from '../../src/protocol';
import { append, el } from './dom';
import { formatMs } from './format';
import { predictionAnnouncement, predictionText } from './accessibleNames';
import { actionOfEvent } from './keys';
import { moveInLine } from './navigation';

type TraceWhatIf = NonNullable<TraceReport['whatIf']>;
type WhatIfFix = TraceWhatIf['fixes'][number];

/** The bars under the fixes on now: per snapshot row, like its columns. */
export interface Prediction {
  fixIds: readonly string[];
  startMs: readonly number[];
  endMs: readonly number[];
  totalMs: number;
  fits: boolean | null;
  marginMs: number | null;
  /** The latest predicted end (where an in-progress bar is drawn to). */
  endOfTraceMs: number;
  /** What the predictions start from (the measured end: the ghost marker), and the budget. */
  measuredMs: number;
  budgetMs: number | null;
  /** "Predicted: 1.19 s · 27.8 s under the 29.0 s budget (≥ 20 % headroom ✓)". */
  text: string;
}

export interface WhatIfStripHooks {
  post(m: WebviewMessage): void;
  /** The prediction drawn changed (null: the measured bars). */
  changed(p: Prediction | null): void;
  announce(text: string): void;
  /** Escape: back to the spans. */
  leave(): void;
}

/** Two fixes that cannot go together: one group of calls both batched and run concurrently. */
function conflicts(a: WhatIfFix, b: WhatIfFix): boolean {
  const group = (k: string): boolean => k === 'batch-calls' || k === 'concurrent-calls';
  return a.id !== b.id && group(a.kind) && group(b.kind) && a.target !== undefined && a.target === b.target;
}

export class WhatIfStrip {
  readonly element: HTMLElement;
  private readonly list: HTMLDivElement;
  private readonly status: HTMLDivElement;
  private traceId = '';
  private whatIf: TraceWhatIf | undefined;
  private buttons: HTMLButtonElement[] = [];
  /** The fixes on, in the order of the trace's fixes. */
  private on: string[] = [];
  private prediction: Prediction | null = null;

  constructor(private readonly hooks: WhatIfStripHooks) {
    this.element = el('section', 'tl-whatif');
    this.element.setAttribute('aria-label', 'What if');
    this.element.hidden = true;
    this.list = el('div', 'tl-whatif-fixes');
    this.list.setAttribute('role', 'group');
    this.list.setAttribute('aria-label', 'Fixes to draw the bars with');
    this.status = el('div', 'tl-whatif-status');
    append(this.element, el('h2', 'tl-h2 tl-whatif-title', 'What if'), this.list, this.status);
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('focusin', (e) => {
      if (this.buttons.includes(e.target as HTMLButtonElement)) this.stop(e.target as HTMLButtonElement);
    });
  }

  /** The prediction drawn now, or null. */
  current(): Prediction | null {
    return this.prediction;
  }

  /** A new snapshot: its trace's fixes, all off. */
  setTrace(traceId: string, whatIf: TraceWhatIf | undefined): void {
    this.traceId = traceId;
    this.whatIf = whatIf;
    this.on = [];
    this.prediction = null;
    this.buttons = [];
    this.list.replaceChildren();
    this.status.replaceChildren();
    const fixes = whatIf?.fixes ?? [];
    this.element.hidden = fixes.length === 0;
    const enough = whatIf?.enough?.fixIds ?? [];
    for (const f of fixes) {
      const b = el('button', 'tl-whatif-toggle');
      b.type = 'button';
      b.tabIndex = -1;
      b.dataset['fixId'] = f.id;
      b.setAttribute('aria-pressed', 'false');
      // The rule with its numbers, for the pointer; the words on the button for everyone.
      b.title = f.rule;
      const check = el('span', 'tl-whatif-check', '✓');
      check.setAttribute('aria-hidden', 'true');
      const tag = enough.length === 1 && enough[0] === f.id ? 'enough on its own' : enough.length > 1 && enough.includes(f.id) ? `enough with ${enough.length - 1} more` : '';
      append(
        b,
        check,
        el('span', 'tl-whatif-name', f.title),
        el('span', 'tl-whatif-total', ` → ${formatMs(f.predictedMs)}${f.fits === true ? ' ✓' : f.fits === false ? ' ✗' : ''}`),
        tag ? el('span', 'tl-whatif-enough', tag) : null,
      );
      b.addEventListener('click', () => this.toggle(f.id));
      this.buttons.push(b);
      this.list.appendChild(b);
    }
    if (this.buttons[0]) this.stop(this.buttons[0]);
    this.showStatus();
  }

  /** Focuses the strip's tab stop; false when the trace has no fixes. */
  focus(): boolean {
    const b = this.buttons.find((x) => x.tabIndex === 0) ?? this.buttons[0];
    b?.focus();
    return b !== undefined;
  }

  /** The host's answer; false (dropped) when it is for another trace or another set than the one on now. */
  receive(m: WhatIfMessage): boolean {
    if (!this.isCurrent(m.traceId, m.fixIds) || !this.whatIf) return false;
    let end = 0;
    for (const x of m.endMs) if (x > end) end = x;
    const w = this.whatIf;
    this.prediction = {
      fixIds: m.fixIds,
      startMs: m.startMs,
      endMs: m.endMs,
      totalMs: m.totalMs,
      fits: m.fits,
      marginMs: m.marginMs,
      endOfTraceMs: end,
      measuredMs: w.baseMs,
      budgetMs: w.budgetMs,
      text: predictionText(m.totalMs, m.marginMs, m.fits, w.budgetMs, w.headroom),
    };
    this.showStatus();
    this.hooks.changed(this.prediction);
    this.hooks.announce(predictionAnnouncement(this.titles(), m.totalMs, m.marginMs));
    return true;
  }

  /** The host could not predict this set: said, and the measured bars are drawn. */
  fail(m: WhatIfErrorMessage): boolean {
    if (!this.isCurrent(m.traceId, m.fixIds)) return false;
    this.prediction = null;
    this.showStatus(`No prediction: ${m.message}`);
    this.hooks.changed(null);
    this.hooks.announce(`No prediction: ${m.message}`);
    return true;
  }

  private isCurrent(traceId: string, fixIds: readonly string[]): boolean {
    return traceId === this.traceId && fixIds.length === this.on.length && fixIds.every((id, k) => id === this.on[k]);
  }

  private titles(): string[] {
    return (this.whatIf?.fixes ?? []).filter((f) => this.on.includes(f.id)).map((f) => f.title);
  }

  private toggle(id: string): void {
    const fixes = this.whatIf?.fixes ?? [];
    const fix = fixes.find((f) => f.id === id);
    if (!fix) return;
    const on = new Set(this.on);
    if (on.has(id)) on.delete(id);
    else {
      on.add(id);
      // One group cannot be batched and run concurrently at once: the other one goes off.
      for (const f of fixes) if (conflicts(f, fix)) on.delete(f.id);
    }
    this.on = fixes.filter((f) => on.has(f.id)).map((f) => f.id);
    for (const b of this.buttons) {
      const pressed = on.has(b.dataset['fixId'] ?? '');
      b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
      b.classList.toggle('on', pressed);
    }
    if (this.on.length === 0) {
      this.prediction = null;
      this.showStatus();
      this.hooks.changed(null);
      this.hooks.announce('Prediction off: the measured bars');
      return;
    }
    // The bars stay as they are until the answer comes; the status says it is on its way.
    this.showStatus('Predicting…');
    this.hooks.post({ type: 'requestWhatIf', v: PROTOCOL_VERSION, traceId: this.traceId, fixIds: [...this.on] });
  }

  private showStatus(pending?: string): void {
    const w = this.whatIf;
    this.element.classList.toggle('predicting', this.prediction !== null);
    if (pending) {
      this.status.replaceChildren(el('span', 'tl-muted', pending));
      return;
    }
    const p = this.prediction;
    if (!p || !w) {
      this.status.replaceChildren(el('span', 'tl-muted', 'Turn a fix on to draw the bars as it would have them.'));
      return;
    }
    const line = append(el('div', 'tl-whatif-result'), el('span', 'tl-prediction-badge', 'Prediction'), el('span', `tl-whatif-text ${p.fits === false || (p.marginMs ?? 0) < 0 ? 'tl-overrun' : ''}`, p.text));
    const legend = el('div', 'tl-legend tl-whatif-legend');
    const item = (swatch: string, text: string): HTMLElement => append(el('span', 'tl-legend-item'), el('span', `tl-swatch ${swatch}`), el('span', undefined, text));
    append(
      legend,
      item('tl-swatch-predicted', 'dashed outline, lighter fill: a bar as predicted, not measured'),
      item('tl-swatch-ghost', `faint line: the measured end, ${formatMs(p.measuredMs)}`),
    );
    this.status.replaceChildren(line, legend);
  }

  private stop(b: HTMLButtonElement): void {
    for (const x of this.buttons) x.tabIndex = x === b ? 0 : -1;
  }

  private onKey(e: KeyboardEvent): void {
    const at = this.buttons.indexOf(e.target as HTMLButtonElement);
    const action = actionOfEvent('whatIf', e);
    if (at < 0 || !action) return;
    e.preventDefault();
    if (action === 'toggleFix') this.toggle(this.buttons[at]?.dataset['fixId'] ?? '');
    else if (action === 'fixesToSpans') this.hooks.leave();
    else {
      const move = action === 'fixNext' ? 'next' : action === 'fixPrevious' ? 'previous' : action === 'fixFirst' ? 'first' : 'last';
      const b = this.buttons[moveInLine(move, at, this.buttons.length)] as HTMLButtonElement;
      this.stop(b);
      b.focus();
    }
  }
}
