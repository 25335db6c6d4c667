// The parts of src/aws that need no server: the Trace 504 filter expression, error mapping
// into messages that name the fix (the SDK's own throttling and transient classification),
// route matching, integration URIs, profiles read by the SDK's shared-ini loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace504Filter } from '../../../src/aws/xraySource';
import { AwsSourceError, isCancellation, toAwsSourceError } from '../../../src/aws/errors';
import { functionNameOfUri } from '../../../src/aws/configSource';
import { routeMatches } from '../../../src/core/endpoints';
import { listProfiles } from '../../../src/aws/profiles';

test('the Trace 504 filter expression', () => {
  assert.equal(trace504Filter('orders-api/prod', 29_000), 'service("orders-api/prod") { http.status = 504 OR fault OR responsetime >= 23.2 }');
  assert.equal(trace504Filter('catalog', 30_000), 'service("catalog") { http.status = 504 OR fault OR responsetime >= 24 }');
  assert.equal(trace504Filter('we"ird\\name', 10_000, 0.5), 'service("we\\"ird\\\\name") { http.status = 504 OR fault OR responsetime >= 5 }');
});

test('SDK errors become messages that name the fix', () => {
  const expired = toAwsSourceError({ name: 'ExpiredTokenException', message: 'The security token included in the request is expired' }, { operation: 'GetTraceSummaries', profile: 'prod-sso' });
  assert.equal(expired.code, 'credentials-expired');
  assert.match(expired.message, /aws sso login --profile prod-sso/);
  const denied = toAwsSourceError(
    { name: 'AccessDeniedException', message: 'User: arn:aws:iam::1:user/x is not authorized to perform: xray:BatchGetTraces' },
    { operation: 'BatchGetTraces' },
  );
  assert.equal(denied.code, 'access-denied');
  assert.equal(denied.action, 'xray:BatchGetTraces');
  assert.match(denied.message, /Add "xray:BatchGetTraces" to its IAM policy/);
  const throttled = toAwsSourceError({ name: 'ThrottlingException', message: 'Rate exceeded' }, { operation: 'FilterLogEvents' });
  assert.equal(throttled.code, 'throttled');
  const net = toAwsSourceError({ name: 'Error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' }, { operation: 'GetTraceSummaries', endpoint: 'http://127.0.0.1:9' });
  assert.equal(net.code, 'network');
  assert.match(net.message, /Cannot reach http:\/\/127\.0\.0\.1:9/);
  const region = toAwsSourceError({ name: 'Error', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND xray.mars-1.amazonaws.com' }, { operation: 'GetTraceSummaries', region: 'mars' });
  assert.equal(region.code, 'unknown-region');
  const missing = toAwsSourceError({ name: 'CredentialsProviderError', message: 'Could not load credentials from any providers' }, { operation: 'GetRestApis', profile: 'nope' });
  assert.equal(missing.code, 'credentials-missing');
  assert.match(missing.message, /aws configure --profile nope/);
  const abort = toAwsSourceError({ name: 'AbortError', message: 'aborted' }, { operation: 'BatchGetTraces' });
  assert.ok(isCancellation(abort));
  assert.ok(AwsSourceError.is(abort));
  for (const e of [expired, denied, throttled, net, missing]) assert.doesNotMatch(e.message, /secret|AKIA/i);
  // Errors whose text quotes credentials (a proxy echoing the signed URL, an SDK message naming a key):
  // none of it reaches the message a user sees or the log.
  const key = 'AKIAIOSFODNN7EXAMPLE';
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const token = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN';
  const quoting = [
    { name: 'InternalFailure', message: `proxy refused https://xray.us-east-1.amazonaws.com/Traces?X-Amz-Credential=${key}%2F20261201&X-Amz-Security-Token=${token}&X-Amz-Signature=abc123` },
    { name: 'ValidationException', message: `bad request: {"secretAccessKey": "${secret}", "sessionToken": "${token}"}` },
    { name: 'Error', message: `Region is missing for ${key} (aws_secret_access_key=${secret})` },
    { name: 'ExpiredTokenException', message: `The security token ${token} included in the request is expired` },
  ];
  for (const raw of quoting) {
    const e = toAwsSourceError(raw, { operation: 'BatchGetTraces', region: 'us-east-1' });
    for (const s of [key, secret, token]) assert.ok(!e.message.includes(s), `${e.code}: ${e.message}`);
  }
  assert.match(toAwsSourceError(quoting[0], { operation: 'BatchGetTraces' }).message, /InternalFailure: proxy refused .*X-Amz-Credential=\[redacted\]/);
});

test('route templates and integration URIs', () => {
  assert.ok(routeMatches('/orders/{id}', '/orders/42'));
  assert.ok(!routeMatches('/orders/{id}', '/orders/42/items'));
  assert.ok(routeMatches('/files/{proxy+}', '/files/a/b/c'));
  assert.ok(routeMatches('/reports', '/reports/'));
  assert.ok(!routeMatches('/reports', '/reportsX'));
  assert.equal(
    functionNameOfUri('arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders-api-reports/invocations'),
    'orders-api-reports',
  );
  assert.equal(functionNameOfUri('arn:aws:lambda:us-east-1:123456789012:function:catalog-api-prod-search:live'), 'catalog-api-prod-search');
  assert.equal(functionNameOfUri(undefined), undefined);
});

test('profiles from the AWS CLI files, with how each gets credentials', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-aws-'));
  writeFileSync(
    join(dir, 'config'),
    '[default]\nregion = eu-west-1\n\n[profile dev-sso]\nsso_session = corp\nregion = us-east-2\n\n[sso-session corp] ; IAM Identity Center\nsso_start_url = https://x\n\n[profile ops]\nrole_arn = arn:aws:iam::1:role/ops\nsource_profile = default\n\n[profile tool]\ncredential_process = /bin/creds\n',
  );
  writeFileSync(join(dir, 'credentials'), '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n\n[legacy]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = y\n');
  const profiles = await listProfiles({ AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') });
  assert.deepEqual(
    profiles.map((p) => [p.name, p.kind, p.region ?? null, p.sources.join('+')]),
    [
      ['default', 'keys', 'eu-west-1', 'config+credentials'],
      ['dev-sso', 'sso', 'us-east-2', 'config'],
      ['legacy', 'keys', null, 'credentials'],
      ['ops', 'role', null, 'config'],
      ['tool', 'process', null, 'config'],
    ],
  );
  assert.deepEqual(await listProfiles({ AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') }), []);
});

async function profilesOf(config: string, credentials = ''): Promise<Array<[string, string, string | null]>> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-ini-'));
  writeFileSync(join(dir, 'config'), config);
  writeFileSync(join(dir, 'credentials'), credentials);
  const saved = { c: process.env.AWS_CONFIG_FILE, k: process.env.AWS_SHARED_CREDENTIALS_FILE };
  // Through the environment, as the credential chain finds the files.
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  try {
    return (await listProfiles()).map((p) => [p.name, p.kind, p.region ?? null]);
  } finally {
    if (saved.c === undefined) delete process.env.AWS_CONFIG_FILE;
    else process.env.AWS_CONFIG_FILE = saved.c;
    if (saved.k === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    else process.env.AWS_SHARED_CREDENTIALS_FILE = saved.k;
  }
}

test('profiles: an inline comment is not part of the value', async () => {
  assert.deepEqual(await profilesOf('[profile prod]\nregion = eu-west-1 # production\nrole_arn = arn:aws:iam::1:role/ro ; read-only\nsource_profile = default\n\n[default] # mine\nregion = us-east-2;no space, so part of the value\n'), [
    ['default', 'other', 'us-east-2;no space, so part of the value'],
    ['prod', 'role', 'eu-west-1'],
  ]);
});

test('profiles: [sso-session] and [services] sections are not profiles, and a profile that uses one is SSO', async () => {
  assert.deepEqual(
    await profilesOf('[sso-session corp] ; IAM Identity Center\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\nregion = eu-central-1\n\n[services local]\nxray =\n  endpoint_url = http://localhost:4566\n\n[profile dev] # through corp\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nservices = local\n'),
    [['dev', 'sso', null]],
  );
});

test('profiles: keys in an indented sub-section belong to it, not to the profile', async () => {
  assert.deepEqual(await profilesOf('[profile tuned]\naws_access_key_id = AKIAEXAMPLE\ns3 =\n  region = ap-south-1\n  max_concurrent_requests = 20\nregion = sa-east-1\n\n[profile nested]\ncredential_process = /bin/creds\ns3 =\n  region = ap-south-1\n'), [
    ['nested', 'process', null],
    ['tuned', 'keys', 'sa-east-1'],
  ]);
});

test('the SDK’s classification decides throttling and the network; the messages still name the fix', () => {
  const unnamed429 = toAwsSourceError({ name: 'Error', message: 'slow down', $metadata: { httpStatusCode: 429 } }, { operation: 'GetRestApis' });
  assert.equal(unnamed429.code, 'throttled', 'a 429 is throttling whatever its name');
  assert.match(unnamed429.message, /AWS throttled GetRestApis/);
  assert.equal(toAwsSourceError({ name: 'RequestThrottledException', message: 'x', $metadata: { httpStatusCode: 400 } }, { operation: 'FilterLogEvents' }).code, 'throttled');
  const wrapped = toAwsSourceError({ name: 'Error', message: 'request failed', cause: { name: 'Error', code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' } }, { operation: 'GetTraceSummaries', endpoint: 'https://xray.example' });
  assert.equal(wrapped.code, 'network', 'a timeout found on the cause');
  assert.match(wrapped.message, /Cannot reach https:\/\/xray\.example/);
  const unavailable = toAwsSourceError({ name: 'ServiceUnavailableException', message: 'try later', $metadata: { httpStatusCode: 503 } }, { operation: 'GetTraceSummaries' });
  assert.equal(unavailable.code, 'service', 'a 503 came from AWS: not the network');
  assert.match(unavailable.message, /GetTraceSummaries failed \(HTTP 503\)/);
  assert.equal(toAwsSourceError({ name: 'TimeoutError', message: 'socket timed out' }, { operation: 'BatchGetTraces' }).code, 'network');
});
