// An exception nobody expected (a fault of ours, never of the input) as one short line, for the
// report error that names the file or the trace it cost: the rest of the run goes on.

/** `RangeError: Maximum call stack size exceeded`, at most 200 characters. */
export function describeUnexpected(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
