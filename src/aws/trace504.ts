// Trace 504, the pipeline behind the command and `timeout-lens trace`: find the API (or the
// function), read its real integration timeouts, ask X-Ray for the requests that got a 504 or
// came near the budget, fetch the slowest, and put them through the engine. With Transaction
// Search on (GetTraceSegmentDestination), the requests X-Ray did not index are found in aws/spans
// and fetched from there too (transactionSearch.ts). Every failure on the way becomes a warning
// that names the fix; whatever could be fetched is still analyzed.
import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { TraceSummary } from '@aws-sdk/client-xray';
import { analyze, type AnalyzedTrace, type AnalyzeInput, type AnalyzeOptions } from '../core/analyze';
import { HTTP_API_DEFAULT_BUDGET_MS, REST_API_DEFAULT_BUDGET_MS } from '../core/budget';
import type { FrontDoorKind } from '../core/model';
import type { Report } from '../core/report';
import { normalizeTraceId, parseTraceValue, type TraceParseResult } from '../ingest/xray';
import type { AwsClients } from './clients';
import { AwsSourceError, isCancellation, type AwsErrorCode } from './errors';
import { functionConfig, listApis, listRoutes, listStages, type ApiInfo, type RouteInfo } from './configSource';
import { routeIdKey, routeMatches } from '../core/endpoints';
import type { Architecture } from '../core/pricing';
import type { WhatIfOptions } from '../core/whatIf';
import { batchGetTraces, segmentDestination, trace504Filter, traceSummaries, transactionSearchOn } from './xraySource';
import { fetchSpans, findSlowSpans, type SpanHit } from './transactionSearch';
import { filterEvents, functionLogGroup, MAX_DOWNLOADED_EVENTS, reportLines } from './logsSource';
import { LogCollector, type LogsResult } from '../ingest/logs';
import { fallbackWarning, INSIGHTS_ABOVE_EVENTS, learnAccessLogFields, nearFloorMs, requestsOfTraces, RouteTableError, routeStatistics, type InsightsPlan, type InsightsTables } from './routeStatistics';

export interface Trace504Request {
  /** An API by name or id… */
  api?: string;
  /** …or a Lambda function by name. */
  functionName?: string;
  sinceMs: number;
  nowMs?: number;
  /** The most traces to fetch (slowest first). */
  maxTraces?: number;
  /** A budget given by the user: wins over the account's. */
  budgetOverrideMs?: number;
  /** The what-if's assumptions (`--headroom`, `--concurrency`, `--downstream-timeout-ms`). */
  whatIf?: WhatIfOptions;
  /** A price per GB-second given by the user (`--gb-second-usd`, timeoutLens.pricing.gbSecondUsd): wins over the table's. */
  gbSecondUsd?: number;
  /** The access-log field that names a client for retries after 504s (default: sourceIp + userAgent). */
  retryClientField?: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Also read the stage's access log and the functions' REPORT lines (default true). */
  includeLogs?: boolean;
  /**
   * An access log whose window holds at least this many events gets its route statistics from
   * Logs Insights instead of being downloaded whole (default INSIGHTS_ABOVE_EVENTS; tests force
   * it low). Infinity keeps every access log local.
   */
  insightsAboveEvents?: number;
  /** How Logs Insights is polled and how long a query may run (tests). */
  insightsPollMs?: number;
  insightsTimeoutMs?: number;
  /**
   * The first answer, while the rest is fetched: the worst request of the first page of
   * summaries, fetched and analyzed alone (no logs yet). Called at most once, before the run
   * returns; the run's result holds that request again, analyzed with everything.
   */
  onFirst?: (first: FirstAnswer) => void;
}

/** What `onFirst` receives: one request, analyzed with the routes' budgets. */
export interface FirstAnswer {
  report: Report;
  analyzed: AnalyzedTrace[];
  target: string;
}

export interface Trace504Result {
  report: Report;
  analyzed: AnalyzedTrace[];
  /** What went wrong or is worth knowing, in words the user can act on. */
  warnings: string[];
  /** What was traced, for titles: `orders-api (REST, stages prod)`. */
  target: string;
  summaries: number;
  /** What Live Updates needs to go on reading the same logs from where this run stopped. */
  follow: FollowState;
  /** The routes read from the account, with the function behind each (additive). */
  routes: Array<RouteInfo & { api: string }>;
  /**
   * Each call that failed, by its stable code (additive): the same failures as the matching
   * `warnings`, in a shape a message can count and offer the fix for.
   */
  failures: RunFailure[];
  /**
   * How many of the run's data sources answered (additive): each X-Ray search of a service and
   * each log group read. 0 with failures: nothing could be read at all.
   */
  sourcesRead: number;
}

/** One failed call of a run: what was being done, and the typed error's code, operation and IAM action. */
export interface RunFailure {
  code: AwsErrorCode;
  /** The AWS operation (`GetTraceSummaries`); empty when the error did not come from a call. */
  operation: string;
  /** The IAM action an access-denied error names. */
  action?: string;
  /** What the run was doing: `Could not search the traces of orders-api/prod`. */
  what: string;
  /** The whole warning, as in `warnings`. */
  message: string;
}

/** A failure of the run as a RunFailure (`message` is the warning text it was reported with). */
export function runFailure(e: unknown, what: string, message: string): RunFailure {
  if (!AwsSourceError.is(e)) return { code: 'service', operation: '', what, message };
  return { code: e.code, operation: e.operation, ...(e.action ? { action: e.action } : {}), what, message };
}

/** The log groups a Trace 504 run reads beside the traces. */
export interface LogPlan {
  /** The stages' access log groups, with the stage each belongs to. */
  accessGroups: Array<{ group: string; stage: string }>;
  /** The functions whose REPORT lines say how long they really ran. */
  functions: string[];
  api?: string;
}

/** A run's logs, kept open: more events can be pushed and the endpoints computed again. */
export interface FollowState {
  plan: LogPlan;
  collector: LogCollector;
  /** The analysis options of the run (the routes' real budgets, the API's kind). */
  options: AnalyzeOptions;
  /** Where the run's window began, and up to when each group has been read. */
  sinceMs: number;
  readUntilMs: Map<string, number>;
  /** The ids of the events already pushed, with their times (pruned as the polls move on). */
  seen: Map<string, number>;
  /** The route tables Logs Insights computed for the run's big access logs (Live Updates add to them). */
  insights?: InsightsTables;
}

/** A new collector for the plan's groups: the access log of a stage names neither the API nor the stage; its group does. */
export function collectorFor(plan: LogPlan, retryClientField?: string): LogCollector {
  const stageOfGroup = new Map(plan.accessGroups.map((a) => [a.group, a.stage]));
  return new LogCollector({ nameOf: (g) => (g && stageOfGroup.has(g) ? { ...(plan.api ? { api: plan.api } : {}), stage: stageOfGroup.get(g)! } : undefined), ...(retryClientField ? { retryClientField } : {}) });
}

/** Every group the plan reads: the access logs, then the functions' groups. */
export function planGroups(plan: LogPlan): string[] {
  return [...plan.accessGroups.map((a) => a.group), ...plan.functions.map(functionLogGroup)];
}

/**
 * Reads the plan's groups from `startMs` to `endMs` into the collector, side by side; a group
 * that fails becomes a warning naming the fix, and the others still count. Only events whose
 * id is not in `seen` are pushed, and their ids (with their times) are added to it: windows
 * that overlap, as polls do, count each event once; events of a group at or before its
 * `countedUntil` time are skipped (Logs Insights counted them).
 *
 * With `insights`, an access log whose pages reach `insights.aboveEvents` events stops being
 * downloaded: its route table and its 5xx and near-budget requests come from Logs Insights
 * (routeStatistics.ts) over the window up to `insights.untilMs`, and only those requests are
 * pushed. When Logs Insights cannot, the download goes on (up to filterEvents' cap) and a warning
 * says what the statistics cover and what to do.
 */
export async function readPlanLogs(
  clients: AwsClients,
  plan: LogPlan,
  collector: LogCollector,
  window: { startMs: number; endMs: number; signal?: AbortSignal; seen?: Map<string, number>; countedUntil?: Map<string, number>; insights?: InsightsPlan; failures?: RunFailure[] },
  warnings: string[],
  progress: (message: string) => void = (): void => undefined,
): Promise<{ pushed: number; failed: Set<string>; tables?: InsightsTables }> {
  let pushed = 0;
  const failed = new Set<string>();
  const failedTo = (group: string, what: string) => (e: unknown): void => {
    failed.add(group);
    warn(warnings, e, what, window.failures);
  };
  const take = (group: string, page: FilteredLogEvent[]): void => {
    const counted = window.countedUntil?.get(group);
    for (const e of page) {
      if (!e.message) continue;
      if (counted !== undefined && (e.timestamp ?? 0) <= counted) continue;
      if (window.seen && e.eventId) {
        if (window.seen.has(e.eventId)) continue;
        window.seen.set(e.eventId, e.timestamp ?? 0);
      }
      pushed++;
      collector.push(e.message, { where: `${group}#${e.eventId ?? ''}`, logGroup: group, ...(e.logStreamName ? { logStream: e.logStreamName } : {}), ...(e.timestamp !== undefined ? { timestamp: e.timestamp } : {}) });
    }
  };
  const signal = window.signal ? { signal: window.signal } : {};
  const big = window.insights;
  const tables: InsightsTables | undefined = big ? { rows: [], groups: new Map(), countedUntilMs: new Map(), localCounts: new Map(), asOfMs: big.untilMs } : undefined;
  const jobs: Array<Promise<void>> = [];
  for (const a of plan.accessGroups) {
    jobs.push(
      (async (): Promise<void> => {
        progress(`Reading the access log ${a.group}…`);
        const pages = filterEvents(clients, { group: a.group, startMs: window.startMs, endMs: window.endMs, ...signal });
        if (!big || !tables) {
          for await (const page of pages) take(a.group, page);
          return;
        }
        // The first pages say whether the group is small enough to download; they are held until then.
        const held: FilteredLogEvent[] = [];
        let next = await pages.next();
        while (!next.done && held.length < big.aboveEvents) {
          held.push(...next.value);
          if (held.length < big.aboveEvents) next = await pages.next();
        }
        if (next.done) {
          take(a.group, held);
          return;
        }
        progress(`${a.group} holds more than ${big.aboveEvents} requests in the window: asking Logs Insights for its route statistics…`);
        try {
          const fields = learnAccessLogFields(held.map((e) => e.message ?? ''));
          if (typeof fields === 'string') throw new RouteTableError(fields);
          const names = { ...(plan.api ? { api: plan.api } : {}), stage: a.stage };
          // Whole seconds, as StartQuery takes them: Live Updates then add exactly the events after it.
          const until = Math.floor(big.untilMs / 1000) * 1000;
          const stats = await routeStatistics(clients, {
            group: a.group,
            startMs: window.startMs,
            endMs: until,
            fields,
            names,
            nearFromMs: big.nearFromMs,
            ...signal,
            ...(big.pollMs ? { pollMs: big.pollMs } : {}),
            ...(big.timeoutMs !== undefined ? { timeoutMs: big.timeoutMs } : {}),
          });
          await pages.return(undefined);
          for (const e of stats.events) {
            pushed++;
            collector.push(e.message, { where: `${a.group}#insights`, logGroup: a.group, ...(e.logStream ? { logStream: e.logStream } : {}), ...(e.timestamp !== undefined ? { timestamp: e.timestamp } : {}) });
          }
          tables.rows.push(...stats.rows);
          tables.groups.set(a.group, { fields, names, rows: stats.rows });
          tables.countedUntilMs.set(a.group, until);
          tables.asOfMs = until;
          const total = stats.rows.reduce((n, r) => n + r.count, 0);
          warnings.push(`The endpoint statistics of ${a.group} (${total} requests) were computed by CloudWatch Logs Insights, not downloaded; its ${stats.events.length} 5xx and near-budget requests were fetched one by one.`);
        } catch (e) {
          if (isCancellation(e)) throw e;
          // The local engine on what can be downloaded: what was held, then the rest up to the cap.
          take(a.group, held);
          let n = held.length;
          // `next` is the page that filled `held`: the download goes on after it.
          for (next = await pages.next(); !next.done; next = await pages.next()) {
            take(a.group, next.value);
            n += next.value.length;
          }
          warnings.push(fallbackWarning(e, a.group, n, n < MAX_DOWNLOADED_EVENTS));
        }
      })().catch(failedTo(a.group, `Could not read the access log ${a.group} (endpoint statistics need it)`)),
    );
  }
  for (const fn of plan.functions) {
    jobs.push(
      (async (): Promise<void> => {
        for await (const page of reportLines(clients, fn, window.startMs, window.endMs, window.signal)) take(functionLogGroup(fn), page);
      })().catch(failedTo(functionLogGroup(fn), `Could not read the REPORT lines of ${fn}`)),
    );
  }
  await Promise.all(jobs);
  if (tables?.rows.length && big) {
    // Cold starts: the REPORT lines name the traces that began cold; the requests of those traces
    // that are not already here (5xx, near the budget) are fetched too, so each route counts them all.
    const logs = collector.finish();
    const have = new Set(logs.accessLogs.map((r) => r.xrayTraceId).filter((x): x is string => !!x));
    const cold = [...new Set(logs.invocations.filter((i) => i.initDurationMs !== undefined && i.xrayTraceId && !have.has(i.xrayTraceId)).map((i) => i.xrayTraceId!))];
    for (const [group, g] of tables.groups) {
      if (!cold.length) break;
      const caveat = `so the cold starts of ${group}'s routes count only among its 5xx and near-budget requests`;
      if (!g.fields.trace) {
        warnings.push(`The access log ${group} does not write $context.xrayTraceId, ${caveat}.`);
        continue;
      }
      try {
        const got = await requestsOfTraces(clients, { group, startMs: window.startMs, endMs: tables.countedUntilMs.get(group)!, fields: g.fields, names: g.names, ...signal, ...(big.pollMs ? { pollMs: big.pollMs } : {}), ...(big.timeoutMs !== undefined ? { timeoutMs: big.timeoutMs } : {}) }, cold);
        for (const e of got.events) {
          pushed++;
          collector.push(e.message, { where: `${group}#insights`, logGroup: group, ...(e.logStream ? { logStream: e.logStream } : {}), ...(e.timestamp !== undefined ? { timestamp: e.timestamp } : {}) });
        }
        if (got.left) warnings.push(`${got.left} traced cold starts were not looked up in ${group} (too many to ask Logs Insights for), ${caveat} and the first ones.`);
      } catch (e) {
        if (isCancellation(e)) throw e;
        warnings.push(`Logs Insights could not fetch the requests of the traces that began cold (${e instanceof Error ? e.message : String(e)}), ${caveat}.`);
      }
    }
    const acc = collector.finish().routeLatencies;
    for (const r of tables.rows) tables.localCounts.set(routeIdKey(r), acc.routeTotals(r)?.count ?? 0);
  }
  return { pushed, failed, ...(tables?.rows.length ? { tables } : {}) };
}

/** How a Trace 504 run reads its big access logs: up to its now, near misses from the smallest budget of its routes. */
function insightsPlanOf(req: Trace504Request, routes: RouteInfo[], now: number): InsightsPlan {
  return {
    aboveEvents: req.insightsAboveEvents ?? INSIGHTS_ABOVE_EVENTS,
    nearFromMs: nearFloorMs(routes.map((r) => r.timeoutMs), req.budgetOverrideMs),
    untilMs: now,
    ...(req.insightsPollMs ? { pollMs: req.insightsPollMs } : {}),
    ...(req.insightsTimeoutMs !== undefined ? { timeoutMs: req.insightsTimeoutMs } : {}),
  };
}

/**
 * A retrieval's window starts this long before the run's: a request is retrieved by when its trace
 * began, and a 504 of the access log may have begun up to a budget (and retries) earlier.
 */
const SPAN_WINDOW_SLACK_MS = 5 * 60_000;

/** Summaries looked at, at most, before choosing the slowest. */
const MAX_SUMMARIES = 2000;

/** At most this many functions behind an API have their configuration read (one GetFunctionConfiguration each). */
const MAX_CONFIG_LOOKUPS = 10;

/** At most this many APIs are searched for the one in front of a function (REST APIs cost a call per method). */
const MAX_APIS_SEARCHED = 12;

/**
 * The API whose routes invoke a function (HTTP APIs first: two calls each), its routes to that
 * function, and the names of other APIs in front of it; undefined when none of the first
 * MAX_APIS_SEARCHED APIs is.
 */
export async function apiInFrontOf(clients: AwsClients, fn: string, signal?: AbortSignal): Promise<{ api: ApiInfo; routes: RouteInfo[]; others: string[] } | undefined> {
  const apis = (await listApis(clients, signal)).sort((a, b) => Number(b.kind === 'http') - Number(a.kind === 'http')).slice(0, MAX_APIS_SEARCHED);
  let found: { api: ApiInfo; routes: RouteInfo[]; others: string[] } | undefined;
  for (const a of apis) {
    let routes: RouteInfo[];
    try {
      routes = (await listRoutes(clients, a, signal)).filter((r) => r.functionName === fn);
    } catch (e) {
      if (isCancellation(e)) throw e;
      continue; // one API that cannot be read does not hide the others
    }
    if (!routes.length) continue;
    if (found) found.others.push(a.name);
    else found = { api: a, routes, others: [] };
  }
  return found;
}

/** The engine's `configured` option: the real integration timeout of the route a request went to. */
export function configuredBudgets(api: ApiInfo | undefined, routes: RouteInfo[]): NonNullable<AnalyzeOptions['configured']> {
  return (entryName: string, kind: FrontDoorKind, request: { method?: string; url?: string }): number | undefined => {
    if (!api || !routes.length) return undefined;
    const stage = entryName.split('/')[1] ?? '';
    // A trace that starts at the function (HTTP APIs are not traced) is named after the
    // function: the longest timeout of the routes in front of it is the one it can be held to.
    const fromFunction = kind === 'lambda' || !entryName.includes('/');
    const own = routes.filter((r) => r.functionName === entryName);
    return routeOf(routes, stage, request.method, request.url)?.timeoutMs ?? (fromFunction ? Math.max(...(own.length ? own : routes).map((r) => r.timeoutMs ?? 0)) || undefined : undefined);
  };
}

/** 504s first, then the slowest: the order requests are worth looking at. */
function worseFirst(a: TraceSummary, b: TraceSummary): number {
  const status = (s: TraceSummary): number => s.Http?.HttpStatus ?? 0;
  return Number(status(b) === 504) - Number(status(a) === 504) || (b.ResponseTime ?? 0) - (a.ResponseTime ?? 0);
}

function warn(warnings: string[], e: unknown, what: string, failures?: RunFailure[]): void {
  if (isCancellation(e)) throw e;
  const message = `${what}: ${AwsSourceError.is(e) ? e.message : e instanceof Error ? e.message : String(e)}`;
  warnings.push(message);
  failures?.push(runFailure(e, what, message));
}

/** The route a traced request went to: method + the URL's path without the stage prefix. */
function routeOf(routes: RouteInfo[], stage: string, method: string | undefined, url: string | undefined): RouteInfo | undefined {
  if (!url) return undefined;
  let path: string;
  if (url.startsWith('/')) {
    // A route template from an access log (`/orders/{id}`): the same as the route's.
    const exact = routes.find((r) => r.path === url && (r.method === 'ANY' || !method || r.method === method.toUpperCase()));
    if (exact) return exact;
    path = url;
  } else {
    try {
      path = new URL(url).pathname;
    } catch {
      return undefined;
    }
    if (path.startsWith(`/${stage}/`) || path === `/${stage}`) path = path.slice(stage.length + 1) || '/';
  }
  return routes.find((r) => (r.method === 'ANY' || !method || r.method === method.toUpperCase()) && routeMatches(r.path, path));
}

export async function trace504(clients: AwsClients, req: Trace504Request): Promise<Trace504Result> {
  const progress = req.onProgress ?? ((): void => undefined);
  const warnings: string[] = [];
  const failures: RunFailure[] = [];
  /** The X-Ray searches and log groups that answered. */
  let sourcesRead = 0;
  const now = req.nowMs ?? Date.now();
  const services: string[] = [];
  let routes: RouteInfo[] = [];
  let api: ApiInfo | undefined;
  let target: string;
  let filterBudget: number;
  const stages: string[] = [];
  const accessGroups: Array<{ group: string; stage: string }> = [];
  /** Function → runtime, so the fixes speak the function's language. */
  const runtimes: Record<string, string> = {};
  /** Function → its configured timeout: a function allowed to run longer than the API waits is a finding. */
  const functionTimeouts: Record<string, number> = {};
  /** Function → architecture and memory: the price of its work after the cut; the what-if's memory fix. */
  const architectures: Record<string, Architecture> = {};
  const memoryMb: Record<string, number> = {};

  if (req.api) {
    progress(`Looking up API ${req.api}…`);
    const apis = await listApis(clients, req.signal);
    api = apis.find((a) => a.name === req.api || a.id === req.api);
    if (!api) {
      const names = apis.map((a) => a.name).join(', ') || 'none';
      throw new AwsSourceError('service', `No API named "${req.api}" in ${clients.describe()}. APIs there: ${names}.`, 'GetRestApis');
    }
    progress(`Reading the stages and integration timeouts of ${api.name}…`);
    const found = api;
    const [stagesResult, routesResult] = await Promise.allSettled([listStages(clients, found, req.signal), listRoutes(clients, found, req.signal)]);
    if (stagesResult.status === 'fulfilled') {
      for (const st of stagesResult.value) {
        stages.push(st.name);
        if (st.accessLogGroup) accessGroups.push({ group: st.accessLogGroup, stage: st.name });
      }
    }
    else warn(warnings, stagesResult.reason, 'Could not list the stages', failures);
    if (routesResult.status === 'fulfilled') routes = routesResult.value;
    else warn(warnings, routesResult.reason, 'Could not read the integration timeouts (the default budget is used)', failures);
    const defaultBudget = api.kind === 'http' ? HTTP_API_DEFAULT_BUDGET_MS : REST_API_DEFAULT_BUDGET_MS;
    filterBudget = req.budgetOverrideMs ?? Math.min(...routes.map((r) => r.timeoutMs ?? defaultBudget), defaultBudget * 10);
    if (!Number.isFinite(filterBudget)) filterBudget = defaultBudget;
    if (api.kind === 'rest' || api.kind === 'websocket') {
      for (const s of stages.length ? stages : ['prod']) services.push(`${api.name}/${s}`);
    } else {
      // API Gateway does not trace HTTP APIs: follow the functions behind the routes.
      for (const fn of new Set(routes.map((r) => r.functionName).filter((x): x is string => !!x))) services.push(fn);
      warnings.push(`${api.name} is an HTTP API, which API Gateway does not trace: these are the traces of the functions behind its routes, and its 504s are best counted from its access logs.`);
    }
    target = `${api.name} (${api.kind.toUpperCase()} API${stages.length ? `, stage${stages.length > 1 ? 's' : ''} ${stages.join(', ')}` : ''})`;
  } else if (req.functionName) {
    const fn = req.functionName;
    services.push(fn);
    // The API in front of the function holds it to its budget: without it a function that ran past
    // an untraced HTTP API's 30 s would read as answered.
    progress(`Looking for the API in front of ${fn}…`);
    const [cfgResult, frontResult] = await Promise.allSettled([functionConfig(clients, fn, req.signal), apiInFrontOf(clients, fn, req.signal)]);
    if (frontResult.status === 'fulfilled' && frontResult.value) {
      const front = frontResult.value;
      api = front.api;
      routes = front.routes;
      if (front.others.length) warnings.push(`${fn} is behind more than one API (${[api.name, ...front.others].join(', ')}): these are its traces against ${api.name}'s budget.`);
      try {
        for (const st of await listStages(clients, api, req.signal)) {
          stages.push(st.name);
          if (st.accessLogGroup) accessGroups.push({ group: st.accessLogGroup, stage: st.name });
        }
      } catch (e) {
        warn(warnings, e, `Could not list the stages of ${api.name}`, failures);
      }
      if (api.kind === 'http') warnings.push(`${api.name} is an HTTP API, which API Gateway does not trace: its 504s are inferred from the budget, and best counted from its access logs.`);
    } else if (frontResult.status === 'rejected') {
      warn(warnings, frontResult.reason, `Could not look for the API in front of ${fn} (its traces that start at the function have no budget)`, failures);
    }
    const defaultBudget = api?.kind === 'http' ? HTTP_API_DEFAULT_BUDGET_MS : REST_API_DEFAULT_BUDGET_MS;
    filterBudget = req.budgetOverrideMs ?? Math.min(...routes.map((r) => r.timeoutMs ?? defaultBudget), defaultBudget);
    if (cfgResult.status === 'fulfilled') {
      if (!req.budgetOverrideMs && cfgResult.value.timeoutMs < filterBudget) filterBudget = cfgResult.value.timeoutMs;
      if (cfgResult.value.runtime) runtimes[fn] = cfgResult.value.runtime;
      if (cfgResult.value.architecture) architectures[fn] = cfgResult.value.architecture;
      memoryMb[fn] = cfgResult.value.memoryMb;
      if (api) functionTimeouts[fn] = cfgResult.value.timeoutMs;
    } else warn(warnings, cfgResult.reason, `Could not read the configuration of ${fn}`, failures);
    target = `function ${fn}${api ? ` (behind ${api.name}, ${api.kind.toUpperCase()} API)` : ''}`;
  } else {
    throw new AwsSourceError('service', 'Trace 504 needs an API or a function to trace.', 'GetTraceSummaries');
  }

  // The configuration of the functions behind an API's routes (a few at most), read while the
  // traces come: their runtimes word the fixes, their timeouts meet the budget in front of them.
  const behind = req.api ? [...new Set(routes.map((r) => r.functionName).filter((x): x is string => !!x))].slice(0, MAX_CONFIG_LOOKUPS) : [];
  const configsDone = Promise.allSettled(behind.map((f) => functionConfig(clients, f, req.signal)));

  // The engine's options: each route's real budget, and what the functions' configurations say.
  const configured = configuredBudgets(api, routes);
  const frontDoor = api;
  const optionsDone = configsDone.then((configs): AnalyzeOptions => {
    for (const c of configs) {
      if (c.status !== 'fulfilled') continue;
      if (c.value.runtime) runtimes[c.value.name] = c.value.runtime;
      if (c.value.architecture) architectures[c.value.name] = c.value.architecture;
      memoryMb[c.value.name] = c.value.memoryMb;
      functionTimeouts[c.value.name] = c.value.timeoutMs;
    }
    const region = clients.connection.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    return {
      ...(req.whatIf ? { whatIf: req.whatIf } : {}),
      // The what-if's memory fix needs each function's memory size.
      ...(Object.keys(memoryMb).length ? { functionMemoryMb: memoryMb } : {}),
      // The per-day rates scale the window the logs are read for.
      logWindowMs: Math.max(0, now - req.sinceMs),
      pricing: {
        ...(region ? { region } : {}),
        ...(req.gbSecondUsd !== undefined ? { gbSecondUsd: req.gbSecondUsd } : {}),
        architectures,
        memoryMb,
      },
      ...(Object.keys(runtimes).length ? { functionRuntimes: runtimes } : {}),
      ...(Object.keys(functionTimeouts).length ? { functionTimeouts } : {}),
      ...(req.budgetOverrideMs ? { overrideMs: req.budgetOverrideMs } : {}),
      configured,
      // A function chosen on its own: its traces that start at a stage know their front door; those
      // that start at the function have no gateway budget to be held to (only its own timeout).
      ...(frontDoor ? { apiType: frontDoor.kind } : {}),
    };
  });

  // The first answer: the worst request of the first page, fetched while the other pages come.
  let first: Promise<unknown[]> | undefined;
  let firstId: string | undefined;
  const startFirst = (page: TraceSummary[]): void => {
    if (!req.onFirst || first) return;
    const worst = [...page].sort(worseFirst)[0]?.Id;
    if (!worst) return;
    firstId = worst;
    const onFirst = req.onFirst;
    first = batchGetTraces(clients, [worst], req.signal ? { signal: req.signal } : {}).then(async (got) => {
      if (!got.traces.length) return [];
      const parsedFirst = parseTraceValue({ Traces: got.traces }, 'x-ray');
      const { report, analyzed } = analyze(parsedFirst, await optionsDone);
      try {
        if (analyzed.length) onFirst({ report, analyzed, target });
      } catch {
        // What the caller does with the first answer is not the run's failure.
      }
      return got.traces;
    });
    first.catch(() => undefined); // awaited below, where a failure is a warning
  };

  // Transaction Search: asked beside the X-Ray search. When it is on, X-Ray indexes only a sample
  // of the spans, and aws/spans is searched too (Logs Insights on the services' root spans).
  const spanQuery = { startMs: req.sinceMs, endMs: now, ...(req.signal ? { signal: req.signal } : {}), ...(req.insightsPollMs ? { pollMs: req.insightsPollMs } : {}), ...(req.insightsTimeoutMs !== undefined ? { timeoutMs: req.insightsTimeoutMs } : {}) };
  /** aws/spans answered the search: it holds every request, so X-Ray's sampling hides none. */
  let spansSearched = false;
  const spansDone: Promise<SpanHit[] | undefined> = segmentDestination(clients, req.signal).then(
    async (d) => {
      if (!transactionSearchOn(d)) return undefined;
      progress(`Transaction Search is on: searching aws/spans for slow requests of ${services.join(', ')}…`);
      try {
        const hits = await findSlowSpans(clients, services, filterBudget, spanQuery);
        sourcesRead++;
        spansSearched = true;
        return hits;
      } catch (e) {
        warn(warnings, e, `Could not search the spans of ${services.join(', ')} in aws/spans (only the requests X-Ray indexed are shown)`, failures);
        return [];
      }
    },
    (e: unknown) => {
      warn(warnings, e, 'Could not learn whether Transaction Search is on (only the requests X-Ray indexed are shown)', failures);
      return undefined;
    },
  );
  // Awaited below; a cancellation meanwhile is not lost unhandled.
  spansDone.catch(() => undefined);

  // 1. Which requests: summaries of the 504s and near-budget requests, slowest first.
  const summaries: TraceSummary[] = [];
  for (const service of services) {
    progress(`Searching X-Ray for slow requests of ${service}…`);
    try {
      for await (const page of traceSummaries(clients, { startMs: req.sinceMs, endMs: now, filter: trace504Filter(service, filterBudget), ...(req.signal ? { signal: req.signal } : {}) })) {
        summaries.push(...page);
        startFirst(page);
        progress(`Found ${summaries.length} slow request(s)…`);
        if (summaries.length >= MAX_SUMMARIES) break;
      }
      sourcesRead++;
    } catch (e) {
      warn(warnings, e, `Could not search the traces of ${service}`, failures);
    }
  }
  summaries.sort(worseFirst);
  const ids = [...new Set(summaries.map((s) => s.Id).filter((x): x is string => !!x))].slice(0, req.maxTraces ?? 50);

  // 2. The traces themselves, and (at the same time) the logs: every request of the window in
  // the access log, and the REPORT lines of the functions, which say how long they really ran.
  const fns = new Set<string>(routes.map((r) => r.functionName).filter((x): x is string => !!x));
  if (req.functionName) fns.add(req.functionName);
  const plan: LogPlan = { accessGroups, functions: [...fns], ...(api ? { api: api.name } : {}) };
  const collector = collectorFor(plan, req.retryClientField);
  const seen = new Map<string, number>();
  const logsUntil = now + 900_000; // REPORT lines come when the function ends, which can be after the window
  const logsDone =
    req.includeLogs === false
      ? Promise.resolve(undefined)
      : readPlanLogs(clients, plan, collector, { startMs: req.sinceMs, endMs: logsUntil, seen, ...(req.signal ? { signal: req.signal } : {}), insights: insightsPlanOf(req, routes, now), failures }, warnings, progress).then((read) => {
          sourcesRead += planGroups(plan).filter((g) => !read.failed.has(g)).length;
          return { logs: collector.finish(), ...(read.tables ? { tables: read.tables } : {}) };
        });
  // Awaited below; if the traces fail (or are cancelled) first, this rejection is not lost unhandled.
  logsDone.catch(() => undefined);

  // Each trace is parsed as it comes, while the other calls are in flight.
  const parsed: TraceParseResult = { traces: [], errors: [] };
  const parse = (traces: unknown[]): void => {
    const p = parseTraceValue({ Traces: traces }, 'x-ray');
    parsed.traces.push(...p.traces);
    parsed.errors.push(...p.errors);
  };
  // The first answer's trace is not fetched twice (unless fetching it failed).
  let firstFetched = false;
  if (first) {
    try {
      const got = await first;
      if (got.length) {
        parse(got);
        firstFetched = true;
      }
    } catch (e) {
      if (isCancellation(e)) throw e;
    }
  }
  const rest = firstFetched ? ids.filter((id) => id !== firstId) : ids;
  if (rest.length) {
    progress(`Fetching ${ids.length} trace(s)…`);
    const got = await batchGetTraces(clients, rest, {
      ...(req.signal ? { signal: req.signal } : {}),
      onProgress: (done) => progress(`Fetched ${done + ids.length - rest.length} of ${ids.length} trace(s)…`),
      onTraces: parse,
    });
    for (const f of got.failures) {
      const message = `${f.ids.length} trace(s) could not be fetched: ${f.error.message}`;
      warnings.push(message);
      failures.push(runFailure(f.error, `${f.ids.length} trace(s) could not be fetched`, message));
    }
    if (got.unprocessed.length) warnings.push(`X-Ray did not return ${got.unprocessed.length} trace(s) after retries (UnprocessedTraceIds); try again in a minute.`);
  }

  // 3. The engine, with each route's real budget.
  if (!ids.length) parsed.errors.length = 0; // an empty search is not a damaged file
  const options = await optionsDone;
  const logs = await logsDone;
  // Transaction Search: the requests X-Ray did not index, from aws/spans (the slow ones it found,
  // then the access log's 504s whose trace X-Ray does not have), each trace once.
  const hits = await spansDone;
  let onlyInSpans = 0;
  if (hits) {
    const have = new Set(parsed.traces.map((t) => t.traceId));
    // X-Ray's own search is the index: a request it found (fetched, or left out as less slow) is not Transaction Search's find.
    const indexed = new Set([...have, ...summaries.map((x) => x.Id).filter((x): x is string => !!x)]);
    const wanted = new Set<string>();
    for (const h of hits) if (!indexed.has(h.traceId)) wanted.add(h.traceId);
    for (const a of logs?.logs.accessLogs ?? []) {
      const id = a.status === 504 && a.xrayTraceId ? normalizeTraceId(a.xrayTraceId) : null;
      if (id && !indexed.has(id)) wanted.add(id);
    }
    const toFetch = [...wanted].slice(0, req.maxTraces ?? 50);
    if (toFetch.length) {
      progress(`Fetching ${toFetch.length} trace(s) X-Ray did not index from Transaction Search…`);
      try {
        const got = await fetchSpans(clients, toFetch, { ...spanQuery, startMs: req.sinceMs - SPAN_WINDOW_SLACK_MS, ...(req.insightsPollMs ? { retrievalPollMs: req.insightsPollMs } : {}) });
        for (const f of got.errors) {
          warnings.push(f.message);
          failures.push(runFailure(f.error, f.what, f.message));
        }
        for (const t of got.parsed.traces) {
          if (have.has(t.traceId)) continue;
          have.add(t.traceId);
          t.foundBy = 'transaction-search';
          parsed.traces.push(t);
          onlyInSpans++;
        }
        parsed.errors.push(...got.parsed.errors);
      } catch (e) {
        warn(warnings, e, `Could not fetch the ${toFetch.length} trace(s) Transaction Search holds and X-Ray did not index`, failures);
      }
    }
    if (ids.length || onlyInSpans) {
      warnings.push(
        `Transaction Search is on: ${onlyInSpans} request(s) were found only in aws/spans (X-Ray had not indexed their traces)${hits.length ? `, of ${hits.length} slow request(s) there` : ''}.`,
      );
    } else if (!warnings.length) {
      warnings.push(`Neither X-Ray nor Transaction Search (aws/spans) holds a 504 or near-budget request of ${target} in this window.`);
    }
  }
  const { report, analyzed } = analyze({ ...parsed, ...(logs ? { ...logsInput(logs.logs), ...(logs.tables ? { routeTables: logs.tables.rows } : {}) } : {}) }, options);
  if (!ids.length && !onlyInSpans && !warnings.length) {
    warnings.push(`X-Ray holds no 504 or near-budget request of ${target} in this window. X-Ray samples about 1 request per second plus 5% of the rest, so a rare 504 can be missing: its access logs count every request.`);
  } else if (!spansSearched && report.traces.some((t) => t.verdict === 'timeout')) {
    warnings.push('X-Ray samples about 1 request per second plus 5% of the rest: more requests may have timed out than these traces show.');
  }
  const readUntilMs = new Map<string, number>();
  if (req.includeLogs !== false) for (const g of planGroups(plan)) readUntilMs.set(g, now);
  return {
    report,
    analyzed,
    warnings,
    target,
    summaries: summaries.length,
    follow: { plan, collector, options, sinceMs: req.sinceMs, readUntilMs, seen, ...(logs?.tables ? { insights: logs.tables } : {}) },
    routes: api ? routes.map((r) => ({ ...r, api: api.name })) : [],
    failures,
    sourcesRead,
  };
}

/** What the engine takes from a collector's result. */
export function logsInput(logs: LogsResult): Pick<AnalyzeInput, 'invocations' | 'accessLogs' | 'routeLatencies' | 'retryLog' | 'executionLogs'> {
  return { invocations: logs.invocations, accessLogs: logs.accessLogs, routeLatencies: logs.routeLatencies, retryLog: logs.retryLog, executionLogs: logs.executionLogs };
}
