// `timeout-lens trace (--api NAME | --function NAME)`: fetches from X-Ray (or the sample account),
// analyzes with the engine and prints the same report as `analyze`, worst request first. Progress
// and warnings go to stderr, the report to stdout. Its options and exit status are in usage.ts;
// every AWS failure is an AwsSourceError whose message names the CLI's flags (surface 'cli').
import { renderTextReport } from '../core/textReport';
import { terminalSafe, terminalSafeJson } from '../core/terminalText';
import { AwsClients, type Connection, type SendOptions } from '../aws/clients';
import { AwsSourceError, isCancellation } from '../aws/errors';
import { trace504 } from '../aws/trace504';
import { whatIfOptionsOf } from './whatIfFlags';
import { ExitCode, parseCommand, TRACE, usage, usageError } from './usage';

export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'm') as 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

/**
 * The clients, keeping every AWS failure of the run and the operations that answered. Trace 504
 * turns a failed part (one service's search, the logs) into a warning and goes on; when the X-Ray
 * search never answered, nothing could be found, and those failures are why the run failed.
 */
class RecordingClients extends AwsClients {
  readonly failures: AwsSourceError[] = [];
  readonly answered = new Set<string>();

  private keep(e: unknown): void {
    if (AwsSourceError.is(e) && !isCancellation(e)) this.failures.push(e);
  }

  override async call<O>(operation: string, run: (options: SendOptions) => Promise<O>, signal?: AbortSignal): Promise<O> {
    try {
      const out = await super.call(operation, run, signal);
      this.answered.add(operation);
      return out;
    } catch (e) {
      this.keep(e);
      throw e;
    }
  }

  override async *paginate<P>(operation: string, pages: (options: SendOptions) => AsyncIterable<P>, signal?: AbortSignal): AsyncGenerator<P, void, undefined> {
    try {
      for await (const page of super.paginate(operation, pages, signal)) {
        this.answered.add(operation);
        yield page;
      }
      this.answered.add(operation);
    } catch (e) {
      this.keep(e);
      throw e;
    }
  }

  /** The X-Ray search failed every time it was tried: the run has nothing to show, and AWS said why. */
  searchFailed(): boolean {
    return !this.answered.has('GetTraceSummaries') && this.failures.some((f) => f.operation === 'GetTraceSummaries');
  }
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommand(TRACE, args);
  if (parsed === 'help') {
    process.stdout.write(`${usage(TRACE)}\n`);
    return ExitCode.ok;
  }
  if ('error' in parsed) return usageError(TRACE, parsed.error);
  const api = parsed.string('api');
  const functionName = parsed.string('function');
  if (!api === !functionName) return usageError(TRACE, api ? 'give --api NAME or --function NAME, not both' : 'give --api NAME or --function NAME');
  const sinceArg = parsed.string('since') ?? '1h';
  const since = parseDuration(sinceArg);
  if (!since) return usageError(TRACE, `--since takes a duration like 15m, 1h or 2d (got ${sinceArg})`, false);
  const maxArg = parsed.string('max');
  const max = Number(maxArg);
  if (!(Number.isInteger(max) && max > 0)) return usageError(TRACE, `--max takes a positive whole number (got ${maxArg})`, false);
  const budgetArg = parsed.string('budget-ms');
  const budget = budgetArg !== undefined ? Number(budgetArg) : undefined;
  if (budget !== undefined && !(Number.isFinite(budget) && budget > 0)) return usageError(TRACE, `--budget-ms takes a positive number of milliseconds (got ${budgetArg})`, false);
  const priceArg = parsed.string('gb-second-usd');
  const gbSecondUsd = priceArg !== undefined ? Number(priceArg) : undefined;
  if (gbSecondUsd !== undefined && !(Number.isFinite(gbSecondUsd) && gbSecondUsd >= 0 && priceArg!.trim() !== '')) return usageError(TRACE, `--gb-second-usd takes a price in USD, 0 or more (got ${priceArg})`, false);
  const retryClientField = parsed.string('retry-client-field');
  const whatIf = whatIfOptionsOf((name) => parsed.string(name));
  if ('error' in whatIf) return usageError(TRACE, whatIf.error, false);
  const endpoint = parsed.string('endpoint');
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+/.test(endpoint)) return usageError(TRACE, `--endpoint takes a URL such as http://127.0.0.1:4566 (got ${endpoint})`, false);
  const sample = parsed.boolean('sample');
  if (sample && (endpoint || parsed.string('profile') || parsed.string('region'))) {
    return usageError(TRACE, '--sample brings its own endpoint, Region and credentials: leave out --endpoint, --profile and --region', false);
  }
  const verbose = parsed.boolean('verbose');

  let stopSample: (() => Promise<void>) | undefined;
  const connection: Connection = { surface: 'cli' };
  const profile = parsed.string('profile');
  const region = parsed.string('region');
  if (profile) connection.profile = profile;
  if (region) connection.region = region;
  if (endpoint) connection.endpoint = endpoint;
  if (sample) {
    const { startSampleAccount } = await import('../aws/sampleAccount/server');
    const account = await startSampleAccount({ port: 0, historyMinutes: 60, ...(parsed.boolean('transaction-search') ? { transactionSearch: true } : {}) });
    stopSample = () => account.close();
    connection.endpoint = account.endpoint;
    connection.region = account.region;
    connection.credentials = { accessKeyId: 'AKIASAMPLEACCOUNT000', secretAccessKey: 'sample-account-secret' };
    process.stderr.write(`sample account at ${account.endpoint}\n`);
  }
  // One line per AWS call (operation, status, time; never a credential), between the progress lines.
  if (verbose) connection.logger = { debug: (m) => process.stderr.write(`[aws] ${terminalSafe(m)}\n`) };
  const clients = new RecordingClients(connection);
  const ac = new AbortController();
  const onSignal = (): void => ac.abort();
  process.once('SIGINT', onSignal);
  const tty = process.stderr.isTTY && !verbose;
  let lastLen = 0;
  // Progress, warnings and AWS's messages name APIs, functions and routes from the account: each
  // line is terminal-safe, as the report is.
  const progress = (text: string): void => {
    const m = terminalSafe(text);
    if (tty) {
      process.stderr.write(`\r${m.padEnd(lastLen)}`);
      lastLen = m.length;
    } else process.stderr.write(`${m}\n`);
  };
  try {
    const now = Date.now();
    const result = await trace504(clients, {
      ...(api ? { api } : {}),
      ...(functionName ? { functionName } : {}),
      sinceMs: now - since,
      nowMs: now,
      maxTraces: max,
      ...(budget ? { budgetOverrideMs: budget } : {}),
      ...(gbSecondUsd !== undefined ? { gbSecondUsd } : {}),
      ...(retryClientField ? { retryClientField } : {}),
      whatIf,
      signal: ac.signal,
      onProgress: progress,
    });
    if (tty) process.stderr.write(`\r${' '.repeat(lastLen)}\r`);
    if (clients.searchFailed() && result.report.traces.length === 0) {
      // Nothing could be found, and AWS said why: the run failed, once per distinct reason.
      for (const m of new Set(clients.failures.map((f) => f.message))) process.stderr.write(`timeout-lens trace: ${terminalSafe(m)}\n`);
      return ExitCode.aws;
    }
    for (const w of result.warnings) process.stderr.write(`warning: ${terminalSafe(w)}\n`);
    if (parsed.boolean('json')) process.stdout.write(`${terminalSafeJson(result.report)}\n`);
    else {
      process.stdout.write(`Trace 504: ${terminalSafe(result.target)}, last ${terminalSafe(sinceArg)}: ${result.report.traces.length} trace(s) of ${result.summaries} slow request(s)\n\n`);
      process.stdout.write(renderTextReport(result.report, { width: process.stdout.columns || 100, traces: new Map(result.analyzed.map((a) => [a.trace.traceId, a.trace])) }));
    }
    return ExitCode.ok;
  } catch (e) {
    if (tty) process.stderr.write('\n');
    if (AwsSourceError.is(e) && e.code === 'cancelled') {
      process.stderr.write('cancelled\n');
      return ExitCode.interrupted;
    }
    if (!AwsSourceError.is(e)) throw e;
    process.stderr.write(`timeout-lens trace: ${terminalSafe(e.message)}\n`);
    return ExitCode.aws;
  } finally {
    process.off('SIGINT', onSignal);
    clients.dispose();
    await stopSample?.();
  }
}
