// The words the code hints show: the CodeLens over a handler, its hover, the hint at the end of
// each call line the traces saw, and that line's hover with the fix in the handler's language.
// Pure: evidence (src/code/evidence.ts) and a file's outline (src/code/types.ts) in, text out.
import { sec } from '../core/duration';
import type { CallEvidence, FunctionEvidence, RouteEvidence } from './evidence';
import type { CallSite, CodeLanguage } from './types';

/** `1 h`, `15 min`, `7 d`: a window as people say it. */
export function windowText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** A budget as people say it: `29 s`, `30 s`, `12.5 s`. */
export function budgetSec(ms: number): string {
  return sec(ms).replace(/\.0+ s$/, ' s');
}

const pctOf = (ms: number, budgetMs: number | null): string | null => (budgetMs ? `${Math.round((ms / budgetMs) * 100)} % of budget` : null);

/** The route that says the most: the one with the most timeouts, then the highest p99. */
export function headlineRoute(ev: FunctionEvidence): RouteEvidence | undefined {
  return [...ev.routes].sort((a, b) => b.timeouts - a.timeouts || b.p99Ms - a.p99Ms)[0];
}

/** Where the numbers come from, in a few words: `1 h` for a Trace 504 run, the file's name otherwise. */
function scopeText(ev: FunctionEvidence): string {
  return ev.windowMinutes !== undefined ? windowText(ev.windowMinutes) : ev.source;
}

/**
 * The CodeLens over a handler: `⏱ p99 24.8 s of 29 s · 7 × 504 (1 h) · cold start +2.3 s`. The
 * editor passes its own stopwatch icon (`$(watch)`): not every font has the emoji.
 */
export function lensText(ev: FunctionEvidence, icon = '⏱'): string {
  const route = headlineRoute(ev);
  const p99 = route ? route.p99Ms : ev.traced.p99Ms;
  const budget = route ? route.budgetMs : ev.traced.budgetMs;
  const timeouts = route ? ev.routes.reduce((t, r) => t + r.timeouts, 0) : ev.traced.timeouts;
  const parts = [`${icon} p99 ${sec(p99)}${budget ? ` of ${budgetSec(budget)}` : ''}${route ? '' : ` (${ev.traced.count} traced)`}`];
  parts.push(`${timeouts} × 504 (${scopeText(ev)})`);
  if (ev.traced.coldStarts) parts.push(`cold start +${sec(ev.traced.coldStartMeanMs)}`);
  return parts.join(' · ');
}

/** Does a call site of the file make the calls of this evidence? */
export function callMatches(site: CallSite, ev: Pick<CallEvidence, 'namespace' | 'name' | 'operation' | 'host'>): boolean {
  if (site.kind === 'aws') {
    // The subsegment's name depends on the SDK that wrote it (v3 `DynamoDB`, v2 and boto3 `dynamodb`,
    // boto3 `states` for Step Functions): either of the site's names will do, in any case.
    const name = ev.name.toLowerCase();
    return (
      ev.namespace === 'aws' &&
      (site.service?.toLowerCase() === name || site.subsegmentName?.toLowerCase() === name) &&
      (site.operation === undefined || ev.operation === undefined || site.operation.toLowerCase() === ev.operation.toLowerCase())
    );
  }
  return ev.namespace === 'remote' && site.host !== undefined && ev.host !== undefined && site.host.toLowerCase() === ev.host.toLowerCase();
}

/** One call site with the evidence of the calls it makes. */
export interface MatchedCall {
  site: CallSite;
  evidence: CallEvidence;
  /** Other call sites in the file that make the same kind of call (the numbers are shared). */
  sharedWith: number;
  /** How the match was made: a stack frame of the trace named this line, or service and operation (host). */
  by: 'frame' | 'operation' | 'host';
}

/**
 * The call sites of a file that the traces saw. A stack frame that names a line inside a call
 * wins over matching by service and operation; an HTTP call with no literal host matches a remote
 * call only when it is the file's one unmatched HTTP call and there is one unmatched remote kind.
 * `frameLine(ev)` gives the 0-based lines of this file the evidence's frames resolve to.
 */
export function matchCalls(sites: readonly CallSite[], calls: readonly CallEvidence[], frameLines: (ev: CallEvidence) => number[] = () => []): MatchedCall[] {
  const out: MatchedCall[] = [];
  const taken = new Set<CallSite>();
  const used = new Set<CallEvidence>();
  for (const ev of calls) {
    const lines = frameLines(ev);
    for (const site of sites) {
      if (!taken.has(site) && lines.some((l) => l >= site.span.line && l <= site.span.endLine)) {
        out.push({ site, evidence: ev, sharedWith: 0, by: 'frame' });
        taken.add(site);
        used.add(ev);
      }
    }
  }
  for (const ev of calls) {
    if (used.has(ev)) continue;
    const sites2 = sites.filter((s) => !taken.has(s) && callMatches(s, ev));
    for (const site of sites2) {
      out.push({ site, evidence: ev, sharedWith: sites2.length - 1, by: site.kind === 'aws' ? 'operation' : 'host' });
      taken.add(site);
    }
    if (sites2.length) used.add(ev);
  }
  const freeHttp = sites.filter((s) => s.kind === 'http' && !taken.has(s) && s.host === undefined);
  const freeRemote = calls.filter((c) => c.namespace === 'remote' && !used.has(c));
  if (freeHttp.length === 1 && freeRemote.length === 1) out.push({ site: freeHttp[0]!, evidence: freeRemote[0]!, sharedWith: 0, by: 'host' });
  return out.sort((a, b) => a.site.span.line - b.site.span.line || a.site.span.column - b.site.span.column);
}

/** The label of a call kind: `DynamoDB GetItem`, `api.example.com`. */
export function callLabel(ev: CallEvidence): string {
  return ev.namespace === 'remote' ? (ev.host ?? ev.name) : `${ev.name}${ev.operation ? ` ${ev.operation}` : ''}`;
}

/** The hint at the end of a call line: `DynamoDB GetItem · 438× in a loop · 34.2 s · 118 % of budget`. */
export function inlineHintText(m: MatchedCall): string {
  const ev = m.evidence;
  const inLoop = m.site.loops.length > 0;
  const parts = [callLabel(ev), `${ev.worstCalls}×${inLoop ? ' in a loop' : ''}`, sec(ev.worstMs)];
  const share = pctOf(ev.worstMs, ev.budgetMs);
  if (share) parts.push(share);
  return parts.join(' · ');
}

const isPython = (language: CodeLanguage): boolean => language === 'python';

/** The fix for a call line, in the handler's language. */
export function callFix(m: MatchedCall, language: CodeLanguage): string {
  const ev = m.evidence;
  const sequential = m.site.loops.some((l) => l.sequential);
  const py = isPython(language);
  const isDdbGet = ev.namespace === 'aws' && /dynamodb/i.test(ev.name) && /^GetItem$/i.test(ev.operation ?? '');
  const isDdbWrite = ev.namespace === 'aws' && /dynamodb/i.test(ev.name) && /^(PutItem|DeleteItem)$/i.test(ev.operation ?? '');
  if (sequential || ev.maxPerTrace > 1) {
    if (isDdbGet) {
      return py
        ? 'Read the items in batches: `batch_get_item` takes up to 100 keys per call (retry its `UnprocessedKeys`), or run the reads concurrently with `asyncio.gather` (aioboto3) or a `concurrent.futures.ThreadPoolExecutor`.'
        : 'Read the items in batches: `BatchGetItemCommand` (or lib-dynamodb `BatchGetCommand`) takes up to 100 keys per call (retry its `UnprocessedKeys`), or start the reads together with `Promise.all` over chunks of the ids.';
    }
    if (isDdbWrite) {
      return py
        ? 'Write in batches: `batch_write_item` (or the resource\'s `table.batch_writer()`) takes up to 25 items per call, or run the writes concurrently with a `ThreadPoolExecutor`.'
        : 'Write in batches: `BatchWriteItemCommand` (or lib-dynamodb `BatchWriteCommand`) takes up to 25 items per call, or start the writes together with `Promise.all` over chunks.';
    }
    return py
      ? 'The calls run one after another: run them concurrently with `asyncio.gather` (an async client such as aioboto3 or httpx.AsyncClient) or a `concurrent.futures.ThreadPoolExecutor`, with a bounded number in flight; or use the service\'s batch operation.'
      : 'The calls run one after another: start them together with `Promise.all` over chunks (a bounded number in flight), or use the service\'s batch operation.';
  }
  if (ev.throttled) {
    return py
      ? 'The calls were throttled and retried: raise the target\'s capacity, or cap the retries so the request fails inside the budget: `botocore.config.Config(retries={"max_attempts": 2, "mode": "standard"})`.'
      : 'The calls were throttled and retried: raise the target\'s capacity, or cap the retries so the request fails inside the budget: the client\'s `maxAttempts: 2`.';
  }
  if (ev.namespace === 'remote') {
    return py
      ? 'Give the call a timeout well inside the budget, e.g. `requests.get(url, timeout=(3, 10))` or `httpx.Client(timeout=10)`, and answer without it (or asynchronously) when it is slow.'
      : 'Give the call a timeout well inside the budget, e.g. `fetch(url, { signal: AbortSignal.timeout(10_000) })` or axios\'s `timeout`, and answer without it (or asynchronously) when it is slow.';
  }
  return py
    ? 'Give the client a timeout inside the budget: `botocore.config.Config(connect_timeout=2, read_timeout=10)`; and look at the call\'s own latency (capacity, item size, a Query instead of a Scan).'
    : 'Give the client a timeout inside the budget: `requestHandler: { requestTimeout: 10_000 }` in the client\'s options; and look at the call\'s own latency (capacity, item size, a Query instead of a Scan).';
}

/** Text from a trace, a log or a template inside Markdown: its markup characters escaped, on one line. */
export const cell = (s: string): string => s.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');

/** A command link the hover may run (the provider trusts only the extension's own commands). */
export function commandLink(title: string, command: string, args: unknown[]): string {
  // encodeURIComponent leaves ( and ) as they are: a ) from a function name would end the link.
  const query = encodeURIComponent(JSON.stringify(args)).replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
  return `[${title}](command:${command}?${query})`;
}

/** The hover of a call line: the calls' distribution and the fix in the handler's language. */
export function callHoverMarkdown(m: MatchedCall, language: CodeLanguage, ev: FunctionEvidence): string {
  const c = m.evidence;
  const lines = [`**${cell(callLabel(c))}** — ${cell(ev.functionName)} (${cell(scopeText(ev))})`, ''];
  lines.push(
    `In the request where they took longest${c.worstTraceId === ev.worst.traceId ? ' (the worst)' : ''}: **${c.worstCalls} call(s), ${sec(c.worstMs)}**${c.budgetMs ? ` (${Math.round((c.worstMs / c.budgetMs) * 100)} % of the ${budgetSec(c.budgetMs)} budget)` : ''}${m.site.loops.length ? `, from inside a loop${m.site.loops.some((l) => l.sequential) ? ' that waits for each call' : ''}` : ''}.`,
    '',
    '| over the traces | |',
    '|---|---|',
    `| calls | ${c.calls} in ${c.traces} request(s), up to ${c.maxPerTrace} per request |`,
    `| each call | p50 ${sec(c.p50Ms)} · p95 ${sec(c.p95Ms)} · max ${sec(c.maxMs)} |`,
  );
  if (c.throttled || c.faults) lines.push(`| throttled / faults | ${c.throttled} / ${c.faults} |`);
  if (m.sharedWith) lines.push('', `_${m.sharedWith + 1} lines of this file make this kind of call: the numbers are theirs together._`);
  lines.push('', `**Fix:** ${callFix(m, language)}`);
  return lines.join('\n');
}

/** The hover of a handler: routes and budget, percentiles, 504s, cold starts, the worst request as a table, the top finding. */
export function handlerHoverMarkdown(ev: FunctionEvidence, commands: { openWorst: string; trace504: string }): string {
  const lines = [`**Timeout Lens — ${cell(ev.functionName)}** (${cell(ev.windowMinutes !== undefined ? `${ev.source}, last ${windowText(ev.windowMinutes)}` : ev.source)})`, ''];
  if (ev.routes.length) {
    lines.push('| route | budget | p50 | p95 | p99 | 504s | cold starts |', '|---|---|---|---|---|---|---|');
    for (const r of ev.routes) {
      lines.push(`| ${cell(`${r.method} ${r.route}`)} (${cell(r.api)}) | ${budgetSec(r.budgetMs)} | ${sec(r.p50Ms)} | ${sec(r.p95Ms)} | ${sec(r.p99Ms)} | ${r.timeouts} of ${r.count} | ${r.coldStarts} |`);
    }
  } else {
    const t = ev.traced;
    lines.push(
      `${t.count} traced request(s): p50 ${sec(t.p50Ms)} · p95 ${sec(t.p95Ms)} · p99 ${sec(t.p99Ms)}${t.budgetMs ? ` against a ${budgetSec(t.budgetMs)} budget` : ''}; ${t.timeouts} timed out.`,
    );
  }
  if (ev.traced.coldStarts) lines.push('', `Cold starts: ${ev.traced.coldStarts} of ${ev.traced.count} traced request(s), adding ${sec(ev.traced.coldStartMeanMs)} on average.`);
  const w = ev.worst;
  lines.push(
    '',
    `**Worst request** ${cell(w.traceId)}: ${sec(w.totalMs)}${w.status !== null ? ` · ${w.status}` : ''} · ${w.verdict === 'timeout' ? 'timed out' : w.verdict}${w.afterCutMs ? ` · ran ${sec(w.afterCutMs)} after the cut` : ''}`,
    '',
    '| part | time |',
    '|---|---:|',
    ...w.rows.map((r) => `| ${cell(r.label)} | ${sec(r.ms)} |`),
  );
  if (w.finding) lines.push('', `**${cell(w.finding.title)}** — ${cell(w.finding.detail)}`, '', `**Fix:** ${cell(w.finding.fix)}`);
  lines.push('', `${commandLink('Open the worst request', commands.openWorst, [ev.functionName])} · ${commandLink('Trace 504 again', commands.trace504, [{ functionName: ev.functionName }])}`);
  return lines.join('\n');
}
