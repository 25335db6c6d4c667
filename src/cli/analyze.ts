// `timeout-lens analyze <files or dirs...> [--json] [--budget-ms N] [--api-type rest|http|websocket] [--fail-on S]`
// Reads trace and log files (kinds sniffed by content) and templates, analyzes them and prints the report.
import { parseArgs } from 'node:util';
import { isAbsolute, relative, sep } from 'node:path';
import { readInputs } from '../ingest/files';
import { readTemplateFile } from '../code/templateFiles';
import { analyze } from '../core/analyze';
import type { ApiType } from '../core/budget';
import { renderTextReport } from '../core/textReport';
import { SEVERITY_RANK, type Finding, type Report, type Severity } from '../core/report';
import { templateFindings, templateProblems } from '../code/templateFindings';

export const ANALYZE_USAGE = `Usage: timeout-lens analyze <file|dir>... [--json] [--budget-ms N] [--api-type rest|http|websocket] [--fail-on high|elevated|info]

Reads X-Ray traces (BatchGetTraces output, segment documents as JSON, NDJSON or the daemon's
UDP form) and logs (Lambda REPORT lines, API Gateway access and execution logs, as text,
FilterLogEvents/GetLogEvents JSON or Logs Insights rows), joins them, and prints where each
request's time went against its API Gateway budget, worst first, then the endpoints by risk.
Templates (SAM/CloudFormation template.yaml|json, CDK cdk.out/*.template.json, serverless.yml)
are read too: a function whose timeout is longer than the API in front of it waits is a
finding at the line that sets the timeout.

  --json              print the report as JSON (the documented, stable format)
  --budget-ms N       use N ms as the integration budget instead of the API type's default
  --api-type T        rest (29 s), http (30 s) or websocket (29 s), for traces that do not say
  --access-log-format F   the stage's access-log format, for text access logs
                          (e.g. '$context.requestId $context.status $context.responseLatency …')
  --function-timeout NAME=SECONDS   a function's configured timeout (repeatable)
  --width N           width of the text report (default: the terminal's, or 100)
  --fail-on S         exit with 1 when a finding is of severity S or worse (high > elevated > info),
                      for CI; without it the exit code does not depend on the findings`;

const SEVERITIES = Object.keys(SEVERITY_RANK) as Severity[];

/** Every finding of the report: across requests and per trace. */
function allFindings(report: Report): Finding[] {
  return [...report.findings, ...report.traces.flatMap((t) => t.findings)];
}

/** A path as the user would type it from here: relative when under the working folder. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : path;
}

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
        'fail-on': { type: 'string' },
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
  const failOn = values['fail-on'];
  if (failOn !== undefined && !(SEVERITIES as string[]).includes(failOn)) {
    process.stderr.write(`timeout-lens analyze: --fail-on is ${SEVERITIES.join(', ')} (got ${failOn})\n`);
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
  const inputs = await readInputs(positionals, { readTemplate: readTemplateFile, ...(format ? { accessLogFormat: format } : {}) });
  // Templates given beside the traces name each function's runtime: the fixes speak its language.
  const functionRuntimes: Record<string, string> = {};
  for (const t of inputs.templates) for (const f of t.functions) if (f.runtime) for (const n of f.deployedNames) functionRuntimes[n] = f.runtime;
  const { report, analyzed } = analyze(inputs, {
    ...(Object.keys(functionRuntimes).length ? { functionRuntimes } : {}),
    ...(budget !== undefined ? { overrideMs: budget } : {}),
    ...(apiType ? { apiType: apiType as ApiType } : {}),
    ...(Object.keys(functionTimeouts).length ? { functionTimeouts } : {}),
  });
  report.findings.push(...templateFindings(inputs.templates));
  report.errors.push(...templateProblems(inputs.templates));
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const width = values.width ? Number(values.width) : process.stdout.columns || 100;
    const forText: Report = {
      ...report,
      findings: report.findings.map((f) => (f.location ? { ...f, location: { ...f.location, file: shown(f.location.file) } } : f)),
      errors: report.errors.map((e) => (e.source.startsWith(`${process.cwd()}${sep}`) ? { ...e, source: e.source.slice(process.cwd().length + 1) } : e)),
    };
    process.stdout.write(renderTextReport(forText, { width, traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) }));
  }
  if (failOn !== undefined) {
    const bar = SEVERITY_RANK[failOn as Severity];
    if (allFindings(report).some((f) => SEVERITY_RANK[f.severity] >= bar)) return 1;
  }
  return 0;
}
