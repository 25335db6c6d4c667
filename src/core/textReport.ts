// The report for a person in a terminal: per trace a waterfall drawn with characters against
// the budget line (`|`) with the cut (`✂`) and the work after it (`░`), then the findings and
// their fixes, then the endpoint table. Pure: Report (+ traces for the bars) → text. Every
// string that came from a trace, a log or AWS is made terminal-safe (terminalText.ts) before it
// is laid out: `safeReport` for the report, `label` for the spans drawn.
import type { Span, Trace } from './model';
import type { EndpointStats, Finding, Report, ReportError, RouteWhatIf, TraceReport, TraceWhatIf } from './report';
import { SEVERITY_RANK } from './report';
import { sec } from './duration';
import { byRisk, endpointRisk } from './endpoints';
import { terminalSafe, terminalSafeLines } from './terminalText';
import { describeUnexpected } from './unexpectedError';
import { moneyLines } from './money';

export interface TextOptions {
  /** Total line width (default 100). */
  width?: number;
  /** Traces by id, to draw span bars; without them only the breakdown is printed. */
  traces?: Map<string, Trace>;
  /** At most this many traces are drawn (default 5); the rest are listed in one line each. */
  maxTraces?: number;
  /** At most this many rows per waterfall (default 30). */
  maxRows?: number;
  /** At most this many findings across requests (default 20, the most severe first); --json has them all. */
  maxFindings?: number;
  /** At most this many routes in the endpoint table (default 50, the riskiest first); --json has them all. */
  maxEndpoints?: number;
}


const VERDICT: Record<TraceReport['verdict'], string> = {
  timeout: 'TIMEOUT',
  error: 'ERROR',
  near: 'NEAR BUDGET',
  ok: 'OK',
};

function pad(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n);
}

/** What a span's label adds to its name: the AWS operation, or the HTTP method of a remote call. */
function operationOf(s: Span): string | undefined {
  return s.aws?.operation ? s.aws.operation : s.namespace === 'remote' && s.http?.method ? s.http.method : undefined;
}

/** The longest name or operation a row shows (the label column is narrower still). */
const MAX_LABEL = 120;

/** A span's row label, terminal-safe and short: `DynamoDB GetItem`. */
function label(s: Span): string {
  const op = operationOf(s);
  return `${terminalSafe(s.name, MAX_LABEL)}${op !== undefined ? ` ${terminalSafe(op, MAX_LABEL)}` : ''}`;
}

/** Whether two spans have the same label, compared as they came (no string built per span). */
function sameLabel(a: Span, b: Span): boolean {
  return a.name === b.name && operationOf(a) === operationOf(b);
}

/**
 * Each span's depth in the tree the ingest built (from the roots through `children`), not from
 * `parentId`: a span whose parent cycle was broken keeps its raw `parentId`, and walking that
 * would go round the cycle.
 */
function depths(t: Trace): Map<Span, number> {
  const out = new Map<Span, number>();
  const stack: Array<[Span, number]> = t.roots.map((r) => [r, 0]);
  while (stack.length) {
    const [s, d] = stack.pop()!;
    if (out.has(s)) continue;
    out.set(s, d);
    for (const c of s.children) stack.push([c, d + 1]);
  }
  return out;
}

const FUNCTION_KINDS = new Set<Span['kind']>(['lambda-service', 'function', 'initialization', 'restore', 'invocation', 'overhead']);

/**
 * Two spaces a level down to six levels; deeper levels one dot each (the depth in figures past
 * twelve), so a deep chain still reads as a chain without pushing names off the label column.
 */
function indent(d: number): string {
  if (d <= 6) return '  '.repeat(d);
  const extra = d - 6;
  return `${'  '.repeat(6)}${extra <= 6 ? '·'.repeat(extra) : `·${d}·`}`;
}

/**
 * Writes `text` beside the marker at `col` on a line of `cells`: to its left when there is room
 * (the usual case, the budget sits near the right end), else to its right, so the line keeps
 * the report's width.
 */
function labelAt(cells: string[], col: number, text: string): void {
  const chars = [...text];
  const from = col - 1 - chars.length;
  const at = from >= 0 ? from : col + 2;
  for (let i = 0; i < chars.length && at + i < cells.length; i++) cells[at + i] = chars[i]!;
}

function waterfall(r: TraceReport, t: Trace, width: number, maxRows: number): string[] {
  const entry = t.entry;
  if (!entry) return [];
  const t0 = r.startTimeMs ?? entry.startMs;
  // A loop, not Math.max(...spans): spreading 100 000 spans as arguments overflows the stack.
  let end = Math.max(r.totalMs, r.functionEndAtMs ?? 0, r.budgetMs ?? 0);
  let start = 0;
  for (const s of t.spans) {
    end = Math.max(end, (s.endMs ?? s.startMs) - t0);
    start = Math.min(start, s.startMs - t0);
  }
  const labelW = Math.min(34, Math.max(18, Math.floor(width * 0.3)));
  const durW = 9;
  const barW = Math.max(20, width - labelW - durW - 3);
  const x = (ms: number): number => Math.max(0, Math.min(barW - 1, Math.round(((ms - start) / (end - start || 1)) * (barW - 1))));
  const budgetCol = r.budgetMs !== null ? x(r.budgetMs) : -1;
  const cutCol = r.cutAtMs !== null ? x(r.cutAtMs) : -1;
  const depth = depths(t);
  const lines: string[] = [];
  const axis = Array.from({ length: barW }, () => ' ');
  if (budgetCol >= 0) axis[budgetCol] = '|';
  if (budgetCol >= 0) labelAt(axis, budgetCol, `budget ${sec(r.budgetMs ?? 0)}`);
  lines.push(`${' '.repeat(labelW)} ${' '.repeat(durW)} ${axis.join('')}`.trimEnd());
  // Runs of the same call under one parent (N+1 GetItem) are one row: `DynamoDB GetItem ×438`.
  interface Row {
    span: Span;
    endMs: number | null;
    count: number;
    sumMs: number;
  }
  const all: Row[] = [];
  for (const s of t.spans) {
    if (s.kind === 'inferred') continue;
    const prev = all[all.length - 1];
    const leaf = s.children.every((c) => c.kind === 'inferred');
    if (prev && leaf && prev.span.parentId === s.parentId && sameLabel(prev.span, s) && prev.span.children.every((c) => c.kind === 'inferred') && s.endMs !== null) {
      prev.count++;
      prev.sumMs += s.endMs - s.startMs;
      prev.endMs = Math.max(prev.endMs ?? 0, s.endMs);
      continue;
    }
    all.push({ span: s, endMs: s.endMs, count: 1, sumMs: s.endMs !== null ? s.endMs - s.startMs : 0 });
  }
  const rows = all.slice(0, maxRows);
  for (const row of rows) {
    const s = row.span;
    const a = x(s.startMs - t0);
    const b = row.endMs !== null ? x(row.endMs - t0) : barW - 1;
    const bar: string[] = Array.from({ length: barW }, (_, i) => (i === budgetCol ? '|' : ' '));
    for (let i = a; i <= b; i++) bar[i] = cutCol >= 0 && i > cutCol ? '░' : '█';
    if (row.endMs === null) bar[b] = '…';
    if (budgetCol >= 0 && bar[budgetCol] === ' ') bar[budgetCol] = '|';
    const flag = s.fault ? ' !' : s.throttle ? ' ~' : s.error ? ' ?' : '';
    // A long name is shortened, never its call count or flag: `DynamoDB GetI… ×380`.
    const suffix = `${row.count > 1 ? ` ×${row.count}` : ''}${flag}`;
    const name = `${pad(`${indent(depth.get(s) ?? 0)}${label(s)}`, labelW - suffix.length).trimEnd()}${suffix}`;
    const d = row.endMs !== null ? sec(row.count > 1 ? row.sumMs : row.endMs - s.startMs) : 'running';
    lines.push(`${pad(name, labelW)} ${d.padStart(durW)} ${bar.join('')}`.trimEnd());
  }
  if (all.length > rows.length) lines.push(`${' '.repeat(labelW)} … ${all.length - rows.length} more rows`);
  if (cutCol >= 0) {
    const mark = Array.from({ length: barW }, () => ' ');
    mark[cutCol] = '✂';
    labelAt(mark, cutCol, `gateway gave up at ${sec(r.cutAtMs ?? 0)}`);
    lines.push(`${pad('', labelW)} ${' '.repeat(durW)} ${mark.join('')}`.trimEnd());
  }
  // Only the marks this waterfall uses, so the legend stays one short line.
  const legend = ['█ span'];
  if (cutCol >= 0) legend.push('░ after the cut');
  if (budgetCol >= 0) legend.push('| budget');
  if (rows.some((row) => row.endMs === null)) legend.push('… still running');
  if (rows.some((row) => row.span.fault)) legend.push('! fault (5xx)');
  if (rows.some((row) => row.span.throttle)) legend.push('~ throttled');
  // X-Ray's error flag is a 4xx on an HTTP span, but on a function's segments it means the function threw.
  const erred = rows.filter((row) => !row.span.fault && !row.span.throttle && row.span.error).map((row) => FUNCTION_KINDS.has(row.span.kind));
  if (erred.length) legend.push(erred.every(Boolean) ? '? error (the function threw)' : erred.some(Boolean) ? '? error (4xx, or the function threw)' : '? error (4xx)');
  if (rows.some((row) => row.count > 1)) legend.push('×N calls in a row');
  const legendText = legend.join('  ');
  // Under the bars when it fits the width, else from the left margin.
  lines.push(`${' '.repeat(labelW + durW + 2 + [...legendText].length <= width ? labelW + durW + 2 : 2)}${legendText}`);
  return lines;
}

function breakdownLine(r: TraceReport): string {
  const b = r.breakdown;
  const parts = [`gateway ${sec(b.gatewayMs)}`];
  if (b.coldStartMs) parts.push(`${b.coldStartKind === 'restore' ? 'restore' : 'cold start'} ${sec(b.coldStartMs)}`);
  parts.push(`handler ${sec(b.handlerMs)}`);
  if (b.overheadMs) parts.push(`overhead ${sec(b.overheadMs)}`);
  const down = b.downstream.slice(0, 4).map((d) => `${d.name}${d.operation ? ` ${d.operation}` : ''} ${sec(d.ms)}${d.calls > 1 ? ` (${d.calls}×)` : ''}`);
  return `${parts.join(' · ')}${down.length ? `\n  downstream: ${down.join(' · ')}` : ''}`;
}

function findingLines(f: Finding, width: number): string[] {
  const sev = f.severity === 'high' ? 'HIGH' : f.severity === 'elevated' ? 'ELEVATED' : 'INFO';
  const at = f.location ? [`    at ${f.location.file}:${f.location.line}:${f.location.column}`] : [];
  return [`  [${sev}] ${f.title} (${f.id})`, ...at, ...wrap(f.detail, width - 4, '    '), ...wrap(`Fix: ${f.fix}`, width - 4, '    ')];
}

/** A unit after a number ("27.8 s", "512 MB"): the line never breaks between the two. */
const UNIT = /^(ms|s|min|h|MB|GB|KB|GB-s|vCPU)[.,;:)]*$/;

function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  let line = '';
  const words: string[] = [];
  for (const w of text.split(/\s+/)) {
    const prev = words.length - 1;
    if (prev >= 0 && UNIT.test(w) && /\d$/.test(words[prev]!)) words[prev] = `${words[prev]} ${w}`;
    else words.push(w);
  }
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      out.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(indent + line);
  return out;
}

/** The endpoint table, riskiest first; `maxRows` routes at most. */
export function endpointTable(endpoints: EndpointStats[], maxRows = Infinity): string[] {
  if (!endpoints.length) return [];
  const rows = [...endpoints].sort(byRisk).slice(0, maxRows);
  const head = ['route', 'count', 'p50', 'p95', 'p99', 'max', 'budget', 'p99/budget', '504s', '5xx', 'cold'];
  const data = rows.map((e) => [
    `${e.api}/${e.stage} ${e.method} ${e.route}`,
    String(e.count),
    sec(e.p50Ms),
    sec(e.p95Ms),
    sec(e.p99Ms),
    sec(e.maxMs),
    sec(e.budgetMs),
    `${Math.round(endpointRisk(e) * 100)}%`,
    String(e.timeouts),
    String(e.errors5xx),
    String(e.coldStarts),
  ]);
  // A loop, not Math.max(...rows): a log of 200 000 routes spread as arguments overflows the stack.
  const widths = head.map((h, i) => {
    let w = h.length;
    for (const r of data) w = Math.max(w, r[i]!.length);
    return w;
  });
  const fmt = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [fmt(head), fmt(widths.map((w) => '─'.repeat(w))), ...data.map(fmt)];
}

function problemLines(errors: ReportError[], width: number): string[] {
  const out: string[] = [];
  for (const e of errors.slice(0, 20)) out.push(...wrap(`${e.source}: ${e.message}`, width - 4, '  ').map((l, i) => (i ? `  ${l}` : l)));
  if (errors.length > 20) out.push(`  … ${errors.length - 20} more (see --json)`);
  return out;
}

/** At most `width` characters (code points), the last one `…` when cut; cut by length first. */
function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  // Two code units per code point at most: this many units hold `width` + 1 of them.
  const chars = [...text.slice(0, 2 * width + 2)];
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text;
}

function safeFinding(f: Finding): Finding {
  const out: Finding = { ...f, title: terminalSafe(f.title), detail: terminalSafe(f.detail), fix: terminalSafe(f.fix) };
  if (f.location) out.location = { ...f.location, file: terminalSafe(f.location.file) };
  if (f.route !== undefined) out.route = terminalSafe(f.route);
  if (f.function !== undefined) out.function = terminalSafe(f.function);
  return out;
}

function safeTraceReport(r: TraceReport): TraceReport {
  const entry = { ...r.entry, name: terminalSafe(r.entry.name) };
  if (r.entry.method !== undefined) entry.method = terminalSafe(r.entry.method);
  if (r.entry.url !== undefined) entry.url = terminalSafe(r.entry.url);
  const downstream = r.breakdown.downstream.map((d) => {
    const x = { ...d, name: terminalSafe(d.name, MAX_LABEL) };
    if (d.operation !== undefined) x.operation = terminalSafe(d.operation, MAX_LABEL);
    return x;
  });
  const out: TraceReport = { ...r, traceId: terminalSafe(r.traceId), entry, breakdown: { ...r.breakdown, downstream }, findings: r.findings.map(safeFinding) };
  if (r.whatIf) out.whatIf = safeWhatIf(r.whatIf);
  return out;
}

/** A what-if's prose quotes target names from the trace: terminal-safe like the findings. */
function safeWhatIf(w: TraceWhatIf): TraceWhatIf {
  return {
    ...w,
    fixes: w.fixes.map((f) => ({ ...f, id: terminalSafe(f.id), title: terminalSafe(f.title), rule: terminalSafe(f.rule), ...(f.target !== undefined ? { target: terminalSafe(f.target, MAX_LABEL) } : {}) })),
    enough: w.enough ? { ...w.enough, fixIds: w.enough.fixIds.map((id) => terminalSafe(id)) } : null,
    skipped: w.skipped.map((x) => ({ ...x, reason: terminalSafe(x.reason) })),
  };
}

/** How far a prediction is from the budget, in words. */
function margin(marginMs: number | undefined): string {
  if (marginMs === undefined) return '';
  return marginMs >= 0 ? `${sec(marginMs)} under the budget` : `${sec(-marginMs)} over the budget`;
}

/**
 * The "What if" section of one trace: each fix, its predicted total, how far under the budget it
 * lands and whether that leaves the headroom (✓/✗), then the smallest set of fixes that is enough.
 * The rule of each prediction is in the JSON report (`whatIf.fixes[].rule`).
 */
function whatIfLines(w: TraceWhatIf, width: number): string[] {
  const head =
    w.budgetMs !== null && w.limitMs !== null
      ? `What if (the request took ${sec(w.baseMs)}; enough means at most ${sec(w.limitMs)}: the ${sec(w.budgetMs)} budget less ${Math.round(w.headroom * 100)}% headroom):`
      : `What if (the request took ${sec(w.baseMs)}; no budget known, so no verdict):`;
  const out = [fit(head, width)];
  const titleW = Math.min(w.fixes.reduce((n, f) => Math.max(n, [...f.title].length), 0), Math.max(20, width - 40));
  for (const f of w.fixes) {
    const mark = f.fits === null ? '·' : f.fits ? '✓' : '✗';
    const total = `${f.estimate ? '≈' : ''}${sec(f.predictedMs)}`;
    out.push(fit(`  ${mark} ${pad(f.title, titleW)}  ${total.padStart(8)}  ${margin(f.marginMs)}`.trimEnd(), width));
  }
  for (const x of w.skipped) out.push(...wrap(`Not estimated (${x.kind}): ${x.reason}.`, width - 4, '    '));
  if (w.limitMs !== null) {
    const title = (id: string): string => w.fixes.find((f) => f.id === id)?.title ?? id;
    const e = w.enough;
    const text = !e
      ? 'No fix or combination of these fixes is enough.'
      : e.fixIds.length === 0
        ? `Already under the budget with headroom (${sec(e.predictedMs)}): no fix needed.`
        : `Smallest fix that is enough: ${e.fixIds.map(title).join(' + ')} → ${sec(e.predictedMs)}${e.marginMs !== undefined ? `, ${margin(e.marginMs)}` : ''}.`;
    out.push(...wrap(text, width - 2, '  '));
  }
  return out;
}

/** One line per route with a what-if: its p99 now, and after each kind of fix. */
function routeWhatIfLines(endpoints: EndpointStats[], width: number): string[] {
  const out: string[] = [];
  for (const e of endpoints) {
    const w: RouteWhatIf | undefined = e.whatIf;
    if (!w || !w.fixes.length) continue;
    const fixes = w.fixes.map((f) => `${f.title.toLowerCase()} ${sec(f.p99Ms)}${f.fits === null ? '' : f.fits ? ' ✓' : ' ✗'}`).join(' · ');
    out.push(...wrap(`${e.api}/${e.stage} ${e.method} ${e.route} (${w.traces} traced): p99 ${sec(w.p99Ms)} now → ${fixes}`, width - 2, '  '));
  }
  return out;
}

/**
 * The report with every string that came from outside (names, URLs, routes, messages, paths)
 * terminal-safe and cut to a length the report can show: the one place untrusted text enters
 * the layout, so widths are measured on what is printed.
 */
function safeReport(report: Report): Report {
  return {
    ...report,
    traces: report.traces.map(safeTraceReport),
    endpoints: report.endpoints.map((e) => ({ ...e, api: terminalSafe(e.api), stage: terminalSafe(e.stage), method: terminalSafe(e.method), route: terminalSafe(e.route) })),
    findings: report.findings.map(safeFinding),
    errors: report.errors.map((e) => ({ ...e, source: terminalSafe(e.source), message: terminalSafe(e.message) })),
  };
}

export function renderTextReport(input: Report, options: TextOptions = {}): string {
  const report = safeReport(input);
  const width = options.width ?? 100;
  const maxTraces = options.maxTraces ?? 5;
  const out: string[] = [];
  const shown = report.traces.slice(0, maxTraces);
  for (const [i, r] of shown.entries()) {
    const status = `${r.entry.status ?? '—'}${r.entry.statusSource === 'budget' ? ' (inferred from the budget)' : r.entry.statusSource === 'access-log' ? ' (access log)' : ''}`;
    const budget = r.budgetMs !== null ? ` of ${sec(r.budgetMs)} budget (${r.budgetSource})` : '';
    // A long URL is shortened to the width; the JSON report keeps it whole.
    out.push(fit(`${VERDICT[r.verdict]}  ${r.entry.name}  ${r.entry.method ?? ''} ${r.entry.url ?? ''}`.trimEnd(), width));
    const head = `  trace ${r.traceId} · status ${status} · ${sec(r.totalMs)}`;
    if (head.length + budget.length <= width) out.push(head + budget);
    else out.push(head, `  budget ${sec(r.budgetMs ?? 0)} (${r.budgetSource})`);
    if (r.afterCutMs) out.push(`  the function ran until ${sec(r.functionEndAtMs ?? 0)}: ${sec(r.afterCutMs)} after the gateway gave up`);
    out.push(`  ${breakdownLine(r)}`);
    // By the id as it came (the shown one is escaped).
    const t = options.traces?.get(input.traces[i]!.traceId);
    if (t) {
      out.push('');
      try {
        for (const line of waterfall(r, t, width, options.maxRows ?? 30)) out.push(line);
      } catch (e) {
        // A fault of ours drawing this trace: its numbers above stand, and the other traces follow.
        out.push(`  (the waterfall of this trace could not be drawn: ${terminalSafe(describeUnexpected(e))})`);
      }
    }
    if (r.findings.length) {
      out.push('', 'Findings:');
      for (const f of r.findings) for (const line of findingLines(f, width)) out.push(line);
    }
    if (r.whatIf && r.whatIf.fixes.length) out.push('', ...whatIfLines(r.whatIf, width));
    out.push('');
  }
  if (report.traces.length > shown.length) {
    out.push(`${report.traces.length - shown.length} more trace(s):`);
    for (const r of report.traces.slice(maxTraces)) out.push(`  ${VERDICT[r.verdict].padEnd(11)} ${sec(r.totalMs).padStart(8)}  ${r.traceId}  ${r.entry.name}`);
    out.push('');
  }
  if (report.findings.length) {
    // A log of many failing routes has a finding per route: the terminal gets the first ones
    // (the most severe first), --json all of them.
    const maxFindings = options.maxFindings ?? 20;
    out.push(report.traces.length || report.endpoints.length ? 'Findings across requests:' : 'Findings:');
    const first = report.findings.length > maxFindings ? [...report.findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]).slice(0, maxFindings) : report.findings;
    for (const f of first) out.push(...findingLines(f, width));
    if (report.findings.length > maxFindings) out.push(`  … ${report.findings.length - maxFindings} more finding(s) (see --json)`);
    out.push('');
  }
  const maxEndpoints = options.maxEndpoints ?? 50;
  const table = endpointTable(report.endpoints, maxEndpoints);
  if (table.length) {
    out.push('Endpoints by risk (p99 against the budget):');
    for (const row of table) out.push(row);
    if (report.endpoints.length > maxEndpoints) out.push(`  … ${report.endpoints.length - maxEndpoints} more route(s) (see --json)`);
    out.push('');
  }
  // The per-route sections speak of the routes the table shows.
  const shownRoutes = report.endpoints.length > maxEndpoints ? [...report.endpoints].sort(byRisk).slice(0, maxEndpoints) : report.endpoints;
  const routeLines = routeWhatIfLines(shownRoutes, width);
  if (routeLines.length) out.push('What if, per route (p99 of its traced requests after each kind of fix):', ...routeLines, '');
  const money = moneyLines({ endpoints: shownRoutes });
  if (money.length) {
    out.push(money[0]!);
    // Each route on its own lines: the first at two spaces, its continuation at four.
    for (const line of money.slice(1)) out.push(...wrap(line.trim(), width - 4, '    ').map((l, i) => (i ? l : `  ${l.trimStart()}`)));
    out.push('');
  }
  if (!report.traces.length && !report.endpoints.length && !report.findings.length) out.push('No traces or requests found in the input.', '');
  // What was left out, apart from what was used with a repair or a caveat.
  const skipped = report.errors.filter((e) => e.kind !== 'repaired');
  const repaired = report.errors.filter((e) => e.kind === 'repaired');
  if (skipped.length) out.push(`Skipped ${skipped.length} item(s):`, ...problemLines(skipped, width));
  if (repaired.length) out.push(`${skipped.length ? '\n' : ''}Used with a repair or a caveat (${repaired.length}):`, ...problemLines(repaired, width));
  // One newline at the end, whatever the last section was (the skipped list ends without one).
  const text = out.join('\n');
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  // Every value was made safe above; this is the guard for any that a later change forgets.
  return `${terminalSafeLines(text.slice(0, end))}\n`;
}
