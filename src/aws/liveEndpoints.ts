// Live Updates: after a Trace 504 run, go on reading the same log groups (the stages' access
// logs, the functions' REPORT lines) at once and then every few seconds from where the run stopped, push only the
// new events into the run's collector, and hand back the endpoints computed again. Each poll
// reads a short overlap, because CloudWatch Logs makes events searchable some seconds after
// their time; event ids keep each one counted once. A failed poll is a warning and the next one
// tries again; cancellation ends the loop quietly.
import { setTimeout as sleep } from 'node:timers/promises';
import { analyze } from '../core/analyze';
import type { EndpointStats } from '../core/report';
import { routeIdKey } from '../core/endpoints';
import type { RouteTimeouts } from '../core/liveNotices';
import type { AwsClients } from './clients';
import { isCancellation } from './errors';
import { logsInput, planGroups, readPlanLogs, type FollowState } from './trace504';

/** How far back each poll reads again, for events that became searchable late. */
export const LIVE_OVERLAP_MS = 60_000;
/** How far back a poll catches up after failed polls; older events of a failing group are given up (and said so). */
export const LIVE_MAX_CATCH_UP_MS = 15 * 60_000;

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
  return analyze({ traces: [], errors: [], ...logsInput(state.collector.finish()) }, state.options).report.endpoints;
}

/** One poll: reads every group from its last read time (less the overlap) to now. */
export async function pollOnce(clients: AwsClients, state: FollowState, now: number, signal?: AbortSignal): Promise<{ newEvents: number; warnings: string[] }> {
  const warnings: string[] = [];
  const groups = planGroups(state.plan);
  const behind = Math.min(...groups.map((g) => state.readUntilMs.get(g) ?? now));
  if (behind < now - LIVE_MAX_CATCH_UP_MS) warnings.push(`Live updates could not read some logs for more than ${LIVE_MAX_CATCH_UP_MS / 60_000} minutes: the endpoints miss those requests.`);
  const from = Math.max(behind, now - LIVE_MAX_CATCH_UP_MS) - LIVE_OVERLAP_MS;
  const { pushed, failed } = await readPlanLogs(clients, state.plan, state.collector, { startMs: from, endMs: now, seen: state.seen, ...(signal ? { signal } : {}) }, warnings);
  if (signal?.aborted) return { newEvents: pushed, warnings };
  // A group that failed is read again from the same place next time; the others move on.
  for (const g of groups) if (!failed.has(g)) state.readUntilMs.set(g, now);
  // Ids older than every window still to be read can no longer come back.
  const oldest = Math.min(...groups.map((g) => state.readUntilMs.get(g) ?? now)) - LIVE_OVERLAP_MS;
  for (const [id, t] of state.seen) if (t < oldest) state.seen.delete(id);
  return { newEvents: pushed, warnings };
}

/** Polls at once, then every `everyMs`, until the signal aborts. */
export async function followEndpoints(clients: AwsClients, state: FollowState, o: LiveOptions): Promise<void> {
  const clock = o.now ?? Date.now;
  let before = currentEndpoints(state);
  for (;;) {
    const now = clock();
    try {
      const { newEvents, warnings } = await pollOnce(clients, state, now, o.signal);
      if (o.signal.aborted) return;
      for (const w of warnings) o.onWarning(w);
      const endpoints = currentEndpoints(state);
      const newTimeoutRoutes = newTimeoutsByRoute(timeoutsByRoute(before), endpoints);
      o.onUpdate({ endpoints, newTimeouts: Math.max(0, timeoutsOf(endpoints) - timeoutsOf(before)), newTimeoutRoutes, newEvents, sinceMs: state.sinceMs, untilMs: now });
      before = endpoints;
    } catch (e) {
      if (isCancellation(e) || o.signal.aborted) return;
      o.onWarning(e instanceof Error ? e.message : String(e));
    }
    // An abort ends the wait at once; the loop then ends quietly.
    await sleep(o.everyMs, undefined, { signal: o.signal }).catch(() => undefined);
    if (o.signal.aborted) return;
  }
}
