// The parts of src/aws that need no server: the Trace 504 filter expression, error mapping
// into messages that name the fix, route matching, integration URIs, profiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace504Filter } from '../../../src/aws/xraySource';
import { AwsSourceError, isCancellation, toAwsSourceError } from '../../../src/aws/errors';
import { functionNameOfUri, routeMatches } from '../../../src/aws/configSource';
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
  assert.equal(functionNameOfUri('arn:aws:lambda:us-east-1:123456789012:function:catalog-search:live'), 'catalog-search');
  assert.equal(functionNameOfUri(undefined), undefined);
});

test('profiles from the AWS CLI files, with how each gets credentials', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-aws-'));
  writeFileSync(
    join(dir, 'config'),
    '[default]\nregion = eu-west-1\n\n[profile dev-sso]\nsso_session = corp\nregion = us-east-2\n\n[sso-session corp]\nsso_start_url = https://x\n\n[profile ops]\nrole_arn = arn:aws:iam::1:role/ops\nsource_profile = default\n\n[profile tool]\ncredential_process = /bin/creds\n',
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
