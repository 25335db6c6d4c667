// The strip on top: what the client got, total against the budget, headroom or overrun, and the
// breakdown as one stacked bar (gateway | cold start | handler split by downstream | overhead)
// with the budget marked on it, so "where did the time go" is answered before any row is read.
import type { SpanRole, TraceReport } from '../../src/protocol';
import { append, el } from './dom';
import { formatMs, formatShare } from './format';
import type { FlagMark } from './rowLayout';

export interface BarPart {
  label: string;
  ms: number;
  role: SpanRole | 'gateway' | 'handlerOwn';
}

const VERDICT_TEXT: Record<TraceReport['verdict'], string> = {
  timeout: 'Timed out',
  near: 'Near the budget',
  error: 'Failed',
  ok: 'OK',
};

/**
 * The parts of the stacked bar. Downstream calls can overlap (parallel calls), so their sum is
 * capped at the handler time and scaled down proportionally: the bar shows shares of the
 * handler, and the exact numbers stay in the labels.
 */
export function breakdownParts(r: TraceReport): BarPart[] {
  const b = r.breakdown;
  const parts: BarPart[] = [];
  if (b.gatewayMs > 0) parts.push({ label: 'Gateway', ms: b.gatewayMs, role: 'gateway' });
  if (b.coldStartMs > 0)
    parts.push({ label: b.coldStartKind === 'restore' ? 'SnapStart restore' : 'Cold start', ms: b.coldStartMs, role: 'coldStart' });
  const down = b.downstream.reduce((a, d) => a + d.ms, 0);
  const scale = down > b.handlerMs && down > 0 ? b.handlerMs / down : 1;
  const top = b.downstream.slice(0, 4);
  const rest = b.downstream.slice(4);
  for (const d of top) {
    parts.push({
      label: d.operation ? `${d.name} ${d.operation}${d.calls > 1 ? ` ×${d.calls}` : ''}` : d.name,
      ms: d.ms * scale,
      role: d.namespace === 'remote' ? 'downstreamRemote' : 'downstreamAws',
    });
  }
  if (rest.length > 0) {
    parts.push({ label: `${rest.length} more calls`, ms: rest.reduce((a, d) => a + d.ms, 0) * scale, role: 'downstreamAws' });
  }
  const own = Math.max(0, b.handlerMs - down * scale);
  if (own > 0 || b.handlerMs > 0) parts.push({ label: down > 0 ? 'Handler (own code)' : 'Handler', ms: own, role: 'handlerOwn' });
  if (b.overheadMs > 0) parts.push({ label: 'Overhead', ms: b.overheadMs, role: 'overhead' });
  return parts.filter((p) => p.ms > 0);
}

function frontDoorName(r: TraceReport): string {
  const k = r.entry.kind;
  return k === 'rest-api' || k === 'websocket-api' ? 'API Gateway' : k === 'http-api' ? 'The HTTP API' : k === 'alb' ? 'The load balancer' : 'The front door';
}

/**
 * The summary strip; `marks` are the flag badges the rows show, for the legend; `predicted` the
 * what-if's line ("Predicted: 1.19 s · …") while the bars are drawn as predicted.
 */
export function renderSummary(r: TraceReport, marks: readonly FlagMark[] = [], predicted: string | null = null, foundBy?: 'transaction-search'): HTMLElement {
  const root = el('section', `tl-summary verdict-${r.verdict}`);
  root.setAttribute('aria-label', 'Summary');
  // A 504 the budget implies (the trace starts at the function behind an untraced HTTP API) says so.
  const how = r.entry.statusSource === 'budget' ? ' (inferred from the budget)' : r.entry.statusSource === 'access-log' ? ' (access log)' : '';
  const status = r.entry.status === null ? '' : `${r.entry.status}${how}`;
  const badge = el('span', `tl-verdict verdict-${r.verdict}`, status ? `${status} · ${VERDICT_TEXT[r.verdict]}` : VERDICT_TEXT[r.verdict]);
  // The page's one heading of the first level: what request this is.
  const title = el('h1', 'tl-entry-name', r.entry.name);
  const req = el('span', 'tl-entry-req', [r.entry.method, r.entry.url].filter(Boolean).join(' '));
  const line1 = append(el('div', 'tl-summary-line'), badge, title, req);

  const total = el('span', 'tl-total');
  // Within 0.1 s of the budget "29.0 s of 29.0 s" hides the point: show milliseconds.
  const close = r.budgetMs !== null && Math.abs(r.totalMs - r.budgetMs) < 100;
  const fmt = (ms: number): string => (close ? `${Math.round(ms).toLocaleString('en-US')} ms` : formatMs(ms));
  append(total, el('strong', undefined, fmt(r.totalMs)));
  if (r.budgetMs !== null) {
    total.append(` of ${fmt(r.budgetMs)} budget`);
    const diff = r.budgetMs - r.totalMs;
    const over = r.cutAtMs !== null || diff < 0;
    const headroom = over
      ? el('span', 'tl-overrun', r.cutAtMs !== null ? `${frontDoorName(r)} gave up at ${fmt(r.cutAtMs)}` : `over by ${formatMs(-diff)}`)
      : el('span', 'tl-headroom', `headroom ${formatMs(diff)} (${formatShare(diff, r.budgetMs)})`);
    const source = el('span', 'tl-budget-source', `(${r.budgetSource.replace(/-/g, ' ')})`);
    append(total, document.createTextNode(' · '), headroom, document.createTextNode(' '), source);
  } else {
    total.append(' · no budget known');
  }
  if (r.afterCutMs !== null && r.afterCutMs > 0) {
    append(total, document.createTextNode(' · '), el('span', 'tl-overrun', `function ran ${formatMs(r.afterCutMs)} after the cut`));
  }
  const line2 = append(el('div', 'tl-summary-line'), total);
  const line3 = predicted ? append(el('div', 'tl-summary-line tl-summary-predicted'), el('span', 'tl-prediction-badge', 'Prediction'), el('span', undefined, predicted)) : null;
  // A request X-Ray did not sample, found in CloudWatch's aws/spans: said, so its absence from the X-Ray console is no surprise.
  const found =
    foundBy === 'transaction-search'
      ? append(el('div', 'tl-summary-line tl-found-by'), el('span', 'tl-source-badge', 'Transaction Search'), el('span', undefined, 'Read from aws/spans: X-Ray did not sample this request, so the X-Ray console does not show it.'))
      : null;

  const parts = breakdownParts(r);
  const sum = parts.reduce((a, p) => a + p.ms, 0);
  const scaleMs = Math.max(sum, r.budgetMs ?? 0, 1);
  const bar = el('div', 'tl-stack');
  bar.setAttribute('role', 'img');
  bar.setAttribute('aria-label', parts.map((p) => `${p.label} ${formatMs(p.ms)}`).join(', '));
  for (const p of parts) {
    const seg = el('div', `tl-stack-seg role-${p.role}`);
    seg.style.width = `${(p.ms / scaleMs) * 100}%`;
    seg.title = `${p.label}: ${formatMs(p.ms)}${r.budgetMs ? ` (${formatShare(p.ms, r.budgetMs)} of budget)` : ''}`;
    bar.appendChild(seg);
  }
  if (r.budgetMs !== null) {
    const mark = el('div', 'tl-stack-budget');
    mark.style.left = `${(r.budgetMs / scaleMs) * 100}%`;
    mark.title = `budget ${formatMs(r.budgetMs)}`;
    bar.appendChild(mark);
  }
  const legend = el('div', 'tl-legend');
  for (const p of parts) {
    const item = el('span', 'tl-legend-item');
    append(item, el('span', `tl-swatch role-${p.role}`), el('span', undefined, `${p.label} ${formatMs(p.ms)}`));
    legend.appendChild(item);
  }
  if (r.cutAtMs !== null) {
    const item = el('span', 'tl-legend-item');
    append(item, el('span', 'tl-swatch tl-swatch-after'), el('span', undefined, 'hatched: after the cut, work nobody waited for'));
    legend.appendChild(item);
  }
  // The flags' badges are text already; the legend says what each means.
  for (const m of marks) {
    const item = el('span', 'tl-legend-item');
    append(item, el('span', `tl-flag flag-${m.flag.replace(' ', '-')}`, m.text), el('span', undefined, m.meaning));
    legend.appendChild(item);
  }
  return append(root, line1, line2, line3, found, bar, legend);
}
