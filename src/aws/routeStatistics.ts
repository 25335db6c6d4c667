// Route statistics where the data is: an access log with more events in the window than a client
// should download gets its per-route table (count, p50/p95/p99, max) from one Logs Insights
// `stats … by <route fields>` query that AWS runs, and its few requests that matter one by one
// (every 5xx, every one near a budget, those of the traces that began cold) from more queries,
// as events that go through the same parser as downloaded ones: "504 at the budget" stays the
// engine's call (isIntegrationTimeout), and the requests still link to their traces. The field names come from the group's own format,
// learned from the events already fetched. When Logs Insights is denied, throttled, fails or
// times out, the caller keeps the local engine on what it fetched, with a warning that says so.
import type { AwsClients } from './clients';
import { AwsSourceError } from './errors';
import { insights, INSIGHTS_ROW_LIMIT, type InsightsQuery } from './logsSource';
import { parseAccessLogJson, recordFromFields } from '../ingest/accessLogs';
import { routeIdentity, routeIdKey, type RouteTableRow } from '../core/endpoints';
import { REST_API_DEFAULT_BUDGET_MS } from '../core/budget';
import { THRESHOLDS } from '../core/thresholds';

/**
 * An access-log group whose FilterLogEvents pages reach this many events in the window gets its
 * statistics from Logs Insights instead of being downloaded whole (Trace504Request.insightsAboveEvents).
 */
export const INSIGHTS_ABOVE_EVENTS = 10_000;

/** The names one group's access-log format gives the fields the statistics need. */
export interface AccessLogFields {
  /** The fields that together name a route (resourcePath or routeKey, the method, API, stage), as written. */
  route: string[];
  /** The latency a request counts with: what the client waited, else the integration's (as the engine's latencyOf). */
  latency: string;
  status: string;
  /** The field with the request's X-Ray trace id, when the format writes one. */
  trace?: string;
}

/** The fields the access-log parser reads for a route's identity (recordFromFields, routeIdentity). */
const ROUTE_FIELDS = ['resourcePath', 'routeKey', 'httpMethod', 'method', 'apiId', 'apiName', 'api', 'stage'];
/** In the parser's order of preference. */
const LATENCY_FIELDS = ['responseLatency', 'responseLatencyMs', 'integrationLatency', 'integration.latency'];

/**
 * Levels of a JSON line whose keys are learned: the fields read are at most two deep
 * (`integration.latency`); deeper objects count as one key, so a line nested thousands deep costs
 * no stack and no key as long as the chain above it.
 */
const KEY_DEPTH = 4;

/** A JSON line's keys as Logs Insights names them: nested objects flattened with dots. */
function keysOf(o: Record<string, unknown>, prefix = '', out = new Set<string>(), depth = 1): Set<string> {
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && depth < KEY_DEPTH) keysOf(v as Record<string, unknown>, `${prefix}${k}.`, out, depth + 1);
    else out.add(`${prefix}${k}`);
  }
  return out;
}

/**
 * The field names of a group's access-log format, learned from events already fetched (the
 * first 500 that are JSON access-log records); a string saying why not when Logs Insights cannot
 * compute the statistics of this format (text formats need a `parse` the engine cannot check).
 */
export function learnAccessLogFields(messages: Iterable<string>): AccessLogFields | string {
  const keys = new Set<string>();
  let records = 0;
  for (const m of messages) {
    if (records >= 500) break;
    if (!parseAccessLogJson(m, 'sample')) continue;
    records++;
    keysOf(JSON.parse(m) as Record<string, unknown>, '', keys);
  }
  if (!records) return 'its events are not JSON access-log records';
  const latency = LATENCY_FIELDS.find((f) => keys.has(f));
  if (!latency) return 'its format has no responseLatency or integrationLatency';
  if (!keys.has('status')) return 'its format has no status';
  const route = ROUTE_FIELDS.filter((f) => keys.has(f));
  if (!route.includes('resourcePath') && !route.includes('routeKey')) return 'its format names no route (resourcePath or routeKey)';
  return { route, latency, status: 'status', ...(keys.has('xrayTraceId') ? { trace: 'xrayTraceId' } : {}) };
}

/** The table query: every request with a latency, per route, computed by Logs Insights. */
export function routeTableQuery(f: AccessLogFields): string {
  const l = f.latency;
  return `filter ${l} >= 0 | stats count(*) as requests, pct(${l}, 50) as p50, pct(${l}, 95) as p95, pct(${l}, 99) as p99, max(${l}) as maxLatency by ${f.route.join(', ')}`;
}

/** The requests that matter one by one: every 5xx, and every one from the lowest near-miss threshold up. */
export function outcomesQuery(f: AccessLogFields, nearFromMs: number): string {
  return `filter ${f.status} >= 500 or ${f.latency} >= ${Math.floor(nearFromMs)} | fields @timestamp, @message, @logStream | limit ${INSIGHTS_ROW_LIMIT}`;
}

/**
 * The lowest latency that can be a near miss on any route: THRESHOLDS.nearShareOfBudget of the
 * smallest budget a route can have (the user's, else the routes' configured timeouts and the
 * defaults). The requests from it up are fetched, so each route's near misses are counted exactly.
 */
export function nearFloorMs(routeTimeoutsMs: Array<number | undefined>, overrideMs?: number): number {
  const smallest = overrideMs && overrideMs > 0 ? overrideMs : Math.min(REST_API_DEFAULT_BUDGET_MS, ...routeTimeoutsMs.filter((t): t is number => !!t && t > 0));
  return THRESHOLDS.nearShareOfBudget * smallest;
}

export interface RouteStatisticsRequest {
  group: string;
  startMs: number;
  endMs: number;
  fields: AccessLogFields;
  /** The API and stage the group belongs to (its lines may not say). */
  names: { api?: string; stage?: string };
  nearFromMs: number;
  signal?: AbortSignal;
  pollMs?: number;
  timeoutMs?: number;
}

/** An event as Logs Insights returned it. */
export interface InsightsEvent {
  message: string;
  timestamp?: number;
  logStream?: string;
}

export interface RouteStatistics {
  rows: RouteTableRow[];
  /** Every 5xx and near-budget request of the window, for the local parser. */
  events: InsightsEvent[];
}

/** `2026-11-24 12:00:00.123` (Logs Insights' @timestamp, UTC) → epoch ms. */
function insightsTime(ts: string | undefined): number | undefined {
  if (!ts) return undefined;
  const t = Date.parse(ts.includes('T') ? ts : `${ts.replace(' ', 'T')}Z`);
  return Number.isFinite(t) ? t : undefined;
}

/** Thrown when a table cannot stand for its routes (the caller falls back and says why). */
export class RouteTableError extends Error {}

/** A `stats … by` row → the route it counts, named as the parser names the route of a line. */
function tableRow(row: Record<string, string>, req: RouteStatisticsRequest): RouteTableRow {
  const fields: Record<string, string> = {};
  for (const f of req.fields.route) if (row[f] !== undefined) fields[f] = row[f]!;
  const r = recordFromFields(fields, `insights:${req.group}`);
  // As the collector names a group's records (collectorFor): the line's own names first.
  if (req.names.api) r.api ??= req.names.api;
  if (req.names.stage) r.stage ??= req.names.stage;
  const n = (k: string): number => {
    const v = Number(row[k]);
    if (!Number.isFinite(v)) throw new RouteTableError(`Logs Insights returned no ${k} for a route`);
    return Math.max(0, Math.round(v));
  };
  return { ...routeIdentity(r), ...(r.apiType ? { kind: r.apiType } : {}), count: n('requests'), p50Ms: n('p50'), p95Ms: n('p95'), p99Ms: n('p99'), maxMs: n('maxLatency') };
}

/** The route table alone: the `stats … by` query, each row named as the parser names a line's route. */
export async function routeTable(clients: AwsClients, req: RouteStatisticsRequest): Promise<RouteTableRow[]> {
  const table = await insights(clients, { ...baseQuery(req), query: routeTableQuery(req.fields), split: false });
  if (table.length >= INSIGHTS_ROW_LIMIT) throw new RouteTableError(`the access log has ${INSIGHTS_ROW_LIMIT} or more distinct routes`);
  const rows: RouteTableRow[] = [];
  const keys = new Set<string>();
  for (const t of table) {
    const row = tableRow(t, req);
    const key = routeIdKey(row);
    // Two rows the parser names alike (a field written `-` in some lines, absent in others)
    // cannot be merged: their percentiles do not add.
    if (keys.has(key)) throw new RouteTableError(`two of its route groups are the same route ${row.method} ${row.route} to the parser`);
    keys.add(key);
    rows.push(row);
  }
  return rows;
}

function baseQuery(req: RouteStatisticsRequest): Omit<InsightsQuery, 'query'> {
  return { groups: [req.group], startMs: req.startMs, endMs: req.endMs, ...(req.signal ? { signal: req.signal } : {}), ...(req.pollMs ? { pollMs: req.pollMs } : {}), ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}) };
}

/** The two queries, side by side (each takes one of the connection's query slots). */
export async function routeStatistics(clients: AwsClients, req: RouteStatisticsRequest): Promise<RouteStatistics> {
  const [rows, outcomes] = await Promise.all([routeTable(clients, req), insights(clients, { ...baseQuery(req), query: outcomesQuery(req.fields, req.nearFromMs) })]);
  return { rows, events: outcomes.flatMap(eventOf) };
}

/** Trace ids per query: the query text stays far below StartQuery's 10 000 characters. */
const IDS_PER_QUERY = 200;
/** At most this many such queries per group. */
const MAX_ID_QUERIES = 5;
const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

/**
 * The access-log events of the given traced requests (cold starts: the REPORT lines name their
 * traces, the table does not), at most MAX_ID_QUERIES × IDS_PER_QUERY of them; `left` says how
 * many were not asked for. Ids that are not X-Ray trace ids never reach the query text.
 */
export async function requestsOfTraces(clients: AwsClients, req: Omit<RouteStatisticsRequest, 'nearFromMs'>, traceIds: string[]): Promise<{ events: InsightsEvent[]; left: number }> {
  const field = req.fields.trace;
  const ids = traceIds.filter((t) => TRACE_ID.test(t));
  if (!field || !ids.length) return { events: [], left: field ? 0 : ids.length };
  const asked = ids.slice(0, IDS_PER_QUERY * MAX_ID_QUERIES);
  const chunks: string[][] = [];
  for (let i = 0; i < asked.length; i += IDS_PER_QUERY) chunks.push(asked.slice(i, i + IDS_PER_QUERY));
  const base = baseQuery({ ...req, nearFromMs: 0 });
  const rows = await Promise.all(chunks.map((c) => insights(clients, { ...base, query: `filter ${field} in [${c.map((t) => `"${t}"`).join(', ')}] | fields @timestamp, @message, @logStream | limit ${INSIGHTS_ROW_LIMIT}` })));
  return { events: rows.flat().flatMap(eventOf), left: ids.length - asked.length };
}

function eventOf(o: Record<string, string>): InsightsEvent[] {
  if (!o['@message']) return [];
  const timestamp = insightsTime(o['@timestamp']);
  return [{ message: o['@message'], ...(timestamp !== undefined ? { timestamp } : {}), ...(o['@logStream'] ? { logStream: o['@logStream'] } : {}) }];
}

/**
 * The warning of a group whose statistics fell back to the local engine: what happened, what
 * the numbers now cover, and what to do about it.
 */
export function fallbackWarning(e: unknown, group: string, fetched: number, complete: boolean): string {
  const covered = complete
    ? `so the endpoint statistics of ${group} were computed from all ${fetched} of its events, downloaded with FilterLogEvents instead (slower)`
    : `so the endpoint statistics of ${group} count only the first ${fetched} event(s) of the window, downloaded with FilterLogEvents: the rest of the window is missing from them`;
  if (AwsSourceError.is(e) && e.code === 'access-denied') {
    return `Logs Insights is not allowed (${e.action ?? e.operation} was denied), ${covered}. Add logs:StartQuery, logs:GetQueryResults and logs:StopQuery to the IAM policy so that AWS computes them over every request.`;
  }
  if (AwsSourceError.is(e) && e.code === 'throttled') {
    return `Logs Insights throttled the statistics query, ${covered}. Run Trace 504 again in a minute, or choose a shorter window.`;
  }
  if (e instanceof RouteTableError) return `Logs Insights could not compute the route statistics (${e.message}), ${covered}.`;
  const why = e instanceof Error ? e.message : String(e);
  return `The Logs Insights statistics query failed (${why}), ${covered}. Run Trace 504 again, or choose a shorter window.`;
}

/** What a run read from Logs Insights, kept for Live Updates (FollowState.insights). */
export interface InsightsTables {
  /** The routes of the groups read with Logs Insights, as it computed them (all groups'). */
  rows: RouteTableRow[];
  /** Per group: its format's fields, its names and its rows (to ask Logs Insights again). */
  groups: Map<string, { fields: AccessLogFields; names: { api?: string; stage?: string }; rows: RouteTableRow[] }>;
  /** Per group: up to when Logs Insights counted its events (later polls add only newer ones). */
  countedUntilMs: Map<string, number>;
  /** Per table route (routeIdKey): how many requests the local histograms held when the table was read. */
  localCounts: Map<string, number>;
  /** Up to when Logs Insights computed the percentiles (the query's end). */
  asOfMs: number;
  /** When Live Updates last asked for them (a failed attempt waits as long as a good one). */
  askedAtMs?: number;
  /** Whether Live Updates already said how they treat these tables. */
  explained?: boolean;
}

/** How a run reads an access log too big to download (readPlanLogs). */
export interface InsightsPlan {
  /** A group whose FilterLogEvents pages reach this many events goes to Logs Insights (default INSIGHTS_ABOVE_EVENTS). */
  aboveEvents: number;
  /** See nearFloorMs. */
  nearFromMs: number;
  /** The end of the window Logs Insights counts (the run's now: later events are Live Updates'). */
  untilMs: number;
  pollMs?: number;
  timeoutMs?: number;
}
