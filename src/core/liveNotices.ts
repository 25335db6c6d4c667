// Which new 504s Live Updates announce, and when: one notice per route, at most one per route
// in each `gapMs` (a minute by default), so a route that times out every few seconds speaks once
// a minute, not every few seconds. The 504s that come within the gap are not dropped: they are
// counted into the route's next notice, which is due when the gap is over. Pure: the caller
// brings the clock and shows the notices.
import { routeIdKey } from './endpoints';
import type { EndpointStats } from './report';

/** A route's 504s that an update added. */
export interface RouteTimeouts {
  endpoint: EndpointStats;
  newTimeouts: number;
}

export interface LiveNotice {
  /** `routeIdKey` of the route. */
  key: string;
  endpoint: EndpointStats;
  /** The 504s since the route's last notice. */
  count: number;
}

/** At most one notice per route per minute. */
export const NOTICE_GAP_MS = 60_000;

export class LiveNotices {
  private readonly pending = new Map<string, LiveNotice>();
  private readonly lastShownMs = new Map<string, number>();

  constructor(private readonly gapMs = NOTICE_GAP_MS) {}

  /** Counts an update's new 504s; returns the notices due now (the routes not announced within the gap). */
  add(routes: readonly RouteTimeouts[], nowMs: number): LiveNotice[] {
    for (const r of routes) {
      if (r.newTimeouts <= 0) continue;
      const key = routeIdKey(r.endpoint);
      const p = this.pending.get(key);
      this.pending.set(key, { key, endpoint: r.endpoint, count: (p?.count ?? 0) + r.newTimeouts });
    }
    return this.due(nowMs);
  }

  /** The pending notices whose route's gap is over; they count as shown at `nowMs`. */
  due(nowMs: number): LiveNotice[] {
    const out: LiveNotice[] = [];
    for (const [key, n] of this.pending) {
      const last = this.lastShownMs.get(key);
      if (last !== undefined && nowMs - last < this.gapMs) continue;
      out.push(n);
      this.pending.delete(key);
      this.lastShownMs.set(key, nowMs);
    }
    return out;
  }

  /** When the next held-back notice is due, if any is held back. */
  nextDueMs(): number | undefined {
    let next: number | undefined;
    for (const key of this.pending.keys()) {
      const at = (this.lastShownMs.get(key) ?? 0) + this.gapMs;
      next = next === undefined ? at : Math.min(next, at);
    }
    return next;
  }
}

/** `3 new 504s on POST /reports (orders-api/prod)`. */
export function noticeText(n: LiveNotice): string {
  const e = n.endpoint;
  return `${n.count} new 504${n.count === 1 ? '' : 's'} on ${e.method} ${e.route} (${e.api}/${e.stage})`;
}
