// One trace → where its time went: gateway, cold start, handler, downstream calls, overhead,
// against the budget; when the front door gave up (the cut) and how long the function ran on.
// All offsets are ms from the request's start (`originMs`); all durations integer ms.
import type { FrontDoorKind, Span, Trace } from './model';
import type { DownstreamTotal, StatusSource, TraceEntry, TraceReport, Verdict } from './report';
import { budgetFor, kindOfApi, type ApiType, type Budget, type BudgetOptions } from './budget';
import { sec } from './duration';
import { contains } from './spanTree';
import { THRESHOLDS } from './thresholds';
import type { WhatIfBasis } from './whatIf';

/** The spans a breakdown rests on, kept for findings and the waterfall. */
export interface TraceAnatomy {
  entry: Span | null;
  /** An API Gateway stage or load balancer segment: the front door left a segment of its own. */
  gatewayEntry: boolean;
  /** The front door's call into the integration (the `Lambda` Invoke subsegment). */
  integrationCall: Span | null;
  lambdaService: Span | null;
  fn: Span | null;
  init: Span | null;
  invocation: Span | null;
  overhead: Span | null;
  /** The outermost downstream calls made by the function (or by the entry when there is none), orphans included. */
  downstreamCalls: Span[];
  /** Downstream calls whose parent was lost (independent subsegments, orphans): counted, and said so. */
  orphanCalls: Span[];
  /** Spans whose times cannot be right (far outside their parent, a clock jump): shown, never summed. */
  damaged: Map<Span, string>;
}

/** The report's timing fields of one trace, plus the spans and budget they rest on. */
export interface TraceBreakdown extends Pick<TraceReport, 'entry' | 'totalMs' | 'verdict' | 'breakdown' | 'functionEndAtMs' | 'cutAtMs' | 'afterCutMs'> {
  anatomy: TraceAnatomy;
  budget: Budget;
  /** Epoch ms every `*AtMs` offset counts from: the request's start. */
  originMs: number;
  /** How the client's status is known (`TraceEntry.statusSource`). */
  statusSource: StatusSource | null;
  /** The function segment's Invocation was still in progress: the handler time rests on its known children. */
  handlerPartial: boolean;
}

/** One trace beside its breakdown and report. */
export interface AnalyzedTrace {
  trace: Trace;
  breakdown: TraceBreakdown;
  report: TraceReport;
  /** What the report's `whatIf` was computed with, so the waterfall's predicted bars (whatIfTimeline) use the same. */
  whatIfBasis?: WhatIfBasis;
}

/** What the front door's access log said of this trace's request, when it was read. */
export interface FrontDoorEvidence {
  apiType?: ApiType;
  status?: number;
  responseLatencyMs?: number;
}

const round = (x: number): number => Math.round(x);

/** A child may start this long before its parent (clock skew between hosts, an Initialization before its function segment)… */
const EARLY_TOLERANCE_MS = 60_000;
/** …and this long after its parent ended (a function runs on after the gateway's Invoke gave up: at most Lambda's 15 minutes). */
const LATE_TOLERANCE_MS = 900_000 + EARLY_TOLERANCE_MS;

function dur(s: Span | null | undefined): number {
  return s && s.endMs !== null ? Math.max(0, s.endMs - s.startMs) : 0;
}

function child(s: Span | null, kind: Span['kind']): Span | null {
  return s?.children.find((c) => c.kind === kind) ?? null;
}

/**
 * The latest end of a span and everything below it (for in-progress spans). With `ownOnly`,
 * only its own document's subsegments count: a callee's segments (another function invoked
 * asynchronously) may end after the caller did.
 */
function latestEnd(s: Span, damaged?: Map<Span, string>, ownOnly = false): number {
  let end = s.endMs ?? s.startMs;
  const stack = [...s.children];
  while (stack.length) {
    const x = stack.pop()!;
    if (damaged?.has(x) || (ownOnly && x.isSegment)) continue;
    if (x.endMs !== null && x.endMs > end) end = x.endMs;
    for (const c of x.children) stack.push(c);
  }
  return end;
}

/** Outermost downstream calls below `root`, not descending into a downstream call (no double counting). */
function downstreamBelow(root: Span, exclude: Span | null, damaged: Map<Span, string>): Span[] {
  const out: Span[] = [];
  const stack = [...root.children].reverse();
  while (stack.length) {
    const s = stack.pop()!;
    if (s === exclude || damaged.has(s)) continue;
    if (s.kind === 'inferred') continue;
    if (s.kind === 'downstream') {
      out.push(s);
      continue;
    }
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]!);
  }
  return out;
}

/**
 * Children far outside their parent's time: an Initialization hours before its function, a
 * subsegment after its segment ended by more than a function can run. Their times are shown
 * as they came but never summed into the breakdown.
 */
function damagedSpans(trace: Trace): Map<Span, string> {
  const out = new Map<Span, string>();
  for (const p of trace.spans) {
    // An in-progress parent has no end to be late against (and walking its subtree for one
    // would make nested in-progress chains quadratic).
    const pEnd = p.endMs ?? Infinity;
    for (const c of p.children) {
      if (c.kind === 'inferred') continue;
      if (c.startMs < p.startMs - EARLY_TOLERANCE_MS) {
        out.set(c, `"${c.name}" (${c.id}) starts ${sec(p.startMs - c.startMs)} before its parent "${p.name}": a clock jump or a damaged time; its time is not counted.`);
      } else if (c.startMs > pEnd + LATE_TOLERANCE_MS || (c.endMs !== null && c.endMs > pEnd + LATE_TOLERANCE_MS && !c.isSegment)) {
        out.set(c, `"${c.name}" (${c.id}) runs until ${sec((c.endMs ?? c.startMs) - pEnd)} after its parent "${p.name}" ended: a clock jump or a damaged time; its time is not counted.`);
      }
    }
  }
  return out;
}

const GATEWAY_KINDS = new Set<FrontDoorKind>(['rest-api', 'http-api', 'websocket-api', 'alb']);

export function anatomyOf(trace: Trace): TraceAnatomy {
  const entry = trace.entry;
  const damaged = damagedSpans(trace);
  const gatewayEntry = !!entry && entry.kind === 'front-door' && GATEWAY_KINDS.has(entry.frontDoor ?? 'other');
  // A service entry (Elastic Beanstalk, EC2, ECS, …) does its own work: a function it calls is
  // one of its downstream calls, not the integration behind a front door.
  const serviceEntry = !!entry && !gatewayEntry && entry.kind !== 'function' && entry.kind !== 'lambda-service';
  let fn: Span | null = null;
  let lambdaService: Span | null = null;
  if (!serviceEntry) {
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
  }
  let integrationCall: Span | null = null;
  if (entry && gatewayEntry) {
    const viaParent = lambdaService?.parentId ? entry.children.find((c) => c.id === lambdaService!.parentId) : undefined;
    integrationCall = viaParent ?? entry.children.find((c) => c.kind === 'downstream') ?? null;
  }
  const phase = (kind: Span['kind']): Span | null => {
    const s = child(fn, kind);
    return s && !damaged.has(s) ? s : null;
  };
  const init = phase('initialization') ?? phase('restore');
  const invocation = phase('invocation');
  const overhead = phase('overhead');
  const scope = fn ?? entry;
  const downstreamCalls = scope ? downstreamBelow(scope, fn ? null : integrationCall, damaged) : [];
  // Calls whose parent never arrived still happened: count them (independent subsegments of a
  // lost function segment, a throttled retry sent on its own).
  const orphanCalls: Span[] = [];
  for (const r of trace.roots) {
    if (r === entry || r.parentId === null || damaged.has(r)) continue;
    if (scope && contains(r, scope)) continue;
    if (r.kind === 'downstream') orphanCalls.push(r);
    // Loops, not push(...): 100 000 calls spread as arguments overflow the stack.
    else if (r.kind !== 'inferred') for (const c of downstreamBelow(r, null, damaged)) orphanCalls.push(c);
  }
  for (const c of orphanCalls) downstreamCalls.push(c);
  return { entry, gatewayEntry, integrationCall, lambdaService, fn, init, invocation, overhead, downstreamCalls, orphanCalls, damaged };
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

/**
 * The budget breakdown of one trace. Pure; never throws on a well-formed Trace. `evidence` is
 * what the front door's access log said of this request, when it was read beside the trace.
 */
export function breakdownTrace(trace: Trace, options: BudgetOptions = {}, evidence: FrontDoorEvidence = {}): TraceBreakdown {
  const a = anatomyOf(trace);
  const entry = a.entry;
  let kind = entryKind(entry);
  // A trace that starts at the function says nothing of the front door: an HTTP API (which
  // API Gateway does not trace) is known from the access log or from what the caller said.
  const frontDoorApi = kind === 'lambda' ? (evidence.apiType ?? options.apiType) : undefined;
  if (frontDoorApi) kind = kindOfApi(frontDoorApi);
  const name = entry?.name ?? '(empty trace)';
  const e: TraceEntry = { kind, name, status: entry?.http?.status ?? null };
  if (entry?.http?.method) e.method = entry.http.method;
  if (entry?.http?.url) e.url = entry.http.url;
  const budget = budgetFor(kind, name, frontDoorApi ? { ...options, apiType: frontDoorApi } : options, e);
  const budgetMs = budget.budgetMs;

  // The request starts with the entry, or with the Initialization that ran before a function
  // segment that is its own entry (a function invoked directly, or behind an untraced HTTP API).
  let originMs = entry?.startMs ?? 0;
  if (entry && entry === a.fn && a.init && a.init.startMs < originMs) originMs = a.init.startMs;
  const entryEnd = entry ? (entry.endMs ?? latestEnd(entry, a.damaged)) : 0;
  const spanMs = entry ? round(entryEnd - originMs) : 0;
  let totalMs = spanMs;

  const coldStartMs = round(dur(a.init));
  const overheadMs = round(dur(a.overhead));
  let handlerMs: number;
  let handlerPartial = false;
  if (a.invocation) {
    handlerPartial = a.invocation.endMs === null;
    handlerMs = round(handlerPartial ? latestEnd(a.invocation, a.damaged, true) - a.invocation.startMs : dur(a.invocation));
  } else if (a.fn) {
    // Old layout (no Invocation): the function segment minus the part of init inside it and overhead.
    const fnEnd = a.fn.endMs ?? latestEnd(a.fn, a.damaged);
    const initInside = a.init && a.init.endMs !== null ? Math.max(0, Math.min(a.init.endMs, fnEnd) - Math.max(a.init.startMs, a.fn.startMs)) : 0;
    handlerMs = round(Math.max(0, fnEnd - a.fn.startMs - initInside - dur(a.overhead)));
  } else if (entry && !a.gatewayEntry && kind === 'other') {
    // A service (Elastic Beanstalk, EC2, ECS, …): its own work is the request.
    handlerMs = spanMs;
  } else handlerMs = 0;
  // Without the stage's Invoke subsegment (trimmed exports, other SDKs), the AWS::Lambda segment
  // right under the entry stands for the integration call.
  const integration = a.gatewayEntry ? (a.integrationCall ?? (a.lambdaService && entry && a.lambdaService.parentId === entry.id ? a.lambdaService : null)) : null;
  const integrationMs = integration ? (integration.endMs ?? entry?.endMs ?? originMs) - integration.startMs : null;
  const gatewayMs = a.gatewayEntry ? round(Math.max(0, spanMs - (integrationMs ?? spanMs))) : 0;

  // What the client got. A front door with a segment of its own says it; behind an untraced
  // front door the function's status is not the client's: the access log says it, or the
  // budget does (past it, the front door had already answered 504).
  let status = e.status;
  let statusSource: StatusSource | null = status !== null ? 'trace' : null;
  if (frontDoorApi) {
    if (evidence.status !== undefined) {
      status = evidence.status;
      statusSource = 'access-log';
      if (status === 504) totalMs = round(evidence.responseLatencyMs ?? budgetMs ?? spanMs);
    } else if (budgetMs !== null && spanMs >= budgetMs) {
      status = 504;
      statusSource = 'budget';
      totalMs = budgetMs;
    }
    e.status = status;
  } else if (evidence.status !== undefined && status === null) {
    status = evidence.status;
    statusSource = 'access-log';
    e.status = status;
  }
  if (statusSource) e.statusSource = statusSource;

  const timedOut = status === 504 && (budgetMs === null || statusSource !== 'trace' || totalMs >= THRESHOLDS.timeoutShareOfBudget * budgetMs);
  let verdict: Verdict;
  if (timedOut) verdict = 'timeout';
  else if (status !== null && status >= 500) verdict = 'error';
  // Past the budget without a timeout is not "near": the budget assumed is not the real one.
  else if (budgetMs !== null && totalMs >= THRESHOLDS.nearShareOfBudget * budgetMs && totalMs < budgetMs) verdict = 'near';
  else verdict = 'ok';

  const cutAtMs = status === 504 ? totalMs : null;
  const fnEnd = a.fn?.endMs ?? a.lambdaService?.endMs ?? null;
  const functionEndAtMs = fnEnd !== null ? round(fnEnd - originMs) : null;
  const afterCutMs = cutAtMs !== null && functionEndAtMs !== null ? Math.max(0, functionEndAtMs - cutAtMs) : null;

  return {
    anatomy: a,
    entry: e,
    budget,
    originMs,
    statusSource,
    handlerPartial,
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
