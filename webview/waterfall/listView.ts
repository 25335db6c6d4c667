// A virtual list of fixed-height rows (Jaeger UI's ListView): it knows how many rows there are,
// how tall one is, and how to fill a slot with a row, nothing of spans. Only the rows in the
// viewport (plus overscan) have elements, recycled from a pool; a row keeps its element while it
// stays in view and is refilled only when it scrolled in or `invalidate` said rows changed.
// Per frame the DOM is written, never read, but for the scroll position.
import { el } from './dom';
import { OVERSCAN, pageRows, poolSize, rowWindow, scrollToShow, slotRow } from './listWindow';

/** Scrolling counts as stopped after this long without a scroll position change. */
const SCROLL_IDLE_MS = 150;

/** What the list asks of its rows. */
export interface ListRows<S extends { root: HTMLElement }> {
  readonly rowHeight: number;
  /** A new, empty slot; the list adds its root to the page and positions it. */
  create(): S;
  /** Shows row `row` (0 ≤ row < count) in `slot`. */
  fill(slot: S, row: number): void;
  /** The slot leaves the screen (it is hidden until it shows another row). */
  hide?(slot: S): void;
  /** After each render: the rows on the page changed (or may have). */
  rendered?(): void;
}

interface Placed<S> {
  slot: S;
  shown: boolean;
  /** Row it is placed at (-1: to be placed), and the generation it was filled in. */
  row: number;
  drawn: number;
  y: string;
}

export class ListView<S extends { root: HTMLElement }> {
  /** The scrolling element (the page puts it in place and listens to it for keys and clicks). */
  readonly element = el('div', 'tl-scroll');
  private readonly spacer = el('div', 'tl-spacer');
  private count = 0;
  /** Viewport height as last measured (0: not yet). */
  private height = 0;
  /** Off for the first render: the first paint builds only the rows on screen. */
  private overscan = true;
  /** Slots; `null` until a row first lands in one. */
  private pool: Array<Placed<S> | null> = [];
  /** Bumped whenever what rows show may change other than by scrolling. */
  private generation = 0;
  /** Scroll position of the last render, the direction of travel, and whether it is ongoing. */
  private lastTop = 0;
  private direction = 0;
  private scrolling = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private frame = 0;

  constructor(private readonly rows: ListRows<S>) {
    // The rows' group: a grid's rows may sit in a rowgroup, not in a bare element.
    this.spacer.setAttribute('role', 'rowgroup');
    this.element.appendChild(this.spacer);
    this.element.addEventListener('scroll', () => this.schedule());
  }

  get rowCount(): number {
    return this.count;
  }

  setCount(count: number): void {
    this.count = count;
    this.spacer.style.height = `${count * this.rows.rowHeight}px`;
    this.generation++;
  }

  setViewportHeight(height: number): void {
    this.height = height;
  }

  /** Overscan off draws only the rows on screen (the first paint); turning it on draws the rest. */
  setOverscan(on: boolean): void {
    this.overscan = on;
    if (on) this.schedule();
  }

  /** What rows show changed: every row is refilled on the next render. */
  invalidate(): void {
    this.generation++;
  }

  /** Rows a Page Down moves. */
  pageRows(): number {
    return pageRows(this.height || this.element.clientHeight, this.rows.rowHeight);
  }

  /** Scrolls the least that shows `row` whole. */
  reveal(row: number): void {
    const to = scrollToShow(row, this.rows.rowHeight, this.element.scrollTop, this.height || this.element.clientHeight);
    if (to !== null) this.element.scrollTop = to;
  }

  /** Renders on the next animation frame (once, however often asked). */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /**
   * Draws the rows in the viewport. `scrollTop` is passed by callers that read it before writing
   * (a read after writes would lay the page out again).
   */
  render(scrollTop?: number): void {
    const rh = this.rows.rowHeight;
    const top = scrollTop ?? this.element.scrollTop;
    const height = this.height || 600;
    this.trackScroll(top);
    const over = this.overscan ? OVERSCAN : 0;
    const { first, last } = rowWindow({ top, height, rowHeight: rh, count: this.count, overscan: over, direction: this.direction, scrolling: this.scrolling });
    const size = poolSize(first, last, this.count, height, rh);
    if (this.pool.length < size) {
      while (this.pool.length < size) this.pool.push(null);
      for (const p of this.pool) if (p) p.row = -1;
    }
    const n = this.pool.length;
    for (let k = 0; k < n; k++) {
      const row = slotRow(k, first, n);
      let p = this.pool[k] ?? null;
      if (row >= last) {
        if (p) this.hide(p);
        continue;
      }
      if (!p) {
        p = { slot: this.rows.create(), shown: false, row: -1, drawn: -1, y: '' };
        p.slot.root.hidden = true;
        this.spacer.appendChild(p.slot.root);
        this.pool[k] = p;
      }
      if (p.shown && p.row === row && p.drawn === this.generation) continue;
      const y = `translateY(${row * rh}px)`;
      if (p.y !== y) p.slot.root.style.transform = p.y = y;
      if (!p.shown) {
        p.shown = true;
        p.slot.root.hidden = false;
      }
      p.row = row;
      p.drawn = this.generation;
      this.rows.fill(p.slot, row);
    }
    this.rows.rendered?.();
  }

  private trackScroll(top: number): void {
    if (top === this.lastTop) return;
    this.direction = top > this.lastTop ? 1 : -1;
    this.lastTop = top;
    this.scrolling = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.scrolling = false;
      this.schedule();
    }, SCROLL_IDLE_MS);
  }

  private hide(p: Placed<S>): void {
    if (!p.shown) return;
    p.shown = false;
    p.row = -1;
    p.slot.root.hidden = true;
    this.rows.hide?.(p.slot);
  }
}
