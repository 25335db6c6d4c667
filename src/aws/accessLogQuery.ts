// "Open the Access Log Query": the Logs Insights query that lists one route's requests in its
// stage's access log, slowest first, as a document a person can paste into the CloudWatch console
// or run with the AWS CLI (the command is written out, with the connection's profile, Region or
// endpoint). The route's fields come from the group's own format when the run learned them, else
// from the API's kind (REST: httpMethod + resourcePath, HTTP: routeKey). Values from the logs are
// quoted as Logs Insights string literals, and `#` lines are comments Logs Insights skips.

export interface AccessLogQueryRequest {
  api: string;
  stage: string;
  method: string;
  route: string;
  group: string;
  kind: 'rest' | 'http' | 'websocket' | undefined;
  /** The field names the group's format uses, when the run learned them. */
  fields?: { route: string[]; latency: string; status: string; trace?: string };
  startMs: number;
  endMs: number;
  /** How the AWS CLI reaches the same account: `--profile p --region r`, `--endpoint-url …`. */
  cliConnection: string[];
}

/** A Logs Insights string literal: backslashes and double quotes escaped, line breaks dropped. */
function literal(text: string): string {
  return `"${text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A shell word in single quotes (a `'` inside closes, escapes and reopens). */
function shellWord(text: string): string {
  text = text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The filter that keeps the route's requests, with the fields the format has. */
function routeFilter(r: AccessLogQueryRequest): string {
  const has = (f: string): boolean => !r.fields || r.fields.route.includes(f);
  const path = r.route === '(unknown route)' ? undefined : r.route;
  if (r.fields ? r.fields.route.includes('routeKey') && !r.fields.route.includes('resourcePath') : r.kind === 'http') {
    return `routeKey = ${literal(`${r.method === 'ANY' ? '' : `${r.method} `}${path ?? ''}`.trim())}`;
  }
  const parts: string[] = [];
  if (path) parts.push(`resourcePath = ${literal(path)}`);
  const methodField = r.fields?.route.find((f) => f === 'httpMethod' || f === 'method') ?? 'httpMethod';
  if (r.method !== 'ANY' && has(methodField)) parts.push(`${methodField} = ${literal(r.method)}`);
  return parts.join(' and ') || 'ispresent(status)';
}

export function accessLogQuery(r: AccessLogQueryRequest): string {
  const latency = r.fields?.latency ?? 'responseLatency';
  const status = r.fields?.status ?? 'status';
  const shown = ['@timestamp', status, latency, ...(latency !== 'integrationLatency' && (!r.fields || r.fields.latency !== 'integrationLatency') ? ['integrationLatency'] : []), ...(r.fields?.trace ? [r.fields.trace] : r.fields ? [] : ['xrayTraceId'])];
  const start = Math.floor(r.startMs / 1000);
  const end = Math.ceil(r.endMs / 1000);
  const query = [`fields ${shown.join(', ')}`, `| filter ${routeFilter(r)}`, `| sort ${latency} desc`, '| limit 200'];
  const when = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
  // A comment is one line: a line break from the logs would start a line of the query.
  const oneLine = (text: string): string => text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  return [
    `# The requests of ${oneLine(`${r.method} ${r.route} on ${r.api}/${r.stage}`)}, slowest first (CloudWatch Logs Insights).`,
    `# Log group: ${oneLine(r.group)}`,
    `# Window: ${when(r.startMs)} to ${when(r.endMs)}`,
    `# ${r.fields ? 'Fields as this access log writes them.' : 'Fields of the AWS console’s JSON access-log format: rename them if your format differs.'}`,
    '# Paste it into Logs Insights in the CloudWatch console, or run it with the AWS CLI:',
    `#   aws logs start-query --log-group-name ${shellWord(r.group)} --start-time ${start} --end-time ${end} --query-string "$(grep -v '^#' THIS_FILE)" ${r.cliConnection.map(shellWord).join(' ')}`.trimEnd(),
    '#   aws logs get-query-results --query-id <the queryId it prints>' + (r.cliConnection.length ? ` ${r.cliConnection.map(shellWord).join(' ')}` : ''),
    ...query,
    '',
  ].join('\n');
}
