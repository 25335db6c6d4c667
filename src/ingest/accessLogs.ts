// API Gateway access logs → AccessLogRecord. Users choose the format: JSON lines with the
// usual $context variables (REST resourcePath/httpMethod, HTTP API routeKey), values that are
// `-`, `-1`, numbers or numeric strings; or text described by the user's own format string
// (`$context.requestId $context.status [$context.requestTime] "$context.httpMethod …"`),
// compiled once into a matcher. Route templates are kept, never concrete paths.
import type { AccessLogRecord, FrontDoorKind } from '../core/model';

/** A value as a record keeps it: undefined when absent, empty or `-`. */
function val(v: unknown): string | undefined {
  if (typeof v === 'string') {
    // Printable ASCII at both ends needs no trim() (no whitespace is in 0x21–0x7E): the usual case.
    const n = v.length;
    if (n === 0) return undefined;
    const a = v.charCodeAt(0);
    const b = v.charCodeAt(n - 1);
    if (a > 32 && a < 127 && b > 32 && b < 127) return n === 1 && a === 45 /* - */ ? undefined : v;
  }
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' || s === '-' ? undefined : s;
}

/** `Number(val(v))` when finite, without the string round trip. */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? (v === 0 ? 0 : v) : undefined; // String(-0) is "0"
  if (typeof v === 'string') {
    // Number() skips the same whitespace trim() does, and "-" is NaN: only a blank string, which
    // Number() reads as 0, needs telling apart.
    const n = Number(v);
    if (!Number.isFinite(n)) return undefined;
    return n === 0 && v.trim() === '' ? undefined : n;
  }
  const s = val(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

const CLF_TIME = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/;

/** `24/Nov/2026:12:00:00 +0000` (CLF, $context.requestTime) or ISO → epoch ms. */
function parseTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const clf = CLF_TIME.exec(s);
  if (clf) {
    const months = 'JanFebMarAprMayJunJulAugSepOctNovDec';
    const mo = months.indexOf(clf[2]!) / 3;
    const off = Number(clf[7]!.slice(0, 3)) * 60 + Math.sign(Number(clf[7]!.slice(0, 3)) || 1) * Number(clf[7]!.slice(3));
    return Date.UTC(Number(clf[3]), mo, Number(clf[1]), Number(clf[4]), Number(clf[5]), Number(clf[6])) - off * 60_000;
  }
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** The first of two names that is set (`??` would also skip null, which a log may hold). */
function either(a: unknown, b: unknown): unknown {
  return a !== undefined ? a : b;
}

/**
 * Fields named as in $context (`integration.latency`, `error.responseType`, …) → a record.
 * This runs once per access-log line: the names are read directly, no lookup helpers.
 */
export function recordFromFields(f: Record<string, unknown>, source: string): AccessLogRecord {
  const requestId = val(either(f['requestId'], f['extendedRequestId']));
  const routeKey = val(f['routeKey']);
  const resourcePath = val(f['resourcePath']);
  const method = val(either(f['httpMethod'], f['method']));
  const status = num(f['status']);
  const epoch = num(f['requestTimeEpoch']);
  const time = epoch !== undefined ? (epoch < 1e11 ? epoch * 1000 : epoch) : parseTime(val(f['requestTime']));
  const resp = num(either(f['responseLatency'], f['responseLatencyMs']));
  const rawIntegration = either(f['integrationLatency'], f['integration.latency']);
  const il = num(rawIntegration);
  const is = num(either(f['integrationStatus'], f['integration.status']));
  const ie = val(either(f['integrationErrorMessage'], f['integration.error']));
  const em = val(either(f['errorMessage'], f['error.message']));
  const rt = val(either(either(f['errorResponseType'], f['error.responseType']), f['responseType']));
  const x = val(f['xrayTraceId']);
  let r: AccessLogRecord;
  let traceInLiteral = false;
  if (requestId && resourcePath && method && status !== undefined && time !== undefined && resp !== undefined && il !== undefined) {
    // The usual REST line has all of these: one literal, its fields in the order the general
    // path adds them, makes the record one allocation instead of an object grown a field at a
    // time, which was most of what a line allocated (and a big log keeps many records). Traced
    // lines are most of those kept, so the trace id is in it too when no field comes between.
    const raw = String(rawIntegration);
    traceInLiteral = x !== undefined && is === undefined && !ie && !em && !rt;
    r = traceInLiteral
      ? { source, requestId, route: resourcePath, apiType: 'rest-api', method, status, timeMs: time, responseLatencyMs: resp, integrationLatencyMs: il, integrationLatencyRaw: raw, xrayTraceId: x }
      : { source, requestId, route: resourcePath, apiType: 'rest-api', method, status, timeMs: time, responseLatencyMs: resp, integrationLatencyMs: il, integrationLatencyRaw: raw };
  } else {
    r = { source };
    if (requestId) r.requestId = requestId;
    let apiType: FrontDoorKind | undefined;
    if (resourcePath) {
      r.route = resourcePath;
      apiType = 'rest-api';
    } else if (routeKey) {
      // `GET /orders/{id}`: the method, then the path (which may hold spaces).
      const sp = routeKey.indexOf(' ');
      if (sp !== -1) {
        r.method = routeKey.slice(0, sp);
        r.route = routeKey.slice(sp + 1);
      } else r.route = routeKey; // $default, or a WebSocket route key
      apiType = routeKey.startsWith('$') && sp === -1 ? 'websocket-api' : 'http-api';
    }
    if (apiType) r.apiType = apiType;
    if (method) r.method = method;
    if (status !== undefined) r.status = status;
    if (time !== undefined) r.timeMs = time;
    if (resp !== undefined) r.responseLatencyMs = resp;
    if (il !== undefined) r.integrationLatencyMs = il;
    if (rawIntegration !== undefined) r.integrationLatencyRaw = String(rawIntegration);
  }
  if (is !== undefined) r.integrationStatus = is;
  if (ie) r.integrationError = ie;
  if (em) r.errorMessage = em;
  if (rt) r.errorResponseType = rt;
  if (x && !traceInLiteral) r.xrayTraceId = x;
  const apiId = val(f['apiId']);
  if (apiId) r.apiId = apiId;
  const api = val(either(f['apiName'], f['api']));
  if (api) r.api = api;
  const stage = val(f['stage']);
  if (stage) r.stage = stage;
  return r;
}

const JSON_ID_KEY = /"(requestId|extendedRequestId)"\s*:/;
const JSON_ROUTE_KEY = /"(status|routeKey|resourcePath|httpMethod)"\s*:/;
const JSON_PLATFORM = /"type"\s*:\s*"platform\./;

/** Does a line look like a JSON access-log record? */
export function isAccessLogJson(line: string): boolean {
  return (
    /^\s*\{/.test(line) &&
    JSON_ID_KEY.test(line) &&
    JSON_ROUTE_KEY.test(line) &&
    // Lambda's JSON log format has requestId and status too, inside its platform records.
    !isPlatformRecord(line)
  );
}

/** `"type": "platform.…"` anywhere; the plain substring search rules out nearly every line first. */
function isPlatformRecord(line: string): boolean {
  return line.includes('platform.') && JSON_PLATFORM.test(line);
}

/** A parsed line → its record: nested $context objects ({"integration": {"latency": …}}) flatten to dotted names. */
function recordFromJson(o: Record<string, unknown>, source: string): AccessLogRecord {
  // Most formats are flat, so the object is used as it is unless a value is an object.
  let nested = false;
  for (const k in o) {
    const x = o[k];
    if (x && typeof x === 'object' && !Array.isArray(x)) {
      nested = true;
      break;
    }
  }
  if (!nested) return recordFromFields(o, source);
  // Keys are the log's: an object without a prototype takes `__proto__` as a field like any other.
  const flat = Object.create(null) as Record<string, unknown>;
  for (const [k, x] of Object.entries(o)) {
    if (x && typeof x === 'object' && !Array.isArray(x)) for (const [k2, y] of Object.entries(x as Record<string, unknown>)) flat[`${k}.${k2}`] = y;
    else flat[k] = x;
  }
  return recordFromFields(flat, source);
}

export function parseAccessLogJson(line: string, source: string): AccessLogRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return recordFromJson(v as Record<string, unknown>, source);
}

/**
 * The record in a line already parsed to `o` (an object) when `isAccessLogJson(line)` holds,
 * else undefined: `parseAccessLogJson` for a line the collector parsed once for every reader.
 * When the text has no backslash (so no key is spelled with escapes) and no value is an object
 * or array (so every key is a top-level one), the keys of `o` say exactly what the expressions
 * would find in the text, and they need not run.
 */
export function accessLogRecordOf(o: Record<string, unknown>, line: string, source: string): AccessLogRecord | undefined {
  let flat = line.indexOf('\\') === -1;
  if (flat) {
    for (const k in o) {
      const x = o[k];
      if (x !== null && typeof x === 'object') {
        flat = false;
        break;
      }
    }
  }
  if (!flat) return isAccessLogJson(line) ? recordFromJson(o, source) : undefined;
  const has = Object.hasOwn;
  const isAccess =
    (has(o, 'requestId') || has(o, 'extendedRequestId')) &&
    (has(o, 'status') || has(o, 'routeKey') || has(o, 'resourcePath') || has(o, 'httpMethod')) &&
    // A repeated key keeps its last value only, so a "type" is looked up in the text.
    !(has(o, 'type') && isPlatformRecord(line));
  return isAccess ? recordFromFields(o, source) : undefined;
}

/**
 * The longest text access-log line matched against the user's format: 32 768 characters (API
 * Gateway's own lines are a few hundred; a request's headers are at most 10 KB). A longer line
 * is skipped with an error that names this limit (LogCollector), so no line can make matching slow.
 */
export const MAX_ACCESS_LOG_LINE = 32_768;

/** A run of blanks in a format's literal text: it matches one or more whitespace characters. */
const BLANKS = 0;
/** A format's literal text between two fields: exact text, and runs of blanks. */
type Literal = Array<string | typeof BLANKS>;

/** What \s matches (the same set trim() removes). */
function isBlank(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** What `.` would not match inside a value: a line break. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;

function literalOf(text: string): Literal {
  const out: Literal = [];
  for (const part of text.split(/(\s+)/)) {
    if (!part) continue;
    out.push(isBlank(part.charCodeAt(0)) ? BLANKS : part);
  }
  return out;
}

/** Where `lit` ends when it starts at `at` (blanks taken greedily, as `\s+` would), or -1. */
function matchAt(line: string, at: number, lit: Literal): number {
  let p = at;
  for (const piece of lit) {
    if (piece === BLANKS) {
      if (p >= line.length || !isBlank(line.charCodeAt(p))) return -1;
      while (p < line.length && isBlank(line.charCodeAt(p))) p++;
    } else {
      if (!line.startsWith(piece, p)) return -1;
      p += piece.length;
    }
  }
  return p;
}

/**
 * The first place at or after `from` where `lit` matches: [start, end], or null. Candidates
 * are the occurrences of its first text (indexOf), or the starts of blank runs: a start inside
 * a run matches exactly as the run's start does, so each run is tried once.
 */
function findFrom(line: string, from: number, lit: Literal): [number, number] | null {
  const first = lit[0]!;
  if (first !== BLANKS) {
    for (let c = line.indexOf(first, from); c !== -1; c = line.indexOf(first, c + 1)) {
      const end = matchAt(line, c, lit);
      if (end !== -1) return [c, end];
    }
    return null;
  }
  let c = from;
  for (;;) {
    while (c < line.length && !isBlank(line.charCodeAt(c))) c++;
    if (c >= line.length) return null;
    const end = matchAt(line, c, lit);
    if (end !== -1) return [c, end];
    while (c < line.length && isBlank(line.charCodeAt(c))) c++;
  }
}

/** Where `lit` must start to end the line exactly (the earliest such place, at or after `from`), or -1. */
function findAtEnd(line: string, from: number, lit: Literal): number {
  let p = line.length;
  for (let k = lit.length - 1; k >= 0; k--) {
    const piece = lit[k]!;
    if (piece === BLANKS) {
      if (p <= from || !isBlank(line.charCodeAt(p - 1))) return -1;
      while (p > from && isBlank(line.charCodeAt(p - 1))) p--;
    } else {
      if (p - piece.length < from || !line.startsWith(piece, p - piece.length)) return -1;
      p -= piece.length;
    }
  }
  return p;
}

/**
 * Compiles an access-log format string (`$context.requestId $context.status [$context.requestTime]
 * "$context.httpMethod $context.resourcePath"`) into a matcher from a line to its fields, or null
 * when the line is not in that format (or longer than MAX_ACCESS_LOG_LINE).
 *
 * Each value runs to the first place its next literal text matches (a blank in the format
 * matches any run of blanks); the last value runs to the literal that ends the line, or to the
 * end. The matcher reads the line a bounded number of times per literal, so its time is linear
 * in the line: a regular expression of `(.*?)` per field would try every split of a line that
 * does not match, which for a few hundred words takes minutes.
 */
export function compileAccessLogFormat(format: string): (line: string) => Record<string, string> | null {
  const parts = format.split(/(\$context\.[A-Za-z0-9_.]+)/);
  const lead = literalOf(parts[0]!);
  const fields: Array<{ name: string; after: Literal }> = [];
  for (let i = 1; i < parts.length; i += 2) fields.push({ name: parts[i]!.slice('$context.'.length).replace(/\.$/, ''), after: literalOf(parts[i + 1] ?? '') });
  // Lines are trimmed, so blanks at either end of the format (a copied newline) match nothing.
  if (lead[0] === BLANKS) lead.shift();
  const tail = fields.length ? fields[fields.length - 1]!.after : lead;
  if (tail[tail.length - 1] === BLANKS) tail.pop();
  return (raw: string) => {
    if (raw.length > MAX_ACCESS_LOG_LINE) return null;
    const line = raw.trim();
    let pos = matchAt(line, 0, lead);
    if (pos === -1) return null;
    if (!fields.length) return pos === line.length ? Object.create(null) as Record<string, string> : null;
    // Field names come from the user's format: an object without a prototype takes any of them.
    const out = Object.create(null) as Record<string, string>;
    for (let i = 0; i < fields.length; i++) {
      const { name, after } = fields[i]!;
      let value: string;
      if (i === fields.length - 1) {
        const end = after.length ? findAtEnd(line, pos, after) : line.length;
        if (end === -1) return null;
        value = line.slice(pos, end);
        pos = line.length;
      } else if (!after.length) {
        // Two fields with nothing between them: the first is empty, as `(.*?)(.*?)` makes it.
        value = '';
      } else {
        const at = findFrom(line, pos, after);
        if (!at) return null;
        value = line.slice(pos, at[0]);
        pos = at[1];
      }
      if (LINE_BREAK.test(value)) return null;
      out[name] = value;
    }
    return out;
  };
}
