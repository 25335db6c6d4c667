// "What the fix would buy": for one analyzed trace, the total the request would have taken under
// each fix that applies to it (no cold start, sequential calls run together or batched, a slow
// call capped, more memory, a 202 and a queue), computed from the trace's own spans, with the
// rule each prediction follows in plain words; then the smallest set of those fixes that brings
// the request under its budget with headroom. Fixes are combined by applying them to one model of
// the request's timeline (below), so two fixes never both save the same milliseconds. For a route,
// the p99 of its traced requests after each kind of fix. Pure, and linear in the trace's spans
// (apart from sorting its calls by start and each group's durations).
import type { Span } from './model';
import type { Finding, RouteWhatIf, TraceWhatIf, WhatIfFix, WhatIfFixKind, WhatIfSkipped } from './report';
import type { TraceBreakdown } from './breakdown';
import { sec } from './duration';
import { shownName } from './findings';

/** The assumptions a prediction rests on; every one is stated in the rule it feeds. */
export interface WhatIfOptions {
  /** The share of the budget kept free: a fix is enough when predicted ≤ budget × (1 − headroom). Default 0.2. */
  headroom?: number;
  /** How many calls of a sequential group run at once when run concurrently. Default: no limit. */
  concurrency?: number;
  /** One batch call costs this many times the group's median call. Default 1.5. */
  batchCostFactor?: number;
  /** A timeout the user would give slow downstream calls; without it, each target's p50 over the window. */
  downstreamTimeoutMs?: number;
  /** The function's memory size (MB), when known: without it the memory fix is skipped. */
  memoryMb?: number;
  /** The memory the fix raises to: where Lambda gives a function one full vCPU. Default 1 769 MB. */
  targetMemoryMb?: number;
  /** What putting the work on a queue costs the request. Default 50 ms. */
  enqueueMs?: number;
}

export const WHAT_IF_DEFAULTS = {
  headroom: 0.2,
  concurrency: Infinity,
  batchCostFactor: 1.5,
  targetMemoryMb: 1769,
  enqueueMs: 50,
} as const;

/** Past this many fixes in one set, the search for the smallest set that is enough stops. */
const MAX_SET_SIZE = 4;
/** At most this many sets are tried (the fixes of a trace are few; this bounds a hostile one). */
const MAX_SETS_TRIED = 2000;
/** At most this many sequential groups get fixes: the longest. */
const MAX_GROUPS = 5;
/** At most this many targets get a "cap" fix: the ones it saves the most on. */
const MAX_CAP_FIXES = 3;

/** Operations with a batch form: the batch operation and how many items one call takes. */
const BATCH_FORMS: ReadonlyArray<{ service: RegExp; op: string; batch: string; size: number }> = [
  { service: /dynamodb/i, op: 'getitem', batch: 'BatchGetItem', size: 100 },
  { service: /dynamodb/i, op: 'putitem', batch: 'BatchWriteItem', size: 25 },
  { service: /dynamodb/i, op: 'deleteitem', batch: 'BatchWriteItem', size: 25 },
  { service: /sqs/i, op: 'sendmessage', batch: 'SendMessageBatch', size: 10 },
  { service: /sns/i, op: 'publish', batch: 'PublishBatch', size: 10 },
];

/** The fixes in the order the smallest set prefers among sets of one size: the least change to the API and the bill first. */
const PREFERENCE: Readonly<Record<WhatIfFixKind, number>> = {
  'batch-calls': 0,
  'concurrent-calls': 1,
  'cap-downstream': 2,
  'raise-memory': 3,
  'remove-cold-start': 4,
  'queue-202': 5,
};

/** A downstream call's target, as the findings name it: `DynamoDB GetItem`. */
export function callTarget(s: Span): string {
  const op = s.aws?.operation ?? (s.namespace === 'remote' ? s.http?.method : undefined);
  return op ? `${s.name} ${op}` : s.name;
}

/** The value at nearest rank ceil(p/100 × n) of ascending values (REPORT_FORMAT.md's percentiles). */
function nearestRank(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

const dur = (s: Span): number => (s.endMs !== null ? Math.max(0, s.endMs - s.startMs) : 0);

/** Each downstream target's p50 call over the traces of a window (the report's traces). */
export interface WhatIfWindow {
  traces: number;
  p50ByTarget: Map<string, { p50Ms: number; calls: number }>;
}

export function whatIfWindow(breakdowns: ReadonlyArray<Pick<TraceBreakdown, 'anatomy'>>): WhatIfWindow {
  const byTarget = new Map<string, number[]>();
  for (const b of breakdowns) {
    for (const s of b.anatomy.downstreamCalls) {
      if (s.endMs === null) continue;
      const k = callTarget(s);
      const list = byTarget.get(k);
      if (list) list.push(dur(s));
      else byTarget.set(k, [dur(s)]);
    }
  }
  const p50ByTarget = new Map<string, { p50Ms: number; calls: number }>();
  for (const [k, list] of byTarget) {
    list.sort((a, b) => a - b);
    p50ByTarget.set(k, { p50Ms: nearestRank(list, 50), calls: list.length });
  }
  return { traces: breakdowns.length, p50ByTarget };
}

/** The findings, options and window a trace's what-if was computed with: `whatIfTimeline` needs the same. */
export interface WhatIfBasis {
  findings: readonly Finding[];
  options: WhatIfOptions;
  window?: WhatIfWindow;
}

/**
 * The part of a window a trace's fixes read: the p50s of the targets it has a cap fix for, keyed
 * by the report's own `target` strings (no copy of a name is kept: a hostile 200 MB span name
 * stays one string). Predictions from it are the same as from the whole window: the targets left
 * out had no cap fix (not over their p50, or past the few ranked), and leaving them out changes
 * neither which targets are ranked first nor their caps.
 */
export function basisWindow(whatIf: Pick<TraceWhatIf, 'fixes'>, window: WhatIfWindow | undefined): WhatIfWindow | undefined {
  if (!window) return undefined;
  const p50ByTarget = new Map<string, { p50Ms: number; calls: number }>();
  for (const f of whatIf.fixes) {
    const p50 = f.kind === 'cap-downstream' && f.target !== undefined ? window.p50ByTarget.get(f.target) : undefined;
    if (p50 && f.target !== undefined) p50ByTarget.set(f.target, p50);
  }
  return { traces: window.traces, p50ByTarget };
}

/** What one fix does to the timeline model; a set of fixes merges these. */
interface Effect {
  cold?: true;
  queue?: true;
  /** The handler's own time is multiplied by this. */
  memoryFactor?: number;
  /** Target index → the longest a call to it may take. */
  cap?: { target: number; ms: number };
  /** A sequential group run together: concurrently (waves) or batched. */
  group?: { index: number; mode: 'concurrent' | 'batch' };
}

interface Candidate {
  fix: WhatIfFix;
  effect: Effect;
}

/** A sequential group: its calls (indices into the model's calls, by start) and its durations sorted. */
interface Group {
  calls: number[];
  sortedMs: number[];
  batchSize: number;
  batchOp: string | null;
  target: string;
}

/**
 * The request as the predictions see it: `baseMs` is how long the client would have waited had the
 * front door waited (the function's end on a cut request); within it, the cold start before the
 * handler, and the handler's window split into downstream calls (grouped into clusters of calls
 * that overlap) and its own time between them. Everything else (the gateway, the invoke, the
 * overhead after the handler) is kept as it was.
 */
interface Model {
  baseMs: number;
  /** The cold start's ms on the path (before the handler started). */
  initMs: number;
  /** Offset of the handler's start from the request's start; null when the trace shows no handler. */
  handlerStartAtMs: number | null;
  handlerMs: number;
  /** The gateway's own time after the integration answered. */
  gatewayAfterMs: number;
  /** Calls clipped to the handler window, by start: offsets from the handler's start. */
  start: number[];
  end: number[];
  target: number[];
  /** The group a call is in (−1: none), and whether it is its group's first call. */
  group: number[];
  leader: boolean[];
  /** [first, last) indices of each cluster of overlapping calls, and its wall time. */
  clusters: Array<{ from: number; to: number; ms: number }>;
  ownMs: number;
  targets: string[];
  groups: Group[];
  /** Absolute (epoch ms) start of the handler and of the cold start on the path: the timeline warps from these. */
  handlerStartEpochMs: number | null;
  initStartEpochMs: number;
  /** The spans of the calls (same indices as `start`), and the cluster each is in. */
  calls: Span[];
  clusterOf: number[];
}

function buildModel(b: TraceBreakdown, findings: readonly Finding[]): Model {
  const a = b.anatomy;
  const origin = b.originMs;
  // The client's wait, or past a cut the function's own end: what a fix has to bring down.
  const baseMs = b.cutAtMs !== null && b.functionEndAtMs !== null ? Math.max(b.totalMs, b.functionEndAtMs) : b.totalMs;
  let hs: number | null = null;
  let he = 0;
  if (a.invocation) {
    hs = a.invocation.startMs;
    he = a.invocation.endMs ?? hs + b.breakdown.handlerMs;
  } else if (a.fn) {
    hs = Math.max(a.fn.startMs, a.init?.endMs ?? -Infinity);
    he = a.fn.endMs ?? hs + b.breakdown.handlerMs;
    if (a.overhead) he = Math.min(he, a.overhead.startMs);
  } else if (a.entry && !a.gatewayEntry && b.entry.kind === 'other') {
    hs = a.entry.startMs;
    he = a.entry.endMs ?? hs + b.breakdown.handlerMs;
  }
  if (hs !== null && he < hs) he = hs;
  const initMs =
    a.init && a.init.endMs !== null && hs !== null ? Math.max(0, Math.min(a.init.endMs, hs) - Math.max(a.init.startMs, origin)) : 0;
  const integration = a.integrationCall;
  const gatewayBefore = integration ? Math.max(0, integration.startMs - origin) : 0;
  const model: Model = {
    baseMs,
    initMs: Math.round(initMs),
    handlerStartAtMs: hs !== null ? hs - origin : null,
    handlerMs: hs !== null ? he - hs : 0,
    gatewayAfterMs: Math.max(0, b.breakdown.gatewayMs - gatewayBefore),
    start: [],
    end: [],
    target: [],
    group: [],
    leader: [],
    clusters: [],
    ownMs: 0,
    targets: [],
    groups: [],
    handlerStartEpochMs: hs,
    initStartEpochMs: a.init ? Math.max(a.init.startMs, origin) : origin,
    calls: [],
    clusterOf: [],
  };
  if (hs === null) return model;
  // The calls inside the handler's window, by start (they come in pre-order: usually sorted already).
  const calls = a.downstreamCalls.filter((s) => s.endMs !== null && s.endMs > hs! && s.startMs < he);
  let sorted = true;
  for (let i = 1; i < calls.length && sorted; i++) if (calls[i]!.startMs < calls[i - 1]!.startMs) sorted = false;
  if (!sorted) calls.sort((x, y) => x.startMs - y.startMs);
  model.calls = calls;
  const targetIndex = new Map<string, number>();
  const indexOfSpan = new Map<string, number>();
  for (const s of calls) {
    const k = callTarget(s);
    let t = targetIndex.get(k);
    if (t === undefined) {
      t = model.targets.length;
      targetIndex.set(k, t);
      model.targets.push(k);
    }
    indexOfSpan.set(s.id, model.start.length);
    model.start.push(Math.max(s.startMs, hs) - hs);
    model.end.push(Math.min(s.endMs!, he) - hs);
    model.target.push(t);
    model.group.push(-1);
    model.leader.push(false);
  }
  // Clusters: maximal runs of overlapping calls; the handler's own time is what they leave.
  let covered = 0;
  for (let i = 0; i < model.start.length; ) {
    let j = i + 1;
    let ce = model.end[i]!;
    while (j < model.start.length && model.start[j]! < ce) ce = Math.max(ce, model.end[j++]!);
    const ms = ce - model.start[i]!;
    for (let k = i; k < j; k++) model.clusterOf.push(model.clusters.length);
    model.clusters.push({ from: i, to: j, ms });
    covered += ms;
    i = j;
  }
  model.ownMs = Math.max(0, model.handlerMs - covered);
  // The sequential groups the findings found: the same calls, so the fix and the finding agree;
  // the longest few only (each is predicted over the whole trace, and a trace may make up many).
  const sequential = findings.filter((f) => f.id === 'sequential-calls' && f.spanIds?.length);
  sequential.sort((x, y) => Number(y.evidence.ms ?? 0) - Number(x.evidence.ms ?? 0));
  for (const f of sequential.slice(0, MAX_GROUPS)) {
    if (!f.spanIds) continue;
    const members = f.spanIds.map((id) => indexOfSpan.get(id)).filter((i): i is number => i !== undefined && model.group[i] === -1);
    if (members.length < 2) continue;
    members.sort((x, y) => x - y);
    const g = model.groups.length;
    for (const i of members) model.group[i] = g;
    model.leader[members[0]!] = true;
    const first = calls[members[0]!]!;
    const target = model.targets[model.target[members[0]!]!]!;
    const op = (first.aws?.operation ?? '').toLowerCase();
    const form = BATCH_FORMS.find((x) => x.service.test(first.name) && x.op === op);
    model.groups.push({
      calls: members,
      sortedMs: members.map((i) => model.end[i]! - model.start[i]!).sort((x, y) => x - y),
      batchSize: form?.size ?? 0,
      batchOp: form?.batch ?? null,
      target,
    });
  }
  return model;
}

/** The merged effects of a set of fixes, or null when two of them cannot go together (one group both batched and concurrent). */
function merge(effects: readonly Effect[]): { cold: boolean; queue: boolean; memoryFactor: number; caps: Map<number, number>; groups: Map<number, 'concurrent' | 'batch'> } | null {
  const out = { cold: false, queue: false, memoryFactor: 1, caps: new Map<number, number>(), groups: new Map<number, 'concurrent' | 'batch'>() };
  for (const e of effects) {
    if (e.cold) out.cold = true;
    if (e.queue) out.queue = true;
    if (e.memoryFactor !== undefined) out.memoryFactor = Math.min(out.memoryFactor, e.memoryFactor);
    if (e.cap) out.caps.set(e.cap.target, Math.min(out.caps.get(e.cap.target) ?? Infinity, e.cap.ms));
    if (e.group) {
      const had = out.groups.get(e.group.index);
      if (had && had !== e.group.mode) return null;
      out.groups.set(e.group.index, e.group.mode);
    }
  }
  return out;
}

type Merged = NonNullable<ReturnType<typeof merge>>;
type PredictOptions = Required<Pick<WhatIfOptions, 'concurrency' | 'batchCostFactor' | 'enqueueMs'>>;

/**
 * What a merged set of fixes does to the handler's window: each run-together group's new cost,
 * each cluster's new length, the handler's new length. `predict` and `whatIfTimeline` both read
 * this, so the bars drawn and the total printed cannot disagree.
 */
interface Plan {
  e: Merged;
  capOf: (t: number) => number;
  groupCost: Map<number, number>;
  clusterMs: number[];
  handlerMs: number;
}

function plan(m: Model, e: Merged, o: PredictOptions): Plan {
  const capOf = (t: number): number => e.caps.get(t) ?? Infinity;
  const groupCost = new Map<number, number>();
  for (const [g, mode] of e.groups) {
    const grp = m.groups[g]!;
    const cap = capOf(m.target[grp.calls[0]!]!);
    const n = grp.calls.length;
    // Capping lowers every duration, so the longest and the median capped are the capped ones.
    const longest = Math.min(grp.sortedMs[n - 1]!, cap);
    const median = Math.min(nearestRank(grp.sortedMs, 50), cap);
    groupCost.set(g, mode === 'concurrent' ? waves(n, o.concurrency) * longest : Math.ceil(n / grp.batchSize) * median * o.batchCostFactor);
  }
  let handler = m.ownMs * e.memoryFactor;
  const clusterMs: number[] = [];
  for (const c of m.clusters) {
    const cs = m.start[c.from]!;
    let len = 0;
    for (let i = c.from; i < c.to; i++) {
      const g = m.group[i]!;
      const together = g >= 0 && e.groups.has(g);
      if (together && !m.leader[i]) continue;
      const d = together ? groupCost.get(g)! : Math.min(m.end[i]! - m.start[i]!, capOf(m.target[i]!));
      len = Math.max(len, m.start[i]! - cs + d);
    }
    clusterMs.push(len);
    handler += len;
  }
  return { e, capOf, groupCost, clusterMs, handlerMs: handler };
}

/** The total under a plan (see predict). */
function totalOf(m: Model, p: Plan, o: PredictOptions): number {
  if (p.e.queue) return Math.round((m.handlerStartAtMs ?? 0) - (p.e.cold ? m.initMs : 0) + o.enqueueMs + m.gatewayAfterMs);
  return Math.round(m.baseMs - (p.e.cold ? m.initMs : 0) - (m.handlerMs - p.handlerMs));
}

/**
 * The predicted total of the request under a set of fixes, applied together to the timeline:
 * - a 202 and a queue: the request ends when the work is queued — the time until the handler
 *   started (less the cold start if that is removed too) + the enqueue cost + the gateway's own
 *   time after the integration; the other fixes then only change the work behind the queue;
 * - otherwise base − cold start on the path − what the handler's window shrinks by, where the
 *   handler is its own time (× the memory factor) plus each cluster of overlapping calls, which
 *   lasts until its last call ends with each call's new duration (capped; a run-together group's
 *   first call taking the whole group's new cost, the others nothing), calls keeping their offsets.
 */
function predict(m: Model, effects: readonly Effect[], o: PredictOptions): number | null {
  const e = merge(effects);
  if (!e) return null;
  return totalOf(m, plan(m, e, o), o);
}

/** How many waves n calls run in, c at a time (one wave when there is no limit). */
const waves = (n: number, c: number): number => (Number.isFinite(c) ? Math.ceil(n / c) : 1);

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The what-if of one trace, and each kind's prediction (all its fixes applied) for the route's p99. */
export interface TraceWhatIfResult {
  whatIf: TraceWhatIf;
  /** Each kind of fix with all its fixes of this trace applied together: the route's p99 reads these. */
  byKind: Map<WhatIfFixKind, number>;
}

/** A trace's model and the fixes that apply to it, with the assumptions they rest on: built in one place for the report and the timeline. */
interface Prepared {
  m: Model;
  o: PredictOptions;
  headroom: number;
  budgetMs: number | null;
  limitMs: number | null;
  candidates: Candidate[];
  skipped: WhatIfSkipped[];
  /** Made by the first timeline (callOwners). */
  owners?: Map<Span, number>;
}

/**
 * The last preparation of each breakdown, with the inputs it was made from: the waterfall asks for
 * one trace's timeline once per toggle, and at 100 000 calls the model costs more than the warp.
 * Weakly held: a breakdown no one keeps takes its model with it.
 */
const prepared = new WeakMap<TraceBreakdown, { findings: readonly Finding[]; options: WhatIfOptions; window: WhatIfWindow | undefined; p: Prepared }>();

function preparedOnce(b: TraceBreakdown, findings: readonly Finding[], options: WhatIfOptions, window: WhatIfWindow | undefined): Prepared {
  const had = prepared.get(b);
  if (had && had.findings === findings && had.options === options && had.window === window) return had.p;
  const p = prepare(b, findings, options, window);
  prepared.set(b, { findings, options, window, p });
  return p;
}

function prepare(b: TraceBreakdown, findings: readonly Finding[], options: WhatIfOptions, window: WhatIfWindow | undefined): Prepared {
  const headroom = options.headroom ?? WHAT_IF_DEFAULTS.headroom;
  const o = {
    concurrency: options.concurrency && options.concurrency > 0 ? options.concurrency : WHAT_IF_DEFAULTS.concurrency,
    batchCostFactor: options.batchCostFactor ?? WHAT_IF_DEFAULTS.batchCostFactor,
    enqueueMs: options.enqueueMs ?? WHAT_IF_DEFAULTS.enqueueMs,
  };
  const targetMb = options.targetMemoryMb ?? WHAT_IF_DEFAULTS.targetMemoryMb;
  const m = buildModel(b, findings);
  const budgetMs = b.budget.budgetMs;
  const limitMs = budgetMs !== null ? Math.floor(budgetMs * (1 - headroom)) : null;
  const candidates: Candidate[] = [];
  const skipped: WhatIfSkipped[] = [];
  const add = (kind: WhatIfFixKind, id: string, title: string, rule: string, effect: Effect, extra: Partial<WhatIfFix> = {}): void => {
    const predictedMs = predict(m, [effect], o)!;
    if (predictedMs >= m.baseMs) return; // buys nothing on this request
    const fix: WhatIfFix = { id, kind, title, rule, predictedMs, savedMs: m.baseMs - predictedMs, fits: limitMs !== null ? predictedMs <= limitMs : null, ...extra };
    if (budgetMs !== null) fix.marginMs = budgetMs - predictedMs;
    candidates.push({ fix, effect });
  };

  // 1. The cold start, when it ran before the handler (on the request's path).
  if (m.initMs > 0) {
    const restore = b.breakdown.coldStartKind === 'restore';
    add(
      'remove-cold-start',
      'remove-cold-start',
      restore ? 'Remove the SnapStart restore (provisioned concurrency)' : 'Remove the cold start (provisioned concurrency, or SnapStart)',
      `The request without its ${sec(m.initMs)} ${restore ? 'Restore' : 'Initialization'}, which ran before the handler started: a warm instance starts the handler at once.`,
      { cold: true },
      b.anatomy.init ? { spanIds: [b.anatomy.init.id] } : {},
    );
  }

  // 2. Each sequential group: run together, or batched when its operation has a batch form.
  for (const [g, grp] of m.groups.entries()) {
    const n = grp.calls.length;
    const sumMs = grp.sortedMs.reduce((x, y) => x + y, 0);
    const longest = grp.sortedMs[n - 1]!;
    const name = shownName(grp.target);
    const w = waves(n, o.concurrency);
    const how = Number.isFinite(o.concurrency)
      ? `in ⌈${n}/${o.concurrency}⌉ = ${plural(w, 'wave')} of up to ${o.concurrency} at once, each costing the group's longest call (${sec(longest)}): ${sec(w * longest)}`
      : `all at once (no concurrency limit assumed), costing the group's longest call: ${sec(longest)}`;
    add(
      'concurrent-calls',
      `concurrent-calls:${grp.target}`,
      `Run the ${n} ${name} calls concurrently`,
      `The ${n} calls (${sec(sumMs)} one after another) run ${how}; the handler's work between them stays.`,
      { group: { index: g, mode: 'concurrent' } },
      { target: grp.target },
    );
    if (grp.batchOp) {
      const batches = Math.ceil(n / grp.batchSize);
      const median = nearestRank(grp.sortedMs, 50);
      add(
        'batch-calls',
        `batch-calls:${grp.target}`,
        `Batch the ${n} ${name} calls with ${grp.batchOp}`,
        `⌈${n}/${grp.batchSize}⌉ = ${plural(batches, `${grp.batchOp} call`)} of up to ${grp.batchSize} items, one after another, each costing ${o.batchCostFactor} × the group's median call (${sec(median)}): ${sec(batches * median * o.batchCostFactor)} instead of ${sec(sumMs)}; the handler's work between the calls stays.`,
        { group: { index: g, mode: 'batch' } },
        { target: grp.target },
      );
    }
  }

  // 3. A slow downstream target capped: at the timeout the user set, or at its p50 over the window.
  // One pass over the calls: how many of each target's calls are over its cap, and by how much
  // in all (which ranks the targets: only the first few are predicted).
  const capOf = m.targets.map((target) => options.downstreamTimeoutMs ?? window?.p50ByTarget.get(target)?.p50Ms);
  const overCount = m.targets.map(() => 0);
  const overMs = m.targets.map(() => 0);
  for (let i = 0; i < m.start.length; i++) {
    const t = m.target[i]!;
    const cap = capOf[t];
    const d = m.end[i]! - m.start[i]!;
    if (cap !== undefined && d > cap) {
      overCount[t]!++;
      overMs[t]! += d - cap;
    }
  }
  const capTargets = m.targets
    .map((_, t) => t)
    .filter((t) => overCount[t]! > 0)
    .sort((x, y) => overMs[y]! - overMs[x]!)
    .slice(0, MAX_CAP_FIXES);
  for (const t of capTargets) {
    const target = m.targets[t]!;
    const p50 = window?.p50ByTarget.get(target);
    const cap = capOf[t]!;
    const over = overCount[t]!;
    const why =
      options.downstreamTimeoutMs !== undefined
        ? 'the timeout you set'
        : `its p50 over ${plural(p50!.calls, 'call')} in the ${plural(window!.traces, 'trace')} of this report`;
    add(
      'cap-downstream',
      `cap-downstream:${target}`,
      `Cap ${shownName(target)} at ${sec(cap)}`,
      `Each ${shownName(target)} call longer than ${sec(cap)} (${why}) is cut there (${plural(over, 'call')} of this request): a client timeout with a fallback or an error instead of the slow answer.`,
      { cap: { target: t, ms: cap } },
      { target },
    );
  }

  // 4. More memory for the handler's own time (an estimate: that time is taken as CPU-bound).
  if (m.handlerStartAtMs !== null && m.ownMs > 0) {
    const mb = options.memoryMb;
    if (mb === undefined) {
      skipped.push({ kind: 'raise-memory', reason: 'the function’s memory size is not known (no REPORT line or function configuration was read), so the memory fix is not estimated' });
    } else if (mb >= targetMb) {
      skipped.push({ kind: 'raise-memory', reason: `the function already has ${mb} MB, at or past the ${targetMb} MB at which Lambda gives it one full vCPU: more memory speeds up only code that uses more than one thread` });
    } else {
      const factor = mb / targetMb;
      add(
        'raise-memory',
        'raise-memory',
        `Raise memory from ${mb} MB to ${targetMb} MB (1 vCPU)`,
        `An estimate: the handler's own time outside downstream calls (${sec(m.ownMs)}) is taken as CPU-bound, and CPU grows with memory up to ${targetMb} MB (one full vCPU): ${sec(m.ownMs)} × ${mb}/${targetMb} = ${sec(m.ownMs * factor)}; downstream calls take as long as before.`,
        { memoryFactor: factor },
        { estimate: true },
      );
    }
  }

  // 5. Answer 202 and queue the work.
  if (m.handlerStartAtMs !== null) {
    add(
      'queue-202',
      'queue-202',
      'Answer 202 Accepted and queue the work (SQS, EventBridge or Step Functions)',
      `The request ends once the work is queued: the time until the handler started (${sec(m.handlerStartAtMs)}${m.initMs ? `, the ${sec(m.initMs)} cold start included` : ''}) + ${o.enqueueMs} ms to enqueue + the gateway's own ${sec(m.gatewayAfterMs)} after the integration answered; the client polls or is notified for the result.`,
      { queue: true },
    );
  }
  return { m, o, headroom, budgetMs, limitMs, candidates, skipped };
}

/**
 * The fixes that apply to one analyzed trace, each with its predicted total and rule, and the
 * smallest set that brings it under the budget with headroom. `findings` are the trace's own (the
 * `sequential-calls` groups come from them); `window` gives each target's p50 for the cap fix.
 */
export function traceWhatIf(b: TraceBreakdown, findings: readonly Finding[], options: WhatIfOptions = {}, window?: WhatIfWindow): TraceWhatIfResult {
  const { m, o, headroom, budgetMs, limitMs, candidates, skipped } = prepare(b, findings, options, window);

  // The smallest set that is enough: single fixes, then pairs, then triples…; among sets of one
  // size, the one whose fixes come first in PREFERENCE, then the lowest prediction.
  const order = candidates.map((_, i) => i).sort((x, y) => PREFERENCE[candidates[x]!.fix.kind] - PREFERENCE[candidates[y]!.fix.kind] || candidates[x]!.fix.predictedMs - candidates[y]!.fix.predictedMs);
  let enough: TraceWhatIf['enough'] = null;
  // Already under the limit: no fix is needed (the empty set is the smallest).
  if (limitMs !== null && m.baseMs <= limitMs) enough = { fixIds: [], predictedMs: Math.round(m.baseMs), ...(budgetMs !== null ? { marginMs: budgetMs - Math.round(m.baseMs) } : {}) };
  else if (limitMs !== null) {
    let tried = 0;
    const pick: number[] = [];
    let found: { set: number[]; predictedMs: number } | null = null;
    const search = (from: number, size: number): void => {
      if (found || tried >= MAX_SETS_TRIED) return;
      if (pick.length === size) {
        tried++;
        const p = predict(m, pick.map((i) => candidates[order[i]!]!.effect), o);
        if (p !== null && p <= limitMs) found = { set: pick.map((i) => order[i]!), predictedMs: p };
        return;
      }
      for (let i = from; i < order.length && !found; i++) {
        pick.push(i);
        search(i + 1, size);
        pick.pop();
      }
    };
    for (let size = 1; size <= Math.min(MAX_SET_SIZE, candidates.length) && !found; size++) search(0, size);
    const f = found as { set: number[]; predictedMs: number } | null;
    if (f) enough = { fixIds: f.set.map((i) => candidates[i]!.fix.id), predictedMs: f.predictedMs, ...(budgetMs !== null ? { marginMs: budgetMs - f.predictedMs } : {}) };
  }

  const byKind = new Map<WhatIfFixKind, number>();
  for (const kind of Object.keys(PREFERENCE) as WhatIfFixKind[]) {
    const effects = candidates.filter((c) => c.fix.kind === kind).map((c) => c.effect);
    if (effects.length) byKind.set(kind, predict(m, effects, o)!);
  }
  const whatIf: TraceWhatIf = {
    baseMs: Math.round(m.baseMs),
    budgetMs,
    headroom,
    limitMs,
    fixes: order.map((i) => candidates[i]!.fix),
    enough,
    skipped,
  };
  return { whatIf, byKind };
}

/** Each call of the model, and each span below one, → the call's index: made once per preparation. */
function callOwners(p: Prepared): Map<Span, number> {
  if (p.owners) return p.owners;
  const owners = new Map<Span, number>();
  const m = p.m;
  for (let i = 0; i < m.calls.length; i++) owners.set(m.calls[i]!, i);
  const stack: Span[] = [];
  for (let i = 0; i < m.calls.length; i++) {
    for (const c of m.calls[i]!.children) stack.push(c);
    while (stack.length) {
      const x = stack.pop()!;
      if (owners.has(x)) continue;
      owners.set(x, i);
      for (const c of x.children) stack.push(c);
    }
  }
  p.owners = owners;
  return owners;
}

/** A trace's spans as a set of fixes would have them: the bars the waterfall draws "predicted". */
export interface WhatIfTimeline {
  /** Each span's predicted start and end (epoch ms, like the spans'), parallel to the spans given; an in-progress span ends where it starts. */
  startMs: number[];
  endMs: number[];
  /** The set's predicted total: the same number `traceWhatIf` gives the set (a fix's `predictedMs`, `enough.predictedMs`). */
  predictedMs: number;
  budgetMs: number | null;
  /** predicted ≤ budget × (1 − headroom); null without a budget. */
  fits: boolean | null;
  /** budget − predicted; absent without a budget. */
  marginMs?: number;
}

/**
 * The spans of a trace moved to where a set of fixes (ids of `traceWhatIf`'s fixes, with the same
 * options and window) would put them, and the set's total; null when an id is not one of the
 * trace's fixes or two of them cannot go together. The rule is a monotone warp of the request's
 * time, built from the same plan as the prediction:
 * - the cold start on the path is compressed to nothing when removed (later times move earlier);
 * - in the handler's window, its own time between clusters of overlapping calls is scaled by the
 *   memory factor and each cluster takes its new length (times inside it scaled linearly);
 * - a call keeps its offset in its cluster and gets its new (capped) duration; the calls of a group
 *   run together start at the group's first call: concurrently in waves of the concurrency, each
 *   wave after the one before (its longest capped call), or batched as ⌈n/size⌉ calls one after
 *   another of median × cost factor, the other calls of the group at its start with no length;
 * - a call's descendants are scaled with their call; every other span goes through the warp;
 * - the front door (and its integration call) ends at the predicted total; on a cut request at
 *   min(predicted, budget) (still cut past the budget); with a 202 and a queue, at the predicted
 *   total (the integration call when the work is queued), the function's work behind the queue.
 */
export function whatIfTimeline(
  spans: readonly Span[],
  b: TraceBreakdown,
  findings: readonly Finding[],
  fixIds: readonly string[],
  options: WhatIfOptions = {},
  window?: WhatIfWindow,
): WhatIfTimeline | null {
  const prep = preparedOnce(b, findings, options, window);
  const { m, o, budgetMs, limitMs, candidates } = prep;
  const effects: Effect[] = [];
  for (const id of fixIds) {
    const c = candidates.find((x) => x.fix.id === id);
    if (!c) return null;
    effects.push(c.effect);
  }
  const e = merge(effects);
  if (!e) return null;
  const p = plan(m, e, o);
  const predictedMs = totalOf(m, p, o);
  const origin = b.originMs;

  // The warp: the cold start, then the handler's window as breakpoints (offsets from its start).
  const coldMs = e.cold ? m.initMs : 0;
  const is = m.initStartEpochMs;
  const ie = is + coldMs;
  const cold = (t: number): number => (t <= is ? t : t >= ie ? t - coldMs : is);
  const hs = m.handlerStartEpochMs;
  const oldAt: number[] = [0];
  const newAt: number[] = [0];
  const clusterStart: number[] = [];
  for (const [c, cl] of m.clusters.entries()) {
    const cs = m.start[cl.from]!;
    const before = newAt[newAt.length - 1]! + (cs - oldAt[oldAt.length - 1]!) * e.memoryFactor;
    oldAt.push(cs, cs + cl.ms);
    newAt.push(before, before + p.clusterMs[c]!);
    clusterStart.push(before);
  }
  oldAt.push(m.handlerMs);
  newAt.push(newAt[newAt.length - 1]! + (m.handlerMs - oldAt[oldAt.length - 2]!) * e.memoryFactor);
  const inHandler = (x: number): number => {
    let lo = 0;
    let hi = oldAt.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (oldAt[mid]! <= x) lo = mid;
      else hi = mid - 1;
    }
    if (lo === oldAt.length - 1) return newAt[lo]!;
    const span = oldAt[lo + 1]! - oldAt[lo]!;
    return newAt[lo]! + (span > 0 ? ((x - oldAt[lo]!) / span) * (newAt[lo + 1]! - newAt[lo]!) : 0);
  };
  const hsNew = hs !== null ? cold(hs) : 0;
  const shrink = m.handlerMs - newAt[newAt.length - 1]!;
  const warp = (t: number): number => {
    if (hs === null || t <= hs) return cold(t);
    if (t >= hs + m.handlerMs) return cold(t) - shrink;
    return hsNew + inHandler(t - hs);
  };

  // The calls placed by the rule, each one's new start and length in arrays (no object per call).
  const cs = (i: number): number => m.start[m.clusters[m.clusterOf[i]!]!.from]!;
  const callStart = (i: number): number => clusterStart[m.clusterOf[i]!]! + (m.start[i]! - cs(i));
  // Each call's place in its group (a group may hold thousands of calls: no indexOf per call).
  const placeInGroup = new Array<number>(m.calls.length).fill(-1);
  for (const grp of m.groups) for (const [k, i] of grp.calls.entries()) placeInGroup[i] = k;
  const newStart = new Array<number>(m.calls.length);
  const newMs = new Array<number>(m.calls.length);
  for (let i = 0; i < m.calls.length; i++) {
    const g = m.group[i]!;
    const mode = g >= 0 ? e.groups.get(g) : undefined;
    const d = m.end[i]! - m.start[i]!;
    let start: number;
    let ms: number;
    if (mode) {
      const grp = m.groups[g]!;
      const k = placeInGroup[i]!;
      const lead = callStart(grp.calls[0]!);
      const cap = p.capOf(m.target[i]!);
      if (mode === 'concurrent') {
        const wave = Number.isFinite(o.concurrency) ? Math.floor(k / o.concurrency) : 0;
        start = lead + wave * Math.min(grp.sortedMs[grp.sortedMs.length - 1]!, cap);
        ms = Math.min(d, cap);
      } else {
        const batches = Math.ceil(grp.calls.length / grp.batchSize);
        const each = Math.min(nearestRank(grp.sortedMs, 50), cap) * o.batchCostFactor;
        start = k < batches ? lead + k * each : lead;
        ms = k < batches ? each : 0;
      }
    } else {
      start = callStart(i);
      ms = Math.min(d, p.capOf(m.target[i]!));
    }
    newStart[i] = hsNew + start;
    newMs[i] = ms;
  }

  // The front door: the client's wait as predicted.
  const a = b.anatomy;
  let door: { span: Span; start: number; end: number } | null = null;
  let doorCall: { span: Span; start: number; end: number } | null = null;
  if (a.entry && a.gatewayEntry) {
    const cut = b.cutAtMs !== null && budgetMs !== null;
    const end = origin + (e.queue || !cut ? predictedMs : Math.min(predictedMs, budgetMs));
    door = { span: a.entry, start: warp(a.entry.startMs), end };
    const call = a.integrationCall;
    if (call && (e.queue || cut)) doorCall = { span: call, start: warp(call.startMs), end: e.queue ? Math.max(call.startMs, end - m.gatewayAfterMs) : end };
  }

  // Each span: a call by the rule, below a call scaled with it, the front door as above, else the warp.
  const owner = callOwners(prep);
  const startMs: number[] = new Array<number>(spans.length);
  const endMs: number[] = new Array<number>(spans.length);
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!;
    const fixed = door && s === door.span ? door : doorCall && s === doorCall.span ? doorCall : null;
    const k = fixed ? undefined : owner.get(s);
    if (fixed) {
      startMs[i] = fixed.start;
      endMs[i] = fixed.end;
    } else if (k !== undefined) {
      const call = m.calls[k]!;
      const s0 = newStart[k]!;
      if (s === call) {
        startMs[i] = s0;
        endMs[i] = s0 + newMs[k]!;
      } else {
        const len = (call.endMs ?? call.startMs) - call.startMs;
        const scale = len > 0 ? newMs[k]! / len : 0;
        startMs[i] = s0 + (s.startMs - call.startMs) * scale;
        endMs[i] = s.endMs === null ? startMs[i]! : s0 + (s.endMs - call.startMs) * scale;
      }
    } else {
      startMs[i] = warp(s.startMs);
      endMs[i] = s.endMs === null ? startMs[i]! : Math.max(startMs[i]!, warp(s.endMs));
    }
  }
  const out: WhatIfTimeline = { startMs, endMs, predictedMs, budgetMs, fits: limitMs !== null ? predictedMs <= limitMs : null };
  if (budgetMs !== null) out.marginMs = budgetMs - predictedMs;
  return out;
}

/** The titles of the route-level fixes: every fix of a kind applied to each traced request. */
const KIND_TITLE: Readonly<Record<WhatIfFixKind, string>> = {
  'batch-calls': 'Batch the sequential calls',
  'concurrent-calls': 'Run the sequential calls concurrently',
  'cap-downstream': 'Cap the slow downstream calls',
  'raise-memory': 'Raise memory to 1 vCPU',
  'remove-cold-start': 'Remove cold starts',
  'queue-202': 'Answer 202 and queue the work',
};

/**
 * A route's p99 after each kind of fix, over its traced requests: each request's prediction with
 * every fix of that kind applied (its own total when none applies), as the client would wait it
 * (past the budget the front door answers 504 at the budget, as now), nearest rank.
 */
export function routeWhatIf(items: ReadonlyArray<{ totalMs: number; byKind: ReadonlyMap<WhatIfFixKind, number> }>, budgetMs: number | null, headroom: number = WHAT_IF_DEFAULTS.headroom): RouteWhatIf | undefined {
  if (!items.length) return undefined;
  const p99 = (values: number[]): number => nearestRank(values.sort((a, b) => a - b), 99);
  const wait = (ms: number): number => (budgetMs !== null ? Math.min(ms, budgetMs) : ms);
  const kinds = new Set<WhatIfFixKind>();
  for (const it of items) for (const k of it.byKind.keys()) kinds.add(k);
  const limitMs = budgetMs !== null ? Math.floor(budgetMs * (1 - headroom)) : null;
  const fixes = [...kinds]
    .sort((x, y) => PREFERENCE[x] - PREFERENCE[y])
    .map((kind) => {
      const p = p99(items.map((it) => wait(it.byKind.get(kind) ?? it.totalMs)));
      return { kind, title: KIND_TITLE[kind], p99Ms: p, fits: limitMs !== null ? p <= limitMs : null };
    });
  return { traces: items.length, p99Ms: p99(items.map((it) => it.totalMs)), limitMs, fixes };
}
