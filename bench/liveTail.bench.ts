// Live Updates: the time from a 504 in the sample account (the moment the gateway answers it, the
// time of its access-log event) to the update that counts it (the callback that raises the
// notification), with Live Tail against polling every 5 s (the fastest the setting allows) and
// every 30 s (its default), all following the same Trace 504 run in the same run of the bench, for `MINUTES` minutes of
// real time. The account runs at speed 10 (as "Try the Sample Account" does: POST /reports times
// out every few seconds) in a worker thread, its Live Tail sessions sending an update each second
// as AWS does. The bench keeps its own copy of the scenario (same seed, speed and clock) to know
// when each 504 happened: a run counts the 504s of its window up to when it read the access log,
// `base` of them, so the follower's k-th new 504 is the window's (base + k)-th, seen at the first
// update that brings the follower's count of new 504s to k. CloudWatch's own ingestion delay (seconds) comes on top on AWS.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSampleAccount } from '../src/aws/sampleAccount/server';
import { ScenarioStore } from '../src/aws/sampleAccount/store';
import { APIS, accessLogGroup } from '../src/aws/sampleAccount/scenario';
import { AwsClients } from '../src/aws/clients';
import { trace504 } from '../src/aws/trace504';
import { currentEndpoints, followEndpoints, type LiveSource } from '../src/aws/liveEndpoints';

const SEED = 42;
const SPEED = 10;
const HISTORY = 60;
const MINUTES = Number(process.env.LIVE_BENCH_MINUTES ?? 3);
const POLLS_MS = [5_000, 30_000];

async function serve(): Promise<void> {
  const acc = await startSampleAccount({ port: 0, seed: SEED, speed: SPEED, historyMinutes: HISTORY, liveTail: { pushMs: 1000 } });
  parentPort!.on('message', () => void acc.close().then(() => parentPort!.postMessage('closed')));
  parentPort!.postMessage(acc.endpoint);
}

interface Follower {
  name: string;
  /** The 504s its run counted. */
  base: number;
  /** (wall time, new 504s counted so far) at each update that counted some. */
  seen: Array<{ at: number; total: number }>;
  sources: LiveSource[];
  warnings: string[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;

async function main(): Promise<void> {
  const worker = new Worker(new URL(import.meta.url), { workerData: 'account' });
  const endpoint = await new Promise<string>((resolve) => worker.once('message', resolve));
  const KEYS = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'x' };
  const api = APIS[0]!;
  // The run Live Updates follow: "Try the Sample Account" traces the last hour of orders-api.
  const start = Date.now();
  const runFor = async (): Promise<Awaited<ReturnType<typeof trace504>>> => {
    const c = new AwsClients({ endpoint, region: 'us-east-1', credentials: KEYS });
    const r = await trace504(c, { api: api.name, sinceMs: start - HISTORY * 60_000, nowMs: start, maxTraces: 0 });
    c.dispose();
    return r;
  };
  const tailRun = await runFor();
  const pollRuns: Array<typeof tailRun> = [];
  for (let i = 0; i < POLLS_MS.length; i++) pollRuns.push(await runFor());
  {
    const t = performance.now();
    currentEndpoints(tailRun.follow);
    console.log(`endpoints computed again from the run's ${tailRun.report.endpoints.reduce((n, e) => n + e.count, 0)} requests in ${(performance.now() - t).toFixed(0)} ms`);
  }
  const stops: AbortController[] = [];
  const follow = (name: string, run: typeof tailRun, liveTail: boolean, everyMs: number): { f: Follower; done: Promise<void>; clients: AwsClients } => {
    const f: Follower = { name, base: run.report.endpoints.reduce((n, e) => n + e.timeouts, 0), seen: [], sources: [], warnings: [] };
    const ac = new AbortController();
    stops.push(ac);
    const clients = new AwsClients({ endpoint, region: 'us-east-1', credentials: KEYS });
    let total = 0;
    const done = followEndpoints(clients, run.follow, {
      everyMs,
      liveTail,
      signal: ac.signal,
      onUpdate: (u) => {
        if (!u.newTimeouts) return;
        total += u.newTimeouts;
        f.seen.push({ at: Date.now(), total });
      },
      onWarning: (w) => f.warnings.push(w),
      onSource: (s) => f.sources.push(s),
    });
    return { f, done, clients };
  };
  const followers = [follow('Live Tail', tailRun, true, POLLS_MS[0]!), ...POLLS_MS.map((ms, i) => follow(`polling every ${ms / 1000} s`, pollRuns[i]!, false, ms))];
  // The 504s that came while the runs were read are counted by the followers' first reads: they
  // say how long the runs took, not how live the updates are. The window starts once Live Tail runs.
  while (!followers[0]!.f.sources.includes('live-tail')) await sleep(100);
  await sleep(1000);
  const measureFrom = Date.now();
  console.log(`Live Updates on ${api.name} (sample account, speed ${SPEED}, last ${HISTORY} min traced), ${MINUTES} min of 504s, the three followers in this run`);
  await sleep(MINUTES * 60_000);
  const end = Date.now();
  // Let the last 504s of the window arrive.
  await sleep(Math.max(...POLLS_MS) + 2_000);
  for (const ac of stops) ac.abort();
  await Promise.all(followers.map((x) => x.done));
  for (const x of followers) x.clients.dispose();

  // When each 504 happened: its access-log event's time, from the same scenario.
  const store = new ScenarioStore({ seed: SEED, speed: SPEED, historyMinutes: HISTORY, now: Date.now });
  const happened = store
    .logEvents(accessLogGroup(api), start - HISTORY * 60_000, Date.now())
    .filter((e) => (JSON.parse(e.message) as { status?: string }).status === '504')
    .map((e) => e.timestamp)
    .sort((a, b) => a - b);
  const measured = happened.filter((t) => t >= measureFrom && t <= end).length;
  console.log(`504s in the window: ${measured}`);
  const medians: number[] = [];
  for (const { f } of followers) {
    const delays: number[] = [];
    // The k-th 504 since the run is seen at the first update that brings the count to k.
    for (let i = f.base; i < happened.length; i++) {
      if (happened[i]! < measureFrom || happened[i]! > end) continue;
      const hit = f.seen.find((s) => s.total >= i - f.base + 1);
      if (hit) delays.push(hit.at - happened[i]!);
    }
    const m = median(delays);
    medians.push(m);
    console.log(
      `${f.name.padEnd(22)} median ${(m / 1000).toFixed(2)} s · p90 ${(pct(delays, 0.9) / 1000).toFixed(2)} s · max ${(Math.max(...delays) / 1000).toFixed(2)} s over ${delays.length} of ${measured} 504s` +
        ` · sources ${[...new Set(f.sources)].join('→') || 'polling'}${f.warnings.length ? ` · warnings: ${f.warnings.join(' | ')}` : ''}`,
    );
  }
  console.log(
    `Live Tail's median delay: ${(medians[0]! / 1000).toFixed(2)} s (target ≤ 5 s); ${POLLS_MS.map((ms, i) => `${(medians[i + 1]! / medians[0]!).toFixed(1)}× shorter than polling every ${ms / 1000} s`).join(', ')}`,
  );
  worker.postMessage('close');
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
}

await (isMainThread || workerData !== 'account' ? main() : serve());
