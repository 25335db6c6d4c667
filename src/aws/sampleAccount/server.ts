// The sample account: one HTTP server on 127.0.0.1 that answers X-Ray, CloudWatch Logs, Lambda
// and API Gateway (REST and v2) with their real wire protocols (StartLiveTail as an event stream,
// liveTail.ts), so the SDK clients and the AWS CLI talk to it exactly as to AWS (endpoint
// override, any credentials). With `transactionSearch` it is an account with Transaction Search
// on (X-Ray's destination CloudWatch Logs, spans in aws/spans). Faults can be injected
// for tests: throttling, 5xx, partial batches, slow answers, expired tokens, access denied.
//
// It listens on loopback only, and answers only what an AWS client sends: a Host that names this
// server (127.0.0.1, localhost or [::1] with its own port, so a web page cannot reach it through
// DNS rebinding), no Origin (browsers are refused), a body of at most 1 MiB (413 beyond), the
// protocols' content types (application/x-amz-json-1.1 for CloudWatch Logs, application/json for
// X-Ray: 415 otherwise) and each operation's documented limits (requestLimits.ts), answered with
// the exception the service itself would name.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { IAM_ACTIONS } from '../errors';
import { REGION } from './scenario';
import { ScenarioStore } from './store';
import { batchGetTraces, getServiceGraph, getTraceSegmentDestination, getTraceSummaries, listRetrievedTraces, startTraceRetrieval } from './xrayService';
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
  /**
   * Transaction Search on (default off): GetTraceSegmentDestination answers CloudWatchLogs, and
   * the OpenTelemetry-instrumented function's requests (POST /reports), sampled or not, have their
   * spans in the `aws/spans` log group and can be retrieved with StartTraceRetrieval.
   */
  transactionSearch?: boolean;
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
  /**
   * The requests refused for what they asked (a limit, a content type, a Host, a body too large,
   * an unknown operation…), by `Operation: ExceptionType`, injected faults not counted: a client
   * that keeps to the services' limits leaves this empty but for missing resources.
   */
  refusals(): Record<string, number>;
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

/** The largest request body taken (AWS's JSON APIs take about 1 MB; the sample account's largest real request is a few KB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** How much of a refused request's body is read and dropped, so that the client reads the answer rather than a reset. */
const DISCARD_MAX_BYTES = 16 * MAX_BODY_BYTES;

const JSON_11 = 'application/x-amz-json-1.1';
const LOGS_TARGET = 'Logs_20140328.';

const XRAY_OPS: Record<string, string> = {
  '/TraceSummaries': 'GetTraceSummaries',
  '/Traces': 'BatchGetTraces',
  '/ServiceGraph': 'GetServiceGraph',
  '/StartTraceRetrieval': 'StartTraceRetrieval',
  '/ListRetrievedTraces': 'ListRetrievedTraces',
  '/GetTraceSegmentDestination': 'GetTraceSegmentDestination',
};

function route(store: ScenarioStore, method: string, url: URL, headers: IncomingMessage['headers'], body: Record<string, unknown>): Routed | undefined {
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith(LOGS_TARGET)) {
    const op = target.slice(LOGS_TARGET.length);
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
              ? startTraceRetrieval(store, body)
              : xop === 'GetTraceSegmentDestination'
                ? getTraceSegmentDestination(store)
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

/**
 * The names this server answers to: loopback by name or address, with its own port (the port may
 * be left out only when it is 80). Anything else is a request meant for another host, or a web
 * page that rebound its own name to 127.0.0.1.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return ['127.0.0.1', 'localhost', '[::1]'].some((name) => h === `${name}:${port}` || (port === 80 && h === name));
}

/** The media type of a Content-Type header, without its parameters (`; charset=utf-8`). */
function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The request's protocol as its headers say: awsJson1_1 when it names a target or a JSON 1.x content type. */
function protocolOf(req: IncomingMessage): Protocol {
  return typeof req.headers['x-amz-target'] === 'string' || mediaType(req.headers['content-type']).startsWith('application/x-amz-json-') ? 'json' : 'rest';
}

/** What a request must be sent as: CloudWatch Logs as JSON 1.1, X-Ray's POST bodies as JSON; the GETs carry no body. */
function contentTypeError(req: IncomingMessage, protocol: Protocol, path: string): WireError | undefined {
  const type = mediaType(req.headers['content-type']);
  // An operation without input (GetTraceSegmentDestination) is sent with no body and no type.
  if (!type && protocol === 'rest' && Number(req.headers['content-length'] ?? 0) === 0 && req.headers['transfer-encoding'] === undefined) return undefined;
  const expected = protocol === 'json' ? JSON_11 : req.method === 'POST' && XRAY_OPS[path] ? 'application/json' : undefined;
  if (!expected || type === expected) return undefined;
  return new WireError('UnsupportedMediaTypeException', 415, `Unsupported Content-Type "${type.slice(0, 80) || '(none)'}": this operation takes ${expected}.`);
}

type Body = { ok: true; text: string } | { ok: false };

/** Reads the body up to MAX_BODY_BYTES; a declared or streamed body beyond it stops the reading. */
function readBody(req: IncomingMessage): Promise<Body> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.resolve({ ok: false });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(c);
      done();
      req.pause();
      resolve({ ok: false });
    };
    const onEnd = (): void => {
      done();
      resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * Answers a request refused before its body was read (a foreign Host, a browser, a wrong content
 * type, a body too large) and closes the connection; the rest of the body is read and dropped, up
 * to a bound, so the client gets the answer instead of a reset in the middle of its upload.
 */
function refuse(req: IncomingMessage, res: ServerResponse, protocol: Protocol, error: WireError, count: (operation: string, type: string) => void): void {
  count('(request)', error.type);
  let dropped = 0;
  req.removeAllListeners('data');
  req.on('data', (c: Buffer) => {
    dropped += c.length;
    if (dropped > DISCARD_MAX_BYTES) req.socket.destroy();
  });
  req.resume();
  send(res, protocol, error.status, errorBody(protocol, error), error.type, true);
}

function errorBody(protocol: Protocol, w: WireError): unknown {
  return protocol === 'json' ? { __type: w.type, message: w.message } : { message: w.message, Message: w.message };
}

function send(res: ServerResponse, protocol: Protocol, status: number, body: unknown, errorType?: string, close = false): void {
  const headers: Record<string, string> = {
    'content-type': protocol === 'json' ? JSON_11 : 'application/json',
    'x-amzn-requestid': randomUUID(),
  };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  if (close) headers.connection = 'close';
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
    ...(options.transactionSearch ? { transactionSearch: true } : {}),
  });
  let faults: Array<FaultRule & { left: number }> = [];
  const counts: Record<string, number> = {};
  const refused: Record<string, number> = {};
  const countRefusal = (operation: string, type: string): void => {
    const key = `${operation}: ${type}`;
    refused[key] = (refused[key] ?? 0) + 1;
  };
  const tails = new LiveTailSessions(store, options.liveTail);

  let port = 0;
  /** The checks every request passes before its body is read; the error to answer, if one fails. */
  const admit = (req: IncomingMessage, protocol: Protocol, path: string): WireError | undefined => {
    if (!hostAllowed(req.headers.host, port)) {
      return new WireError('MisdirectedRequestException', 421, `The sample account answers only to 127.0.0.1:${port}, localhost:${port} and [::1]:${port}, not to Host "${(req.headers.host ?? '').slice(0, 80)}".`);
    }
    if (req.headers.origin !== undefined) return new WireError('AccessDeniedException', 403, 'The sample account does not answer browsers (the request has an Origin header).');
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return tooLarge();
    return contentTypeError(req, protocol, path);
  };
  const tooLarge = (): WireError => new WireError('RequestEntityTooLargeException', 413, `The request body is larger than the sample account's limit of ${MAX_BODY_BYTES} bytes.`);

  const server = createServer((req, res) => {
    void (async (): Promise<void> => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const protocol = protocolOf(req);
      const refusedWith = admit(req, protocol, url.pathname);
      if (refusedWith) return refuse(req, res, protocol, refusedWith, countRefusal);
      const read = await readBody(req);
      if (!read.ok) return refuse(req, res, protocol, tooLarge(), countRefusal);
      const text = read.text;
      let body: Record<string, unknown> = {};
      try {
        const parsed: unknown = text ? JSON.parse(text) : {};
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        countRefusal('(request)', 'SerializationException');
        send(res, protocol, 400, errorBody(protocol, new WireError('SerializationException', 400, 'Malformed JSON')), 'SerializationException');
        return;
      }
      const r = route(store, req.method ?? 'GET', url, req.headers, body);
      if (!r) {
        const target = req.headers['x-amz-target'];
        const what = protocol === 'json' ? `the target ${typeof target === 'string' ? target.slice(0, 80) : '(none)'}` : `${req.method} ${url.pathname}`;
        const w = new WireError('UnknownOperationException', 404, `The sample account does not serve ${what}.`);
        countRefusal('(request)', w.type);
        send(res, protocol, 404, errorBody(protocol, w), w.type);
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
        if (w !== error && w.status >= 400 && w.status < 500) countRefusal(r.operation, w.type);
        send(res, r.protocol, w.status, errorBody(r.protocol, w), w.type);
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  // `Expect: 100-continue`: a body too large is refused before the client sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return refuse(req, res, protocolOf(req), tooLarge(), countRefusal);
    res.writeContinue();
    server.emit('request', req, res);
  });
  // An idle connection stays open a minute, as AWS's endpoints keep theirs: a client reusing one
  // just as a short server timeout closed it got ECONNRESET (the SDK's first call after a pause).
  // close() ends every connection at once, so a long timeout does not hold a shutdown.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
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
    refusals: () => ({ ...refused }),
    liveTails: () => tails.count,
    close: () =>
      new Promise<void>((resolve) => {
        tails.closeAll();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
