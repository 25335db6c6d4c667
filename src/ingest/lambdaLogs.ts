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
const RE_START = new RegExp(`^START RequestId: (${UUID})`);
const RE_END = new RegExp(`^END RequestId: (${UUID})`);
const RE_REPORT = new RegExp(`^REPORT RequestId: (${UUID})`);
const RE_APP = new RegExp(`^(\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z)[\\t ](${UUID})[\\t ](.*)$`, 's');
const RE_TIMEOUT = /Task timed out after ([\d.]+) seconds/;
const RE_XRAY = /XRAY TraceId: (\S+)\s+SegmentId: ([0-9a-f]+)(?:\s+Sampled: (true|false))?/;
const RE_STATUS = /Status: (\w+)/;
const RE_ERROR_TYPE = /Error Type: (\S+)/;

const FIELD_RE = new Map<string, RegExp>();

/** `Label: 123.45` → 123.45; the expressions are compiled once (this runs per REPORT line). */
function field(text: string, label: string): number | undefined {
  let re = FIELD_RE.get(label);
  if (!re) {
    re = new RegExp(`${label}: ([\\d.]+)`);
    FIELD_RE.set(label, re);
  }
  const m = re.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Does this line look like something Lambda wrote (for sniffing a file's kind)? */
export function isLambdaLogLine(line: string): boolean {
  return /^(INIT_START|START RequestId|END RequestId|REPORT RequestId|INIT_REPORT|XRAY TraceId)/.test(line) || RE_APP.test(line) || /"type"\s*:\s*"platform\.(initStart|start|report|runtimeDone)"/.test(line);
}

function functionOfGroup(group: string | undefined): string | undefined {
  const m = group ? /\/aws\/lambda\/([^/:]+)$/.exec(group) : null;
  return m?.[1];
}

export class LambdaLogParser {
  private readonly byId = new Map<string, Invocation>();
  private readonly errors: IngestError[] = [];
  /** INIT_START / INIT_REPORT seen on a stream, waiting for that stream's next START. */
  private readonly pendingInit = new Map<string, { initDurationMs?: number; errorType?: string }>();
  private lastReport: Invocation | undefined;

  constructor(private readonly defaults: { functionName?: string } = {}) {}

  private inv(id: string, meta: EventMeta): Invocation {
    let i = this.byId.get(id);
    if (!i) {
      i = { requestId: id, source: meta.where };
      const fn = functionOfGroup(meta.logGroup) ?? this.defaults.functionName;
      if (fn) i.functionName = fn;
      if (meta.logGroup) i.logGroup = meta.logGroup;
      if (meta.logStream) i.logStream = meta.logStream;
      this.byId.set(id, i);
    }
    return i;
  }

  /** One log event (it may hold several lines: REPORT and its XRAY line). Returns false when unrecognized. */
  pushEvent(message: string, meta: EventMeta): boolean {
    const text = message.replace(/\n+$/, '');
    if (!text.trim()) return true;
    const t = text.trimStart();
    if (t.startsWith('{')) return this.pushJson(t, meta);
    let m: RegExpExecArray | null;
    if (t.startsWith('INIT_START')) {
      this.pendingInit.set(meta.logStream ?? '', {});
      return true;
    }
    if (t.startsWith('INIT_REPORT')) {
      const init: { initDurationMs?: number; errorType?: string } = {};
      const d = field(t, 'Init Duration');
      if (d !== undefined) init.initDurationMs = d;
      const et = /Error Type: (\S+)/.exec(t)?.[1];
      if (et) init.errorType = et;
      this.pendingInit.set(meta.logStream ?? '', init);
      return true;
    }
    if ((m = RE_START.exec(t))) {
      const i = this.inv(m[1]!, meta);
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
    if ((m = RE_END.exec(t))) {
      const i = this.inv(m[1]!, meta);
      if (meta.timestamp !== undefined) i.endMs = meta.timestamp;
      return true;
    }
    if ((m = RE_REPORT.exec(t))) {
      const i = this.inv(m[1]!, meta);
      const set = (k: 'durationMs' | 'billedDurationMs' | 'memorySizeMb' | 'maxMemoryUsedMb' | 'initDurationMs' | 'restoreDurationMs', label: string): void => {
        const v = field(t, label);
        if (v !== undefined) i[k] = v;
      };
      set('durationMs', '\\bDuration');
      set('billedDurationMs', 'Billed Duration');
      set('memorySizeMb', 'Memory Size');
      set('maxMemoryUsedMb', 'Max Memory Used');
      if (t.includes('Init Duration')) set('initDurationMs', 'Init Duration');
      if (t.includes('Restore Duration')) set('restoreDurationMs', 'Restore Duration');
      const status = RE_STATUS.exec(t)?.[1];
      if (status === 'timeout' || status === 'error' || status === 'success') i.status = status;
      const et = t.includes('Error Type') ? RE_ERROR_TYPE.exec(t)?.[1] : undefined;
      if (et) i.errorType = et;
      if (meta.timestamp !== undefined) {
        i.endMs = Math.max(i.endMs ?? 0, meta.timestamp);
        if (i.startMs === undefined && i.durationMs !== undefined) i.startMs = meta.timestamp - i.durationMs;
      }
      this.xray(t, i);
      if (!i.status) i.status = i.timedOutAfterMs ? 'timeout' : 'success';
      this.lastReport = i;
      return true;
    }
    if (t.startsWith('XRAY TraceId')) {
      // A text export splits the REPORT event's second line onto its own line.
      if (this.lastReport) return this.xray(t, this.lastReport);
      return false;
    }
    // Lines logged during init carry the request id "undefined": nothing to attach them to.
    if (/^\d{4}-\d\d-\d\dT[\d:.]+Z\tundefined\t/.test(t)) return true;
    if ((m = RE_APP.exec(t))) {
      const i = this.inv(m[2]!, meta);
      const msg = m[3]!;
      this.message(i, msg);
      return true;
    }
    return false;
  }

  private xray(text: string, i: Invocation): boolean {
    const x = RE_XRAY.exec(text);
    if (!x) return false;
    i.xrayTraceId = x[1]!;
    i.segmentId = x[2]!;
    if (x[3]) i.sampled = x[3] === 'true';
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
    if (typeof v !== 'object' || v === null) return false;
    const o = v as Record<string, unknown>;
    const type = typeof o.type === 'string' ? o.type : undefined;
    const record = (typeof o.record === 'object' && o.record !== null ? o.record : {}) as Record<string, unknown>;
    const ts = typeof o.time === 'string' ? Date.parse(o.time) : meta.timestamp;
    const m: EventMeta = { ...meta, ...(Number.isFinite(ts) ? { timestamp: ts as number } : {}) };
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
      const id = new RegExp(`RequestId: (${UUID})`).exec(o.errorMessage)?.[1] ?? rid;
      if (!id) return true;
      const i = this.inv(id, m);
      this.message(i, o.errorMessage);
      if (o.errorType === 'Sandbox.Timedout') i.status = 'timeout';
      i.errorType ??= o.errorType;
      return true;
    }
    // Application lines in the JSON format: {timestamp, level, requestId, message}.
    if (rid && ('message' in o || 'level' in o)) {
      this.message(this.inv(rid, m), typeof o.message === 'string' ? o.message : JSON.stringify(o.message));
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
