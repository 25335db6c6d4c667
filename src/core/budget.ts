// The integration budget in front of a request: how long the front door waits before it gives
// up with a 504. Defaults per API type (DOMAIN.md §1), overridden by the account's configured
// timeoutInMillis or by the user (CLI flag / setting).
import type { FrontDoorKind } from './model';
import type { BudgetSource } from './report';

/** REST APIs: 29 s unless raised through Service Quotas (Regional and private APIs only). */
export const REST_API_DEFAULT_BUDGET_MS = 29_000;
/** HTTP APIs: 30 s, cannot be raised. */
export const HTTP_API_DEFAULT_BUDGET_MS = 30_000;
/** WebSocket APIs: 29 s. */
export const WEBSOCKET_API_DEFAULT_BUDGET_MS = 29_000;

export type ApiType = 'rest' | 'http' | 'websocket';

export interface BudgetOptions {
  /** A budget given by the user (`--budget-ms`, the budgetMs setting): wins over everything. */
  overrideMs?: number;
  /** The budget read from the account (the route's integration timeoutInMillis), by entry (`api/stage`, method, URL). */
  configured?: (entryName: string, kind: FrontDoorKind, request: { method?: string; url?: string }) => number | undefined;
  /** What the front door is when the trace cannot tell (e.g. HTTP APIs are not traced by API Gateway). */
  apiType?: ApiType;
}

export interface Budget {
  budgetMs: number | null;
  source: BudgetSource;
}

const DEFAULTS: Record<ApiType, Budget> = {
  rest: { budgetMs: REST_API_DEFAULT_BUDGET_MS, source: 'rest-api-default' },
  http: { budgetMs: HTTP_API_DEFAULT_BUDGET_MS, source: 'http-api-default' },
  websocket: { budgetMs: WEBSOCKET_API_DEFAULT_BUDGET_MS, source: 'websocket-api-default' },
};

/** The front-door kind of an API type (the inverse of `apiTypeOf`). */
export function kindOfApi(type: ApiType): FrontDoorKind {
  return type === 'rest' ? 'rest-api' : type === 'http' ? 'http-api' : 'websocket-api';
}

export function apiTypeOf(kind: FrontDoorKind): ApiType | undefined {
  return kind === 'rest-api' ? 'rest' : kind === 'http-api' ? 'http' : kind === 'websocket-api' ? 'websocket' : undefined;
}

/** The budget for a request whose entry is `kind` named `entryName`. */
export function budgetFor(kind: FrontDoorKind, entryName: string, options: BudgetOptions = {}, request: { method?: string; url?: string } = {}): Budget {
  if (options.overrideMs !== undefined && options.overrideMs > 0) return { budgetMs: options.overrideMs, source: 'cli' };
  const configured = options.configured?.(entryName, kind, request);
  if (configured !== undefined && configured > 0) return { budgetMs: configured, source: 'configured' };
  const type = apiTypeOf(kind) ?? options.apiType;
  return type ? DEFAULTS[type] : { budgetMs: null, source: 'none' };
}
