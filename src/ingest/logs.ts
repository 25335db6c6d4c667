// Routes log events of any origin to the right parser by their content: Lambda's own lines,
// API Gateway access-log records (JSON, or text in the user's format), REST execution-log lines.
// One collector per analysis; lines are pushed one at a time (streaming).
import type { AccessLogRecord, ExecutionLogRecord, IngestError, Invocation } from '../core/model';
import { LambdaLogParser, isLambdaLogLine, withoutTrailingNewlines, type EventMeta } from './lambdaLogs';
import { accessLogRecordOf, compileAccessLogFormat, isAccessLogJson, MAX_ACCESS_LOG_LINE, recordFromFields } from './accessLogs';
import { ExecutionLogParser, isExecutionLogLine } from './executionLogs';
import { EndpointAccumulator, keepRecord } from '../core/endpoints';
import { clientOf, RetryLog } from '../core/retries';

export interface LogsResult {
  invocations: Invocation[];
  /** The access-log records that matter beyond the latency histograms: 5xx, and traced ones. */
  accessLogs: AccessLogRecord[];
  /** Every request's latency, per route (bounded memory, however long the log). */
  routeLatencies: EndpointAccumulator;
  /** Every request's client, route and time, for the retries after 504s (core/retries.ts). */
  retryLog: RetryLog;
  accessCount: number;
  executionLogs: ExecutionLogRecord[];
  errors: IngestError[];
}

/** Does a line look like a log line Timeout Lens reads (for sniffing)? */
export function isKnownLogLine(line: string): boolean {
  return isLambdaLogLine(line) || isAccessLogJson(line) || isExecutionLogLine(line);
}

/** What `push` holds for a line that is not JSON (not parsed) or not valid JSON. */
const NOT_PARSED: unique symbol = Symbol('not parsed');
const NOT_JSON: unique symbol = Symbol('not JSON');

export class LogCollector {
  private readonly lambda = new LambdaLogParser();
  private readonly execution = new ExecutionLogParser();
  private readonly access: AccessLogRecord[] = [];
  private readonly latencies = new EndpointAccumulator();
  private readonly retryLog: RetryLog;
  private accessCount = 0;
  /** One copy of each route and API name seen in a kept record (see `compact`). */
  private readonly sharedNames = new Map<string, string>();
  private readonly nameOf: ((logGroup: string | undefined) => { api?: string; stage?: string } | undefined) | undefined;
  private readonly errors: IngestError[] = [];
  private readonly format: ((line: string) => Record<string, string> | null) | undefined;
  private skipped = 0;

  constructor(
    options: {
      accessLogFormat?: string;
      nameOf?: (logGroup: string | undefined) => { api?: string; stage?: string } | undefined;
      /** The access-log field that names a client, instead of sourceIp + userAgent (retries after 504s). */
      retryClientField?: string;
    } = {},
  ) {
    this.format = options.accessLogFormat ? compileAccessLogFormat(options.accessLogFormat) : undefined;
    this.nameOf = options.nameOf;
    this.retryLog = new RetryLog(options.retryClientField);
  }

  /** A record and the fields it was read from (the client is read from them here, not on the parser's hot path). */
  private addAccess(r: AccessLogRecord, logGroup: string | undefined, fields: Record<string, unknown>): void {
    const names = this.nameOf?.(logGroup);
    if (names?.api) r.api ??= names.api;
    if (names?.stage) r.stage ??= names.stage;
    const client = clientOf(fields, this.retryLog.clientField);
    if (client !== undefined) r.client = client;
    this.accessCount++;
    this.latencies.add(r);
    this.retryLog.add(r);
    if (keepRecord(r)) this.access.push(this.compact(r));
  }

  /**
   * A kept record lives to the end of the analysis, and a big log keeps hundreds of thousands:
   * its route and names become one shared copy per distinct value (JSON.parse gives each line
   * its own), and its source (`file:line`, built by concatenation, so a rope of three strings)
   * is flattened by reading a character, after which the GC keeps only the flat string.
   */
  private compact(r: AccessLogRecord): AccessLogRecord {
    r.source.charCodeAt(0);
    if (r.route !== undefined) r.route = this.shared(r.route);
    if (r.api !== undefined) r.api = this.shared(r.api);
    if (r.apiId !== undefined) r.apiId = this.shared(r.apiId);
    if (r.stage !== undefined) r.stage = this.shared(r.stage);
    return r;
  }

  private shared(s: string): string {
    const c = this.sharedNames.get(s);
    if (c !== undefined) return c;
    // Routes are templates, so few; the cap keeps a log of concrete paths from growing this.
    if (this.sharedNames.size < 10_000) this.sharedNames.set(s, s);
    return s;
  }

  /** One log event or line. Unknown content is counted in `errors` (the first few listed). */
  push(message: string, meta: EventMeta): void {
    const line = withoutTrailingNewlines(message);
    const t = line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9 ? line.trimStart() : line;
    if (!t) return;
    // Lambda's own lines first when they say so at once: they are the bulk of a function's log.
    const c0 = t.charCodeAt(0);
    if ((c0 === 82 /* R */ || c0 === 83 /* S */ || c0 === 69 /* E */ || c0 === 73 /* I */ || c0 === 88 /* X */) && this.lambda.pushEvent(line, meta)) return;
    // A JSON line is parsed once, here, for whichever reader it turns out to be for.
    let json: unknown = NOT_PARSED;
    if (c0 === 123 /* { */) {
      try {
        json = JSON.parse(t);
      } catch {
        json = NOT_JSON;
      }
      if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
        const r = accessLogRecordOf(json as Record<string, unknown>, t, meta.where);
        if (r) {
          this.addAccess(r, meta.logGroup, json as Record<string, unknown>);
          return;
        }
      }
    }
    if (isExecutionLogLine(t) && this.execution.push(t, meta.where)) return;
    // The Lambda parser would parse the same text (`t` is what it trims the line to).
    if (json === NOT_PARSED ? this.lambda.pushEvent(line, meta) : json !== NOT_JSON && this.lambda.pushJsonValue(json, meta)) return;
    if (this.format) {
      if (t.length > MAX_ACCESS_LOG_LINE) {
        this.skip(meta.where, `A line of ${t.length} characters: longer than the ${MAX_ACCESS_LOG_LINE} characters a line may have to be matched against the access-log format (--access-log-format), so it was skipped.`);
        return;
      }
      const fields = this.format(t);
      if (fields) {
        this.addAccess(recordFromFields(fields, meta.where), meta.logGroup, fields);
        return;
      }
    }
    // Continuation lines of a multi-line application message (stack traces) are not errors.
    if (/^\s/.test(message)) return;
    this.skip(meta.where, `Not a log line Timeout Lens reads, skipped: ${t.slice(0, 80)}${t.length > 80 ? '…' : ''}`);
  }

  /** A line left out: the first 50 are listed, the rest counted. */
  private skip(where: string, message: string): void {
    this.skipped++;
    if (this.skipped <= 50) this.errors.push({ source: where, message });
  }

  finish(): LogsResult {
    const l = this.lambda.finish();
    const e = this.execution.finish();
    const errors = [...this.errors, ...l.errors, ...e.errors];
    if (this.skipped > 50) errors.push({ source: 'logs', message: `${this.skipped - 50} more unrecognized lines skipped.` });
    return { invocations: l.invocations, accessLogs: this.access, routeLatencies: this.latencies, retryLog: this.retryLog, accessCount: this.accessCount, executionLogs: e.executionLogs, errors };
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Log events inside a JSON value: FilterLogEvents / GetLogEvents output (`events`), a bare
 * array of such events, Logs Insights rows (`[[{field, value}]]`, `{results}`, or objects with
 * `@message`). Returns false when the value holds none.
 */
export function collectLogEvents(value: unknown, source: string, into: LogCollector, group?: string): boolean {
  const events = isRecord(value) ? (value.events ?? value.logEvents ?? value.results) : value;
  if (!Array.isArray(events) || !events.length) return false;
  let found = false;
  const logGroup = group ?? (isRecord(value) && typeof value.logGroupName === 'string' ? value.logGroupName : undefined);
  events.forEach((e, i) => {
    const where = `${source}#events[${i}]`;
    let message: unknown;
    let meta: EventMeta = { where };
    if (Array.isArray(e)) {
      // Logs Insights: [{field, value}, …]. Field names are data: no prototype to answer for them.
      const row = Object.create(null) as Record<string, string>;
      for (const f of e) if (isRecord(f) && typeof f.field === 'string') row[f.field] = String(f.value ?? '');
      message = row['@message'];
      meta = rowMeta(row, where, logGroup);
    } else if (isRecord(e)) {
      if (typeof e['@message'] === 'string') {
        message = e['@message'];
        meta = rowMeta(e as Record<string, string>, where, logGroup);
      } else {
        message = e.message;
        if (typeof e.timestamp === 'number') meta.timestamp = e.timestamp;
        if (typeof e.logStreamName === 'string') meta.logStream = e.logStreamName;
        if (logGroup) meta.logGroup = logGroup;
      }
    }
    if (typeof message !== 'string') return;
    found = true;
    into.push(message, meta);
  });
  return found;
}

function rowMeta(row: Record<string, string>, where: string, group?: string): EventMeta {
  const meta: EventMeta = { where };
  const ts = row['@timestamp'];
  if (ts) {
    const t = Date.parse(ts.includes('T') ? ts : `${ts.replace(' ', 'T')}Z`);
    if (Number.isFinite(t)) meta.timestamp = t;
  }
  if (row['@logStream']) meta.logStream = row['@logStream'];
  const log = row['@log'] ?? group;
  if (log) meta.logGroup = log.includes(':') ? log.slice(log.indexOf(':') + 1) : log;
  return meta;
}
