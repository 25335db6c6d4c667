// Retries after a 504, from access logs: the same client calling the same route again soon
// after it got a 504. The client is who the access log says sent the request: sourceIp and
// userAgent when the format logs them, or a field the user names (an API key id, a caller id, a
// logged header). Every record of the log passes through `add` (streaming); the work is one
// sort per client and route, then one walk: linear in the log but for the sorts.
import type { AccessLogRecord, Invocation } from './model';
import type { EndpointStats, Finding } from './report';
import { routeIdKey, routeKey } from './endpoints';
import { makeFinding, shownName } from './findings';
import { sec } from './duration';

/** How long after a 504 reached the client a new call of the same client and route counts as a retry. */
export const DEFAULT_RETRY_WINDOW_MS = 60_000;

/**
 * A call may be logged up to a second before the 504 it repeats was answered: `requestTime` is
 * to the second (CLF), so a retry sent 300 ms after the answer can read as 700 ms before it.
 */
export const RETRY_CLOCK_SLACK_MS = 1_000;

/** The most clients × routes followed: past it, records of new pairs are counted as not checked. */
export const MAX_RETRY_GROUPS = 250_000;

/** Methods whose repeat does the same thing as one call (RFC 9110 §9.2.2): a retry is safe. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

/** Is a retry of this method safe by the HTTP semantics (GET, HEAD, PUT, DELETE, OPTIONS)? POST and PATCH are not; ANY is not known to be. */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

/** The value of a field of a parsed access-log line: `a.b` is the key `a.b`, or `b` inside the object `a`. */
function field(o: Record<string, unknown>, name: string): string | undefined {
  let v: unknown = Object.hasOwn(o, name) ? o[name] : undefined;
  if (v === undefined) {
    const dot = name.indexOf('.');
    if (dot > 0) {
      const outer = Object.hasOwn(o, name.slice(0, dot)) ? o[name.slice(0, dot)] : undefined;
      if (outer && typeof outer === 'object' && !Array.isArray(outer)) {
        const inner = outer as Record<string, unknown>;
        const k = name.slice(dot + 1);
        v = Object.hasOwn(inner, k) ? inner[k] : undefined;
      }
    }
  }
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s === '' || s === '-' ? undefined : s;
}

/** The names the usual formats give `$context.identity.sourceIp` and `$context.identity.userAgent`. */
const IP_FIELDS = ['sourceIp', 'identity.sourceIp', 'ip', 'clientIp'];
const AGENT_FIELDS = ['userAgent', 'identity.userAgent', 'ua'];

/**
 * Who sent a request, from the fields of its access-log line: the named field's value when
 * `clientField` is given, else sourceIp + userAgent (sourceIp alone when no user agent is
 * logged). Undefined when the line does not say: such a request cannot be checked for retries.
 */
export function clientOf(o: Record<string, unknown>, clientField?: string): string | undefined {
  if (clientField) return field(o, clientField.replace(/^\$context\./, ''));
  let ip: string | undefined;
  for (const k of IP_FIELDS) if ((ip = field(o, k)) !== undefined) break;
  if (ip === undefined) return undefined;
  let agent: string | undefined;
  for (const k of AGENT_FIELDS) if ((agent = field(o, k)) !== undefined) break;
  return agent === undefined ? ip : `${ip} ${agent}`;
}

/** What names a client in the logs read: both fields, the source IP only, a field the user named, or nothing. */
export type ClientKey = 'sourceIp+userAgent' | 'sourceIp' | 'field' | 'none';

interface Group {
  /** Times of the calls that did not get a 504 (epoch ms). */
  times: number[];
  /** The calls that got a 504. */
  timeouts: AccessLogRecord[];
}

/** One route's retries after its 504s. */
export interface RouteRetries {
  /** Calls that repeated a 504 of the same client and route within the window. */
  retries: number;
  /** The 504s that were repeated (one per retry), each the first attempt of its retry. */
  repeated: AccessLogRecord[];
  /** Retries that got a 504 again. */
  timedOutAgain: number;
  /** Distinct clients that retried. */
  clients: number;
  /** Records of this route that name no client (or no time): not checked. */
  unchecked: number;
  /** 504s among the unchecked records. */
  uncheckedTimeouts: number;
}

/**
 * Every access-log record's client, route and time, grouped for the retry walk. A record with
 * `client` (see `clientOf`) is followed; one without is counted as not checked, per route.
 */
export class RetryLog {
  private readonly groups = new Map<string, Group>();
  private readonly routeOfGroup = new Map<string, string>();
  private readonly unchecked = new Map<string, { records: number; timeouts: number }>();
  /** The earliest and latest request time of every record seen (for per-day rates). */
  firstMs = Infinity;
  lastMs = -Infinity;
  /** How many records were seen, and with which kind of client name. */
  records = 0;
  private withAgent = 0;
  private withIpOnly = 0;

  constructor(readonly clientField?: string) {}

  add(r: AccessLogRecord): void {
    this.records++;
    const t = r.timeMs;
    if (t !== undefined) {
      if (t < this.firstMs) this.firstMs = t;
      if (t > this.lastMs) this.lastMs = t;
    }
    const client = r.client;
    const route = routeKey(r);
    if (client === undefined || t === undefined) return this.skip(route, r);
    const key = `${route}\u0001${client}`;
    let g = this.groups.get(key);
    if (!g) {
      if (this.groups.size >= MAX_RETRY_GROUPS) return this.skip(route, r);
      g = { times: [], timeouts: [] };
      this.groups.set(key, g);
      this.routeOfGroup.set(key, route);
    }
    if (!this.clientField) {
      if (client.includes(' ')) this.withAgent++;
      else this.withIpOnly++;
    }
    if (r.status === 504) g.timeouts.push(r);
    else g.times.push(t);
  }

  private skip(route: string, r: AccessLogRecord): void {
    const u = this.unchecked.get(route);
    const timeout = r.status === 504 ? 1 : 0;
    if (u) {
      u.records++;
      u.timeouts += timeout;
    } else this.unchecked.set(route, { records: 1, timeouts: timeout });
  }

  /** What named the clients of the records followed. */
  clientKey(): ClientKey {
    if (this.clientField) return this.groups.size ? 'field' : 'none';
    if (this.withAgent) return 'sourceIp+userAgent';
    return this.withIpOnly ? 'sourceIp' : 'none';
  }

  /** The span of the request times seen (0 for fewer than two). */
  windowMs(): number {
    return this.lastMs > this.firstMs ? this.lastMs - this.firstMs : 0;
  }

  /**
   * Retries per route key (`routeKey`). A call of the same client and route counts as a retry of
   * the latest 504 before it when it was sent from RETRY_CLOCK_SLACK_MS before that 504 was
   * answered (its request time plus its latency, else `budgetOf(route)`) to `windowMs` after it.
   * Each 504 is repeated at most once; a retry that got a 504 again can itself be repeated.
   */
  retries(windowMs: number, budgetOf: (route: string) => number): Map<string, RouteRetries> {
    const out = new Map<string, RouteRetries>();
    const get = (route: string): RouteRetries => {
      let x = out.get(route);
      if (!x) out.set(route, (x = { retries: 0, repeated: [], timedOutAgain: 0, clients: 0, unchecked: 0, uncheckedTimeouts: 0 }));
      return x;
    };
    for (const [key, g] of this.groups) {
      // A client that never got a 504 on this route has nothing to retry.
      if (!g.timeouts.length) continue;
      const route = this.routeOfGroup.get(key)!;
      const budget = budgetOf(route);
      const times = Float64Array.from(g.times).sort();
      const timeouts = g.timeouts.length > 1 ? [...g.timeouts].sort((a, b) => a.timeMs! - b.timeMs!) : g.timeouts;
      const answeredAt = (p: AccessLogRecord): number => p.timeMs! + (p.responseLatencyMs ?? budget);
      let i = 0;
      let j = 0;
      let pending: AccessLogRecord | undefined;
      let retried = false;
      let x: RouteRetries | undefined;
      // Merge the two sorted lists; on a tie the call without a 504 comes first.
      while (i < times.length || j < timeouts.length) {
        const nextIsTimeout = j < timeouts.length && (i >= times.length || timeouts[j]!.timeMs! < times[i]!);
        const t = nextIsTimeout ? timeouts[j]!.timeMs! : times[i]!;
        if (pending) {
          const answered = answeredAt(pending);
          if (t > answered + windowMs) pending = undefined;
          else if (t >= answered - RETRY_CLOCK_SLACK_MS) {
            x ??= get(route);
            x.retries++;
            x.repeated.push(pending);
            if (nextIsTimeout) x.timedOutAgain++;
            retried = true;
            pending = undefined;
          }
        }
        if (nextIsTimeout) pending = timeouts[j++];
        else i++;
      }
      if (retried) x!.clients++;
    }
    for (const [route, u] of this.unchecked) {
      const x = get(route);
      x.unchecked = u.records;
      x.uncheckedTimeouts = u.timeouts;
    }
    return out;
  }
}

/** What the retry findings need beside the retries: the routes, the REPORT lines by trace id, how routes are named. */
export interface RetryFindingInput {
  endpoints: EndpointStats[];
  retries: Map<string, RouteRetries>;
  windowMs: number;
  clientKey: ClientKey;
  clientField?: string;
  invByTrace: Map<string, Invocation>;
  routeName: (e: EndpointStats) => string;
  routeProse: (e: EndpointStats) => string;
  /** Route keys whose access log was summarized (Logs Insights) instead of read line by line: their retries are not known. */
  summarized?: ReadonlySet<string>;
}

function whoIs(key: ClientKey, fieldName: string | undefined): string {
  if (key === 'field') return `the same ${shownName(fieldName ?? 'client field')}`;
  if (key === 'sourceIp') return 'the same source IP (the log has no user agent, so clients behind one address count as one)';
  return 'the same source IP and user agent';
}

function retryFix(method: string): string {
  const later = 'Then fix the timeout itself (see integration-timeout), so there is no 504 to retry.';
  if (isIdempotentMethod(method))
    return `${shownName(method)} is idempotent, so the repeat is safe, but the work runs and is billed twice: have clients back off (exponential backoff with jitter) instead of calling again at once, serve repeats from a cache where the answer allows it, and fix the timeout itself (see integration-timeout).`;
  const what = method === 'ANY' ? 'The method is not in the access log, so the repeat may not be safe: if it is a POST or PATCH, the' : `${shownName(method)} is not idempotent: the`;
  return `${what} first attempt's writes, messages or charges went through after the 504, and the retry makes them again. Make the handler idempotent with a key the client sends again with each retry (an Idempotency-Key header; Powertools for AWS Lambda's idempotency utility stores each key's result in DynamoDB and answers a repeat with it), or answer 202 Accepted with a job id at once and do the work from a queue (SQS, Step Functions) that the client polls. ${later}`;
}

/**
 * The `retry-after-timeout` findings, one per route with retries (and `e.retries` set on its row);
 * a route with 504s whose records name no client gets an info finding that says so instead.
 */
export function retryFindings(x: RetryFindingInput): Finding[] {
  const out: Finding[] = [];
  /** The routes whose retries could not be checked: one finding each, or one for all when many. */
  const unchecked: Array<{ finding: Finding; timeouts: number; records: number; summarized: boolean }> = [];
  const who = whoIs(x.clientKey, x.clientField);
  for (const e of x.endpoints) {
    const key = routeIdKey(e);
    if (x.summarized?.has(key)) {
      if (e.timeouts > 0) {
        unchecked.push({
          timeouts: e.timeouts,
          records: 0,
          summarized: true,
          finding: makeFinding('retry-after-timeout', {
            route: x.routeName(e),
            severity: 'info',
            title: 'Retries after the 504s could not be checked',
            detail: `The access log of ${x.routeProse(e)} held too many events to download, so Logs Insights summarized it and only its slow and failed requests were read: whether clients called again after its ${e.timeouts} 504(s) is not known.`,
            evidence: { checked: false, summarized: true, timeouts: e.timeouts },
            fix: 'Read a shorter window (Trace 504 over fewer minutes), or run `timeout-lens analyze` on an export of the access log, to count the calls after each 504.',
          }),
        });
      }
      continue;
    }
    const r = x.retries.get(key);
    if (!r) continue;
    if (r.retries > 0) {
      let ranPastCut = 0;
      let notJoined = 0;
      for (const p of r.repeated) {
        const inv = p.xrayTraceId ? x.invByTrace.get(p.xrayTraceId) : undefined;
        if (!inv || inv.durationMs === undefined) notJoined++;
        else if ((inv.initDurationMs ?? 0) + inv.durationMs > e.budgetMs) ranPastCut++;
      }
      e.retries = { retries: r.retries, repeatedRanPastCut: ranPastCut, repeatedNotJoined: notJoined, timedOutAgain: r.timedOutAgain, clients: r.clients, windowMs: x.windowMs, uncheckedRecords: r.unchecked };
      const idempotent = isIdempotentMethod(e.method);
      out.push(
        makeFinding('retry-after-timeout', {
          route: x.routeName(e),
          severity: !idempotent && ranPastCut > 0 ? 'high' : 'elevated',
          detail:
            `${r.retries} call(s) to ${x.routeProse(e)} came from ${who} within ${sec(x.windowMs)} of the 504 it had just got (${r.clients} client(s) retried${r.timedOutAgain ? `; ${r.timedOutAgain} of the retries got a 504 again` : ''}).` +
            ` Of the ${r.repeated.length} first attempts, ${ranPastCut} ran on past the ${sec(e.budgetMs)} cut by their REPORT lines, so that work was done twice` +
            (notJoined ? `; for ${notJoined} no REPORT line could be joined (the access log names no trace for them), so whether they ran on is not known` : '') +
            '.' +
            (r.unchecked ? ` ${r.unchecked} record(s) of this route name no client (or no time) and were not checked.` : ''),
          evidence: {
            retries: r.retries,
            repeatedRanPastCut: ranPastCut,
            repeatedNotJoined: notJoined,
            timedOutAgain: r.timedOutAgain,
            clients: r.clients,
            windowMs: x.windowMs,
            method: e.method,
            idempotent,
            clientKey: x.clientKey,
            uncheckedRecords: r.unchecked,
            checked: true,
          },
          fix: retryFix(e.method),
        }),
      );
    } else if (r.unchecked > 0 && e.timeouts > 0) {
      e.retries = { retries: 0, repeatedRanPastCut: 0, repeatedNotJoined: 0, timedOutAgain: 0, clients: 0, windowMs: x.windowMs, uncheckedRecords: r.unchecked };
      unchecked.push({
        timeouts: r.uncheckedTimeouts,
        records: r.unchecked,
        summarized: false,
        finding: makeFinding('retry-after-timeout', {
          route: x.routeName(e),
          severity: 'info',
          title: 'Retries after the 504s could not be checked',
          detail: `${r.unchecked} record(s) of ${x.routeProse(e)} (${r.uncheckedTimeouts} of its 504s among them) name no client${x.clientField ? ` (no ${shownName(x.clientField)} field)` : ' (no sourceIp or userAgent field)'}${r.unchecked > r.uncheckedTimeouts ? ' or no time' : ''}: whether clients called again after those 504s is not known.`,
          evidence: { checked: false, uncheckedRecords: r.unchecked, uncheckedTimeouts: r.uncheckedTimeouts, timeouts: e.timeouts, clientKey: x.clientKey },
          fix: CLIENT_FIX,
        }),
      });
    }
  }
  if (unchecked.length <= MAX_UNCHECKED_FINDINGS) return [...out, ...unchecked.map((u) => u.finding)];
  // Many routes that could not be checked say it once, not once a route: the same cause and fix.
  const timeouts = unchecked.reduce((n, u) => n + u.timeouts, 0);
  const records = unchecked.reduce((n, u) => n + u.records, 0);
  const summarized = unchecked.filter((u) => u.summarized).length;
  out.push(
    makeFinding('retry-after-timeout', {
      severity: 'info',
      title: 'Retries after the 504s could not be checked',
      detail:
        `On ${unchecked.length} routes with 504s (${timeouts} of them) whether clients called again is not known:` +
        (unchecked.length - summarized ? ` ${records} record(s) of ${unchecked.length - summarized} route(s) name no client${x.clientField ? ` (no ${shownName(x.clientField)} field)` : ' (no sourceIp or userAgent field)'}` : '') +
        (summarized ? `${unchecked.length - summarized ? ';' : ''} the access logs of ${summarized} route(s) were summarized by Logs Insights (only their slow and failed requests were read)` : '') +
        '.',
      evidence: { checked: false, routes: unchecked.length, timeouts, uncheckedRecords: records, summarizedRoutes: summarized, clientKey: x.clientKey },
      fix: summarized === unchecked.length ? 'Read a shorter window (Trace 504 over fewer minutes), or run `timeout-lens analyze` on an export of the access log, to count the calls after each 504.' : CLIENT_FIX,
    }),
  );
  return out;
}

/** Past this many routes that could not be checked for retries, one finding says it for all. */
const MAX_UNCHECKED_FINDINGS = 3;

const CLIENT_FIX = `Log the client in the stage's access-log format: $context.identity.sourceIp and $context.identity.userAgent (or a field that names the caller, given as --retry-client-field / timeoutLens.retries.clientField).`;
