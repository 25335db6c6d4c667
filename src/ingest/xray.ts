// X-Ray segment documents → Trace. Accepts every container the product meets (BatchGetTraces
// output with Document strings, the AWS CLI's batch-get-traces output, arrays or NDJSON of
// segment documents, the daemon's UDP form with its header line, independently sent
// subsegments), builds the tree from parent ids across documents, and never throws on input:
// what it cannot use is reported per segment in `errors`, with where it was.
import type { AwsInfo, CauseInfo, ExceptionInfo, FrontDoorKind, HttpInfo, IngestError, Span, SpanKind, Trace } from '../core/model';
import { describeUnexpected } from '../core/unexpectedError';
import { boundRecord } from './boundedValue';

export interface TraceParseResult {
  traces: Trace[];
  errors: IngestError[];
}

/** A segment document as found, before it becomes spans. */
export interface RawSegment {
  doc: Record<string, unknown>;
  source: string;
  /** The trace id of the container (BatchGetTraces `Id`), used when the document has none. */
  containerTraceId?: string;
  containerDurationMs?: number;
  limitExceeded?: boolean;
}

const XRAY_ID = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/;
const W3C_ID = /^[0-9a-f]{32}$/;
/** 2001-09-09 … 2100-01-01 in epoch seconds: anything outside is a damaged time, not a trace. */
const MIN_EPOCH_S = 1_000_000_000;
const MAX_EPOCH_S = 4_102_444_800;
/** A single span longer than a day is not a request: the times are damaged. */
const MAX_SPAN_S = 86_400;
/**
 * Values nested deeper than this (subsegments, arrays) are named by their depth, not by the whole
 * path to them: a path per level would make each source as long as the chain above it.
 */
const MAX_PATH_DEPTH = 8;

/** The canonical X-Ray form of a trace id (`1-xxxxxxxx-yyyy…`), from either it or the W3C 32-hex form. */
export function normalizeTraceId(id: string): string | null {
  const s = id.trim().toLowerCase();
  if (XRAY_ID.test(s)) return s;
  if (W3C_ID.test(s)) return `1-${s.slice(0, 8)}-${s.slice(8)}`;
  const root = /(?:^|;)\s*root=(1-[0-9a-f]{8}-[0-9a-f]{24})/.exec(s);
  return root ? root[1]! : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function isDaemonHeader(v: unknown): boolean {
  return isRecord(v) && v.format === 'json' && typeof v.version === 'number' && !Object.hasOwn(v, 'id');
}

function looksLikeSegment(v: Record<string, unknown>): boolean {
  const has = Object.hasOwn;
  return has(v, 'id') && (has(v, 'start_time') || has(v, 'trace_id') || has(v, 'name'));
}

/** Parses any trace container given as text (JSON, NDJSON or the daemon's UDP form). */
export function parseTraceText(text: string, source: string): TraceParseResult {
  const errors: IngestError[] = [];
  const raws = collectSegmentsFromText(text, source, errors);
  return { traces: buildTraces(raws, errors), errors };
}

/**
 * The segment documents in a text, not yet built into traces: callers that read several files
 * collect them all first, so a parent in one file and its child in another still meet.
 */
export function collectSegmentsFromText(text: string, source: string, errors: IngestError[], encodings = 0): RawSegment[] {
  const raws: RawSegment[] = [];
  const trimmed = text.trim();
  if (!trimmed) {
    errors.push({ source, message: 'The file is empty.' });
    return raws;
  }
  const lead = text.length - text.trimStart().length;
  // The daemon's UDP form: a header line, then one document (possibly pretty-printed).
  const header = /^\{\s*"format"\s*:\s*"json"\s*,\s*"version"\s*:\s*\d+\s*\}\s*\n/.exec(trimmed);
  if (header) {
    const rest = trimmed.slice(header[0].length).trim();
    try {
      collect(JSON.parse(rest) as unknown, source, raws, errors, undefined);
      return raws;
    } catch {
      // Several daemon payloads in one file: handled line by line below.
    }
  }
  // A whole export saved as one JSON string (stringified once more on its way to the file).
  if (trimmed[0] === '"') {
    let value: unknown;
    try {
      value = JSON.parse(trimmed) as unknown;
    } catch (e) {
      errors.push({ source, message: `Not valid JSON: ${jsonErrorWhere(e, text, lead)}` });
      return raws;
    }
    if (typeof value === 'string' && encodings < MAX_ENCODINGS) return collectSegmentsFromText(value, `${source} (a JSON string)`, errors, encodings + 1);
    errors.push({ source, message: 'The file holds one JSON string that is not an export of traces.' });
    return raws;
  }
  if (trimmed[0] === '{' || trimmed[0] === '[') {
    let value: unknown;
    try {
      value = JSON.parse(trimmed) as unknown;
      collect(value, source, raws, errors, undefined);
      return raws;
    } catch (e) {
      // Not one JSON value. NDJSON (or daemon payloads) only if the first line is a whole value
      // by itself; otherwise the file is one document that is broken or cut short: one error
      // that says where, not one per line.
      if (!firstLineIsWhole(trimmed)) {
        errors.push({ source, message: `Not valid JSON: ${jsonErrorWhere(e, text, lead)}` });
        return raws;
      }
    }
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      // The daemon form can carry header and document on one line.
      const split = /^(\{"format"\s*:\s*"json"\s*,\s*"version"\s*:\s*\d+\})\s*(\{.*)$/.exec(line);
      let ok = false;
      if (split) {
        try {
          value = JSON.parse(split[2]!);
          ok = true;
        } catch {
          // reported below
        }
      }
      if (!ok) {
        errors.push({ source: where, message: `Not valid JSON: ${(e as Error).message}` });
        continue;
      }
    }
    if (isDaemonHeader(value)) continue;
    collect(value, where, raws, errors, undefined);
  }
  return raws;
}

/** Parses an already-parsed JSON value: BatchGetTraces output, a trace, an array or one segment document. */
export function parseTraceValue(value: unknown, source: string): TraceParseResult {
  const errors: IngestError[] = [];
  const raws: RawSegment[] = [];
  collect(value, source, raws, errors, undefined);
  return { traces: buildTraces(raws, errors), errors };
}

/** How many times a document or a file may have been JSON-encoded over again. */
const MAX_ENCODINGS = 3;

/** Whether a text's first line is a whole JSON value by itself (so the text may be NDJSON). */
export function firstLineIsWhole(trimmed: string): boolean {
  const nl = trimmed.indexOf('\n');
  if (nl < 0) return false;
  const line = trimmed.slice(0, nl).trim();
  if (/^\{"format"\s*:\s*"json"\s*,\s*"version"\s*:\s*\d+\}/.test(line)) return true;
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/**
 * A JSON.parse error as a person can act on it: line and column in the text, and whether the
 * text simply ends there (an export cut short). `offset` is where the parsed part began.
 */
export function jsonErrorWhere(e: unknown, text: string, offset = 0, what: 'file' | 'document' = 'file'): string {
  const message = e instanceof Error ? e.message : String(e);
  const at = /at position (\d+)/.exec(message);
  const reason = withoutPosition(message);
  const pos = at ? offset + Number(at[1]) : /end of JSON input/i.test(message) ? offset + text.trim().length : -1;
  if (pos < 0) return reason;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const cutShort = pos >= offset + text.trim().length - 1;
  const ends = what === 'file' ? ' — the file ends there: it looks cut short (export it again, or check the copy was complete)' : ' — the document ends there: it was cut short';
  return `${reason} at line ${line}, column ${pos - lineStart + 1}${cutShort ? ends : ''}.`;
}

/**
 * A JSON.parse message without where it says the error is (` in JSON at position 12 (line 1
 * column 13)`), which `jsonErrorWhere` says better. Found with indexOf: an expression that starts
 * with `\s*` tries every blank of a run as a start.
 */
function withoutPosition(message: string): string {
  const at = message.indexOf(' in JSON at position ');
  if (at >= 0) return message.slice(0, at).trimEnd();
  const line = message.lastIndexOf(' (line ');
  return line >= 0 && /^ \(line \d+ column \d+\)$/.test(message.slice(line)) ? message.slice(0, line).trimEnd() : message;
}

interface Container {
  traceId?: string;
  durationMs?: number;
  limitExceeded?: boolean;
}

/** One value to look at in `collect`, or an error to report once the values before it were. */
type CollectTask = { value: unknown; where: string; container: Container | undefined; depth: number } | { error: IngestError };

/**
 * The segment documents in a parsed value, in document order. Walked with an explicit stack, not
 * by recursion: JSON.parse reads arrays nested a million deep, and a call per level would
 * exhaust the stack.
 */
function collect(root: unknown, rootWhere: string, out: RawSegment[], errors: IngestError[], rootContainer: Container | undefined): void {
  const stack: CollectTask[] = [{ value: root, where: rootWhere, container: rootContainer, depth: 0 }];
  // Children are pushed last first, so they pop in order.
  const pushAll = (items: unknown[], where: (i: number) => string, container: Container | undefined, depth: number): void => {
    for (let i = items.length - 1; i >= 0; i--) stack.push({ value: items[i], where: where(i), container, depth });
  };
  while (stack.length) {
    const task = stack.pop()!;
    if ('error' in task) {
      errors.push(task.error);
      continue;
    }
    const { value, where, container, depth } = task;
    if (Array.isArray(value)) {
      // Arrays in arrays: past a few levels the depth names the place, not a `[0]` per level.
      const deep = depth >= MAX_PATH_DEPTH;
      pushAll(value, (i) => (deep ? `${rootWhere}[…][${i}] (${depth + 1} arrays deep)` : `${where}[${i}]`), container, depth + 1);
      continue;
    }
    if (!isRecord(value)) {
      errors.push({ source: where, message: `Expected a segment document or a BatchGetTraces result, found ${value === null ? 'null' : typeof value}.` });
      continue;
    }
    if (Array.isArray(value.Traces)) {
      if (value.Traces.length === 0) errors.push({ source: where, message: 'The BatchGetTraces result holds no traces.' });
      if (Array.isArray(value.UnprocessedTraceIds) && value.UnprocessedTraceIds.length) {
        // Said after the traces' own errors.
        stack.push({
          error: {
            source: where,
            message: `X-Ray did not return ${value.UnprocessedTraceIds.length} trace(s) (UnprocessedTraceIds): ${value.UnprocessedTraceIds.slice(0, 5).join(', ')}`,
          },
        });
      }
      pushAll(value.Traces, (i) => `${where}#Traces[${i}]`.replace('##', '#'), undefined, depth + 1);
      continue;
    }
    if (Array.isArray(value.Segments)) {
      const c: Container = {};
      const id = str(value.Id);
      if (id) c.traceId = normalizeTraceId(id) ?? undefined;
      const d = num(value.Duration);
      if (d !== undefined) c.durationMs = d * 1000;
      if (value.LimitExceeded === true) c.limitExceeded = true;
      if (value.Segments.length === 0) {
        errors.push({ source: where, message: `Trace ${id ?? '(no id)'} has no segments (X-Ray may not have finished indexing it): nothing to show.` });
      }
      pushAll(value.Segments, (i) => `${where}.Segments[${i}]`, c, depth + 1);
      continue;
    }
    if (Object.hasOwn(value, 'Document')) {
      const doc = documentOf(value.Document, where, errors);
      if (doc) pushRaw(doc, where, out, container);
      continue;
    }
    if (looksLikeSegment(value)) {
      pushRaw(value, where, out, container);
      continue;
    }
    if (isDaemonHeader(value)) continue;
    errors.push({ source: where, message: 'Not a segment document (no id, name or start_time) nor a BatchGetTraces result.' });
  }
}

function pushRaw(doc: Record<string, unknown>, source: string, out: RawSegment[], c: Container | undefined): void {
  const r: RawSegment = { doc, source };
  if (c?.traceId) r.containerTraceId = c.traceId;
  if (c?.durationMs !== undefined) r.containerDurationMs = c.durationMs;
  if (c?.limitExceeded) r.limitExceeded = true;
  out.push(r);
}

/**
 * A segment's `Document`: a JSON string as BatchGetTraces returns it, an object as the X-Ray
 * console's Raw data view and Grafana's X-Ray data source give it, or a string encoded twice
 * (an export that was stringified again on the way).
 */
function documentOf(v: unknown, where: string, errors: IngestError[]): Record<string, unknown> | null {
  let doc: unknown = v;
  for (let depth = 0; typeof doc === 'string' && depth < MAX_ENCODINGS; depth++) {
    try {
      doc = JSON.parse(doc) as unknown;
    } catch (e) {
      errors.push({ source: where, message: `Document is not valid JSON: ${jsonErrorWhere(e, doc as string, 0, 'document')}` });
      return null;
    }
  }
  if (!isRecord(doc)) {
    errors.push({ source: where, message: `Document is ${typeName(doc)}, not a segment document (a JSON object, or a string holding one).` });
    return null;
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------
// Documents → spans

/** The kind of front door an X-Ray origin (and resource ARN) names; undefined when it names none. */
export function frontDoorOf(origin: string | undefined, arn: string | undefined): FrontDoorKind | undefined {
  if (origin === 'AWS::ApiGateway::Stage') {
    if (arn && /\/apis\//.test(arn) && !/\/restapis\//.test(arn)) return 'http-api';
    return 'rest-api';
  }
  if (origin === 'AWS::ApiGatewayV2::Stage') return 'http-api';
  if (origin === 'AWS::ElasticLoadBalancingV2::LoadBalancer' || origin === 'AWS::ElasticLoadBalancing::LoadBalancer') return 'alb';
  return undefined;
}

function segmentKind(doc: Record<string, unknown>, origin: string | undefined, hasParent: boolean): SpanKind {
  if (doc.inferred === true) return 'inferred';
  if (origin === 'AWS::Lambda') return 'lambda-service';
  if (origin === 'AWS::Lambda::Function') return 'function';
  if (frontDoorOf(origin, str(doc.resource_arn))) return 'front-door';
  return hasParent ? 'custom' : 'front-door';
}

/**
 * The phases of a function segment, by subsegment name. A Map: a name is data, and an object
 * would answer `constructor` or `toString` with a function from its prototype.
 */
const FUNCTION_PHASES: ReadonlyMap<string, SpanKind> = new Map<string, SpanKind>([
  ['Initialization', 'initialization'],
  ['Restore', 'restore'],
  ['Invocation', 'invocation'],
  ['Overhead', 'overhead'],
]);

function subsegmentKind(doc: Record<string, unknown>, parentKind: SpanKind | undefined): SpanKind {
  const name = str(doc.name);
  const phase = parentKind === 'function' && name !== undefined ? FUNCTION_PHASES.get(name) : undefined;
  if (phase) return phase;
  if (doc.inferred === true) return 'inferred';
  const ns = str(doc.namespace);
  if (ns === 'aws' || ns === 'remote') return 'downstream';
  return 'custom';
}

function httpOf(v: unknown): HttpInfo | undefined {
  if (!isRecord(v)) return undefined;
  const out: HttpInfo = {};
  const req = isRecord(v.request) ? v.request : undefined;
  const res = isRecord(v.response) ? v.response : undefined;
  const method = str(req?.method);
  const url = str(req?.url);
  const ua = str(req?.user_agent);
  const ip = str(req?.client_ip);
  const status = num(res?.status);
  const len = num(res?.content_length);
  if (method) out.method = method;
  if (url) out.url = url;
  if (ua) out.userAgent = ua;
  if (ip) out.clientIp = ip;
  if (status !== undefined) out.status = status;
  if (len !== undefined) out.contentLength = len;
  return Object.keys(out).length ? out : undefined;
}

const AWS_KNOWN = new Set(['operation', 'table_name', 'retries', 'request_id', 'region', 'function_arn', 'resource_names']);

function awsOf(v: unknown): AwsInfo | undefined {
  if (!isRecord(v)) return undefined;
  const out: AwsInfo = {};
  const op = str(v.operation);
  const table = str(v.table_name);
  const retries = num(v.retries);
  const rid = str(v.request_id);
  const region = str(v.region);
  const fnArn = str(v.function_arn);
  if (op) out.operation = op;
  if (table) out.tableName = table;
  if (retries !== undefined) out.retries = retries;
  if (rid) out.requestId = rid;
  if (region) out.region = region;
  if (fnArn) out.functionArn = fnArn;
  if (Array.isArray(v.resource_names)) out.resourceNames = v.resource_names.filter((x): x is string => typeof x === 'string');
  const extra: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) if (!AWS_KNOWN.has(k)) setOwn(extra, k, val);
  if (Object.keys(extra).length) out.extra = boundRecord(extra);
  return Object.keys(out).length ? out : undefined;
}

/**
 * `o[k] = v` for a key that came from a document: `__proto__` becomes an own field like any
 * other, where an assignment would replace the object's prototype (or be dropped).
 */
function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

function causeOf(v: unknown): CauseInfo | undefined {
  if (typeof v === 'string') return { exceptionId: v, exceptions: [] };
  if (!isRecord(v)) return undefined;
  const exceptions: ExceptionInfo[] = [];
  if (Array.isArray(v.exceptions)) {
    for (const e of v.exceptions) {
      if (!isRecord(e)) continue;
      const ex: ExceptionInfo = { stack: [] };
      const id = str(e.id);
      const message = str(e.message);
      const type = str(e.type);
      if (id) ex.id = id;
      if (message) ex.message = message;
      if (type) ex.type = type;
      if (e.remote === true) ex.remote = true;
      if (Array.isArray(e.stack)) {
        for (const f of e.stack) {
          if (!isRecord(f)) continue;
          const frame: { path?: string; line?: number; label?: string } = {};
          const p = str(f.path);
          const l = num(f.line);
          const lb = str(f.label);
          if (p) frame.path = p;
          if (l !== undefined) frame.line = l;
          if (lb) frame.label = lb;
          ex.stack.push(frame);
        }
      }
      exceptions.push(ex);
    }
  }
  const out: CauseInfo = { exceptions };
  const wd = str(v.working_directory);
  if (wd) out.workingDirectory = wd;
  return out;
}

/**
 * The annotations of a span that has none: one frozen object for all of them (most spans have
 * none, and an empty object per span is memory every span keeps). Annotations are only read.
 */
export const NO_ANNOTATIONS: Record<string, string | number | boolean> = Object.freeze({}) as Record<string, string | number | boolean>;

/**
 * The children of a span before its tree is built: one frozen empty list for all of them (most
 * spans are leaves). Building the tree gives a parent a list of its own (see `assemble`).
 */
export const NO_CHILDREN: Span[] = Object.freeze([]) as unknown as Span[];

function annotationsOf(v: unknown): Record<string, string | number | boolean> {
  if (!isRecord(v)) return NO_ANNOTATIONS;
  const out: Record<string, string | number | boolean> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string' || typeof val === 'boolean' || (typeof val === 'number' && Number.isFinite(val))) setOwn(out, k, val);
  }
  return out;
}


/** A document still to convert, with what its parent says of it. */
interface ConvertTask {
  doc: unknown;
  parentId: string | null;
  parentKind: SpanKind | undefined;
  isSegment: boolean;
  source: string;
  /** The parent's name, for the error when `doc` is not an object. */
  parentName: string;
  /** How many subsegments deep `doc` is (0 for the document itself). */
  depth: number;
}


/**
 * One document and its nested subsegments → spans, in pre-order. What cannot be used is
 * reported in `errors` (a document without an id or a start time is skipped with its subsegments).
 * Walked with an explicit stack: subsegments nested 100 000 deep are a valid document.
 */
function convert(
  root: Record<string, unknown>,
  traceId: string,
  rootParentId: string | null,
  rootParentKind: SpanKind | undefined,
  rootIsSegment: boolean,
  rootSource: string,
  out: Span[],
  errors: IngestError[],
): void {
  const stack: ConvertTask[] = [{ doc: root, parentId: rootParentId, parentKind: rootParentKind, isSegment: rootIsSegment, source: rootSource, parentName: '', depth: 0 }];
  while (stack.length) {
    const task = stack.pop()!;
    const { parentId, parentKind, isSegment, source, depth } = task;
    if (!isRecord(task.doc)) {
      errors.push({ source, message: `A subsegment of "${task.parentName}" is not an object; skipped.` });
      continue;
    }
    const doc = task.doc;
    const id = str(doc.id);
    const name = str(doc.name) ?? '(unnamed)';
    if (!id) {
      const n = countNested(doc);
      errors.push({ source, message: `Skipped ${isSegment ? 'a segment' : 'a subsegment'} "${name}" with no id${n ? ` and its ${n} subsegment(s)` : ''}.` });
      continue;
    }
    const start = num(doc.start_time);
    if (start === undefined || start < MIN_EPOCH_S || start > MAX_EPOCH_S) {
      const n = countNested(doc);
      errors.push({
        source,
        message: `Skipped "${name}" (${id}): ${start === undefined ? (doc.start_time === undefined ? 'no start_time' : `start_time is ${typeName(doc.start_time)}, not a number of epoch seconds`) : `start_time ${start} is not a plausible epoch time`}${n ? `; its ${n} subsegment(s) too` : ''}.`,
      });
      continue;
    }
    let end = num(doc.end_time);
    const inProgress = doc.in_progress === true || end === undefined;
    if (end === undefined && doc.in_progress !== true) {
      const what = doc.end_time === undefined ? 'has no end_time' : `has an end_time that is ${typeName(doc.end_time)}, not a number`;
      errors.push({ source, message: `"${name}" (${id}) ${what} and is not marked in_progress: treated as in progress.`, repaired: true });
    }
    if (doc.name !== undefined && typeof doc.name !== 'string') {
      errors.push({ source, message: `Segment ${id} has a name that is ${typeName(doc.name)}, not a string: shown as "(unnamed)".`, repaired: true });
    }
    if (end !== undefined && (end < start || end - start > MAX_SPAN_S)) {
      errors.push({
        source,
        message: `"${name}" (${id}) has an impossible end_time (${end < start ? 'before its start' : 'more than a day after its start'}): treated as in progress.`,
        repaired: true,
      });
      end = undefined;
    }
    const origin = str(doc.origin);
    const hasParent = parentId !== null;
    const kind = isSegment ? segmentKind(doc, origin, hasParent) : subsegmentKind(doc, parentKind);
    const span: Span = {
      id,
      traceId,
      parentId,
      name,
      kind,
      isSegment,
      startMs: start * 1000,
      endMs: end === undefined ? null : end * 1000,
      inProgress: inProgress || end === undefined,
      fault: doc.fault === true,
      error: doc.error === true,
      throttle: doc.throttle === true,
      annotations: annotationsOf(doc.annotations),
      children: NO_CHILDREN,
      source,
    };
    if (origin) span.origin = origin;
    const arn = str(doc.resource_arn);
    if (arn) span.resourceArn = arn;
    if (kind === 'front-door') span.frontDoor = frontDoorOf(origin, arn) ?? 'other';
    const ns = str(doc.namespace);
    if (ns === 'aws' || ns === 'remote') span.namespace = ns;
    const http = httpOf(doc.http);
    if (http) span.http = http;
    const aws = awsOf(doc.aws);
    if (aws) span.aws = aws;
    if (isRecord(doc.metadata)) span.metadata = boundRecord(doc.metadata);
    const cause = causeOf(doc.cause);
    if (cause) span.cause = cause;
    if (isRecord(doc.sql)) span.sql = boundRecord(doc.sql);
    if (Array.isArray(doc.precursor_ids)) span.precursorIds = doc.precursor_ids.filter((x): x is string => typeof x === 'string');
    out.push(span);
    const subs = doc.subsegments;
    if (subs !== undefined && !Array.isArray(subs)) {
      errors.push({ source, message: `"${name}" (${id}): subsegments is not an array; ignored.` });
      continue;
    }
    if (Array.isArray(subs)) {
      // Pushed last first, so they are converted (and their errors said) in order. Past a few
      // levels a path of `.subsegments[0]` per level would make each span's source as long as
      // the chain above it: the depth says where it is instead.
      const deep = depth >= MAX_PATH_DEPTH;
      const base = deep ? rootSource : source;
      for (let i = subs.length - 1; i >= 0; i--) {
        const where = deep ? `${base}.subsegments…[${i}] (${depth + 1} levels deep, under ${id})` : `${base}.subsegments[${i}]`;
        stack.push({ doc: subs[i], parentId: id, parentKind: kind, isSegment: false, source: where, parentName: name, depth: depth + 1 });
      }
    }
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return 'not finite';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function countNested(doc: Record<string, unknown>): number {
  let n = 0;
  const stack: unknown[] = [doc.subsegments];
  while (stack.length) {
    const s = stack.pop();
    if (!Array.isArray(s)) continue;
    for (const c of s) {
      n++;
      if (isRecord(c)) stack.push(c.subsegments);
    }
  }
  return n;
}

/**
 * Groups segment documents by trace and builds each trace's tree. `spans` are spans other readers
 * already made (OpenTelemetry, ingest/otel.ts): they join the trees of their trace id, so a
 * parent and its children meet whichever form and file each came in.
 */
export function buildTraces(raws: RawSegment[], errors: IngestError[], spans: readonly Span[] = []): Trace[] {
  const byTrace = new Map<string, { drafts: Span[]; durationMs?: number; limitExceeded?: boolean }>();
  // The spans of a trace mostly come together: the last trace's group is tried first.
  let lastId: string | undefined;
  let last: { drafts: Span[] } | undefined;
  for (const span of spans) {
    let group = span.traceId === lastId ? last : byTrace.get(span.traceId);
    if (!group) {
      group = { drafts: [] };
      byTrace.set(span.traceId, group);
    }
    lastId = span.traceId;
    last = group;
    group.drafts.push(span);
  }
  for (const raw of raws) {
    const doc = raw.doc;
    const rawId = str(doc.trace_id);
    let traceId = rawId ? normalizeTraceId(rawId) : null;
    if (rawId && !traceId) errors.push({ source: raw.source, message: `trace_id "${rawId}" is not an X-Ray or W3C trace id.` });
    traceId = traceId ?? raw.containerTraceId ?? null;
    if (!traceId) {
      errors.push({ source: raw.source, message: `Skipped segment "${str(doc.name) ?? str(doc.id) ?? '?'}": no trace id.` });
      continue;
    }
    let group = byTrace.get(traceId);
    if (!group) {
      group = { drafts: [] };
      byTrace.set(traceId, group);
    }
    if (raw.containerDurationMs !== undefined) group.durationMs = raw.containerDurationMs;
    if (raw.limitExceeded) group.limitExceeded = true;
    // An independently sent subsegment names its parent; a segment may name one too.
    const parent = str(doc.parent_id) ?? null;
    const isSub = doc.type === 'subsegment';
    try {
      convert(doc, traceId, parent, undefined, !isSub, raw.source, group.drafts, errors);
    } catch (e) {
      // A fault of ours, not of the document: it costs this document, never the other files.
      errors.push({ source: raw.source, message: `Skipped this segment document: an unexpected error while reading it (${describeUnexpected(e)}).` });
    }
  }
  const traces: Trace[] = [];
  for (const [traceId, g] of byTrace) {
    let t: Trace;
    try {
      t = assemble(traceId, g.drafts, errors);
    } catch (e) {
      errors.push({ source: g.drafts[0]?.source ?? traceId, message: `Skipped trace ${traceId}: an unexpected error while building it (${describeUnexpected(e)}).` });
      continue;
    }
    if (!t.entry && t.spans.length) {
      errors.push({
        source: t.spans[0]!.source,
        message: `Trace ${traceId} holds only segments X-Ray inferred for downstream calls: the segments of the service that made the calls are missing, so there is no request to analyze.`,
      });
    }
    if (g.durationMs !== undefined) t.containerDurationMs = g.durationMs;
    if (g.limitExceeded) t.limitExceeded = true;
    traces.push(t);
  }
  return traces;
}

export const byStart = (a: Span, b: Span): number => a.startMs - b.startMs || (a.endMs ?? Infinity) - (b.endMs ?? Infinity);

/** Whether spans are already by start (as exports usually list them): then no sort. */
function inOrder(spans: readonly Span[]): boolean {
  for (let i = 1; i < spans.length; i++) if (byStart(spans[i - 1]!, spans[i]!) > 0) return false;
  return true;
}

function sameSpan(a: Span, b: Span): boolean {
  return a.name === b.name && a.startMs === b.startMs && a.endMs === b.endMs && a.parentId === b.parentId;
}

/** How many spans a walk down from `roots` meets (each once: every span is one parent's child). */
function reachedCount(roots: readonly Span[]): number {
  let n = 0;
  const stack: Span[] = [...roots];
  while (stack.length) {
    const x = stack.pop()!;
    n++;
    const c = x.children;
    for (let i = 0; i < c.length; i++) stack.push(c[i]!);
  }
  return n;
}

/**
 * Every span not reached from the roots hangs, through its parents, from a cycle. From the
 * earliest such span, walk up to the cycle, break it at its earliest span (a new root), and mark
 * all that hangs from it; each span is walked once, and each parent's children are filtered once
 * at the end (a filter per break was quadratic for a cycle with many children).
 */
function breakCycles(spans: readonly Span[], roots: Span[], byId: ReadonlyMap<string, Span>, errors: IngestError[]): void {
  const reached = new Set<Span>();
  const mark = (r: Span): void => {
    const stack = [r];
    while (stack.length) {
      const x = stack.pop()!;
      if (reached.has(x)) continue;
      reached.add(x);
      for (const c of x.children) stack.push(c);
    }
  };
  roots.forEach(mark);
  const walked = new Set<Span>();
  const detached = new Set<Span>();
  for (const s of [...spans].sort(byStart)) {
    if (reached.has(s)) continue;
    const path: Span[] = [];
    let x: Span | undefined = s;
    while (x && !walked.has(x) && !reached.has(x)) {
      walked.add(x);
      path.push(x);
      x = x.parentId ? byId.get(x.parentId) : undefined;
    }
    // `x` is where the walk came back to: on this path, a cycle from there to the path's end.
    const from = x ? path.indexOf(x) : -1;
    if (from < 0) continue;
    let cut = path[from]!;
    for (let i = from + 1; i < path.length; i++) if (byStart(path[i]!, cut) < 0) cut = path[i]!;
    detached.add(cut);
    errors.push({ source: cut.source, message: `"${cut.name}" (${cut.id}) is part of a parent cycle: the cycle was broken there.`, repaired: true });
    roots.push(cut);
    mark(cut);
  }
  const parents = new Set<Span>();
  for (const c of detached) {
    const p = c.parentId ? byId.get(c.parentId) : undefined;
    if (p) parents.add(p);
  }
  for (const p of parents) p.children = p.children.filter((c) => !detached.has(c));
}

function assemble(traceId: string, drafts: Span[], errors: IngestError[]): Trace {
  const byId = new Map<string, Span>();
  for (const d of drafts) {
    const prev = byId.get(d.id);
    if (!prev) {
      byId.set(d.id, d);
      continue;
    }
    // A span is complete when it has its end time.
    const prevComplete = prev.endMs !== null;
    const complete = d.endMs !== null;
    // X-Ray may hold an in-progress and a completed copy of the same segment: keep the completed one.
    if (!prevComplete && complete) byId.set(d.id, d);
    // The same document read twice (overlapping exports, the same trace in two files) is one span.
    else if (prevComplete && complete && !sameSpan(prev, d)) errors.push({ source: d.source, message: `Duplicate id ${d.id} ("${d.name}"): kept the first copy.` });
  }
  const spans = byId.size === drafts.length ? drafts : [...byId.values()];
  // An in-progress subsegment's kind depends on its parent's kind; independently sent
  // subsegments learn their parent only now.
  for (const s of spans) {
    if (!s.isSegment && s.parentId) {
      const p = byId.get(s.parentId);
      const phase = p && p.kind === 'function' ? FUNCTION_PHASES.get(s.name) : undefined;
      if (phase) s.kind = phase;
    }
  }
  const roots: Span[] = [];
  for (const s of spans) {
    const p = s.parentId ? byId.get(s.parentId) : undefined;
    if (s.parentId && !p) {
      errors.push({ source: s.source, message: `"${s.name}" (${s.id}) names parent ${s.parentId}, which is not in the trace: shown at the top level.`, repaired: true });
    }
    if (p && p !== s) {
      // A list sized for its children (a push on an empty list reserves room for 16).
      if (p.children.length) p.children.push(s);
      else p.children = [s];
      // The parent's own id string (the same text): one copy kept, not one per child.
      s.parentId = p.id;
    }
    else roots.push(s);
  }
  // Each span is one parent's child (or a root) once, so a walk down from the roots meets each
  // span it reaches once: when it reaches them all (the usual case, counted without a set), there
  // is no cycle. Parent cycles leave spans unreachable from the roots: break each at its earliest span.
  if (reachedCount(roots) < spans.length) breakCycles(spans, roots, byId, errors);
  roots.sort(byStart);
  return { traceId, roots: roots.slice(), spans: preorder(roots), entry: entryOf(roots) };
}

/**
 * The spans below `roots` (sorted by start), in pre-order, each span's children sorted by start.
 * Lists kept with the trace are sized to their length (a list grown by pushes has room to spare).
 */
export function preorder(roots: readonly Span[]): Span[] {
  const ordered: Span[] = [];
  const stack: Span[] = [];
  for (let i = roots.length - 1; i >= 0; i--) stack.push(roots[i]!);
  while (stack.length) {
    const s = stack.pop()!;
    ordered.push(s);
    if (s.children.length > 1) {
      if (!inOrder(s.children)) s.children.sort(byStart);
      s.children = s.children.slice();
    }
    for (let i = s.children.length - 1; i >= 0; i--) stack.push(s.children[i]!);
  }
  return ordered.slice();
}

/** The span the client waited on, among a trace's roots: the front door, or the first root. */
export function entryOf(roots: readonly Span[]): Span | null {
  return (
    roots.find((r) => r.kind === 'front-door' && r.frontDoor !== 'other') ??
    roots.find((r) => r.kind === 'front-door') ??
    roots.find((r) => r.kind === 'lambda-service' || r.kind === 'function') ??
    // Segments X-Ray inferred for downstream calls are never the request itself.
    roots.find((r) => r.kind !== 'inferred') ??
    null
  );
}
