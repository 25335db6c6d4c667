// Live Updates: after a Trace 504 run, go on reading the same log groups (the stages' access
// logs, the functions' REPORT lines) every few seconds from where the run stopped, push only the
// new events into the run's collector, and hand back the endpoints computed again. Each poll
// reads a short overlap, because CloudWatch Logs makes events searchable some seconds after
// their time; event ids keep each one counted once. A failed poll is a warning and the next one
// tries again; cancellation ends the loop quietly.
//
// After a run whose big access logs were counted by Logs Insights (FollowState.insights), the
// endpoints are its tables plus what the polls read since, and never silently stale:
// - each poll reads only the events after the time Logs Insights counted up to, so nothing is
//   counted twice (an event that reached CloudWatch later than that query and carries an older
//   time is missed: ingestion delay, seconds);
// - counts, maxima, 5xx, 504s at the budget and near misses add exactly: the new requests are
//   parsed as any other, the table's count and max grow by them;
// - p50/p95/p99 cannot be added to: they stay as Logs Insights computed them and are asked for
//   again (the stats query only, over the whole window up to the poll) at most every
//   PERCENTILES_EVERY_MS; the first poll says so, with the time they are of, and a failed
//   refresh says the percentiles are older than the counts (`percentilesAsOf` gives that time).
// Routes that appear after the query have no table row: every request of theirs was polled, so
// the local histograms give them exactly. A cold start whose REPORT line comes after the run for a
// request the table counted (not fetched) is not counted: the run looked its request up, polls do not.
import { setTimeout as sleep } from 'node:timers/promises';
import { analyze } from '../core/analyze';
import { routeIdKey, type RouteTableRow } from '../core/endpoints';
import type { EndpointStats } from '../core/report';
import type { AwsClients } from './clients';
import { AwsSourceError, isCancellation } from './errors';
import { routeTable } from './routeStatistics';
import { logsInput, planGroups, readPlanLogs, type FollowState } from './trace504';

/** How far back each poll reads again, for events that became searchable late. */
export const LIVE_OVERLAP_MS = 60_000;
/** How far back a poll catches up after failed polls; older events of a failing group are given up (and said so). */
export const LIVE_MAX_CATCH_UP_MS = 15 * 60_000;
/** How often, at most, Live Updates ask Logs Insights again for the percentiles of its tables. */
export const PERCENTILES_EVERY_MS = 5 * 60_000;

export interface LiveUpdate {
  endpoints: EndpointStats[];
  /** 504s at the budget that this poll added, over all routes. */
  newTimeouts: number;
  /** Events this poll read that had not been seen. */
  newEvents: number;
  /** The window the endpoints now cover. */
  sinceMs: number;
  untilMs: number;
}

export interface LiveOptions {
  everyMs: number;
  signal: AbortSignal;
  onUpdate: (u: LiveUpdate) => void;
  /** What went wrong in a poll, in words that name the fix; the loop goes on. */
  onWarning: (message: string) => void;
  /** The clock (tests and the sample account's compressed time use their own). */
  now?: () => number;
}

const timeoutsOf = (endpoints: EndpointStats[]): number => endpoints.reduce((n, e) => n + e.timeouts, 0);

/** The endpoints of the state as it is now. */
export function currentEndpoints(state: FollowState): EndpointStats[] {
  const logs = state.collector.finish();
  const t = state.insights;
  // A table row plus the requests polled since it was read: counts and max add; percentiles stay the table's.
  const routeTables = t?.rows.map((r): RouteTableRow => {
    const now = logs.routeLatencies.routeTotals(r);
    const since = Math.max(0, (now?.count ?? 0) - (t.localCounts.get(routeIdKey(r)) ?? 0));
    return { ...r, count: r.count + since, maxMs: Math.max(r.maxMs, now?.maxMs ?? 0) };
  });
  return analyze({ traces: [], errors: [], ...logsInput(logs), ...(routeTables ? { routeTables } : {}) }, state.options).report.endpoints;
}

/** Up to when the percentiles of the Logs Insights tables were computed; undefined when the endpoints are all local (exact). */
export function percentilesAsOf(state: FollowState): number | undefined {
  return state.insights?.asOfMs;
}

const utc = (ms: number): string => `${new Date(ms).toISOString().slice(11, 19)} UTC`;

/**
 * Asks Logs Insights again for the route tables (percentiles included) over the whole window up
 * to `now`, when the last ask is PERCENTILES_EVERY_MS old; the tables then count every event up
 * to `now`, and the polls go on from there. A failure keeps the old tables and says so.
 */
async function refreshTables(clients: AwsClients, state: FollowState, now: number, warnings: string[], signal?: AbortSignal): Promise<void> {
  const t = state.insights;
  if (!t) return;
  if (!t.explained) {
    t.explained = true;
    warnings.push(
      `Live updates add each new request of ${[...t.groups.keys()].join(', ')} to the counts, maxima, 5xx and 504s that Logs Insights computed; its p50/p95/p99 are of ${utc(t.asOfMs)} and are asked for again every ${PERCENTILES_EVERY_MS / 60_000} minutes.`,
    );
  }
  if (now - (t.askedAtMs ?? t.asOfMs) < PERCENTILES_EVERY_MS) return;
  t.askedAtMs = now;
  // Whole seconds, as StartQuery takes them: the table then counts exactly the events up to `until`.
  const until = Math.floor(now / 1000) * 1000;
  try {
    const fresh = await Promise.all(
      [...t.groups].map(async ([group, g]) => ({ group, rows: await routeTable(clients, { group, startMs: state.sinceMs, endMs: until, fields: g.fields, names: g.names, nearFromMs: 0, ...(signal ? { signal } : {}) }) })),
    );
    const acc = state.collector.finish().routeLatencies;
    for (const f of fresh) {
      t.groups.get(f.group)!.rows = f.rows;
      t.countedUntilMs.set(f.group, until);
    }
    t.rows = [...t.groups.values()].flatMap((g) => g.rows);
    t.localCounts = new Map(t.rows.map((r) => [routeIdKey(r), acc.routeTotals(r)?.count ?? 0]));
    t.asOfMs = until;
  } catch (e) {
    if (isCancellation(e)) throw e;
    const why = AwsSourceError.is(e) && e.code === 'access-denied' ? `${e.action ?? e.operation} was denied; add logs:StartQuery, logs:GetQueryResults and logs:StopQuery to the IAM policy` : e instanceof Error ? e.message : String(e);
    warnings.push(`Live updates could not ask Logs Insights again for the percentiles of ${[...t.groups.keys()].join(', ')} (${why}): their p50/p95/p99 stay as of ${utc(t.asOfMs)}, older than their counts; the next try is in ${PERCENTILES_EVERY_MS / 60_000} minutes.`);
  }
}

/** One poll: reads every group from its last read time (less the overlap) to now. */
export async function pollOnce(clients: AwsClients, state: FollowState, now: number, signal?: AbortSignal): Promise<{ newEvents: number; warnings: string[] }> {
  const warnings: string[] = [];
  const groups = planGroups(state.plan);
  const behind = Math.min(...groups.map((g) => state.readUntilMs.get(g) ?? now));
  if (behind < now - LIVE_MAX_CATCH_UP_MS) warnings.push(`Live updates could not read some logs for more than ${LIVE_MAX_CATCH_UP_MS / 60_000} minutes: the endpoints miss those requests.`);
  const from = Math.max(behind, now - LIVE_MAX_CATCH_UP_MS) - LIVE_OVERLAP_MS;
  const { pushed, failed } = await readPlanLogs(clients, state.plan, state.collector, { startMs: from, endMs: now, seen: state.seen, ...(signal ? { signal } : {}), ...(state.insights ? { countedUntil: state.insights.countedUntilMs } : {}) }, warnings);
  if (signal?.aborted) return { newEvents: pushed, warnings };
  // After the events up to now are in: a refreshed table counts up to now, and the polls go on from there.
  await refreshTables(clients, state, now, warnings, signal);
  // A group that failed is read again from the same place next time; the others move on.
  for (const g of groups) if (!failed.has(g)) state.readUntilMs.set(g, now);
  // Ids older than every window still to be read can no longer come back.
  const oldest = Math.min(...groups.map((g) => state.readUntilMs.get(g) ?? now)) - LIVE_OVERLAP_MS;
  for (const [id, t] of state.seen) if (t < oldest) state.seen.delete(id);
  return { newEvents: pushed, warnings };
}

/** Polls every `everyMs` until the signal aborts. */
export async function followEndpoints(clients: AwsClients, state: FollowState, o: LiveOptions): Promise<void> {
  const clock = o.now ?? Date.now;
  let timeouts = timeoutsOf(currentEndpoints(state));
  while (!o.signal.aborted) {
    // An abort ends the wait at once; the loop then ends quietly.
    await sleep(o.everyMs, undefined, { signal: o.signal }).catch(() => undefined);
    if (o.signal.aborted) return;
    const now = clock();
    try {
      const { newEvents, warnings } = await pollOnce(clients, state, now, o.signal);
      if (o.signal.aborted) return;
      for (const w of warnings) o.onWarning(w);
      const endpoints = currentEndpoints(state);
      const total = timeoutsOf(endpoints);
      o.onUpdate({ endpoints, newTimeouts: Math.max(0, total - timeouts), newEvents, sinceMs: state.sinceMs, untilMs: now });
      timeouts = total;
    } catch (e) {
      if (isCancellation(e) || o.signal.aborted) return;
      o.onWarning(e instanceof Error ? e.message : String(e));
    }
  }
}
