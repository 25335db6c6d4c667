// A JSON value a segment carries as it came (metadata, sql, the unknown fields of `aws`) reaches
// JSON.stringify (Copy Trace as JSON, the CLI's --json), VS Code's postMessage to the webview and
// the details pane, each of which recurses: a value nested thousands of levels deep would throw
// "Maximum call stack size exceeded" there. The parser keeps such a value down to MAX_VALUE_DEPTH
// levels and names what lies below; both walks use an explicit stack, so any depth costs time
// linear in the value and no stack.

/** Levels of objects and arrays kept (the value itself is level 1). */
export const MAX_VALUE_DEPTH = 32;

/** What stands for an object or array found at the deepest kept level. */
export function cutValueText(depth: number): string {
  return `(nested deeper than ${depth} levels: not shown)`;
}

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null;
}

/** The number of nested levels of objects and arrays (0 for a primitive); stops counting past `limit`. */
export function valueDepth(value: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  if (!isContainer(value)) return 0;
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) if (isContainer(child)) stack.push([child, d + 1]);
  }
  return deepest;
}

/**
 * `value` itself when it is at most `maxDepth` levels deep; otherwise a copy in which each object
 * or array at level `maxDepth` that holds another is replaced by a short text saying so. Keys are
 * copied as own fields (a `__proto__` key stays a key).
 */
export function boundDepth<T>(value: T, maxDepth = MAX_VALUE_DEPTH): T | string {
  if (valueDepth(value, maxDepth) <= maxDepth) return value;
  if (maxDepth < 1) return cutValueText(0);
  const copyOf = (v: Record<string, unknown> | unknown[]): Record<string, unknown> | unknown[] => (Array.isArray(v) ? new Array(v.length) : {});
  const root = copyOf(value as Record<string, unknown> | unknown[]);
  const stack: Array<[Record<string, unknown> | unknown[], Record<string, unknown> | unknown[], number]> = [[value as Record<string, unknown> | unknown[], root, 1]];
  while (stack.length) {
    const [from, to, d] = stack.pop()!;
    const put = (k: string | number, child: unknown): void => {
      let out: unknown = child;
      if (isContainer(child)) {
        if (d >= maxDepth) out = cutValueText(maxDepth);
        else {
          out = copyOf(child);
          stack.push([child, out as Record<string, unknown> | unknown[], d + 1]);
        }
      }
      if (Array.isArray(to)) to[k as number] = out;
      else Object.defineProperty(to, k, { value: out, enumerable: true, writable: true, configurable: true });
    };
    if (Array.isArray(from)) from.forEach((child, i) => put(i, child));
    else for (const [k, child] of Object.entries(from)) put(k, child);
  }
  return root as T;
}

/** boundDepth of an object (which stays an object). */
export function boundRecord(value: Record<string, unknown>, maxDepth = MAX_VALUE_DEPTH): Record<string, unknown> {
  return boundDepth(value, Math.max(1, maxDepth)) as Record<string, unknown>;
}
