// The few browser globals the tests touch inside page.evaluate, typed here because the Node
// tsconfig (rightly) has no DOM lib. Only what the harness and tests use.

export interface StyleLike {
  length: number;
  item(i: number): string;
  setProperty(name: string, value: string): void;
  removeProperty(name: string): string;
  getPropertyValue(name: string): string;
}

export interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}

export interface ElLike {
  textContent: string | null;
  className: string;
  scrollTop: number;
  clientHeight: number;
  style: StyleLike;
  classList: { add(...c: string[]): void; remove(...c: string[]): void; contains(c: string): boolean };
  dataset: Record<string, string | undefined>;
  getBoundingClientRect(): Rect;
  querySelector(sel: string): ElLike | null;
  querySelectorAll(sel: string): ArrayLike<ElLike>;
  getAttribute(name: string): string | null;
  dispatchEvent(e: unknown): boolean;
}

export interface WinLike {
  document: {
    documentElement: ElLike;
    body: ElLike;
    activeElement: ElLike | null;
    querySelector(sel: string): ElLike | null;
    querySelectorAll(sel: string): ArrayLike<ElLike>;
    addEventListener(type: string, fn: (e: { violatedDirective: string; blockedURI: string }) => void): void;
    adoptedStyleSheets: ArrayLike<unknown>;
  };
  getComputedStyle(el: ElLike): StyleLike;
  postMessage(m: unknown, target: string): void;
  requestAnimationFrame(fn: (t: number) => void): number;
  performance: { now(): number; getEntriesByName(n: string): Array<{ startTime: number }> };
  [k: string]: unknown;
}

/** `globalThis` as the page sees it. Call only inside functions that run in the page. */
export function win(): WinLike {
  return globalThis as unknown as WinLike;
}
