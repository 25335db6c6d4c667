// `timeout-lens sample-account [--port N] [--speed N] [--seed N] [--history MINUTES]`: the sample
// account as a standalone server. The first line of stdout is its endpoint URL; then how to point
// the AWS CLI at it. Serves until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { startSampleAccount } from '../aws/sampleAccount/server';

export const SAMPLE_ACCOUNT_USAGE = `Usage: timeout-lens sample-account [--port N] [--speed N] [--seed N] [--history MINUTES]

A local AWS-compatible endpoint (X-Ray, CloudWatch Logs, Lambda, API Gateway) with a living
orders-api whose POST /reports times out at 29 s. Any credentials are accepted.

  --port N        port on 127.0.0.1 (default 0: any free port)
  --speed N       run the traffic N times faster (10: a 504 every few seconds)
  --seed N        another seed, another (deterministic) history
  --history M     minutes of history present at start (default 60)`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { port: { type: 'string', default: '0' }, speed: { type: 'string', default: '1' }, seed: { type: 'string' }, history: { type: 'string', default: '60' } } }));
  } catch (e) {
    process.stderr.write(`timeout-lens sample-account: ${(e as Error).message}\n\n${SAMPLE_ACCOUNT_USAGE}\n`);
    return 2;
  }
  const port = Number(values.port);
  const speed = Number(values.speed);
  const history = Number(values.history);
  if (!(port >= 0 && port < 65536) || !(speed > 0) || !(history >= 0)) {
    process.stderr.write(`timeout-lens sample-account: --port, --speed and --history take non-negative numbers\n`);
    return 2;
  }
  const account = await startSampleAccount({ port, speed, historyMinutes: history, ...(values.seed ? { seed: Number(values.seed) } : {}) });
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
  return 0;
}
