// Trace + TraceReport → the plain-data snapshot the waterfall webview draws (src/protocol.ts).
// Pure: no vscode import, so it is unit-tested under Node and benchmarked in milliseconds.
// The snapshot is pre-order with siblings by start (Jaeger's normalize step), times are
// offsets from the entry start, and nothing is clamped to its parent: a child that starts
// before its parent (real X-Ray: Initialization before the function segment) keeps its time.
// Rows travel as columns (protocol.ts SnapshotSpans); a span's details are built only when the
// webview asks for them (spanDetails), from the span list the model keeps on the host.
import type { Span, SpanKind, Trace } from '../core/model';
import type { Finding, TraceReport } from '../core/report';
import type { AnalyzedTrace } from '../core/breakdown';
import { PROTOCOL_VERSION, SpanFlag } from '../protocol';
import type {
  DetailsErrorMessage,
  DetailsMessage,
  RequestDetailsMessage,
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

/** A snapshot and, host-side only, the spans its rows stand for (`spans[i]` is row data `i`). */
export interface WaterfallModel {
  snapshot: WaterfallSnapshot;
  spans: readonly Span[];
  /** The details of span `index` (with the build's frame resolver), undefined out of range. */
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
export function waterfallEntries(analyzed: readonly AnalyzedTrace[], runFindings: readonly Finding[]): Array<{ trace: Trace; report: TraceReport }> {
  return analyzed.map((a) => {
    const fn = a.breakdown.anatomy.fn?.name ?? a.breakdown.anatomy.lambdaService?.name;
    const extra = fn ? runFindings.filter((f) => f.function === fn && !a.report.findings.some((g) => g.id === f.id)) : [];
    return { trace: a.trace, report: extra.length ? { ...a.report, findings: [...a.report.findings, ...extra] } : a.report };
  });
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

/** The details pane's data of one span (asked for by the webview when the span is selected). */
export function spanDetails(span: Span, opts: Pick<SnapshotOptions, 'resolveFrame'> = {}): SpanDetails {
  const d: SpanDetails = { id: span.id, source: span.source };
  if (span.resourceArn !== undefined) d.resourceArn = span.resourceArn;
  if (span.http) d.http = { ...span.http };
  if (span.aws) d.aws = { ...span.aws };
  if (Object.keys(span.annotations).length > 0) d.annotations = { ...span.annotations };
  if (span.metadata) d.metadata = span.metadata;
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

class StyleTable {
  readonly list: SpanStyle[] = [];
  /** By origin (undefined apart), then by a number made of kind, namespace and flags. */
  private readonly byOrigin = new Map<string | undefined, Map<number, number>>();

  of(span: Span): number {
    const flags =
      (span.isSegment ? SpanFlag.segment : 0) |
      (span.inProgress ? SpanFlag.inProgress : 0) |
      (span.fault ? SpanFlag.fault : 0) |
      (span.error ? SpanFlag.error : 0) |
      (span.throttle ? SpanFlag.throttle : 0);
    const ns = span.namespace === undefined ? 0 : span.namespace === 'aws' ? 1 : 2;
    const key = (KIND_CODE[span.kind] * 3 + ns) * 32 + flags;
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
 * Two 32-bit FNV-1a lanes over the ids in order: equal keys mean (but for a 1 in 2^64 chance)
 * the same spans in the same order, which is all the webview's persisted indices need.
 */
function spansKeyOf(spans: readonly Span[]): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (const s of spans) {
    const id = s.id;
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
 * Builds the snapshot and the host's span list. Walks the trace tree iteratively (100 000 spans
 * may nest deeply), pre-order, siblings sorted by start time; spans not reachable from the roots
 * are appended as roots so nothing the engine parsed disappears from the picture.
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

  // The stack as two arrays (span, depth): no tuple per span. Children are pushed in reverse so
  // they pop in start order.
  const stack: Span[] = [];
  const depths: number[] = [];
  const visit = (root: Span): void => {
    stack.push(root);
    depths.push(0);
    while (stack.length > 0) {
      const span = stack.pop() as Span;
      const depth = depths.pop() as number;
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
      for (let k = kids.length - 1; k >= 0; k--) {
        stack.push(kids[k] as Span);
        depths.push(depth + 1);
      }
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
    spansKey: spansKeyOf(order),
    report,
    findingSpans: report.findings.map((f) =>
      (f.spanIds ?? []).map((id) => wanted.get(id) ?? -1).filter((i) => i >= 0),
    ),
    traces: [...list.values()],
  };
  if (opts.restoreKey !== undefined) snapshot.restoreKey = opts.restoreKey;
  const resolve: Pick<SnapshotOptions, 'resolveFrame'> = opts.resolveFrame ? { resolveFrame: opts.resolveFrame } : {};
  return {
    snapshot,
    spans: order,
    details: (index) => {
      const span = Number.isInteger(index) ? order[index] : undefined;
      return span ? spanDetails(span, resolve) : undefined;
    },
  };
}

/** The snapshot alone (what the page inlines and `snapshot` messages carry). */
export function buildWaterfallSnapshot(trace: Trace, report: TraceReport, opts: SnapshotOptions = {}): WaterfallSnapshot {
  return buildWaterfall(trace, report, opts).snapshot;
}
