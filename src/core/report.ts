// The report: the public JSON contract of `timeout-lens analyze --json` (see
// ../shared/design/REPORT_FORMAT.md) and what every surface of the extension shows.
// Fields are only ever added, never renamed; schemaVersion changes when a meaning does.

import type { FrontDoorKind, Namespace } from './model';

export const REPORT_SCHEMA_VERSION = 1;

export type Severity = 'high' | 'elevated' | 'info';

/** How grave a severity is, higher is worse (`--fail-on` compares with it). */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { high: 3, elevated: 2, info: 1 };

export type FindingId =
  | 'integration-timeout'
  | 'approaching-budget'
  | 'cold-start-tipped'
  | 'work-after-cut'
  | 'slow-downstream'
  | 'sequential-calls'
  | 'throttled-downstream'
  | 'lambda-timeout-exceeds-integration'
  | 'lambda-timed-out'
  | 'unsampled-timeouts'
  | 'lost-subsegments'
  | 'function-error'
  | 'retry-after-timeout';

export interface Finding {
  id: FindingId;
  severity: Severity;
  title: string;
  detail: string;
  fix: string;
  evidence: Record<string, number | string | boolean | null | string[]>;
  traceId?: string;
  route?: string;
  function?: string;
  /** Span ids this finding is about (the waterfall highlights them). Additive field. */
  spanIds?: string[];
  /**
   * Additive: the place in a file the finding is about (a template's `Timeout: 60`), 1-based line
   * and column as editors and compilers print them; `file` as the reader was given it.
   */
  location?: FindingLocation;
}

/** A place in a file, 1-based. */
export interface FindingLocation {
  file: string;
  line: number;
  column: number;
}

export type BudgetSource =
  | 'rest-api-default'
  | 'http-api-default'
  | 'websocket-api-default'
  | 'configured'
  | 'cli'
  | 'none';

export type Verdict = 'timeout' | 'near' | 'error' | 'ok';

/** How grave a verdict is, higher is worse: the one order every list of requests sorts by. */
export const VERDICT_SEVERITY: Readonly<Record<Verdict, number>> = { timeout: 3, error: 2, near: 1, ok: 0 };

export interface DownstreamTotal {
  name: string;
  operation?: string;
  namespace: Namespace | null;
  ms: number;
  calls: number;
}

export interface Breakdown {
  gatewayMs: number;
  coldStartMs: number;
  coldStartKind: 'init' | 'restore' | null;
  handlerMs: number;
  overheadMs: number;
  downstream: DownstreamTotal[];
}

/**
 * How the client's status is known: the front door's own segment (`trace`), the access log's
 * record of the request (`access-log`), or the budget (`budget`: a trace that starts at the
 * function behind an untraced front door such as an HTTP API ran past the budget, so the
 * client got a 504 at the budget whatever the function's own segment says).
 */
export type StatusSource = 'trace' | 'access-log' | 'budget';

export interface TraceEntry {
  kind: FrontDoorKind;
  name: string;
  method?: string;
  url?: string;
  status: number | null;
  /** Additive: how `status` is known; absent when it is not. */
  statusSource?: StatusSource;
}

export interface TraceReport {
  traceId: string;
  entry: TraceEntry;
  budgetMs: number | null;
  budgetSource: BudgetSource;
  totalMs: number;
  verdict: Verdict;
  breakdown: Breakdown;
  functionEndAtMs: number | null;
  cutAtMs: number | null;
  afterCutMs: number | null;
  findings: Finding[];
  /**
   * Additive: epoch ms of the request's start, which every `*AtMs` counts from: the entry span's
   * start, or the Initialization's when the entry is a function segment that began after it.
   */
  startTimeMs?: number;
  /** Additive: what each fix that applies would make of this request (whatIf.ts, REPORT_FORMAT.md). */
  whatIf?: TraceWhatIf;
}

/** The kinds of fix a what-if predicts. */
export type WhatIfFixKind = 'remove-cold-start' | 'concurrent-calls' | 'batch-calls' | 'cap-downstream' | 'raise-memory' | 'queue-202';

/** One fix and the request's total under it. */
export interface WhatIfFix {
  /** Unique within the trace: the kind, and for a fix on calls `:<target>` (`batch-calls:DynamoDB GetItem`). */
  id: string;
  kind: WhatIfFixKind;
  title: string;
  /** How the prediction was computed, in plain words with its numbers. */
  rule: string;
  predictedMs: number;
  /** `baseMs` − `predictedMs`. */
  savedMs: number;
  /** predicted ≤ budget × (1 − headroom); null without a budget. */
  fits: boolean | null;
  /** budget − predicted (negative: still over); absent without a budget. */
  marginMs?: number;
  /** Set when the prediction rests on an assumption about the code (memory: CPU-bound time). */
  estimate?: boolean;
  /** The downstream target the fix is about (`DynamoDB GetItem`). */
  target?: string;
  spanIds?: string[];
}

/** A fix that was not predicted, and why (the memory size is unknown, …). */
export interface WhatIfSkipped {
  kind: WhatIfFixKind;
  reason: string;
}

/** What the fixes that apply to one request would buy. */
export interface TraceWhatIf {
  /** What the predictions start from: the client's wait, or past a cut the function's own end. */
  baseMs: number;
  budgetMs: number | null;
  /** The share of the budget kept free (0.2). */
  headroom: number;
  /** budget × (1 − headroom), rounded down; null without a budget. */
  limitMs: number | null;
  fixes: WhatIfFix[];
  /** The smallest set of fixes whose combined prediction is under `limitMs`; null when none is (or no budget). */
  enough: { fixIds: string[]; predictedMs: number; marginMs?: number } | null;
  skipped: WhatIfSkipped[];
}

/** A route's p99 over its traced requests, now and after each kind of fix. */
export interface RouteWhatIf {
  /** How many traced requests of the route the p99s are over. */
  traces: number;
  p99Ms: number;
  limitMs: number | null;
  fixes: Array<{ kind: WhatIfFixKind; title: string; p99Ms: number; fits: boolean | null }>;
}

export interface EndpointStats {
  api: string;
  stage: string;
  method: string;
  route: string;
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  timeouts: number;
  errors5xx: number;
  coldStarts: number;
  budgetMs: number;
  /** Additive: requests that took at least 80% of the budget without timing out (the next 504s). */
  nearMisses?: number;
  /** Additive: the p99 of this route's traced requests after each kind of fix (whatIf.ts). */
  whatIf?: RouteWhatIf;
  /** Additive: clients that called the route again soon after a 504 (finding `retry-after-timeout`). */
  retries?: EndpointRetries;
  /** Additive: what the work after the cut of the route's 504s costs (finding `work-after-cut`). */
  afterCutCost?: AfterCutCost;
}

/** A route's retries after its 504s, from the access log (core/retries.ts). */
export interface EndpointRetries {
  /** Calls that repeated a 504 of the same client and route within `windowMs` of its answer. */
  retries: number;
  /** Of the 504s repeated, those whose function ran past the budget (its REPORT line): work done twice. */
  repeatedRanPastCut: number;
  /** Of the 504s repeated, those no REPORT line could be joined to (no trace id): not known. */
  repeatedNotJoined: number;
  /** Retries that got a 504 again. */
  timedOutAgain: number;
  clients: number;
  windowMs: number;
  /** Records of the route that name no client (or no time): not checked for retries. */
  uncheckedRecords: number;
}

/** The price of a route's work after the cut (core/money.ts); per day is an extrapolation of the window. */
export interface AfterCutCost {
  /** 504s whose REPORT line was joined (the averages are over them). */
  matched: number;
  gbSecondsPerRequest: number;
  /** The after-cut compute of one 504, in USD. */
  usdPerRequest: number;
  /** The request charge of one invocation, in USD. */
  requestUsd: number;
  /** The window the rates are measured over (ms; at least one hour). */
  windowMs: number;
  /** The route's 504s scaled from the window to 24 h. */
  timeoutsPerDay: number;
  gbSecondsPerDay: number;
  /** (usdPerRequest + requestUsd) × timeoutsPerDay: an extrapolation, not a bill. */
  usdPerDay: number;
  gbSecondUsd: number;
  architecture: 'x86_64' | 'arm64';
  architectureAssumed: boolean;
  region: string;
  regionAssumed: boolean;
  /** `table` (the public price, core/pricing.ts) or `option` (a price given by the user). */
  priceSource: 'table' | 'option';
}

export interface ReportError {
  source: string;
  message: string;
  /** Additive: `skipped` (left out of the analysis) or `repaired` (used, with a repair or a caveat). */
  kind?: 'skipped' | 'repaired';
}

export interface Report {
  schemaVersion: number;
  traces: TraceReport[];
  endpoints: EndpointStats[];
  findings: Finding[];
  errors: ReportError[];
}
