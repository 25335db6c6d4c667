// One SDK client per service for a connection (profile, region, endpoint), created on first use
// and destroyed by dispose(). Credentials resolve the way the AWS CLI resolves them (env,
// config/credentials profiles, SSO, credential_process, role assumption); an endpoint override
// points every service at the sample account, LocalStack or a VPC endpoint. Retries are
// adaptive and set here only. This module is only loaded on first use (dist/aws.js).
import { XRayClient } from '@aws-sdk/client-xray';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { toAwsSourceError, type AwsCallContext } from './errors';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
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
}

/** The fallback region when neither the connection, the profile nor the environment names one. */
export const DEFAULT_REGION = 'us-east-1';

export class AwsClients {
  private readonly cache = new Map<string, { destroy(): void }>();

  constructor(readonly connection: Connection) {}

  /** What the user sees in messages: profile, region, endpoint — never a secret. */
  describe(): string {
    const c = this.connection;
    return [c.profile ? `profile ${c.profile}` : 'default credentials', c.region ?? '(region from profile)', c.endpoint ? `endpoint ${c.endpoint}` : '']
      .filter(Boolean)
      .join(', ');
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

  private get<T extends { destroy(): void }>(key: string, make: (cfg: Record<string, unknown>) => T): T {
    let c = this.cache.get(key) as T | undefined;
    if (!c) {
      c = make(this.config());
      this.cache.set(key, c);
    }
    return c;
  }

  xray(): XRayClient {
    return this.get('xray', (cfg) => new XRayClient(cfg));
  }
  logs(): CloudWatchLogsClient {
    // Live tail streams from a `streaming-logs.` host prefix, which a local endpoint does not have.
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

  /** Runs one SDK call, mapping every failure to an AwsSourceError that names the fix. */
  async call<O>(operation: string, run: (options: { abortSignal?: AbortSignal }) => Promise<O>, signal?: AbortSignal): Promise<O> {
    const ctx: AwsCallContext = { operation };
    if (this.connection.profile) ctx.profile = this.connection.profile;
    if (this.connection.region) ctx.region = this.connection.region;
    if (this.connection.endpoint) ctx.endpoint = this.connection.endpoint;
    if (signal?.aborted) throw toAwsSourceError({ name: 'AbortError', message: 'aborted' }, ctx);
    try {
      return await run(signal ? { abortSignal: signal } : {});
    } catch (e) {
      throw toAwsSourceError(e, ctx);
    }
  }

  dispose(): void {
    for (const c of this.cache.values()) c.destroy();
    this.cache.clear();
  }
}
