// The AWS error messages, read where they are shown: the extension's name its commands and
// settings, the CLI's name its flags and environment variables. The code of each error is the
// same on both surfaces (the extension offers fixes by code), and secrets never reach either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { GetTraceSummariesCommand } from '@aws-sdk/client-xray';
import { AwsClients } from '../../../src/aws/clients';
import { AwsSourceError, toAwsSourceError, type AwsCallContext, type AwsSurface } from '../../../src/aws/errors';

interface Case {
  what: string;
  error: Record<string, unknown>;
  ctx: Omit<AwsCallContext, 'surface'>;
  code: string;
  extension: string;
  cli: string;
}

const CASES: Case[] = [
  {
    what: 'no credentials, no profile',
    error: { name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
    ctx: { operation: 'GetRestApis' },
    code: 'credentials-missing',
    extension:
      'Timeout Lens found no AWS credentials (no profile is chosen, and the default credential chain found none). Run `aws configure` (or `aws configure sso`), or choose a profile (Timeout Lens: Select AWS Profile).',
    cli: 'Timeout Lens found no AWS credentials (no --profile was given, and the default credential chain found none). Pass --profile NAME or set AWS_PROFILE, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws configure` (or `aws configure sso`).',
  },
  {
    what: 'no credentials for a profile',
    error: { name: 'CredentialsProviderError', message: 'Profile nope could not be found in shared credentials file.' },
    ctx: { operation: 'GetRestApis', profile: 'nope' },
    code: 'credentials-missing',
    extension: 'Timeout Lens found no AWS credentials for profile "nope". Run `aws configure --profile nope` (or `aws configure sso`), or choose another profile (Timeout Lens: Select AWS Profile).',
    cli: 'Timeout Lens found no AWS credentials for profile "nope". Run `aws configure --profile nope` (or `aws configure sso`), or pass another profile with --profile NAME.',
  },
  {
    what: 'expired default credentials',
    error: { name: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
    ctx: { operation: 'GetTraceSummaries' },
    code: 'credentials-expired',
    extension: 'The default AWS credentials have expired (GetTraceSummaries). Sign in again (`aws sso login`), or choose a profile (Timeout Lens: Select AWS Profile), then retry.',
    cli: 'The default AWS credentials have expired (GetTraceSummaries). Sign in again (`aws sso login`), set fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or pass --profile NAME; then retry.',
  },
  {
    what: 'expired profile credentials (the same on both surfaces: the AWS CLI fixes it)',
    error: { name: 'ExpiredTokenException', message: 'The security token included in the request is expired' },
    ctx: { operation: 'GetTraceSummaries', profile: 'prod-sso' },
    code: 'credentials-expired',
    extension: 'The AWS credentials of profile "prod-sso" have expired (GetTraceSummaries). Sign in again: `aws sso login --profile prod-sso` for an SSO profile, or renew the keys of profile "prod-sso" (`aws configure --profile prod-sso`).',
    cli: 'The AWS credentials of profile "prod-sso" have expired (GetTraceSummaries). Sign in again: `aws sso login --profile prod-sso` for an SSO profile, or renew the keys of profile "prod-sso" (`aws configure --profile prod-sso`).',
  },
  {
    what: 'credentials AWS does not accept',
    error: { name: 'InvalidSignatureException', message: 'The request signature we calculated does not match' },
    ctx: { operation: 'FilterLogEvents' },
    code: 'credentials-missing',
    extension: 'AWS did not accept the default credentials (InvalidSignatureException). Sign in again (`aws sso login`), or choose a profile (Timeout Lens: Select AWS Profile), then retry.',
    cli: 'AWS did not accept the default credentials (InvalidSignatureException). Sign in again (`aws sso login`), set fresh AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or pass --profile NAME; then retry.',
  },
  {
    what: 'access denied (the same on both surfaces: the IAM policy fixes it)',
    error: { name: 'AccessDeniedException', message: 'User: arn:aws:iam::1:user/x is not authorized to perform: xray:BatchGetTraces' },
    ctx: { operation: 'BatchGetTraces', profile: 'dev' },
    code: 'access-denied',
    extension: 'Access denied: the identity of profile "dev" may not call xray:BatchGetTraces. Add "xray:BatchGetTraces" to its IAM policy (the README lists the read-only policy Timeout Lens needs).',
    cli: 'Access denied: the identity of profile "dev" may not call xray:BatchGetTraces. Add "xray:BatchGetTraces" to its IAM policy (the README lists the read-only policy Timeout Lens needs).',
  },
  {
    what: 'throttled',
    error: { name: 'ThrottlingException', message: 'Rate exceeded' },
    ctx: { operation: 'GetTraceSummaries' },
    code: 'throttled',
    extension: 'AWS throttled GetTraceSummaries, and the call still failed after retries. Wait a minute and try again, or pick a shorter time window in Trace 504.',
    cli: 'AWS throttled GetTraceSummaries, and the call still failed after retries. Wait a minute and try again, or look back less far (--since 15m).',
  },
  {
    what: 'a Region that is not one',
    error: { name: 'Error', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND xray.mars.amazonaws.com' },
    ctx: { operation: 'GetTraceSummaries', region: 'mars' },
    code: 'unknown-region',
    extension: '"mars" is not an AWS Region. Choose one with Timeout Lens: Select Region.',
    cli: '"mars" is not an AWS Region. Pass one with --region (e.g. --region us-east-1) or set AWS_REGION.',
  },
  {
    what: 'no Region at all',
    error: { name: 'Error', message: 'Region is missing' },
    ctx: { operation: 'GetRestApis' },
    code: 'unknown-region',
    extension: 'No valid AWS Region is set (Region is missing). Choose one with Timeout Lens: Select Region.',
    cli: 'No valid AWS Region is set (Region is missing). Pass one with --region (e.g. --region us-east-1) or set AWS_REGION.',
  },
  {
    what: 'an endpoint override that does not answer',
    error: { name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
    ctx: { operation: 'GetTraceSummaries', endpoint: 'http://127.0.0.1:9' },
    code: 'network',
    extension: 'Cannot reach http://127.0.0.1:9 (ECONNREFUSED). Check the network (a proxy or VPN) and the endpoint in the timeoutLens.aws.endpoint setting.',
    cli: 'Cannot reach http://127.0.0.1:9 (ECONNREFUSED). Check the network (a proxy or VPN) and the URL given to --endpoint.',
  },
  {
    what: "AWS's own endpoint out of reach",
    error: { name: 'TimeoutError', message: 'socket timed out' },
    ctx: { operation: 'BatchGetTraces', region: 'eu-west-1' },
    code: 'network',
    extension: 'Cannot reach the AWS endpoint of BatchGetTraces in eu-west-1 (TimeoutError). Check the network (a proxy or VPN) and the Region (Timeout Lens: Select Region).',
    cli: 'Cannot reach the AWS endpoint of BatchGetTraces in eu-west-1 (TimeoutError). Check the network (a proxy or VPN) and --region (or AWS_REGION).',
  },
];

const message = (c: Case, surface?: AwsSurface): AwsSourceError => toAwsSourceError(c.error, surface ? { ...c.ctx, surface } : c.ctx);

test('each AWS error reads as sentences that name the fix where it is read: commands and settings, or flags and variables', () => {
  for (const c of CASES) {
    const ext = message(c, 'extension');
    const cli = message(c, 'cli');
    assert.equal(ext.message, c.extension, `extension: ${c.what}`);
    assert.equal(cli.message, c.cli, `cli: ${c.what}`);
    assert.equal(ext.code, c.code, c.what);
    assert.equal(cli.code, c.code, `the code does not depend on the surface: ${c.what}`);
    assert.deepEqual(message(c), ext, `the extension's words are the default: ${c.what}`);
    // The CLI never sends a terminal user to a command palette or a setting.
    assert.doesNotMatch(cli.message, /Timeout Lens:|setting|Select /, c.what);
  }
});

test('the operation, the IAM action and the cause are kept whatever the surface', () => {
  const denied = CASES.find((c) => c.code === 'access-denied')!;
  for (const surface of ['extension', 'cli'] as const) {
    const e = message(denied, surface);
    assert.equal(e.operation, 'BatchGetTraces');
    assert.equal(e.action, 'xray:BatchGetTraces');
    assert.equal(e.cause, denied.error);
  }
});

test('secrets in what AWS or a proxy wrote reach neither surface', () => {
  const key = 'AKIAIOSFODNN7EXAMPLE';
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  for (const surface of ['extension', 'cli'] as const) {
    const e = toAwsSourceError({ name: 'Error', message: `Region is missing for ${key} (aws_secret_access_key=${secret})` }, { operation: 'GetRestApis', surface });
    assert.equal(e.code, 'unknown-region');
    assert.ok(!e.message.includes(key) && !e.message.includes(secret), e.message);
  }
});

test('AwsClients passes its connection’s surface to the messages; without one they are the extension’s', async () => {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
  await new Promise((resolve) => s.close(resolve));
  const credentials = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample' };
  const messageOf = async (clients: AwsClients): Promise<string> => {
    try {
      await clients.call('GetTraceSummaries', (o) => clients.xray().send(new GetTraceSummariesCommand({ StartTime: new Date(0), EndTime: new Date(1000) }), o));
    } catch (e) {
      assert.ok(AwsSourceError.is(e));
      return e.message;
    } finally {
      clients.dispose();
    }
    return assert.fail('the call reached a closed port');
  };
  const cli = await messageOf(new AwsClients({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1, surface: 'cli' }));
  assert.equal(cli, `Cannot reach ${endpoint} (ECONNREFUSED). Check the network (a proxy or VPN) and the URL given to --endpoint.`);
  const extension = await messageOf(new AwsClients({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 }));
  assert.equal(extension, `Cannot reach ${endpoint} (ECONNREFUSED). Check the network (a proxy or VPN) and the endpoint in the timeoutLens.aws.endpoint setting.`);
});
