// One SDK client per service for a connection (profile, region, endpoint), created on first use
// and destroyed by dispose(). Credentials resolve the way the AWS CLI resolves them (env,
// config/credentials profiles, SSO, credential_process, role assumption); an endpoint override
// points every service at the sample account, LocalStack or a VPC endpoint. Retries are
// adaptive and set here only. When the connection has a logger, every client carries one
// logging middleware: a debug line per call (service, operation, HTTP status, time, error
// name), never a header, a URL or a key.
// Pagination goes through the SDK's own `paginate*` functions, wrapped once here (`paginate`)
// for cancellation and the typed errors. This module is only loaded on first use (dist/aws.js).
import { setTimeout as sleep } from 'node:timers/promises';
import { XRayClient } from '@aws-sdk/client-xray';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { InitializeHandlerOptions, InitializeMiddleware, MetadataBearer, ResponseMetadata } from '@smithy/types';
import { toAwsSourceError, type AwsCallContext, type AwsSourceError, type AwsSurface } from './errors';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where the AWS layer writes its one debug line per call; the caller's logger adds its prefix. */
export interface AwsLogger {
  debug(message: string): void;
}

/** The options an SDK `send` (and a paginator, which passes them on to each page's `send`) takes. */
export interface SendOptions {
  abortSignal?: AbortSignal;
}

export interface Connection {
  profile?: string;
  region?: string;
  /** Replaces every service endpoint (the sample account, LocalStack, a VPC endpoint). */
  endpoint?: string;
  /** Fixed credentials (the sample account's dummy keys); otherwise the AWS CLI's chain. */
  credentials?: StaticCredentials;
  /** Attempts per call including the first (default 5); tests set 1 to see a fault as it is. */
  maxAttempts?: number;
  /** Receives `XRay.GetTraceSummaries 200 41 ms` for each call (not part of where to read from). */
  logger?: AwsLogger;
  /** Who reads the error messages: their remedies name the extension's commands (default) or the CLI's flags. */
  surface?: AwsSurface;
}

/** The fallback region when neither the connection, the profile nor the environment names one. */
export const DEFAULT_REGION = 'us-east-1';

function cancelled(ctx: AwsCallContext): AwsSourceError {
  return toAwsSourceError({ name: 'AbortError', message: 'aborted' }, ctx);
}

/** The part of a client's middleware stack the call log needs. */
interface LoggableStack {
  add(middleware: InitializeMiddleware<object, MetadataBearer>, options: InitializeHandlerOptions & { override?: boolean }): void;
}

/** `XRayClient` → `XRay`, `GetTraceSummariesCommand` → `GetTraceSummaries`. */
const bare = (name: string | undefined, suffix: string): string => (name ?? '?').replace(new RegExp(`${suffix}$`), '');

/**
 * One debug line per call, retries included: `XRay.GetTraceSummaries 200 41 ms`, or on failure
 * `Lambda.ListFunctions 403 12 ms AccessDeniedException`. Only names, numbers and the error's
 * name or system code are read — never the request (headers, signed URL, body), the
 * credentials or an error message, which can quote the request.
 */
export function callLogMiddleware(logger: AwsLogger): InitializeMiddleware<object, MetadataBearer> {
  return (next, context) => async (args) => {
    const what = `${bare(context.clientName, 'Client')}.${bare(context.commandName, 'Command')}`;
    const started = performance.now();
    const ms = (): string => `${Math.round(performance.now() - started)} ms`;
    const tries = (m: ResponseMetadata | undefined): string => (m?.attempts && m.attempts > 1 ? ` (${m.attempts} attempts)` : '');
    try {
      const out = await next(args);
      const meta = out.output.$metadata;
      logger.debug(`${what} ${meta?.httpStatusCode ?? '-'} ${ms()}${tries(meta)}`);
      return out;
    } catch (e) {
      const err = (e ?? {}) as { name?: unknown; code?: unknown; $metadata?: ResponseMetadata };
      const name = typeof err.name === 'string' ? err.name : 'Error';
      const code = typeof err.code === 'string' && /^[A-Z0-9_]+$/.test(err.code) ? err.code : undefined;
      logger.debug(`${what} ${err.$metadata?.httpStatusCode ?? '-'} ${ms()} ${name === 'Error' && code ? code : name}${tries(err.$metadata)}`);
      throw e;
    }
  };
}

export class AwsClients {
  private readonly cache = new Map<string, { destroy(): void }>();

  constructor(readonly connection: Connection) {}

  /** What the user sees in messages: profile, region, endpoint — never a secret. */
  describe(): string {
    const c = this.connection;
    const who = c.profile ? `profile "${c.profile}"` : 'the default credentials';
    const where = c.region ?? "the profile's Region";
    return `the account of ${who} in ${where}${c.endpoint ? ` (endpoint ${c.endpoint})` : ''}`;
  }

  private config(): Record<string, unknown> {
    const c = this.connection;
    const cfg: Record<string, unknown> = {
      maxAttempts: c.maxAttempts ?? 5,
      retryMode: 'adaptive',
      credentials: c.credentials ?? fromNodeProviderChain(c.profile ? { profile: c.profile } : {}),
    };
    if (c.profile) cfg.profile = c.profile;
    cfg.region = c.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (c.endpoint || !c.profile ? DEFAULT_REGION : undefined);
    if (c.endpoint) cfg.endpoint = c.endpoint;
    return cfg;
  }

  private get<T extends { destroy(): void; middlewareStack: LoggableStack }>(key: string, make: (cfg: Record<string, unknown>) => T): T {
    let c = this.cache.get(key) as T | undefined;
    if (!c) {
      c = make(this.config());
      const logger = this.connection.logger;
      if (logger) c.middlewareStack.add(callLogMiddleware(logger), { step: 'initialize', name: 'timeoutLensCallLog', override: true });
      this.cache.set(key, c);
    }
    return c;
  }

  xray(): XRayClient {
    return this.get('xray', (cfg) => new XRayClient(cfg));
  }
  logs(): CloudWatchLogsClient {
    // For StartLiveTail (Live Updates, liveTail.ts): the SDK sends it to a `stream-` host prefix
    // (`stream-logs.<region>.amazonaws.com`), which a local endpoint does not have. The other Logs
    // operations have no prefix. A Live Tail stream ends when the signal given to `call` aborts.
    return this.get('logs', (cfg) => new CloudWatchLogsClient({ ...cfg, ...(this.connection.endpoint ? { disableHostPrefix: true } : {}) }));
  }
  lambda(): LambdaClient {
    return this.get('lambda', (cfg) => new LambdaClient(cfg));
  }
  apiGateway(): APIGatewayClient {
    return this.get('apigateway', (cfg) => new APIGatewayClient(cfg));
  }
  apiGatewayV2(): ApiGatewayV2Client {
    return this.get('apigatewayv2', (cfg) => new ApiGatewayV2Client(cfg));
  }

  private context(operation: string): AwsCallContext {
    const ctx: AwsCallContext = { operation };
    if (this.connection.profile) ctx.profile = this.connection.profile;
    if (this.connection.region) ctx.region = this.connection.region;
    if (this.connection.endpoint) ctx.endpoint = this.connection.endpoint;
    if (this.connection.surface) ctx.surface = this.connection.surface;
    return ctx;
  }

  /** Runs one SDK call, mapping every failure to an AwsSourceError that names the fix. */
  async call<O>(operation: string, run: (options: SendOptions) => Promise<O>, signal?: AbortSignal): Promise<O> {
    const ctx = this.context(operation);
    if (signal?.aborted) throw cancelled(ctx);
    try {
      return await run(signal ? { abortSignal: signal } : {});
    } catch (e) {
      throw toAwsSourceError(e, ctx);
    }
  }

  /** Waits between polls or retries of `operation`; an aborted signal ends the wait at once as 'cancelled'. */
  async wait(ms: number, operation: string, signal?: AbortSignal): Promise<void> {
    try {
      await sleep(ms, undefined, { signal });
    } catch (e) {
      throw toAwsSourceError(e, this.context(operation));
    }
  }

  /**
   * The pages of one operation, from the SDK's own paginator (`paginateFilterLogEvents`, …),
   * with what the paginator lacks: the signal reaches each page's request, an aborted signal
   * stops before the next page is asked for, and every failure is an AwsSourceError. Pages
   * come as the SDK returns them, empty ones that carry a token included; a caller that has
   * enough simply stops iterating (the paginator asks for nothing more).
   *
   *     for await (const page of clients.paginate('FilterLogEvents', (o) => paginateFilterLogEvents({ client: clients.logs() }, input, o), signal)) …
   */
  async *paginate<P>(operation: string, pages: (options: SendOptions) => AsyncIterable<P>, signal?: AbortSignal): AsyncGenerator<P, void, undefined> {
    const ctx = this.context(operation);
    if (signal?.aborted) throw cancelled(ctx);
    const iterator = pages(signal ? { abortSignal: signal } : {})[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<P>;
      try {
        next = await iterator.next();
      } catch (e) {
        throw toAwsSourceError(e, ctx);
      }
      if (next.done) return;
      yield next.value;
      if (signal?.aborted) {
        await iterator.return?.();
        throw cancelled(ctx);
      }
    }
  }

  dispose(): void {
    for (const c of this.cache.values()) c.destroy();
    this.cache.clear();
  }
}
