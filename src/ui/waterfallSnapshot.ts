// Trace + TraceReport → the plain-data snapshot the waterfall webview draws (src/protocol.ts).
// Pure: no vscode import, so it is unit-tested under Node and benchmarked in milliseconds.
// The snapshot is pre-order with siblings by start (Jaeger's normalize step), times are
// offsets from the entry start, and nothing is clamped to its parent: a child that starts
// before its parent (real X-Ray: Initialization before the function segment) keeps its time.
// Rows travel as columns (protocol.ts SnapshotSpans); a span's details are built only when the
// webview asks for them (spanDetails), from the span list the model keeps on the host.
// A run of sequential calls to the same target (the N+1 loop's 438 GetItem) is drawn as one group
// row above its calls (groupRuns): the row is not a span, its calls are its children.
import type { OtelInfo, Span, SpanKind, Trace } from '../core/model';
import type { Finding, TraceReport } from '../core/report';
import type { AnalyzedTrace, TraceBreakdown } from '../core/breakdown';
import { THRESHOLDS } from '../core/thresholds';
import { whatIfTimeline, type WhatIfBasis } from '../core/whatIf';
import { PROTOCOL_VERSION, SpanFlag, whatIfRequestProblem } from '../protocol';
import type {
  CallGroupDetails,
  DetailsErrorMessage,
  DetailsMessage,
  RequestDetailsMessage,
  RequestWhatIfMessage,
  WhatIfErrorMessage,
  WhatIfMessage,
  SnapshotCause,
  SnapshotSpans,
  SpanDetails,
  SpanRole,
  SpanStyle,
  TraceListItem,
  WaterfallSnapshot,
} from '../protocol';

export interface SnapshotOptions {
  /** Other traces for the trace list (the shown one is added when missing). */
  others?: readonly TraceReport[];
  /**
   * Maps a stack frame path to an absolute workspace file, or undefined when the frame
   * is not in the workspace (then it is shown as text, not as a link).
   */
  resolveFrame?: (path: string, workingDirectory: string | undefined) => string | undefined;
  restoreKey?: string;
}

/**
 * A snapshot and, host-side only, the spans its rows stand for (`spans[i]` is row data `i`). A
 * group row stands for its calls (`groups`); its `spans` entry is the run's first call, which has
 * the operation, the resource and the line of code of every call of the run.
 */
export interface WaterfallModel {
  snapshot: WaterfallSnapshot;
  spans: readonly Span[];
  /** The calls of each group row, by the row's index. */
  groups: ReadonlyMap<number, readonly Span[]>;
  /** The details of row `index` (with the build's frame resolver), undefined out of range. */
  details(index: number): SpanDetails | undefined;
}

/**
 * The answer to a `requestDetails`: the span's details, or why there are none, with the
 * request's id, so the details pane never waits for an answer that will not come.
 */
/**
 * The waterfall's entries of a run: each trace with its report, whose findings also list the
 * run's findings about its function (from the logs and the account: the function's own timeouts,
 * its timeout against the budget), so the waterfall of that function's request shows them too.
 */
export function waterfallEntries(analyzed: readonly AnalyzedTrace[], runFindings: readonly Finding[]): Array<{ trace: Trace; report: TraceReport; whatIf?: WhatIfSource }> {
  return analyzed.map((a) => {
    const fn = a.breakdown.anatomy.fn?.name ?? a.breakdown.anatomy.lambdaService?.name;
    const extra = fn ? runFindings.filter((f) => f.function === fn && !a.report.findings.some((g) => g.id === f.id)) : [];
    const report = extra.length ? { ...a.report, findings: [...a.report.findings, ...extra] } : a.report;
    return a.whatIfBasis ? { trace: a.trace, report, whatIf: { breakdown: a.breakdown, basis: a.whatIfBasis } } : { trace: a.trace, report };
  });
}

/** What the predicted bars of a trace are computed from: its breakdown and what its report's what-if used. */
export interface WhatIfSource {
  breakdown: TraceBreakdown;
  basis: WhatIfBasis;
}

/**
 * The answer to a `requestWhatIf`: each snapshot row's predicted start and end (a group row from
 * its calls' earliest start to their latest end) and the set's total, or why not. The fix ids are
 * checked against the report the snapshot shows before anything is computed.
 */
export function whatIfReply(model: WaterfallModel, trace: Trace, source: WhatIfSource | undefined, m: RequestWhatIfMessage): WhatIfMessage | WhatIfErrorMessage {
  const fail = (message: string): WhatIfErrorMessage => ({ type: 'whatIfError', v: PROTOCOL_VERSION, traceId: m.traceId, fixIds: m.fixIds, message });
  const problem = whatIfRequestProblem(m, model.snapshot.report);
  if (problem) return fail(problem);
  if (!source || trace.traceId !== model.snapshot.traceId) return fail('the analysis this trace came with is not kept, so its prediction cannot be drawn.');
  // The rows' own spans (a group row's is its first call: corrected below), in row order.
  const t = whatIfTimeline(model.spans, source.breakdown, source.basis.findings, m.fixIds, source.basis.options, source.basis.window);
  if (!t) return fail('these fixes cannot go together (one group of calls both batched and run concurrently).');
  const origin = model.snapshot.entryStartEpochMs;
  const n = model.spans.length;
  const startMs = new Array<number>(n);
  const endMs = new Array<number>(n);
  for (let r = 0; r < n; r++) {
    startMs[r] = (t.startMs[r] as number) - origin;
    endMs[r] = (t.endMs[r] as number) - origin;
  }
  // A group row spans its calls: the rows one level below it, up to the end of its subtree.
  const depth = model.snapshot.spans.depth;
  for (const g of model.snapshot.groupRows ?? []) {
    const d = depth[g] as number;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = g + 1; r < n && (depth[r] as number) > d; r++) {
      if (depth[r] !== d + 1) continue;
      lo = Math.min(lo, startMs[r] as number);
      hi = Math.max(hi, endMs[r] as number);
    }
    if (lo <= hi) {
      startMs[g] = lo;
      endMs[g] = hi;
    }
  }
  return { type: 'whatIf', v: PROTOCOL_VERSION, traceId: m.traceId, fixIds: m.fixIds, startMs, endMs, totalMs: t.predictedMs, fits: t.fits, marginMs: t.marginMs ?? null };
}

/**
 * What "Open logs" of a request reads, from the host's own trace: the Lambda span (function or
 * Lambda service) with that request id, named by its ARN when the segment has one, else its name.
 * undefined when the trace holds no such request: the page only names a request, it never says
 * which function's logs to read.
 */
export function logsRequestOf(trace: Trace, requestId: string): { functionName: string } | undefined {
  const span = trace.spans.find((s) => s.aws?.requestId === requestId && (s.kind === 'function' || s.kind === 'lambda-service'));
  return span ? { functionName: span.aws?.functionArn ?? span.name } : undefined;
}

export function detailsReply(model: WaterfallModel, m: RequestDetailsMessage): DetailsMessage | DetailsErrorMessage {
  const fail = (message: string): DetailsErrorMessage => ({ type: 'detailsError', v: PROTOCOL_VERSION, requestId: m.requestId, traceId: m.traceId, index: m.index, message });
  if (m.traceId !== model.snapshot.traceId) return fail('this panel now shows another trace.');
  let details: SpanDetails | undefined;
  try {
    details = model.details(m.index);
  } catch (e) {
    return fail(`building them failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!details) return fail(`the trace has no span ${m.index}.`);
  return { type: 'details', v: PROTOCOL_VERSION, requestId: m.requestId, traceId: m.traceId, index: m.index, details };
}

const ROLE_BY_KIND: Record<SpanKind, SpanRole> = {
  'front-door': 'frontDoor',
  'lambda-service': 'handler',
  function: 'handler',
  initialization: 'coldStart',
  restore: 'coldStart',
  invocation: 'handler',
  overhead: 'overhead',
  downstream: 'downstreamAws',
  custom: 'handler',
  inferred: 'inferred',
};

/** The color role of a span: downstream calls split by namespace (aws vs remote). */
export function roleOf(span: Pick<Span, 'kind' | 'namespace'>): SpanRole {
  if (span.kind === 'downstream') return span.namespace === 'remote' ? 'downstreamRemote' : 'downstreamAws';
  return ROLE_BY_KIND[span.kind];
}

/** A trace list row from a report. */
export function traceListItem(r: TraceReport): TraceListItem {
  const item: TraceListItem = {
    traceId: r.traceId,
    entryName: r.entry.name,
    status: r.entry.status,
    verdict: r.verdict,
    totalMs: r.totalMs,
    budgetMs: r.budgetMs,
    coldStartMs: r.breakdown.coldStartMs,
  };
  if (r.entry.method !== undefined) item.method = r.entry.method;
  if (r.entry.url !== undefined) item.url = r.entry.url;
  return item;
}

/**
 * The muted text after a row's name: what a segment is (two "orders-report" rows are the Lambda
 * service and the function), the operation and table, and the status of a call.
 */
export function subText(span: Span): string {
  // The non-empty parts joined by " · ", without an array per span (100 000 spans are built at once).
  let out = span.isSegment && span.origin ? span.origin.replace(/^AWS::/, '') : '';
  const op = span.aws?.operation;
  if (op) out = out ? `${out} · ${op}` : op;
  const table = span.aws?.tableName;
  if (table) out = out ? `${out} · ${table}` : table;
  if (span.http?.status !== undefined && span.kind !== 'front-door') {
    const status = String(span.http.status);
    out = out ? `${out} · ${status}` : status;
  }
  return out;
}

/** What the filter matches besides the name (protocol.ts SnapshotSpans.search). */
export function searchText(span: Span): string {
  return `${span.origin ?? ''}\u0000${span.aws?.operation ?? ''}\u0000${span.aws?.tableName ?? ''}\u0000${span.http?.url ?? ''}`;
}

function byStart(a: Span, b: Span): number {
  return a.startMs - b.startMs;
}

/** Children in start order: as they are when already sorted (the usual case), else a sorted copy. */
function inStartOrder(spans: readonly Span[]): readonly Span[] {
  for (let k = 1; k < spans.length; k++) {
    if ((spans[k - 1] as Span).startMs > (spans[k] as Span).startMs) return [...spans].sort(byStart);
  }
  return spans;
}

function snapshotCause(span: Span, opts: SnapshotOptions): SnapshotCause | undefined {
  const c = span.cause;
  if (!c) return undefined;
  const out: SnapshotCause = {
    exceptions: c.exceptions.map((e) => ({
      ...e,
      stack: e.stack.map((f) => {
        const file = f.path && opts.resolveFrame ? opts.resolveFrame(f.path, c.workingDirectory) : undefined;
        return file ? { ...f, file } : { ...f };
      }),
    })),
  };
  if (c.workingDirectory !== undefined) out.workingDirectory = c.workingDirectory;
  if (c.exceptionId !== undefined) out.exceptionId = c.exceptionId;
  return out;
}

/** An OpenTelemetry span's details as Metadata namespaces (`otel.span`, `otel`, `otel.resource`). */
function otelMetadata(o: OtelInfo): Record<string, unknown> {
  const span: Record<string, unknown> = { name: o.spanName, kind: o.spanKind };
  if (o.statusMessage !== undefined) span['status message'] = o.statusMessage;
  if (o.scope?.name) span.scope = o.scope.version ? `${o.scope.name} ${o.scope.version}` : o.scope.name;
  const out: Record<string, unknown> = { 'otel.span': span };
  if (Object.keys(o.attributes).length) out['otel'] = o.attributes;
  if (o.resource && Object.keys(o.resource).length) out['otel.resource'] = o.resource;
  return out;
}

/** The details pane's data of one span (asked for by the webview when the span is selected). */
export function spanDetails(span: Span, opts: Pick<SnapshotOptions, 'resolveFrame'> = {}): SpanDetails {
  const d: SpanDetails = { id: span.id, source: span.source };
  if (span.resourceArn !== undefined) d.resourceArn = span.resourceArn;
  if (span.http) d.http = { ...span.http };
  if (span.aws) d.aws = { ...span.aws };
  if (Object.keys(span.annotations).length > 0) d.annotations = { ...span.annotations };
  if (span.metadata) d.metadata = span.metadata;
  // An OpenTelemetry span's attributes, resource and own name and kind: shown in the Metadata
  // section (rows `otel.<attribute>`, `otel.resource.<attribute>`, `otel.span.<field>`) until the
  // pane has a section of its own for them.
  if (span.otel) d.metadata = { ...d.metadata, ...otelMetadata(span.otel) };
  if (span.sql) d.sql = span.sql;
  const cause = snapshotCause(span, opts);
  if (cause) d.cause = cause;
  return d;
}

/** Strings sent once, referred to by index; 0 is ''. */
class StringTable {
  readonly list: string[] = [''];
  private readonly index = new Map<string, number>([['', 0]]);

  of(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

const KIND_CODE: Record<SpanKind, number> = {
  'front-door': 0,
  'lambda-service': 1,
  function: 2,
  initialization: 3,
  restore: 4,
  invocation: 5,
  overhead: 6,
  downstream: 7,
  custom: 8,
  inferred: 9,
};

function flagsOf(span: Span): number {
  return (
    (span.isSegment ? SpanFlag.segment : 0) |
    (span.inProgress ? SpanFlag.inProgress : 0) |
    (span.fault ? SpanFlag.fault : 0) |
    (span.error ? SpanFlag.error : 0) |
    (span.throttle ? SpanFlag.throttle : 0)
  );
}

class StyleTable {
  readonly list: SpanStyle[] = [];
  /** By origin (undefined apart), then by a number made of kind, namespace and flags. */
  private readonly byOrigin = new Map<string | undefined, Map<number, number>>();

  of(span: Span): number {
    return this.ofFlags(span, flagsOf(span));
  }

  /** The style of `span` with other flags (a group row: its first call's, with the group's flags). */
  ofFlags(span: Span, flags: number): number {
    const ns = span.namespace === undefined ? 0 : span.namespace === 'aws' ? 1 : 2;
    const key = (KIND_CODE[span.kind] * 3 + ns) * 64 + flags;
    let index = this.byOrigin.get(span.origin);
    if (!index) {
      index = new Map();
      this.byOrigin.set(span.origin, index);
    }
    let i = index.get(key);
    if (i === undefined) {
      const style: SpanStyle = { kind: span.kind, role: roleOf(span), flags };
      if (span.origin !== undefined) style.origin = span.origin;
      if (span.namespace !== undefined) style.namespace = span.namespace;
      i = this.list.length;
      this.list.push(style);
      index.set(key, i);
    }
    return i;
  }
}

/**
 * The fewest calls that make a group row, and how far a call may start before the previous one
 * ended and still count as after it: the `sequential-calls` finding's thresholds
 * (core/thresholds.ts), so that the run a finding names is the run the waterfall groups.
 */
export const GROUP_MIN_CALLS = THRESHOLDS.sequentialMinCalls;
const GROUP_TOLERANCE_MS = THRESHOLDS.sequentialOverlapToleranceMs;
const NO_RUNS: readonly number[] = [];

/** A call's operation as the findings name it: the AWS operation, or a remote call's HTTP method. */
function operationOf(s: Span): string | undefined {
  return s.aws?.operation ?? (s.namespace === 'remote' ? s.http?.method : undefined);
}

/** Whether the calls `a` and `b` go to the same target: name, namespace, operation, table and HTTP method alike. */
function sameTarget(a: Span, b: Span): boolean {
  return (
    b.kind === 'downstream' &&
    b.name === a.name &&
    b.namespace === a.namespace &&
    b.aws?.operation === a.aws?.operation &&
    b.aws?.tableName === a.aws?.tableName &&
    b.http?.method === a.http?.method
  );
}

/**
 * The runs of sequential calls among siblings in start order, as [from, to) index pairs: at least
 * GROUP_MIN_CALLS consecutive downstream calls to the same target (sameTarget), none in
 * progress, each starting no earlier than the previous one ended (less the tolerance). Calls
 * that overlap (parallel) break a run, and so does any other sibling between two calls. One pass.
 */
export function groupRuns(kids: readonly Span[]): readonly number[] {
  // Most spans have fewer children than a run (100 000 spans are leaves, mostly): no array for them.
  if (kids.length < GROUP_MIN_CALLS) return NO_RUNS;
  let runs: number[] | null = null;
  let k = 0;
  while (k < kids.length) {
    const first = kids[k] as Span;
    let j = k + 1;
    if (first.kind === 'downstream' && first.endMs !== null) {
      let prevEnd = first.endMs;
      for (; j < kids.length; j++) {
        const next = kids[j] as Span;
        if (next.endMs === null || next.startMs < prevEnd - GROUP_TOLERANCE_MS || !sameTarget(first, next)) break;
        prevEnd = next.endMs;
      }
      if (j - k >= GROUP_MIN_CALLS) (runs ??= []).push(k, j);
    }
    k = j;
  }
  return runs ?? NO_RUNS;
}

/** A group row's name, e.g. "DynamoDB GetItem × 438". */
export function groupName(calls: readonly Span[]): string {
  const first = calls[0] as Span;
  const op = operationOf(first);
  return `${first.name}${op ? ` ${op}` : ''} × ${calls.length}`;
}

/** A group row's muted text, e.g. "one after another · orders". */
export function groupSubText(first: Span): string {
  const table = first.aws?.tableName;
  return table ? `one after another · ${table}` : 'one after another';
}

/** The id a group row has in the spans key and its details: its first call's, marked, with the count. */
function groupId(calls: readonly Span[]): string {
  return `group:${(calls[0] as Span).id}×${calls.length}`;
}

function ms(s: Span): number {
  return s.endMs === null ? 0 : s.endMs - s.startMs;
}

/** A group row's details: what its calls add up to (the pane's "Calls" section). */
export function groupDetails(calls: readonly Span[]): SpanDetails {
  const first = calls[0] as Span;
  const last = calls[calls.length - 1] as Span;
  const durations = calls.map(ms);
  let longest = 0;
  let callsMs = 0;
  let faults = 0;
  let errors = 0;
  let throttles = 0;
  durations.forEach((d, k) => {
    callsMs += d;
    if (d > (durations[longest] as number)) longest = k;
  });
  for (const c of calls) {
    if (c.fault) faults++;
    if (c.error) errors++;
    if (c.throttle) throttles++;
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const op = operationOf(first);
  const group: CallGroupDetails = {
    calls: calls.length,
    target: op ? `${first.name} ${op}` : first.name,
    callsMs,
    spanMs: (last.endMs ?? last.startMs) - first.startMs,
    medianMs: median,
    longestMs: durations[longest] as number,
    longestCall: longest + 1,
    firstId: first.id,
    lastId: last.id,
    faults,
    errors,
    throttles,
  };
  if (op !== undefined) group.operation = op;
  if (first.aws?.tableName !== undefined) group.resource = first.aws.tableName;
  return { id: groupId(calls), source: first.source, group };
}

/**
 * Two 32-bit FNV-1a lanes over the ids in order: equal keys mean (but for a 1 in 2^64 chance)
 * the same spans in the same order, which is all the webview's persisted indices need.
 */
function spansKeyOf(spans: readonly Span[], groups: ReadonlyMap<number, readonly Span[]>, groupRows: readonly number[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  // The group rows in order: the next one's index, so that other rows cost no lookup.
  let g = 0;
  let nextGroup = groupRows.length > 0 ? (groupRows[0] as number) : -1;
  for (let i = 0; i < spans.length; i++) {
    let id: string;
    if (i === nextGroup) {
      id = groupId(groups.get(i) as readonly Span[]);
      nextGroup = ++g < groupRows.length ? (groupRows[g] as number) : -1;
    } else id = (spans[i] as Span).id;
    for (let k = 0; k < id.length; k++) {
      const c = id.charCodeAt(k);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193);
    }
    // A separator no id can fake by its characters' codes alone: ids end where they end.
    a = Math.imul(a ^ 0x10000, 0x01000193);
    b = Math.imul(b ^ 0x1ffff, 0x01000193);
  }
  return `${spans.length}:${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}`;
}

/**
 * Each finding's rows: its spans' indices, where a span inside a group row (a call of the run or
 * anything below one) is given as the outermost group row holding it, once. The outermost groups'
 * row ranges come from the depths (a subtree is contiguous); each index is then a binary search.
 */
function findingRows(findings: readonly Finding[], wanted: ReadonlyMap<string, number>, groupRows: readonly number[], depth: readonly number[]): number[][] {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const g of groupRows) {
    if (starts.length > 0 && g < (ends[ends.length - 1] as number)) continue; // inside the last outermost group
    const d = depth[g] as number;
    let e = g + 1;
    while (e < depth.length && (depth[e] as number) > d) e++;
    starts.push(g);
    ends.push(e);
  }
  const rowOf = (i: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((starts[mid] as number) <= i) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && i < (ends[hi] as number) ? (starts[hi] as number) : i;
  };
  return findings.map((f) => {
    const rows: number[] = [];
    const taken = new Set<number>();
    for (const id of f.spanIds ?? []) {
      const i = wanted.get(id) ?? -1;
      if (i < 0) continue;
      const row = starts.length > 0 ? rowOf(i) : i;
      if (taken.has(row)) continue;
      taken.add(row);
      rows.push(row);
    }
    return rows;
  });
}

/**
 * Builds the snapshot and the host's span list. Walks the trace tree iteratively (100 000 spans
 * may nest deeply), pre-order, siblings sorted by start time; spans not reachable from the roots
 * are appended as roots so nothing the engine parsed disappears from the picture. Each run of
 * sequential calls (groupRuns) gets a group row in its first call's place, its calls below it.
 */
export function buildWaterfall(trace: Trace, report: TraceReport, opts: SnapshotOptions = {}): WaterfallModel {
  let earliest = Infinity;
  for (const s of trace.spans) earliest = Math.min(earliest, s.startMs);
  const origin = report.startTimeMs ?? trace.entry?.startMs ?? (Number.isFinite(earliest) ? earliest : 0);
  const order: Span[] = [];
  const strings = new StringTable();
  const styles = new StyleTable();
  const noSearch = strings.of('\u0000\u0000\u0000');
  const cols: SnapshotSpans = {
    count: 0,
    strings: strings.list,
    styles: styles.list,
    depth: [],
    name: [],
    style: [],
    startMs: [],
    endMs: [],
    sub: [],
    search: [],
  };
  const seen = new Set<Span>();
  let endMs = 0;
  let minStartMs = 0;
  // Finding span ids → their indices, found on the way instead of indexing every id.
  const wanted = new Map<string, number>();
  for (const f of report.findings) for (const id of f.spanIds ?? []) wanted.set(id, -1);

  // Group rows by index, and their indices in order.
  const groups = new Map<number, readonly Span[]>();
  const groupRows: number[] = [];

  // The stack as two arrays (span, depth): no tuple per span. Children are pushed in reverse so
  // they pop in start order. A run of sequential calls goes on as its first call with the depth
  // complemented (~depth < 0): popped, it writes the group row (its calls in `runs`) and pushes
  // the calls one level deeper. Spans only on the stack, so the walk's hot loop stays monomorphic.
  const stack: Span[] = [];
  const depths: number[] = [];
  const runs = new Map<Span, readonly Span[]>();
  // Children enough for a run: those in runs go on as their first call (see above).
  const pushChildren = (kids: readonly Span[], depth: number): void => {
    const found = groupRuns(kids);
    let r = found.length - 2;
    for (let k = kids.length - 1; k >= 0; ) {
      if (r >= 0 && k === (found[r + 1] as number) - 1) {
        const from = found[r] as number;
        const first = kids[from] as Span;
        runs.set(first, kids.slice(from, k + 1));
        stack.push(first);
        depths.push(~depth);
        k = from - 1;
        r -= 2;
      } else {
        stack.push(kids[k] as Span);
        depths.push(depth);
        k--;
      }
    }
  };
  const writeGroup = (calls: readonly Span[], depth: number): void => {
    const first = calls[0] as Span;
    const last = calls[calls.length - 1] as Span;
    let flags = SpanFlag.group;
    for (const c of calls) flags |= flagsOf(c) & (SpanFlag.fault | SpanFlag.error | SpanFlag.throttle);
    const index = order.length;
    const start = first.startMs - origin;
    const end = (last.endMs as number) - origin;
    endMs = Math.max(endMs, end);
    minStartMs = Math.min(minStartMs, start);
    order.push(first);
    groups.set(index, calls);
    groupRows.push(index);
    cols.depth.push(depth);
    cols.name.push(strings.of(groupName(calls)));
    cols.style.push(styles.ofFlags(first, flags));
    cols.startMs.push(start);
    cols.endMs.push(end);
    cols.sub.push(strings.of(groupSubText(first)));
    cols.search.push(strings.of(searchText(first)));
    for (let k = calls.length - 1; k >= 0; k--) {
      stack.push(calls[k] as Span);
      depths.push(depth + 1);
    }
  };
  const visit = (root: Span): void => {
    stack.push(root);
    depths.push(0);
    while (stack.length > 0) {
      const span = stack.pop() as Span;
      const depth = depths.pop() as number;
      if (depth < 0) {
        writeGroup(runs.get(span) as readonly Span[], ~depth);
        continue;
      }
      if (seen.has(span)) continue;
      seen.add(span);
      const index = order.length;
      const start = span.startMs - origin;
      const end = span.endMs === null ? null : span.endMs - origin;
      endMs = Math.max(endMs, end ?? start);
      minStartMs = Math.min(minStartMs, start);
      order.push(span);
      cols.depth.push(depth);
      cols.name.push(strings.of(span.name));
      cols.style.push(styles.of(span));
      cols.startMs.push(start);
      cols.endMs.push(end ?? start);
      if (span.origin === undefined && span.aws === undefined && span.http === undefined) {
        // Nothing to show or match besides the name (most spans of a big trace): no strings to build.
        cols.sub.push(0);
        cols.search.push(noSearch);
      } else {
        cols.sub.push(strings.of(subText(span)));
        cols.search.push(strings.of(searchText(span)));
      }
      if (wanted.size > 0 && wanted.has(span.id)) wanted.set(span.id, index);
      const kids = inStartOrder(span.children);
      if (kids.length < GROUP_MIN_CALLS) {
        // Too few children for a run (most spans): pushed as they are.
        for (let k = kids.length - 1; k >= 0; k--) {
          stack.push(kids[k] as Span);
          depths.push(depth + 1);
        }
      } else pushChildren(kids, depth + 1);
    }
  };

  for (const root of [...trace.roots].sort(byStart)) visit(root);
  for (const s of trace.spans) if (!seen.has(s)) visit(s);
  cols.count = order.length;

  const list = new Map<string, TraceListItem>();
  list.set(report.traceId, traceListItem(report));
  for (const r of opts.others ?? []) if (!list.has(r.traceId)) list.set(r.traceId, traceListItem(r));

  const snapshot: WaterfallSnapshot = {
    traceId: trace.traceId,
    entryStartEpochMs: origin,
    endMs,
    minStartMs,
    spans: cols,
    spansKey: spansKeyOf(order, groups, groupRows),
    report,
    findingSpans: findingRows(report.findings, wanted, groupRows, cols.depth),
    traces: [...list.values()],
  };
  if (groupRows.length > 0) snapshot.groupRows = groupRows;
  if (opts.restoreKey !== undefined) snapshot.restoreKey = opts.restoreKey;
  if (trace.foundBy) snapshot.foundBy = trace.foundBy;
  const resolve: Pick<SnapshotOptions, 'resolveFrame'> = opts.resolveFrame ? { resolveFrame: opts.resolveFrame } : {};
  return {
    snapshot,
    spans: order,
    groups,
    details: (index) => {
      const span = Number.isInteger(index) ? order[index] : undefined;
      if (!span) return undefined;
      const calls = groups.size > 0 ? groups.get(index) : undefined;
      return calls ? groupDetails(calls) : spanDetails(span, resolve);
    },
  };
}

/** The snapshot alone (what the page inlines and `snapshot` messages carry). */
export function buildWaterfallSnapshot(trace: Trace, report: TraceReport, opts: SnapshotOptions = {}): WaterfallSnapshot {
  return buildWaterfall(trace, report, opts).snapshot;
}
