// `timeout-lens trace (--api NAME | --function NAME) [--since 1h] [--profile P] [--region R]
//  [--endpoint URL] [--sample] [--json] [--verbose]`: fetches from X-Ray (or the sample account), analyzes
// with the engine and prints the same report as `analyze`, worst request first. Progress and
// warnings go to stderr, the report to stdout.
import { parseArgs } from 'node:util';
import { renderTextReport } from '../core/textReport';
import { AwsClients, type Connection } from '../aws/clients';
import { AwsSourceError } from '../aws/errors';
import { trace504 } from '../aws/trace504';

export const TRACE_USAGE = `Usage: timeout-lens trace (--api NAME | --function NAME) [options]

Finds the requests of an API (or a Lambda function) that got a 504 or came near the integration
budget, fetches their X-Ray traces and prints where the time went, slowest first.

  --api NAME          API Gateway API (REST, HTTP or WebSocket) by name or id
  --function NAME     Lambda function by name
  --since DURATION    how far back to look: 15m, 1h (default), 6h, 2d
  --max N             the most traces to fetch (default 20)
  --budget-ms N       integration budget to use instead of the account's
  --profile P         AWS profile (default: the AWS CLI's credential chain)
  --region R          AWS Region (default: the profile's, then AWS_REGION)
  --endpoint URL      an AWS-compatible endpoint (LocalStack, a VPC endpoint, the sample account)
  --sample            start the built-in sample account and trace it (no AWS account needed)
  --json              print the report as JSON
  --verbose           print each AWS call to stderr: [aws] Service.Operation status time`;

export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'm') as 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        api: { type: 'string' },
        function: { type: 'string' },
        since: { type: 'string', default: '1h' },
        max: { type: 'string', default: '20' },
        'budget-ms': { type: 'string' },
        profile: { type: 'string' },
        region: { type: 'string' },
        endpoint: { type: 'string' },
        sample: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    process.stderr.write(`timeout-lens trace: ${(e as Error).message}\n\n${TRACE_USAGE}\n`);
    return 2;
  }
  if (!values.api === !values.function) {
    process.stderr.write(`timeout-lens trace: give --api NAME or --function NAME\n\n${TRACE_USAGE}\n`);
    return 2;
  }
  const since = parseDuration(values.since ?? '1h');
  if (!since) {
    process.stderr.write(`timeout-lens trace: --since takes a duration like 15m, 1h or 2d\n`);
    return 2;
  }
  const max = Number(values.max);
  const budget = values['budget-ms'] !== undefined ? Number(values['budget-ms']) : undefined;
  if (!(max > 0) || (budget !== undefined && !(budget > 0))) {
    process.stderr.write(`timeout-lens trace: --max and --budget-ms take positive numbers\n`);
    return 2;
  }

  let stopSample: (() => Promise<void>) | undefined;
  const connection: Connection = {};
  if (values.profile) connection.profile = values.profile;
  if (values.region) connection.region = values.region;
  if (values.endpoint) connection.endpoint = values.endpoint;
  if (values.sample) {
    const { startSampleAccount } = await import('../aws/sampleAccount/server');
    const account = await startSampleAccount({ port: 0, historyMinutes: 60 });
    stopSample = () => account.close();
    connection.endpoint = account.endpoint;
    connection.region = account.region;
    connection.credentials = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };
    process.stderr.write(`sample account at ${account.endpoint}\n`);
  }
  // One line per AWS call (operation, status, time; never a credential), between the progress lines.
  if (values.verbose) connection.logger = { debug: (m) => process.stderr.write(`[aws] ${m}\n`) };
  const clients = new AwsClients(connection);
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  const tty = process.stderr.isTTY && !values.verbose;
  let lastLen = 0;
  const progress = (m: string): void => {
    if (tty) {
      process.stderr.write(`\r${m.padEnd(lastLen)}`);
      lastLen = m.length;
    } else process.stderr.write(`${m}\n`);
  };
  try {
    const now = Date.now();
    const result = await trace504(clients, {
      ...(values.api ? { api: values.api } : {}),
      ...(values.function ? { functionName: values.function } : {}),
      sinceMs: now - since,
      nowMs: now,
      maxTraces: max,
      ...(budget ? { budgetOverrideMs: budget } : {}),
      signal: ac.signal,
      onProgress: progress,
    });
    if (tty) process.stderr.write(`\r${' '.repeat(lastLen)}\r`);
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify(result.report, null, 2)}\n`);
    else {
      process.stdout.write(`Trace 504: ${result.target}, last ${values.since}: ${result.report.traces.length} trace(s) of ${result.summaries} slow request(s)\n\n`);
      process.stdout.write(renderTextReport(result.report, { width: process.stdout.columns || 100, traces: new Map(result.analyzed.map((a) => [a.trace.traceId, a.trace])) }));
    }
    return 0;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (AwsSourceError.is(e) && e.code === 'cancelled') {
      process.stderr.write('cancelled\n');
      return 130;
    }
    process.stderr.write(`timeout-lens trace: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    clients.dispose();
    await stopSample?.();
  }
}
