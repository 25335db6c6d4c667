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
  const flat: Record<string, unknown> = {};
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
 * Compiles an access-log format string (`$context.requestId $context.status [$context.requestTime]
 * "$context.httpMethod $context.resourcePath"`) into a matcher from a line to its fields.
 */
export function compileAccessLogFormat(format: string): (line: string) => Record<string, string> | null {
  const names: string[] = [];
  let re = '^';
  const parts = format.split(/(\$context\.[A-Za-z0-9_.]+)/);
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith('$context.')) {
      names.push(p.slice('$context.'.length).replace(/\.$/, ''));
      // Each value runs lazily to the next literal; the closing `$` makes the last one take the rest.
      re += '(.*?)';
    } else {
      re += p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
    }
  }
  const compiled = new RegExp(`${re}$`);
  return (line: string) => {
    const m = compiled.exec(line.trim());
    if (!m) return null;
    const out: Record<string, string> = {};
    names.forEach((n, i) => (out[n] = m[i + 1]!));
    return out;
  };
}
