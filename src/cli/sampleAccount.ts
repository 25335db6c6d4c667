// `timeout-lens sample-account`: the sample account as a standalone server. The first line of
// stdout is its endpoint URL; then how to point the AWS CLI at it. Serves until SIGINT/SIGTERM.
// Its options and exit status are in usage.ts.
import { startSampleAccount } from '../aws/sampleAccount/server';
import { ExitCode, parseCommand, SAMPLE_ACCOUNT, usage, usageError } from './usage';

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(SAMPLE_ACCOUNT, args);
  if (parsed === 'help') {
    process.stdout.write(`${usage(SAMPLE_ACCOUNT)}\n`);
    return ExitCode.ok;
  }
  if ('error' in parsed) return usageError(SAMPLE_ACCOUNT, parsed.error);
  const number = (name: string): number => Number(parsed.string(name));
  const port = number('port');
  const speed = number('speed');
  const history = number('history');
  const seedArg = parsed.string('seed');
  const seed = seedArg !== undefined ? Number(seedArg) : undefined;
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) return usageError(SAMPLE_ACCOUNT, `--port takes a port number from 0 to 65535 (got ${parsed.string('port')})`, false);
  if (!(speed > 0) || !(history >= 0)) return usageError(SAMPLE_ACCOUNT, '--speed takes a positive number and --history a number of minutes, 0 or more', false);
  if (seed !== undefined && !Number.isFinite(seed)) return usageError(SAMPLE_ACCOUNT, `--seed takes a number (got ${seedArg})`, false);
  let account;
  try {
    account = await startSampleAccount({ port, speed, historyMinutes: history, ...(seed !== undefined ? { seed } : {}), ...(parsed.boolean('transaction-search') ? { transactionSearch: true } : {}) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      return usageError(SAMPLE_ACCOUNT, `cannot listen on 127.0.0.1:${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : 'permission denied'}; pass another --port, or --port 0 for any free one`, false);
    }
    throw e;
  }
  process.stdout.write(`${account.endpoint}\n`);
  process.stdout.write(
    [
      '',
      `Timeout Lens sample account (region ${account.region}, traffic ×${speed}). Point any AWS client at it:`,
      '',
      '  export AWS_ACCESS_KEY_ID=AKIASAMPLEACCOUNT000 AWS_SECRET_ACCESS_KEY=sample AWS_DEFAULT_REGION=us-east-1',
      `  aws xray get-trace-summaries --endpoint-url ${account.endpoint} --start-time $(($(date +%s)-600)) --end-time $(date +%s) \\`,
      `      --filter-expression 'service("orders-api/prod") { http.status = 504 }'`,
      `  aws logs filter-log-events --endpoint-url ${account.endpoint} --log-group-name /aws/lambda/orders-api-reports --filter-pattern REPORT`,
      `  node dist/cli.js trace --endpoint ${account.endpoint} --api orders-api`,
      '',
      'Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await account.close();
  return ExitCode.ok;
}
