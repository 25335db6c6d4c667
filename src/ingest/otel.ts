// OpenTelemetry spans → the same Trace model X-Ray segments become. Reads OTLP/JSON
// (`ExportTraceServiceRequest`: `resourceSpans[].scopeSpans[].spans[]`, the older
// `instrumentationLibrarySpans`, Tempo's `batches`), one request per line too (the Collector's
// file exporter), the span records of the CloudWatch `aws/spans` log group (Transaction Search:
// one span per log event, attributes as a flat object) as raw records, FilterLogEvents output or
// Logs Insights rows, and ListRetrievedTraces output (its `Spans[].Document`, OTEL or XRAY).
//
// The engine (core/breakdown.ts) reads X-Ray's shapes: a front-door segment, an `AWS::Lambda`
// segment, the function segment with its Initialization / Invocation / Overhead phases, and
// downstream calls named by service (`DynamoDB`, operation `GetItem`) or host. Each span is mapped
// onto those (see `classify`), so an OTLP export of a request gives the breakdown its X-Ray form
// gives:
//  - `aws.origin` (the attribute the Collector's X-Ray exporter turns into a segment's `origin`), or
//    an `aws.xray.resource_arn` naming an API Gateway stage (what the Collector's X-Ray receiver
//    writes for a stage segment), says what the span is as X-Ray's `origin` would;
//  - a SERVER (or CONSUMER) span in a Lambda runtime (`cloud.platform = aws_lambda`, `faas.*`) is
//    the function segment, named by `faas.name`;
//  - a child of a function span named Init / Initialization / platform.initRuntimeDone (cold
//    start), Restore (SnapStart), Invocation or Overhead is that phase;
//  - CLIENT / PRODUCER spans are downstream calls: `rpc.system = aws-api` ones in namespace `aws`,
//    named by `rpc.service` with `rpc.method` as the operation (as X-Ray names an SDK call), the
//    others `remote`, named by the host they call (or `db@host` for a database);
//  - span status ERROR and HTTP statuses give fault / error / throttle as X-Ray sets them;
//    `exception` events give the cause.
// Every attribute is kept (bounded) on `Span.otel` for the details pane. Nothing here throws on
// input: what cannot be used is reported per span in `errors`, naming the span and the fault.
// Linear in the input, explicit stacks instead of recursion, Maps for keys that come from data.
import type { AwsInfo, CauseInfo, CodeLocation, ExceptionInfo, FrontDoorKind, HttpInfo, IngestError, OtelInfo, OtelSpanKind, Span, SpanKind, StackFrame, Trace } from '../core/model';
import { contains } from '../core/spanTree';
import { describeUnexpected } from '../core/unexpectedError';
import { MAX_VALUE_DEPTH, cutValueText } from './boundedValue';
import { NO_ANNOTATIONS, NO_CHILDREN, buildTraces, byStart, entryOf, preorder, firstLineIsWhole, frontDoorOf, jsonErrorWhere, normalizeTraceId, type RawSegment, type TraceParseResult } from './xray';

/** What one read of OpenTelemetry input yields before traces are built (several files meet first). */
export interface OtelCollected {
  spans: Span[];
  /** X-Ray segment documents found on the way (ListRetrievedTraces with TraceFormat XRAY). */
  segments: RawSegment[];
}

/** A string attribute longer than this is kept cut, with a note of how much was left out. */
export const MAX_ATTRIBUTE_CHARS = 16_384;
/** Attributes kept per span (OpenTelemetry SDKs keep 128 by default). */
export const MAX_ATTRIBUTES = 1_000;
/** Exception events read per span, and stack frames per exception. */
const MAX_EXCEPTIONS = 20;
const MAX_FRAMES = 200;
/** A stack line longer than this is not parsed for a frame (no regular expression runs on megabytes). */
const MAX_FRAME_LINE = 2_000;
/** Past this depth of arrays in arrays, places are named by depth, not by one `[i]` per level. */
const MAX_PATH_DEPTH = 8;
/** 2001-09-09 … 2100-01-01 in epoch ms: outside, the time is damaged (as in xray.ts). */
const MIN_EPOCH_MS = 1_000_000_000_000;
const MAX_EPOCH_MS = 4_102_444_800_000;
/** A span longer than a day is not part of a request: its times are damaged. */
const MAX_SPAN_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Ids and times

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function base64ToHex(s: string, bytes: number): string | null {
  // 16 bytes are 24 base64 characters (22 without padding), 8 bytes 12 (11).
  const padded = s.length === Math.ceil(bytes / 3) * 4 ? s : s + '='.repeat((4 - (s.length % 4)) % 4);
  if (padded.length !== Math.ceil(bytes / 3) * 4 || !BASE64.test(padded)) return null;
  const b = Buffer.from(padded, 'base64');
  return b.length === bytes ? b.toString('hex') : null;
}

/** An OTLP id as lower-case hex: hex as OTLP/JSON writes it (any case), or base64 as some exporters do. */
function idHex(v: string, bytes: 8 | 16): string | null {
  // The usual case first: lower-case hex of the right length, as OTLP/JSON writes it (read char by char).
  if (v.length === bytes * 2) {
    let i = 0;
    let zero = true;
    for (; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c === 48) continue;
      if (!((c > 48 && c <= 57) || (c >= 97 && c <= 102))) break;
      zero = false;
    }
    if (i === v.length) return zero ? null : v;
  }
  const s = v.trim();
  const hex = s.toLowerCase();
  if ((bytes === 16 ? HEX32 : HEX16).test(hex)) return /^0+$/.test(hex) ? null : hex;
  if (s.length > 24) return null;
  const fromB64 = base64ToHex(s, bytes);
  return fromB64 && !/^0+$/.test(fromB64) ? fromB64 : null;
}

let lastTraceIdIn: string | undefined;
let lastTraceIdOut: string | null = null;

/**
 * An OpenTelemetry trace id (32 hex digits, or 16 bytes in base64) in X-Ray's form
 * `1-xxxxxxxx-yyyyyyyyyyyyyyyyyyyyyyyy` (the first 8 digits are X-Ray's epoch seconds). An X-Ray
 * id is returned as it is (lower case). null when it is neither.
 */
export function otelTraceIdToXRay(id: string): string | null {
  // The spans of a request share their trace id: converted once (and one string, hashed once by the Maps that group by it).
  if (id === lastTraceIdIn) return lastTraceIdOut;
  const out = traceIdToXRay(id);
  lastTraceIdIn = id;
  lastTraceIdOut = out;
  return out;
}

function traceIdToXRay(id: string): string | null {
  const hex = idHex(id, 16);
  // One flat string (a template would keep its pieces, and a slice the whole id it was cut from).
  if (hex) return ['1-', hex.slice(0, 8), '-', hex.slice(8)].join('');
  const x = id.trim().toLowerCase();
  return /^1-[0-9a-f]{8}-[0-9a-f]{24}$/.test(x) ? normalizeTraceId(x) : null;
}

/** An X-Ray trace id (or a W3C one) as OpenTelemetry writes it: 32 lower-case hex digits. null when it is not one. */
export function xrayTraceIdToOtel(id: string): string | null {
  const x = normalizeTraceId(id);
  return x ? x.slice(2, 10) + x.slice(11) : null;
}

/** A span id as 16 lower-case hex digits (X-Ray's segment id form), from hex or base64; null when it is neither or all zero. */
export function otelSpanIdToXRay(id: string): string | null {
  return idHex(id, 8);
}

/**
 * Epoch nanoseconds (a decimal string as OTLP/JSON writes uint64, or a number, which has lost
 * the last digits) → epoch ms as a float. undefined when absent or 0 (OTLP's "not set"), null
 * when it is not a time.
 */
export function unixNanosToMs(v: unknown): number | null | undefined {
  if (v === undefined || v === null || v === 0 || v === '0' || v === '') return undefined;
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v / 1e6 : null;
  if (typeof v !== 'string') return null;
  // The usual form (19 digits, nothing around them) read digit by digit: the ms part (at most 15
  // digits, exact in a double) and the ns part, as Number() of the two slices below gives them.
  const n = v.length;
  if (n > 6 && n <= 21) {
    let ms = 0;
    let ns = 0;
    let i = 0;
    for (; i < n - 6; i++) {
      const d = v.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      ms = ms * 10 + d;
    }
    for (; i < n; i++) {
      const d = v.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      ns = ns * 10 + d;
    }
    if (i === n) return ms + ns / 1e6;
  }
  const s = v.trim();
  if (!/^\d{1,25}$/.test(s)) return null;
  // Split so no digit is lost: the ms part fits a double exactly, the ns part is the fraction.
  if (s.length <= 6) return Number(s) / 1e6;
  return Number(s.slice(0, -6)) + Number(s.slice(-6)) / 1e6;
}

// ---------------------------------------------------------------------------------------------
// Values

/**
 * Whether a key met in `for (k in o)` is o's own: `hasOwnProperty.call(o, k)` there is a check V8
 * makes on o's shape, twice as fast as `Object.hasOwn` in these loops (measured on Node 22).
 */
const ownKey = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number' && !Number.isFinite(v)) return 'not finite';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

function cutString(s: string): string {
  return s.length > MAX_ATTRIBUTE_CHARS ? `${s.slice(0, MAX_ATTRIBUTE_CHARS)}… (${s.length - MAX_ATTRIBUTE_CHARS} more characters not kept)` : s;
}

/**
 * One OTLP AnyValue (`{stringValue}`, `{intValue}`, `{arrayValue: {values}}`, …) or, with
 * `plain`, a value already plain (the flat attributes of `aws/spans`) → a plain JSON value to keep:
 * strings cut at MAX_ATTRIBUTE_CHARS, nesting cut at MAX_VALUE_DEPTH. Walked with a stack.
 * `intValue` is a string in OTLP/JSON: it becomes a number when that loses nothing.
 */
function keptValue(root: unknown, plain: boolean): unknown {
  // Scalars, by far the most common, without the walk.
  if (plain) {
    if (typeof root === 'string') return cutString(root);
    if (typeof root === 'boolean' || (typeof root === 'number' && Number.isFinite(root))) return root;
  } else if (isRecord(root)) {
    const sv = root.stringValue;
    if (typeof sv === 'string') return cutString(sv);
    if (typeof root.boolValue === 'boolean') return root.boolValue;
    if (root.intValue !== undefined) return intOf(root.intValue);
    if (typeof root.doubleValue === 'number') return root.doubleValue;
  }
  const out: { v: unknown } = { v: undefined };
  type Task = { from: unknown; put: (x: unknown) => void; depth: number };
  const stack: Task[] = [{ from: root, put: (x) => (out.v = x), depth: 1 }];
  while (stack.length) {
    const { from, put, depth } = stack.pop()!;
    let v: unknown = from;
    if (!plain) {
      // Unwrap the AnyValue to a scalar or to the list it holds.
      if (!isRecord(from)) {
        put(typeof from === 'string' ? cutString(from) : from === undefined ? null : typeof from === 'object' ? null : from);
        continue;
      }
      if (typeof from.stringValue === 'string') v = from.stringValue;
      else if (from.boolValue !== undefined) v = from.boolValue;
      else if (from.intValue !== undefined) v = intOf(from.intValue);
      else if (from.doubleValue !== undefined) v = typeof from.doubleValue === 'number' ? from.doubleValue : String(from.doubleValue);
      else if (from.bytesValue !== undefined) v = String(from.bytesValue);
      else if (isRecord(from.arrayValue)) {
        const values = Array.isArray(from.arrayValue.values) ? from.arrayValue.values : [];
        if (depth >= MAX_VALUE_DEPTH && values.length) {
          put(cutValueText(MAX_VALUE_DEPTH));
          continue;
        }
        const arr: unknown[] = new Array(values.length);
        put(arr);
        for (let i = values.length - 1; i >= 0; i--) stack.push({ from: values[i], put: (x) => (arr[i] = x), depth: depth + 1 });
        continue;
      } else if (isRecord(from.kvlistValue)) {
        const values = Array.isArray(from.kvlistValue.values) ? from.kvlistValue.values : [];
        if (depth >= MAX_VALUE_DEPTH && values.length) {
          put(cutValueText(MAX_VALUE_DEPTH));
          continue;
        }
        const obj: Record<string, unknown> = {};
        put(obj);
        for (let i = values.length - 1; i >= 0; i--) {
          const kv = values[i];
          if (!isRecord(kv) || typeof kv.key !== 'string') continue;
          const key = kv.key;
          stack.push({ from: kv.value, put: (x) => setOwn(obj, key, x), depth: depth + 1 });
        }
        continue;
      } else v = null;
      put(typeof v === 'string' ? cutString(v) : v);
      continue;
    }
    if (typeof v === 'string') put(cutString(v));
    else if (Array.isArray(v)) {
      if (depth >= MAX_VALUE_DEPTH && v.length) {
        put(cutValueText(MAX_VALUE_DEPTH));
        continue;
      }
      const arr: unknown[] = new Array(v.length);
      put(arr);
      for (let i = v.length - 1; i >= 0; i--) stack.push({ from: v[i], put: (x) => (arr[i] = x), depth: depth + 1 });
    } else if (isRecord(v)) {
      const entries = Object.entries(v);
      if (depth >= MAX_VALUE_DEPTH && entries.length) {
        put(cutValueText(MAX_VALUE_DEPTH));
        continue;
      }
      const obj: Record<string, unknown> = {};
      put(obj);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, x] = entries[i]!;
        stack.push({ from: x, put: (y) => setOwn(obj, key, y), depth: depth + 1 });
      }
    } else put(typeof v === 'number' && !Number.isFinite(v) ? String(v) : v === undefined ? null : v);
  }
  return out.v;
}

function intOf(v: unknown): number | string {
  if (typeof v === 'number') return v;
  const s = String(v);
  const n = Number(s);
  return /^-?\d+$/.test(s) && Number.isSafeInteger(n) ? n : s;
}

/**
 * Attributes kept as a plain record, from OTLP's `[{key, value}]` or a flat object. Keys come from
 * data: they are set as own fields (`__proto__` too) and only ever read back with `own`.
 */
type Attrs = Record<string, unknown>;

interface Attributes {
  record: Attrs;
  /** What was wrong with them, in a few words, for the span's error; undefined when nothing. */
  problem?: string;
}

/**
 * A field of a record whose keys came from data. `key` is always one of this module's constant
 * attribute names (`http.method`, `faas.name`, …), none of which Object.prototype has, so a plain
 * read cannot reach the prototype; a key from data is never looked up.
 */
function own(rec: Attrs, key: string): unknown {
  return rec[key];
}

/**
 * The attributes this module reads, as the fields of one class: every table has the same shape,
 * so reading one is a field load, not a lookup in a record whose keys came from data. Filled in
 * the pass that keeps the attributes (the same values as the record: the last of a key given twice,
 * none past the cap); a key from data is only ever tested against the class's own key list.
 */
class SpanKeys {
  'aws.origin': unknown = undefined;
  'aws.xray.resource_arn': unknown = undefined;
  'aws.xray.inprogress': unknown = undefined;
  'aws.xray.retries': unknown = undefined;
  'faas.name': unknown = undefined;
  'faas.invocation_id': unknown = undefined;
  'faas.execution': unknown = undefined;
  'faas.id': unknown = undefined;
  'cloud.resource_id': unknown = undefined;
  'cloud.region': unknown = undefined;
  'rpc.system': unknown = undefined;
  'rpc.service': unknown = undefined;
  'rpc.method': unknown = undefined;
  'aws.service': unknown = undefined;
  'aws.operation': unknown = undefined;
  'aws.remote.service': unknown = undefined;
  'aws.remote.operation': unknown = undefined;
  'aws.region': unknown = undefined;
  'aws.request_id': unknown = undefined;
  'aws.requestId': unknown = undefined;
  'aws.request.id': unknown = undefined;
  'aws.lambda.invoked_arn': unknown = undefined;
  'aws.dynamodb.table_names': unknown = undefined;
  'aws.table_name': unknown = undefined;
  'aws.table.name': unknown = undefined;
  'aws.s3.bucket': unknown = undefined;
  'aws.sqs.queue_url': unknown = undefined;
  'aws.queue_url': unknown = undefined;
  'aws.queue.url': unknown = undefined;
  'messaging.destination.name': unknown = undefined;
  'messaging.destination': unknown = undefined;
  'aws.sns.topic.arn': unknown = undefined;
  'aws.kinesis.stream_name': unknown = undefined;
  'aws.kinesis.stream.name': unknown = undefined;
  'aws.stepfunctions.state_machine.arn': unknown = undefined;
  'aws.secretsmanager.secret.arn': unknown = undefined;
  'aws.lambda.resource_mapping.id': unknown = undefined;
  'http.request.method': unknown = undefined;
  'http.method': unknown = undefined;
  'url.full': unknown = undefined;
  'http.url': unknown = undefined;
  'url.scheme': unknown = undefined;
  'http.scheme': unknown = undefined;
  'url.path': unknown = undefined;
  'http.target': unknown = undefined;
  'url.query': unknown = undefined;
  'server.address': unknown = undefined;
  'net.host.name': unknown = undefined;
  'net.peer.name': unknown = undefined;
  'http.host': unknown = undefined;
  'peer.service': unknown = undefined;
  'user_agent.original': unknown = undefined;
  'http.user_agent': unknown = undefined;
  'client.address': unknown = undefined;
  'http.client_ip': unknown = undefined;
  'http.response.status_code': unknown = undefined;
  'http.status_code': unknown = undefined;
  'http.response.body.size': unknown = undefined;
  'http.response_content_length': unknown = undefined;
  'db.system.name': unknown = undefined;
  'db.system': unknown = undefined;
  'db.namespace': unknown = undefined;
  'db.name': unknown = undefined;
  'db.query.text': unknown = undefined;
  'db.statement': unknown = undefined;
  'db.connection_string': unknown = undefined;
  'db.user': unknown = undefined;
  'code.file.path': unknown = undefined;
  'code.filepath': unknown = undefined;
  'code.line.number': unknown = undefined;
  'code.lineno': unknown = undefined;
  'code.function.name': unknown = undefined;
  'code.function': unknown = undefined;
  'code.namespace': unknown = undefined;
}

/** What a span's resource says that this module reads. */
class ResourceKeys {
  'aws.origin': unknown = undefined;
  'aws.xray.resource_arn': unknown = undefined;
  'faas.name': unknown = undefined;
  'faas.id': unknown = undefined;
  'cloud.platform': unknown = undefined;
  'cloud.region': unknown = undefined;
  'cloud.resource_id': unknown = undefined;
}

/** What an `exception` event says. */
class ExceptionKeys {
  'exception.type': unknown = undefined;
  'exception.message': unknown = undefined;
  'exception.stacktrace': unknown = undefined;
}

/**
 * A table to fill and its keys: a Map from each key to the same text as this module's own constant
 * (a key from data is only looked up in it, and the table is written with the constant, a name
 * the engine already knows, not with the string that came from data); `set` gets the keys filled.
 */
interface KeyTable {
  table: object;
  keys: ReadonlyMap<string, string>;
  set?: string[];
}

const keyMap = (o: object): ReadonlyMap<string, string> => new Map(Object.keys(o).map((k) => [k, k]));
const SPAN_KEYS = keyMap(new SpanKeys());
/**
 * One span table for the module (convertSpan is never re-entered): before each span, the keys
 * the last one filled are cleared, so no table is allocated per span.
 */
const SPAN_TABLE: KeyTable & { table: SpanKeys; set: string[] } = { table: new SpanKeys(), keys: SPAN_KEYS, set: [] };

function clearedSpanTable(): KeyTable & { table: SpanKeys } {
  const t = SPAN_TABLE.table as unknown as Record<string, unknown>;
  const set = SPAN_TABLE.set;
  for (let i = 0; i < set.length; i++) t[set[i]!] = undefined;
  set.length = 0;
  return SPAN_TABLE;
}
const RESOURCE_KEYS = keyMap(new ResourceKeys());
const EXCEPTION_KEYS = keyMap(new ExceptionKeys());

/** A plain value kept as it is (a scalar within bounds, or a short list of them): the flat attributes of aws/spans usually are. */
function keptAsIs(x: unknown): boolean {
  if (typeof x === 'string') return x.length <= MAX_ATTRIBUTE_CHARS;
  if (typeof x === 'boolean' || x === null) return true;
  if (typeof x === 'number') return Number.isFinite(x);
  if (!Array.isArray(x) || Object.getPrototypeOf(x) !== Array.prototype) return false;
  for (let i = 0; i < x.length; i++) {
    const e: unknown = x[i];
    if (typeof e === 'string' ? e.length > MAX_ATTRIBUTE_CHARS : !(typeof e === 'boolean' || e === null || (typeof e === 'number' && Number.isFinite(e)))) return false;
  }
  return true;
}

function readAttributes(v: unknown, into?: KeyTable): Attributes {
  if (v === undefined || v === null) return { record: {} };
  const table = into?.table as Record<string, unknown> | undefined;
  const keys = into?.keys;
  const set = into?.set;
  let bad = 0;
  let dropped = 0;
  let count = 0;
  let record: Attrs;
  if (Array.isArray(v)) {
    record = {};
    for (let i = 0; i < v.length; i++) {
      const kv: unknown = v[i];
      if (!isRecord(kv) || typeof kv.key !== 'string') {
        bad++;
        continue;
      }
      // A key given twice counts twice here (the last value wins): the cap is about size.
      if (count >= MAX_ATTRIBUTES) {
        dropped++;
        continue;
      }
      count++;
      const key = kv.key;
      const kept = keptValue(kv.value, false);
      const slot = keys?.get(key);
      if (slot === undefined) setOwn(record, key, kept);
      else {
        // A key this module reads: the record and the table written with its constant.
        record[slot] = kept;
        table![slot] = kept;
        set?.push(slot);
      }
    }
  } else if (isRecord(v)) {
    // A flat object (aws/spans) as JSON.parse made it, whose values are all kept as they are, is
    // kept itself: no copy. Anything else is copied as the values are kept.
    let asIs = Object.getPrototypeOf(v) === Object.prototype;
    for (const k in v) {
      if (!ownKey(v, k)) continue;
      if (count >= MAX_ATTRIBUTES) {
        asIs = false;
        break;
      }
      count++;
      const x = v[k];
      if (!keptAsIs(x)) {
        asIs = false;
        break;
      }
      const slot = keys?.get(k);
      if (slot !== undefined) {
        table![slot] = x;
        set?.push(slot);
      }
    }
    if (asIs) record = v;
    else {
      record = {};
      count = 0;
      for (const k in v) {
        if (!ownKey(v, k)) continue;
        if (count >= MAX_ATTRIBUTES) {
          dropped++;
          continue;
        }
        count++;
        const kept = keptValue(v[k], true);
        setOwn(record, k, kept);
        const slot = keys?.get(k);
        if (slot !== undefined) {
          table![slot] = kept;
          set?.push(slot);
        }
      }
    }
  } else return { record: {}, problem: `attributes are ${typeName(v)}, not a list of key/value pairs or an object: ignored` };
  const parts: string[] = [];
  if (bad) parts.push(`${bad} attribute(s) without a string key were skipped`);
  if (dropped) parts.push(`only the first ${MAX_ATTRIBUTES} attributes were kept (${dropped} more)`);
  return parts.length ? { record, problem: parts.join('; ') } : { record };
}

// ---------------------------------------------------------------------------------------------
// Span kinds and names

const KIND_BY_NUMBER: readonly OtelSpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const KIND_BY_NAME: ReadonlyMap<string, OtelSpanKind> = new Map<string, OtelSpanKind>([
  ['unspecified', 'unspecified'],
  ['internal', 'internal'],
  ['server', 'server'],
  ['client', 'client'],
  ['producer', 'producer'],
  ['consumer', 'consumer'],
  ...(['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const).flatMap((k): [string, OtelSpanKind][] => [
    [k.toUpperCase(), k],
    [`SPAN_KIND_${k.toUpperCase()}`, k],
  ]),
]);

/** OTLP's kind (a number 0–5, `SPAN_KIND_SERVER`, or `SERVER` as aws/spans writes it); null when it is none of those. */
function spanKindOf(v: unknown): OtelSpanKind | null {
  if (v === undefined || v === null) return 'unspecified';
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v < KIND_BY_NUMBER.length ? KIND_BY_NUMBER[v]! : null;
  if (typeof v !== 'string') return null;
  // The forms exporters write (SPAN_KIND_SERVER, SERVER) as they are; anything else trimmed and lower-cased.
  const exact = KIND_BY_NAME.get(v);
  if (exact) return exact;
  const s = v.trim().toLowerCase();
  return KIND_BY_NAME.get(s.startsWith('span_kind_') ? s.slice('span_kind_'.length) : s) ?? null;
}

/**
 * The phases of a function span, by a child's name (lower case): X-Ray's subsegment names, the
 * names OpenTelemetry's Lambda Telemetry API receiver gives its init span (`platform.initRuntimeDone`),
 * and the short forms other tools use. A Map: names are data.
 */
const FUNCTION_PHASES: ReadonlyMap<string, SpanKind> = new Map<string, SpanKind>([
  ['initialization', 'initialization'],
  ['init', 'initialization'],
  ['platform.initruntimedone', 'initialization'],
  ['platform.init', 'initialization'],
  ['restore', 'restore'],
  ['platform.restoreruntimedone', 'restore'],
  ['invocation', 'invocation'],
  ['overhead', 'overhead'],
]);

/** The lengths of the phases' names (FUNCTION_PHASES' keys). */
const PHASE_NAME_LENGTHS: ReadonlySet<number> = new Set([...FUNCTION_PHASES.keys()].map((k) => k.length));

/** The phase a child span's name says (any case); names met before are looked up as they are (no lower-cased copy each time). */
const phaseByName = new Map<string, SpanKind | null>();
function phaseNamed(name: string): SpanKind | undefined {
  // Most names are none of the phases: told by their first letter and length, with no lookup.
  const first = name.charCodeAt(0) | 32;
  if (first !== 105 && first !== 112 && first !== 114 && first !== 111) return undefined; // i p r o
  if (!PHASE_NAME_LENGTHS.has(name.length)) return undefined;
  const known = phaseByName.get(name);
  if (known !== undefined) return known ?? undefined;
  const phase = FUNCTION_PHASES.get(name.toLowerCase());
  // Names come from data: the memo is bounded (short names, cleared when full); the answer is the same without it.
  if (name.length > 64) return phase;
  if (phaseByName.size >= 1_000) phaseByName.clear();
  phaseByName.set(name, phase ?? null);
  return phase;
}

/** X-Ray service names as `aws.remote.service` writes them (`AWS::DynamoDB`, `AWS.SDK.DynamoDB`) → `DynamoDB`. */
function awsServiceName(s: string): string {
  return s.startsWith('AWS::') ? s.slice(5) : s.startsWith('AWS.SDK.') ? s.slice(8) : s;
}

function hostOfUrl(url: string | undefined): string | undefined {
  if (!url || url.length > 4096) return undefined;
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first of up to three attribute values that is a non-empty string. Called as
 * `pick(a['url.full'], a['http.url'])`: each read names its key, so it is a field load on the
 * table's class, not a lookup by a key that varies from call to call.
 */
function pick(v1: unknown, v2?: unknown, v3?: unknown): string | undefined {
  if (typeof v1 === 'string' && v1) return v1;
  if (typeof v2 === 'string' && v2) return v2;
  return typeof v3 === 'string' && v3 ? v3 : undefined;
}

/** A non-empty string, or undefined. */
function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function numOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

function boolOf(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
}

const NO_STRINGS: readonly string[] = Object.freeze([]);

/** The non-empty strings of a value (one, or a list): a list of its own, sized to them (kept with the span). */
function strings(v: unknown): readonly string[] {
  if (typeof v === 'string' && v) return [v];
  if (!Array.isArray(v) || v.length === 0) return NO_STRINGS;
  let n = 0;
  for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string' && (v[i] as string).length > 0) n++;
  if (n === v.length) return v.slice() as string[];
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) if (typeof v[i] === 'string' && (v[i] as string).length > 0) out.push(v[i] as string);
  return out.slice();
}

const LAMBDA_ORIGINS: ReadonlyMap<string, SpanKind> = new Map<string, SpanKind>([
  ['AWS::Lambda', 'lambda-service'],
  ['AWS::Lambda::Function', 'function'],
]);

const APIGW_STAGE_ARN = /^arn:aws[\w-]*:apigateway:[\w-]*::\/(rest)?apis\/[^/]+\/stages\/[^/]+$/;

interface Classified {
  kind: SpanKind;
  frontDoor?: FrontDoorKind;
  origin?: string;
  namespace?: 'aws' | 'remote';
  isSegment: boolean;
  name: string;
  operation?: string;
}

/** What a span is to the engine, and the name X-Ray would give it (module header). */
function classify(spanName: string, otelKind: OtelSpanKind, hasParent: boolean, a: SpanKeys, r: ResourceKeys): Classified {
  const origin = pick(a['aws.origin']) ?? pick(r['aws.origin']);
  const arn = pick(a['aws.xray.resource_arn']) ?? pick(r['aws.xray.resource_arn']);
  const stageArn = arn && APIGW_STAGE_ARN.test(arn) ? arn : undefined;
  const gateway = frontDoorOf(origin, arn) ?? (stageArn ? frontDoorOf('AWS::ApiGateway::Stage', stageArn) : undefined);
  if (gateway) return { kind: 'front-door', frontDoor: gateway, origin: origin ?? 'AWS::ApiGateway::Stage', isSegment: true, name: spanName };
  const faasName = pick(r['faas.name']) ?? pick(a['faas.name']);
  const lambdaOrigin = origin ? LAMBDA_ORIGINS.get(origin) : undefined;
  if (lambdaOrigin) return { kind: lambdaOrigin, origin, isSegment: true, name: faasName ?? spanName };
  const rpcSystem = pick(a['rpc.system']);
  const outgoing = otelKind === 'client' || otelKind === 'producer';
  if (rpcSystem === 'aws-api' || (outgoing && pick(a['aws.service']) !== undefined)) {
    const remote = pick(a['aws.remote.service']);
    const dot = spanName.indexOf('.');
    const name = pick(a['rpc.service'], a['aws.service']) ?? (remote ? awsServiceName(remote) : undefined) ?? (dot > 0 ? spanName.slice(0, dot) : spanName);
    const operation = pick(a['rpc.method'], a['aws.operation'], a['aws.remote.operation']) ?? (dot > 0 ? spanName.slice(dot + 1) : undefined);
    return operation ? { kind: 'downstream', namespace: 'aws', isSegment: false, name, operation } : { kind: 'downstream', namespace: 'aws', isSegment: false, name };
  }
  const inLambda = pick(r['cloud.platform']) === 'aws_lambda' || faasName !== undefined || pick(a['faas.invocation_id'], a['faas.execution']) !== undefined;
  if (inLambda && (otelKind === 'server' || otelKind === 'consumer' || (!hasParent && otelKind === 'unspecified'))) {
    return { kind: 'function', origin: 'AWS::Lambda::Function', isSegment: true, name: faasName ?? spanName };
  }
  if (outgoing) {
    const url = pick(a['url.full'], a['http.url']);
    const host = pick(a['server.address'], a['net.peer.name'], a['http.host']) ?? hostOfUrl(url);
    const db = pick(a['db.system.name'], a['db.system']);
    let name: string;
    if (db) name = `${pick(a['db.namespace'], a['db.name']) ?? db}${host ? `@${host}` : ''}`;
    else name = pick(a['peer.service']) ?? host ?? spanName;
    return { kind: 'downstream', namespace: 'remote', isSegment: false, name };
  }
  if (otelKind === 'server' || otelKind === 'consumer' || !hasParent) {
    // A service's own span (EC2, ECS, a container): its origin when the resource says it, and the
    // entry when nothing called it (as X-Ray treats a segment without a parent).
    const o = origin ?? originOfPlatform(pick(r['cloud.platform']));
    return hasParent ? { kind: 'custom', ...(o ? { origin: o } : {}), isSegment: true, name: spanName } : { kind: 'front-door', frontDoor: 'other', ...(o ? { origin: o } : {}), isSegment: true, name: spanName };
  }
  return { kind: 'custom', isSegment: false, name: spanName };
}

/** X-Ray's origin for a `cloud.platform` (as the Collector's X-Ray exporter sets it). */
const PLATFORM_ORIGINS: ReadonlyMap<string, string> = new Map([
  ['aws_ec2', 'AWS::EC2::Instance'],
  ['aws_ecs', 'AWS::ECS::Container'],
  ['aws_eks', 'AWS::EKS::Container'],
  ['aws_elastic_beanstalk', 'AWS::ElasticBeanstalk::Environment'],
  ['aws_app_runner', 'AWS::AppRunner::Service'],
]);

function originOfPlatform(p: string | undefined): string | undefined {
  return p ? PLATFORM_ORIGINS.get(p) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Span fields

function httpOf(a: SpanKeys): HttpInfo | undefined {
  const out: HttpInfo = {};
  const method = pick(a['http.request.method'], a['http.method']);
  const url = pick(a['url.full'], a['http.url']);
  const ua = pick(a['user_agent.original'], a['http.user_agent']);
  const ip = pick(a['client.address'], a['http.client_ip']);
  const status = numOf(a['http.response.status_code']) ?? numOf(a['http.status_code']);
  const len = numOf(a['http.response.body.size']) ?? numOf(a['http.response_content_length']);
  if (method) out.method = method;
  if (url) out.url = url;
  else {
    // A server span says where it was reached in parts (scheme, host, path and query).
    const scheme = pick(a['url.scheme'], a['http.scheme']);
    const host = pick(a['server.address'], a['net.host.name'], a['http.host']);
    const path = pick(a['url.path'], a['http.target']);
    if (scheme && host && path) out.url = `${scheme}://${host}${path.startsWith('/') ? '' : '/'}${path}${path.includes('?') ? '' : pick(a['url.query']) ? `?${pick(a['url.query'])}` : ''}`;
  }
  if (ua) out.userAgent = ua;
  if (ip) out.clientIp = ip;
  if (status !== undefined && Number.isInteger(status)) out.status = status;
  if (len !== undefined) out.contentLength = len;
  return method || out.url || ua || ip || out.status !== undefined || len !== undefined ? out : undefined;
}

/** `names` with `v` added (once), or `names` as it was when there is no `v`. */
function withName(names: string[] | undefined, v: string | undefined): string[] | undefined {
  if (!v) return names;
  if (!names) return [v];
  if (!names.includes(v)) names.push(v);
  return names;
}

function awsOf(c: Classified, a: SpanKeys, r: ResourceKeys): AwsInfo | undefined {
  const out: AwsInfo = {};
  const isFn = c.kind === 'function' || c.kind === 'lambda-service';
  const operation = c.operation ?? (c.kind !== 'downstream' ? pick(a['aws.operation']) : undefined);
  if (operation) out.operation = operation;
  const tables = strings(a['aws.dynamodb.table_names']);
  const table = pick(a['aws.table_name'], a['aws.table.name']) ?? (tables.length === 1 ? tables[0] : undefined);
  if (table) out.tableName = table;
  const retries = numOf(a['aws.xray.retries']);
  if (retries !== undefined) out.retries = retries;
  const requestId = pick(a['aws.request_id'], a['aws.requestId'], a['aws.request.id']) ?? (isFn ? pick(a['faas.invocation_id'], a['faas.execution']) : undefined);
  if (requestId) out.requestId = requestId;
  const region = pick(a['aws.region'], a['cloud.region']) ?? (isFn ? pick(r['cloud.region']) : undefined);
  if (region) out.region = region;
  if (isFn) {
    const arn = pick(a['cloud.resource_id'], a['faas.id'], a['aws.lambda.invoked_arn']) ?? pick(r['cloud.resource_id'], r['faas.id']);
    if (arn) out.functionArn = arn;
  }
  let names: string[] | undefined = tables.length ? (tables as string[]) : undefined;
  names = withName(names, pick(a['aws.s3.bucket']));
  names = withName(names, pick(a['aws.sqs.queue_url'], a['aws.queue_url'], a['aws.queue.url']));
  if (c.namespace === 'aws') names = withName(names, pick(a['messaging.destination.name'], a['messaging.destination']));
  names = withName(names, pick(a['aws.sns.topic.arn']));
  names = withName(names, pick(a['aws.kinesis.stream_name'], a['aws.kinesis.stream.name']));
  names = withName(names, pick(a['aws.stepfunctions.state_machine.arn']));
  names = withName(names, pick(a['aws.secretsmanager.secret.arn']));
  names = withName(names, pick(a['aws.lambda.resource_mapping.id']));
  if (names) out.resourceNames = names;
  return operation || table || retries !== undefined || out.requestId || out.region || out.functionArn || names ? out : undefined;
}

function sqlOf(a: SpanKeys): Record<string, unknown> | undefined {
  const system = pick(a['db.system.name'], a['db.system']);
  if (!system || system === 'dynamodb') return undefined;
  const out: Record<string, unknown> = { database_type: system };
  const query = pick(a['db.query.text'], a['db.statement']);
  const url = pick(a['db.connection_string'], a['server.address'], a['net.peer.name']);
  const user = pick(a['db.user']);
  const db = pick(a['db.namespace'], a['db.name']);
  if (query) out.sanitized_query = cutString(query);
  if (url) out.url = url;
  if (user) out.user = user;
  if (db) out.database = db;
  return out;
}

function codeLocationOf(a: SpanKeys): CodeLocation | undefined {
  const out: CodeLocation = {};
  const path = pick(a['code.file.path'], a['code.filepath']);
  const line = numOf(a['code.line.number']) ?? numOf(a['code.lineno']);
  const fn = pick(a['code.function.name'], a['code.function']);
  const ns = pick(a['code.namespace']);
  if (path && path.length < 1024) out.path = path;
  if (line !== undefined && Number.isInteger(line) && line >= 1) out.line = line;
  if (fn) out.function = ns && !fn.startsWith(`${ns}.`) ? `${ns}.${fn}` : fn;
  return out.path !== undefined || out.line !== undefined || fn ? out : undefined;
}

// Stack lines in the forms runtimes print them. Each runs on a line of at most MAX_FRAME_LINE
// characters, and none can backtrack over it more than once.
const PYTHON_FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?$/;
const JAVA_FRAME = /^\s*at ([\w$.<>]+)\(([^():]+):(\d+)\)\s*$/;

/** A Node.js frame (`at label (path:line:col)` or `at path:line:col`), read with indexOf, not a regular expression. */
function nodeFrame(line: string): StackFrame | null {
  const t = line.trim();
  if (!t.startsWith('at ')) return null;
  let loc = t.slice(3);
  let label: string | undefined;
  if (loc.endsWith(')')) {
    const open = loc.lastIndexOf(' (');
    if (open < 0) return null;
    label = loc.slice(0, open);
    loc = loc.slice(open + 2, -1);
  }
  if (loc.startsWith('file://')) loc = loc.slice(7);
  let c = loc.lastIndexOf(':');
  if (c < 0) return null;
  let lineNo = loc.slice(c + 1);
  const before = loc.slice(0, c);
  const c2 = before.lastIndexOf(':');
  // path:line:col — the column is dropped; path:line alone is read too.
  if (c2 >= 0 && /^\d+$/.test(before.slice(c2 + 1))) {
    lineNo = before.slice(c2 + 1);
    c = c2;
  }
  const path = loc.slice(0, c);
  if (!path || path.includes('(') || path.includes(')') || !/^\d+$/.test(lineNo)) return null;
  return label ? { path, line: Number(lineNo), label } : { path, line: Number(lineNo) };
}

/** Frames from an `exception.stacktrace` (Node, Python and Java forms); lines that are none of them are skipped. */
export function parseStackTrace(text: string): StackFrame[] {
  const frames: StackFrame[] = [];
  let start = 0;
  while (start <= text.length && frames.length < MAX_FRAMES) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end - start <= MAX_FRAME_LINE) {
      const line = text.slice(start, end);
      let m: RegExpExecArray | null;
      let f: StackFrame | null;
      if ((m = PYTHON_FRAME.exec(line.trimEnd()))) frames.push({ path: m[1]!, line: Number(m[2]), ...(m[3] ? { label: m[3] } : {}) });
      else if ((m = JAVA_FRAME.exec(line))) frames.push({ path: m[2]!, line: Number(m[3]), label: m[1]! });
      else if ((f = nodeFrame(line))) frames.push(f);
    }
    start = end + 1;
  }
  return frames;
}

function causeOf(events: unknown, statusMessage: string | undefined, failed: boolean, remote: boolean): CauseInfo | undefined {
  const exceptions: ExceptionInfo[] = [];
  if (Array.isArray(events)) {
    for (const e of events) {
      if (exceptions.length >= MAX_EXCEPTIONS) break;
      if (!isRecord(e) || e.name !== 'exception') continue;
      const a = new ExceptionKeys();
      readAttributes(e.attributes, { table: a, keys: EXCEPTION_KEYS });
      const type = nonEmpty(a['exception.type']);
      const message = nonEmpty(a['exception.message']);
      const trace = a['exception.stacktrace'];
      const ex: ExceptionInfo = { stack: typeof trace === 'string' ? parseStackTrace(trace) : [] };
      if (type) ex.type = type;
      if (message) ex.message = message;
      if (remote) ex.remote = true;
      exceptions.push(ex);
    }
  }
  // A span that failed and said why, without an exception event (a Lambda's "Task timed out…").
  if (!exceptions.length && failed && statusMessage) exceptions.push({ message: statusMessage, stack: [], ...(remote ? { remote: true } : {}) });
  return exceptions.length ? { exceptions } : undefined;
}

/** OTLP's status code: 2 / STATUS_CODE_ERROR / ERROR is an error. */
function statusFailed(status: unknown): boolean {
  if (!isRecord(status)) return false;
  const c = status.code;
  if (c === 2 || c === 'ERROR' || c === 'STATUS_CODE_ERROR') return true;
  // Other spellings of the word (any case); the usual UNSET / OK need no regular expression.
  return typeof c === 'string' && (c.length === 5 || c.length === 17) && /^(status_code_)?error$/i.test(c);
}

// ---------------------------------------------------------------------------------------------
// One span

/** What a span's enclosing resource and scope said. */
interface Context {
  resource: ResourceKeys;
  resourceRecord?: Record<string, unknown>;
  scope?: { name?: string; version?: string };
}

const EMPTY_CONTEXT: Context = { resource: Object.freeze(new ResourceKeys()) };

function contextOf(resource: unknown, scope: unknown, where: string, errors: IngestError[]): Context {
  let attrs: unknown;
  if (isRecord(resource)) attrs = resource.attributes;
  else if (resource !== undefined && resource !== null) errors.push({ source: where, message: `The resource is ${typeName(resource)}, not an object: its attributes (service.name, cloud.platform, faas.name…) are not known for these spans.`, repaired: true });
  const keys = new ResourceKeys();
  const r = readAttributes(attrs, { table: keys, keys: RESOURCE_KEYS });
  if (r.problem) errors.push({ source: where, message: `Resource ${r.problem}.`, repaired: true });
  const ctx: Context = { resource: keys };
  for (const _ in r.record) {
    ctx.resourceRecord = r.record;
    break;
  }
  if (isRecord(scope)) {
    const s: { name?: string; version?: string } = {};
    if (typeof scope.name === 'string' && scope.name) s.name = cutString(scope.name);
    if (typeof scope.version === 'string' && scope.version) s.version = cutString(scope.version);
    if (s.name || s.version) ctx.scope = s;
  }
  return ctx;
}

/**
 * The contexts already read in one input. Every aws/spans record repeats its service's resource
 * and scope, and so does each line of an OTLP file (each request the Collector exported): a
 * resource whose attributes (a flat object, or OTLP's list of scalar key/value pairs) and scope
 * are those of one already read shares that one's context, so the copy just parsed is not kept
 * with each span. A few entries (the services of a request), compared value by value.
 */
interface ContextEntry {
  attributes: Record<string, unknown> | unknown[] | undefined;
  /** `ownCount` of `attributes` when it is a flat object. */
  count: number | undefined;
  scopeName: unknown;
  scopeVersion: unknown;
  ctx: Context;
}
type ContextCache = ContextEntry[];
const MAX_CACHED_CONTEXTS = 16;

/** How many own keys a flat object has (undefined when something it enumerates is not its own). */
function ownCount(a: Record<string, unknown>): number | undefined {
  let n = 0;
  for (const k in a) {
    if (!ownKey(a, k)) return undefined;
    n++;
  }
  return n;
}

/** Whether two flat objects hold the same keys with the same primitive values; `count` is `ownCount(a)` when known. */
function sameFlat(a: Record<string, unknown>, b: Record<string, unknown>, count: number | undefined = ownCount(a)): boolean {
  if (count === undefined) return false;
  let n = count;
  for (const k in b) {
    if (!ownKey(b, k)) return false;
    const v = b[k];
    // A key `a` does not have reads undefined or one of Object.prototype's (functions, objects):
    // never a defined primitive, so each of b's keys met here is one of a's own `count`.
    if (v !== a[k] || v === undefined || (typeof v === 'object' && v !== null) || typeof v === 'function') return false;
    n--;
  }
  return n === 0;
}

/** Whether two OTLP attribute lists hold the same keys in the same order with the same scalar values (`{stringValue: "…"}`, …). */
function sameList(a: unknown[], b: unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (!isRecord(x) || !isRecord(y) || typeof x.key !== 'string' || x.key !== y.key) return false;
    const xv = x.value;
    const yv = y.value;
    if (!isRecord(xv) || !isRecord(yv)) return false;
    // The usual value, a string: all that is kept of either, whatever else it holds.
    const sv = xv.stringValue;
    if (typeof sv === 'string' ? sv !== yv.stringValue : !sameFlat(xv, yv)) return false;
  }
  return true;
}

/** Whether a resource's attributes, as they were written, are those of a context already read. */
function sameAttributes(e: ContextEntry, b: Record<string, unknown> | unknown[] | undefined): boolean {
  const a = e.attributes;
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (Array.isArray(a)) return Array.isArray(b) && sameList(a, b);
  return !Array.isArray(b) && sameFlat(a, b, e.count);
}

/** The context of a span record or an OTLP scope: one already made for the same resource and scope, or a new one (remembered when it raised no error). */
function sharedContext(resource: unknown, scope: unknown, where: string, errors: IngestError[], cache: ContextCache): Context {
  const attrs = isRecord(resource) ? resource.attributes : undefined;
  const cacheable = (resource === undefined || isRecord(resource)) && (attrs === undefined || Array.isArray(attrs) || (isRecord(attrs) && Object.getPrototypeOf(attrs) === Object.prototype)) && (scope === undefined || isRecord(scope));
  if (!cacheable) return contextOf(resource, scope, where, errors);
  const written = attrs as Record<string, unknown> | unknown[] | undefined;
  const scopeName = isRecord(scope) ? scope.name : undefined;
  const scopeVersion = isRecord(scope) ? scope.version : undefined;
  for (let i = 0; i < cache.length; i++) {
    const e = cache[i]!;
    if (e.scopeName !== scopeName || e.scopeVersion !== scopeVersion) continue;
    if (sameAttributes(e, written)) return e.ctx;
  }
  const before = errors.length;
  const ctx = contextOf(resource, scope, where, errors);
  if (errors.length === before && typeof (scopeName ?? '') === 'string' && typeof (scopeVersion ?? '') === 'string') {
    if (cache.length >= MAX_CACHED_CONTEXTS) cache.pop();
    cache.unshift({ attributes: written, count: written === undefined || Array.isArray(written) ? undefined : ownCount(written), scopeName, scopeVersion, ctx });
  }
  return ctx;
}

/** One span (OTLP's, or an aws/spans record with its own `resource` and `scope`) → a Span (its source `where`), or an error. */
function convertSpan(raw: Record<string, unknown>, ctx: Context, where: string, out: Span[], errors: IngestError[]): void {
  const rawName = raw.name;
  const spanName = typeof rawName === 'string' && rawName ? rawName : '(unnamed)';
  const rawSpanId = raw.spanId ?? raw.span_id;
  const id = typeof rawSpanId === 'string' ? otelSpanIdToXRay(rawSpanId) : null;
  if (!id) {
    errors.push({ source: where, message: `Skipped span ${labelOf(spanName)}: ${rawSpanId === undefined ? 'it has no spanId' : typeof rawSpanId === 'string' ? `its spanId "${shortText(rawSpanId)}" is not 16 hex digits (nor 8 bytes in base64)` : `its spanId is ${typeName(rawSpanId)}, not a string of 16 hex digits`}.` });
    return;
  }
  const rawTraceId = raw.traceId ?? raw.trace_id;
  const traceId = typeof rawTraceId === 'string' ? otelTraceIdToXRay(rawTraceId) : null;
  if (!traceId) {
    errors.push({ source: where, message: `Skipped span ${labelOf(spanName)} (${id}): ${rawTraceId === undefined ? 'it has no traceId' : typeof rawTraceId === 'string' ? `its traceId "${shortText(rawTraceId)}" is not 32 hex digits (nor 16 bytes in base64)` : `its traceId is ${typeName(rawTraceId)}, not a string of 32 hex digits`}.` });
    return;
  }
  const startMs = unixNanosToMs(raw.startTimeUnixNano ?? raw.start_time_unix_nano);
  if (startMs === undefined || startMs === null || startMs < MIN_EPOCH_MS || startMs > MAX_EPOCH_MS) {
    const v = raw.startTimeUnixNano ?? raw.start_time_unix_nano;
    errors.push({
      source: where,
      message: `Skipped span ${labelOf(spanName)} (${id}): ${startMs === undefined ? 'it has no startTimeUnixNano' : startMs === null ? `startTimeUnixNano is ${typeof v === 'string' ? `"${shortText(v)}"` : typeName(v)}, not a number of nanoseconds since 1970` : `startTimeUnixNano ${shortText(String(v))} is not a plausible time (expected nanoseconds since 1970)`}.`,
    });
    return;
  }
  const into = clearedSpanTable();
  const a = into.table;
  const attrs = readAttributes(raw.attributes, into);
  const problems: string[] = [];
  if (attrs.problem) problems.push(attrs.problem);
  if (rawName !== undefined && typeof rawName !== 'string') problems.push(`its name is ${typeName(rawName)}, not a string: shown as "(unnamed)"`);
  let otelKind = spanKindOf(raw.kind);
  if (otelKind === null) {
    // Only a string or a number is quoted: stringifying a value nested deep would recurse.
    const shown = typeof raw.kind === 'string' ? `"${shortText(raw.kind)}"` : typeof raw.kind === 'number' ? String(raw.kind) : `(${typeName(raw.kind)})`;
    problems.push(`its kind ${shown} is not a span kind (1–5, SPAN_KIND_SERVER or SERVER): read as unspecified`);
    otelKind = 'unspecified';
  }
  let parentId: string | null = null;
  const rawParent = raw.parentSpanId ?? raw.parent_span_id;
  if (rawParent !== undefined && rawParent !== null && rawParent !== '') {
    // The usual case first: a valid id (all zeros is OTLP's "no parent", which the id reader refuses).
    const read = typeof rawParent === 'string' ? otelSpanIdToXRay(rawParent) : null;
    if (read === null && typeof rawParent === 'string' && /^0+$/.test(rawParent.trim())) parentId = null;
    else {
      parentId = read;
      if (!parentId) problems.push(`its parentSpanId ${typeof rawParent === 'string' ? `"${shortText(rawParent)}"` : `(${typeName(rawParent)})`} is not 16 hex digits: shown at the top level`);
      else if (parentId === id) {
        problems.push('it names itself as its parent: shown at the top level');
        parentId = null;
      }
    }
  }
  let endMs: number | null = null;
  const rawEnd = raw.endTimeUnixNano ?? raw.end_time_unix_nano;
  const end = unixNanosToMs(rawEnd);
  const duration = unixNanosToMs(raw.durationNano);
  if (typeof end === 'number') endMs = end;
  else if (typeof duration === 'number' && end === undefined) endMs = startMs + duration;
  else if (raw.durationNano === 0 || raw.durationNano === '0') endMs = startMs;
  const inProgressFlag = boolOf(a['aws.xray.inprogress']) === true;
  if (endMs === null && !inProgressFlag) {
    problems.push(end === null ? `endTimeUnixNano is ${typeof rawEnd === 'string' ? `"${shortText(rawEnd)}"` : typeName(rawEnd)}, not a number of nanoseconds: treated as in progress` : 'it has no end time: treated as in progress');
  }
  if (endMs !== null && (endMs < startMs || endMs - startMs > MAX_SPAN_MS)) {
    problems.push(`its end time is ${endMs < startMs ? 'before its start' : 'more than a day after its start'}: treated as in progress`);
    endMs = null;
  }
  const c = classify(spanName, otelKind, parentId !== null, a, ctx.resource);
  const failed = statusFailed(raw.status);
  const statusMessage = isRecord(raw.status) && typeof raw.status.message === 'string' && raw.status.message ? raw.status.message : undefined;
  const http = httpOf(a);
  const status = http?.status;
  // As X-Ray (and the Collector's X-Ray exporter) set them: 429 throttle (and error), other 4xx
  // error, 5xx fault; an ERROR status without a 4xx is a fault.
  const throttle = status === 429;
  const error = status !== undefined && status >= 400 && status < 500;
  const fault = (status !== undefined && status >= 500) || (failed && !error);
  // Each object made whole, every field in its literal (an optional one not said is undefined):
  // a field added after an object is made grows a second store for it, and every span of this
  // module has the one shape, which the engine's reads of spans then meet every time.
  const otel: OtelInfo = {
    spanName,
    spanKind: otelKind,
    attributes: attrs.record,
    resource: ctx.resourceRecord,
    scope: ctx.scope,
    statusMessage: statusMessage ? cutString(statusMessage) : undefined,
  };
  const aws = awsOf(c, a, ctx.resource);
  const arn = c.kind === 'front-door' ? (pick(a['aws.xray.resource_arn']) ?? pick(ctx.resource['aws.xray.resource_arn'])) : aws?.functionArn;
  const span: Span = {
    id,
    traceId,
    parentId,
    name: c.name,
    kind: c.kind,
    isSegment: c.isSegment,
    startMs,
    endMs,
    inProgress: endMs === null,
    fault,
    error,
    throttle,
    annotations: NO_ANNOTATIONS,
    children: NO_CHILDREN,
    source: where,
    otel,
    origin: c.origin || undefined,
    frontDoor: c.frontDoor || undefined,
    namespace: c.namespace || undefined,
    http,
    aws,
    resourceArn: arn || undefined,
    sql: sqlOf(a),
    cause: causeOf(raw.events, statusMessage, failed, c.kind === 'downstream'),
    codeLocation: codeLocationOf(a),
  };
  if (problems.length) errors.push({ source: where, message: `Span ${labelOf(spanName)} (${id}): ${problems.join('; ')}.`, repaired: true });
  out.push(span);
}

/** A span's name as errors quote it. */
function labelOf(spanName: string): string {
  return `"${spanName.length > 200 ? `${spanName.slice(0, 199)}…` : spanName}"`;
}

function shortText(s: string): string {
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

// ---------------------------------------------------------------------------------------------
// Containers

/** One value to look at in `collect`. */
interface CollectTask {
  value: unknown;
  where: string;
  depth: number;
}

/** A CloudWatch Logs record of `aws/spans`, or a span by itself: its own traceId and spanId. */
function looksLikeSpanRecord(v: Record<string, unknown>): boolean {
  return (Object.hasOwn(v, 'traceId') || Object.hasOwn(v, 'trace_id')) && (Object.hasOwn(v, 'spanId') || Object.hasOwn(v, 'span_id')) && !Object.hasOwn(v, 'start_time');
}

function looksLikeSegment(v: Record<string, unknown>): boolean {
  return Object.hasOwn(v, 'id') && (Object.hasOwn(v, 'start_time') || Object.hasOwn(v, 'trace_id'));
}

/** A log event's message or a ListRetrievedTraces Document: a JSON string (or an object already). */
function documentValue(v: unknown, where: string, errors: IngestError[], what: string): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch (e) {
    errors.push({ source: where, message: `${what} is not valid JSON: ${jsonErrorWhere(e, v, 0, 'document')}` });
    return undefined;
  }
}

/** One span record (an aws/spans log event, `looksLikeSpanRecord`) by itself. */
function readSpanRecord(root: Record<string, unknown>, where: string, out: OtelCollected, errors: IngestError[], contexts: ContextCache): void {
  try {
    convertSpan(root, isRecord(root.resource) || isRecord(root.scope) ? sharedContext(root.resource, root.scope, where, errors, contexts) : EMPTY_CONTEXT, where, out.spans, errors);
  } catch (e) {
    errors.push({ source: where, message: `Skipped this item: an unexpected error while reading it (${describeUnexpected(e)}).` });
  }
}

/** The spans (and X-Ray documents) of one parsed value. Walked with an explicit stack. */
function collect(root: unknown, rootWhere: string, out: OtelCollected, errors: IngestError[], contexts: ContextCache = []): void {
  // One span record (an aws/spans log event), the usual value: read at once, without the walk.
  if (isRecord(root) && looksLikeSpanRecord(root)) {
    readSpanRecord(root, rootWhere, out, errors, contexts);
    return;
  }
  const stack: CollectTask[] = [{ value: root, where: rootWhere, depth: 0 }];
  const pushAll = (items: unknown[], where: (i: number) => string, depth: number): void => {
    for (let i = items.length - 1; i >= 0; i--) stack.push({ value: items[i], where: where(i), depth });
  };
  while (stack.length) {
    const { value, where, depth } = stack.pop()!;
    try {
      if (Array.isArray(value)) {
        const deep = depth >= MAX_PATH_DEPTH;
        pushAll(value, (i) => (deep ? `${rootWhere}[…][${i}] (${depth + 1} arrays deep)` : `${where}[${i}]`), depth + 1);
        continue;
      }
      if (!isRecord(value)) {
        errors.push({ source: where, message: `Expected OpenTelemetry spans (an OTLP export or aws/spans records), found ${typeName(value)}.` });
        continue;
      }
      const resourceSpans = value.resourceSpans ?? value.resource_spans ?? value.batches;
      if (resourceSpans !== undefined) {
        const key = value.resourceSpans !== undefined ? 'resourceSpans' : value.resource_spans !== undefined ? 'resource_spans' : 'batches';
        if (!Array.isArray(resourceSpans)) errors.push({ source: where, message: `${key} is ${typeName(resourceSpans)}, not a list: no spans read from it.` });
        else readResourceSpans(resourceSpans, `${where}.${key}`, out, errors, contexts);
        continue;
      }
      if (Array.isArray(value.Traces) && value.Traces.some((t) => isRecord(t) && Array.isArray(t.Spans))) {
        // ListRetrievedTraces: Traces[].Spans[].Document, in the OTEL or the XRAY form.
        value.Traces.forEach((t, i) => {
          if (!isRecord(t) || !Array.isArray(t.Spans)) {
            errors.push({ source: `${where}.Traces[${i}]`, message: 'Not a retrieved trace (no Spans list): skipped.' });
            return;
          }
          const tid = typeof t.Id === 'string' ? t.Id : undefined;
          t.Spans.forEach((s, k) => {
            const w = `${where}.Traces[${i}].Spans[${k}]`;
            const doc = isRecord(s) ? documentValue(s.Document, w, errors, 'Document') : undefined;
            if (doc === undefined && !isRecord(s)) errors.push({ source: w, message: `A span of trace ${tid ?? '(no id)'} is ${typeName(s)}, not an object with a Document: skipped.` });
            else if (isRecord(doc) && looksLikeSegment(doc)) out.segments.push(tid && normalizeTraceId(tid) ? { doc, source: w, containerTraceId: normalizeTraceId(tid)! } : { doc, source: w });
            else if (doc !== undefined) stack.push({ value: doc, where: w, depth: depth + 1 });
          });
        });
        continue;
      }
      // Before log events: a span record has `events` of its own.
      if (looksLikeSpanRecord(value)) {
        readSpanRecord(value, where, out, errors, contexts);
        continue;
      }
      const events = Array.isArray(value.events) ? value.events : Array.isArray(value.logEvents) ? value.logEvents : undefined;
      if (events) {
        // FilterLogEvents / GetLogEvents of aws/spans: each message is one span record.
        const key = Array.isArray(value.events) ? 'events' : 'logEvents';
        events.forEach((e, i) => {
          const w = `${where}.${key}[${i}]`;
          const doc = isRecord(e) ? documentValue(e.message, w, errors, 'The log event message') : undefined;
          if (doc !== undefined) stack.push({ value: doc, where: w, depth: depth + 1 });
          else if (!isRecord(e)) errors.push({ source: w, message: `A log event is ${typeName(e)}, not an object with a message: skipped.` });
        });
        continue;
      }
      if (Array.isArray(value.results)) {
        // Logs Insights rows: [{field, value}], the span in @message.
        value.results.forEach((row, i) => {
          const w = `${where}.results[${i}]`;
          const msg = Array.isArray(row) ? row.find((f) => isRecord(f) && f.field === '@message') : undefined;
          if (!isRecord(msg)) {
            errors.push({ source: w, message: 'A Logs Insights row without @message: add `fields @message` to the query to read aws/spans rows.' });
            return;
          }
          const doc = documentValue(msg.value, w, errors, '@message');
          if (doc !== undefined) stack.push({ value: doc, where: w, depth: depth + 1 });
        });
        continue;
      }
      errors.push({ source: where, message: 'Not OpenTelemetry spans: expected an OTLP export (resourceSpans) or span records with traceId and spanId.' });
    } catch (e) {
      // A fault of ours, not of the input: it costs this item, never the rest.
      errors.push({ source: where, message: `Skipped this item: an unexpected error while reading it (${describeUnexpected(e)}).` });
    }
  }
}

function readResourceSpans(list: unknown[], where: string, out: OtelCollected, errors: IngestError[], contexts: ContextCache): void {
  for (let i = 0; i < list.length; i++) {
    const rs = list[i];
    const w = `${where}[${i}]`;
    if (!isRecord(rs)) {
      errors.push({ source: w, message: `A resourceSpans entry is ${typeName(rs)}, not an object: skipped.` });
      continue;
    }
    const scopes = rs.scopeSpans ?? rs.scope_spans ?? rs.instrumentationLibrarySpans;
    const scopeKey = rs.scopeSpans !== undefined ? 'scopeSpans' : rs.scope_spans !== undefined ? 'scope_spans' : 'instrumentationLibrarySpans';
    if (!Array.isArray(scopes)) {
      errors.push({ source: w, message: scopes === undefined ? 'No scopeSpans (or instrumentationLibrarySpans) in this resourceSpans entry: no spans.' : `${scopeKey} is ${typeName(scopes)}, not a list: skipped.` });
      continue;
    }
    for (let j = 0; j < scopes.length; j++) {
      const ss = scopes[j];
      const sw = `${w}.${scopeKey}[${j}]`;
      if (!isRecord(ss)) {
        errors.push({ source: sw, message: `A ${scopeKey} entry is ${typeName(ss)}, not an object: skipped.` });
        continue;
      }
      const ctx = sharedContext(rs.resource, ss.scope ?? ss.instrumentationLibrary, sw, errors, contexts);
      const spans = ss.spans;
      if (!Array.isArray(spans)) {
        if (spans !== undefined) errors.push({ source: sw, message: `spans is ${typeName(spans)}, not a list: skipped.` });
        continue;
      }
      // Each span's place: one prefix for the scope, then the index.
      // Flat (joined once), so the spans do not each keep the chain of pieces the place was built from.
      const prefix = [sw, '.spans['].join('');
      for (let k = 0; k < spans.length; k++) {
        const s = spans[k];
        // One flat string per span (a template keeps a chain of pieces: three objects a span).
        const kw = [prefix, k, ']'].join('');
        if (!isRecord(s)) {
          errors.push({ source: kw, message: `A span is ${typeName(s)}, not an object: skipped.` });
          continue;
        }
        try {
          convertSpan(s, ctx, kw, out.spans, errors);
        } catch (e) {
          errors.push({ source: kw, message: `Skipped this span: an unexpected error while reading it (${describeUnexpected(e)}).` });
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** The spans of an already-parsed value (an OTLP export, span records, a ListRetrievedTraces result), not yet built into traces. */
export function collectOtelValue(value: unknown, source: string, errors: IngestError[]): OtelCollected {
  const out: OtelCollected = { spans: [], segments: [] };
  collect(value, source, out, errors);
  return out;
}

/** The spans of a text: one JSON value, or one per line (NDJSON, as the Collector's file exporter writes). */
export function collectOtelText(text: string, source: string, errors: IngestError[]): OtelCollected {
  const out: OtelCollected = { spans: [], segments: [] };
  const trimmed = text.trim();
  if (!trimmed) {
    errors.push({ source, message: 'The file is empty.' });
    return out;
  }
  const lead = text.length - text.trimStart().length;
  // A first line that is a whole JSON value makes the text NDJSON (one value cannot go on after
  // it); anything else is one value.
  if (!firstLineIsWhole(trimmed)) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed) as unknown;
    } catch (e) {
      errors.push({ source, message: `Not valid JSON: ${jsonErrorWhere(e, text, lead)}` });
      return out;
    }
    collect(value, source, out, errors);
    return out;
  }
  const contexts: ContextCache = [];
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (!line) continue;
    const where = `${source}:${n}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      errors.push({ source: where, message: `Not valid JSON: ${(e as Error).message}` });
      continue;
    }
    collect(value, where, out, errors, contexts);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cold starts written beside the function

/** How far before its function span an Init span of the same trace may start (the engine's tolerance for a child before its parent). */
const INIT_BEFORE_FUNCTION_MS = 60_000;
/** An Init written as a trace of its own: its function's first invocation begins at most this long after it ends… */
const INIT_TO_INVOCATION_MS = 10_000;
/** …or this long before (the Telemetry API's clock and the SDK's are not the same clock). */
const INIT_CLOCK_SKEW_MS = 1_000;
/**
 * A trace with more function spans, or more Init spans out of place, than this is not a request
 * (a hostile or a merged file): its Init spans stay where they are (the pairing is quadratic).
 */
const MAX_COLD_START_PAIRS = 64;
/** Invocations looked at per Init written as a trace of its own (those that began nearest after it). */
const MAX_INVOCATIONS_LOOKED_AT = 256;

/** The cold-start phase a span's name says (Init, platform.initRuntimeDone, Restore, …), for OpenTelemetry spans. */
function coldStartPhase(s: Span): 'initialization' | 'restore' | undefined {
  if (!s.otel) return undefined;
  const p = phaseNamed(s.otel.spanName);
  return p === 'initialization' || p === 'restore' ? p : undefined;
}

/** The function an Init span says it is the cold start of: faas.name (its resource's or its own), else service.name. */
function initFunctionName(s: Span): string | undefined {
  const o = s.otel;
  if (!o) return undefined;
  const r = o.resource;
  return nonEmpty(r ? own(r, 'faas.name') : undefined) ?? nonEmpty(own(o.attributes, 'faas.name')) ?? nonEmpty(r ? own(r, 'service.name') : undefined);
}

/** What a function span says of itself in `faas.coldstart` (true, false, or not said). */
function saidColdStart(f: Span): unknown {
  return f.otel ? own(f.otel.attributes, 'faas.coldstart') : undefined;
}

function hasColdStartChild(f: Span): boolean {
  return f.children.some((c) => c.kind === 'initialization' || c.kind === 'restore' || coldStartPhase(c) !== undefined);
}

/**
 * Builds the traces of OpenTelemetry spans (and X-Ray documents read beside them): the trees are
 * built as X-Ray's are (xray.ts `buildTraces`: orphans at the top level with an error, duplicates,
 * cycles); then, in one pass over each trace, Init spans not under their function span are put
 * there, as X-Ray nests Initialization in the function segment, so the breakdown counts the cold
 * start, and a function span's children named for a Lambda phase become that phase:
 *  - in the same trace, an Init span at the top level or beside a function span (a sibling) goes
 *    under the function span it precedes (the nearest by time, of the same function when it says);
 *  - an Init span that is a trace of its own (the OpenTelemetry Lambda layer's Telemetry API
 *    receiver writes `platform.initRuntimeDone` with a new trace id) goes under the span of the
 *    same function whose invocation began right after it ended (within INIT_TO_INVOCATION_MS),
 *    and its trace is gone; a note says so. A function span that says it was not a cold start
 *    (`faas.coldstart = false`), or already has its Init, takes none.
 * A function span that says it was a cold start and ends with no Init gets a note.
 */
export function otelSpansToTraces(spans: readonly Span[], errors: IngestError[], segments: RawSegment[] = []): Trace[] {
  const traces = buildTraces(segments, errors, spans);
  const alone: { trace: Trace; init: Span }[] = [];
  const coldWithoutInit: Span[] = [];
  for (const t of traces) {
    const fns: Span[] = [];
    let inits = false;
    for (const s of t.spans) {
      if (s.kind === 'function') fns.push(s);
      else if (!inits && coldStartPhase(s)) inits = true;
    }
    if (!fns.length) {
      const r = t.roots.length === 1 ? t.roots[0]! : undefined;
      if (r && coldStartPhase(r) && r.endMs !== null && !t.spans.some((x) => x.kind === 'lambda-service')) alone.push({ trace: t, init: r });
      continue;
    }
    if (inits && placeInTrace(t, fns)) reorder(t);
    // In pre-order, a function before its children: a function span demoted below is skipped.
    for (const f of fns) if (f.kind === 'function' && !setPhases(f) && saidColdStart(f) === true) coldWithoutInit.push(f);
  }
  const out = alone.length ? joinColdStarts(traces, alone, errors) : traces;
  for (const p of coldWithoutInit) {
    if (hasColdStartChild(p)) continue;
    errors.push({
      source: p.source,
      message: `"${p.name}" (${p.id}) was a cold start (faas.coldstart), but the trace has no Init span under it: the cold start's length is not known, so the breakdown shows none (the function's REPORT line gives it as Init Duration).`,
      repaired: true,
    });
  }
  return out;
}

/**
 * The children of function span `p` named for a Lambda phase become that phase; a second span of
 * the same function inside it (a web framework's SERVER span under the handler's) is an ordinary
 * span. Whether `p` has its Init (or Restore) among them.
 */
function setPhases(p: Span): boolean {
  let initSeen = false;
  const children = p.children;
  for (let i = 0; i < children.length; i++) {
    const s = children[i]!;
    if (!s.otel) {
      if (s.kind === 'initialization' || s.kind === 'restore') initSeen = true;
      continue;
    }
    const phase = phaseNamed(s.otel.spanName);
    if (phase) {
      if (phase === 'initialization' || phase === 'restore') initSeen = true;
      s.kind = phase;
      s.isSegment = false;
      s.origin = undefined;
      s.frontDoor = undefined;
    } else if (s.kind === 'function' && s.name === p.name) {
      s.kind = 'custom';
      s.isSegment = false;
      s.origin = undefined;
    }
  }
  return initSeen;
}

/** A trace's order, roots and entry again after spans moved in it. */
function reorder(t: Trace): void {
  t.roots.sort(byStart);
  t.spans = preorder(t.roots);
  t.entry = entryOf(t.roots);
}

/** In one trace: Init spans at the top level, or beside a function span, go under their function span. Whether any moved. */
function placeInTrace(t: Trace, fns: readonly Span[]): boolean {
  const candidates: { init: Span; from: Span | null }[] = [];
  for (const r of t.roots) if (coldStartPhase(r)) candidates.push({ init: r, from: null });
  for (const p of t.spans) {
    if (p.kind === 'function' || !p.children.some((c) => c.kind === 'function')) continue;
    for (const c of p.children) if (coldStartPhase(c)) candidates.push({ init: c, from: p });
  }
  if (fns.length > MAX_COLD_START_PAIRS || candidates.length > MAX_COLD_START_PAIRS) return false;
  let moved = false;
  for (const { init, from } of candidates) {
    const name = initFunctionName(init);
    const end = init.endMs ?? init.startMs;
    let best: Span | undefined;
    for (const f of fns) {
      if (name !== undefined && name !== f.name) continue;
      if (hasColdStartChild(f) || contains(init, f)) continue;
      if (init.startMs < f.startMs - INIT_BEFORE_FUNCTION_MS || init.startMs > (f.endMs ?? Infinity)) continue;
      if (!best || Math.abs(f.startMs - end) < Math.abs(best.startMs - end)) best = f;
    }
    if (!best) continue;
    if (from) from.children = from.children.filter((c) => c !== init);
    else t.roots = t.roots.filter((r) => r !== init);
    adopt(best, init);
    moved = true;
  }
  return moved;
}

/**
 * Init spans that are traces of their own, by end time, each to the nearest span of the same
 * function that began right after (the function spans of a name by start, searched from the first
 * that may follow). The traces left.
 */
function joinColdStarts(traces: Trace[], alone: { trace: Trace; init: Span }[], errors: IngestError[]): Trace[] {
  const byName = new Map<string, Span[]>();
  const hostOf = new Map<Span, Trace>();
  for (const t of traces) {
    for (const f of t.spans) {
      if (f.kind !== 'function') continue;
      hostOf.set(f, t);
      const list = byName.get(f.name);
      if (list) list.push(f);
      else byName.set(f.name, [f]);
    }
  }
  alone.sort((a, b) => a.init.endMs! - b.init.endMs!);
  for (const list of byName.values()) list.sort(byStart);
  const gone = new Set<Trace>();
  const changed = new Set<Trace>();
  for (const { trace, init } of alone) {
    const name = initFunctionName(init);
    const list = name === undefined ? undefined : byName.get(name);
    if (!list) continue;
    const end = init.endMs!;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.startMs < end - INIT_CLOCK_SKEW_MS) lo = mid + 1;
      else hi = mid;
    }
    let best: Span | undefined;
    for (let i = lo; i < list.length && i < lo + MAX_INVOCATIONS_LOOKED_AT; i++) {
      const f = list[i]!;
      const d = f.startMs - end;
      if (d > INIT_TO_INVOCATION_MS) break;
      if (hasColdStartChild(f)) continue;
      if (saidColdStart(f) === false) continue;
      if (!best || Math.abs(d) < Math.abs(best.startMs - end)) best = f;
    }
    if (!best) continue;
    const host = hostOf.get(best)!;
    const stack = [init];
    while (stack.length) {
      const x = stack.pop()!;
      x.traceId = host.traceId;
      for (const c of x.children) stack.push(c);
    }
    adopt(best, init);
    setPhases(best);
    changed.add(host);
    gone.add(trace);
    const gap = best.startMs - end;
    errors.push({
      source: init.source,
      message: `The cold start "${init.otel!.spanName}" (${init.id}) came as a trace of its own (${trace.traceId}), as the OpenTelemetry Lambda layer's Telemetry API receiver writes it: it is shown as the Initialization of "${best.name}" in trace ${host.traceId}, whose invocation began ${Math.abs(gap) < 1 ? 'as it ended' : `${Math.round(Math.abs(gap))} ms ${gap > 0 ? 'after' : 'before'} it ended`}.`,
      repaired: true,
    });
  }
  for (const t of changed) reorder(t);
  return gone.size ? traces.filter((t) => !gone.has(t)) : traces;
}

/** `init` becomes a child of the function span `f` (its phase is set by its name). */
function adopt(f: Span, init: Span): void {
  init.parentId = f.id;
  f.children = [...f.children, init];
}

/** An OTLP/JSON export (or span records, or ListRetrievedTraces output) already parsed → traces. */
export function parseOtlpValue(value: unknown, source: string): TraceParseResult {
  const errors: IngestError[] = [];
  const c = collectOtelValue(value, source, errors);
  return { traces: otelSpansToTraces(c.spans, errors, c.segments), errors };
}

/** OTLP/JSON text, one export or one per line → traces. */
export function parseOtlpText(text: string, source: string): TraceParseResult {
  const errors: IngestError[] = [];
  const c = collectOtelText(text, source, errors);
  return { traces: otelSpansToTraces(c.spans, errors, c.segments), errors };
}

/**
 * The span records of the CloudWatch `aws/spans` log group (Transaction Search), one per log
 * event: each a JSON object (or the event's message, a JSON string) with `resource`, `scope`,
 * `traceId`, `spanId`, `parentSpanId`, `name`, `kind`, `startTimeUnixNano`, `endTimeUnixNano`,
 * `durationNano`, flat `attributes`, `status`, `events`. ListRetrievedTraces with TraceFormat OTEL
 * returns the same records as its Documents.
 *
 * A span read from a record by itself has `source` as its source (the log group: the span is
 * known by its trace and span ids, which Logs Insights finds it by); errors name the record by
 * its place in `records` (`aws/spans[3]`).
 */
export function parseSpanRecords(records: unknown[], source: string): TraceParseResult {
  const errors: IngestError[] = [];
  const out: OtelCollected = { spans: [], segments: [] };
  const contexts: ContextCache = [];
  for (let i = 0; i < records.length; i++) {
    const before = errors.length;
    const v = documentValue(records[i], source, errors, 'The span record');
    if (v !== undefined) {
      if (isRecord(v) && looksLikeSpanRecord(v)) readSpanRecord(v, source, out, errors, contexts);
      // Anything else is walked (a list of records, log events…): its spans are named by their place in it.
      else collect(v, `${source}[${i}]`, out, errors, contexts);
    }
    // The record's place, written only into its errors (most records have none): `source[i]`.
    for (let k = before; k < errors.length; k++) {
      const e = errors[k]!;
      if (e.source === source) e.source = `${source}[${i}]`;
    }
  }
  return { traces: otelSpansToTraces(out.spans, errors, out.segments), errors };
}

const OTLP_HINT = /"(resourceSpans|resource_spans|scopeSpans|instrumentationLibrarySpans)"\s*:/;
const RETRIEVED_HINT = /"TraceFormat"\s*:\s*"OTEL"|"Spans"\s*:\s*\[\s*\{\s*"(Id|Document)"/;
const RECORD_HINT = /"traceId"\s*:/;
const SPAN_ID_HINT = /"spanId"\s*:/;
const ENCODED_RECORD_HINT = /\\"traceId\\"\s*:/;
const ENCODED_SPAN_ID_HINT = /\\"spanId\\"\s*:/;

/** Whether the head of a file (its first few KB) is OpenTelemetry spans in a form this module reads. */
export function looksLikeOtel(head: string): boolean {
  if (!/^\s*[[{]/.test(head)) return false;
  if (OTLP_HINT.test(head) || RETRIEVED_HINT.test(head)) return true;
  // Tempo's export: batches of resource spans.
  if (/"batches"\s*:/.test(head) && /"(scopeSpans|instrumentationLibrarySpans)"/.test(head)) return true;
  // aws/spans records: raw, or inside log events (FilterLogEvents, Logs Insights) as JSON strings.
  return (
    (RECORD_HINT.test(head) && SPAN_ID_HINT.test(head) && /"(startTimeUnixNano|durationNano|endTimeUnixNano)"/.test(head)) ||
    (ENCODED_RECORD_HINT.test(head) && ENCODED_SPAN_ID_HINT.test(head) && /\\"(startTimeUnixNano|durationNano)\\"/.test(head))
  );
}
