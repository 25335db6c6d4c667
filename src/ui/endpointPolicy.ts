// Where Timeout Lens may send requests signed with the user's AWS credentials. A workspace's
// `.vscode/settings.json` can set `timeoutLens.aws.endpoint`, and every request to it carries the
// access key id and, with temporary credentials, the session token. So an endpoint is one of:
// AWS itself (a host under an AWS partition's DNS suffix), this machine (loopback: the sample
// account, LocalStack), or another server, which the user must allow once (endpointConsent.ts).
// Plain http:// is refused except on loopback: on a network, anyone on the path would read the
// token. Pure (no vscode): unit-tested directly.

/** The setting the endpoint comes from, as messages name it. */
export const ENDPOINT_SETTING = 'timeoutLens.aws.endpoint';

/**
 * The DNS suffixes of AWS's service endpoints: each partition's regional suffix and its
 * dual-stack one, as the SDK's partition table (@aws-sdk/core `partitions`) and the AWS General
 * Reference ("AWS service endpoints": `service.region.amazonaws.com`, dual-stack
 * `service.region.api.aws`) give them. aws and aws-us-gov share amazonaws.com / api.aws.
 * test/unit/hostile/uiEndpointPolicy.test.ts holds this list to the endpoints the SDK's own
 * clients resolve for a Region of every partition.
 */
export const AWS_DNS_SUFFIXES: readonly string[] = [
  'amazonaws.com', // aws, aws-us-gov
  'api.aws', // their dual-stack endpoints
  'amazonaws.com.cn', // aws-cn
  'api.amazonwebservices.com.cn',
  'amazonaws.eu', // aws-eusc (European Sovereign Cloud)
  'api.amazonwebservices.eu',
  'c2s.ic.gov', // aws-iso
  'api.aws.ic.gov',
  'sc2s.sgov.gov', // aws-iso-b
  'api.aws.scloud',
  'cloud.adc-e.uk', // aws-iso-e
  'api.cloud-aws.adc-e.uk',
  'csp.hci.ic.gov', // aws-iso-f
  'api.aws.hci.ic.gov',
];

export type EndpointKind = 'aws' | 'loopback' | 'other';

export type EndpointCheck =
  /** Requests may go there without asking (AWS, or this machine). */
  | { verdict: 'send'; kind: 'aws' | 'loopback'; origin: string }
  /** Another server over https: only once the user has allowed `origin`. */
  | { verdict: 'ask'; kind: 'other'; origin: string }
  /** Never: plain http to another machine, not a URL, another scheme, credentials in the URL. */
  | { verdict: 'refuse'; message: string };

/** A host name as the URL parser leaves it, without the trailing dot of a fully qualified name. */
function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

/** Whether `hostname` (as `URL.hostname` gives it: IPv6 in brackets) is an AWS service host. */
export function isAwsHost(hostname: string): boolean {
  const h = bareHost(hostname);
  // An IP address is nobody's in particular: only names under an AWS suffix are AWS.
  if (h.startsWith('[') || /^[\d.]+$/.test(h)) return false;
  return AWS_DNS_SUFFIXES.some((s) => h === s || h.endsWith(`.${s}`));
}

/**
 * Whether `hostname` is this machine: `localhost`, 127.0.0.0/8, `[::1]`, or 127/8 as an
 * IPv4-mapped IPv6 address. The URL parser has already turned `127.1`, `0x7f.0.0.1` and the like
 * into dotted quads and IPv6 into its short form. Names under `.localhost` are not counted: the
 * system resolver need not send them to loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = bareHost(hostname);
  if (h === 'localhost' || h === '[::1]') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  // [::ffff:127.0.0.1] is written [::ffff:7f00:1] by the URL parser.
  return /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(h);
}

export function endpointKind(hostname: string): EndpointKind {
  return isAwsHost(hostname) ? 'aws' : isLoopbackHost(hostname) ? 'loopback' : 'other';
}

/** The value as a message may quote it: at most 200 characters, no user name or password. */
function quoted(value: string): string {
  const shown = value.replace(/\/\/[^/@]*@/, '//…@');
  return `“${shown.length > 200 ? `${shown.slice(0, 200)}…` : shown}”`;
}

/**
 * What may be done with an endpoint URL. The origin (scheme, host, port) is what consent is
 * given to: the path does not change who receives the credentials.
 */
export function checkEndpoint(value: string): EndpointCheck {
  const v = value.trim();
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return { verdict: 'refuse', message: `The setting ${ENDPOINT_SETTING} is not a URL (${quoted(v)}): use e.g. https://localhost:4566, or leave it empty to read from AWS.` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { verdict: 'refuse', message: `The setting ${ENDPOINT_SETTING} must be an https:// URL; it is ${quoted(v)}.` };
  }
  if (url.username || url.password) {
    return { verdict: 'refuse', message: `The setting ${ENDPOINT_SETTING} must not hold a user name or password (${quoted(v)}): AWS requests are signed, not logged in.` };
  }
  const kind = endpointKind(url.hostname);
  if (url.protocol === 'http:' && kind !== 'loopback') {
    return {
      verdict: 'refuse',
      message: `Timeout Lens does not send AWS requests over plain HTTP to another machine: the setting ${ENDPOINT_SETTING} is ${url.origin}. Use https://, or http:// only to this machine (localhost, 127.0.0.1, [::1]).`,
    };
  }
  return kind === 'other' ? { verdict: 'ask', kind, origin: url.origin } : { verdict: 'send', kind, origin: url.origin };
}

/** Where the setting's value comes from, for the consent dialog. */
export type SettingSource = 'user' | 'workspace' | 'workspaceFolder' | undefined;

/** The consent dialog: its question (the message) and what it means (the detail). */
export function consentText(origin: string, source: SettingSource): { message: string; detail: string } {
  const where =
    source === 'workspace' || source === 'workspaceFolder'
      ? `this workspace's settings (.vscode/settings.json)`
      : source === 'user'
        ? 'your user settings'
        : 'the settings';
  return {
    message: `Send AWS requests signed with your credentials to ${origin}?`,
    detail:
      `The setting ${ENDPOINT_SETTING} in ${where} points Timeout Lens at ${origin}, which is neither AWS nor this machine. ` +
      'Every request to it carries your AWS access key ID and, with temporary credentials, your session token. ' +
      'Allow it only for a server you run or trust (LocalStack, a proxy of yours). Timeout Lens remembers "Allow" for this endpoint on this computer.',
  };
}

/** Said when the user did not allow the endpoint: nothing was sent. */
export function notAllowedText(origin: string): string {
  return `Timeout Lens sent nothing to ${origin}: it was not allowed. The setting ${ENDPOINT_SETTING} names it; clear it to read from AWS.`;
}
