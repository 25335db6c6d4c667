// Live Updates: after a Trace 504 run, go on reading the same log groups (the stages' access
// logs, the functions' REPORT lines) from where the run stopped, push only the new events into
// the run's collector, and hand back the endpoints computed again. The first read is a poll, at
// once; then CloudWatch Logs Live Tail streams the events as they are ingested (liveTail.ts), with
// one more poll when its sessions have started, for what came in between. Where Live Tail is
// denied the loop polls every few seconds for good (and says which IAM action is missing); where
// it fails or is not there, it polls and tries Live Tail again a few minutes later; a session
// that ends (after 3 hours) is followed by a poll and a new session. Each poll reads a short
// overlap, because CloudWatch Logs makes events searchable some seconds after their time; event
// ids keep each one counted once among polls, and a key of its group, stream, time and text
// between polls and Live Tail, whose events have no id. A failed poll is a warning and the next
// one tries again; cancellation ends the loop quietly.
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
// While Live Tail streams, polls run only when its sessions start and end: the percentiles are
// asked for again then, so under Live Tail they can be older than PERCENTILES_EVERY_MS (the first
// poll's message says of when they are).
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { analyze } from '../core/analyze';
import { routeIdKey, type RouteTableRow } from '../core/endpoints';
import type { EndpointStats } from '../core/report';
import type { RouteTimeouts } from '../core/liveNotices';
import type { AwsClients } from './clients';
import { AwsSourceError, isCancellation } from './errors';
import { routeTable } from './routeStatistics';
import { logsInput, planGroups, readPlanLogs, type FollowState } from './trace504';
import type { LogCollector } from '../ingest/logs';
import type { EventMeta } from '../ingest/lambdaLogs';
import { functionLogGroup } from './logsSource';
import { liveTail, type TailEvent, type TailRequest } from './liveTail';

/** How far back each poll reads again, for events that became searchable late. */
export const LIVE_OVERLAP_MS = 60_000;
/** How far back a poll catches up after failed polls; older events of a failing group are given up (and said so). */
export const LIVE_MAX_CATCH_UP_MS = 15 * 60_000;
/** How often, at most, Live Updates ask Logs Insights again for the percentiles of its tables. */
export const PERCENTILES_EVERY_MS = 5 * 60_000;
/** After Live Tail failed or was not there, polls run this long before Live Tail is tried again. */
export const LIVE_TAIL_RETRY_MS = 5 * 60_000;
/** The filter of the functions' Live Tail session: their REPORT lines, as the polls read them. */
const REPORT_PATTERN = '"REPORT RequestId"';

/** How the logs are being followed. */
export type LiveSource = 'live-tail' | 'polling';

export interface LiveUpdate {
  endpoints: EndpointStats[];
  /** 504s at the budget that this poll added, over all routes. */
  newTimeouts: number;
  /** The same, per route (only the routes that have new ones). */
  newTimeoutRoutes: RouteTimeouts[];
  /** Events this poll read that had not been seen. */
  newEvents: number;
  /** The window the endpoints now cover. */
  sinceMs: number;
  untilMs: number;
  /** How this update's events came. */
  source: LiveSource;
}

export interface LiveOptions {
  everyMs: number;
  signal: AbortSignal;
  onUpdate: (u: LiveUpdate) => void;
  /** What went wrong in a poll, in words that name the fix; the loop goes on. */
  onWarning: (message: string) => void;
  /** The clock (tests and the sample account's compressed time use their own). */
  now?: () => number;
  /** Follow with Live Tail where it can (default); false: poll only. */
  liveTail?: boolean;
  /** How the logs are followed from now on: Live Tail once its sessions start, polling before and after. */
  onSource?: (source: LiveSource) => void;
}

const timeoutsOf = (endpoints: EndpointStats[]): number => endpoints.reduce((n, e) => n + e.timeouts, 0);

/** The routes whose 504 count grew since `before` (by route key), with how much. */
export function newTimeoutsByRoute(before: ReadonlyMap<string, number>, endpoints: EndpointStats[]): RouteTimeouts[] {
  const out: RouteTimeouts[] = [];
  for (const e of endpoints) {
    const n = e.timeouts - (before.get(routeIdKey(e)) ?? 0);
    if (n > 0) out.push({ endpoint: e, newTimeouts: n });
  }
  return out;
}

const timeoutsByRoute = (endpoints: EndpointStats[]): Map<string, number> => new Map(endpoints.map((e) => [routeIdKey(e), e.timeouts]));

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
  // The logs now reach up to the last group read: the per-day rates scale that window, not the first run's.
  let readUntil = state.sinceMs;
  for (const t of state.readUntilMs.values()) readUntil = Math.max(readUntil, t);
  const options = readUntil > state.sinceMs ? { ...state.options, logWindowMs: readUntil - state.sinceMs } : state.options;
  return analyze({ traces: [], errors: [], ...logsInput(logs), ...(routeTables ? { routeTables } : {}) }, options).report.endpoints;
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

/**
 * The events already pushed, by a key of their group, stream, time and text (Live Tail's events
 * carry no event id), so that a poll and Live Tail that both see an event count it once.
 */
class PushedEvents {
  private readonly keys = new Map<string, number>();

  /** True the first time an event is seen. */
  admit(message: string, group: string | undefined, stream: string | undefined, timestamp: number | undefined): boolean {
    const key = createHash('sha1').update(`${group ?? ''}\u0000${stream ?? ''}\u0000${timestamp ?? ''}\u0000${message}`).digest('base64');
    if (this.keys.has(key)) return false;
    this.keys.set(key, timestamp ?? 0);
    return true;
  }

  /** Forgets the events older than any window still to be read. */
  prune(oldestMs: number): void {
    for (const [k, t] of this.keys) if (t < oldestMs) this.keys.delete(k);
  }
}

/** The run's collector, taking only the events `pushed` has not seen (what a poll pushes goes through it). */
function admitting(collector: LogCollector, pushed: PushedEvents): LogCollector {
  const push = (message: string, meta: EventMeta): void => {
    if (pushed.admit(message, meta.logGroup, meta.logStream, meta.timestamp)) collector.push(message, meta);
  };
  // pollOnce pushes through readPlanLogs (trace504.ts), which takes a collector: this one is the
  // run's own but for `push`.
  return new Proxy(collector, {
    get: (target, key): unknown => {
      if (key === 'push') return push;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** Follows the run's logs (a poll at once, then Live Tail or polls every `everyMs`) until the signal aborts. */
export async function followEndpoints(clients: AwsClients, state: FollowState, o: LiveOptions): Promise<void> {
  const clock = o.now ?? Date.now;
  const every = `${Math.round(o.everyMs / 1000)} s`;
  const pushed = new PushedEvents();
  const polled: FollowState = { ...state, collector: admitting(state.collector, pushed) };
  const groups = planGroups(state.plan);
  let before = currentEndpoints(state);

  // Computing the endpoints again takes time on a big window (it reads every event kept): Live
  // Tail's updates, about one a second, are gathered so that this takes at most a third of the time.
  let computeMs = 0;
  let lastPublishAt = Number.NEGATIVE_INFINITY;
  let gathered: { events: number; timer: ReturnType<typeof setTimeout> } | undefined;
  const publish = (newEvents: number, untilMs: number, source: LiveSource): void => {
    const started = performance.now();
    if (gathered) {
      clearTimeout(gathered.timer);
      newEvents += gathered.events;
      gathered = undefined;
    }
    const endpoints = currentEndpoints(state);
    computeMs = performance.now() - started;
    lastPublishAt = performance.now();
    const newTimeoutRoutes = newTimeoutsByRoute(timeoutsByRoute(before), endpoints);
    o.onUpdate({ endpoints, newTimeouts: Math.max(0, timeoutsOf(endpoints) - timeoutsOf(before)), newTimeoutRoutes, newEvents, sinceMs: state.sinceMs, untilMs, source });
    before = endpoints;
    pushed.prune(Math.min(...groups.map((g) => state.readUntilMs.get(g) ?? untilMs)) - LIVE_OVERLAP_MS);
  };

  const publishTail = (newEvents: number): void => {
    const wait = lastPublishAt + Math.max(1000, 3 * computeMs) - performance.now();
    if (wait <= 0) return publish(newEvents, clock(), 'live-tail');
    if (gathered) gathered.events += newEvents;
    else gathered = { events: newEvents, timer: setTimeout(() => !o.signal.aborted && publish(0, clock(), 'live-tail'), wait) };
  };

  // One poll at a time; a poll asked for while one runs runs after it (its window starts later).
  let polling: Promise<void> | undefined;
  let again = false;
  const pollNow = async (): Promise<void> => {
    const now = clock();
    try {
      const { newEvents, warnings } = await pollOnce(clients, polled, now, o.signal);
      if (o.signal.aborted) return;
      for (const w of warnings) o.onWarning(w);
      publish(newEvents, now, 'polling');
    } catch (e) {
      if (isCancellation(e) || o.signal.aborted) return;
      o.onWarning(e instanceof Error ? e.message : String(e));
    }
  };
  const poll = (): Promise<void> => {
    if (polling) {
      again = true;
      return polling;
    }
    polling = (async (): Promise<void> => {
      do {
        again = false;
        await pollNow();
      } while (again && !o.signal.aborted);
    })().finally(() => (polling = undefined));
    return polling;
  };

  const onTailEvents = (events: TailEvent[], sampled: boolean, tailed: readonly string[]): void => {
    if (o.signal.aborted) return;
    const now = clock();
    let n = 0;
    for (const e of events) {
      if (!pushed.admit(e.message, e.group, e.stream, e.timestamp)) continue;
      n++;
      state.collector.push(e.message, { where: `${e.group}#live-tail`, logGroup: e.group, timestamp: e.timestamp, ...(e.stream ? { logStream: e.stream } : {}) });
    }
    if (sampled) {
      // A sample leaves events out: a poll from where the groups were last read in full brings
      // them (counting each event once).
      void poll();
    } else {
      // Live Tail has delivered everything ingested until now: a poll after it ends starts here.
      for (const g of tailed) state.readUntilMs.set(g, now);
    }
    if (n) publishTail(n);
  };

  o.signal.addEventListener('abort', () => clearTimeout(gathered?.timer), { once: true });
  await poll();
  let tailFrom = o.liveTail === false ? Number.POSITIVE_INFINITY : 0;
  let quickEnds = 0;
  while (!o.signal.aborted) {
    if (performance.now() >= tailFrom) {
      const requests: TailRequest[] = [
        { groups: state.plan.accessGroups.map((a) => a.group) },
        { groups: state.plan.functions.map(functionLogGroup), filterPattern: REPORT_PATTERN },
      ].filter((r) => r.groups.length);
      const tailedAt = performance.now();
      const end = await liveTail(
        clients,
        requests,
        {
          onStart: () => {
            o.onSource?.('live-tail');
            // What was ingested between the last poll and the sessions' start.
            void poll();
          },
          onEvents: onTailEvents,
        },
        o.signal,
      );
      if (end.kind === 'cancelled' || o.signal.aborted) return;
      if (gathered) publish(0, clock(), 'live-tail');
      o.onSource?.('polling');
      if (end.kind === 'denied') {
        o.onWarning(`Live Tail is denied, so live updates poll every ${every} instead. ${end.message}`);
        tailFrom = Number.POSITIVE_INFINITY;
      } else if (end.kind === 'unavailable') {
        o.onWarning(`Live Tail is not available (${end.message}): live updates poll every ${every} and try Live Tail again in ${LIVE_TAIL_RETRY_MS / 60_000} minutes.`);
        tailFrom = performance.now() + LIVE_TAIL_RETRY_MS;
      } else if (performance.now() - tailedAt < LIVE_OVERLAP_MS) {
        // A session that ends as soon as it starts is started again at once, but not twice in a row.
        quickEnds++;
        if (quickEnds > 1) tailFrom = performance.now() + o.everyMs;
      } else quickEnds = 0;
      // A session that ended is followed by a poll, for what came in since, and a new session.
      await poll();
      continue;
    }
    // An abort ends the wait at once; the loop then ends quietly.
    await sleep(o.everyMs, undefined, { signal: o.signal }).catch(() => undefined);
    if (o.signal.aborted) return;
    await poll();
  }
}
