// One trace → where its time went: gateway, cold start, handler, downstream calls, overhead,
// against the budget; when the front door gave up (the cut) and how long the function ran on.
// All offsets are ms from the entry span's start; all durations integer ms.
import type { FrontDoorKind, Span, Trace } from './model';
import type { DownstreamTotal, TraceEntry, TraceReport, Verdict } from './report';
import { budgetFor, type Budget, type BudgetOptions } from './budget';
import { THRESHOLDS } from './thresholds';

/** The spans a breakdown rests on, kept for findings and the waterfall. */
export interface TraceAnatomy {
  entry: Span | null;
  /** The front door's call into the integration (the `Lambda` Invoke subsegment). */
  integrationCall: Span | null;
  lambdaService: Span | null;
  fn: Span | null;
  init: Span | null;
  invocation: Span | null;
  overhead: Span | null;
  /** The outermost downstream calls made by the function (or by the entry when there is none). */
  downstreamCalls: Span[];
}

/** The report's timing fields of one trace, plus the spans and budget they rest on. */
export interface TraceBreakdown extends Pick<TraceReport, 'entry' | 'totalMs' | 'verdict' | 'breakdown' | 'functionEndAtMs' | 'cutAtMs' | 'afterCutMs'> {
  anatomy: TraceAnatomy;
  budget: Budget;
}

const round = (x: number): number => Math.round(x);

function dur(s: Span | null | undefined): number {
  return s && s.endMs !== null ? Math.max(0, s.endMs - s.startMs) : 0;
}

function child(s: Span | null, kind: Span['kind']): Span | null {
  return s?.children.find((c) => c.kind === kind) ?? null;
}

/** The latest end of a span and everything below it (for in-progress entries). */
function latestEnd(s: Span): number {
  let end = s.endMs ?? s.startMs;
  const stack = [...s.children];
  while (stack.length) {
    const x = stack.pop()!;
    if (x.endMs !== null && x.endMs > end) end = x.endMs;
    for (const c of x.children) stack.push(c);
  }
  return end;
}

/** Outermost downstream calls below `root`, not descending into a downstream call (no double counting). */
function downstreamBelow(root: Span, exclude: Span | null): Span[] {
  const out: Span[] = [];
  const stack = [...root.children].reverse();
  while (stack.length) {
    const s = stack.pop()!;
    if (s === exclude) continue;
    if (s.kind === 'inferred') continue;
    if (s.kind === 'downstream') {
      out.push(s);
      continue;
    }
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]!);
  }
  return out;
}

export function anatomyOf(trace: Trace): TraceAnatomy {
  const entry = trace.entry;
  let fn: Span | null = null;
  let lambdaService: Span | null = null;
  // The first function in pre-order is the one the entry invoked; later ones are its callees.
  for (const s of trace.spans) {
    if (!fn && s.kind === 'function') fn = s;
    if (!lambdaService && s.kind === 'lambda-service') lambdaService = s;
    if (fn && lambdaService) break;
  }
  if (fn && lambdaService && fn.parentId !== lambdaService.id) {
    const parent = trace.spans.find((s) => s.id === fn!.parentId && s.kind === 'lambda-service');
    if (parent) lambdaService = parent;
  }
  let integrationCall: Span | null = null;
  if (entry && entry.kind === 'front-door') {
    const viaParent = lambdaService?.parentId ? entry.children.find((c) => c.id === lambdaService!.parentId) : undefined;
    integrationCall = viaParent ?? entry.children.find((c) => c.kind === 'downstream') ?? null;
  }
  const init = child(fn, 'initialization') ?? child(fn, 'restore');
  const invocation = child(fn, 'invocation');
  const overhead = child(fn, 'overhead');
  const scope = fn ?? entry;
  const downstreamCalls = scope ? downstreamBelow(scope, fn ? null : integrationCall) : [];
  return { entry, integrationCall, lambdaService, fn, init, invocation, overhead, downstreamCalls };
}

function entryKind(entry: Span | null): FrontDoorKind {
  if (!entry) return 'other';
  if (entry.kind === 'front-door') return entry.frontDoor ?? 'other';
  if (entry.kind === 'function' || entry.kind === 'lambda-service') return 'lambda';
  return 'other';
}

function groupDownstream(calls: Span[]): DownstreamTotal[] {
  const groups = new Map<string, DownstreamTotal>();
  for (const s of calls) {
    const operation = s.aws?.operation ?? (s.namespace === 'remote' ? s.http?.method : undefined);
    const key = `${s.name}\u0000${operation ?? ''}\u0000${s.namespace ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = operation ? { name: s.name, operation, namespace: s.namespace ?? null, ms: 0, calls: 0 } : { name: s.name, namespace: s.namespace ?? null, ms: 0, calls: 0 };
      groups.set(key, g);
    }
    g.ms += dur(s);
    g.calls++;
  }
  return [...groups.values()].map((g) => ({ ...g, ms: round(g.ms) })).sort((a, b) => b.ms - a.ms || b.calls - a.calls);
}

/** The budget breakdown of one trace. Pure; never throws on a well-formed Trace. */
export function breakdownTrace(trace: Trace, options: BudgetOptions = {}): TraceBreakdown {
  const a = anatomyOf(trace);
  const entry = a.entry;
  const kind = entryKind(entry);
  const name = entry?.name ?? '(empty trace)';
  const e: TraceEntry = { kind, name, status: entry?.http?.status ?? null };
  if (entry?.http?.method) e.method = entry.http.method;
  if (entry?.http?.url) e.url = entry.http.url;
  const budget = budgetFor(kind, name, options, e);
  const t0 = entry?.startMs ?? 0;
  const totalMs = entry ? round((entry.endMs ?? latestEnd(entry)) - t0) : 0;

  const coldStartMs = round(dur(a.init));
  const overheadMs = round(dur(a.overhead));
  let handlerMs: number;
  if (a.invocation) handlerMs = round(dur(a.invocation));
  else if (a.fn) {
    // Old layout (no Invocation): the function segment minus the part of init inside it and overhead.
    const initInside = a.init && a.init.endMs !== null ? Math.max(0, Math.min(a.init.endMs, a.fn.endMs ?? a.init.endMs) - Math.max(a.init.startMs, a.fn.startMs)) : 0;
    handlerMs = round(Math.max(0, dur(a.fn) - initInside - dur(a.overhead)));
  } else handlerMs = 0;
  // Without the stage's Invoke subsegment (trimmed exports, other SDKs), the AWS::Lambda segment
  // right under the entry stands for the integration call.
  const integration = a.integrationCall ?? (kind !== 'lambda' && a.lambdaService && entry && a.lambdaService.parentId === entry.id ? a.lambdaService : null);
  const integrationMs = integration ? (integration.endMs ?? entry?.endMs ?? t0) - integration.startMs : null;
  const gatewayMs = entry && kind !== 'lambda' ? round(Math.max(0, totalMs - (integrationMs ?? totalMs))) : 0;

  const status = e.status;
  const budgetMs = budget.budgetMs;
  const timedOut = status === 504 && (budgetMs === null || totalMs >= THRESHOLDS.timeoutShareOfBudget * budgetMs);
  let verdict: Verdict;
  if (timedOut) verdict = 'timeout';
  else if (status !== null && status >= 500) verdict = 'error';
  else if (budgetMs !== null && totalMs >= THRESHOLDS.nearShareOfBudget * budgetMs) verdict = 'near';
  else verdict = 'ok';

  const cutAtMs = status === 504 ? totalMs : null;
  const fnEnd = a.fn?.endMs ?? a.lambdaService?.endMs ?? null;
  const functionEndAtMs = fnEnd !== null ? round(fnEnd - t0) : null;
  const afterCutMs = cutAtMs !== null && functionEndAtMs !== null ? Math.max(0, functionEndAtMs - cutAtMs) : null;

  return {
    anatomy: a,
    entry: e,
    budget,
    totalMs,
    verdict,
    breakdown: {
      gatewayMs,
      coldStartMs,
      coldStartKind: a.init ? (a.init.kind === 'restore' ? 'restore' : 'init') : null,
      handlerMs,
      overheadMs,
      downstream: groupDownstream(a.downstreamCalls),
    },
    functionEndAtMs,
    cutAtMs,
    afterCutMs,
  };
}
