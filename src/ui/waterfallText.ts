// The waterfall as plain text, for "Copy report" and for people without the webview: the
// summary, then one line per span (indented, duration, share of the budget, marks for
// the cut), then the findings. Pure: built from the same snapshot the webview draws.
import type { WaterfallSnapshot } from '../protocol';

function ms(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`;
}

export function waterfallText(snap: WaterfallSnapshot, maxSpans = 500): string {
  const r = snap.report;
  const out: string[] = [];
  out.push(`${r.entry.name}  ${[r.entry.method, r.entry.url].filter(Boolean).join(' ')}`.trim());
  out.push(`trace ${r.traceId}  status ${r.entry.status ?? '?'}  verdict ${r.verdict}`);
  if (r.budgetMs !== null) {
    const d = r.budgetMs - r.totalMs;
    out.push(`total ${ms(r.totalMs)} of ${ms(r.budgetMs)} budget (${r.budgetSource})  ${d >= 0 && r.cutAtMs === null ? `headroom ${ms(d)}` : `over by ${ms(-d)}`}`);
  } else out.push(`total ${ms(r.totalMs)} (no budget known)`);
  if (r.cutAtMs !== null) out.push(`front door gave up at ${ms(r.cutAtMs)}${r.afterCutMs ? `; the function ran ${ms(r.afterCutMs)} after it` : ''}`);
  const b = r.breakdown;
  const parts = [
    `gateway ${ms(b.gatewayMs)}`,
    b.coldStartMs ? `cold start ${ms(b.coldStartMs)}` : '',
    `handler ${ms(b.handlerMs)}`,
    ...b.downstream.map((d) => `  ${d.name}${d.operation ? ` ${d.operation}` : ''} ${ms(d.ms)} ×${d.calls}`),
    `overhead ${ms(b.overheadMs)}`,
  ].filter(Boolean);
  out.push('', 'breakdown:', ...parts.map((p) => `  ${p}`), '', 'spans (start  duration  name):');
  for (const s of snap.spans.slice(0, maxSpans)) {
    const dur = s.endMs === null ? 'in progress' : ms(s.endMs - s.startMs);
    const share = r.budgetMs && s.endMs !== null ? ` ${(((s.endMs - s.startMs) / r.budgetMs) * 100).toFixed(0)}%` : '';
    const flags = [s.fault && 'FAULT', s.error && 'ERROR', s.throttle && 'THROTTLE', r.cutAtMs !== null && s.endMs !== null && s.endMs > r.cutAtMs && 'after-cut']
      .filter(Boolean)
      .join(' ');
    const what = [s.aws?.operation, s.aws?.tableName].filter(Boolean).join(' ');
    out.push(`  ${ms(s.startMs).padStart(9)} ${dur.padStart(11)}${share.padStart(6)}  ${'  '.repeat(Math.min(s.depth, 20))}${s.name}${what ? ` (${what})` : ''}${flags ? `  [${flags}]` : ''}`);
  }
  if (snap.spans.length > maxSpans) out.push(`  … ${snap.spans.length - maxSpans} more spans`);
  if (r.findings.length) {
    out.push('', 'findings:');
    for (const f of r.findings) out.push(`  [${f.severity}] ${f.title}`, `    ${f.detail}`, `    fix: ${f.fix}`);
  }
  return out.join('\n') + '\n';
}
