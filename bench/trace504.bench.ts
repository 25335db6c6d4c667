// Trace 504 against the sample account with 100 ms added to every call, as a slow network
// to AWS would: wall time against the lower bound (the round trips the data requires, one
// after another where one needs the other's answer), once for the traces alone and once with
// the logs read beside them; and the traces alone against the AWS CLI doing the same fetch
// (get-trace-summaries, then batch-get-traces 5 ids at a time), measured in the same run. The
// first waterfall (Trace 504's first answer) is timed in the same runs, against its own bound.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { startSampleAccount, type FaultRule } from '../src/aws/sampleAccount/server';
import { AwsClients } from '../src/aws/clients';
import { trace504 } from '../src/aws/trace504';
import { listApis, listRoutes, listStages } from '../src/aws/configSource';
import { filterEvents, reportLines } from '../src/aws/logsSource';

// The sample account runs in a worker thread, as AWS runs on other machines: its own work
// (building documents, serializing pages) does not share the client's event loop.
type ToWorker = { op: 'inject'; rule: FaultRule } | { op: 'calls' } | { op: 'close' };
type FromWorker = { endpoint: string } | { calls: Record<string, number> } | { closed: true };
async function serve(): Promise<void> {
  const port = parentPort!;
  const acc = await startSampleAccount({ port: 0, seed: 42, speed: 3 });
  port.on('message', (m: ToWorker) => {
    if (m.op === 'inject') acc.inject(m.rule);
    else if (m.op === 'calls') port.postMessage({ calls: acc.calls() } satisfies FromWorker);
    else void acc.close().then(() => port.postMessage({ closed: true } satisfies FromWorker));
  });
  port.postMessage({ endpoint: acc.endpoint } satisfies FromWorker);
}

async function main(): Promise<void> {
  const worker = new Worker(new URL(import.meta.url));
  const answer = <K extends string>(key: K): Promise<Extract<FromWorker, Record<K, unknown>>> =>
    new Promise((resolve) => {
      const on = (m: FromWorker): void => {
        if (key in m) {
          worker.off('message', on);
          resolve(m as Extract<FromWorker, Record<K, unknown>>);
        }
      };
      worker.on('message', on);
    });
  const account = {
    endpoint: (await answer('endpoint')).endpoint,
    inject: (rule: FaultRule): void => worker.postMessage({ op: 'inject', rule } satisfies ToWorker),
    calls: async (): Promise<Record<string, number>> => {
      const got = answer('calls');
      worker.postMessage({ op: 'calls' } satisfies ToWorker);
      return (await got).calls;
    },
    close: async (): Promise<void> => {
      const got = answer('closed');
      worker.postMessage({ op: 'close' } satisfies ToWorker);
      await got;
      await worker.terminate();
    },
  };
  const LATENCY = 100;
  const MAX = 20;
  const now = Date.now();
  const clients = new AwsClients({ endpoint: account.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'x' } });
  const request = { api: 'orders-api', sinceMs: now - 3600_000, nowMs: now, maxTraces: MAX };
  await trace504(clients, request); // warm-up

  // The page chain of each log group Trace 504 reads (each page needs the last one's token), counted
  // without latency: the longest of them bounds the run from below once the groups are known.
  const apis = await listApis(clients);
  const api = apis.find((a) => a.name === 'orders-api')!;
  const chains: Array<{ group: string; pages: number }> = [];
  for (const st of await listStages(clients, api)) {
    if (!st.accessLogGroup) continue;
    let pages = 0;
    for await (const _ of filterEvents(clients, { group: st.accessLogGroup, startMs: request.sinceMs, endMs: now })) pages++;
    chains.push({ group: st.accessLogGroup, pages });
  }
  for (const fn of new Set((await listRoutes(clients, api)).map((r) => r.functionName).filter((x): x is string => !!x))) {
    let pages = 0;
    for await (const _ of reportLines(clients, fn, request.sinceMs, now + 900_000)) pages++;
    chains.push({ group: `/aws/lambda/${fn}`, pages });
  }

  account.inject({ kind: 'slow', delayMs: LATENCY });
  async function measure(includeLogs: boolean): Promise<{ ms: number; firstMs: number; calls: Record<string, number>; traces: number }> {
    const before = await account.calls();
    const t0 = performance.now();
    let firstMs = NaN;
    const result = await trace504(clients, { ...request, includeLogs, onFirst: () => (firstMs = performance.now() - t0) });
    const ms = performance.now() - t0;
    const after = await account.calls();
    const calls = Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]).filter(([, n]) => (n as number) > 0));
    return { ms, firstMs, calls, traces: result.report.traces.length };
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  async function medianOf(includeLogs: boolean, runs = 5): Promise<{ ms: number; firstMs: number; calls: Record<string, number>; traces: number }> {
    const all: Array<Awaited<ReturnType<typeof measure>>> = [];
    for (let i = 0; i < runs; i++) all.push(await measure(includeLogs));
    return { ...all[0]!, ms: median(all.map((m) => m.ms)), firstMs: median(all.map((m) => m.firstMs)) };
  }
  const tracesOnly = await medianOf(false);
  const full = await medianOf(true);

  // Round trips the traces require, in order: the APIs (REST and v2 at once) → the stages and the
  // resources (at once) → the integrations (at once) → the summary pages (each needs the last
  // one's token) → the traces (batches of 5, 4 in flight).
  const pages = tracesOnly.calls.GetTraceSummaries ?? 0;
  const batches = Math.ceil(tracesOnly.traces / 5);
  const traceTrips = 1 + 1 + 1 + pages + Math.ceil(batches / 4);
  // With the logs: the access log groups are known after the stages (2 trips), the functions after
  // the integrations (3 trips); each group's pages then follow one another. The groups are read side
  // by side, but one group's pages are not fanned out further: FilterLogEvents has a quota of 5
  // requests per second per account and Region, which a fan-out would only turn into throttling.
  const logTrips = Math.max(0, ...chains.map((c) => (c.group.startsWith('/aws/lambda/') ? 3 : 2) + c.pages));
  const fullTrips = Math.max(traceTrips, logTrips);
  // The first waterfall: the APIs → the stages and resources → the integrations → the first
  // summary page → the worst request of that page (one id).
  const firstTrips = 1 + 1 + 1 + 1 + 1;
  console.log(`Trace 504 orders-api, last hour, ${tracesOnly.traces} traces, ${LATENCY} ms per call; medians of 5 runs`);
  console.log(`first waterfall (the worst request of the first page, analyzed)`);
  console.log(`  timeout-lens:  ${tracesOnly.firstMs.toFixed(0)} ms traces only, ${full.firstMs.toFixed(0)} ms with the logs read beside`);
  console.log(`  lower bound:   ${firstTrips * LATENCY} ms (${firstTrips} round trips)`);
  console.log(`  ratio:         ${(tracesOnly.firstMs / (firstTrips * LATENCY)).toFixed(2)}× the lower bound (with the logs beside: ${(full.firstMs / (firstTrips * LATENCY)).toFixed(2)}×)`);
  console.log(`log page chains: ${chains.map((c) => `${c.group} ${c.pages}`).join(', ')}`);
  console.log(`traces only  calls: ${JSON.stringify(tracesOnly.calls)}`);
  console.log(`  timeout-lens:  ${tracesOnly.ms.toFixed(0)} ms`);
  console.log(`  lower bound:   ${traceTrips * LATENCY} ms (${traceTrips} round trips)`);
  console.log(`  ratio:         ${(tracesOnly.ms / (traceTrips * LATENCY)).toFixed(2)}× the lower bound`);
  console.log(`with the logs calls: ${JSON.stringify(full.calls)}`);
  console.log(`  timeout-lens:  ${full.ms.toFixed(0)} ms`);
  console.log(`  lower bound:   ${fullTrips * LATENCY} ms (${fullTrips} round trips: the longest chain)`);
  console.log(`  ratio:         ${(full.ms / (fullTrips * LATENCY)).toFixed(2)}× the lower bound`);
  const ours = tracesOnly.ms;

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
    console.log(`speed-up:      ${(cli / ours).toFixed(1)}× faster than the AWS CLI (traces only, as the CLI; with the logs: ${(cli / full.ms).toFixed(1)}×)`);
  } else console.log('AWS CLI: /usr/bin/aws not installed (bash scripts/setup-debian.sh) — comparison skipped');
  clients.dispose();
  await account.close();
}

await (isMainThread ? main() : serve());
