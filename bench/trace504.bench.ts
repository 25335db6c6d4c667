// Trace 504 against the sample account with 100 ms added to every call, as a slow network
// to AWS would: wall time against the lower bound (the round trips the data requires, one
// after another where one needs the other's answer), and against the AWS CLI doing the same
// fetch (get-trace-summaries, then batch-get-traces 5 ids at a time), measured in the same run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { startSampleAccount } from '../src/aws/sampleAccount/server';
import { AwsClients } from '../src/aws/clients';
import { trace504 } from '../src/aws/trace504';

const LATENCY = 100;
const MAX = 20;
const account = await startSampleAccount({ port: 0, seed: 42, speed: 3 });
const now = Date.now();
const clients = new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'x' } });
await trace504(clients, { api: 'orders-api', sinceMs: now - 3600_000, nowMs: now, maxTraces: MAX }); // warm-up
account.inject({ kind: 'slow', delayMs: LATENCY });
const before = account.calls();
const t0 = performance.now();
const result = await trace504(clients, { api: 'orders-api', sinceMs: now - 3600_000, nowMs: now, maxTraces: MAX });
const ours = performance.now() - t0;
const after = account.calls();
const calls = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]).filter(([, n]) => (n as number) > 0));
// Round trips the data requires, in order: the APIs (REST and v2 at once) → the stages and the
// resources (at once) → the integrations (at once) → the summary pages (each needs the last
// one's token) → the traces (batches of 5, 4 in flight).
const pages = calls.GetTraceSummaries ?? 0;
const batches = Math.ceil(result.report.traces.length / 5);
const roundTrips = 1 + 1 + 1 + pages + Math.ceil(batches / 4);
const lowerBound = roundTrips * LATENCY;
console.log(`Trace 504 orders-api, last hour, ${result.report.traces.length} traces, ${LATENCY} ms per call`);
console.log(`calls: ${JSON.stringify(calls)}`);
console.log(`timeout-lens:  ${ours.toFixed(0)} ms`);
console.log(`lower bound:   ${lowerBound} ms (${roundTrips} round trips)`);
console.log(`ratio:         ${(ours / lowerBound).toFixed(2)}× the lower bound`);

const AWS = '/usr/bin/aws';
if (existsSync(AWS)) {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIASAMPLEACCOUNT000', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' };
  // Asynchronous: the sample account answers from this same process.
  const run = promisify(execFile);
  const aws = async (...args: string[]): Promise<string> => (await run(AWS, [...args, '--endpoint-url', account.endpoint, '--output', 'json'], { env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })).stdout;
  const t1 = performance.now();
  const sums = JSON.parse(
    await aws('xray', 'get-trace-summaries', '--start-time', String(Math.floor((now - 3600_000) / 1000)), '--end-time', String(Math.floor(now / 1000)), '--filter-expression', 'service("orders-api/prod") { http.status = 504 OR fault OR responsetime >= 23.2 }'),
  ) as { TraceSummaries: Array<{ Id: string }> };
  const ids = sums.TraceSummaries.slice(0, MAX).map((s) => s.Id);
  let fetched = 0;
  for (let i = 0; i < ids.length; i += 5) fetched += (JSON.parse(await aws('xray', 'batch-get-traces', '--trace-ids', ...ids.slice(i, i + 5))) as { Traces: unknown[] }).Traces.length;
  const cli = performance.now() - t1;
  console.log(`AWS CLI:       ${cli.toFixed(0)} ms for the same ${fetched} traces (no analysis)`);
  console.log(`speed-up:      ${(cli / ours).toFixed(1)}× faster than the AWS CLI`);
} else console.log('AWS CLI: /usr/bin/aws not installed (bash scripts/setup-debian.sh) — comparison skipped');
clients.dispose();
await account.close();
