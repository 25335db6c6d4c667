// `timeout-lens analyze <files or dirs...> [--json] [--budget-ms N] [--api-type rest|http|websocket]`
// Reads trace and log files (kinds sniffed by content), analyzes them and prints the report.
import { parseArgs } from 'node:util';
import { readInputs } from '../ingest/files';
import { analyze } from '../core/analyze';
import type { ApiType } from '../core/budget';
import { renderTextReport } from '../core/textReport';

export const ANALYZE_USAGE = `Usage: timeout-lens analyze <file|dir>... [--json] [--budget-ms N] [--api-type rest|http|websocket]

Reads X-Ray traces (BatchGetTraces output, segment documents as JSON, NDJSON or the daemon's
UDP form) and logs (Lambda REPORT lines, API Gateway access and execution logs, as text,
FilterLogEvents/GetLogEvents JSON or Logs Insights rows), joins them, and prints where each
request's time went against its API Gateway budget, worst first, then the endpoints by risk.

  --json              print the report as JSON (the documented, stable format)
  --budget-ms N       use N ms as the integration budget instead of the API type's default
  --api-type T        rest (29 s), http (30 s) or websocket (29 s), for traces that do not say
  --access-log-format F   the stage's access-log format, for text access logs
                          (e.g. '$context.requestId $context.status $context.responseLatency …')
  --function-timeout NAME=SECONDS   a function's configured timeout (repeatable)
  --width N           width of the text report (default: the terminal's, or 100)`;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        'budget-ms': { type: 'string' },
        'api-type': { type: 'string' },
        width: { type: 'string' },
        'access-log-format': { type: 'string' },
        'function-timeout': { type: 'string', multiple: true },
      },
    });
  } catch (e) {
    process.stderr.write(`timeout-lens analyze: ${(e as Error).message}\n\n${ANALYZE_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (!positionals.length) {
    process.stderr.write(`timeout-lens analyze: give at least one file or folder\n\n${ANALYZE_USAGE}\n`);
    return 2;
  }
  const budget = values['budget-ms'] !== undefined ? Number(values['budget-ms']) : undefined;
  if (budget !== undefined && !(Number.isFinite(budget) && budget > 0)) {
    process.stderr.write(`timeout-lens analyze: --budget-ms takes a positive number of milliseconds\n`);
    return 2;
  }
  const apiType = values['api-type'];
  if (apiType !== undefined && !['rest', 'http', 'websocket'].includes(apiType)) {
    process.stderr.write(`timeout-lens analyze: --api-type is rest, http or websocket\n`);
    return 2;
  }
  const functionTimeouts: Record<string, number> = {};
  for (const ft of values['function-timeout'] ?? []) {
    const m = /^([A-Za-z0-9-_]+)=(\d+(?:\.\d+)?)$/.exec(ft);
    if (!m) {
      process.stderr.write(`timeout-lens analyze: --function-timeout takes NAME=SECONDS (got ${ft})\n`);
      return 2;
    }
    functionTimeouts[m[1]!] = Number(m[2]) * 1000;
  }
  const format = values['access-log-format'];
  const inputs = await readInputs(positionals, format ? { accessLogFormat: format } : {});
  const { report, analyzed } = analyze(inputs, {
    ...(budget !== undefined ? { overrideMs: budget } : {}),
    ...(apiType ? { apiType: apiType as ApiType } : {}),
    ...(Object.keys(functionTimeouts).length ? { functionTimeouts } : {}),
  });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const width = values.width ? Number(values.width) : process.stdout.columns || 100;
    process.stdout.write(renderTextReport(report, { width, traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) }));
  }
  return 0;
}
