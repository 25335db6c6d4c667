// CloudWatch Logs, read-only: FilterLogEvents pages as an async generator (the SDK's paginator;
// empty pages that still carry a token are followed), and what Trace 504, Live Updates and
// "Open logs" read with it: the REPORT lines of a function, the events of one request. Live
// Updates poll through liveEndpoints.ts; StartLiveTail is not used. Logs Insights (`insights`:
// start, poll with backoff, stop on cancel or past a deadline, split a window at the 10 000-row
// limit, a bounded number of queries at once) computes the route statistics of access logs too
// big to download (routeStatistics.ts).
import { GetQueryResultsCommand, StartQueryCommand, StopQueryCommand, paginateFilterLogEvents, type FilteredLogEvent, type ResultField } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from './clients';
import { AwsSourceError } from './errors';

export interface EventQuery {
  group: string;
  startMs: number;
  endMs: number;
  pattern?: string;
  signal?: AbortSignal;
  /** Stop after this many events (default 50 000): a guard for huge groups. */
  maxEvents?: number;
}

/** filterEvents stops after this many events unless told otherwise. */
export const MAX_DOWNLOADED_EVENTS = 50_000;

export async function* filterEvents(clients: AwsClients, q: EventQuery): AsyncGenerator<FilteredLogEvent[]> {
  let seen = 0;
  const max = q.maxEvents ?? MAX_DOWNLOADED_EVENTS;
  const input = { logGroupName: q.group, startTime: Math.floor(q.startMs), endTime: Math.ceil(q.endMs), ...(q.pattern ? { filterPattern: q.pattern } : {}) };
  for await (const out of clients.paginate('FilterLogEvents', (o) => paginateFilterLogEvents({ client: clients.logs() }, input, o), q.signal)) {
    const events = out.events ?? [];
    seen += events.length;
    yield events;
    if (seen >= max) return;
  }
}

/** Logs Insights returns at most this many rows per query. */
export const INSIGHTS_ROW_LIMIT = 10_000;

/**
 * At most this many Logs Insights queries of one connection run at once. The account's quota is
 * 30 concurrent queries (DOMAIN.md §4), shared with its other users and dashboards: a run takes
 * a few, and a split window waits for a free one rather than starting 64.
 */
export const MAX_CONCURRENT_QUERIES = 4;

/** How long a query may run before it is stopped (AWS's own limit is 60 minutes). */
export const INSIGHTS_TIMEOUT_MS = 5 * 60_000;

export interface InsightsQuery {
  groups: string[];
  startMs: number;
  endMs: number;
  query: string;
  signal?: AbortSignal;
  /** Polls wait 250 ms, doubling to 2 s. */
  pollMs?: number;
  /** Split the window when a query reaches the row limit (default true; never for `stats`, whose halves could not be added). */
  split?: boolean;
  /** Stop the query (and fail) when it has not completed after this long (default INSIGHTS_TIMEOUT_MS). */
  timeoutMs?: number;
  /** A window that returns this many rows was cut off and is split: the service's limit, or the query's own lower `limit`. */
  rowLimit?: number;
}

/** A counting semaphore; a waiter whose signal aborts leaves the queue as cancelled. */
class QuerySlots {
  private free = MAX_CONCURRENT_QUERIES;
  private readonly waiting: Array<() => void> = [];

  async take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new AwsSourceError('cancelled', 'StartQuery was cancelled.', 'StartQuery');
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const go = (): void => {
        signal?.removeEventListener('abort', stop);
        resolve();
      };
      const stop = (): void => {
        const i = this.waiting.indexOf(go);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new AwsSourceError('cancelled', 'StartQuery was cancelled.', 'StartQuery'));
      };
      this.waiting.push(go);
      signal?.addEventListener('abort', stop, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

const slotsOf = new WeakMap<AwsClients, QuerySlots>();

/** One query, start to Complete, holding one of the connection's slots. Rows keep their @ptr. */
async function runQuery(clients: AwsClients, q: InsightsQuery): Promise<Array<Record<string, string>>> {
  let slots = slotsOf.get(clients);
  if (!slots) slotsOf.set(clients, (slots = new QuerySlots()));
  await slots.take(q.signal);
  try {
    const started = await clients.call(
      'StartQuery',
      (o) =>
        clients.logs().send(
          new StartQueryCommand({ logGroupNames: q.groups, startTime: Math.floor(q.startMs / 1000), endTime: Math.ceil(q.endMs / 1000), queryString: q.query, limit: INSIGHTS_ROW_LIMIT }),
          o,
        ),
      q.signal,
    );
    const id = started.queryId!;
    const deadline = Date.now() + (q.timeoutMs ?? INSIGHTS_TIMEOUT_MS);
    let wait = q.pollMs ?? 250;
    try {
      for (;;) {
        const res = await clients.call('GetQueryResults', (o) => clients.logs().send(new GetQueryResultsCommand({ queryId: id }), o), q.signal);
        if (res.status === 'Complete') {
          return (res.results ?? []).map((r: ResultField[]) => Object.fromEntries(r.filter((f) => f.field).map((f) => [f.field!, f.value ?? ''])));
        }
        if (res.status === 'Failed' || res.status === 'Cancelled' || res.status === 'Timeout') {
          throw new AwsSourceError('service', `The Logs Insights query ended as ${res.status}.`, 'GetQueryResults');
        }
        if (Date.now() >= deadline) {
          throw new AwsSourceError('service', `The Logs Insights query did not complete within ${Math.round((q.timeoutMs ?? INSIGHTS_TIMEOUT_MS) / 1000)} s and was stopped.`, 'GetQueryResults');
        }
        await clients.wait(wait, 'GetQueryResults', q.signal);
        wait = Math.min(wait * 2, 2000);
      }
    } catch (e) {
      // Cancelled, failed or too slow: do not leave the query running (it counts against the 30 concurrent).
      if (!(AwsSourceError.is(e) && e.operation === 'GetQueryResults' && /ended as/.test(e.message))) {
        await clients.call('StopQuery', (o) => clients.logs().send(new StopQueryCommand({ queryId: id }), o)).catch(() => undefined);
      }
      throw e;
    }
  } finally {
    slots.release();
  }
}

/**
 * Rows of `{field, value}` as plain objects (without @ptr). A window whose query hits the row
 * limit is split in two and each half asked again; StartQuery's times are whole seconds, so the
 * halves share a second, and an event both return (the same @ptr and fields) is kept once.
 */
export async function insights(clients: AwsClients, q: InsightsQuery): Promise<Array<Record<string, string>>> {
  return (await collect(clients, q, 0)).map(withoutPtr);
}

async function collect(clients: AwsClients, q: InsightsQuery, depth: number): Promise<Array<Record<string, string>>> {
  const rows = await runQuery(clients, q);
  if (q.split === false || rows.length < (q.rowLimit ?? INSIGHTS_ROW_LIMIT) || depth >= 6 || q.endMs - q.startMs <= 2000) return rows;
  const mid = Math.floor((q.startMs + q.endMs) / 2);
  const [a, b] = await Promise.all([collect(clients, { ...q, endMs: mid }, depth + 1), collect(clients, { ...q, startMs: mid }, depth + 1)]);
  const seen = new Set(a.map((r) => JSON.stringify(r)));
  return [...a, ...b.filter((r) => !seen.has(JSON.stringify(r)))];
}

function withoutPtr(r: Record<string, string>): Record<string, string> {
  if (!('@ptr' in r)) return r;
  const { '@ptr': _ptr, ...rest } = r;
  return rest;
}

/**
 * Lambda's rule for a function given by name or ARN (the API's `FunctionName` pattern): `my-fn`,
 * `my-fn:prod`, `123456789012:function:my-fn`, `arn:aws:lambda:us-east-1:123456789012:function:my-fn:3`.
 * The name itself is letters, digits, `-` and `_`, at most 64 of them.
 */
const FUNCTION_NAME_OR_ARN =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:[a-z]{2}(?:-gov)?-[a-z]+-\d:)?(?:\d{12}:)?(?:function:)?([a-zA-Z0-9_-]{1,64})(?::(?:\$LATEST|[a-zA-Z0-9_-]{1,128}))?$/;

/** The function name in a name or ARN Lambda accepts, or undefined when it is neither. */
export function lambdaFunctionName(nameOrArn: string): string | undefined {
  // A full ARN with a qualifier is under 300 characters; a span name may be anything.
  return nameOrArn.length <= 300 ? FUNCTION_NAME_OR_ARN.exec(nameOrArn)?.[1] : undefined;
}

/**
 * A function's log group (its default name; Lambda writes START, END and REPORT lines there),
 * from its name or ARN. A name can come from a trace (the waterfall's "Open logs" passes a span's ARN or
 * name): one that breaks Lambda's rule (`/`, `..`, spaces) names no group and is refused, so a
 * trace cannot point the extension at another log group.
 */
export function functionLogGroup(fn: string): string {
  const name = lambdaFunctionName(fn);
  if (name === undefined) {
    const shown = JSON.stringify(fn.length > 80 ? `${fn.slice(0, 79)}…` : fn);
    throw new AwsSourceError('service', `${shown} is not a Lambda function name or ARN (a name is letters, digits, - and _, at most 64): Timeout Lens does not read a log group for it.`, 'FilterLogEvents');
  }
  return `/aws/lambda/${name}`;
}

/**
 * What a request id may hold to be searched for as one quoted term of a filter pattern: Lambda's
 * are UUIDs, other services' letters, digits and a few of `._:=+/-`. A quote or a backslash would
 * end the term or change the pattern (the filter-pattern syntax documents no escape inside quotes),
 * so an id with anything else is refused rather than quoted.
 */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}$/;

/** The REPORT lines of a function (with their XRAY line) in a window. */
export function reportLines(clients: AwsClients, fn: string, startMs: number, endMs: number, signal?: AbortSignal): AsyncGenerator<FilteredLogEvent[]> {
  return filterEvents(clients, { group: functionLogGroup(fn), startMs, endMs, pattern: '"REPORT RequestId"', ...(signal ? { signal } : {}) });
}

/** Every log event of one request id in the given groups (the waterfall's "open logs"). */
export async function requestEvents(clients: AwsClients, groups: string[], requestId: string, startMs: number, endMs: number, signal?: AbortSignal): Promise<FilteredLogEvent[]> {
  if (!REQUEST_ID.test(requestId)) {
    const shown = JSON.stringify(requestId.length > 80 ? `${requestId.slice(0, 79)}…` : requestId);
    throw new AwsSourceError('service', `${shown} is not a request id Timeout Lens searches the logs for (letters, digits and ._:=+/- only).`, 'FilterLogEvents');
  }
  const out: FilteredLogEvent[] = [];
  for (const group of groups) {
    for await (const page of filterEvents(clients, { group, startMs, endMs, pattern: `"${requestId}"`, ...(signal ? { signal } : {}) })) out.push(...page);
  }
  return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}
