// The one protocol between the waterfall panel (extension host) and its webview.
// Both sides import this file and nothing else of each other; every message is plain
// structured-clone data with a `type` and the protocol `v`ersion, and has a type guard,
// because anything arriving through postMessage is untrusted until checked.
// The host pushes COMPLETE snapshots (never deltas); the webview says `ready` first and
// persists only its own UI state.
import type { HttpInfo, Namespace, SpanKind } from './core/model';
import type { TraceReport, Verdict } from './core/report';

/** Bumped when a message's meaning changes; both sides drop messages of another version. */
export const PROTOCOL_VERSION = 1;

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

export interface SnapshotAws {
  operation?: string;
  tableName?: string;
  retries?: number;
  requestId?: string;
  region?: string;
  functionArn?: string;
  resourceNames?: string[];
  extra?: Record<string, unknown>;
}

/** One span, flattened: the array is in pre-order with siblings by start, so a subtree is contiguous. */
export interface SnapshotSpan {
  id: string;
  /** Index of the parent in `spans`, -1 for a root. */
  parent: number;
  depth: number;
  /** Index one past the span's last descendant (pre-order makes the subtree `[i+1, end)`). */
  subtreeEnd: number;
  name: string;
  kind: SpanKind;
  role: SpanRole;
  origin?: string;
  namespace?: Namespace;
  // Flags and empty annotations are omitted when false/empty: a 100 000-span snapshot is
  // inlined in the page, and every byte is parsed before the first paint.
  isSegment?: true;
  /** Offset in ms from the entry span's start (may be negative: spans can start before the entry or their parent). */
  startMs: number;
  /** Offset in ms from the entry start; null while in progress. */
  endMs: number | null;
  inProgress?: true;
  fault?: true;
  error?: true;
  throttle?: true;
  resourceArn?: string;
  http?: HttpInfo;
  aws?: SnapshotAws;
  annotations?: Record<string, string | number | boolean>;
  metadata?: Record<string, unknown>;
  cause?: SnapshotCause;
  sql?: Record<string, unknown>;
  source: string;
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
  spans: SnapshotSpan[];
  report: TraceReport;
  /** Every trace that can be shown in this panel, including this one. */
  traces: TraceListItem[];
  /** Opaque key the host uses to reopen the panel after a window reload. */
  restoreKey?: string;
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

export type HostMessage = SnapshotMessage | NoticeMessage;

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

export type WebviewMessage =
  | ReadyMessage
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

function isSnapshot(x: unknown): x is WaterfallSnapshot {
  return (
    isObj(x) &&
    str(x['traceId']) &&
    typeof x['entryStartEpochMs'] === 'number' &&
    typeof x['endMs'] === 'number' &&
    Array.isArray(x['spans']) &&
    isObj(x['report']) &&
    Array.isArray(x['traces'])
  );
}

export function isSnapshotMessage(x: unknown): x is SnapshotMessage {
  return envelope(x, 'snapshot') && isSnapshot(x['snapshot']);
}

export function isNoticeMessage(x: unknown): x is NoticeMessage {
  return envelope(x, 'notice') && (x['level'] === 'info' || x['level'] === 'error') && str(x['text']);
}

export function isHostMessage(x: unknown): x is HostMessage {
  return isSnapshotMessage(x) || isNoticeMessage(x);
}

export function isReadyMessage(x: unknown): x is ReadyMessage {
  return envelope(x, 'ready') && (x['traceId'] === null || str(x['traceId']));
}

export function isOpenSourceMessage(x: unknown): x is OpenSourceMessage {
  return (
    envelope(x, 'openSource') &&
    str(x['file']) &&
    x['file'].length > 0 &&
    typeof x['line'] === 'number' &&
    Number.isInteger(x['line']) &&
    x['line'] >= 1
  );
}

export function isOpenLogsMessage(x: unknown): x is OpenLogsMessage {
  return envelope(x, 'openLogs') && str(x['traceId']) && str(x['requestId']) && optStr(x['functionName']);
}

export function isRevealFindingMessage(x: unknown): x is RevealFindingMessage {
  return (
    envelope(x, 'revealFinding') &&
    str(x['traceId']) &&
    str(x['findingId']) &&
    typeof x['index'] === 'number' &&
    Number.isInteger(x['index'])
  );
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
    isOpenSourceMessage(x) ||
    isOpenLogsMessage(x) ||
    isRevealFindingMessage(x) ||
    isCopyTraceMessage(x) ||
    isSelectTraceMessage(x)
  );
}

/** The id of the `<script type="application/json">` that carries the initial state in the page. */
export const INITIAL_STATE_ELEMENT_ID = 'tl-state';
