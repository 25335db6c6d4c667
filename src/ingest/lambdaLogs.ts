// Lambda's own log lines → one Invocation per request id: INIT_START, START, END, REPORT (with
// its XRAY line), INIT_REPORT, "Task timed out after N seconds" (plain and Sandbox.Timedout
// JSON), application lines, and the JSON log format (platform.initStart / start / report).
// Streaming: events are pushed one at a time, so a multi-GB export never sits in memory.
import type { IngestError, Invocation } from '../core/model';

export interface EventMeta {
  /** Epoch ms of the log event, when the container says. */
  timestamp?: number;
  logStream?: string;
  logGroup?: string;
  /** Where it was, for errors: `file:12`, `file#events[3]`. */
  where: string;
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const RE_APP = new RegExp(`^(\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z)[\\t ](${UUID})[\\t ](.*)$`, 's');
const RE_INIT_UNDEFINED = /^\d{4}-\d\d-\d\dT[\d:.]+Z\tundefined\t/;
const RE_ERROR_REQUEST_ID = new RegExp(`RequestId: (${UUID})`);
const RE_TIMEOUT = /Task timed out after ([\d.]+) seconds/;
/** Sticky: tried only where `XRAY TraceId: ` starts. */
const RE_XRAY_AT = /XRAY TraceId: (\S+)\s+SegmentId: ([0-9a-f]+)(?:\s+Sampled: (true|false))?/y;
const RE_ERROR_TYPE = /Error Type: (\S+)/;
const REPORT = 'REPORT RequestId: ';
const XRAY = 'XRAY TraceId: ';

// REPORT lines are most of a function's log. One expression reads the usual layout whole; any
// other text is scanned once by hand for what a search per label (`Label: ([\d.]+)`, the first
// anywhere in the event) would find, with the same result for any text.

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/** Where the last `decimalAt` stopped: the index after its run. */
let decimalEnd = 0;

/** What `Number()` makes of the `[\d.]+` run at `p`; -1 when there is none (no value is negative). */
function decimalAt(s: string, p: number): number {
  let q = p;
  let m = 0;
  let digits = 0;
  let dots = 0;
  let fraction = 0;
  for (; q < s.length; q++) {
    const c = s.charCodeAt(q);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (dots) fraction++;
    } else if (c === 46) dots++;
    else break;
  }
  decimalEnd = q;
  if (q === p) return -1;
  // Up to 15 digits, the mantissa and the power of ten are exact doubles, so the one division is
  // correctly rounded: the double Number() gives, without the substring.
  if (dots <= 1 && digits > 0 && digits <= 15) return fraction ? m / POW10[fraction]! : m;
  return Number(s.slice(p, q));
}

/** The first `label` (ending in `: `) followed by a number, as /label([\d.]+)/ finds it. */
function numberAfter(s: string, label: string): number | undefined {
  for (let at = s.indexOf(label); at !== -1; at = s.indexOf(label, at + 1)) {
    const v = decimalAt(s, at + label.length);
    if (v !== -1) return v;
  }
  return undefined;
}

/** Does a request id ([0-9a-fA-F]{8}-{4}-{4}-{4}-{12}) start at `p`? */
function isUuidAt(s: string, p: number): boolean {
  if (s.length < p + 36) return false;
  for (let k = 0; k < 36; k++) {
    const c = s.charCodeAt(p + k);
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** The request id after `prefix` (`START RequestId: …`), or undefined. */
function idAfter(t: string, prefix: string): string | undefined {
  return t.startsWith(prefix) && isUuidAt(t, prefix.length) ? t.slice(prefix.length, prefix.length + 36) : undefined;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** What \s matches (the same set trim() removes). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Blank as `!s.trim()` says, without the copy trim() makes of a line ending in a tab. */
function isBlank(s: string): boolean {
  const c = s.charCodeAt(0);
  return !(c > 32 && c < 127) && s.trim() === '';
}

/**
 * `s` without the newlines at its end (what `replace(/\n+$/, '')` gives, in linear time: that
 * expression tries every newline of a run as a start, so a run not at the end costs its square).
 */
export function withoutTrailingNewlines(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 10) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** A REPORT event's fields: each the first occurrence in the whole event (XRAY line included). */
interface ReportFields {
  durationMs: number | undefined;
  billedDurationMs: number | undefined;
  memorySizeMb: number | undefined;
  maxMemoryUsedMb: number | undefined;
  initDurationMs: number | undefined;
  restoreDurationMs: number | undefined;
  status: string | undefined;
  errorType: string | undefined;
  /** From the first `XRAY TraceId: … SegmentId: …` that reads whole. */
  xrayTraceId: string | undefined;
  segmentId: string | undefined;
  sampled: boolean | undefined;
}

/**
 * The REPORT event as Lambda writes it, matched whole by one expression. Every `: ` in such a text
 * ends one of its labels, so each field's first occurrence is the one in its place; any other
 * text goes to `scanReport`. Only the strings kept are captured: the numbers are read in place.
 */
const RE_REPORT_USUAL = new RegExp(
  `^REPORT RequestId: ${UUID}\\tDuration: [\\d.]+ ms\\tBilled Duration: [\\d.]+ ms\\tMemory Size: [\\d.]+ MB\\tMax Memory Used: [\\d.]+ MB(?:\\tInit Duration: [\\d.]+ ms)?\\t?` +
    `(?:\\nXRAY TraceId: (\\S+)\\tSegmentId: ([0-9a-f]+)\\tSampled: (?:(t)rue|false)\\t?)?$`,
);
const INIT_DURATION = '\tInit Duration: ';

/** Fills `f` from a REPORT event: `m` is its RE_REPORT_USUAL match, when it has one. */
function readReport(t: string, m: RegExpExecArray | null, f: ReportFields): void {
  if (!m) {
    scanReport(t, f);
    return;
  }
  // The layout matched, so each number runs to the space before its unit, and the next number
  // starts a fixed distance after that.
  f.durationMs = decimalAt(t, REPORT.length + 36 + '\tDuration: '.length);
  f.billedDurationMs = decimalAt(t, decimalEnd + ' ms\tBilled Duration: '.length);
  f.memorySizeMb = decimalAt(t, decimalEnd + ' ms\tMemory Size: '.length);
  f.maxMemoryUsedMb = decimalAt(t, decimalEnd + ' MB\tMax Memory Used: '.length);
  const afterMemory = decimalEnd + ' MB'.length;
  f.initDurationMs = t.startsWith(INIT_DURATION, afterMemory) ? decimalAt(t, afterMemory + INIT_DURATION.length) : undefined;
  f.restoreDurationMs = undefined;
  f.status = undefined;
  f.errorType = undefined;
  f.xrayTraceId = m[1];
  f.segmentId = m[2];
  // `(t)rue` captures one letter, a string V8 does not allocate.
  f.sampled = m[1] !== undefined ? m[3] !== undefined : undefined;
}

/**
 * Any REPORT text, in one pass. Every label ends in `: `, so each `: ` is looked at once, for the
 * labels that end there; a label keeps its first occurrence that is followed by a value, which is
 * what a separate search per label (`\bDuration: ([\d.]+)`, `Status: (\w+)`, …) finds.
 */
function scanReport(t: string, f: ReportFields): void {
  let durationMs: number | undefined;
  let billedDurationMs: number | undefined;
  let memorySizeMb: number | undefined;
  let maxMemoryUsedMb: number | undefined;
  let initDurationMs: number | undefined;
  let restoreDurationMs: number | undefined;
  let status: string | undefined;
  let errorType: string | undefined;
  let xrayAt = -1;
  for (let p = t.indexOf(': '); p !== -1; p = t.indexOf(': ', p + 1)) {
    const v = p + 2;
    switch (t.charCodeAt(p - 1)) {
      case 110 /* n */: {
        if (!t.startsWith('Duration', p - 8)) break;
        // `\bDuration`: also the end of Billed, Init and Restore Duration.
        if (durationMs === undefined && (p === 8 || !isWordChar(t.charCodeAt(p - 9)))) {
          const x = decimalAt(t, v);
          if (x !== -1) durationMs = x;
        }
        if (billedDurationMs === undefined && p >= 15 && t.startsWith('Billed ', p - 15)) {
          const x = decimalAt(t, v);
          if (x !== -1) billedDurationMs = x;
        }
        if (initDurationMs === undefined && p >= 13 && t.startsWith('Init ', p - 13)) {
          const x = decimalAt(t, v);
          if (x !== -1) initDurationMs = x;
        }
        if (restoreDurationMs === undefined && p >= 16 && t.startsWith('Restore ', p - 16)) {
          const x = decimalAt(t, v);
          if (x !== -1) restoreDurationMs = x;
        }
        break;
      }
      case 101 /* e */: {
        if (memorySizeMb === undefined && p >= 11 && t.startsWith('Memory Size', p - 11)) {
          const x = decimalAt(t, v);
          if (x !== -1) memorySizeMb = x;
        } else if (errorType === undefined && p >= 10 && t.startsWith('Error Type', p - 10)) {
          let q = v;
          while (q < t.length && !isSpace(t.charCodeAt(q))) q++;
          if (q > v) errorType = t.slice(v, q);
        }
        break;
      }
      case 100 /* d */: {
        if (maxMemoryUsedMb === undefined && p >= 15 && t.startsWith('Max Memory Used', p - 15)) {
          const x = decimalAt(t, v);
          if (x !== -1) maxMemoryUsedMb = x;
        } else if (xrayAt === -1 && p >= 12 && t.startsWith('XRAY TraceId', p - 12)) xrayAt = p - 12;
        break;
      }
      case 115 /* s */: {
        if (status === undefined && p >= 6 && t.startsWith('Status', p - 6)) {
          let q = v;
          while (q < t.length && isWordChar(t.charCodeAt(q))) q++;
          if (q > v) status = t.slice(v, q);
        }
        break;
      }
    }
  }
  f.durationMs = durationMs;
  f.billedDurationMs = billedDurationMs;
  f.memorySizeMb = memorySizeMb;
  f.maxMemoryUsedMb = maxMemoryUsedMb;
  f.initDurationMs = initDurationMs;
  f.restoreDurationMs = restoreDurationMs;
  f.status = status;
  f.errorType = errorType;
  readXray(t, xrayAt, f);
}

/**
 * The first `XRAY TraceId: … SegmentId: …` from `at` (where the first `XRAY TraceId: ` starts,
 * or -1 when there is none) on, into `f`. Returns whether there was one.
 */
function readXray(t: string, at: number, f: ReportFields): boolean {
  for (let p = at; p !== -1; p = t.indexOf(XRAY, p + 1)) {
    RE_XRAY_AT.lastIndex = p;
    const x = RE_XRAY_AT.exec(t);
    if (!x) continue;
    f.xrayTraceId = x[1]!;
    f.segmentId = x[2]!;
    f.sampled = x[3] ? x[3] === 'true' : undefined;
    return true;
  }
  f.xrayTraceId = undefined;
  f.segmentId = undefined;
  f.sampled = undefined;
  return false;
}

/** One REPORT is read at a time: its fields go here, not into a new object per line. */
const scratch: ReportFields = {
  durationMs: undefined,
  billedDurationMs: undefined,
  memorySizeMb: undefined,
  maxMemoryUsedMb: undefined,
  initDurationMs: undefined,
  restoreDurationMs: undefined,
  status: undefined,
  errorType: undefined,
  xrayTraceId: undefined,
  segmentId: undefined,
  sampled: undefined,
};

/** Does this line look like something Lambda wrote (for sniffing a file's kind)? */
export function isLambdaLogLine(line: string): boolean {
  return /^(INIT_START|START RequestId|END RequestId|REPORT RequestId|INIT_REPORT|XRAY TraceId)/.test(line) || RE_APP.test(line) || /"type"\s*:\s*"platform\.(initStart|start|report|runtimeDone)"/.test(line);
}

function setXray(i: Invocation, f: ReportFields): void {
  if (f.xrayTraceId === undefined) return;
  i.xrayTraceId = f.xrayTraceId;
  i.segmentId = f.segmentId!;
  if (f.sampled !== undefined) i.sampled = f.sampled;
}

/**
 * A JSON message that is not a string, as text. JSON.stringify recurses: a value nested a few
 * thousand deep (which JSON.parse reads) would throw, and lose the whole file.
 */
function messageText(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return '(a JSON value nested too deep to show)';
  }
}

const RE_FUNCTION_GROUP = /\/aws\/lambda\/([^/:]+)$/;

function functionOfGroup(group: string | undefined): string | undefined {
  const m = group ? RE_FUNCTION_GROUP.exec(group) : null;
  return m?.[1];
}

export class LambdaLogParser {
  private readonly byId = new Map<string, Invocation>();
  private readonly errors: IngestError[] = [];
  /** INIT_START / INIT_REPORT seen on a stream, waiting for that stream's next START. */
  private readonly pendingInit = new Map<string, { initDurationMs?: number; errorType?: string }>();
  private lastReport: Invocation | undefined;
  /** The function of the last log group asked about: events come a group at a time. */
  private lastGroup: string | undefined;
  private lastGroupFunction: string | undefined;

  constructor(private readonly defaults: { functionName?: string } = {}) {}

  private functionOf(group: string | undefined): string | undefined {
    if (group !== this.lastGroup || group === undefined) {
      this.lastGroup = group;
      this.lastGroupFunction = functionOfGroup(group);
    }
    return this.lastGroupFunction;
  }

  private inv(id: string, meta: EventMeta): Invocation {
    let i = this.byId.get(id);
    if (!i) {
      i = { requestId: id, source: meta.where };
      const fn = this.functionOf(meta.logGroup) ?? this.defaults.functionName;
      if (fn) i.functionName = fn;
      if (meta.logGroup) i.logGroup = meta.logGroup;
      if (meta.logStream) i.logStream = meta.logStream;
      this.byId.set(id, i);
    }
    return i;
  }

  /** One log event (it may hold several lines: REPORT and its XRAY line). Returns false when unrecognized. */
  pushEvent(message: string, meta: EventMeta): boolean {
    const text = withoutTrailingNewlines(message);
    if (isBlank(text)) return true;
    const c0 = text.charCodeAt(0);
    const t = c0 > 32 && c0 < 127 ? text : text.trimStart();
    // Each kind of line starts with its own letter, so only that kind's tests run.
    let id: string | undefined;
    switch (t.charCodeAt(0)) {
      case 123 /* { */:
        return this.pushJson(t, meta);
      case 82 /* R */: {
        if (!t.startsWith(REPORT)) break;
        const usual = RE_REPORT_USUAL.exec(t);
        if (usual) return this.report(t, t.slice(REPORT.length, REPORT.length + 36), usual, meta);
        if ((id = idAfter(t, REPORT))) return this.report(t, id, null, meta);
        break;
      }
      case 73 /* I */: {
        if (t.startsWith('INIT_START')) {
          this.pendingInit.set(meta.logStream ?? '', {});
          return true;
        }
        if (t.startsWith('INIT_REPORT')) {
          const init: { initDurationMs?: number; errorType?: string } = {};
          const d = numberAfter(t, 'Init Duration: ');
          if (d !== undefined) init.initDurationMs = d;
          const et = RE_ERROR_TYPE.exec(t)?.[1];
          if (et) init.errorType = et;
          this.pendingInit.set(meta.logStream ?? '', init);
          return true;
        }
        break;
      }
      case 83 /* S */: {
        if (!(id = idAfter(t, 'START RequestId: '))) break;
        const i = this.inv(id, meta);
        if (meta.timestamp !== undefined) i.startMs = meta.timestamp;
        const init = this.pendingInit.get(meta.logStream ?? '');
        if (init) {
          this.pendingInit.delete(meta.logStream ?? '');
          if (init.initDurationMs !== undefined && i.initDurationMs === undefined) i.initDurationMs = init.initDurationMs;
          // An INIT_START without a duration still marks the request as a cold start.
          if (i.initDurationMs === undefined) i.initDurationMs = 0;
        }
        return true;
      }
      case 69 /* E */: {
        if (!(id = idAfter(t, 'END RequestId: '))) break;
        const i = this.inv(id, meta);
        if (meta.timestamp !== undefined) i.endMs = meta.timestamp;
        return true;
      }
      case 88 /* X */: {
        if (!t.startsWith(XRAY)) break;
        // A text export splits the REPORT event's second line onto its own line.
        if (!this.lastReport || !readXray(t, 0, scratch)) return false;
        setXray(this.lastReport, scratch);
        return true;
      }
    }
    // Lines logged during init carry the request id "undefined": nothing to attach them to.
    if (RE_INIT_UNDEFINED.test(t)) return true;
    const m = RE_APP.exec(t);
    if (m) {
      const i = this.inv(m[2]!, meta);
      const msg = m[3]!;
      this.message(i, msg);
      return true;
    }
    return false;
  }

  /** A REPORT event of request `id`; `usual` is its RE_REPORT_USUAL match, when it has one. */
  private report(t: string, id: string, usual: RegExpExecArray | null, meta: EventMeta): boolean {
    const i = this.inv(id, meta);
    const f = scratch;
    readReport(t, usual, f);
    if (f.durationMs !== undefined) i.durationMs = f.durationMs;
    if (f.billedDurationMs !== undefined) i.billedDurationMs = f.billedDurationMs;
    if (f.memorySizeMb !== undefined) i.memorySizeMb = f.memorySizeMb;
    if (f.maxMemoryUsedMb !== undefined) i.maxMemoryUsedMb = f.maxMemoryUsedMb;
    if (f.initDurationMs !== undefined) i.initDurationMs = f.initDurationMs;
    if (f.restoreDurationMs !== undefined) i.restoreDurationMs = f.restoreDurationMs;
    const status = f.status;
    if (status === 'timeout' || status === 'error' || status === 'success') i.status = status;
    if (f.errorType) i.errorType = f.errorType;
    if (meta.timestamp !== undefined) {
      i.endMs = Math.max(i.endMs ?? 0, meta.timestamp);
      if (i.startMs === undefined && i.durationMs !== undefined) i.startMs = meta.timestamp - i.durationMs;
    }
    setXray(i, f);
    if (!i.status) i.status = i.timedOutAfterMs ? 'timeout' : 'success';
    this.lastReport = i;
    return true;
  }

  private message(i: Invocation, msg: string): void {
    const to = RE_TIMEOUT.exec(msg);
    if (to) {
      i.timedOutAfterMs = Number(to[1]) * 1000;
      i.status = 'timeout';
    }
    const list = (i.messages ??= []);
    if (list.length < 20) list.push(msg.length > 500 ? `${msg.slice(0, 500)}…` : msg);
  }

  private pushJson(text: string, meta: EventMeta): boolean {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return false;
    }
    return this.pushJsonValue(v, meta);
  }

  /** An event in the JSON log format, already parsed (the collector parses a line once for every reader). */
  pushJsonValue(v: unknown, meta: EventMeta): boolean {
    if (typeof v !== 'object' || v === null) return false;
    const o = v as Record<string, unknown>;
    const type = typeof o.type === 'string' ? o.type : undefined;
    const record = (typeof o.record === 'object' && o.record !== null ? o.record : {}) as Record<string, unknown>;
    const ts = typeof o.time === 'string' ? Date.parse(o.time) : meta.timestamp;
    const m: EventMeta = Number.isFinite(ts) ? { ...meta, timestamp: ts as number } : meta;
    if (type === 'platform.initStart') {
      this.pendingInit.set(meta.logStream ?? '', {});
      return true;
    }
    const rid = typeof record.requestId === 'string' ? record.requestId : typeof o.requestId === 'string' ? o.requestId : undefined;
    if (type === 'platform.start' && rid) return this.pushEvent(`START RequestId: ${rid} Version: ${String(record.version ?? '$LATEST')}`, m);
    if (type === 'platform.report' && rid) {
      const met = (typeof record.metrics === 'object' && record.metrics !== null ? record.metrics : {}) as Record<string, unknown>;
      const i = this.inv(rid, m);
      const num = (k: string): number | undefined => (typeof met[k] === 'number' ? (met[k] as number) : undefined);
      const put = <K extends 'durationMs' | 'billedDurationMs' | 'memorySizeMb' | 'maxMemoryUsedMb' | 'initDurationMs' | 'restoreDurationMs'>(k: K, src: string): void => {
        const x = num(src);
        if (x !== undefined) i[k] = x;
      };
      put('durationMs', 'durationMs');
      put('billedDurationMs', 'billedDurationMs');
      put('memorySizeMb', 'memorySizeMB');
      put('maxMemoryUsedMb', 'maxMemoryUsedMB');
      put('initDurationMs', 'initDurationMs');
      put('restoreDurationMs', 'restoreDurationMs');
      const st = record.status;
      if (st === 'success' || st === 'timeout' || st === 'error') i.status = st;
      if (typeof record.errorType === 'string') i.errorType = record.errorType;
      const tr = (typeof record.tracing === 'object' && record.tracing !== null ? record.tracing : {}) as Record<string, unknown>;
      if (typeof tr.value === 'string') {
        const x = /Root=([^;]+)(?:;Parent=([0-9a-f]+))?(?:;Sampled=(\d))?/.exec(tr.value);
        if (x) {
          i.xrayTraceId = x[1]!;
          if (x[2]) i.segmentId = x[2];
          if (x[3]) i.sampled = x[3] === '1';
        }
      }
      if (m.timestamp !== undefined) {
        i.endMs = m.timestamp;
        if (i.startMs === undefined && i.durationMs !== undefined) i.startMs = m.timestamp - i.durationMs;
      }
      return true;
    }
    if (type && type.startsWith('platform.')) return true; // runtimeDone, telemetry: nothing to add
    // The runtime's error object: {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: … Error: Task timed out after 3.00 seconds"}
    if (typeof o.errorType === 'string' && typeof o.errorMessage === 'string') {
      const id = RE_ERROR_REQUEST_ID.exec(o.errorMessage)?.[1] ?? rid;
      if (!id) return true;
      const i = this.inv(id, m);
      this.message(i, o.errorMessage);
      if (o.errorType === 'Sandbox.Timedout') i.status = 'timeout';
      i.errorType ??= o.errorType;
      return true;
    }
    // Application lines in the JSON format: {timestamp, level, requestId, message}.
    if (rid && (Object.hasOwn(o, 'message') || Object.hasOwn(o, 'level'))) {
      this.message(this.inv(rid, m), typeof o.message === 'string' ? o.message : messageText(o.message));
      return true;
    }
    return false;
  }

  /** Adds an error for an unrecognized line (the caller decides whether a line was meant for us). */
  reject(where: string, line: string): void {
    this.errors.push({ source: where, message: `Not a Lambda log line: ${line.slice(0, 80)}${line.length > 80 ? '…' : ''}` });
  }

  finish(): { invocations: Invocation[]; errors: IngestError[] } {
    return { invocations: [...this.byId.values()], errors: this.errors };
  }
}
