// `timeout-lens`: the engine for terminals and CI. Each subcommand lives in src/cli/<name>.ts
// and is loaded only when called, so `--help` stays instant.

interface Subcommand {
  summary: string;
  usage: string;
  load: () => Promise<{ run: (args: string[]) => Promise<number> }>;
}

const COMMANDS: Record<string, Subcommand> = {
  analyze: {
    summary: 'analyze X-Ray trace files, logs and templates: where each request spent its API Gateway budget',
    usage: 'timeout-lens analyze <file|dir>... [--json] [--budget-ms N] [--api-type rest|http|websocket] [--fail-on high|elevated|info]',
    load: () => import('./cli/analyze'),
  },
  trace: {
    summary: 'fetch the 504s of an API (or function) from X-Ray and show where their time went',
    usage: 'timeout-lens trace (--api NAME | --function NAME) [--since 1h] [--profile P] [--region R] [--endpoint URL] [--sample] [--json]',
    load: () => import('./cli/trace'),
  },
  calls: {
    summary: 'list the handlers of a handler file and the AWS and HTTP calls it makes, with their loops',
    usage: 'timeout-lens calls <file>... [--json]',
    load: () => import('./cli/calls'),
  },
  'sample-account': {
    summary: 'serve the built-in sample account: a local AWS endpoint with a living 504 scenario',
    usage: 'timeout-lens sample-account [--port N] [--speed N] [--seed N] [--history MINUTES]',
    load: () => import('./cli/sampleAccount'),
  },
};

// The AWS SDK warns on every run under Node 20 that versions published after January 2027 will
// need Node 22; the CLI pins its SDK, so the notice is noise in a terminal and in CI logs.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  if (typeof warning === 'string' && warning.startsWith('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

function help(): string {
  const lines = ['Usage: timeout-lens <command> [options]', '', 'Commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(16)} ${c.summary}`);
  lines.push('', 'Run `timeout-lens <command> --help` for the options of one command.');
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${__VERSION__}\n`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`timeout-lens: unknown command '${name}'\n\n${help()}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${cmd.usage}\n`);
    return 0;
  }
  const mod = await cmd.load();
  return mod.run(rest);
}

declare const __VERSION__: string;

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`timeout-lens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
