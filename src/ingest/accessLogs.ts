// API Gateway access logs → AccessLogRecord. Users choose the format: JSON lines with the
// usual $context variables (REST resourcePath/httpMethod, HTTP API routeKey), values that are
// `-`, `-1`, numbers or numeric strings; or text described by the user's own format string
// (`$context.requestId $context.status [$context.requestTime] "$context.httpMethod …"`),
// compiled once into a matcher. Route templates are kept, never concrete paths.
import type { AccessLogRecord, FrontDoorKind } from '../core/model';

function val(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  const s = String(v).trim();
  return s === '' || s === '-' ? undefined : s;
}

function num(v: unknown): number | undefined {
  const s = val(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

/** `24/Nov/2026:12:00:00 +0000` (CLF, $context.requestTime) or ISO → epoch ms. */
function parseTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const clf = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/.exec(s);
  if (clf) {
    const months = 'JanFebMarAprMayJunJulAugSepOctNovDec';
    const mo = months.indexOf(clf[2]!) / 3;
    const off = Number(clf[7]!.slice(0, 3)) * 60 + Math.sign(Number(clf[7]!.slice(0, 3)) || 1) * Number(clf[7]!.slice(3));
    return Date.UTC(Number(clf[3]), mo, Number(clf[1]), Number(clf[4]), Number(clf[5]), Number(clf[6])) - off * 60_000;
  }
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** Fields named as in $context (`integration.latency`, `error.responseType`, …) → a record. */
export function recordFromFields(f: Record<string, unknown>, source: string): AccessLogRecord {
  const get = (...keys: string[]): unknown => {
    for (const k of keys) if (f[k] !== undefined) return f[k];
    return undefined;
  };
  const r: AccessLogRecord = { source };
  const requestId = val(get('requestId', 'extendedRequestId'));
  if (requestId) r.requestId = requestId;
  const routeKey = val(get('routeKey'));
  const resourcePath = val(get('resourcePath'));
  let apiType: FrontDoorKind | undefined;
  if (resourcePath) {
    r.route = resourcePath;
    apiType = 'rest-api';
  } else if (routeKey) {
    const [method, ...path] = routeKey.split(' ');
    if (path.length) {
      r.method = method!;
      r.route = path.join(' ');
    } else r.route = routeKey; // $default, or a WebSocket route key
    apiType = routeKey.startsWith('$') && !path.length ? 'websocket-api' : 'http-api';
  }
  if (apiType) r.apiType = apiType;
  const method = val(get('httpMethod', 'method'));
  if (method) r.method = method;
  const status = num(get('status'));
  if (status !== undefined) r.status = status;
  const epoch = num(get('requestTimeEpoch'));
  const time = epoch !== undefined ? (epoch < 1e11 ? epoch * 1000 : epoch) : parseTime(val(get('requestTime')));
  if (time !== undefined) r.timeMs = time;
  const resp = num(get('responseLatency', 'responseLatencyMs'));
  if (resp !== undefined) r.responseLatencyMs = resp;
  const rawIntegration = get('integrationLatency', 'integration.latency');
  const il = num(rawIntegration);
  if (il !== undefined) r.integrationLatencyMs = il;
  if (rawIntegration !== undefined) r.integrationLatencyRaw = String(rawIntegration);
  const is = num(get('integrationStatus', 'integration.status'));
  if (is !== undefined) r.integrationStatus = is;
  const ie = val(get('integrationErrorMessage', 'integration.error'));
  if (ie) r.integrationError = ie;
  const em = val(get('errorMessage', 'error.message'));
  if (em) r.errorMessage = em;
  const rt = val(get('errorResponseType', 'error.responseType', 'responseType'));
  if (rt) r.errorResponseType = rt;
  const x = val(get('xrayTraceId'));
  if (x) r.xrayTraceId = x;
  const apiId = val(get('apiId'));
  if (apiId) r.apiId = apiId;
  const api = val(get('apiName', 'api'));
  if (api) r.api = api;
  const stage = val(get('stage'));
  if (stage) r.stage = stage;
  return r;
}

/** Does a line look like a JSON access-log record? */
export function isAccessLogJson(line: string): boolean {
  return (
    /^\s*\{/.test(line) &&
    /"(requestId|extendedRequestId)"\s*:/.test(line) &&
    /"(status|routeKey|resourcePath|httpMethod)"\s*:/.test(line) &&
    // Lambda's JSON log format has requestId and status too, inside its platform records.
    !/"type"\s*:\s*"platform\./.test(line)
  );
}

export function parseAccessLogJson(line: string, source: string): AccessLogRecord | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  // Nested $context objects ({"integration": {"latency": …}}) flatten to dotted names; most
  // formats are flat, so the object is used as it is unless a value is an object.
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
      // A value runs to the next literal: lazy when one follows, greedy at the end.
      re += i === parts.length - 1 || parts[i + 1] === '' ? '(.*?)' : '(.*?)';
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
