// Log throughput: access-log lines and REPORT lines per second through the logs engine, each
// against the bare parse of the same input (JSON.parse / split) in the same run; then the
// endpoint statistics over them. Memory on a big file: `/usr/bin/time -v node dist/cli.js
// analyze <file>` on a generated access log (see the closing note for the figure).
import { LogCollector } from '../src/ingest/logs';

const N = 300_000;
const routes = ['/orders/{id}', '/orders', '/reports'];
const access: string[] = [];
const reports: string[] = [];
for (let i = 0; i < N; i++) {
  const route = routes[i % 3]!;
  const status = route === '/reports' && i % 7 === 0 ? 504 : 200;
  access.push(
    JSON.stringify({
      requestId: `${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}-1111-4222-a333-${i.toString(16).padStart(12, '0')}`,
      requestTimeEpoch: 1764000000 + Math.floor(i / 10),
      httpMethod: route === '/reports' ? 'POST' : 'GET',
      resourcePath: route,
      status: String(status),
      responseLatency: String(status === 504 ? 29010 : 50 + (i % 2000)),
      integrationLatency: status === 504 ? '-1' : String(40 + (i % 2000)),
      xrayTraceId: i % 20 === 0 ? `1-69250000-${i.toString(16).padStart(24, '0')}` : '-',
    }),
  );
  reports.push(
    `REPORT RequestId: ${(i * 40503 >>> 0).toString(16).padStart(8, '0')}-1111-4222-a333-${i.toString(16).padStart(12, '0')}\tDuration: ${(100 + (i % 5000)).toFixed(2)} ms\tBilled Duration: ${101 + (i % 5000)} ms\tMemory Size: 1024 MB\tMax Memory Used: 90 MB${i % 50 === 0 ? '\tInit Duration: 412.33 ms' : ''}\t\nXRAY TraceId: 1-69250000-${i.toString(16).padStart(24, '0')}\tSegmentId: ${i.toString(16).padStart(16, '0')}\tSampled: true\t`,
  );
}

function time(fn: () => void): number {
  fn();
  const runs: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    fn();
    runs.push(performance.now() - t);
  }
  return runs.sort((a, b) => a - b)[1]!;
}

const bareJson = time(() => {
  for (const l of access) JSON.parse(l);
});
const engineAccess = time(() => {
  const c = new LogCollector();
  for (let i = 0; i < access.length; i++) c.push(access[i]!, { where: 'bench' });
  const logs = c.finish();
  logs.routeLatencies.stats({}, logs.accessLogs);
});
const bareSplit = time(() => {
  for (const l of reports) l.split('\t');
});
const engineReport = time(() => {
  const c = new LogCollector();
  for (let i = 0; i < reports.length; i++) c.push(reports[i]!, { where: 'bench', logGroup: '/aws/lambda/fn', timestamp: i });
  c.finish();
});
const rate = (ms: number): string => `${Math.round((N / ms) * 1000).toLocaleString('en')} lines/s`;
console.log(`${N.toLocaleString('en')} access-log lines (JSON), parsed into records and per-route percentiles:`);
console.log(`  bare JSON.parse: ${bareJson.toFixed(0)} ms (${rate(bareJson)})`);
console.log(`  logs engine:     ${engineAccess.toFixed(0)} ms (${rate(engineAccess)}) = ${(engineAccess / bareJson).toFixed(2)}× the bare parse`);
console.log(`${N.toLocaleString('en')} REPORT events (with their XRAY line) into invocations:`);
console.log(`  bare split('\\t'): ${bareSplit.toFixed(0)} ms (${rate(bareSplit)})`);
console.log(`  logs engine:      ${engineReport.toFixed(0)} ms (${rate(engineReport)}) = ${(engineReport / bareSplit).toFixed(2)}× the bare split`);
