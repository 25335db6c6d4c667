// What a screen reader says for the parts of the waterfall that are drawn rather than written:
// a span's row (its bar's length against the budget, the hatching after the cut, the flag's
// colour), a trace of the table, a finding, a what-if prediction, and the announcements of the live region. Pure
// strings from the same numbers the page draws, so Node tests check them word for word.
import { FUNCTION_SPAN_KINDS, SpanFlag } from '../../src/protocol';
import type { Finding, TraceListItem } from '../../src/protocol';
import { formatMs, formatShare } from './format';

export interface SpanNameInput {
  name: string;
  /** The muted text after the name ("Query · orders"), '' for none. */
  sub: string;
  kind: string;
  /** `SpanFlag` bits. */
  flags: number;
  startMs: number;
  /** null while in progress */
  endMs: number | null;
  budgetMs: number | null;
  cutAtMs: number | null;
  /** Among the spans of the finding shown. */
  highlighted: boolean;
  /** The times are a what-if's prediction, not what was measured. */
  predicted?: boolean;
}

/** The flags of a span in words, gravest first: what the row's badge and red outline say. */
export function flagWords(flags: number, kind: string): string[] {
  const out: string[] = [];
  if (flags & SpanFlag.fault) out.push('5xx fault');
  if (flags & SpanFlag.throttle) out.push('throttled (429)');
  // On a function's own spans X-Ray's error flag means it threw; on a call, a 4xx.
  if (flags & SpanFlag.error) out.push(FUNCTION_SPAN_KINDS.has(kind) ? 'error (the function threw)' : '4xx error');
  return out;
}

/**
 * A span row's accessible name, e.g. "DynamoDB Query, orders, 18.0 s, 62 % of budget" or
 * "SQS SendMessage, 3.05 s, 11 % of budget, after the cut" or, for a group row, "DynamoDB GetItem
 * × 438, one after another, orders, 34.2 s, 118 % of budget": the name and what follows it, the
 * duration and its share of the budget (as the bar's label), how much of it ran after the cut
 * (the hatching: all of it, or the part), the flags, and whether the shown finding is about it.
 */
export function spanAccessibleName(s: SpanNameInput): string {
  // A group row's name ends in its count ("DynamoDB GetItem × 438"): what follows is a part of its own.
  const group = (s.flags & SpanFlag.group) !== 0;
  const parts = [s.sub ? `${s.name}${group ? ',' : ''} ${s.sub.split(' · ').join(', ')}` : s.name];
  if (s.endMs === null) {
    parts.push('in progress');
  } else {
    const dur = s.endMs - s.startMs;
    parts.push(s.predicted ? `predicted ${formatMs(dur)}` : formatMs(dur));
    const share = formatShare(dur, s.budgetMs);
    if (share) parts.push(`${share} of budget`);
  }
  if (s.cutAtMs !== null && s.endMs !== null && s.endMs > s.cutAtMs) {
    parts.push(s.startMs >= s.cutAtMs ? 'after the cut' : `${formatMs(s.endMs - s.cutAtMs)} of it after the cut`);
  }
  // On a group row the flags are its calls': "5xx fault among the calls".
  parts.push(...flagWords(s.flags, s.kind).map((w) => (group ? `${w} among the calls` : w)));
  if (s.highlighted) parts.push('in the finding shown');
  return parts.join(', ');
}

/** A trace table row's accessible name: its cells with what each is. */
export function traceRowName(t: TraceListItem): string {
  const status = t.status === null ? t.verdict : `${t.status} ${t.verdict}`;
  const request = [t.method, t.url ?? t.entryName].filter(Boolean).join(' ');
  const cold = t.coldStartMs > 0 ? `cold start ${formatMs(t.coldStartMs)}` : 'no cold start';
  return `${status}, ${request}, total ${formatMs(t.totalMs)}, ${cold}`;
}

/**
 * A finding's button, named by its severity and title (its detail and fix describe it), e.g.
 * "high severity: The client got a 504 …": the parts as the button shows them, the middle one
 * read but not seen.
 */
export function findingNameParts(f: Pick<Finding, 'severity' | 'title'>): [string, string, string] {
  return [f.severity, ' severity: ', f.title];
}

/** The accessible name of a finding's button. */
export function findingName(f: Pick<Finding, 'severity' | 'title'>): string {
  return findingNameParts(f).join('');
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const GROUP_WORDS: [string, string] = ['group of sequential calls', 'groups of sequential calls'];

/**
 * What the live region says when a trace has loaded, e.g. "Trace 1-…: 148 spans, 3 findings" or,
 * with group rows (which are not spans), "Trace 1-…: 387 spans, 1 group of sequential calls, 4 findings".
 */
export function loadAnnouncement(traceId: string, spanCount: number, findingCount: number, groupCount = 0): string {
  const groups = groupCount > 0 ? `, ${count(groupCount, ...GROUP_WORDS)}` : '';
  return `Trace ${traceId}: ${count(spanCount, 'span', 'spans')}${groups}, ${findingCount === 0 ? 'no findings' : count(findingCount, 'finding', 'findings')}`;
}

/**
 * What the live region says when a finding is shown (its place, title and how many spans and
 * group rows it highlights) or cleared.
 */
export function findingAnnouncement(f: Pick<Finding, 'title'> | null, index: number, total: number, highlighted: number, groups = 0): string {
  if (!f) return 'Finding cleared: no spans highlighted';
  const parts = [highlighted > 0 || groups === 0 ? count(highlighted, 'span', 'spans') : '', groups > 0 ? count(groups, ...GROUP_WORDS) : ''].filter(Boolean);
  const spans = highlighted === 0 && groups === 0 ? 'no spans in this trace' : `${parts.join(' and ')} highlighted`;
  return `Finding ${index + 1} of ${total}: ${f.title}; ${spans}`;
}

/** The predicted total against the budget, in words: what the strip and the summary show. */
export function predictionText(totalMs: number, marginMs: number | null, fits: boolean | null, budgetMs: number | null, headroom: number): string {
  const head = `Predicted: ${formatMs(totalMs)}`;
  if (budgetMs === null || marginMs === null) return `${head} (no budget known)`;
  const share = `${Math.round(headroom * 100)} %`;
  if (marginMs < 0) return `${head} · ${formatMs(-marginMs)} over the ${formatMs(budgetMs)} budget ✗`;
  return `${head} · ${formatMs(marginMs)} under the ${formatMs(budgetMs)} budget ${fits ? `(≥ ${share} headroom ✓)` : `(less than ${share} headroom ✗)`}`;
}

/** What the live region says of a prediction: "Predicted with Batch …: 1.19 s, 27.8 s under the budget". */
export function predictionAnnouncement(titles: readonly string[], totalMs: number, marginMs: number | null): string {
  const against = marginMs === null ? '' : marginMs < 0 ? `, ${formatMs(-marginMs)} over the budget` : `, ${formatMs(marginMs)} under the budget`;
  return `Predicted with ${titles.join(' and ')}: ${formatMs(totalMs)}${against}`;
}
