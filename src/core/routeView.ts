// How the Slow Endpoints view orders, narrows and annotates routes: pure, so it is tested in Node.
// The orders a person asks for (risk, 504s, p99, name), a filter over the words a row shows, and
// the run's findings that belong to a route (by its name, or by the function behind it).
import type { EndpointStats, Finding } from './report';
import { byRisk } from './endpoints';
import type { FunctionRoute } from './endpoints';
import { routeMatches } from './endpoints';

export type RouteOrder = 'risk' | 'timeouts' | 'p99' | 'name';

export const ROUTE_ORDERS: ReadonlyArray<{ order: RouteOrder; label: string; detail: string }> = [
  { order: 'risk', label: 'Risk', detail: 'p99 against the route’s budget, highest first (the default)' },
  { order: 'timeouts', label: '504s', detail: 'the most 504 timeouts first' },
  { order: 'p99', label: 'p99', detail: 'the slowest p99 first, whatever the budget' },
  { order: 'name', label: 'Name', detail: 'API, stage, then route, alphabetically' },
];

const nameKey = (e: EndpointStats): string => `${e.api}\u0000${e.stage}\u0000${e.route}\u0000${e.method}`;

export function isRouteOrder(x: unknown): x is RouteOrder {
  return ROUTE_ORDERS.some((o) => o.order === x);
}

/** A sorted copy; ties keep the risk order, then the name. */
export function sortRoutes(endpoints: readonly EndpointStats[], order: RouteOrder): EndpointStats[] {
  const out = [...endpoints];
  const byName = (a: EndpointStats, b: EndpointStats): number => (nameKey(a) < nameKey(b) ? -1 : nameKey(a) > nameKey(b) ? 1 : 0);
  switch (order) {
    case 'risk':
      return out.sort((a, b) => byRisk(a, b) || byName(a, b));
    case 'timeouts':
      return out.sort((a, b) => b.timeouts - a.timeouts || byRisk(a, b) || byName(a, b));
    case 'p99':
      return out.sort((a, b) => b.p99Ms - a.p99Ms || byRisk(a, b) || byName(a, b));
    case 'name':
      return out.sort(byName);
  }
}

/**
 * The routes whose row shows every word of the filter (API, stage, method, route; any case):
 * `reports`, `post orders`, `prod 504`… A route with 504s also answers to "504".
 */
export function filterRoutes(endpoints: readonly EndpointStats[], filter: string): EndpointStats[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 16);
  if (!words.length) return [...endpoints];
  return endpoints.filter((e) => {
    const text = `${e.api} ${e.stage} ${e.method} ${e.route}${e.timeouts ? ' 504' : ''}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/**
 * The run's findings about a route that no trace carries (they come from the logs and the
 * account: 504s counted in the access log, work billed after the cut, the function's own
 * timeouts): by the route's name, or by the function the account says is behind it.
 */
export function findingsOfRoute(findings: readonly Finding[], e: EndpointStats, routes: readonly FunctionRoute[]): Finding[] {
  const names = new Set([`${e.method} ${e.route}`, `${e.method} ${e.route} (${e.api}/${e.stage})`]);
  const fns = new Set(routes.filter((r) => r.api === e.api && (r.method === 'ANY' || r.method === e.method) && (r.path === e.route || routeMatches(r.path, e.route))).map((r) => r.functionName));
  return findings.filter((f) => !f.traceId && ((f.route !== undefined && names.has(f.route)) || (f.route === undefined && f.function !== undefined && fns.has(f.function))));
}
