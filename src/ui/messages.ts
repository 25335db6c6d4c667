// What the messages of a run say, composed without `vscode`: what failed, counted once per
// distinct failure, what to do about it and which fixes to offer, by the stable code of each
// failure (never by the wording of an AWS message, which may change). Also the names of the files
// an Open Trace File run skipped, and what a typed AWS profile name may hold. The commands
// (trace504Command.ts, openTraceFile.ts, awsSettingsCommands.ts) show these texts and run the fixes.
import type { AwsErrorCode } from '../aws/errors';
import type { RunFailure } from '../aws/trace504';

export type { RunFailure };

/** The AWS service an operation belongs to, as people name it. */
const SERVICES: Array<[string, string[]]> = [
  ['X-Ray', ['GetTraceSummaries', 'BatchGetTraces', 'GetServiceGraph', 'StartTraceRetrieval', 'ListRetrievedTraces']],
  ['CloudWatch Logs', ['FilterLogEvents', 'GetLogEvents', 'StartQuery', 'GetQueryResults', 'StopQuery', 'DescribeLogGroups', 'StartLiveTail']],
  ['Lambda', ['ListFunctions', 'GetFunctionConfiguration']],
  ['API Gateway', ['GetRestApis', 'GetResources', 'GetStages', 'GetIntegration', 'GetApis', 'GetRoutes', 'GetIntegrations']],
];
const SERVICE_OF_PREFIX: Record<string, string> = { xray: 'X-Ray', logs: 'CloudWatch Logs', lambda: 'Lambda', apigateway: 'API Gateway' };

export function serviceOf(f: Pick<RunFailure, 'operation' | 'action'>): string | undefined {
  const prefix = f.action?.split(':')[0];
  if (prefix && SERVICE_OF_PREFIX[prefix]) return SERVICE_OF_PREFIX[prefix];
  return SERVICES.find(([, ops]) => ops.includes(f.operation))?.[0];
}

const CODES: readonly AwsErrorCode[] = ['credentials-expired', 'credentials-missing', 'access-denied', 'throttled', 'unknown-region', 'network', 'cancelled', 'service'];

/**
 * Anything thrown, as a RunFailure: an AwsSourceError (from either bundle, so read by its fields)
 * keeps its code, operation and action; anything else is a `service` failure of no operation.
 */
export function failureOf(e: unknown, what: string): RunFailure {
  const o = (e !== null && typeof e === 'object' ? e : {}) as Record<string, unknown>;
  const text = typeof o.message === 'string' ? o.message : String(e);
  const code = CODES.find((c) => c === o.code);
  if (!code || typeof o.operation !== 'string') return { code: 'service', operation: '', what, message: text };
  return { code, operation: o.operation, ...(typeof o.action === 'string' ? { action: o.action } : {}), what, message: text };
}

/** The failure in a few words: `X-Ray GetTraceSummaries denied (xray:GetTraceSummaries)`. */
export function failureLabel(f: RunFailure): string {
  if (!f.operation) return f.message;
  const service = serviceOf(f);
  const what: Record<AwsErrorCode, string> = {
    'credentials-expired': 'credentials expired',
    'credentials-missing': 'no valid credentials',
    'access-denied': f.action ? `denied (${f.action})` : 'denied',
    throttled: 'throttled',
    'unknown-region': 'no valid Region',
    network: 'unreachable',
    cancelled: 'cancelled',
    service: 'failed',
  };
  return `${service ? `${service} ` : ''}${f.operation} ${what[f.code]}`;
}

export interface DistinctFailure {
  /** The first of its kind (its code, operation and action). */
  failure: RunFailure;
  count: number;
  label: string;
}

/** Each distinct failure once, with how many times it happened: the most frequent first, then in order of occurrence. */
export function distinctFailures(failures: readonly RunFailure[]): DistinctFailure[] {
  const byKey = new Map<string, DistinctFailure>();
  for (const f of failures) {
    const label = failureLabel(f);
    const key = f.operation ? `${f.code}|${f.operation}|${f.action ?? ''}` : `|${f.message}`;
    const seen = byKey.get(key);
    if (seen) seen.count++;
    else byKey.set(key, { failure: f, count: 1, label });
  }
  return [...byKey.values()].sort((a, b) => b.count - a.count);
}

/** `X-Ray GetTraceSummaries denied (xray:GetTraceSummaries) ×3; CloudWatch Logs FilterLogEvents throttled ×1`. */
export function failureSummary(failures: readonly RunFailure[]): string {
  return distinctFailures(failures)
    .map((d) => `${d.label} ×${d.count}`)
    .join('; ');
}

/** Where Trace 504 reads from, as far as the fixes need it. */
export interface FixContext {
  /** The `timeoutLens.aws.profile` setting. */
  profile?: string;
  /** The `timeoutLens.aws.endpoint` setting. */
  endpoint?: string;
}

/** A name as the shell takes it: plain when it has nothing a shell reads, else in single quotes. */
function shellWord(s: string): string {
  return /^[\w\-.+@%:/=,]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that signs an SSO profile in again. */
export function ssoLoginCommand(profile: string | undefined): string {
  return profile ? `aws sso login --profile ${shellWord(profile)}` : 'aws sso login';
}

/** The IAM actions the access-denied failures name, each once. */
export function deniedActions(failures: readonly RunFailure[]): string[] {
  return [...new Set(failures.filter((f) => f.code === 'access-denied').map((f) => f.action ?? f.operation).filter(Boolean))];
}

/** What to do about one kind of failure, in a sentence. */
export function whatToDo(code: AwsErrorCode, ctx: FixContext, failures: readonly RunFailure[] = []): string {
  switch (code) {
    case 'credentials-expired':
      return ctx.profile ? `Sign in again with \`${ssoLoginCommand(ctx.profile)}\` (or renew the keys of profile ${ctx.profile}), then run Trace 504 again.` : 'Sign in again with `aws sso login`, or set fresh AWS keys, then run Trace 504 again.';
    case 'credentials-missing':
      return ctx.profile ? `Choose a profile that has credentials (Select AWS Profile), or run \`aws configure --profile ${ctx.profile}\`.` : 'Choose a profile that has credentials (Select AWS Profile), or run `aws configure`.';
    case 'access-denied': {
      const actions = deniedActions(failures);
      const who = ctx.profile ? `profile ${ctx.profile}` : 'your credentials';
      return `Add ${actions.length ? actions.join(', ') : 'the denied actions'} to the IAM policy of ${who}.`;
    }
    case 'throttled':
      return 'Wait a minute and try again, or choose a shorter time window.';
    case 'unknown-region':
      return 'Choose a Region (Select Region).';
    case 'network':
      return ctx.endpoint ? `Check the endpoint setting (${ctx.endpoint}), the network, a proxy or VPN.` : 'Check the network, a proxy or VPN, and the endpoint setting.';
    case 'cancelled':
      return '';
    case 'service':
      return 'The log has the details.';
  }
}

export type FixId = 'sso-login' | 'select-profile' | 'copy-iam-actions' | 'open-iam-policy' | 'select-region' | 'open-endpoint-setting' | 'retry';

export interface Fix {
  id: FixId;
  /** The row of a quick pick. */
  label: string;
  /** The row's second line: what choosing it does. */
  detail: string;
  /** The button of a notification (short, title case). */
  button: string;
  /** sso-login: the command typed into the terminal. copy-iam-actions: the text copied. */
  text?: string;
}

/** The fixes for one kind of failure, the likeliest first. */
export function fixesFor(code: AwsErrorCode, ctx: FixContext, failures: readonly RunFailure[] = []): Fix[] {
  switch (code) {
    case 'credentials-expired': {
      const cmd = ssoLoginCommand(ctx.profile);
      return [
        { id: 'sso-login', label: `Run \`${cmd}\` in a terminal`, detail: 'Types the command into a new terminal: press Enter there to sign in, then run Trace 504 again', button: 'Sign In in a Terminal', text: cmd },
        { id: 'select-profile', label: 'Select AWS Profile', detail: 'Read with another profile', button: 'Select AWS Profile' },
      ];
    }
    case 'credentials-missing':
      return [{ id: 'select-profile', label: 'Select AWS Profile', detail: 'Choose a profile that has credentials', button: 'Select AWS Profile' }];
    case 'access-denied': {
      const actions = deniedActions(failures);
      const one = actions.length === 1;
      return [
        {
          id: 'copy-iam-actions',
          label: one ? `Copy the IAM action ${actions[0]}` : `Copy the IAM actions (${actions.join(', ')})`,
          detail: 'To add to the IAM policy of the profile',
          button: one ? 'Copy the IAM Action' : 'Copy the IAM Actions',
          text: actions.join('\n'),
        },
        { id: 'open-iam-policy', label: 'Open the IAM policy Timeout Lens needs', detail: 'The read-only policy in the README, every action it calls', button: 'Open the IAM Policy' },
      ];
    }
    case 'unknown-region':
      return [{ id: 'select-region', label: 'Select Region', detail: 'Choose the AWS Region to read from', button: 'Select Region' }];
    case 'network':
      return [
        {
          id: 'open-endpoint-setting',
          label: 'Open the endpoint setting',
          detail: ctx.endpoint ? `timeoutLens.aws.endpoint, now ${ctx.endpoint}` : 'timeoutLens.aws.endpoint: empty means the real AWS endpoints',
          button: 'Open the Endpoint Setting',
        },
      ];
    case 'throttled':
      return [{ id: 'retry', label: 'Try again', detail: 'Ask AWS again now', button: 'Try Again' }];
    case 'cancelled':
    case 'service':
      return [];
  }
}

/** The codes of a run's failures, each once: the most frequent first, then in order of occurrence. */
function codesByCount(failures: readonly RunFailure[]): AwsErrorCode[] {
  const counts = new Map<AwsErrorCode, number>();
  for (const f of failures) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([c]) => c);
}

/** The fixes for a run's failures: those of each kind, the most frequent kind first, each fix once. */
export function fixesForAll(failures: readonly RunFailure[], ctx: FixContext): Fix[] {
  const out: Fix[] = [];
  for (const code of codesByCount(failures)) {
    for (const fix of fixesFor(code, ctx, failures)) if (!out.some((f) => f.id === fix.id)) out.push(fix);
  }
  return out;
}

/** What to do about a run's failures: one sentence per kind, the most frequent kind first. */
export function whatToDoAll(failures: readonly RunFailure[], ctx: FixContext): string {
  return [...new Set(codesByCount(failures).map((c) => whatToDo(c, ctx, failures)).filter(Boolean))].join(' ');
}

/** `the last hour`, `the last 15 minutes`, `the last 7 days`. */
export function windowWords(minutes: number): string {
  if (minutes === 60) return 'the last hour';
  if (minutes % 1440 === 0 && minutes > 1440) return `the last ${minutes / 1440} days`;
  if (minutes % 60 === 0 && minutes > 60) return `the last ${minutes / 60} hours`;
  return `the last ${minutes} minutes`;
}

export type Severity = 'error' | 'warning' | 'info';

export interface RunMessage {
  severity: Severity;
  text: string;
  /** The fixes to offer as buttons (before "Show Log"), at most two. */
  fixes: Fix[];
  /** Whether the message offers the log ("Show Log"). */
  log: boolean;
}

/** What a Trace 504 run tells the user, from what it found and what failed. */
export interface RunOutcome {
  /** What was traced: `orders-api (REST API, stage prod)`. */
  target: string;
  minutes: number;
  /** Whether a request was found to open in the waterfall. */
  found: boolean;
  failures: readonly RunFailure[];
  /** The run's warnings that are neither a failure nor a note (they say what to do themselves). */
  problems: readonly string[];
  /** The run's notes (sampling, where statistics came from): the first words a run that found nothing. */
  notes: readonly string[];
  /** How many of the run's sources answered (Trace504Result.sourcesRead). */
  sourcesRead: number;
}

/** Each distinct text once, with a count when it came more than once. */
function distinctTexts(texts: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].map(([t, n]) => (n > 1 ? `${t.replace(/\.$/, '')} ×${n}` : t.replace(/\.$/, ''))).join('; ');
}

/**
 * The message of a run. Nothing read (every source failed): an error. Part of it read: a
 * warning listing each distinct failure once with its count. No failure but a problem: a
 * warning. Nothing slow and nothing wrong: information. A clean run that opened a request: no
 * message (undefined) — the waterfall is the answer.
 */
export function trace504Message(run: RunOutcome, ctx: FixContext): RunMessage | undefined {
  const failures = run.failures.filter((f) => f.code !== 'cancelled');
  if (failures.length) {
    const list = failureSummary(failures);
    const todo = whatToDoAll(failures, ctx);
    const extra = run.problems.length ? ` Also: ${distinctTexts(run.problems)}.` : '';
    const fixes = fixesForAll(failures, ctx).slice(0, 2);
    if (run.sourcesRead === 0 && !run.found) {
      return { severity: 'error', text: `Trace 504 could not read ${run.target}: ${list}. ${todo}${extra}`.trim(), fixes, log: true };
    }
    const head = run.found ? `Trace 504 on ${run.target} read only part of the data` : `Trace 504 found no slow request of ${run.target} in ${windowWords(run.minutes)}, but read only part of the data`;
    return { severity: 'warning', text: `${head}: ${list}. ${todo}${extra}`.trim(), fixes, log: true };
  }
  if (run.problems.length) {
    const head = run.found ? `Trace 504 on ${run.target}` : `Trace 504 found no slow request of ${run.target} in ${windowWords(run.minutes)}`;
    return { severity: 'warning', text: `${head}: ${distinctTexts(run.problems)}.`, fixes: [], log: true };
  }
  if (run.found) return undefined;
  return { severity: 'info', text: `Trace 504: ${run.notes[0] ?? `no slow requests of ${run.target} in ${windowWords(run.minutes)}.`}`, fixes: [], log: false };
}

/**
 * The message of a run that failed as a whole (its first call threw): an error naming the
 * failure and the fix; a failure of no known kind (e.g. no API of that name) in its own words.
 */
export function failedRunMessage(target: string, failure: RunFailure, ctx: FixContext): RunMessage {
  if (failure.code === 'service') return { severity: 'error', text: `Trace 504: ${failure.message}`, fixes: [], log: true };
  return {
    severity: 'error',
    text: `Trace 504 could not read ${target}: ${failureSummary([failure])}. ${whatToDo(failure.code, ctx, [failure])}`.trim(),
    fixes: fixesFor(failure.code, ctx, [failure]).slice(0, 2),
    log: true,
  };
}

/** Lines of at most `width` characters, broken at spaces (a longer word stays whole). */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** `a.json`, `a.json and b.log`, `a.json, b.log and c.txt`, `a.json, b.log, c.txt and 2 more`. */
export function nameList(names: readonly string[], max = 3): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/**
 * The file an item of a skipped list came from: the longest of `files` its source starts with
 * (`/t/a.json:3`, `/t/a.json#Traces[0]` are of `/t/a.json`), else the source without a line number.
 */
export function fileOfSource(source: string, files: readonly string[]): string {
  const match = files.filter((f) => source === f || source.startsWith(f)).sort((a, b) => b.length - a.length)[0];
  return match ?? source.replace(/:\d+$/, '');
}

/** The last part of a path (either slash). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

/** The names of the files skipped items came from, each once, in order. */
export function skippedFileNames(errors: ReadonlyArray<{ source: string }>, files: readonly string[]): string[] {
  return [...new Set(errors.map((e) => baseName(fileOfSource(e.source, files))))];
}

/**
 * What an Open Trace File run that skipped items says: how many, in which files (up to three by
 * name), why the first was skipped, and where the rest is.
 */
export function skippedMessage(errors: ReadonlyArray<{ source: string; message: string }>, files: readonly string[]): string {
  const names = skippedFileNames(errors, files);
  const n = errors.length;
  const first = errors[0]?.message.replace(/\.$/, '') ?? '';
  const more = n > 1 ? ` (and ${n - 1} more)` : '';
  return `Timeout Lens skipped ${n === 1 ? 'an item' : `${n} items`} it could not read in ${nameList(names)}: ${first}${more}. Show Details lists each with where and why; the rest is shown.`;
}

/**
 * Why a typed AWS profile name cannot be one, or undefined when it can: the characters the AWS
 * SDK reads in a `[profile …]` section of ~/.aws/config (letters, digits, `_ - . + @ % : /`).
 */
export function profileNameProblem(name: string): string | undefined {
  if (!name) return 'Type the name of a profile.';
  if (/\s/.test(name)) return 'A profile name has no spaces.';
  if (!/^[A-Za-z0-9_\-.+@%:/]+$/.test(name)) return 'A profile name has letters, digits and _ - . + @ % : / only (what the AWS CLI and SDK read in ~/.aws/config).';
  return undefined;
}
