// A workspace's settings can name the endpoint AWS requests go to: only AWS and this machine are
// sent to without asking, plain http:// only to this machine, and the user's "Allow" is kept per
// origin in a store the workspace cannot write. The AWS host list is held to the endpoints the
// SDK's own clients resolve for a Region of every partition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XRayClient } from '@aws-sdk/client-xray';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { AWS_DNS_SUFFIXES, ENDPOINT_SETTING, checkEndpoint, consentText, endpointKind, isAwsHost, isLoopbackHost, notAllowedText } from '../../../src/ui/endpointPolicy';
import { EndpointConsent, type ConsentStore } from '../../../src/ui/endpointConsent';

test('AWS hosts: every partition’s regional and dual-stack suffix, and nothing that only looks like one', () => {
  for (const h of [
    'xray.us-east-1.amazonaws.com',
    'logs.eu-west-1.amazonaws.com.',
    'XRAY.US-EAST-1.AMAZONAWS.COM',
    'vpce-0abc-123.logs.us-east-1.vpce.amazonaws.com',
    'xray.us-east-1.api.aws',
    'logs.cn-north-1.amazonaws.com.cn',
    'logs.cn-north-1.api.amazonwebservices.com.cn',
    'logs.us-gov-west-1.amazonaws.com',
  ]) {
    assert.ok(isAwsHost(h.toLowerCase()), h);
  }
  for (const h of [
    'amazonaws.com.evil.example',
    'evilamazonaws.com',
    'xray.us-east-1.amazonaws.co',
    'api.aws.evil.example',
    'notapi.aws',
    'example.invalid',
    '169.254.169.254',
    '[::1]',
    'amazonaws.com-evil.example',
  ]) {
    assert.equal(isAwsHost(h), false, h);
  }
});

test('loopback: localhost, 127.0.0.0/8 in any form the URL parser accepts, [::1], IPv4-mapped 127/8', () => {
  const host = (u: string): string => new URL(u).hostname;
  for (const u of ['http://localhost:4566', 'http://LOCALHOST.:1', 'http://127.0.0.1:9', 'http://127.255.0.3', 'http://127.1', 'http://0x7f.0.0.1', 'http://2130706433', 'http://[::1]:8080', 'http://[::ffff:127.0.0.1]']) {
    assert.ok(isLoopbackHost(host(u)), u);
  }
  for (const u of ['http://localhost.evil.example', 'http://evil.localhost', 'http://128.0.0.1', 'http://0.0.0.0', 'http://[::2]', 'http://[::ffff:8.8.8.8]', 'http://127.0.0.1.nip.io', 'http://10.0.0.1', 'http://192.0.2.2']) {
    assert.equal(isLoopbackHost(host(u)), false, u);
  }
});

test('checkEndpoint: AWS and loopback are sent to, another https server is asked about, the rest refused', () => {
  assert.deepEqual(checkEndpoint('https://xray.us-east-1.amazonaws.com'), { verdict: 'send', kind: 'aws', origin: 'https://xray.us-east-1.amazonaws.com' });
  assert.deepEqual(checkEndpoint('https://xray.us-east-1.amazonaws.com:443/path'), { verdict: 'send', kind: 'aws', origin: 'https://xray.us-east-1.amazonaws.com' });
  // The sample account and LocalStack: plain http on this machine is fine.
  assert.deepEqual(checkEndpoint('http://127.0.0.1:43121'), { verdict: 'send', kind: 'loopback', origin: 'http://127.0.0.1:43121' });
  assert.deepEqual(checkEndpoint(' http://localhost:4566/ '), { verdict: 'send', kind: 'loopback', origin: 'http://localhost:4566' });
  assert.deepEqual(checkEndpoint('http://[::1]:4566'), { verdict: 'send', kind: 'loopback', origin: 'http://[::1]:4566' });
  // Another server: its origin (scheme, host, port) is what the user is asked about.
  assert.deepEqual(checkEndpoint('https://X.Example/some/path?q=1'), { verdict: 'ask', kind: 'other', origin: 'https://x.example' });
  assert.deepEqual(checkEndpoint('https://example.invalid:8443'), { verdict: 'ask', kind: 'other', origin: 'https://example.invalid:8443' });
  assert.deepEqual(checkEndpoint('https://amazonaws.com.evil.example'), { verdict: 'ask', kind: 'other', origin: 'https://amazonaws.com.evil.example' });
  // userinfo does not hide the host: `https://xray.amazonaws.com@evil.example` goes to evil.example.
  const userinfo = checkEndpoint('https://xray.us-east-1.amazonaws.com:secret@evil.example');
  assert.equal(userinfo.verdict, 'refuse');
  assert.ok(userinfo.verdict === 'refuse' && !userinfo.message.includes('secret'), 'the password is not repeated');
});

test('plain http:// to another machine is refused with a message naming the setting, even to AWS', () => {
  for (const u of ['http://example.invalid', 'http://xray.us-east-1.amazonaws.com', 'http://10.0.0.5:4566', 'http://localhost.evil.example']) {
    const c = checkEndpoint(u);
    assert.equal(c.verdict, 'refuse', u);
    if (c.verdict !== 'refuse') continue;
    assert.ok(c.message.includes(ENDPOINT_SETTING), c.message);
    assert.match(c.message, /plain HTTP/);
    assert.match(c.message, /localhost, 127\.0\.0\.1, \[::1\]/);
  }
  assert.equal(
    checkEndpoint('http://example.invalid').verdict === 'refuse' && (checkEndpoint('http://example.invalid') as { message: string }).message,
    'Timeout Lens does not send AWS requests over plain HTTP to another machine: the setting timeoutLens.aws.endpoint is http://example.invalid. Use https://, or http:// only to this machine (localhost, 127.0.0.1, [::1]).',
  );
  for (const u of ['not a url', 'ftp://example.invalid', 'file:///etc/passwd', 'javascript:alert(1)', 'xray.us-east-1.amazonaws.com']) {
    const c = checkEndpoint(u);
    assert.equal(c.verdict, 'refuse', u);
    assert.ok(c.verdict === 'refuse' && c.message.includes(ENDPOINT_SETTING), u);
  }
});

test('the dialog asks the question of the issue and says where the setting is', () => {
  const ws = consentText('https://x.example', 'workspace');
  assert.equal(ws.message, 'Send AWS requests signed with your credentials to https://x.example?');
  assert.match(ws.detail, /timeoutLens\.aws\.endpoint in this workspace's settings \(\.vscode\/settings\.json\)/);
  assert.match(ws.detail, /access key ID/);
  assert.match(ws.detail, /session token/);
  assert.match(consentText('https://x.example', 'user').detail, /in your user settings/);
  assert.equal(notAllowedText('https://x.example'), 'Timeout Lens sent nothing to https://x.example: it was not allowed. The setting timeoutLens.aws.endpoint names it; clear it to read from AWS.');
});

/** A Memento as VS Code keeps one: values go through JSON. */
function memento(): ConsentStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(k: string): T | undefined => data.get(k) as T | undefined,
    update: async (k: string, v: unknown): Promise<void> => {
      data.set(k, JSON.parse(JSON.stringify(v)));
    },
  };
}

test('consent is kept per origin, in its own key, and survives a reload of the store', async () => {
  const m = memento();
  const c = new EndpointConsent(m);
  assert.equal(c.isAllowed('https://x.example'), false);
  await c.allow('https://x.example');
  await c.allow('https://x.example');
  assert.equal(c.isAllowed('https://x.example'), true);
  assert.equal(c.isAllowed('https://x.example:8443'), false, 'another port is another endpoint');
  assert.equal(c.isAllowed('http://x.example'), false, 'another scheme is another endpoint');
  assert.deepEqual([...m.data.keys()], ['timeoutLens.allowedEndpoints']);
  assert.deepEqual(new EndpointConsent(m).allowed(), ['https://x.example']);
  await c.forget('https://x.example');
  assert.equal(c.isAllowed('https://x.example'), false);
  // Whatever else is in the key (an older shape, a hand edit) allows nothing.
  m.data.set(EndpointConsent.KEY, { 'https://y.example': true });
  assert.equal(new EndpointConsent(m).isAllowed('https://y.example'), false);
  m.data.set(EndpointConsent.KEY, ['https://y.example', 7, null]);
  assert.deepEqual(new EndpointConsent(m).allowed(), ['https://y.example']);
});

test('the AWS suffixes are exactly those of the endpoints the SDK resolves, for every partition', () => {
  // One Region per partition of the SDK's partition table (aws, aws-cn, aws-us-gov, aws-eusc, aws-iso*).
  const regions = ['us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'eusc-de-east-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1'];
  const clients = [XRayClient, CloudWatchLogsClient, LambdaClient, APIGatewayClient];
  const seen = new Set<string>();
  for (const region of regions) {
    for (const Client of clients) {
      const c = new Client({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
      for (const UseDualStack of [false, true]) {
        let host: string;
        try {
          host = c.config.endpointProvider({ Region: region, UseDualStack, UseFIPS: false }).url.hostname;
        } catch {
          continue; // a service without dual-stack in that partition
        }
        assert.equal(endpointKind(host), 'aws', `${Client.name} ${region}${UseDualStack ? ' dual-stack' : ''}: ${host}`);
        const suffix = AWS_DNS_SUFFIXES.filter((s) => host.endsWith(`.${s}`)).sort((a, b) => b.length - a.length)[0];
        if (suffix) seen.add(suffix);
      }
      c.destroy();
    }
  }
  // Every suffix of the list is one the SDK really uses: the list holds nothing extra.
  assert.deepEqual([...seen].sort(), [...AWS_DNS_SUFFIXES].sort());
});
