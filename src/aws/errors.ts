// What went wrong talking to AWS, as a typed error with a stable code and a message a user can
// act on: the profile and the command to log in, the exact IAM action that was denied, the
// endpoint that could not be reached. Cancellation is not an error: it has its own code, and
// callers check `isCancellation` before they report anything. Which errors are throttling and
// which are the network is the SDK's own classification (the one its retry strategy uses);
// what is ours is the message that names the fix. The fix is worded for where the message is
// read: the extension's commands and settings, or the CLI's flags and environment variables.
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';

export type AwsErrorCode =
  | 'credentials-expired'
  | 'credentials-missing'
  | 'access-denied'
  | 'throttled'
  | 'unknown-region'
  | 'network'
  | 'cancelled'
  | 'service';

/**
 * The IAM action behind each operation Timeout Lens calls or keeps for a coming feature (all
 * read-only), so that a denial names it. The README's policy lists only those a feature reaches
 * (test/unit/aws/iamPolicy.test.ts).
 */
export const IAM_ACTIONS: Record<string, string> = {
  GetTraceSummaries: 'xray:GetTraceSummaries',
  BatchGetTraces: 'xray:BatchGetTraces',
  GetServiceGraph: 'xray:GetServiceGraph',
  StartTraceRetrieval: 'xray:StartTraceRetrieval',
  ListRetrievedTraces: 'xray:ListRetrievedTraces',
  GetTraceSegmentDestination: 'xray:GetTraceSegmentDestination',
  FilterLogEvents: 'logs:FilterLogEvents',
  GetLogEvents: 'logs:GetLogEvents',
  StartQuery: 'logs:StartQuery',
  GetQueryResults: 'logs:GetQueryResults',
  StopQuery: 'logs:StopQuery',
  DescribeLogGroups: 'logs:DescribeLogGroups',
  StartLiveTail: 'logs:StartLiveTail',
  ListFunctions: 'lambda:ListFunctions',
  GetFunctionConfiguration: 'lambda:GetFunctionConfiguration',
  GetRestApis: 'apigateway:GET',
  GetResources: 'apigateway:GET',
  GetStages: 'apigateway:GET',
  GetIntegration: 'apigateway:GET',
  GetApis: 'apigateway:GET',
  GetRoutes: 'apigateway:GET',
  GetIntegrations: 'apigateway:GET',
};

/** Where an error message is read, and so what its remedy names: commands and settings, or flags and environment variables. */
export type AwsSurface = 'extension' | 'cli';

export interface AwsCallContext {
  operation: string;
  profile?: string;
  region?: string;
  endpoint?: string;
  /** Default 'extension'. */
  surface?: AwsSurface;
}

export class AwsSourceError extends Error {
  readonly code: AwsErrorCode;
  readonly operation: string;
  /** The IAM action for access-denied errors. */
  readonly action?: string;
  override readonly cause?: unknown;

  constructor(code: AwsErrorCode, message: string, operation: string, cause?: unknown, action?: string) {
    super(message);
    this.name = 'AwsSourceError';
    this.code = code;
    this.operation = operation;
    this.cause = cause;
    if (action) this.action = action;
  }

  static is(e: unknown): e is AwsSourceError {
    return e instanceof AwsSourceError;
  }
}

export function isCancellation(e: unknown): boolean {
  if (AwsSourceError.is(e)) return e.code === 'cancelled';
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'AbortError';
}

function field(e: unknown, key: string): string | undefined {
  const v = (e as Record<string, unknown> | null)?.[key];
  return typeof v === 'string' ? v : undefined;
}

const CREDENTIALS_EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired', 'TokenRefreshRequired']);
const CREDENTIALS_INVALID = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'IncompleteSignature']);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'UnauthorizedException', 'ForbiddenException']);

/** Anything thrown, in the shape the SDK's classifiers read (they only look at fields). */
function asSdkError(e: unknown): SdkError {
  return (e !== null && typeof e === 'object' ? e : { name: 'Error', message: String(e) }) as SdkError;
}

/**
 * The network, not AWS: an error the SDK counts as transient (its Node timeout and network
 * codes, TimeoutError, also found on the `cause`) that came with no HTTP answer. A transient
 * error with an answer (500, 502, 503, 504) is the service's.
 */
function isNetworkError(e: unknown): boolean {
  const err = asSdkError(e);
  return err.$metadata?.httpStatusCode === undefined && isTransientError(err);
}

/** The remedies that differ between the extension and the CLI, each a clause that fits the sentences below. */
interface Remedies {
  /** After "Run `aws configure …` (or `aws configure sso`), or …" when a profile was named. */
  otherProfile: string;
  /** The sentence after "found no AWS credentials (…)." when no profile was named. */
  noCredentials: string;
  /** After "Sign in again (`aws sso login`)" for the default credentials that expired. */
  freshDefault: string;
  /** A sentence: where to set a valid Region. */
  region: string;
  /** After "Check the network (a proxy or VPN)" when an endpoint override is set. */
  endpoint: string;
  /** After "Check the network (a proxy or VPN)" for AWS's own endpoints. */
  awsEndpoint: string;
  /** After "Wait a minute and try again, or". */
  narrower: string;
  /** Inside parentheses after "no profile". */
  noProfile: string;
  /** After "if the request ran in another Region, ". */
  otherRegion: string;
}

const REMEDIES: Record<AwsSurface, Remedies> = {
  extension: {
    otherProfile: 'choose another profile (Timeout Lens: Select AWS Profile)',
    noCredentials: 'Run `aws configure` (or `aws configure sso`), or choose a profile (Timeout Lens: Select AWS Profile).',
    freshDefault: ', or choose a profile (Timeout Lens: Select AWS Profile), then retry.',
    region: 'Choose one with Timeout Lens: Select Region.',
    endpoint: ' and the endpoint in the timeoutLens.aws.endpoint setting.',
    awsEndpoint: ' and the Region (Timeout Lens: Select Region).',
    narrower: 'pick a shorter time window in Trace 504.',
    noProfile: 'no profile is chosen',
    otherRegion: 'choose that Region with Timeout Lens: Select Region',
  },
  cli: {
    otherProfile: 'pass another profile with --profile NAME',
    noCredentials: 'Pass --profile NAME or set AWS_PROFILE, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure` (or `aws configure sso`).',
    freshDefault: ', set fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or pass --profile NAME; then retry.',
    region: 'Pass one with --region (e.g. --region us-east-1) or set AWS_REGION.',
    endpoint: ' and the URL given to --endpoint.',
    awsEndpoint: ' and --region (or AWS_REGION).',
    narrower: 'look back less far (--since 15m).',
    noProfile: 'no --profile was given',
    otherRegion: 'pass that Region with --region',
  },
};

/** How to read another Region, in the words of where the message is read. */
export function otherRegionHint(surface: AwsSurface | undefined): string {
  return REMEDIES[surface ?? 'extension'].otherRegion;
}

function loginHint(profile: string | undefined, r: Remedies): string {
  return profile
    ? `Sign in again: \`aws sso login --profile ${profile}\` for an SSO profile, or renew the keys of profile "${profile}" (\`aws configure --profile ${profile}\`).`
    : `Sign in again (\`aws sso login\`)${r.freshDefault}`;
}

/**
 * A message from AWS, the SDK or a proxy with anything that looks like a credential taken out:
 * access key ids, signatures and tokens in a quoted URL, a secret or token written as a field.
 */
export function scrubSecrets(message: string): string {
  return message
    .replace(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '[access key id]')
    .replace(/(X-Amz-Security-Token|X-Amz-Signature|X-Amz-Credential|Signature|Credential)=[^&\s,;"']+/gi, '$1=[redacted]')
    .replace(/(aws_secret_access_key|aws_session_token|secretAccessKey|sessionToken|SecretAccessKey|SessionToken)(["']?\s*[:=]\s*["']?)[^\s"',;}]+/g, '$1$2[redacted]');
}

/** Maps anything the SDK or the network threw into an AwsSourceError (secrets never included). */
export function toAwsSourceError(e: unknown, ctx: AwsCallContext): AwsSourceError {
  if (AwsSourceError.is(e)) return e;
  const name = field(e, 'name') ?? '';
  const code = field(e, 'code') ?? field((e as { cause?: unknown } | null)?.cause, 'code') ?? '';
  // The only text of the error that reaches a message; what AWS or a proxy wrote can quote a request.
  const message = scrubSecrets(field(e, 'message') ?? String(e));
  const op = ctx.operation;
  const r = REMEDIES[ctx.surface ?? 'extension'];
  /** The credentials as a subject: `profile "dev"` or `the default credentials`. */
  const who = ctx.profile ? `profile "${ctx.profile}"` : 'the default credentials';
  if (name === 'AbortError') return new AwsSourceError('cancelled', `${op} was cancelled.`, op, e);
  if (CREDENTIALS_EXPIRED.has(name) || /expired/i.test(message) && /token|credential/i.test(message)) {
    const whose = ctx.profile ? `The AWS credentials of profile "${ctx.profile}"` : 'The default AWS credentials';
    return new AwsSourceError('credentials-expired', `${whose} have expired (${op}). ${loginHint(ctx.profile, r)}`, op, e);
  }
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError' || /Could not load credentials|Unable to locate credentials|profile .* could not be found/i.test(message)) {
    return new AwsSourceError(
      'credentials-missing',
      ctx.profile
        ? `Timeout Lens found no AWS credentials for profile "${ctx.profile}". Run \`aws configure --profile ${ctx.profile}\` (or \`aws configure sso\`), or ${r.otherProfile}.`
        : `Timeout Lens found no AWS credentials (${r.noProfile}, and the default credential chain found none). ${r.noCredentials}`,
      op,
      e,
    );
  }
  if (CREDENTIALS_INVALID.has(name)) {
    return new AwsSourceError('credentials-missing', `AWS did not accept ${ctx.profile ? `the credentials of profile "${ctx.profile}"` : 'the default credentials'} (${name}). ${loginHint(ctx.profile, r)}`, op, e);
  }
  if (ACCESS_DENIED.has(name) || /not authorized to perform/i.test(message)) {
    const action = IAM_ACTIONS[op] ?? /perform: ([a-z0-9-]+:[A-Za-z]+)/.exec(message)?.[1];
    return new AwsSourceError(
      'access-denied',
      `Access denied: the identity of ${who} may not call ${action ?? op}. Add "${action ?? op}" to its IAM policy (the README lists the read-only policy Timeout Lens needs).`,
      op,
      e,
      action,
    );
  }
  if (isThrottlingError(asSdkError(e))) {
    return new AwsSourceError('throttled', `AWS throttled ${op}, and the call still failed after retries. Wait a minute and try again, or ${r.narrower}`, op, e);
  }
  if (isNetworkError(e) || /getaddrinfo|ECONNREFUSED|socket hang up/i.test(message)) {
    if ((code === 'ENOTFOUND' || /getaddrinfo/.test(message)) && ctx.region && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(ctx.region)) {
      return new AwsSourceError('unknown-region', `"${ctx.region}" is not an AWS Region. ${r.region}`, op, e);
    }
    const where = ctx.endpoint ?? `the AWS endpoint of ${op}${ctx.region ? ` in ${ctx.region}` : ''}`;
    return new AwsSourceError('network', `Cannot reach ${where} (${code || name}). Check the network (a proxy or VPN)${ctx.endpoint ? r.endpoint : r.awsEndpoint}`, op, e);
  }
  if (/region/i.test(message) && /missing|invalid|not valid/i.test(message)) {
    return new AwsSourceError('unknown-region', `No valid AWS Region is set (${message}). ${r.region}`, op, e);
  }
  const status = (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return new AwsSourceError('service', `${op} failed${status ? ` (HTTP ${status})` : ''}: ${name ? `${name}: ` : ''}${message}`, op, e);
}
