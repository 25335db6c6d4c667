// `timeout-lens analyze <files or dirs...>`: reads trace and log files (kinds sniffed by content)
// and templates, analyzes them and prints the report. Its options and exit status are in usage.ts.
// A path that is not there is a usage error found before any reading; what cannot be understood
// inside the files is the report's `errors`, unless no file is of a kind it reads.
import { isAbsolute, relative, sep } from 'node:path';
import { readInputs } from '../ingest/files';
import { readTemplateFile } from '../code/templateFiles';
import { analyze } from '../core/analyze';
import type { ApiType } from '../core/budget';
import { renderTextReport } from '../core/textReport';
import { terminalSafe, terminalSafeJson } from '../core/terminalText';
import { SEVERITY_RANK, type Finding, type Report, type Severity } from '../core/report';
import { templateFindings, templateProblems } from '../code/templateFindings';
import { unreadable } from './paths';
import { whatIfOptionsOf } from './whatIfFlags';
import { ANALYZE, ExitCode, parseCommand, usage, usageError } from './usage';

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
  const parsed = parseCommand(ANALYZE, args);
  if (parsed === 'help') {
    process.stdout.write(`${usage(ANALYZE)}\n`);
    return ExitCode.ok;
  }
  if ('error' in parsed) return usageError(ANALYZE, parsed.error);
  const positionals = parsed.positionals;
  if (!positionals.length) return usageError(ANALYZE, 'give at least one file or folder');
  const budgetArg = parsed.string('budget-ms');
  const budget = budgetArg !== undefined ? Number(budgetArg) : undefined;
  if (budget !== undefined && !(Number.isFinite(budget) && budget > 0)) return usageError(ANALYZE, `--budget-ms takes a positive number of milliseconds (got ${budgetArg})`, false);
  const apiType = parsed.string('api-type');
  if (apiType !== undefined && !['rest', 'http', 'websocket'].includes(apiType)) return usageError(ANALYZE, `--api-type is rest, http or websocket (got ${apiType})`, false);
  const failOn = parsed.string('fail-on');
  if (failOn !== undefined && !(SEVERITIES as string[]).includes(failOn)) return usageError(ANALYZE, `--fail-on is ${SEVERITIES.join(', ')} (got ${failOn})`, false);
  const widthArg = parsed.string('width');
  const width = widthArg !== undefined ? Number(widthArg) : process.stdout.columns || 100;
  if (!(Number.isInteger(width) && width > 0)) return usageError(ANALYZE, `--width takes a positive whole number of columns (got ${widthArg})`, false);
  const functionTimeouts: Record<string, number> = {};
  for (const ft of parsed.strings('function-timeout')) {
    const m = /^([A-Za-z0-9-_]+)=(\d+(?:\.\d+)?)$/.exec(ft);
    if (!m) return usageError(ANALYZE, `--function-timeout takes NAME=SECONDS (got ${ft})`, false);
    functionTimeouts[m[1]!] = Number(m[2]) * 1000;
  }
  const priceArg = parsed.string('gb-second-usd');
  const gbSecondUsd = priceArg !== undefined ? Number(priceArg) : undefined;
  if (gbSecondUsd !== undefined && !(Number.isFinite(gbSecondUsd) && gbSecondUsd >= 0 && priceArg!.trim() !== '')) return usageError(ANALYZE, `--gb-second-usd takes a price in USD, 0 or more (got ${priceArg})`, false);
  const windowArg = parsed.string('retry-window') ?? '60';
  const retryWindowS = Number(windowArg);
  if (!(Number.isFinite(retryWindowS) && retryWindowS > 0)) return usageError(ANALYZE, `--retry-window takes a positive number of seconds (got ${windowArg})`, false);
  const retryClientField = parsed.string('retry-client-field');
  const whatIf = whatIfOptionsOf((name) => parsed.string(name));
  if ('error' in whatIf) return usageError(ANALYZE, whatIf.error, false);
  // A mistyped path in CI must not pass as "no findings": every path is checked before reading.
  let missing = 0;
  for (const p of positionals) {
    const why = await unreadable(p);
    if (why) {
      process.stderr.write(`timeout-lens analyze: cannot read ${terminalSafe(p)}: ${terminalSafe(why)}\n`);
      missing++;
    }
  }
  if (missing) return ExitCode.usage;
  const format = parsed.string('access-log-format');
  const inputs = await readInputs(positionals, { readTemplate: readTemplateFile, ...(format ? { accessLogFormat: format } : {}), ...(retryClientField ? { retryClientField } : {}) });
  // Templates given beside the traces name each function's runtime: the fixes speak its language.
  const functionRuntimes: Record<string, string> = {};
  for (const t of inputs.templates) for (const f of t.functions) if (f.runtime) for (const n of f.deployedNames) functionRuntimes[n] = f.runtime;
  const { report, analyzed } = analyze(inputs, {
    ...(Object.keys(functionRuntimes).length ? { functionRuntimes } : {}),
    ...(budget !== undefined ? { overrideMs: budget } : {}),
    ...(apiType ? { apiType: apiType as ApiType } : {}),
    ...(Object.keys(functionTimeouts).length ? { functionTimeouts } : {}),
    ...(gbSecondUsd !== undefined ? { pricing: { gbSecondUsd } } : {}),
    retryWindowMs: retryWindowS * 1000,
    whatIf,
  });
  report.findings.push(...templateFindings(inputs.templates));
  report.errors.push(...templateProblems(inputs.templates));
  // No file of a kind timeout-lens reads: a wrong folder or a wrong file, not an empty result. A
  // file of a known kind that holds no requests, or only damage, is a result: its report lists why.
  if (inputs.files.length === 0) {
    if (report.errors.length === 0) {
      process.stderr.write(`timeout-lens analyze: no files found in ${positionals.map((p) => terminalSafe(p)).join(', ')}\n`);
    } else {
      // File names and messages come from the files: terminal-safe, like the report.
      const lines = report.errors.slice(0, 20).map((e) => `  ${terminalSafe(shown(e.source))}: ${terminalSafe(e.message)}`);
      if (report.errors.length > 20) lines.push(`  … and ${report.errors.length - 20} more`);
      process.stderr.write(`timeout-lens analyze: nothing could be read (no traces, logs or templates timeout-lens reads):\n${lines.join('\n')}\n`);
    }
    return ExitCode.usage;
  }
  if (parsed.boolean('json')) {
    process.stdout.write(`${terminalSafeJson(report)}\n`);
  } else {
    const forText: Report = {
      ...report,
      findings: report.findings.map((f) => (f.location ? { ...f, location: { ...f.location, file: shown(f.location.file) } } : f)),
      errors: report.errors.map((e) => (e.source.startsWith(`${process.cwd()}${sep}`) ? { ...e, source: e.source.slice(process.cwd().length + 1) } : e)),
    };
    process.stdout.write(renderTextReport(forText, { width, traces: new Map(analyzed.map((a) => [a.trace.traceId, a.trace])) }));
  }
  if (failOn !== undefined) {
    const bar = SEVERITY_RANK[failOn as Severity];
    if (allFindings(report).some((f) => SEVERITY_RANK[f.severity] >= bar)) return ExitCode.findings;
  }
  return ExitCode.ok;
}
