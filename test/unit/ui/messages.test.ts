// The texts of the run messages, composed without VS Code: each distinct failure once with its
// count, the severity by what was read, the fixes by the failure's code, the skipped files by
// name, and what a typed profile name may hold. The AWS messages themselves are not pinned here
// (they belong to src/aws/errors.ts); only the words this module adds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  distinctFailures,
  failedRunMessage,
  failureLabel,
  failureOf,
  failureSummary,
  fileOfSource,
  fixesFor,
  fixesForAll,
  nameList,
  profileNameProblem,
  skippedFileNames,
  skippedMessage,
  ssoLoginCommand,
  trace504Message,
  windowWords,
  wrapText,
  type RunFailure,
  type RunOutcome,
} from '../../../src/ui/messages';

const denied = (operation: string, action: string, what = 'x'): RunFailure => ({ code: 'access-denied', operation, action, what, message: `${what}: denied ${action}` });
const of = (code: RunFailure['code'], operation: string, what = 'x'): RunFailure => ({ code, operation, what, message: `${what}: ${code} ${operation}` });

const outcome = (o: Partial<RunOutcome>): RunOutcome => ({ target: 'orders-api (REST API, stage prod)', minutes: 60, found: false, failures: [], problems: [], notes: [], sourcesRead: 1, ...o });

test('a failure in a few words: the service, the operation, what happened, the IAM action when denied', () => {
  assert.equal(failureLabel(denied('GetTraceSummaries', 'xray:GetTraceSummaries')), 'X-Ray GetTraceSummaries denied (xray:GetTraceSummaries)');
  assert.equal(failureLabel(of('throttled', 'FilterLogEvents')), 'CloudWatch Logs FilterLogEvents throttled');
  assert.equal(failureLabel(of('network', 'GetFunctionConfiguration')), 'Lambda GetFunctionConfiguration unreachable');
  assert.equal(failureLabel(of('credentials-expired', 'GetRestApis')), 'API Gateway GetRestApis credentials expired');
  assert.equal(failureLabel(of('unknown-region', 'GetApis')), 'API Gateway GetApis no valid Region');
  // A failure that came from no call says itself.
  assert.equal(failureLabel({ code: 'service', operation: '', what: 'x', message: 'The trace file is empty.' }), 'The trace file is empty.');
});

test('each distinct failure once, counted, the most frequent first', () => {
  const failures = [
    of('throttled', 'FilterLogEvents', 'REPORT lines of a'),
    denied('GetTraceSummaries', 'xray:GetTraceSummaries', 'orders-api/prod'),
    denied('GetTraceSummaries', 'xray:GetTraceSummaries', 'orders-api/dev'),
    denied('GetTraceSummaries', 'xray:GetTraceSummaries', 'orders-api/test'),
  ];
  assert.deepEqual(distinctFailures(failures).map((d) => [d.label, d.count]), [
    ['X-Ray GetTraceSummaries denied (xray:GetTraceSummaries)', 3],
    ['CloudWatch Logs FilterLogEvents throttled', 1],
  ]);
  assert.equal(failureSummary(failures), 'X-Ray GetTraceSummaries denied (xray:GetTraceSummaries) ×3; CloudWatch Logs FilterLogEvents throttled ×1');
  // The same operation failing two ways is two failures; two actions denied are two too.
  assert.equal(distinctFailures([of('throttled', 'FilterLogEvents'), of('network', 'FilterLogEvents'), denied('GetStages', 'apigateway:GET'), denied('GetTraceSummaries', 'xray:GetTraceSummaries')]).length, 4);
});

test('nothing read: an error listing each failure once with its count, what to do, and the fix', () => {
  const failures = [of('network', 'GetTraceSummaries'), of('network', 'FilterLogEvents'), of('network', 'FilterLogEvents'), of('network', 'GetFunctionConfiguration')];
  const m = trace504Message(outcome({ target: 'function orders-api-reports', failures, sourcesRead: 0 }), { endpoint: 'http://127.0.0.1:9' })!;
  assert.equal(m.severity, 'error');
  assert.equal(
    m.text,
    'Trace 504 could not read function orders-api-reports: CloudWatch Logs FilterLogEvents unreachable ×2; X-Ray GetTraceSummaries unreachable ×1; Lambda GetFunctionConfiguration unreachable ×1. Check the endpoint setting (http://127.0.0.1:9), the network, a proxy or VPN.',
  );
  assert.deepEqual(m.fixes.map((f) => f.button), ['Open the Endpoint Setting']);
  assert.equal(m.log, true);
});

test('part of it read: a warning, whether or not a request was found', () => {
  const failures = [denied('FilterLogEvents', 'logs:FilterLogEvents'), denied('FilterLogEvents', 'logs:FilterLogEvents'), of('throttled', 'BatchGetTraces')];
  const found = trace504Message(outcome({ found: true, failures, sourcesRead: 2 }), { profile: 'work' })!;
  assert.equal(found.severity, 'warning');
  assert.equal(
    found.text,
    'Trace 504 on orders-api (REST API, stage prod) read only part of the data: CloudWatch Logs FilterLogEvents denied (logs:FilterLogEvents) ×2; X-Ray BatchGetTraces throttled ×1. Add logs:FilterLogEvents to the IAM policy of profile work. Wait a minute and try again, or choose a shorter time window.',
  );
  assert.deepEqual(found.fixes.map((f) => f.button), ['Copy the IAM Action', 'Open the IAM Policy']);
  const none = trace504Message(outcome({ found: false, failures: [denied('FilterLogEvents', 'logs:FilterLogEvents')], sourcesRead: 1, minutes: 15 }), {})!;
  assert.equal(none.severity, 'warning');
  assert.match(none.text, /^Trace 504 found no slow request of orders-api \(REST API, stage prod\) in the last 15 minutes, but read only part of the data: CloudWatch Logs FilterLogEvents denied \(logs:FilterLogEvents\) ×1\. Add logs:FilterLogEvents to the IAM policy of your credentials\.$/);
});

test('no failure: a problem is a warning, nothing slow is information, a request found says nothing', () => {
  const problem = 'X-Ray did not return 2 trace(s) after retries (UnprocessedTraceIds); try again in a minute.';
  const w = trace504Message(outcome({ found: true, problems: [problem, problem] }), {})!;
  assert.equal(w.severity, 'warning');
  assert.equal(w.text, 'Trace 504 on orders-api (REST API, stage prod): X-Ray did not return 2 trace(s) after retries (UnprocessedTraceIds); try again in a minute ×2.');
  const note = 'X-Ray holds no 504 or near-budget request of orders-api in this window.';
  const info = trace504Message(outcome({ notes: [note] }), {})!;
  assert.equal(info.severity, 'info');
  assert.equal(info.text, `Trace 504: ${note}`);
  assert.equal(trace504Message(outcome({ minutes: 180 }), {})!.text, 'Trace 504: no slow requests of orders-api (REST API, stage prod) in the last 3 hours.');
  assert.equal(trace504Message(outcome({ found: true, notes: [note] }), {}), undefined);
  // A cancelled call is not a failure to report.
  assert.equal(trace504Message(outcome({ found: true, failures: [of('cancelled', 'FilterLogEvents')] }), {}), undefined);
});

test('a run that failed as a whole: its failure and fix; a failure of no known kind in its own words', () => {
  const m = failedRunMessage('orders-api', of('credentials-expired', 'GetRestApis'), { profile: 'dev-sso' });
  assert.equal(m.severity, 'error');
  assert.equal(m.text, 'Trace 504 could not read orders-api: API Gateway GetRestApis credentials expired ×1. Sign in again with `aws sso login --profile dev-sso` (or renew the keys of profile dev-sso), then run Trace 504 again.');
  assert.deepEqual(m.fixes.map((f) => f.button), ['Sign In in a Terminal', 'Select AWS Profile']);
  const noApi = failedRunMessage('shop', { code: 'service', operation: 'GetRestApis', what: 'x', message: 'No API named "shop". APIs there: orders-api.' }, {});
  assert.equal(noApi.text, 'Trace 504: No API named "shop". APIs there: orders-api.');
});

test('the fix of each code', () => {
  const ctx = { profile: 'dev', endpoint: 'http://127.0.0.1:4566' };
  assert.deepEqual(fixesFor('credentials-expired', ctx).map((f) => [f.id, f.label]), [
    ['sso-login', 'Run `aws sso login --profile dev` in a terminal'],
    ['select-profile', 'Select AWS Profile'],
  ]);
  assert.equal(fixesFor('credentials-expired', {})[0]!.text, 'aws sso login');
  assert.deepEqual(fixesFor('credentials-missing', ctx).map((f) => f.label), ['Select AWS Profile']);
  assert.deepEqual(fixesFor('access-denied', ctx, [denied('BatchGetTraces', 'xray:BatchGetTraces')]).map((f) => f.label), ['Copy the IAM action xray:BatchGetTraces', 'Open the IAM policy Timeout Lens needs']);
  assert.equal(fixesFor('access-denied', ctx, [denied('BatchGetTraces', 'xray:BatchGetTraces'), denied('FilterLogEvents', 'logs:FilterLogEvents')])[0]!.text, 'xray:BatchGetTraces\nlogs:FilterLogEvents');
  assert.deepEqual(fixesFor('unknown-region', ctx).map((f) => f.label), ['Select Region']);
  assert.deepEqual(fixesFor('network', ctx).map((f) => [f.label, f.detail]), [['Open the endpoint setting', 'timeoutLens.aws.endpoint, now http://127.0.0.1:4566']]);
  assert.deepEqual(fixesFor('throttled', ctx).map((f) => f.button), ['Try Again']);
  assert.deepEqual(fixesFor('service', ctx), []);
  // Each fix once over a run's failures, the most frequent kind's first.
  assert.deepEqual(fixesForAll([of('network', 'GetApis'), of('credentials-missing', 'GetRestApis'), of('credentials-missing', 'ListFunctions')], ctx).map((f) => f.id), ['select-profile', 'open-endpoint-setting']);
});

test('the sign-in command quotes a profile name only when a shell would read it', () => {
  assert.equal(ssoLoginCommand('dev-sso'), 'aws sso login --profile dev-sso');
  assert.equal(ssoLoginCommand('team@corp.example/admin'), 'aws sso login --profile team@corp.example/admin');
  assert.equal(ssoLoginCommand("it's; rm -rf"), `aws sso login --profile 'it'\\''s; rm -rf'`);
  assert.equal(ssoLoginCommand(undefined), 'aws sso login');
});

test('an error of either bundle is read by its fields; anything else is a failure of no call', () => {
  const aws = Object.assign(new Error('Access denied: …'), { code: 'access-denied', operation: 'ListFunctions', action: 'lambda:ListFunctions' });
  assert.deepEqual(failureOf(aws, 'Could not list the Lambda functions'), { code: 'access-denied', operation: 'ListFunctions', action: 'lambda:ListFunctions', what: 'Could not list the Lambda functions', message: 'Access denied: …' });
  assert.deepEqual(failureOf(new Error('boom'), 'w'), { code: 'service', operation: '', what: 'w', message: 'boom' });
  assert.deepEqual(failureOf(Object.assign(new Error('x'), { code: 'ENOENT' }), 'w').code, 'service');
  assert.deepEqual(failureOf('text', 'w').message, 'text');
});

test('the time window in words', () => {
  assert.deepEqual([15, 60, 180, 1440, 10080].map(windowWords), ['the last 15 minutes', 'the last hour', 'the last 3 hours', 'the last 24 hours', 'the last 7 days']);
});

test('a message wrapped into lines of the width, words kept whole', () => {
  const text = 'Access denied: profile "dev" may not call xray:GetTraceSummaries. Add "xray:GetTraceSummaries" to its IAM policy.';
  const lines = wrapText(text, 40);
  assert.equal(lines.join(' '), text);
  assert.ok(lines.every((l) => l.length <= 40), lines.join(' | '));
  assert.deepEqual(wrapText('a-very-long-word-with-no-space', 10), ['a-very-long-word-with-no-space']);
  assert.deepEqual(wrapText('', 10), []);
});

test('skipped items name their files: up to three, then how many more', () => {
  assert.equal(nameList(['a.json']), 'a.json');
  assert.equal(nameList(['a.json', 'b.log']), 'a.json and b.log');
  assert.equal(nameList(['a.json', 'b.log', 'c.txt']), 'a.json, b.log and c.txt');
  assert.equal(nameList(['a', 'b', 'c', 'd', 'e']), 'a, b, c and 2 more');
  const files = ['/t/traces.json', '/t/traces.json.bak', '/t/lambda.log'];
  assert.equal(fileOfSource('/t/traces.json:3', files), '/t/traces.json');
  assert.equal(fileOfSource('/t/traces.json.bak#Traces[0]', files), '/t/traces.json.bak', 'the longest path it starts with');
  assert.equal(fileOfSource('/elsewhere/x.json:12', files), '/elsewhere/x.json');
  const errors = [
    { source: '/t/traces.json:3', message: 'Not valid JSON: Unexpected token' },
    { source: '/t/traces.json:9', message: 'Not a segment document.' },
    { source: '/t/lambda.log', message: 'No log events found.' },
  ];
  assert.deepEqual(skippedFileNames(errors, files), ['traces.json', 'lambda.log']);
  assert.equal(skippedMessage(errors, files), 'Timeout Lens skipped 3 items it could not read in traces.json and lambda.log: Not valid JSON: Unexpected token (and 2 more). Show Details lists each with where and why; the rest is shown.');
  assert.equal(skippedMessage([{ source: 'C:\\t\\x.json', message: 'Not valid JSON.' }], []), 'Timeout Lens skipped an item it could not read in x.json: Not valid JSON. Show Details lists each with where and why; the rest is shown.');
  const many = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ source: `/t/${n}.json`, message: 'Not valid JSON.' }));
  assert.match(skippedMessage(many, []), /in a\.json, b\.json, c\.json and 2 more: /);
});

test('a typed profile name: the characters the AWS SDK reads in ~/.aws/config', () => {
  for (const ok of ['dev', 'Prod_2', 'team-admin', 'a.b', 'ci+deploy', 'me@corp.example', 'org/admin', 'acct:123', '50%']) assert.equal(profileNameProblem(ok), undefined, ok);
  assert.equal(profileNameProblem(''), 'Type the name of a profile.');
  assert.equal(profileNameProblem('my profile'), 'A profile name has no spaces.');
  for (const bad of ['a=b', 'a,b', 'a]b', 'a;b', "it's", 'é']) assert.match(profileNameProblem(bad) ?? '', /letters, digits and _ - \. \+ @ % : \/ only/, bad);
});
