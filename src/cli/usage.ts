// The words of every `timeout-lens` command: its synopsis, what it does, its options and its exit
// status — and the option table its parser reads. One table per command drives both the help and
// the parser (as a key table drives a handler and its help), so a flag cannot be accepted without
// being documented. Small and free of the engine: `--help` never loads a command's module.
import { parseArgs } from 'node:util';
import { terminalSafe } from '../core/terminalText';

/** The exit codes of every command; each command's help lists the ones it can return. */
export const ExitCode = {
  ok: 0,
  /** `analyze --fail-on`: a finding at or above the level. */
  findings: 1,
  /** Bad usage, or input that cannot be read. */
  usage: 2,
  /** `trace`: AWS could not be reached, refused the credentials or the call, or failed it. */
  aws: 3,
  /** A bug in timeout-lens: an error no command expected. */
  internal: 70,
  /** Ctrl+C (SIGINT) stopped the command. */
  interrupted: 130,
} as const;

export interface Flag {
  /** Without the dashes. */
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  /** The value's placeholder in the help and the synopsis: N, NAME, URL, rest|http|websocket. */
  value?: string;
  /** May be given more than once. */
  multiple?: boolean;
  /** The value when the flag is not given; the help says it. */
  default?: string;
  /** One sentence or a few; wrapped to the help's width. */
  help: string;
}

export interface CommandSpec {
  name: string;
  /** One line, for `timeout-lens --help`. */
  summary: string;
  /** The operands and required flags between the command's name and its options, e.g. `<file|dir>...`. */
  operands: string;
  /** Whether the command takes operands that are not flags (files). */
  positionals: boolean;
  description: string;
  flags: Flag[];
  /** The exit codes this command returns, with what each means for it. */
  exitStatus: Array<[number, string]>;
}

/** The what-if's assumptions (analyze and trace; parsed by whatIfFlags.ts). */
const WHAT_IF_FLAGS: Flag[] = [
  { name: 'headroom', type: 'string', value: 'PERCENT', default: '20', help: 'what-if: a fix is enough when it leaves this share of the budget free' },
  { name: 'concurrency', type: 'string', value: 'N', help: 'what-if: at most N calls of a sequential group at once when run concurrently (default: no limit)' },
  { name: 'downstream-timeout-ms', type: 'string', value: 'N', help: "what-if: cap slow downstream calls at N ms (default: each target's p50 over the report's traces)" },
];

const HELP: Flag = { name: 'help', short: 'h', type: 'boolean', help: 'print this help and exit' };

const INTERNAL: [number, string] = [ExitCode.internal, 'an unexpected error: a bug in timeout-lens (please report it with the message)'];

export const ANALYZE: CommandSpec = {
  name: 'analyze',
  summary: 'analyze X-Ray trace files, logs and templates: where each request spent its API Gateway budget',
  operands: '<file|dir>...',
  positionals: true,
  description: `Reads X-Ray traces (BatchGetTraces output, segment documents as JSON, NDJSON or the daemon's UDP form) and logs (Lambda REPORT lines, API Gateway access and execution logs, as text, FilterLogEvents/GetLogEvents JSON or Logs Insights rows), joins them, and prints where each request's time went against its API Gateway budget, worst first, then the endpoints by risk. Each file's kind is told by its content, never its name; folders are read recursively. Templates (SAM/CloudFormation template.yaml|json, CDK cdk.out/*.template.json, serverless.yml) are read too: a function whose timeout is longer than the API in front of it waits is a finding at the line that sets the timeout. Damaged input never stops the analysis: what was skipped is listed with where it was.`,
  flags: [
    { name: 'json', type: 'boolean', help: 'print the report as JSON (the documented, stable format)' },
    { name: 'budget-ms', type: 'string', value: 'N', help: "use N ms as the integration budget instead of the API type's default" },
    { name: 'api-type', type: 'string', value: 'rest|http|websocket', help: 'the front door of traces that do not say: rest (29 s), http (30 s) or websocket (29 s)' },
    { name: 'access-log-format', type: 'string', value: 'F', help: "the stage's access-log format, for text access logs (e.g. '$context.requestId $context.status $context.responseLatency …')" },
    { name: 'function-timeout', type: 'string', value: 'NAME=SECONDS', multiple: true, help: "a function's configured timeout; give it once per function" },
    { name: 'width', type: 'string', value: 'N', help: "width of the text report (default: the terminal's, or 100)" },
    { name: 'fail-on', type: 'string', value: 'high|elevated|info', help: 'exit with 1 when a finding is of this severity or graver (high > elevated > info), for CI; without it the exit status does not depend on the findings' },
    { name: 'gb-second-usd', type: 'string', value: 'USD', help: "price of Lambda duration per GB-second for the cost of work after the cut (default: the public list price for the function's architecture and Region; x86_64 and us-east-1 assumed when the input does not say)" },
    { name: 'retry-window', type: 'string', value: 'SECONDS', default: '60', help: 'a call of the same client and route this soon after a 504 was answered counts as a retry' },
    { name: 'retry-client-field', type: 'string', value: 'NAME', help: 'the access-log field that names a client (e.g. apiKeyId), instead of sourceIp + userAgent' },
    ...WHAT_IF_FLAGS,
    HELP,
  ],
  exitStatus: [
    [ExitCode.ok, 'the report was printed (and, with --fail-on, no finding reached the level)'],
    [ExitCode.findings, 'with --fail-on: a finding at or above the level'],
    [
      ExitCode.usage,
      'bad usage (an unknown flag, a bad value, no file given); a path that does not exist or cannot be read (nothing is analyzed then); or nothing could be read: no file given or found in the folders is in a format timeout-lens reads. A file of a known format that holds no requests, or only damage, is not an error: the report lists what was skipped, and the exit status is 0 (or 1 with --fail-on).',
    ],
    INTERNAL,
  ],
};

export const TRACE: CommandSpec = {
  name: 'trace',
  summary: 'fetch the 504s of an API (or function) from X-Ray and show where their time went',
  operands: '(--api NAME | --function NAME)',
  positionals: false,
  description: `Finds the requests of an API (or a Lambda function) that got a 504 or came near the integration budget, fetches their X-Ray traces and prints where the time went, slowest first: the same report as analyze. Progress and warnings go to stderr, the report to stdout. Credentials and Region resolve as the AWS CLI's do: --profile or AWS_PROFILE, the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), ~/.aws/config and credentials, SSO; --region or AWS_REGION.`,
  flags: [
    { name: 'api', type: 'string', value: 'NAME', help: 'API Gateway API (REST, HTTP or WebSocket) by name or id' },
    { name: 'function', type: 'string', value: 'NAME', help: 'Lambda function by name' },
    { name: 'since', type: 'string', value: 'DURATION', default: '1h', help: 'how far back to look: 15m, 1h, 6h, 2d' },
    { name: 'max', type: 'string', value: 'N', default: '20', help: 'the most traces to fetch from X-Ray; with Transaction Search on, as many again of the requests only aws/spans holds' },
    { name: 'budget-ms', type: 'string', value: 'N', help: "integration budget to use instead of the account's" },
    { name: 'gb-second-usd', type: 'string', value: 'USD', help: "price of Lambda duration per GB-second for the cost of work after the cut (default: the public list price for the function's architecture and the Region)" },
    { name: 'retry-client-field', type: 'string', value: 'NAME', help: 'the access-log field that names a client (e.g. apiKeyId), instead of sourceIp + userAgent' },
    ...WHAT_IF_FLAGS,
    { name: 'profile', type: 'string', value: 'NAME', help: "AWS profile (default: AWS_PROFILE, else the AWS CLI's default credential chain)" },
    { name: 'region', type: 'string', value: 'REGION', help: "AWS Region (default: AWS_REGION, then the profile's Region, then us-east-1)" },
    { name: 'endpoint', type: 'string', value: 'URL', help: 'an AWS-compatible endpoint for every service (LocalStack, a VPC endpoint, the sample account)' },
    { name: 'sample', type: 'boolean', help: 'start the built-in sample account and trace it (no AWS account needed)' },
    { name: 'transaction-search', type: 'boolean', help: 'with --sample: the sample account sends its spans to CloudWatch Logs (aws/spans), so the 504s X-Ray did not sample are found too' },
    { name: 'json', type: 'boolean', help: 'print the report as JSON' },
    { name: 'verbose', type: 'boolean', help: 'print each AWS call to stderr: [aws] Service.Operation status time' },
    HELP,
  ],
  exitStatus: [
    [ExitCode.ok, 'the report was printed (also when no request came near the budget)'],
    [ExitCode.usage, 'bad usage: an unknown flag, a bad value, neither or both of --api and --function'],
    [ExitCode.aws, 'AWS failed: no or expired credentials, access denied, the endpoint or network unreachable, an unknown Region, throttling, or no such API or function there. A failure in a side part (the logs, a function\'s configuration) is a warning on stderr, and the report still comes, with exit 0; a search of X-Ray that never answers is a failure.'],
    INTERNAL,
    [ExitCode.interrupted, 'interrupted (Ctrl+C)'],
  ],
};

export const CALLS: CommandSpec = {
  name: 'calls',
  summary: 'list the handlers of a handler file and the AWS and HTTP calls it makes, with their loops',
  operands: '<file>...',
  positionals: true,
  description: `Reads handler files (.js .mjs .cjs .jsx .ts .mts .cts .tsx .py) and lists the handlers they export and the calls they make that X-Ray would record (AWS SDK v2/v3, boto3, fetch, axios, got, undici, http(s), requests, httpx, urllib3), with the loops each call sits in. Lines are 1-based.`,
  flags: [{ name: 'json', type: 'boolean', help: 'print the outlines as JSON (lines and columns 0-based, as in the editor API)' }, HELP],
  exitStatus: [
    [ExitCode.ok, 'the outlines were printed'],
    [ExitCode.usage, 'bad usage, or a file that does not exist, cannot be read, or is not JavaScript, TypeScript or Python (nothing is printed then)'],
    INTERNAL,
  ],
};

export const SAMPLE_ACCOUNT: CommandSpec = {
  name: 'sample-account',
  summary: 'serve the built-in sample account: a local AWS endpoint with a living 504 scenario',
  operands: '',
  positionals: false,
  description: `A local AWS-compatible endpoint (X-Ray, CloudWatch Logs, Lambda, API Gateway) with a living orders-api whose POST /reports times out at 29 s. The first line of stdout is its endpoint URL. Any credentials are accepted; nothing leaves 127.0.0.1. Serves until Ctrl+C (SIGINT) or SIGTERM.`,
  flags: [
    { name: 'port', type: 'string', value: 'N', default: '0', help: 'port on 127.0.0.1; 0 picks any free port' },
    { name: 'speed', type: 'string', value: 'N', default: '1', help: 'run the traffic N times faster; 10 brings a 504 every few seconds' },
    { name: 'seed', type: 'string', value: 'N', help: 'another seed, another (deterministic) history' },
    { name: 'history', type: 'string', value: 'MINUTES', default: '60', help: 'minutes of history present at start' },
    { name: 'transaction-search', type: 'boolean', help: "turn CloudWatch Transaction Search on: every request's spans in the aws/spans log group, X-Ray indexing only a sample" },
    HELP,
  ],
  exitStatus: [
    [ExitCode.ok, 'stopped by Ctrl+C or SIGTERM'],
    [ExitCode.usage, 'bad usage: an unknown flag, a bad value, or a --port in use'],
    INTERNAL,
  ],
};

/** Every command, in the order `timeout-lens --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [ANALYZE, TRACE, CALLS, SAMPLE_ACCOUNT];

const WIDTH = 100;

/** `text` in lines of at most `width` characters, each after `indent`; the first after `first` when given. */
function wrap(text: string, width: number, indent: string, first = indent): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  // A unit stays with its number: "29 s" is never broken across lines.
  const words: string[] = [];
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (words.length && /^(ms|s|m|h)\b/.test(w) && /\d$/.test(words[words.length - 1]!)) words[words.length - 1] += ` ${w}`;
    else words.push(w);
  }
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}

function flagWord(f: Flag): string {
  return `--${f.name}${f.value ? ` ${f.value}` : ''}`;
}

/** The synopsis, wrapped: `timeout-lens analyze <file|dir>... [--json] [--budget-ms N] …`. */
export function synopsis(spec: CommandSpec): string[] {
  const head = `timeout-lens ${spec.name}`;
  const words = spec.operands ? [spec.operands] : [];
  for (const f of spec.flags) {
    if (f === HELP || spec.operands.includes(`--${f.name} `)) continue;
    words.push(`[${flagWord(f)}]${f.multiple ? '...' : ''}`);
  }
  const lines: string[] = [];
  let line = head;
  for (const w of words) {
    if (line.length + 1 + w.length > WIDTH - 7 && line !== head) {
      lines.push(line);
      line = ' '.repeat(head.length);
    }
    line += ` ${w}`;
  }
  lines.push(line);
  return lines;
}

/** A command's whole help: the one text `--help`, `help <command>` and a usage error print. */
export function usage(spec: CommandSpec): string {
  const out = synopsis(spec).map((l, i) => (i === 0 ? `Usage: ${l}` : `       ${l}`));
  out.push('', ...wrap(spec.description, WIDTH, ''), '', 'Options:');
  const col = Math.max(...spec.flags.map((f) => (f.short ? `-${f.short}, ` : '').length + flagWord(f).length)) + 4;
  for (const f of spec.flags) {
    const left = `  ${f.short ? `-${f.short}, ` : ''}${flagWord(f)}`.padEnd(col + 2);
    const text = `${f.help}${f.default !== undefined ? ` (default: ${f.default})` : ''}${f.multiple ? ' (repeatable)' : ''}`;
    out.push(...wrap(text, WIDTH, ' '.repeat(col + 2), left));
  }
  out.push('', 'Exit status:');
  for (const [code, text] of spec.exitStatus) out.push(...wrap(text, WIDTH, '       ', `  ${String(code).padEnd(5)}`));
  return out.join('\n');
}

/** `timeout-lens --help`: the commands, the global options, the exit codes of all of them. */
export function mainUsage(): string {
  const out = ['Usage: timeout-lens <command> [options]', '       timeout-lens help <command>', '', 'Commands:'];
  for (const c of COMMANDS) out.push(...wrap(c.summary, WIDTH, ' '.repeat(20), `  ${c.name.padEnd(18)}`));
  out.push('', 'Options:', '  -h, --help        print this help; after a command, that command\'s', '  --version         print the version');
  out.push('', 'Run `timeout-lens <command> --help` (or `timeout-lens help <command>`) for the options of one command.');
  out.push('', 'Exit status:');
  const all: Array<[number, string]> = [
    [ExitCode.ok, 'success'],
    [ExitCode.findings, 'analyze --fail-on: a finding at or above the level'],
    [ExitCode.usage, 'bad usage (an unknown command or flag, a bad value), input that cannot be read, or a Node older than 22'],
    [ExitCode.aws, 'trace: AWS failed (credentials, access denied, network, Region, throttling, not found)'],
    INTERNAL,
    [ExitCode.interrupted, 'interrupted (Ctrl+C)'],
  ];
  for (const [code, text] of all) out.push(...wrap(text, WIDTH, '       ', `  ${String(code).padEnd(5)}`));
  return out.join('\n');
}

/** The options table `node:util` parseArgs reads, from the command's flags. */
export function parserOptions(spec: CommandSpec): Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const f of spec.flags) options[f.name] = { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) };
  return options;
}

/** A command's parsed arguments, read only by the names its table declares. */
export class CommandArgs {
  constructor(
    private readonly spec: CommandSpec,
    private readonly values: Record<string, string | boolean | Array<string | boolean> | undefined>,
    readonly positionals: string[],
  ) {}

  private flag(name: string, type: Flag['type']): Flag {
    const f = this.spec.flags.find((x) => x.name === name);
    // A module reading a flag its table does not declare is a bug, not a user's mistake.
    if (!f || f.type !== type) throw new Error(`timeout-lens ${this.spec.name} has no ${type} flag --${name}`);
    return f;
  }

  /** A string flag's value, or its default. */
  string(name: string): string | undefined {
    const f = this.flag(name, 'string');
    const v = this.values[name];
    return typeof v === 'string' ? v : f.default;
  }

  /** Every value of a repeatable string flag. */
  strings(name: string): string[] {
    this.flag(name, 'string');
    const v = this.values[name];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
  }

  boolean(name: string): boolean {
    this.flag(name, 'boolean');
    return this.values[name] === true;
  }
}

/** The arguments, `help` when --help/-h was given, or the parser's complaint. */
export function parseCommand(spec: CommandSpec, args: string[]): CommandArgs | 'help' | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: parserOptions(spec), allowPositionals: spec.positionals, strict: true });
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (parsed.values['help'] === true) return 'help';
  return new CommandArgs(spec, parsed.values, parsed.positionals);
}

/** Writes `timeout-lens <cmd>: message` and, for a mistake in the command line itself, the command's help. */
export function usageError(spec: CommandSpec, message: string, withHelp = true): number {
  // The message quotes what was typed (a path, a value): terminal-safe.
  process.stderr.write(`timeout-lens ${spec.name}: ${terminalSafe(message)}\n${withHelp ? `\n${usage(spec)}\n` : `Run \`timeout-lens ${spec.name} --help\` for its options.\n`}`);
  return ExitCode.usage;
}
