// Durations and numbers as people read them: "812 ms", "4.48 s", "29.0 s".

/** A duration in ms, with the precision its size deserves. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const a = Math.abs(ms);
  if (a >= 100_000) return `${(ms / 1000).toFixed(0)} s`;
  if (a >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (a >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (a >= 10) return `${Math.round(ms)} ms`;
  if (a >= 1) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Share of the budget, e.g. "62 %"; empty when there is no budget or the share is < 0.1 %. */
export function formatShare(ms: number, budgetMs: number | null): string {
  if (!budgetMs || budgetMs <= 0) return '';
  const p = (ms / budgetMs) * 100;
  // Below 0.1 % a share is noise next to the duration: leave it out.
  if (p < 0.1) return '';
  return p >= 10 ? `${Math.round(p)} %` : `${p.toFixed(1)} %`;
}

/** Any value from metadata/extra as a short single line. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
