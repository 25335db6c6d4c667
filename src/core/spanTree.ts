// Walks of a built span tree, shared by the engine and the ingest that builds the trees.
import type { Span } from './model';

/** Whether `x` is `root` or below it (an explicit stack: trees can be deeper than the call stack). */
export function contains(root: Span, x: Span): boolean {
  const stack = [root];
  while (stack.length) {
    const s = stack.pop()!;
    if (s === x) return true;
    for (const c of s.children) stack.push(c);
  }
  return false;
}
