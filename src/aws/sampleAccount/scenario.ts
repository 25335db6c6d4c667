// The living scenario behind the sample account: an `orders-api` REST API (a healthy route, one
// near its budget, and POST /reports, whose N+1 DynamoDB reads run past the 29 s the gateway
// waits, on a function with a 60 s timeout) and a `catalog-api` HTTP API (30 s) in front of a
// Python function whose 35 s timeout outlasts it. Requests are generated deterministically per
// minute from a seed, so any window can be (re)built on demand without timers; each request yields consistent X-Ray documents and log lines (same ids, same
// durations). X-Ray samples the first request of each second and 5% of the rest. With Transaction
// Search on (an account option), the OpenTelemetry-instrumented function's requests, sampled or
// not, also have their spans in the `aws/spans` log group.

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

export interface FunctionDef {
  name: string;
  timeoutS: number;
  memoryMb: number;
  runtime: string;
  handler: string;
  /** The execution role's name, when not `<name>-role` (the Serverless Framework shares one per service and stage). */
  role?: string;
  /**
   * Instrumented with OpenTelemetry (the ADOT layer, every request traced): with Transaction
   * Search on, the spans of all its requests land in `aws/spans`, while X-Ray's index keeps only
   * its sample (records.ts `spanRecords`).
   */
  otel?: boolean;
}

export interface RouteDef {
  api: ApiDef;
  method: string;
  path: string;
  fn: FunctionDef;
  timeoutMs: number;
  /** Requests per minute at speed 1. */
  perMinute: number;
  kind: 'healthy' | 'near' | 'reports' | 'search';
}

export interface ApiDef {
  id: string;
  name: string;
  kind: 'rest' | 'http';
  stage: string;
  createdMs: number;
}

export const FUNCTIONS: FunctionDef[] = [
  { name: 'orders-api-get-order', timeoutS: 10, memoryMb: 512, runtime: 'nodejs20.x', handler: 'src/orders.getOrder' },
  { name: 'orders-api-list-orders', timeoutS: 28, memoryMb: 1024, runtime: 'nodejs20.x', handler: 'src/orders.listOrders' },
  // The reports team moved to OpenTelemetry (ADOT): with Transaction Search on, every request of
  // POST /reports has its spans in aws/spans, sampled by X-Ray or not.
  { name: 'orders-api-reports', timeoutS: 60, memoryMb: 2048, runtime: 'nodejs20.x', handler: 'src/reports.handler', otel: true },
  // The catalog team's Python function, deployed with the Serverless Framework (demo/catalog-api):
  // <service>-<stage>-<key>, and the provider's 35 s timeout, longer than the HTTP API's 30 s.
  { name: 'catalog-api-prod-search', timeoutS: 35, memoryMb: 1024, runtime: 'python3.12', handler: 'handler.search', role: 'catalog-api-prod-us-east-1-lambdaRole' },
];

const fn = (name: string): FunctionDef => FUNCTIONS.find((f) => f.name === name)!;

export const APIS: ApiDef[] = [
  { id: 'a1b2c3d4e5', name: 'orders-api', kind: 'rest', stage: 'prod', createdMs: Date.UTC(2025, 0, 15) },
  { id: 'f6g7h8i9j0', name: 'catalog-api', kind: 'http', stage: '$default', createdMs: Date.UTC(2025, 5, 2) },
];

export const ROUTES: RouteDef[] = [
  { api: APIS[0]!, method: 'GET', path: '/orders/{id}', fn: fn('orders-api-get-order'), timeoutMs: 29_000, perMinute: 40, kind: 'healthy' },
  { api: APIS[0]!, method: 'GET', path: '/orders', fn: fn('orders-api-list-orders'), timeoutMs: 29_000, perMinute: 3, kind: 'near' },
  { api: APIS[0]!, method: 'POST', path: '/reports', fn: fn('orders-api-reports'), timeoutMs: 29_000, perMinute: 1, kind: 'reports' },
  { api: APIS[1]!, method: 'GET', path: '/search', fn: fn('catalog-api-prod-search'), timeoutMs: 30_000, perMinute: 6, kind: 'search' },
];

export function accessLogGroup(api: ApiDef): string {
  return `/aws/apigateway/${api.name}/${api.stage === '$default' ? 'default' : api.stage}`;
}
export function executionLogGroup(api: ApiDef): string {
  return `API-Gateway-Execution-Logs_${api.id}/${api.stage}`;
}
export function lambdaLogGroup(f: FunctionDef): string {
  return `/aws/lambda/${f.name}`;
}
export function functionArn(f: FunctionDef): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${f.name}`;
}

/** mulberry32 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(rnd: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rnd() * 16).toString(16);
  return s;
}

function uuid(rnd: () => number): string {
  const h = hex(rnd, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface Call {
  name: string;
  namespace: 'aws' | 'remote';
  operation: string;
  table?: string;
  url?: string;
  /** ms from the request's start. */
  start: number;
  duration: number;
  id: string;
  inferredId: string;
  status: number;
  retries?: number;
  throttle?: boolean;
}

export interface SampleRequest {
  route: RouteDef;
  /** API Gateway request id. */
  requestId: string;
  lambdaRequestId: string;
  traceId: string;
  startMs: number;
  /** What the client waited (ms). */
  responseMs: number;
  status: number;
  /** When the sandbox started (ms from the request's start): Initialization begins here on a cold start. */
  fnStart: number;
  /** When the handler started: the function segment and its Invocation begin here. */
  invStart: number;
  /** The handler's run (REPORT Duration), capped at the function timeout. */
  fnDuration: number;
  overheadMs: number;
  fnTimedOut: boolean;
  cold: boolean;
  initMs: number;
  calls: Call[];
  sampled: boolean;
  ids: { stage: string; invoke: string; lambda: string; fn: string; init: string; invocation: string; overhead: string };
  stream: string;
  /** Query string / id for the URL. */
  pathValue: string;
  /** Who called: the access log's `ip` ($context.identity.sourceIp) and `userAgent`. */
  client: SampleClient;
  /** The API Gateway request id of the 504 this call repeats, when it is a client's retry. */
  retryOf?: string;
}

export interface SampleClient {
  ip: string;
  userAgent: string;
}

/** The user agents of the scenario's callers: a browser app, a report CLI, scripts. */
const USER_AGENTS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  'reports-cli/2.3.1 (+aws-sdk-js/3.600)',
  'python-requests/2.31.0',
  'okhttp/4.12.0',
];

/** The chance a client calls again after a 504, then after a second 504 (at most two retries). */
const RETRY_CHANCE = [0.6, 0.35];
/** A retry comes 1–8 s after the 504 reached the client. */
const RETRY_GAP_MS = [1_000, 8_000];
/**
 * How long after its minute's end the last retry of one of its requests can start: two retries,
 * each after a 504 at most 30 s + 24 ms long and a gap of at most 8 s. The store looks this far
 * back for requests that started in a window.
 */
export const RETRY_SPAN_MS = 2 * (30_024 + RETRY_GAP_MS[1]!);

function pickClient(rnd: () => number): SampleClient {
  return { ip: `203.0.113.${1 + Math.floor(rnd() * 200)}`, userAgent: USER_AGENTS[Math.floor(rnd() * USER_AGENTS.length)]! };
}

/** The requests of one minute of the scenario (epoch minute), in start order. Deterministic. */
export function requestsOfMinute(seed: number, minute: number, speed: number): SampleRequest[] {
  const out: SampleRequest[] = [];
  const rnd = prng((seed * 2654435761) ^ minute);
  for (const route of ROUTES) {
    // Poisson-ish: perMinute × speed requests spread over the minute.
    const expected = route.perMinute * speed;
    let n = Math.floor(expected);
    if (rnd() < expected - n) n++;
    for (let i = 0; i < n; i++) out.push(makeRequest(route, minute * 60_000 + Math.floor(rnd() * 60_000), rnd));
  }
  out.sort((a, b) => a.startMs - b.startMs);
  // Sampling: the first request of each second (the reservoir), then 5% of the rest.
  let second = -1;
  for (const r of out) {
    const s = Math.floor(r.startMs / 1000);
    if (s !== second) {
      second = s;
      r.sampled = true;
    } else r.sampled = rnd() < 0.05;
  }
  // Clients, and their retries after a 504: a random stream of their own, so the requests above
  // are the same as before clients were modelled.
  const crnd = prng(((seed * 2654435761) ^ minute ^ 0x5bd1e995) >>> 0);
  for (const r of out) r.client = pickClient(crnd);
  const seconds = new Set(out.map((r) => Math.floor(r.startMs / 1000)));
  const retries: SampleRequest[] = [];
  for (const first of out) {
    // The report clients (the CLI, scripts) retry a 504; the catalog's searchers give up.
    if (first.route.kind !== 'reports') continue;
    let prev = first;
    for (let k = 0; k < RETRY_CHANCE.length && prev.status === 504 && crnd() < RETRY_CHANCE[k]!; k++) {
      const gap = RETRY_GAP_MS[0]! + Math.round(crnd() * (RETRY_GAP_MS[1]! - RETRY_GAP_MS[0]!));
      const again = makeRequest(prev.route, prev.startMs + prev.responseMs + gap, crnd);
      again.client = prev.client;
      again.retryOf = prev.requestId;
      // The reservoir takes a second's first request; a second that already has one samples 5%.
      const sec = Math.floor(again.startMs / 1000);
      again.sampled = !seconds.has(sec) || crnd() < 0.05;
      seconds.add(sec);
      retries.push(again);
      prev = again;
    }
  }
  if (!retries.length) return out;
  return [...out, ...retries].sort((a, b) => a.startMs - b.startMs);
}

function makeRequest(route: RouteDef, startMs: number, rnd: () => number): SampleRequest {
  const traceId = `1-${Math.floor(startMs / 1000).toString(16).padStart(8, '0')}-${hex(rnd, 24)}`;
  const coldChance = route.kind === 'reports' ? 0.35 : route.kind === 'healthy' ? 0.02 : 0.1;
  const cold = rnd() < coldChance;
  const initMs = cold ? Math.round(route.kind === 'reports' ? 1_200 + rnd() * 1_600 : 250 + rnd() * 700) : 0;
  const fnStart = 3 + Math.round(rnd() * 4);
  const calls: Call[] = [];
  // Initialization runs first; the function segment and its Invocation start after it.
  const invStart = fnStart + initMs + 1;
  let t = invStart + 2 + Math.round(rnd() * 5);
  const call = (c: Omit<Call, 'start' | 'id' | 'inferredId'>): void => {
    calls.push({ ...c, start: t, id: hex(rnd, 16), inferredId: hex(rnd, 16) });
    t += c.duration + Math.round(rnd() * 2);
  };
  switch (route.kind) {
    case 'healthy':
      call({ name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders', duration: 8 + Math.round(rnd() * 40), status: 200 });
      t += 5 + Math.round(rnd() * 60);
      break;
    case 'near': {
      const pages = 9 + Math.floor(rnd() * 3);
      const each = 1_700 + Math.round(rnd() * 700);
      for (let i = 0; i < pages; i++) {
        const throttled = rnd() < 0.04;
        call({ name: 'DynamoDB', namespace: 'aws', operation: 'Query', table: 'orders', duration: each + (throttled ? 900 : 0), status: 200, ...(throttled ? { retries: 2 } : {}) });
      }
      break;
    }
    case 'reports': {
      const n = 180 + Math.floor(rnd() * 260);
      const each = 62 + Math.round(rnd() * 30);
      for (let i = 0; i < n; i++) call({ name: 'DynamoDB', namespace: 'aws', operation: 'GetItem', table: 'orders', duration: each + Math.round(rnd() * 12), status: 200 });
      call({ name: 'S3', namespace: 'aws', operation: 'PutObject', duration: 120 + Math.round(rnd() * 200), status: 200 });
      break;
    }
    case 'search':
      call({ name: 'DynamoDB', namespace: 'aws', operation: 'Query', table: 'catalog', duration: 20 + Math.round(rnd() * 60), status: 200 });
      call({
        name: 'search.partner.example',
        namespace: 'remote',
        operation: 'GET',
        // As the Python X-Ray SDK's requests patch records it: the URL without its query string.
        url: 'https://search.partner.example/v1/search',
        duration: rnd() < 0.15 ? 26_000 + Math.round(rnd() * 10_000) : 300 + Math.round(rnd() * 2_500),
        status: 200,
      });
      break;
  }
  const handlerEnd = t + 2 + Math.round(rnd() * 8);
  const limit = route.fn.timeoutS * 1000;
  const fnTimedOut = handlerEnd - invStart > limit;
  const fnDuration = fnTimedOut ? limit : handlerEnd - invStart;
  if (fnTimedOut) {
    // The runtime stops the function: calls past the limit never happened.
    for (let i = calls.length - 1; i >= 0 && calls[i]!.start + calls[i]!.duration > invStart + limit; i--) calls.pop();
  }
  const budget = route.timeoutMs;
  const overheadMs = 1 + Math.round(rnd() * 3);
  const integrationDone = invStart + fnDuration + overheadMs + 2;
  let status: number;
  let responseMs: number;
  if (integrationDone > budget) {
    status = 504;
    responseMs = budget + 4 + Math.round(rnd() * 20);
  } else if (fnTimedOut) {
    status = 502;
    responseMs = integrationDone + 3;
  } else {
    status = route.method === 'POST' ? 201 : 200;
    responseMs = integrationDone + 2 + Math.round(rnd() * 6);
  }
  return {
    route,
    requestId: uuid(rnd),
    lambdaRequestId: uuid(rnd),
    traceId,
    startMs,
    responseMs,
    status,
    fnStart,
    invStart,
    fnDuration,
    overheadMs,
    fnTimedOut,
    cold,
    initMs,
    calls,
    sampled: false,
    ids: { stage: hex(rnd, 16), invoke: hex(rnd, 16), lambda: hex(rnd, 16), fn: hex(rnd, 16), init: hex(rnd, 16), invocation: hex(rnd, 16), overhead: hex(rnd, 16) },
    stream: `${new Date(startMs).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${hex(rnd, 32)}`,
    pathValue: route.kind === 'healthy' ? String(1000 + Math.floor(rnd() * 9000)) : '',
    // Set by requestsOfMinute from its own random stream.
    client: { ip: '203.0.113.24', userAgent: USER_AGENTS[0]! },
  };
}

export function urlOf(r: SampleRequest): string {
  const path = r.route.path.replace('{id}', r.pathValue);
  return r.route.api.kind === 'rest'
    ? `https://${r.route.api.id}.execute-api.${REGION}.amazonaws.com/${r.route.api.stage}${path}`
    : `https://${r.route.api.id}.execute-api.${REGION}.amazonaws.com${path}${r.route.kind === 'search' ? '?q=lamp' : ''}`;
}

/** When the function finished, ms from the request's start (its own run plus overhead). */
export function functionEnd(r: SampleRequest): number {
  return r.invStart + r.fnDuration + r.overheadMs;
}

/** Client wait in seconds and the trace's whole duration (the function may end later). */
export function traceDurationMs(r: SampleRequest): number {
  return Math.max(r.responseMs, functionEnd(r) + 1);
}
