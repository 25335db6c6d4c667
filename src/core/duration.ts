// How a duration reads for a person, the same in findings, the text report and the CLI:
// milliseconds under a second, two decimals under ten seconds, one above.

/** `850 ms`, `2.25 s`, `34.2 s`. */
export function sec(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}
