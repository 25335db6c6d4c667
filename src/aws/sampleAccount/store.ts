// The sample account's memory: scenario minutes generated on first need and dropped when they
// age out (the retention window, a scaled-down stand-in for X-Ray's 30 days), so memory stays
// bounded however long it runs. Everything is derived from (seed, minute), so a dropped minute
// is simply gone, as in AWS.
import { RETRY_SPAN_MS, ROUTES, accessLogGroup, executionLogGroup, lambdaLogGroup, requestsOfMinute, traceDurationMs, type SampleRequest } from './scenario';
import { SPANS_LOG_GROUP, accessEvent, executionEvents, lambdaEvents, spanEvents, type LogEvent } from './records';

export interface StoreOptions {
  seed: number;
  speed: number;
  historyMinutes: number;
  now: () => number;
  /**
   * Transaction Search is on: X-Ray's trace segment destination is CloudWatch Logs, and the
   * requests of the functions instrumented with OpenTelemetry (`FunctionDef.otel`) have their
   * spans in `aws/spans`, sampled or not (X-Ray's index still holds only its sample).
   */
  transactionSearch?: boolean;
}

const MINUTE = 60_000;
/** The longest a request lasts (a reports call running to its function's 60 s timeout). */
const LONGEST_REQUEST_MS = 62_000;

export class ScenarioStore {
  private readonly minutes = new Map<number, SampleRequest[]>();
  private readonly byTrace = new Map<string, SampleRequest>();
  private readonly events = new Map<string, LogEvent[]>();
  readonly startedAt: number;

  constructor(readonly options: StoreOptions) {
    this.startedAt = options.now();
  }

  now(): number {
    return this.options.now();
  }

  /** The oldest time the account still holds: the history's length plus an hour, back from now. */
  retentionStart(): number {
    return this.now() - (this.options.historyMinutes + 60) * MINUTE;
  }

  private minute(m: number): SampleRequest[] {
    let reqs = this.minutes.get(m);
    if (!reqs) {
      reqs = requestsOfMinute(this.options.seed, m, this.options.speed);
      this.minutes.set(m, reqs);
      for (const r of reqs) this.byTrace.set(r.traceId, r);
      this.evict();
    }
    return reqs;
  }

  private evict(): void {
    const oldest = Math.floor(this.retentionStart() / MINUTE);
    for (const [m, reqs] of this.minutes) {
      if (m >= oldest) continue;
      for (const r of reqs) this.byTrace.delete(r.traceId);
      this.minutes.delete(m);
      for (const k of this.events.keys()) if (k.endsWith(`@${m}`)) this.events.delete(k);
    }
  }

  /** Requests that started in [fromMs, toMs] and have finished by now. */
  requests(fromMs: number, toMs: number): SampleRequest[] {
    const now = this.now();
    const from = Math.max(fromMs, this.retentionStart());
    const to = Math.min(toMs, now);
    const out: SampleRequest[] = [];
    // A minute's list holds its requests' retries too, which can start up to RETRY_SPAN_MS after it.
    for (let m = Math.floor((from - RETRY_SPAN_MS) / MINUTE); m <= Math.floor(to / MINUTE); m++) {
      for (const r of this.minute(m)) if (r.startMs >= from && r.startMs <= to && r.startMs + traceDurationMs(r) <= now) out.push(r);
    }
    return out;
  }

  request(traceId: string): SampleRequest | undefined {
    const known = this.byTrace.get(traceId);
    if (known) return known;
    const secs = parseInt(traceId.split('-')[1] ?? '', 16);
    if (!Number.isFinite(secs)) return undefined;
    const ms = secs * 1000;
    if (ms < this.retentionStart() || ms > this.now()) return undefined;
    // The trace id's second is the request's start; a retry is listed with the minute of its first attempt.
    for (let m = Math.floor((ms - RETRY_SPAN_MS) / MINUTE); m <= Math.floor(ms / MINUTE); m++) if (m >= Math.floor(this.retentionStart() / MINUTE)) this.minute(m);
    const r = this.byTrace.get(traceId);
    return r && r.startMs + traceDurationMs(r) <= this.now() ? r : undefined;
  }

  /** Whether a request's spans are in `aws/spans`: Transaction Search is on and its function is instrumented with OpenTelemetry. */
  inTransactionSearch(r: SampleRequest): boolean {
    return !!this.options.transactionSearch && !!r.route.fn.otel;
  }

  logGroups(): string[] {
    const groups = new Set<string>();
    if (this.options.transactionSearch) groups.add(SPANS_LOG_GROUP);
    for (const route of ROUTES) {
      groups.add(lambdaLogGroup(route.fn));
      groups.add(accessLogGroup(route.api));
      if (route.api.kind === 'rest') groups.add(executionLogGroup(route.api));
    }
    return [...groups].sort();
  }

  private eventsOfMinute(group: string, m: number): LogEvent[] {
    const key = `${group}@${m}`;
    let evs = this.events.get(key);
    if (!evs) {
      evs = [];
      for (const r of this.minute(m)) {
        if (lambdaLogGroup(r.route.fn) === group) evs.push(...lambdaEvents(r));
        else if (accessLogGroup(r.route.api) === group) evs.push(accessEvent(r, { tracedAlways: this.inTransactionSearch(r) }));
        else if (group === SPANS_LOG_GROUP) {
          if (this.inTransactionSearch(r)) evs.push(...spanEvents(r));
        }
        else if (executionLogGroup(r.route.api) === group) evs.push(...executionEvents(r));
      }
      this.events.set(key, evs);
    }
    return evs;
  }

  /** The events of a log group with timestamps in [fromMs, toMs] (and not in the future), oldest first. */
  logEvents(group: string, fromMs: number, toMs: number): LogEvent[] {
    const now = this.now();
    const from = Math.max(fromMs, this.retentionStart());
    const to = Math.min(toMs, now);
    if (to < from) return [];
    const out: LogEvent[] = [];
    for (let m = Math.floor((from - LONGEST_REQUEST_MS - RETRY_SPAN_MS) / MINUTE); m <= Math.floor(to / MINUTE); m++) {
      for (const e of this.eventsOfMinute(group, m)) if (e.timestamp >= from && e.timestamp <= to) out.push(e);
    }
    return out.sort((a, b) => a.timestamp - b.timestamp);
  }
}
