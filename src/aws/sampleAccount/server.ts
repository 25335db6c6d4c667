// The sample account: one HTTP server on 127.0.0.1 that answers X-Ray, CloudWatch Logs, Lambda
// and API Gateway (REST and v2) with their real wire protocols (StartLiveTail as an event stream,
// liveTail.ts), so the SDK clients and the AWS CLI talk to it exactly as to AWS (endpoint
// override, any credentials). Faults can be injected
// for tests: throttling, 5xx, partial batches, slow answers, expired tokens, access denied.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { IAM_ACTIONS } from '../errors';
import { REGION } from './scenario';
import { ScenarioStore } from './store';
import { batchGetTraces, getServiceGraph, getTraceSummaries, listRetrievedTraces, startTraceRetrieval } from './xrayService';
import { describeLogGroups, filterLogEvents, getLogEvents, getQueryResults, startQuery, stopQuery } from './logsService';
import { apiGatewayRoute, apiGatewayV2Route, lambdaRoute } from './configServices';
import { WireError, type Reply } from './wire';
import { LiveTailSessions, type LiveTailOptions } from './liveTail';

export interface SampleAccountOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Time compression: the scenario's traffic runs this many times faster (a 504 every few seconds at 10). */
  speed?: number;
  /** History present at start, in minutes (default 60). */
  historyMinutes?: number;
  seed?: number;
  now?: () => number;
  /** Live Tail: how often a session sends an update (default 1 s) and how long it lasts (default 3 h). */
  liveTail?: LiveTailOptions;
}

export type FaultKind = 'throttle' | 'server-error' | 'partial-batch' | 'slow' | 'expired-token' | 'access-denied';

export interface FaultRule {
  kind: FaultKind;
  /** The operation it applies to (e.g. 'GetTraceSummaries'); all when undefined. */
  operation?: string;
  /** How many calls it applies to; until cleared when undefined. */
  times?: number;
  /** For 'slow': the delay added to each answer. */
  delayMs?: number;
}

export interface SampleAccount {
  endpoint: string;
  region: string;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** The calls answered so far, by operation (for tests and the benchmark). */
  calls(): Record<string, number>;
  /** The Live Tail sessions streaming now. */
  liveTails(): number;
  store: ScenarioStore;
  close(): Promise<void>;
}

type Protocol = 'rest' | 'json';
type Service = 'xray' | 'logs' | 'lambda' | 'apigateway';

interface Routed {
  service: Service;
  protocol: Protocol;
  operation: string;
  run: (partial: boolean) => Reply;
}

const XRAY_OPS: Record<string, string> = {
  '/TraceSummaries': 'GetTraceSummaries',
  '/Traces': 'BatchGetTraces',
  '/ServiceGraph': 'GetServiceGraph',
  '/StartTraceRetrieval': 'StartTraceRetrieval',
  '/ListRetrievedTraces': 'ListRetrievedTraces',
};

function route(store: ScenarioStore, method: string, url: URL, headers: IncomingMessage['headers'], body: Record<string, unknown>): Routed | undefined {
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('Logs_20140328.')) {
    const op = target.slice('Logs_20140328.'.length);
    const handlers: Record<string, () => Reply> = {
      DescribeLogGroups: () => describeLogGroups(store, body),
      FilterLogEvents: () => filterLogEvents(store, body),
      GetLogEvents: () => getLogEvents(store, body),
      StartQuery: () => startQuery(store, body),
      GetQueryResults: () => getQueryResults(body),
      StopQuery: () => stopQuery(body),
    };
    const h = handlers[op];
    return {
      service: 'logs',
      protocol: 'json',
      operation: op,
      run: h ?? ((): Reply => {
        throw new WireError('UnknownOperationException', 400, `The sample account does not implement ${op}.`);
      }),
    };
  }
  const path = url.pathname;
  const xop = XRAY_OPS[path];
  if (xop && method === 'POST') {
    const run = (partial: boolean): Reply =>
      xop === 'GetTraceSummaries'
        ? getTraceSummaries(store, body)
        : xop === 'BatchGetTraces'
          ? batchGetTraces(store, body, partial)
          : xop === 'GetServiceGraph'
            ? getServiceGraph(store, body)
            : xop === 'StartTraceRetrieval'
              ? startTraceRetrieval(body)
              : listRetrievedTraces(store, body);
    return { service: 'xray', protocol: 'rest', operation: xop, run };
  }
  if (path.startsWith('/2015-03-31/functions')) {
    const op = path.endsWith('/configuration') ? 'GetFunctionConfiguration' : 'ListFunctions';
    return { service: 'lambda', protocol: 'rest', operation: op, run: () => lambdaRoute(method, path, url.searchParams) ?? notImplemented(method, path) };
  }
  if (path.startsWith('/restapis')) {
    const op = path.endsWith('/integration') ? 'GetIntegration' : path.endsWith('/resources') ? 'GetResources' : path.endsWith('/stages') ? 'GetStages' : 'GetRestApis';
    return { service: 'apigateway', protocol: 'rest', operation: op, run: () => apiGatewayRoute(method, path, url.searchParams) ?? notImplemented(method, path) };
  }
  if (path.startsWith('/v2/apis')) {
    const op = path.endsWith('/routes') ? 'GetRoutes' : path.endsWith('/integrations') ? 'GetIntegrations' : path.endsWith('/stages') ? 'GetStages' : 'GetApis';
    return { service: 'apigateway', protocol: 'rest', operation: op, run: () => apiGatewayV2Route(method, path) ?? notImplemented(method, path) };
  }
  return undefined;
}

function notImplemented(method: string, path: string): never {
  throw new WireError('UnknownOperationException', 404, `The sample account does not serve ${method} ${path}.`);
}

function faultError(kind: FaultKind, service: Service, protocol: Protocol, operation: string): WireError | undefined {
  const json = protocol === 'json';
  switch (kind) {
    case 'throttle':
      if (service === 'xray') return new WireError('ThrottledException', 429, 'Rate exceeded');
      if (service === 'logs') return new WireError('ThrottlingException', 400, 'Rate exceeded');
      return new WireError('TooManyRequestsException', 429, 'Too Many Requests');
    case 'server-error':
      return json ? new WireError('ServiceUnavailableException', 500, 'The service is unavailable. Try again later.') : new WireError('ServiceUnavailableException', 503, 'Service Unavailable');
    case 'expired-token':
      return new WireError('ExpiredTokenException', json ? 400 : 403, 'The security token included in the request is expired');
    case 'access-denied': {
      const action = IAM_ACTIONS[operation] ?? `${service}:${operation}`;
      return new WireError(
        'AccessDeniedException',
        json ? 400 : 403,
        `User: arn:aws:iam::123456789012:user/sample is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
      );
    }
    default:
      return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, protocol: Protocol, status: number, body: unknown, errorType?: string): void {
  const headers: Record<string, string> = {
    'content-type': protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json',
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  const text = JSON.stringify(body);
  headers['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(status, headers);
  res.end(text);
}

export async function startSampleAccount(options: SampleAccountOptions = {}): Promise<SampleAccount> {
  const store = new ScenarioStore({
    seed: options.seed ?? 1729,
    speed: options.speed ?? 1,
    historyMinutes: options.historyMinutes ?? 60,
    now: options.now ?? Date.now,
  });
  let faults: Array<FaultRule & { left: number }> = [];
  const counts: Record<string, number> = {};
  const tails = new LiveTailSessions(store, options.liveTail);

  const server = createServer((req, res) => {
    void (async (): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const text = await readBody(req);
      let body: Record<string, unknown> = {};
      const isJson = typeof req.headers['x-amz-target'] === 'string';
      try {
        const parsed: unknown = text ? JSON.parse(text) : {};
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        send(res, isJson ? 'json' : 'rest', 400, isJson ? { __type: 'SerializationException', message: 'Malformed JSON' } : { message: 'Malformed JSON' }, 'SerializationException');
        return;
      }
      const r = route(store, req.method ?? 'GET', url, req.headers, body);
      if (!r) {
        send(res, 'rest', 404, { message: `The sample account does not serve ${req.method} ${url.pathname}.` }, 'UnknownOperationException');
        return;
      }
      counts[r.operation] = (counts[r.operation] ?? 0) + 1;
      let partial = false;
      let error: WireError | undefined;
      for (const f of faults) {
        if (f.operation && f.operation !== r.operation) continue;
        if (f.left <= 0) continue;
        f.left--;
        if (f.kind === 'slow') await new Promise((done) => setTimeout(done, f.delayMs ?? 100));
        else if (f.kind === 'partial-batch') partial = r.operation === 'BatchGetTraces';
        else error ??= faultError(f.kind, r.service, r.protocol, r.operation);
      }
      faults = faults.filter((f) => f.left > 0);
      try {
        if (error) throw error;
        // An event stream: the sessions write the answer themselves, frame by frame.
        if (r.operation === 'StartLiveTail') return tails.start(body, res);
        const reply = r.run(partial);
        send(res, r.protocol, reply.status, reply.body);
      } catch (e) {
        const w = e instanceof WireError ? e : new WireError('InternalFailure', 500, e instanceof Error ? e.message : String(e));
        const payload = r.protocol === 'json' ? { __type: w.type, message: w.message } : { message: w.message, Message: w.message };
        send(res, r.protocol, w.status, payload, w.type);
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: REGION,
    store,
    inject(rule: FaultRule): void {
      faults.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults(): void {
      faults = [];
    },
    calls: () => ({ ...counts }),
    liveTails: () => tails.count,
    close: () =>
      new Promise<void>((resolve) => {
        tails.closeAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
