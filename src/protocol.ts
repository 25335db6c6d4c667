// The one protocol between the waterfall panel (extension host) and its webview.
// Both sides import this file and nothing else of each other; every message is plain
// structured-clone data with a `type` and the protocol `v`ersion, and has a type guard,
// because anything arriving through postMessage is untrusted until checked.
// The host pushes COMPLETE snapshots (never deltas); the webview says `ready` first and
// persists only its own UI state.
// A snapshot carries what the rows need, as columns; what only the details pane shows (ids,
// sources, http/aws objects, annotations, metadata, causes) is asked for per span
// (`requestDetails` → `details`). The snapshot is inlined in the page and parsed before the
// first paint: at 10 000 spans one object per span made it 1.9 MB, the columns an eighth of that.
import type { HttpInfo, Namespace, SpanKind } from './core/model';
import type { AwsInfo } from './core/model';
import type { TraceReport, Verdict } from './core/report';
export { VERDICT_SEVERITY } from './core/report';

/** The report types the webview draws, re-exported so that it reaches the host only through this file. */
export type { Finding, TraceReport } from './core/report';

/** Bumped when a message's meaning changes; both sides drop messages of another version. */
export const PROTOCOL_VERSION = 2;

/** Which contributed color a bar gets (`--vscode-timeoutLens-<role>`). */
export type SpanRole =
  | 'frontDoor'
  | 'coldStart'
  | 'handler'
  | 'downstreamAws'
  | 'downstreamRemote'
  | 'overhead'
  | 'inferred';

/** A stack frame of a cause; `file` is set by the host only for frames it found in the workspace. */
export interface SnapshotFrame {
  path?: string;
  line?: number;
  label?: string;
  /** Absolute path of the workspace file this frame points at; present = clickable. */
  file?: string;
}

export interface SnapshotException {
  id?: string;
  message?: string;
  type?: string;
  remote?: boolean;
  stack: SnapshotFrame[];
}

export interface SnapshotCause {
  workingDirectory?: string;
  exceptionId?: string;
  exceptions: SnapshotException[];
}

/** A span's `aws` facts, as the engine keeps them (operation, table, retries, request id, …). */
export type SnapshotAws = AwsInfo;

/**
 * The spans of a function's own life. X-Ray's `error` flag on them means the function threw,
 * not a 4xx as on an HTTP call.
 */
export const FUNCTION_SPAN_KINDS: ReadonlySet<string> = new Set(['lambda-service', 'function', 'initialization', 'restore', 'invocation', 'overhead']);

/** Bits of `SpanStyle.flags`. */
export const SpanFlag = {
  segment: 1,
  inProgress: 2,
  fault: 4,
  error: 8,
  throttle: 16,
  /**
   * Not a span: the row that groups a run of sequential calls (its children, in the trace's
   * order). Its fault, error and throttle bits say that some of its calls have them.
   */
  group: 32,
} as const;

/**
 * What many spans share: kind, color role, origin, namespace and flags. A trace has a handful of
 * distinct combinations, so each span holds an index into `SnapshotSpans.styles`.
 */
export interface SpanStyle {
  kind: SpanKind;
  role: SpanRole;
  /** `SpanFlag` bits. */
  flags: number;
  origin?: string;
  namespace?: Namespace;
}

/**
 * The spans as columns, in pre-order with siblings by start (a subtree is contiguous, and the
 * depths alone give every parent and subtree end). Every array has `count` entries; strings are
 * indices into `strings`, where 0 is always ''. Columns of plain numbers parse without an object
 * per span, and repeated names ("DynamoDB", "GetItem · items") are sent once.
 */
export interface SnapshotSpans {
  count: number;
  strings: string[];
  styles: SpanStyle[];
  depth: number[];
  /** → strings */
  name: number[];
  /** → styles */
  style: number[];
  /** Offset in ms from the entry span's start (may be negative: spans can start before the entry or their parent). */
  startMs: number[];
  /** Offset in ms from the entry start; meaningless (equal to the start) for a span in progress (`SpanFlag.inProgress`). */
  endMs: number[];
  /** The muted text after the name, e.g. "Lambda::Function" or "Query · orders" (→ strings). */
  sub: number[];
  /** Origin, operation, table and URL joined by U+0000: what the filter matches besides the name (→ strings). */
  search: number[];
}

/** What the details pane shows of a span beyond its row, sent when the span is selected. */
export interface SpanDetails {
  id: string;
  source: string;
  resourceArn?: string;
  http?: HttpInfo;
  aws?: SnapshotAws;
  annotations?: Record<string, string | number | boolean>;
  metadata?: Record<string, unknown>;
  cause?: SnapshotCause;
  sql?: Record<string, unknown>;
  /**
   * Additive: the line of the handler's code that makes this call, when the workspace holds the
   * handler (a template or a link names it) and its call sites match the span. `line` is 1-based.
   */
  callSite?: CallSiteRef;
  /** Additive: set for a group row (SpanFlag.group), what its calls add up to. */
  group?: CallGroupDetails;
}

/**
 * A group row's summary: the run of sequential calls it stands for. Times in ms; `longestCall`
 * and the ids are of the calls themselves.
 */
export interface CallGroupDetails {
  calls: number;
  /** The calls' name and operation ("DynamoDB GetItem"). */
  target: string;
  operation?: string;
  /** The table (or other resource) every call of the run is about. */
  resource?: string;
  /** The calls' durations added up. */
  callsMs: number;
  /** From the first call's start to the last call's end (the group's bar). */
  spanMs: number;
  medianMs: number;
  longestMs: number;
  /** 1-based place of the longest call in the run (the first of equals). */
  longestCall: number;
  firstId: string;
  lastId: string;
  /** Calls with each flag. */
  faults: number;
  errors: number;
  throttles: number;
}

/** A call's place in the workspace: what "Go to code" opens. */
export interface CallSiteRef {
  /** Absolute path of a workspace file. */
  file: string;
  line: number;
  /** The call's source on one line, shortened. */
  text: string;
}

/** One row of the trace list. */
export interface TraceListItem {
  traceId: string;
  entryName: string;
  method?: string;
  url?: string;
  status: number | null;
  verdict: Verdict;
  totalMs: number;
  budgetMs: number | null;
  coldStartMs: number;
}

export interface WaterfallSnapshot {
  traceId: string;
  /** Epoch ms of the entry start, so offsets can be shown as wall-clock times. */
  entryStartEpochMs: number;
  /** Offset of the latest end (or start, for spans in progress) in ms. */
  endMs: number;
  /** Offset of the earliest start in ms (0 without spans), so the webview need not scan for the domain. */
  minStartMs: number;
  spans: SnapshotSpans;
  /**
   * Changes whenever the spans (their ids and order) do: the webview persists collapsed and
   * selected spans by index, and applies them only to the spans they were saved with.
   */
  spansKey: string;
  report: TraceReport;
  /**
   * For each of `report.findings`, the indices of its `spanIds` in `spans` (ids not in the trace
   * left out); a span inside a group row is given as that group row, once, so that showing the
   * finding highlights the group without opening it.
   */
  findingSpans: number[][];
  /** Every trace that can be shown in this panel, including this one. */
  traces: TraceListItem[];
  /**
   * Additive: the indices of the group rows (SpanFlag.group), in order; absent when none. They
   * are not spans: span counts leave them out, and they start collapsed.
   */
  groupRows?: number[];
  /** Opaque key the host uses to reopen the panel after a window reload. */
  restoreKey?: string;
  /**
   * Additive: where the trace was found when not in X-Ray's index: `transaction-search`, read from
   * CloudWatch's aws/spans (a request X-Ray did not sample). Absent for X-Ray's traces and files.
   */
  foundBy?: 'transaction-search';
}

// ---- host → webview --------------------------------------------------------------------------

export interface SnapshotMessage {
  type: 'snapshot';
  v: typeof PROTOCOL_VERSION;
  snapshot: WaterfallSnapshot;
}

/** The host could not do what was asked (e.g. a trace that cannot be loaded). */
export interface NoticeMessage {
  type: 'notice';
  v: typeof PROTOCOL_VERSION;
  level: 'info' | 'error';
  text: string;
}

/** The details of one span, in answer to `requestDetails` (same `requestId`). */
export interface DetailsMessage {
  type: 'details';
  v: typeof PROTOCOL_VERSION;
  requestId: number;
  traceId: string;
  /** Index of the span in the snapshot's `spans`. */
  index: number;
  details: SpanDetails;
}

/** A `requestDetails` the host could not answer: the pane says why instead of staying busy. */
export interface DetailsErrorMessage {
  type: 'detailsError';
  v: typeof PROTOCOL_VERSION;
  requestId: number;
  traceId: string;
  index: number;
  message: string;
}

/**
 * The bars as a set of the trace's what-if fixes would have them (`requestWhatIf`'s answer, same
 * `traceId` and `fixIds`): per snapshot row, like the snapshot's columns (ms from the request's
 * start; a group row spans its calls), and the set's predicted total against the budget.
 */
export interface WhatIfMessage {
  type: 'whatIf';
  v: typeof PROTOCOL_VERSION;
  traceId: string;
  fixIds: string[];
  startMs: number[];
  endMs: number[];
  totalMs: number;
  /** predicted ≤ budget × (1 − headroom); null without a budget. */
  fits: boolean | null;
  /** budget − predicted; null without a budget. */
  marginMs: number | null;
}

/** A `requestWhatIf` the host could not answer: the strip says why and shows the measured bars. */
export interface WhatIfErrorMessage {
  type: 'whatIfError';
  v: typeof PROTOCOL_VERSION;
  traceId: string;
  fixIds: string[];
  message: string;
}

export type HostMessage = SnapshotMessage | NoticeMessage | DetailsMessage | DetailsErrorMessage | WhatIfMessage | WhatIfErrorMessage;

// ---- webview → host --------------------------------------------------------------------------

export interface ReadyMessage {
  type: 'ready';
  v: typeof PROTOCOL_VERSION;
  /** The trace the webview is showing (from its inline state), if any. */
  traceId: string | null;
}

export interface OpenSourceMessage {
  type: 'openSource';
  v: typeof PROTOCOL_VERSION;
  file: string;
  /** 1-based, as X-Ray writes it. */
  line: number;
}

export interface OpenLogsMessage {
  type: 'openLogs';
  v: typeof PROTOCOL_VERSION;
  traceId: string;
  requestId: string;
  functionName?: string;
}

export interface RevealFindingMessage {
  type: 'revealFinding';
  v: typeof PROTOCOL_VERSION;
  traceId: string;
  findingId: string;
  /** Index of the finding in the report's `findings`. */
  index: number;
}

export interface CopyTraceMessage {
  type: 'copyTrace';
  v: typeof PROTOCOL_VERSION;
  traceId: string;
  format: 'json' | 'text';
}

export interface SelectTraceMessage {
  type: 'selectTrace';
  v: typeof PROTOCOL_VERSION;
  traceId: string;
}

/** The details pane needs a span's details (`details` or `detailsError` answers, with the same `requestId`). */
export interface RequestDetailsMessage {
  type: 'requestDetails';
  v: typeof PROTOCOL_VERSION;
  /** Chosen by the webview, unique per request; the answer carries it back. */
  requestId: number;
  traceId: string;
  /** Index of the span in the snapshot's `spans`. */
  index: number;
}

/** The most fixes one `requestWhatIf` may name (a trace has a handful; this bounds a hostile page). */
export const MAX_WHAT_IF_FIXES = 10;

/** Draw the bars as these fixes of the trace's `report.whatIf.fixes` would have them (`whatIf` or `whatIfError` answers). */
export interface RequestWhatIfMessage {
  type: 'requestWhatIf';
  v: typeof PROTOCOL_VERSION;
  traceId: string;
  /** Ids of the trace's fixes, each once; at most MAX_WHAT_IF_FIXES. */
  fixIds: string[];
}

export type WebviewMessage =
  | ReadyMessage
  | RequestWhatIfMessage
  | RequestDetailsMessage
  | OpenSourceMessage
  | OpenLogsMessage
  | RevealFindingMessage
  | CopyTraceMessage
  | SelectTraceMessage;

// ---- guards ----------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function envelope(x: unknown, type: string): x is Obj {
  return isObj(x) && x['type'] === type && x['v'] === PROTOCOL_VERSION;
}

function str(x: unknown): x is string {
  return typeof x === 'string';
}

function optStr(x: unknown): boolean {
  return x === undefined || typeof x === 'string';
}

function isIndex(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= 0;
}

const SPAN_COLUMNS = ['depth', 'name', 'style', 'startMs', 'endMs', 'sub', 'search'] as const;

/** Shape only (every column there and `count` long); the host is the one writer of snapshots. */
function isSpans(x: unknown): x is SnapshotSpans {
  if (!isObj(x) || !isIndex(x['count']) || !Array.isArray(x['strings']) || !Array.isArray(x['styles'])) return false;
  const count = x['count'];
  return SPAN_COLUMNS.every((c) => {
    const col = x[c];
    return Array.isArray(col) && col.length === count;
  });
}

function isSnapshot(x: unknown): x is WaterfallSnapshot {
  return (
    isObj(x) &&
    str(x['traceId']) &&
    typeof x['entryStartEpochMs'] === 'number' &&
    typeof x['endMs'] === 'number' &&
    typeof x['minStartMs'] === 'number' &&
    isSpans(x['spans']) &&
    str(x['spansKey']) &&
    isObj(x['report']) &&
    Array.isArray(x['findingSpans']) &&
    Array.isArray(x['traces']) &&
    (x['groupRows'] === undefined || (Array.isArray(x['groupRows']) && x['groupRows'].every(isIndex)))
  );
}

export function isSnapshotMessage(x: unknown): x is SnapshotMessage {
  return envelope(x, 'snapshot') && isSnapshot(x['snapshot']);
}

export function isNoticeMessage(x: unknown): x is NoticeMessage {
  return envelope(x, 'notice') && (x['level'] === 'info' || x['level'] === 'error') && str(x['text']);
}

export function isDetailsMessage(x: unknown): x is DetailsMessage {
  if (!envelope(x, 'details') || !isIndex(x['requestId']) || !str(x['traceId']) || !isIndex(x['index'])) return false;
  const d = x['details'];
  return isObj(d) && str(d['id']) && str(d['source']);
}

export function isDetailsErrorMessage(x: unknown): x is DetailsErrorMessage {
  return envelope(x, 'detailsError') && isIndex(x['requestId']) && str(x['traceId']) && isIndex(x['index']) && str(x['message']);
}

function isFixIds(x: unknown): x is string[] {
  return Array.isArray(x) && x.length <= MAX_WHAT_IF_FIXES && x.every((id) => str(id) && id.length > 0 && id.length <= 300) && new Set(x).size === x.length;
}

function isTimes(x: unknown): x is number[] {
  return Array.isArray(x) && x.every((t) => typeof t === 'number' && Number.isFinite(t));
}

export function isWhatIfMessage(x: unknown): x is WhatIfMessage {
  return (
    envelope(x, 'whatIf') &&
    str(x['traceId']) &&
    isFixIds(x['fixIds']) &&
    isTimes(x['startMs']) &&
    isTimes(x['endMs']) &&
    x['startMs'].length === x['endMs'].length &&
    typeof x['totalMs'] === 'number' &&
    Number.isFinite(x['totalMs']) &&
    (x['fits'] === null || typeof x['fits'] === 'boolean') &&
    (x['marginMs'] === null || (typeof x['marginMs'] === 'number' && Number.isFinite(x['marginMs'])))
  );
}

export function isWhatIfErrorMessage(x: unknown): x is WhatIfErrorMessage {
  return envelope(x, 'whatIfError') && str(x['traceId']) && isFixIds(x['fixIds']) && str(x['message']);
}

export function isHostMessage(x: unknown): x is HostMessage {
  return isSnapshotMessage(x) || isNoticeMessage(x) || isDetailsMessage(x) || isDetailsErrorMessage(x) || isWhatIfMessage(x) || isWhatIfErrorMessage(x);
}

export function isReadyMessage(x: unknown): x is ReadyMessage {
  return envelope(x, 'ready') && (x['traceId'] === null || str(x['traceId']));
}

export function isRequestDetailsMessage(x: unknown): x is RequestDetailsMessage {
  return envelope(x, 'requestDetails') && isIndex(x['requestId']) && str(x['traceId']) && isIndex(x['index']);
}

/** Shape only: at most MAX_WHAT_IF_FIXES distinct non-empty ids. `whatIfRequestProblem` checks them against the trace. */
export function isRequestWhatIfMessage(x: unknown): x is RequestWhatIfMessage {
  return envelope(x, 'requestWhatIf') && str(x['traceId']) && isFixIds(x['fixIds']);
}

/**
 * Why a well-formed `requestWhatIf` cannot be answered for the trace the panel shows, or
 * undefined when it can: another trace, or an id that is not one of the trace's fixes.
 */
export function whatIfRequestProblem(m: RequestWhatIfMessage, shown: Pick<TraceReport, 'traceId' | 'whatIf'>): string | undefined {
  if (m.traceId !== shown.traceId) return 'this panel now shows another trace.';
  const known = new Set((shown.whatIf?.fixes ?? []).map((f) => f.id));
  const unknown = m.fixIds.find((id) => !known.has(id));
  return unknown !== undefined ? `the trace has no fix ${JSON.stringify(unknown.slice(0, 80))}.` : undefined;
}

export function isOpenSourceMessage(x: unknown): x is OpenSourceMessage {
  // Lines are 1-based, as X-Ray writes them.
  return envelope(x, 'openSource') && str(x['file']) && x['file'].length > 0 && isIndex(x['line']) && x['line'] >= 1;
}

export function isOpenLogsMessage(x: unknown): x is OpenLogsMessage {
  return envelope(x, 'openLogs') && str(x['traceId']) && str(x['requestId']) && optStr(x['functionName']);
}

export function isRevealFindingMessage(x: unknown): x is RevealFindingMessage {
  return envelope(x, 'revealFinding') && str(x['traceId']) && str(x['findingId']) && isIndex(x['index']);
}

export function isCopyTraceMessage(x: unknown): x is CopyTraceMessage {
  return envelope(x, 'copyTrace') && str(x['traceId']) && (x['format'] === 'json' || x['format'] === 'text');
}

export function isSelectTraceMessage(x: unknown): x is SelectTraceMessage {
  return envelope(x, 'selectTrace') && str(x['traceId']);
}

export function isWebviewMessage(x: unknown): x is WebviewMessage {
  return (
    isReadyMessage(x) ||
    isRequestDetailsMessage(x) ||
    isRequestWhatIfMessage(x) ||
    isOpenSourceMessage(x) ||
    isOpenLogsMessage(x) ||
    isRevealFindingMessage(x) ||
    isCopyTraceMessage(x) ||
    isSelectTraceMessage(x)
  );
}

/** The id of the `<script type="application/json">` that carries the initial state in the page. */
export const INITIAL_STATE_ELEMENT_ID = 'tl-state';
