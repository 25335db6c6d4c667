// Trace + TraceReport → the plain-data snapshot the waterfall webview draws (src/protocol.ts).
// Pure: no vscode import, so it is unit-tested under Node and benchmarked in milliseconds.
// The snapshot is pre-order with siblings by start (Jaeger's normalize step), times are
// offsets from the entry start, and nothing is clamped to its parent: a child that starts
// before its parent (real X-Ray: Initialization before the function segment) keeps its time.
import type { Span, SpanKind, Trace } from '../core/model';
import type { TraceReport } from '../core/report';
import type {
  SnapshotCause,
  SnapshotSpan,
  SpanRole,
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

function byStart(a: Span, b: Span): number {
  return a.startMs - b.startMs;
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

/**
 * Builds the snapshot. Walks the trace tree iteratively (100 000 spans may nest deeply),
 * pre-order, siblings sorted by start time; spans not reachable from the roots are
 * appended as roots so nothing the engine parsed disappears from the picture.
 */
export function buildWaterfallSnapshot(trace: Trace, report: TraceReport, opts: SnapshotOptions = {}): WaterfallSnapshot {
  let earliest = Infinity;
  for (const s of trace.spans) earliest = Math.min(earliest, s.startMs);
  const origin = trace.entry?.startMs ?? (Number.isFinite(earliest) ? earliest : 0);
  const spans: SnapshotSpan[] = [];
  const seen = new Set<Span>();
  let endMs = 0;

  const visit = (root: Span): void => {
    // Stack of [span, parentIndex, depth]; children pushed in reverse so they pop in start order.
    const stack: Array<[Span, number, number]> = [[root, -1, 0]];
    const open: number[] = []; // indices whose subtreeEnd is not known yet, by depth
    while (stack.length > 0) {
      const [span, parent, depth] = stack.pop() as [Span, number, number];
      if (seen.has(span)) continue;
      seen.add(span);
      // Close every open subtree at this depth or deeper: this span is past them.
      while (open.length > depth) {
        const closed = open.pop() as number;
        (spans[closed] as SnapshotSpan).subtreeEnd = spans.length;
      }
      const index = spans.length;
      const start = span.startMs - origin;
      const end = span.endMs === null ? null : span.endMs - origin;
      endMs = Math.max(endMs, end ?? start);
      const s: SnapshotSpan = {
        id: span.id,
        parent,
        depth,
        subtreeEnd: index + 1,
        name: span.name,
        kind: span.kind,
        role: roleOf(span),
        startMs: start,
        endMs: end,
        source: span.source,
      };
      if (span.isSegment) s.isSegment = true;
      if (span.inProgress) s.inProgress = true;
      if (span.fault) s.fault = true;
      if (span.error) s.error = true;
      if (span.throttle) s.throttle = true;
      if (Object.keys(span.annotations).length > 0) s.annotations = { ...span.annotations };
      if (span.origin !== undefined) s.origin = span.origin;
      if (span.namespace !== undefined) s.namespace = span.namespace;
      if (span.resourceArn !== undefined) s.resourceArn = span.resourceArn;
      if (span.http) s.http = { ...span.http };
      if (span.aws) s.aws = { ...span.aws };
      if (span.metadata) s.metadata = span.metadata;
      if (span.sql) s.sql = span.sql;
      const cause = snapshotCause(span, opts);
      if (cause) s.cause = cause;
      spans.push(s);
      open.push(index);
      const kids = [...span.children].sort(byStart);
      for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k] as Span, index, depth + 1]);
    }
    while (open.length > 0) (spans[open.pop() as number] as SnapshotSpan).subtreeEnd = spans.length;
  };

  for (const root of [...trace.roots].sort(byStart)) visit(root);
  for (const s of trace.spans) if (!seen.has(s)) visit(s);

  const list = new Map<string, TraceListItem>();
  list.set(report.traceId, traceListItem(report));
  for (const r of opts.others ?? []) if (!list.has(r.traceId)) list.set(r.traceId, traceListItem(r));

  const snap: WaterfallSnapshot = {
    traceId: trace.traceId,
    entryStartEpochMs: origin,
    endMs,
    spans,
    report,
    traces: [...list.values()],
  };
  if (opts.restoreKey !== undefined) snap.restoreKey = opts.restoreKey;
  return snap;
}
