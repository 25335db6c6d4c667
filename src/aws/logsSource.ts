// CloudWatch Logs, read-only: FilterLogEvents pages as an async generator (the SDK's paginator;
// empty pages that still carry a token are followed), and what Trace 504, Live Updates and
// "Open logs" read with it: the REPORT lines of a function, the events of one request. Live
// Updates poll through liveEndpoints.ts; StartLiveTail is not used. Logs Insights (`insights`,
// start, poll with backoff, stop on cancel, split a window at the 10 000-row limit) is not
// called by any feature yet: it is kept for the Slow Endpoints statistics (issue 21).
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

export async function* filterEvents(clients: AwsClients, q: EventQuery): AsyncGenerator<FilteredLogEvent[]> {
  let seen = 0;
  const max = q.maxEvents ?? 50_000;
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

export interface InsightsQuery {
  groups: string[];
  startMs: number;
  endMs: number;
  query: string;
  signal?: AbortSignal;
  /** Polls wait 250 ms, doubling to 2 s. */
  pollMs?: number;
}

/** Rows of `{field, value}` as plain objects; windows that hit the row limit are split. Called by nothing yet: for the Slow Endpoints statistics (issue 21). */
export async function insights(clients: AwsClients, q: InsightsQuery, depth = 0): Promise<Array<Record<string, string>>> {
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
  let wait = q.pollMs ?? 250;
  try {
    for (;;) {
      const res = await clients.call('GetQueryResults', (o) => clients.logs().send(new GetQueryResultsCommand({ queryId: id }), o), q.signal);
      if (res.status === 'Complete') {
        const rows = (res.results ?? []).map((r: ResultField[]) => Object.fromEntries(r.filter((f) => f.field && f.field !== '@ptr').map((f) => [f.field!, f.value ?? ''])));
        if (rows.length >= INSIGHTS_ROW_LIMIT && depth < 6 && q.endMs - q.startMs > 2000) {
          const mid = Math.floor((q.startMs + q.endMs) / 2);
          const [a, b] = await Promise.all([insights(clients, { ...q, endMs: mid }, depth + 1), insights(clients, { ...q, startMs: mid }, depth + 1)]);
          return [...a, ...b];
        }
        return rows;
      }
      if (res.status === 'Failed' || res.status === 'Cancelled' || res.status === 'Timeout') {
        throw new AwsSourceError('service', `The Logs Insights query ended as ${res.status}.`, 'GetQueryResults');
      }
      await clients.wait(wait, 'GetQueryResults', q.signal);
      wait = Math.min(wait * 2, 2000);
    }
  } catch (e) {
    // Cancelled or failed: do not leave the query running (it counts against the 30 concurrent).
    if (!(AwsSourceError.is(e) && e.operation === 'GetQueryResults' && /ended as/.test(e.message))) {
      await clients.call('StopQuery', (o) => clients.logs().send(new StopQueryCommand({ queryId: id }), o)).catch(() => undefined);
    }
    throw e;
  }
}

/** A function's log group (its default name; Lambda writes START, END and REPORT lines there). */
export function functionLogGroup(fn: string): string {
  return `/aws/lambda/${fn}`;
}

/** The REPORT lines of a function (with their XRAY line) in a window. */
export function reportLines(clients: AwsClients, fn: string, startMs: number, endMs: number, signal?: AbortSignal): AsyncGenerator<FilteredLogEvent[]> {
  return filterEvents(clients, { group: functionLogGroup(fn), startMs, endMs, pattern: '"REPORT RequestId"', ...(signal ? { signal } : {}) });
}

/** The Logs Insights query for a stage's access-log 504s. Called by nothing yet: for the Slow Endpoints statistics (issue 21). */
export function accessLog504Query(limit = INSIGHTS_ROW_LIMIT): string {
  return `fields @timestamp, @message | filter status = 504 or status = "504" | sort @timestamp desc | limit ${limit}`;
}

/** Every log event of one request id in the given groups (the waterfall's "open logs"). */
export async function requestEvents(clients: AwsClients, groups: string[], requestId: string, startMs: number, endMs: number, signal?: AbortSignal): Promise<FilteredLogEvent[]> {
  const out: FilteredLogEvent[] = [];
  for (const group of groups) {
    for await (const page of filterEvents(clients, { group, startMs, endMs, pattern: `"${requestId}"`, ...(signal ? { signal } : {}) })) out.push(...page);
  }
  return out.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
}
